"""The language of a resident's text is told from lingua's shipped models: English, Spanish, or "" when it
cannot be told."""

import pytest

from commonbeat.insights.text.language import detect


@pytest.mark.parametrize("text, expected", [
    ("The officer was rude to my son and did not explain why he was stopped.", "en"),
    ("Thank you for the quick response last night.", "en"),
    ("El agente fue grosero con mi hijo y no le explicó por qué lo paró.", "es"),
    ("Gracias por venir tan rápido anoche.", "es"),
    ("Hay mucho ruido en el barrio los viernes.", "es"),
])
def test_english_and_spanish_are_told_apart(text, expected):
    assert detect(text) == expected


@pytest.mark.parametrize("text", ["", "   ", None, "ok", "555-201-4477", "!!!"])
def test_empty_or_too_short_texts_have_no_language(text):
    assert detect(text) == ""


def test_only_english_or_spanish_is_returned():
    assert detect("Der Polizist war sehr freundlich und hilfsbereit.") in ("en", "es", "")
