"""The language of a text, from lingua's models (shipped in the package)."""

from functools import cache

from lingua import Language, LanguageDetectorBuilder

LANGUAGES = {Language.ENGLISH: "en", Language.SPANISH: "es"}
MIN_CONFIDENCE = 0.6


@cache
def _detector():
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_preloaded_language_models().build()


def detect(text: str) -> str:
    """"en" or "es", or "" when the text is too short or too mixed to tell."""
    text = (text or "").strip()
    if not text:
        return ""
    values = _detector().compute_language_confidence_values(text)
    best = values[0]
    return LANGUAGES[best.language] if best.value >= MIN_CONFIDENCE else ""
