"""Texts a resident reads, stored per language as {"en": "...", "es": "..."}."""


def text_in(texts: dict, language: str) -> str:
    """The text in `language`, else English, else any language given."""
    if not texts:
        return ""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()))
