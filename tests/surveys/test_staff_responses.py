"""Staff read a survey's responses: counts by day and channel, eligibility and its reasons, each response's
answers, the staff-only CSV export, and closing the survey."""

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.surveys import exports, instrument, services
from commonbeat.surveys.models import Channel, Response, SurveyStatus
from commonbeat.surveys.views import staff as staff_views

from ..factories import signed_in_client

STANDARD_CODES = [spec["code"] for spec in instrument.STANDARD]


def answers(**overrides) -> dict:
    return {"neighbourhood": "alpha-north-end", "safety": 7, "respect": 8, "listen": 6,
            "top_issue": "Speeding on Elm Street", "age_band": "30-44", "gender": "female",
            "race_ethnicity": "hispanic"} | overrides


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def staff_client(staff):
    return signed_in_client(staff)


@pytest.fixture
def survey(agency, staff):
    survey = services.create_survey(staff, agency, slug="spring", title={"en": "Spring survey"})
    services.add_question(staff, survey, code="patrols", kind="multiple_choice", text={"en": "Patrols seen?"},
                          choices=[{"value": "bike", "label": {"en": "Bike patrol", "es": "En bicicleta"}},
                                   {"value": "foot", "label": {"en": "Foot patrol"}}])
    services.add_procedural_justice(staff, survey)
    services.open_survey(staff, survey)
    return survey


@pytest.fixture
def answered(survey, agency, staff):
    """Two eligible answers by link (one in Spanish), one by invitation, one from outside the city."""
    token = services.create_invitations(staff, survey, 1, "Panel")[0]
    return {
        "first": services.submit_response(agency, survey, answers(patrols=["bike", "foot"], pj_voice=4)),
        "spanish": services.submit_response(agency, survey, answers(
            neighbourhood="alpha-south-end", top_issue="=HYPERLINK(\"http://x\")"), language="es"),
        "invited": services.submit_response(agency, survey, answers(top_issue=""), invitation_token=token),
        "outside": services.submit_response(agency, survey, answers(neighbourhood="outside", safety=2)),
    }


def export_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_totals_show_eligible_and_ineligible_responses_with_reasons(staff_client, survey, answered):
    body = staff_client.get(f"/console/surveys/{survey.id}/responses/").content.decode()
    assert '<th scope="row">All responses</th><td>4</td>' in body
    assert '<th scope="row">Eligible (count toward the trust index)</th><td>3</td>' in body
    assert '<th scope="row">Ineligible: Lives outside the city</th><td>1</td>' in body
    assert '<th scope="row">Ineligible: No neighbourhood given</th><td>0</td>' in body


def test_a_survey_without_a_neighbourhood_question_counts_its_responses_as_missing_one(staff_client, staff, agency):
    survey = services.create_survey(staff, agency, slug="parks", title={"en": "Parks"}, standard=False)
    services.add_question(staff, survey, code="parks", kind="free_text", text={"en": "Parks?"})
    services.open_survey(staff, survey)
    services.submit_response(agency, survey, {"parks": "More benches"})
    body = staff_client.get(f"/console/surveys/{survey.id}/responses/").content.decode()
    assert '<th scope="row">Ineligible: No neighbourhood given</th><td>1</td>' in body


def test_responses_are_counted_by_day_and_channel(staff_client, survey, answered, agency):
    zone = ZoneInfo(agency.timezone)
    now = timezone.now()
    Response.objects.filter(pk=answered["outside"].pk).update(submitted_at=now - timedelta(days=1))
    today = f"{timezone.localdate(now, zone):%Y-%m-%d}</th>"
    yesterday = f"{timezone.localdate(now - timedelta(days=1), zone):%Y-%m-%d}</th>"
    body = staff_client.get(f"/console/surveys/{survey.id}/responses/").content.decode()
    row = table_row(body, today)
    assert '<td data-label="Public link">2</td>' in row and '<td data-label="Invitation">1</td>' in row
    assert '<td data-label="QR code">0</td>' in row and '<td data-label="Total">3</td>' in row
    earlier = table_row(body, yesterday)
    assert '<td data-label="Public link">1</td>' in earlier and '<td data-label="Total">1</td>' in earlier
    assert body.index(today) < body.index(yesterday)


def table_row(body: str, marker: str) -> str:
    start = body.index(marker)
    return body[body.rindex("<tr", 0, start):body.index("</tr>", start)]


def test_the_table_lists_each_response_newest_first_with_a_link_to_its_answers(staff_client, survey, answered):
    body = staff_client.get(f"/console/surveys/{survey.id}/responses/").content.decode()
    links = [body.index(f"/console/surveys/{survey.id}/responses/{answered[key].id}/")
             for key in ("outside", "invited", "spanish", "first")]
    assert links == sorted(links)
    spanish = table_row(body, f"/responses/{answered['spanish'].id}/")
    assert '<td data-label="Language">es</td>' in spanish and "Alpha South End" in spanish
    assert "Ineligible: Lives outside the city" in table_row(body, f"/responses/{answered['outside'].id}/")
    assert "Invitation" in table_row(body, f"/responses/{answered['invited'].id}/")


def test_the_table_is_paged(staff_client, survey, answered, monkeypatch):
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 3)
    first = staff_client.get(f"/console/surveys/{survey.id}/responses/").content.decode()
    second = staff_client.get(f"/console/surveys/{survey.id}/responses/?page=2").content.decode()
    assert "Page 1 of 2" in first and f"/responses/{answered['first'].id}/" not in first
    assert f"/responses/{answered['first'].id}/" in second


def test_a_response_shows_every_answer_in_words(staff_client, survey, answered):
    response = staff_client.get(f"/console/surveys/{survey.id}/responses/{answered['first'].id}/")
    body = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert table_row(body, "<code>neighbourhood</code>").count("Alpha North End") == 1
    assert "Speeding on Elm Street" in table_row(body, "<code>top_issue</code>")
    assert "30 to 44" in table_row(body, "<code>age_band</code>")
    assert "Bike patrol; Foot patrol" in table_row(body, "<code>patrols</code>")
    assert "4 (Agree)" in table_row(body, "<code>pj_voice</code>")
    assert ">7<" in table_row(body, "<code>safety</code>")
    assert "Not answered" in table_row(body, "<code>pj_fairness</code>")


def test_the_export_has_a_column_per_question_and_a_row_per_response(staff_client, survey, answered):
    response = staff_client.get(f"/console/surveys/{survey.id}/responses.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="alpha-spring-responses-staff-only.csv"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = export_rows(response)
    header = rows[0]
    question_codes = list(survey.questions.order_by("position").values_list("code", flat=True))
    assert header == exports.RESPONSE_COLUMNS + question_codes
    assert question_codes[:8] == STANDARD_CODES and "patrols" in question_codes and "pj_voice" in question_codes
    assert not {"ip", "ip_address", "cookie", "user", "email"} & set(header)
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert list(by_id) == [str(answered[key].id) for key in ("first", "spanish", "invited", "outside")]
    first = by_id[str(answered["first"].id)]
    assert first["neighbourhood"] == "alpha-north-end" and first["safety"] == "7" and first["respect"] == "8"
    assert first["age_band"] == "30-44" and first["gender"] == "female" and first["race_ethnicity"] == "hispanic"
    assert first["patrols"] == "bike;foot" and first["pj_voice"] == "4" and first["pj_fairness"] == ""
    assert first["top_issue"] == "Speeding on Elm Street"
    assert first["language"] == "en" and first["channel"] == Channel.LINK and first["eligible"] == "true"
    spanish = by_id[str(answered["spanish"].id)]
    assert spanish["language"] == "es" and spanish["top_issue"] == "'=HYPERLINK(\"http://x\")"
    assert by_id[str(answered["invited"].id)]["channel"] == Channel.INVITATION
    outside = by_id[str(answered["outside"].id)]
    assert outside["eligible"] == "false" and outside["ineligible_reason"] == "outside_city"
    assert outside["neighbourhood"] == "outside"


def test_each_export_is_audited(staff_client, staff, survey, answered):
    export_rows(staff_client.get(f"/console/surveys/{survey.id}/responses.csv"))
    event = AuditEvent.objects.get(action="surveys.responses_exported")
    assert event.actor == staff and event.object_id == str(survey.id) and event.changes == {"responses": 4}


def test_the_export_is_read_in_chunks(survey, answered, staff, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    rows = list(exports.rows(survey))
    assert len(rows) == 5 and rows[1][rows[0].index("patrols")] == "bike;foot"
    assert len(list(exports.responses_csv(staff, survey))) == 5


def test_an_empty_survey_exports_its_header(staff_client, survey):
    rows = export_rows(staff_client.get(f"/console/surveys/{survey.id}/responses.csv"))
    assert len(rows) == 1 and rows[0][:2] == ["response", "submitted_at"]


def test_staff_close_the_survey(staff_client, staff, survey, answered):
    assert "Close the survey" in staff_client.get(f"/console/surveys/{survey.id}/responses/").content.decode()
    response = staff_client.post(f"/console/surveys/{survey.id}/close/", follow=True)
    assert response.redirect_chain[-1][0] == f"/console/surveys/{survey.id}/responses/"
    body = response.content.decode()
    assert "The survey is closed; it takes no more answers." in body
    assert f'action="/console/surveys/{survey.id}/close/"' not in body
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED and survey.closes_at is not None
    assert AuditEvent.objects.filter(action="surveys.survey_closed", changes__responses=4).exists()
    with pytest.raises(services.SurveyError):
        services.submit_response(survey.agency, survey, answers())
    again = staff_client.post(f"/console/surveys/{survey.id}/close/", follow=True).content.decode()
    assert "Only an open survey can be closed." in again


def test_the_responses_page_renders_in_spanish(staff_client, survey, answered):
    response = staff_client.get(f"/es/console/surveys/{survey.id}/responses/")
    assert response.status_code == 200 and 'lang="es"' in response.content.decode()
