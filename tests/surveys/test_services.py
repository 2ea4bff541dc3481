"""Building a survey: questions added, changed, removed and reordered while it is a draft; the standard trust
and safety items keep their meaning; nothing changes once residents can answer; every change is audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.surveys import instrument, services
from commonbeat.surveys.models import Question, QuestionKind, SurveyStatus

STANDARD_CODES = [spec["code"] for spec in instrument.STANDARD]
PJ_CODES = [spec["code"] for spec in instrument.PROCEDURAL_JUSTICE]


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def survey(agency, staff):
    return services.create_survey(staff, agency, slug="spring", title={"en": "Spring survey", "es": "Encuesta"})


@pytest.fixture
def own_survey(agency, staff):
    """A survey of the agency's own questions, which does not count toward the trust index."""
    return services.create_survey(staff, agency, slug="parks", title={"en": "Parks"}, standard=False)


def codes(survey) -> list[str]:
    return list(survey.questions.order_by("position").values_list("code", flat=True))


def bike_question(**overrides) -> dict:
    return {"code": "bike_patrols", "kind": QuestionKind.SINGLE_CHOICE,
            "text": {"en": "Have you seen bike patrols?", "es": "¿Ha visto patrullas en bicicleta?"},
            "help_text": {"en": "In the last month.", "es": ""},
            "choices": [{"value": "yes", "label": {"en": "Yes", "es": "Sí"}},
                        {"value": "no", "label": {"en": "No", "es": "No"}}],
            "required": True} | overrides


def test_staff_add_a_question_at_the_end_with_texts_per_language(survey, staff):
    question = services.add_question(staff, survey, **bike_question())
    assert codes(survey) == STANDARD_CODES + ["bike_patrols"]
    assert question.text == {"en": "Have you seen bike patrols?", "es": "¿Ha visto patrullas en bicicleta?"}
    assert question.help_text == {"en": "In the last month."}  # blank languages are left out
    assert question.choices[1] == {"value": "no", "label": {"en": "No", "es": "No"}}
    assert question.required and question.module == ""
    event = AuditEvent.objects.get(action="surveys.question_added")
    assert event.actor == staff and event.changes["code"] == "bike_patrols"


def test_any_language_can_be_stored_beside_english_and_spanish(own_survey, staff):
    question = services.add_question(staff, own_survey, code="language", kind=QuestionKind.FREE_TEXT,
                                     text={"en": "Which language?", "es": "¿Qué idioma?", "vi": "Ngôn ngữ nào?"})
    assert question.text["vi"] == "Ngôn ngữ nào?"


def test_an_agreement_question_without_choices_gets_the_standard_five_points(own_survey, staff):
    question = services.add_question(staff, own_survey, code="fair", kind=QuestionKind.AGREEMENT_5,
                                     text={"en": "Police are fair."})
    assert [c["value"] for c in question.choices] == ["1", "2", "3", "4", "5"]
    assert question.choices[4]["label"]["es"] == "Muy de acuerdo"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"code": "Bike Patrols"}, "small letter"),
    ({"code": "safety"}, "already has the code"),
    ({"code": "pj_voice"}, "procedural-justice module"),
    ({"text": {"es": "Sólo en español"}}, "in English"),
    ({"choices": [{"value": "yes", "label": {"en": "Yes"}}]}, "at least two choices"),
    ({"choices": [{"value": "yes", "label": {"en": "Yes"}}, {"value": "yes", "label": {"en": "Sure"}}]},
     "used twice"),
    ({"choices": [{"value": "a b", "label": {"en": "A"}}, {"value": "c", "label": {"en": "C"}}]},
     "cannot be a choice value"),
    ({"choices": [{"value": "a", "label": {"es": "A"}}, {"value": "c", "label": {"en": "C"}}]},
     "label in English"),
    ({"kind": "slider"}, "kind"),
])
def test_a_question_that_does_not_make_sense_is_refused_with_a_reason(survey, staff, overrides, message):
    with pytest.raises(services.SurveyError, match=message):
        services.add_question(staff, survey, **bike_question(**overrides))
    assert codes(survey) == STANDARD_CODES


def test_choices_are_dropped_from_questions_that_have_none(own_survey, staff):
    question = services.add_question(staff, own_survey, **bike_question(kind=QuestionKind.ZIP))
    assert question.choices == []


def test_staff_edit_a_question(survey, staff):
    question = services.add_question(staff, survey, **bike_question())
    services.update_question(staff, question, **bike_question(
        code="bike_patrols_seen", kind=QuestionKind.MULTIPLE_CHOICE, text={"en": "Seen bikes?"}, required=False))
    question.refresh_from_db()
    assert (question.code, question.kind, question.text, question.required) == (
        "bike_patrols_seen", QuestionKind.MULTIPLE_CHOICE, {"en": "Seen bikes?"}, False)
    event = AuditEvent.objects.get(action="surveys.question_changed")
    assert event.changes["code"] == "bike_patrols_seen" and "choices" not in event.changes


def test_a_question_cannot_take_another_questions_code(survey, staff):
    question = services.add_question(staff, survey, **bike_question())
    with pytest.raises(services.SurveyError, match="already has the code"):
        services.update_question(staff, question, **bike_question(code="top_issue"))


def test_standard_items_can_be_reworded(survey, staff):
    safety = survey.questions.get(code="safety")
    services.update_question(staff, safety, code="safety", kind=QuestionKind.SCALE_0_10,
                             text={"en": "How safe do you feel?", "es": "¿Qué tan seguro se siente?"},
                             help_text={"en": "0 is not at all, 10 is completely."}, required=True)
    safety.refresh_from_db()
    assert safety.text["en"] == "How safe do you feel?" and safety.module == "standard"
    age = survey.questions.get(code="age_band")
    relabelled = [dict(choice, label={"en": choice["label"]["en"].upper()}) for choice in age.choices]
    services.update_question(staff, age, code="age_band", kind=age.kind, text=age.text, choices=relabelled)
    age.refresh_from_db()
    assert age.choices[0]["label"] == {"en": "18 TO 29"}


@pytest.mark.parametrize(("code", "changes", "message"), [
    ("safety", {"code": "safety_feeling"}, "code is read by the trust index"),
    ("respect", {"kind": QuestionKind.AGREEMENT_5}, "kind is fixed"),
    ("listen", {"required": False}, "must be answered"),
    ("gender", {"choices": [{"value": "f", "label": {"en": "F"}}, {"value": "m", "label": {"en": "M"}}]},
     "choice values"),
])
def test_standard_items_keep_their_meaning_while_the_survey_counts_toward_the_index(survey, staff, code, changes,
                                                                                     message):
    question = survey.questions.get(code=code)
    before = {"code": question.code, "kind": question.kind, "text": question.text, "help_text": question.help_text,
              "choices": question.choices, "required": question.required}
    with pytest.raises(services.SurveyError, match=message):
        services.update_question(staff, question, **(before | changes))
    question.refresh_from_db()
    assert {"code": question.code, "kind": question.kind, "required": question.required,
            "choices": question.choices} == {k: before[k] for k in ("code", "kind", "required", "choices")}


@pytest.mark.parametrize("code", STANDARD_CODES)
def test_standard_items_cannot_be_removed_from_an_index_survey(survey, staff, code):
    with pytest.raises(services.SurveyError, match="cannot be removed"):
        services.remove_question(staff, survey.questions.get(code=code))
    assert codes(survey) == STANDARD_CODES


def test_the_agencys_own_questions_can_be_removed_and_the_rest_close_up(survey, staff):
    first = services.add_question(staff, survey, **bike_question())
    services.add_question(staff, survey, **bike_question(code="foot_patrols"))
    services.remove_question(staff, first)
    assert codes(survey) == STANDARD_CODES + ["foot_patrols"]
    assert list(survey.questions.order_by("position").values_list("position", flat=True)) == list(range(9))
    assert AuditEvent.objects.filter(action="surveys.question_removed", changes__code="bike_patrols").exists()


def test_a_survey_of_the_agencys_own_questions_can_drop_any_of_them(own_survey, staff):
    question = services.add_question(staff, own_survey, code="safety", kind=QuestionKind.FREE_TEXT,
                                     text={"en": "Anything about safety?"})
    services.remove_question(staff, question)
    assert codes(own_survey) == []


def test_questions_move_up_and_down_one_place(survey, staff):
    respect = survey.questions.get(code="respect")
    services.move_question(staff, respect, "up")
    assert codes(survey)[:4] == ["neighbourhood", "respect", "safety", "listen"]
    services.move_question(staff, respect, "down")
    services.move_question(staff, respect, "down")
    assert codes(survey)[:4] == ["neighbourhood", "safety", "listen", "respect"]
    assert AuditEvent.objects.filter(action="surveys.question_moved").count() == 3


def test_the_first_question_cannot_move_up_nor_the_last_down(survey, staff):
    with pytest.raises(services.SurveyError, match="already first"):
        services.move_question(staff, survey.questions.get(code="neighbourhood"), "up")
    with pytest.raises(services.SurveyError, match="already last"):
        services.move_question(staff, survey.questions.get(code="race_ethnicity"), "down")
    with pytest.raises(services.SurveyError):
        services.move_question(staff, survey.questions.get(code="safety"), "sideways")
    assert codes(survey) == STANDARD_CODES


def test_the_procedural_justice_module_is_added_once_at_the_end(survey, staff):
    added = services.add_procedural_justice(staff, survey)
    assert [q.code for q in added] == PJ_CODES
    assert codes(survey) == STANDARD_CODES + PJ_CODES
    assert {q.module for q in added} == {"procedural_justice"}
    with pytest.raises(services.SurveyError, match="already has"):
        services.add_procedural_justice(staff, survey)
    assert survey.questions.count() == len(STANDARD_CODES) + len(PJ_CODES)


def test_a_survey_created_with_the_module_has_it_already(agency, staff):
    survey = services.create_survey(staff, agency, slug="pj", title={"en": "PJ"}, procedural_justice=True)
    with pytest.raises(services.SurveyError, match="already has"):
        services.add_procedural_justice(staff, survey)


@pytest.mark.parametrize("status", [SurveyStatus.OPEN, SurveyStatus.CLOSED])
def test_nothing_about_the_questions_changes_once_the_survey_is_open_or_closed(survey, staff, status):
    own = services.add_question(staff, survey, **bike_question())
    services.open_survey(staff, survey)
    if status == SurveyStatus.CLOSED:
        services.close_survey(staff, survey)
    before = list(survey.questions.order_by("position").values_list("code", "text"))
    attempts = [
        lambda: services.add_question(staff, survey, **bike_question(code="new_one")),
        lambda: services.update_question(staff, own, **bike_question(text={"en": "Changed"})),
        lambda: services.remove_question(staff, own),
        lambda: services.move_question(staff, own, "up"),
        lambda: services.add_procedural_justice(staff, survey),
    ]
    for attempt in attempts:
        with pytest.raises(services.SurveyError, match="only be changed while the survey is a draft"):
            attempt()
    assert list(survey.questions.order_by("position").values_list("code", "text")) == before


def test_the_schedule_is_set_on_a_draft_and_changed_while_open(survey, staff):
    now = timezone.now()
    services.set_schedule(staff, survey, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=30))
    survey.refresh_from_db()
    assert survey.closes_at == now + timedelta(days=30)
    services.open_survey(staff, survey)
    services.set_schedule(staff, survey, opens_at=survey.opens_at, closes_at=now + timedelta(days=60))
    survey.refresh_from_db()
    assert survey.closes_at == now + timedelta(days=60)
    assert AuditEvent.objects.filter(action="surveys.schedule_set").count() == 2


def test_a_schedule_that_cannot_work_is_refused(survey, staff):
    now = timezone.now()
    with pytest.raises(services.SurveyError, match="close after it opens"):
        services.set_schedule(staff, survey, opens_at=now, closes_at=now - timedelta(hours=1))
    services.open_survey(staff, survey)
    with pytest.raises(services.SurveyError, match="close the survey"):
        services.set_schedule(staff, survey, opens_at=None, closes_at=now - timedelta(minutes=1))
    services.close_survey(staff, survey)
    with pytest.raises(services.SurveyError, match="closed"):
        services.set_schedule(staff, survey, opens_at=None, closes_at=None)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER, Role.BOARD_MEMBER])
def test_only_survey_staff_and_admins_build_surveys(survey, cast, role):
    user = cast[role]
    question = survey.questions.get(code="top_issue")
    attempts = [
        lambda: services.add_question(user, survey, **bike_question()),
        lambda: services.update_question(user, question, code="top_issue", kind=question.kind,
                                         text={"en": "Changed"}),
        lambda: services.remove_question(user, question),
        lambda: services.move_question(user, question, "up"),
        lambda: services.add_procedural_justice(user, survey),
        lambda: services.set_schedule(user, survey, opens_at=None, closes_at=None),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert codes(survey) == STANDARD_CODES
    assert not Question.objects.filter(text__en="Changed").exists()


def test_another_agencys_admin_cannot_build_this_agencys_survey(survey, other_admin):
    with pytest.raises(PermissionDenied):
        services.add_question(other_admin, survey, **bike_question())
    with pytest.raises(PermissionDenied):
        services.add_procedural_justice(other_admin, survey)


@pytest.mark.parametrize("code", ["neighbourhood", "top_issue"])
def test_an_answer_with_a_null_character_is_refused_not_stored(agency, staff, survey, code):
    services.open_survey(staff, survey)
    answers = {"neighbourhood": "alpha-north-end", "safety": 5, "respect": 5, "listen": 5, "top_issue": "Speeding"}
    answers[code] = "alpha-north-end\x00" if code == "neighbourhood" else "Speed\x00ing"
    with pytest.raises(services.AnswerErrors) as refused:
        services.submit_response(agency, survey, answers)
    assert refused.value.errors == {code: "Null characters are not allowed."}
    assert not survey.responses.exists()
