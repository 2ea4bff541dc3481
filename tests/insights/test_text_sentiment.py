"""Sentiment for trends: VADER for English; for Spanish, VADER's algorithm with our Spanish lexicon, negations
and degree words."""

from pathlib import Path

import pytest

from commonbeat.insights.text import sentiment
from commonbeat.insights.text.sentiment import score


def test_english_texts_are_scored_by_vader():
    assert score("The officers were kind, patient and very helpful.", "en") > 0.5
    assert score("The officer was rude, aggressive and humiliating.", "en") < -0.5


@pytest.mark.parametrize("text", [
    "El agente fue muy amable y respetuoso con mi mamá.",
    "Muchas gracias por el buen trabajo, nos sentimos seguros.",
    "Llegaron rápido y nos trataron con respeto.",
])
def test_positive_spanish_texts_score_above_zero(text):
    assert score(text, "es") > 0.3


@pytest.mark.parametrize("text", [
    "El policía fue grosero y agresivo, una falta de respeto.",
    "Me trataron mal y no hicieron nada.",
    "Tengo miedo, hay drogas y pandillas en la calle.",
    "Fue un abuso de autoridad y una vergüenza.",
])
def test_negative_spanish_texts_score_below_zero(text):
    assert score(text, "es") < -0.3


@pytest.mark.parametrize("negation", ["no", "nunca", "jamás"])
def test_a_spanish_negation_turns_the_sentiment_around(negation):
    assert score("El agente fue amable.", "es") > 0
    assert score(f"El agente {negation} fue amable.", "es") < 0


def test_stacked_spanish_negations_count_once():
    assert score("No fue nada amable.", "es") < 0


def test_spanish_boosters_strengthen_and_dampeners_weaken():
    plain = score("El servicio fue bueno.", "es")
    assert score("El servicio fue muy bueno.", "es") > plain
    assert score("El servicio fue demasiado lento.", "es") < score("El servicio fue lento.", "es")
    assert score("El servicio fue poco bueno.", "es") < plain


def test_after_pero_the_sentence_counts_more():
    assert score("Fueron amables pero no hicieron nada.", "es") < 0
    assert score("Tardaron pero fueron muy amables.", "es") > 0


def test_accents_left_out_still_count():
    assert score("Fue una verguenza y un abuso.", "es") < -0.3


def test_the_language_is_detected_when_not_given():
    assert score("El agente no fue amable.") < 0
    assert score("The officer was not kind.") < 0


def test_scores_stay_between_minus_one_and_one_and_empty_text_has_none():
    assert score("", "es") is None and score("   ") is None
    for text in ["¡¡¡MUY MUY MUY buenos, excelentes, maravillosos!!!", "Horrible, pésimo, asqueroso, terrible!!!"]:
        assert -1 <= score(text, "es") <= 1


def test_the_spanish_lexicon_is_large_and_on_vaders_scale():
    lines = [line for line in Path(sentiment.SPANISH_LEXICON).read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert len(lines) >= 800
    values = [float(line.split("\t")[1]) for line in lines]
    assert all(-4 <= value <= 4 and value != 0 for value in values)
    words = {line.split("\t")[0] for line in lines}
    assert {"grosero", "amable", "abuso", "respeto", "falta_de_respeto", "perfil_racial"} <= words
