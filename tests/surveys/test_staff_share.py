"""Staff share a survey: its public link in each language, QR codes to print, an embed snippet, and
single-use invitations whose links exist only in the one CSV handed over when they are created."""

import csv
import hashlib
import io

import pytest
import segno

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.surveys import services
from commonbeat.surveys.models import Invitation
from commonbeat.surveys.views.staff import public_path, public_url

from ..factories import signed_in_client

ANSWERS = {"neighbourhood": "alpha-north-end", "safety": 6, "respect": 7, "listen": 8}


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def staff_client(staff):
    return signed_in_client(staff)


@pytest.fixture
def survey(agency, staff):
    return services.create_survey(staff, agency, slug="spring", title={"en": "Spring survey", "es": "Primavera"})


def segno_output(url: str, kind: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url).save(buffer, kind=kind, scale=10)
    return buffer.getvalue()


def invitation_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_public_link_is_the_agreed_address_in_each_language(survey):
    assert public_path(survey, "en") == "/s/spring/"
    assert public_path(survey, "es") == "/es/s/spring/"
    assert public_url(survey, "en") == "https://alpha.test/s/spring/"


def test_the_share_page_gives_the_links_qr_codes_and_embed_code(staff_client, survey):
    body = staff_client.get(f"/console/surveys/{survey.id}/share/").content.decode()
    assert f'href="{public_url(survey, "en")}"' in body and f'href="{public_url(survey, "es")}"' in body
    assert f"/console/surveys/{survey.id}/qr.png?lang=en" in body
    assert f"/console/surveys/{survey.id}/qr.svg?lang=es" in body
    assert ('&lt;iframe src=&quot;https://alpha.test/s/spring/embed/&quot; title=&quot;Spring survey&quot;'
            in body)
    assert 'title=&quot;Primavera&quot;' in body
    assert "The survey is not taking answers now." in body


def test_the_qr_code_is_a_png_of_the_survey_link_marked_as_coming_by_qr_code(staff_client, survey):
    response = staff_client.get(f"/console/surveys/{survey.id}/qr.png")
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert response.content == segno_output("https://alpha.test/s/spring/?source=qr", "png")
    assert 'filename="spring-en-qr.png"' in response["Content-Disposition"]


def test_the_qr_code_is_an_svg_of_the_survey_link_in_the_language_asked_for(staff_client, survey):
    response = staff_client.get(f"/console/surveys/{survey.id}/qr.svg?lang=es")
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content[:200]
    assert response.content == segno_output("https://alpha.test/es/s/spring/?source=qr", "svg")
    assert response.content != segno_output("https://alpha.test/s/spring/?source=qr", "svg")


def test_invitation_links_are_handed_over_once_as_csv(staff_client, survey):
    response = staff_client.post(f"/console/surveys/{survey.id}/invitations/",
                                 {"count": "3", "panel": "Watch captains", "language": "es"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="spring-invitations-watch-captains.csv"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = invitation_rows(response)
    assert len(rows) == 3 and {row["panel"] for row in rows} == {"Watch captains"}
    prefix = "https://alpha.test/es/s/spring/?invitation="
    assert all(row["link"].startswith(prefix) for row in rows)
    tokens = [row["link"][len(prefix):] for row in rows]
    assert len(set(tokens)) == 3
    stored = set(Invitation.objects.filter(survey=survey, panel="Watch captains").values_list("token_hash", flat=True))
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}


def test_the_tokens_are_stored_nowhere_and_never_shown_again(staff_client, survey):
    rows = invitation_rows(staff_client.post(f"/console/surveys/{survey.id}/invitations/",
                                             {"count": "2", "panel": "", "language": "en"}))
    tokens = [row["link"].split("?invitation=")[1] for row in rows]
    page = staff_client.get(f"/console/surveys/{survey.id}/share/").content.decode()
    stored = [str(values) for values in Invitation.objects.values_list()]
    stored += [str(values) for values in AuditEvent.objects.values_list("changes", flat=True)]
    for token in tokens:
        assert token not in page
        assert not any(token in value for value in stored)
    assert "No panel name" in page


def test_used_and_unused_invitations_are_counted_per_panel(staff_client, staff, survey, agency):
    captains = services.create_invitations(staff, survey, 3, "Watch captains")
    services.create_invitations(staff, survey, 2, "Youth council")
    services.open_survey(staff, survey)
    services.submit_response(agency, survey, ANSWERS, invitation_token=captains[0])
    body = staff_client.get(f"/console/surveys/{survey.id}/share/").content.decode()
    assert "<th scope=\"row\">Watch captains</th><td>3</td><td>1</td><td>2</td>" in body
    assert "<th scope=\"row\">Youth council</th><td>2</td><td>0</td><td>2</td>" in body


def test_a_refused_invitation_request_keeps_what_was_typed(staff_client, survey):
    response = staff_client.post(f"/console/surveys/{survey.id}/invitations/",
                                 {"count": "0", "panel": "Watch captains", "language": "es"})
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Ensure this value is greater than or equal to 1." in body and 'value="Watch captains"' in body
    assert not Invitation.objects.exists()
