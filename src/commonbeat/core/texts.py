"""Texts a resident reads, stored per language as {"en": "...", "es": "..."}."""

from django.conf import settings
from django.utils.translation import get_language


def text_in(texts: dict, language: str) -> str:
    """The text in `language`, else English, else any language given."""
    if not texts:
        return ""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()))


def current_language() -> str:
    """The language of the request being served, one of the site's languages."""
    codes = [code for code, _name in settings.LANGUAGES]
    language = get_language() or settings.LANGUAGE_CODE
    return language if language in codes else settings.LANGUAGE_CODE
