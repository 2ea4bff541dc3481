"""Who filed a report: hidden on every staff page until someone allowed asks, and every asking is audited.

An oversight reviewer never sees the complainant's name, e-mail or phone on the queue or the case page
unless an agency admin grants access for that case.
"""

import pytest

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.feedback import services
from commonbeat.feedback.models import IdentityGrant

from ..factories import signed_in_client
from .factories import closed, file, investigating

IDENTITY = {"name": "Zebulon Featherstonehaugh", "email": "zebulon.f@example.org", "phone": "555-0142",
            "consent_to_contact": True}
TRACES = ("Zebulon", "Featherstonehaugh", "zebulon.f@", "555-0142")


def assert_no_identity(body: str) -> None:
    for trace in TRACES:
        assert trace not in body


def reveal(client, report):
    return client.post(f"/console/reports/{report.id}/reveal/")


@pytest.fixture
def reviewer(cast):
    return cast[Role.OVERSIGHT_REVIEWER]


@pytest.fixture
def reviewer_client(reviewer):
    return signed_in_client(reviewer)


def test_an_oversight_reviewer_sees_no_identity_on_the_queue_or_any_case_page(agency, cast, reviewer_client):
    reports = [file(agency, **IDENTITY).report, investigating(agency, cast, **IDENTITY),
               closed(agency, cast, **IDENTITY)]
    services.resident_message(reports[1], "Please call me back.")
    queue = reviewer_client.get("/console/reports/")
    assert all(report.reference in queue.content.decode() for report in reports)
    assert_no_identity(queue.content.decode())
    for report in reports:
        body = reviewer_client.get(f"/console/reports/{report.id}/").content.decode()
        assert report.reference in body
        assert_no_identity(body)
        assert "Show who filed this" not in body
        assert "Your role does not show who filed a report." in body
    assert not AuditEvent.objects.filter(action="feedback.identity_viewed").exists()


def test_a_reviewer_without_a_grant_cannot_reveal_the_identity(agency, reviewer_client):
    report = file(agency, **IDENTITY).report
    response = reveal(reviewer_client, report)
    assert response.status_code == 403
    assert_no_identity(response.content.decode())
    assert not AuditEvent.objects.filter(action="feedback.identity_viewed").exists()


def test_the_case_page_hides_the_identity_even_from_investigators_until_asked(agency, cast):
    report = file(agency, **IDENTITY).report
    client = signed_in_client(cast[Role.INVESTIGATOR])
    body = client.get(f"/console/reports/{report.id}/").content.decode()
    assert_no_identity(body)
    assert "Show who filed this" in body and f'action="/console/reports/{report.id}/reveal/"' in body


def test_an_investigator_reveals_the_identity_and_the_view_is_audited(agency, cast):
    report = file(agency, **IDENTITY).report
    investigator = cast[Role.INVESTIGATOR]
    client = signed_in_client(investigator)
    response = reveal(client, report)
    body = response.content.decode()
    assert "Zebulon Featherstonehaugh" in body and "zebulon.f@example.org" in body and "555-0142" in body
    assert "Your view of this has been recorded in the audit log." in body
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="feedback.identity_viewed")
    assert event.actor == investigator and event.object_id == str(report.id)
    assert_no_identity(str(event.changes))
    assert_no_identity(client.get(f"/console/reports/{report.id}/").content.decode())


def test_every_reveal_writes_its_own_audit_event(agency, cast, admin_client):
    report = file(agency, **IDENTITY).report
    reveal(admin_client, report)
    reveal(admin_client, report)
    assert AuditEvent.objects.filter(action="feedback.identity_viewed", object_id=str(report.id)).count() == 2


def test_an_anonymous_report_says_so_when_revealed(agency, admin_client):
    report = file(agency).report
    assert "The resident filed anonymously" in reveal(admin_client, report).content.decode()


def test_an_admin_grants_a_reviewer_access_and_the_reviewer_can_then_reveal(agency, cast, admin, reviewer,
                                                                            reviewer_client, admin_client):
    report = investigating(agency, cast, **IDENTITY)
    other_report = file(agency, **IDENTITY | {"name": "Other Person"}).report
    body = admin_client.get(f"/console/reports/{report.id}/").content.decode()
    assert f'<option value="{reviewer.id}">Oversight_Reviewer Tester</option>' in body
    grant_form = body.split('id="grant-identity"')[1].split("</form>")[0]
    assert f'<option value="{cast[Role.INVESTIGATOR].id}"' not in grant_form
    response = admin_client.post(f"/console/reports/{report.id}/grant-identity/", {
        "grant-identity-reviewer": reviewer.id, "grant-identity-reason": "The board is hearing the appeal."},
        follow=True)
    body = response.content.decode()
    assert "The reviewer can now see who filed this report." in body
    assert "Oversight_Reviewer Tester, granted by Agency_Admin Tester" in body
    grant = IdentityGrant.objects.get()
    assert (grant.report, grant.user, grant.granted_by) == (report, reviewer, admin)
    assert AuditEvent.objects.get(action="feedback.identity_granted").changes["reviewer"] == reviewer.username

    page = reviewer_client.get(f"/console/reports/{report.id}/").content.decode()
    assert "Show who filed this" in page
    assert_no_identity(page)
    revealed = reveal(reviewer_client, report).content.decode()
    assert "Zebulon Featherstonehaugh" in revealed
    assert AuditEvent.objects.get(action="feedback.identity_viewed").actor == reviewer
    # the grant is for this case only
    assert reveal(reviewer_client, other_report).status_code == 403


def test_a_grant_needs_a_reason_and_keeps_the_choice(agency, cast, reviewer, admin_client):
    report = file(agency, **IDENTITY).report
    response = admin_client.post(f"/console/reports/{report.id}/grant-identity/",
                                 {"grant-identity-reviewer": reviewer.id, "grant-identity-reason": ""})
    body = response.content.decode()
    assert "This field is required." in body and f'<option value="{reviewer.id}" selected>' in body
    assert not IdentityGrant.objects.exists()


def test_only_an_agency_admin_is_offered_and_may_use_the_grant_form(agency, cast, reviewer):
    report = file(agency, **IDENTITY).report
    client = signed_in_client(cast[Role.INVESTIGATOR])
    assert "grant-identity" not in client.get(f"/console/reports/{report.id}/").content.decode()
    response = client.post(f"/console/reports/{report.id}/grant-identity/",
                           {"grant-identity-reviewer": reviewer.id, "grant-identity-reason": "Because."})
    assert response.status_code == 403 and "Your role does not allow this." in response.content.decode()
    assert not IdentityGrant.objects.exists()
