"""The partners API: a public directory without a token, and referrals only for the people who handle them,
with the person's details only where the console would show them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonbeat.accounts import services as accounts
from commonbeat.accounts.roles import Role

from .helpers import make_partner, make_partner_user, refer


def bearer(admin, agency, user) -> dict:
    _token, secret = accounts.issue_api_token(admin, agency, name="integration", user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_public_directory_lists_public_partners_in_the_language_asked(client, agency):
    make_partner(agency)
    make_partner(agency, slug="hidden", name="Unlisted Clinic", is_public=False)
    english = client.get("/api/v1/partners").json()
    assert [p["slug"] for p in english] == ["food-bank"]
    assert english[0]["services"] == ["Emergency groceries"] and english[0]["languages"] == ["English", "Spanish"]
    spanish = client.get("/api/v1/partners?language=es").json()
    assert spanish[0]["services"] == ["Alimentos de emergencia"]


def test_no_referral_or_person_reaches_the_api_without_the_right_role(client, admin, agency, cast):
    partner = make_partner(agency)
    refer(cast[Role.OFFICER], agency, partner)
    assert client.get("/api/v1/referrals").status_code == 401
    for role in [Role.OVERSIGHT_REVIEWER, Role.BOARD_MEMBER, Role.TRAINING_COORDINATOR]:
        response = client.get("/api/v1/referrals", **bearer(admin, agency, cast[role]))
        assert response.status_code == 403, role
        assert "Rosalind" not in response.content.decode()
    # Another officer may refer, but sees only her own referrals: none.
    other_officer = client.get("/api/v1/referrals", **bearer(admin, agency, cast[Role.ENGAGEMENT_STAFF])).json()
    assert other_officer == []


def test_the_referrer_and_the_partner_see_the_person_and_the_loop(client, admin, agency, cast):
    partner = make_partner(agency)
    other = make_partner(agency, slug="clinic", name="Other Clinic")
    referral = refer(cast[Role.OFFICER], agency, partner)
    refer(cast[Role.OFFICER], agency, other, first_name="Zed")
    mine = client.get("/api/v1/referrals", **bearer(admin, agency, cast[Role.OFFICER])).json()
    assert {r["person_first_name"] for r in mine} == {"Rosalind", "Zed"}
    staff = make_partner_user(agency, partner)
    inbox = client.get("/api/v1/referrals", **bearer(admin, agency, staff)).json()
    assert [(r["id"], r["person_first_name"], r["person_contact"]) for r in inbox] == [
        (referral.pk, "Rosalind", "rosalind@example.org")]
    assert inbox[0]["status"] == "sent" and inbox[0]["overdue"] is False


def test_the_referrals_list_reads_the_users_roles_once_however_many_referrals(client, admin, agency, cast):
    partner = make_partner(agency)
    headers = bearer(admin, agency, make_partner_user(agency, partner))
    refer(cast[Role.OFFICER], agency, partner)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/referrals", **headers)
    for _ in range(5):
        refer(cast[Role.OFFICER], agency, partner)
    with CaptureQueriesContext(connection) as six:
        listed = client.get("/api/v1/referrals", **headers).json()
    assert len(listed) == 6 and all(row["person_first_name"] == "Rosalind" for row in listed)
    assert len(six) <= len(one)
