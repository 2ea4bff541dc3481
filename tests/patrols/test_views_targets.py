"""Weekly patrol targets: set by supervisors and engagement staff, shown with the last four weeks' hours."""

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.patrols import services
from commonbeat.patrols.models import PatrolTarget

from ..factories import make_user, signed_in_client

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime(2025, 3, 19, 12, 0, tzinfo=CHICAGO)  # Wednesday; this week starts Monday 17 March
URL = "/console/patrols/targets/"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def north(agency):
    return Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")


@pytest.fixture
def sergeant(agency, cast):
    """An officer who supervises Pat, signed in with the officer role."""
    user = make_user(agency, Role.OFFICER, "sergeant")
    supervisor = Officer.objects.create(agency=agency, badge_number="900", first_name="Sam", last_name="Sergeant",
                                        rank="Sergeant", active_from=date(2015, 1, 1), user=user)
    Officer.objects.filter(agency=agency, badge_number="101").update(supervisor=supervisor, user=cast[Role.OFFICER])
    return user


def test_a_supervisor_sets_a_target_from_a_week(sergeant, north):
    client = signed_in_client(sergeant)
    response = client.post(URL, {"neighbourhood": north.pk, "weekly_hours": "12.5", "from_week": "2025-03-26"},
                           follow=True)
    target = PatrolTarget.objects.get()
    assert (target.neighbourhood, target.weekly_hours, target.effective_from) == (north, Decimal("12.5"),
                                                                                  date(2025, 3, 24))
    assert target.set_by == sergeant
    body = response.content.decode()
    assert "Target set: 12.5 hours a week in Alpha North End from the week of" in body
    assert "12.5 from 24 Mar 2025" in body  # not in force yet: shown as coming


def test_the_table_shows_the_target_and_the_last_four_weeks_including_unpublished_patrols(agency, cast, north):
    staff = cast[Role.ENGAGEMENT_STAFF]
    services.set_target(staff, agency, north, 10, from_week=date(2025, 1, 6))
    pat = Officer.objects.get(agency=agency, badge_number="101")
    for started in [datetime(2025, 3, 11, 9, 0, tzinfo=CHICAGO), datetime(2025, 3, 16, 9, 0, tzinfo=CHICAGO),
                    datetime(2025, 2, 10, 9, 0, tzinfo=CHICAGO)]:  # the last one is five weeks back
        services.log_patrol(staff, agency, services.PatrolDetails(
            officer=pat, mode="foot", started_at=started, ended_at=started + timedelta(hours=3),
            neighbourhoods=[north]))
    body = signed_in_client(staff).get(URL).content.decode()
    assert "Week of 17 Feb" in body and "Week of 10 Mar" in body and "Week of 10 Feb" not in body
    row = body[body.index("<th scope=\"row\">Alpha North End</th>"):]
    row = row[:row.index("</tr>")]
    assert row.count("6.0") == 1 and "(60%)" in row  # two patrols in the week of 10 March
    assert "10.0" in row


def test_a_wrong_entry_is_shown_beside_its_field(sergeant, north):
    body = signed_in_client(sergeant).post(URL, {"neighbourhood": north.pk, "weekly_hours": "lots",
                                                 "from_week": "2025-03-17"}).content.decode()
    assert "Enter the hours as a number." in body and 'href="#id_weekly_hours"' in body
    assert not PatrolTarget.objects.exists()


def test_engagement_staff_and_admins_set_targets(cast, north):
    for role in (Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN):
        client = signed_in_client(cast[role])
        assert "<h1>Weekly patrol targets</h1>" in client.get(URL).content.decode()
        client.post(URL, {"neighbourhood": north.pk, "weekly_hours": "8", "from_week": "2025-03-17"})
    assert PatrolTarget.objects.get().set_by == cast[Role.AGENCY_ADMIN]  # the second replaced the first


def test_an_officer_who_supervises_no_one_cannot_set_targets(agency, cast, north):
    Officer.objects.filter(agency=agency, badge_number="101").update(user=cast[Role.OFFICER])
    client = signed_in_client(cast[Role.OFFICER])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"neighbourhood": north.pk, "weekly_hours": "8",
                             "from_week": "2025-03-17"}).status_code == 403
    assert not PatrolTarget.objects.exists()


def test_the_patrol_list_links_to_targets_only_for_those_who_may_set_them(agency, cast, sergeant):
    assert URL in signed_in_client(sergeant).get("/console/patrols/").content.decode()
    assert URL not in signed_in_client(cast[Role.OFFICER]).get("/console/patrols/").content.decode()


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER, Role.BOARD_MEMBER])
def test_other_roles_cannot_set_targets(cast, role, north):
    assert signed_in_client(cast[role]).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, agency):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_another_agencys_neighbourhood_cannot_be_given_a_target(cast, other_agency):
    beta_north = Neighbourhood.objects.get(agency=other_agency, slug="beta-north-end")
    body = signed_in_client(cast[Role.ENGAGEMENT_STAFF]).post(
        URL, {"neighbourhood": beta_north.pk, "weekly_hours": "8", "from_week": "2025-03-17"}).content.decode()
    assert "Select a valid choice" in body
    assert not PatrolTarget.objects.exists()
    assert "Beta North End" not in body
