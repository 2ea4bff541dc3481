"""The language of a text, from lingua's models (shipped in the package; nothing is downloaded)."""

import threading

from lingua import Language, LanguageDetectorBuilder

LANGUAGES = {Language.ENGLISH: "en", Language.SPANISH: "es"}
MIN_CONFIDENCE = 0.6
MIN_LETTERS = 3

_lock = threading.Lock()
_built = None


def _detector():
    global _built
    if _built is None:
        with _lock:
            if _built is None:
                _built = LanguageDetectorBuilder.from_languages(*LANGUAGES).with_preloaded_language_models().build()
    return _built


def detect(text: str) -> str:
    """"en" or "es", or "" when the text is empty, too short or too mixed to tell."""
    text = (text or "").strip()
    if sum(character.isalpha() for character in text) < MIN_LETTERS:
        return ""
    values = _detector().compute_language_confidence_values(text)
    best = values[0]
    return LANGUAGES[best.language] if best.value >= MIN_CONFIDENCE else ""
