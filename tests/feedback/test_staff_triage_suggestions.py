"""The Suggestions box on the staff case page: shown to those who triage, with Accept and Dismiss as plain forms."""

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.feedback import services as feedback
from commonbeat.feedback.models import AllegationCategory, Status
from commonbeat.insights.models import TriageSuggestion
from commonbeat.insights.text import embeddings

from ..factories import signed_in_client

pytestmark = pytest.mark.django_db


def file(agency, narrative):
    return feedback.file_report(agency, feedback.Submission(kind="complaint", narrative=narrative),
                                channel="web").report


@pytest.fixture
def case(agency):
    feedback.settings_for(agency)
    earlier = file(agency, "An officer pushed me outside the grocery store.")
    report = file(agency, "The policeman shoved me in front of the grocery.")
    now = timezone.now()
    category = TriageSuggestion.objects.create(
        agency=agency, report=report, kind=TriageSuggestion.Kind.CATEGORY, confidence=0.8734, model_version="t",
        created_at=now, category=AllegationCategory.objects.get(agency=agency, code="force"))
    duplicate = TriageSuggestion.objects.create(
        agency=agency, report=report, kind=TriageSuggestion.Kind.DUPLICATE, confidence=0.81, model_version="t",
        created_at=now, similar_report=earlier)
    return report, earlier, category, duplicate


def test_an_investigator_sees_likely_categories_and_possible_duplicates(agency, cast, case):
    report, earlier, category, duplicate = case
    body = signed_in_client(cast[Role.INVESTIGATOR]).get(f"/console/reports/{report.id}/").content.decode()
    assert "Suggestions" in body and "suggested by a model; check before you accept" in body
    assert "Use of force" in body and "87% confidence" in body
    assert f'href="/console/reports/{earlier.id}/">{earlier.reference}</a>' in body and "81% similar" in body
    for suggestion in (category, duplicate):
        for decision in ("accept", "dismiss"):
            assert f'action="/console/reports/{report.id}/suggestions/{suggestion.id}/{decision}/"' in body


def test_the_box_is_in_spanish_on_the_spanish_page(agency, cast, case):
    report = case[0]
    body = signed_in_client(cast[Role.INVESTIGATOR]).get(f"/es/console/reports/{report.id}/").content.decode()
    assert "Uso de la fuerza" in body


@pytest.mark.parametrize("role", [Role.OVERSIGHT_REVIEWER])
def test_the_box_is_not_shown_to_roles_that_do_not_triage(agency, cast, case, role):
    report, _earlier, category, _duplicate = case
    client = signed_in_client(cast[role])
    body = client.get(f"/console/reports/{report.id}/").content.decode()
    assert "What happened" in body and "suggested by a model" not in body and "87% confidence" not in body
    response = client.post(f"/console/reports/{report.id}/suggestions/{category.id}/accept/")
    assert response.status_code == 403
    assert TriageSuggestion.objects.get(pk=category.pk).status == TriageSuggestion.Status.OPEN


def test_accepting_from_the_page_triages_the_report(agency, cast, case):
    report, _earlier, category, _duplicate = case
    client = signed_in_client(cast[Role.INVESTIGATOR])
    response = client.post(f"/console/reports/{report.id}/suggestions/{category.id}/accept/", follow=True)
    assert "The suggestion is accepted." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.TRIAGED and report.allegations.get().category.code == "force"


def test_dismissing_a_duplicate_from_the_page_removes_it_from_the_box(agency, cast, case):
    report, earlier, _category, duplicate = case
    client = signed_in_client(cast[Role.INVESTIGATOR])
    body = client.post(f"/console/reports/{report.id}/suggestions/{duplicate.id}/dismiss/",
                       follow=True).content.decode()
    assert "The suggestion is dismissed." in body and "81% similar" not in body


def test_a_suggestion_of_another_report_is_not_found(agency, cast, case):
    report, earlier, category, _duplicate = case
    response = signed_in_client(cast[Role.INVESTIGATOR]).post(
        f"/console/reports/{earlier.id}/suggestions/{category.id}/accept/")
    assert response.status_code == 404


def test_the_page_says_why_when_the_model_is_unavailable(agency, cast, monkeypatch):
    feedback.settings_for(agency)
    report = file(agency, "An officer pushed me outside the grocery store.")
    monkeypatch.setattr(embeddings, "failure_without_loading", lambda: "OSError: model files are missing")
    body = signed_in_client(cast[Role.INVESTIGATOR]).get(f"/console/reports/{report.id}/").content.decode()
    assert "Suggestions are unavailable" in body and "model files are missing" in body


def test_the_case_page_never_loads_the_model_in_the_web_process(agency, cast, monkeypatch):
    feedback.settings_for(agency)
    report = file(agency, "An officer pushed me outside the grocery store.")

    def load():
        raise AssertionError("the web process loaded the embedding model")

    monkeypatch.setattr(embeddings, "_load", load)
    response = signed_in_client(cast[Role.INVESTIGATOR]).get(f"/console/reports/{report.id}/")
    assert response.status_code == 200 and "Suggestions" in response.content.decode()
