"""Staff create a survey and build its questions from the console, without JavaScript."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from commonbeat.accounts.roles import Role
from commonbeat.surveys import instrument, services
from commonbeat.surveys.models import Survey, SurveyStatus

from ..factories import signed_in_client

STANDARD_CODES = [spec["code"] for spec in instrument.STANDARD]
PJ_CODES = [spec["code"] for spec in instrument.PROCEDURAL_JUSTICE]


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def staff_client(staff):
    return signed_in_client(staff)


@pytest.fixture
def survey(agency, staff):
    return services.create_survey(staff, agency, slug="spring", title={"en": "Spring survey", "es": "Encuesta"})


def codes(survey) -> list[str]:
    return list(survey.questions.order_by("position").values_list("code", flat=True))


def builder(survey) -> str:
    return f"/console/surveys/{survey.id}/"


def test_the_new_survey_form_starts_from_the_standard_instrument(staff_client):
    body = staff_client.get("/console/surveys/new/").content.decode()
    assert 'name="standard" id="id_standard" checked' in body
    assert 'name="procedural_justice" id="id_procedural_justice" aria-describedby' in body
    for name in ["slug", "title_en", "title_es", "introduction_en", "introduction_es"]:
        assert f'name="{name}"' in body


def test_staff_create_a_survey_in_english_and_spanish(staff_client, agency):
    response = staff_client.post("/console/surveys/new/", {
        "slug": "spring-2026", "title_en": "Spring 2026", "title_es": "Primavera 2026",
        "introduction_en": "Tell us how safe you feel.", "introduction_es": "Díganos qué tan seguro se siente.",
        "standard": "on", "procedural_justice": "on"}, follow=True)
    survey = Survey.objects.get(agency=agency, slug="spring-2026")
    assert response.redirect_chain[-1][0] == builder(survey)
    assert survey.title == {"en": "Spring 2026", "es": "Primavera 2026"}
    assert survey.introduction["es"] == "Díganos qué tan seguro se siente."
    assert survey.status == SurveyStatus.DRAFT and survey.counts_toward_trust_index
    assert codes(survey) == STANDARD_CODES + PJ_CODES
    body = response.content.decode()
    assert "The survey is created as a draft" in body and "Spring 2026" in body


def test_a_survey_can_start_empty(staff_client, agency):
    staff_client.post("/console/surveys/new/", {"slug": "parks", "title_en": "Parks"})
    survey = Survey.objects.get(agency=agency, slug="parks")
    assert codes(survey) == [] and not survey.counts_toward_trust_index


def test_a_refused_survey_keeps_what_was_typed(staff_client, survey):
    response = staff_client.post("/console/surveys/new/", {
        "slug": "spring", "title_en": "Another spring", "title_es": "Otra primavera", "standard": "on"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is already a survey with that short name." in body
    assert 'value="Another spring"' in body and 'value="Otra primavera"' in body


def test_the_builder_lists_the_questions_in_order(staff_client, survey):
    body = staff_client.get(builder(survey)).content.decode()
    positions = [body.index(f"<code>{code}</code>") for code in STANDARD_CODES]
    assert positions == sorted(positions)
    assert "How safe do you feel from crime in your neighbourhood?" in body
    assert "0–10 scale" in body and "Single choice" in body
    assert "Standard trust and safety question" in body
    assert "Open the survey" in body and "Add the procedural-justice module" in body


def test_staff_add_a_choice_question_with_choices_as_lines(staff_client, survey):
    response = staff_client.post(f"/console/surveys/{survey.id}/questions/new/", {
        "code": "bike_patrols", "kind": "multiple_choice",
        "text_en": "Which patrols have you seen?", "text_es": "¿Qué patrullas ha visto?",
        "hint_en": "Choose all that apply.", "hint_es": "Elija todas las que correspondan.",
        "choices": "bike | Bike patrol | Patrulla en bicicleta\n\nfoot | Foot patrol | Patrulla a pie\n",
        "required": "on"})
    question = survey.questions.get(code="bike_patrols")
    assert response["Location"] == f"{builder(survey)}#question-{question.id}"
    assert question.choices == [{"value": "bike", "label": {"en": "Bike patrol", "es": "Patrulla en bicicleta"}},
                                {"value": "foot", "label": {"en": "Foot patrol", "es": "Patrulla a pie"}}]
    assert question.help_text == {"en": "Choose all that apply.", "es": "Elija todas las que correspondan."}
    assert question.required and codes(survey)[-1] == "bike_patrols"


def test_a_refused_question_keeps_what_was_typed(staff_client, survey):
    response = staff_client.post(f"/console/surveys/{survey.id}/questions/new/", {
        "code": "bike_patrols", "kind": "single_choice", "text_en": "Seen a bike patrol?",
        "choices": "yes | Yes | Sí"})
    body = response.content.decode()
    assert "A choice question needs at least two choices." in body
    assert "Seen a bike patrol?" in body and "yes | Yes | Sí" in body
    assert not survey.questions.filter(code="bike_patrols").exists()


def test_a_choice_line_with_too_many_parts_is_pointed_out(staff_client, survey):
    response = staff_client.post(f"/console/surveys/{survey.id}/questions/new/", {
        "code": "x", "kind": "single_choice", "text_en": "X?", "choices": "a | A | A | A\nb | B"})
    assert "Line 1 has more parts" in response.content.decode()


def test_the_edit_form_shows_the_question_as_stored(staff_client, survey):
    age = survey.questions.get(code="age_band")
    body = staff_client.get(f"/console/surveys/{survey.id}/questions/{age.id}/").content.decode()
    assert "18-29 | 18 to 29 | 18 a 29" in body
    assert "¿Qué edad tiene?" in body


def test_a_standard_question_is_reworded_but_its_code_stays(staff_client, survey):
    safety = survey.questions.get(code="safety")
    page = staff_client.get(f"/console/surveys/{survey.id}/questions/{safety.id}/").content.decode()
    assert "only its wording can change" in page and "disabled" in page
    staff_client.post(f"/console/surveys/{survey.id}/questions/{safety.id}/", {
        "code": "feeling_safe", "kind": "free_text", "text_en": "How safe do you feel at night?",
        "text_es": "¿Qué tan seguro se siente de noche?"})
    safety.refresh_from_db()
    assert safety.code == "safety" and safety.kind == "scale_0_10" and safety.required
    assert safety.text == {"en": "How safe do you feel at night?", "es": "¿Qué tan seguro se siente de noche?"}


def test_a_standard_question_cannot_be_removed_and_the_page_says_why(staff_client, survey):
    safety = survey.questions.get(code="safety")
    url = f"/console/surveys/{survey.id}/questions/{safety.id}/remove/"
    assert "cannot be removed while the survey counts toward the trust index" in staff_client.get(url).content.decode()
    body = staff_client.post(url, follow=True).content.decode()
    assert "cannot be removed while the survey counts toward the trust index" in body
    assert codes(survey) == STANDARD_CODES


def test_staff_remove_their_own_question_after_confirming(staff_client, staff, survey):
    own = services.add_question(staff, survey, code="bikes", kind="free_text", text={"en": "Bikes?"})
    url = f"/console/surveys/{survey.id}/questions/{own.id}/remove/"
    assert "Remove the question" in staff_client.get(url).content.decode()
    assert codes(survey)[-1] == "bikes"
    body = staff_client.post(url, follow=True).content.decode()
    assert "The question “bikes” is removed." in body
    assert codes(survey) == STANDARD_CODES


def test_move_buttons_reorder_the_questions(staff_client, survey):
    respect = survey.questions.get(code="respect")
    response = staff_client.post(f"/console/surveys/{survey.id}/questions/{respect.id}/move/", {"direction": "up"})
    assert response["Location"] == f"{builder(survey)}#question-{respect.id}"
    assert codes(survey)[1:3] == ["respect", "safety"]
    body = staff_client.post(f"/console/surveys/{survey.id}/questions/{respect.id}/move/",
                             {"direction": "down"}, follow=True).content.decode()
    assert "The question moved down." in body
    assert codes(survey) == STANDARD_CODES


def test_the_first_question_has_no_move_up_button(staff_client, survey):
    body = staff_client.get(builder(survey)).content.decode()
    first = survey.questions.get(code="neighbourhood")
    row = body[body.index(f'id="question-{first.id}"'):body.index("</tr>", body.index(f'id="question-{first.id}"'))]
    assert "Move down" in row and "Move up" not in row


def test_the_procedural_justice_module_is_added_with_one_button(staff_client, survey):
    body = staff_client.post(f"/console/surveys/{survey.id}/procedural-justice/", follow=True).content.decode()
    assert "The procedural-justice questions are added at the end." in body
    assert codes(survey) == STANDARD_CODES + PJ_CODES
    assert "Add the procedural-justice module" not in body


def test_the_dates_are_typed_in_the_agencys_time_zone(staff_client, survey, agency):
    response = staff_client.post(f"/console/surveys/{survey.id}/schedule/",
                                 {"opens_at": "2030-03-01T09:00", "closes_at": "2030-03-31T17:30"})
    assert response.status_code == 302
    survey.refresh_from_db()
    zone = ZoneInfo(agency.timezone)
    assert survey.opens_at == datetime(2030, 3, 1, 9, 0, tzinfo=zone)
    assert survey.closes_at == datetime(2030, 3, 31, 17, 30, tzinfo=zone)
    body = staff_client.get(builder(survey)).content.decode()
    assert 'value="2030-03-01T09:00"' in body and 'value="2030-03-31T17:30"' in body


def test_impossible_dates_are_refused_and_kept_on_the_form(staff_client, survey):
    response = staff_client.post(f"/console/surveys/{survey.id}/schedule/",
                                 {"opens_at": "2030-03-31T09:00", "closes_at": "2030-03-01T09:00"})
    body = response.content.decode()
    assert "The survey must close after it opens." in body
    assert 'value="2030-03-31T09:00"' in body
    survey.refresh_from_db()
    assert survey.opens_at is None


def test_opening_the_survey_fixes_its_questions(staff_client, staff, survey):
    own = services.add_question(staff, survey, code="bikes", kind="free_text", text={"en": "Bikes?"})
    body = staff_client.post(f"/console/surveys/{survey.id}/open/", follow=True).content.decode()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and "The survey is open." in body
    assert "Add a question" not in body and "Move up" not in body
    body = staff_client.post(f"/console/surveys/{survey.id}/questions/{own.id}/move/", {"direction": "up"},
                             follow=True).content.decode()
    assert "only be changed while the survey is a draft" in body
    response = staff_client.post(f"/console/surveys/{survey.id}/questions/{own.id}/", {
        "code": "bikes", "kind": "free_text", "text_en": "Bicycles?"})
    assert "only be changed while the survey is a draft" in response.content.decode()
    assert "Bicycles?" in response.content.decode()
    own.refresh_from_db()
    assert own.text == {"en": "Bikes?"} and codes(survey)[-1] == "bikes"


def test_the_list_shows_status_dates_and_response_counts(staff_client, staff, survey, agency):
    services.open_survey(staff, survey)
    services.submit_response(agency, survey, {"neighbourhood": "alpha-north-end", "safety": 5, "respect": 5,
                                              "listen": 5})
    for _ in range(2):
        services.submit_response(agency, survey, {"neighbourhood": "outside", "safety": 5, "respect": 5,
                                                  "listen": 5})
    body = staff_client.get("/console/surveys/").content.decode()
    row = body[body.index("Spring survey"):]
    row = row[:row.index("</tr>")]
    assert "Open" in row and '<td data-label="Eligible responses">1</td>' in row
    assert '<td data-label="Ineligible responses">2</td>' in row


def test_the_console_pages_render_in_spanish(staff_client, survey):
    for url in ["/es/console/surveys/", f"/es/console/surveys/{survey.id}/", "/es/console/surveys/new/"]:
        response = staff_client.get(url)
        assert response.status_code == 200 and 'lang="es"' in response.content.decode(), url
    assert "Encuesta" in staff_client.get(f"/es/console/surveys/{survey.id}/").content.decode()
