"""Crisis figures in the API: published with small counts suppressed for anyone, exact only for the roles
that may see them; never a note."""

from datetime import timedelta

from commonbeat.accounts import services as accounts
from commonbeat.accounts.roles import Role
from commonbeat.crisis.models import ResponderKind

from .conftest import make_responses


def bearer(admin, agency, user) -> dict:
    _token, secret = accounts.issue_api_token(admin, agency, name="integration", user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def last_month(agency):
    return (agency.today().replace(day=1) - timedelta(days=1)).timetuple()[:2]


def test_published_figures_suppress_small_counts_and_hold_no_notes(client, agency, north):
    year, month = last_month(agency)
    make_responses(agency, 4, kind=ResponderKind.CO_RESPONDER, place=north, when=(year, month, 3, 9, 0),
                   notes="Sister Rosa on scene")
    make_responses(agency, 12, place=north, when=(year, month, 4, 9, 0))
    body = client.get("/api/v1/crisis/figures").json()
    rows = [r for r in body["rows"] if r["table"] == "by_neighbourhood" and r["neighbourhood"] == north.slug
            and r["outcome"] == "all"]
    counts = {r["responder"]: (r["count"], r["suppressed"]) for r in rows}
    assert counts["with_clinician"] == (None, True)
    assert "Rosa" not in str(body) and body["suppression"]["threshold"] == 11


def test_exact_figures_need_a_role_that_may_see_them(client, admin, agency, cast, north):
    year, month = last_month(agency)
    make_responses(agency, 3, kind=ResponderKind.CLINICIAN_ONLY, place=north, when=(year, month, 2, 10, 0))
    assert client.get("/api/v1/crisis/figures/exact").status_code == 401
    assert client.get("/api/v1/crisis/figures/exact", **bearer(admin, agency, cast[Role.OFFICER])).status_code == 403
    exact = client.get("/api/v1/crisis/figures/exact", **bearer(admin, agency, cast[Role.OVERSIGHT_REVIEWER])).json()
    rows = [r for r in exact["rows"] if r["table"] == "by_neighbourhood" and r["neighbourhood"] == north.slug
            and r["responder"] == "clinician_only" and r["outcome"] == "all"]
    assert rows and rows[0]["count"] == 3 and rows[0]["suppressed"] is False
