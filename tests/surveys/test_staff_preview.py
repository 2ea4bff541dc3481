"""Staff preview a survey as residents will read it, in each language, without being able to send it."""

import pytest

from commonbeat.accounts.roles import Role
from commonbeat.surveys import services

from ..factories import signed_in_client


@pytest.fixture
def survey(agency, cast):
    staff = cast[Role.ENGAGEMENT_STAFF]
    survey = services.create_survey(staff, agency, slug="spring",
                                    title={"en": "Spring survey", "es": "Encuesta de primavera"},
                                    introduction={"en": "Five minutes.", "es": "Cinco minutos."})
    services.add_question(staff, survey, code="bikes", kind="multiple_choice",
                          text={"en": "Which patrols have you seen?", "es": "¿Qué patrullas ha visto?"},
                          choices=[{"value": "bike", "label": {"en": "Bike patrol", "es": "Patrulla en bicicleta"}},
                                   {"value": "foot", "label": {"en": "Foot patrol"}}])
    return survey


@pytest.fixture
def staff_client(cast):
    return signed_in_client(cast[Role.ENGAGEMENT_STAFF])


def test_the_preview_in_spanish_shows_the_spanish_texts(staff_client, survey):
    body = staff_client.get(f"/console/surveys/{survey.id}/preview/?lang=es").content.decode()
    preview = body[body.index('<div lang="es"'):]
    assert "Encuesta de primavera" in preview and "Cinco minutos." in preview
    assert "¿Qué tan seguro(a) se siente frente al delito en su barrio?" in preview
    assert "0 significa nada seguro, 10 significa completamente seguro." in preview
    assert "Patrulla en bicicleta" in preview and "18 a 29" in preview
    assert "Foot patrol" in preview  # a label not yet translated falls back to English
    assert "No vivo en esta ciudad" in preview and "Alpha North End" in preview
    assert "How safe do you feel" not in preview


def test_the_preview_in_english_is_the_default(staff_client, survey):
    body = staff_client.get(f"/console/surveys/{survey.id}/preview/").content.decode()
    assert '<div lang="en"' in body
    assert "How safe do you feel from crime in your neighbourhood?" in body and "Bike patrol" in body
    assert 'href="?lang=es"' in body


def test_an_unknown_language_falls_back_to_the_page_language(staff_client, survey):
    body = staff_client.get(f"/console/surveys/{survey.id}/preview/?lang=xx").content.decode()
    assert '<div lang="en"' in body and "Spring survey" in body


def test_nothing_can_be_sent_from_the_preview(staff_client, survey):
    body = staff_client.get(f"/console/surveys/{survey.id}/preview/?lang=es").content.decode()
    preview = body[body.index('<div lang="es"'):body.index("</main>")]
    assert "method=" not in preview and 'type="submit"' not in preview
    assert preview.count(" disabled") >= 11 + 2 + 4  # the 0–10 points, two patrols, four age bands


def test_the_questions_are_numbered_in_order_and_required_ones_marked(staff_client, survey):
    body = staff_client.get(f"/console/surveys/{survey.id}/preview/").content.decode()
    assert "1. Which neighbourhood do you live in? <span" in body
    assert "9. Which patrols have you seen?</legend>" in body
    assert body.index("2. How safe") < body.index("3. The police in my neighbourhood treat")
