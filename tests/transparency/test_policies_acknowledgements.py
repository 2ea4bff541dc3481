"""Every active officer with a user account acknowledges each newly published version; supervisors see their
people who have not; training coordinators and oversight reviewers see, per version, who has not, by unit."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Officer, Unit
from commonbeat.transparency.models import Acknowledgement
from commonbeat.transparency.services import policies as services

from ..factories import make_user, signed_in_client
from .test_policies_library import make_policy


@pytest.fixture
def force(agency, cast):
    """The sergeant (the cast's officer) supervises two officers with accounts; a third has none, a fourth left."""
    sergeant = Officer.objects.get(agency=agency, badge_number="101")
    sergeant.user, sergeant.rank = cast[Role.OFFICER], "Sergeant"
    sergeant.save()
    traffic = Unit.objects.create(agency=agency, code="TRF", name="Traffic")
    people = {"sergeant": sergeant}
    for badge, name, unit in [("201", "Quinn", sergeant.unit), ("202", "Reyes", traffic)]:
        people[name] = Officer.objects.create(
            agency=agency, badge_number=badge, first_name="Sam", last_name=name, rank="Officer", unit=unit,
            supervisor=sergeant, active_from=date(2021, 1, 1), user=make_user(agency, Role.OFFICER, name.lower()))
    people["no_account"] = Officer.objects.create(agency=agency, badge_number="203", first_name="Nia",
                                                  last_name="Noaccount", rank="Officer", supervisor=sergeant,
                                                  active_from=date(2021, 1, 1))
    people["retired"] = Officer.objects.create(
        agency=agency, badge_number="204", first_name="Ray", last_name="Retired", rank="Officer",
        active_from=date(2001, 1, 1), active_until=agency.today() - timedelta(days=3),
        user=make_user(agency, Role.OFFICER, "retired"))
    return people


def test_officers_required_are_active_with_an_account(agency, force):
    required = set(services.officers_required(agency))
    assert required == {force["sergeant"], force["Quinn"], force["Reyes"]}


def test_an_officer_acknowledges_with_one_click_and_again_changes_nothing(agency, admin, cast, force):
    _policy, version = make_policy(agency, admin)
    officer = signed_in_client(cast[Role.OFFICER])
    page = officer.get(reverse("transparency:staff_my_acknowledgements")).content.decode()
    assert "Policies to acknowledge" in page and "GO-300 Use of force" in page
    url = reverse("transparency:staff_acknowledge", args=[version.pk])
    response = officer.post(url, follow=True)
    assert "Acknowledged: GO-300 version 1." in response.content.decode()
    assert "You have acknowledged every policy in force" in response.content.decode()
    officer.post(url)
    assert Acknowledgement.objects.filter(officer=force["sergeant"], version=version).count() == 1
    assert AuditEvent.objects.filter(action="transparency.policy_acknowledged").count() == 1


def test_a_new_version_must_be_acknowledged_again(agency, admin, force):
    policy, first = make_policy(agency, admin)
    services.acknowledge(force["Quinn"].user, first)
    assert not services.to_acknowledge(force["Quinn"]).exists()
    second = services.publish(admin, services.add_draft(admin, policy, summary={"en": "S2"}, body={"en": "B2"}),
                              effective_on=agency.today())
    assert list(services.to_acknowledge(force["Quinn"])) == [second]
    with pytest.raises(services.PolicyError, match="Only the version in force"):
        services.acknowledge(force["Quinn"].user, first)


def test_a_user_without_an_officer_record_has_nothing_to_acknowledge(agency, admin):
    _policy, version = make_policy(agency, admin)
    page = signed_in_client(admin).get(reverse("transparency:staff_my_acknowledgements")).content.decode()
    assert "not linked to an officer record" in page
    with pytest.raises(services.PolicyError, match="not linked"):
        services.acknowledge(admin, version)


def test_a_supervisor_sees_which_of_their_people_have_not_acknowledged(agency, admin, cast, force):
    _policy, version = make_policy(agency, admin)
    services.acknowledge(force["Quinn"].user, version)
    page = signed_in_client(cast[Role.OFFICER]).get(
        reverse("transparency:staff_team_acknowledgements")).content.decode()
    quinn_row = page.split("Sam Quinn")[1].split("</tr>")[0]
    reyes_row = page.split("Sam Reyes")[1].split("</tr>")[0]
    assert "All acknowledged" in quinn_row and "GO-300 Use of force" in reyes_row
    assert "Noaccount" not in page and "Retired" not in page
    assert "1 of your people has policies still to acknowledge." in page


def test_an_officer_who_supervises_no_one_cannot_open_the_team_page(agency, force):
    response = signed_in_client(force["Quinn"].user).get(reverse("transparency:staff_team_acknowledgements"))
    assert response.status_code == 403


def test_the_overview_counts_per_version_and_lists_who_has_not_by_unit(agency, admin, cast, force):
    _policy, version = make_policy(agency, admin)
    services.acknowledge(force["sergeant"].user, version)
    reviewer = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    overview = services.acknowledgement_overview(agency)
    assert [(item.version, item.required, item.acknowledged, item.missing) for item in overview] == [
        (version, 3, 1, 2)]
    page = reviewer.get(reverse("transparency:staff_acknowledgement_overview")).content.decode()
    assert "GO-300 Use of force" in page and "33%" in page
    detail = reviewer.get(reverse("transparency:staff_acknowledgement_version", args=[version.pk])).content.decode()
    assert "1 of 3 officers have acknowledged it." in detail
    assert "Alpha Patrol" in detail and "Traffic" in detail
    assert "Sam Quinn" in detail and "Sam Reyes" in detail and "Alphason" not in detail


@pytest.mark.parametrize("role", [Role.TRAINING_COORDINATOR, Role.OVERSIGHT_REVIEWER, Role.AGENCY_ADMIN])
def test_roles_that_view_acknowledgements_can_open_the_overview(cast, role):
    response = signed_in_client(cast[role]).get(reverse("transparency:staff_acknowledgement_overview"))
    assert response.status_code == 200 and "Policy acknowledgements" in response.content.decode()
