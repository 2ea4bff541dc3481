"""Quotes are reviewed before publication: staff who review redactions correct and approve or reject them; what
they type is checked again for personal details; the public sees only approved quotes, as approved."""

from datetime import date

import pytest
from django.utils.html import escape

from commonbeat.accounts.roles import Role
from commonbeat.core.audit import AuditEvent
from commonbeat.insights.models import ThemeQuote
from commonbeat.insights.text import analysis, embeddings, topics

from ..factories import signed_in_client
from .helpers import at
from .theme_helpers import BREAK_INS, LIGHTING, SPEEDING, north, survey_for, top_issues

pytestmark = pytest.mark.django_db
PERIOD = (date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture(scope="module", autouse=True)
def model():
    assert embeddings.available(), embeddings.failure()


@pytest.fixture
def quote(agency, cast):
    survey = survey_for(agency, cast)
    top_issues(survey, north(agency), at(2026, 3), (SPEEDING + BREAK_INS + LIGHTING) * 3)
    analysis.analyse_texts(agency)
    run = topics.build_themes(agency, *PERIOD)
    return ThemeQuote.objects.filter(theme__run=run).order_by("theme__position", "position").first()


@pytest.fixture
def reviewer(cast):
    return signed_in_client(cast[Role.ENGAGEMENT_STAFF])


def test_the_queue_shows_the_automatic_redaction_to_reviewers_only(quote, cast, reviewer, client):
    page = reviewer.get("/console/themes/quotes/").content.decode()
    assert escape(quote.proposed_text) in page and f"/console/themes/quotes/{quote.pk}/" in page
    assert signed_in_client(cast[Role.INVESTIGATOR]).get("/console/themes/quotes/").status_code == 403
    assert signed_in_client(cast[Role.INVESTIGATOR]).get(f"/console/themes/quotes/{quote.pk}/").status_code == 403
    assert client.get("/console/themes/quotes/").status_code == 302


def test_a_pending_quote_is_never_public(quote, client):
    page = client.get("/trust/").content.decode()
    assert escape(quote.proposed_text) not in page


def test_approving_publishes_the_text_as_corrected(quote, reviewer, client):
    response = reviewer.post(f"/console/themes/quotes/{quote.pk}/",
                             {"text": "Cars go far too fast here", "decision": "approve"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == ThemeQuote.Status.APPROVED and quote.published_text == "Cars go far too fast here"
    assert quote.reviewed_by.username == "engagement_staff" and quote.reviewed_at
    event = AuditEvent.objects.get(action="insights.quote_approved", object_id=str(quote.pk))
    assert event.changes["edited"] is True
    page = client.get("/trust/").content.decode()
    assert "Cars go far too fast here" in page
    assert f"<q>{quote.proposed_text}</q>" not in page


def test_something_personal_in_the_typed_text_is_flagged_and_kept(quote, reviewer, client):
    typed = "Ask Maria Gonzalez at 555-301-2299 about the cars"
    response = reviewer.post(f"/console/themes/quotes/{quote.pk}/", {"text": typed, "decision": "approve"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "may still identify someone" in page and "555-301-2299" in page
    assert f"{typed}</textarea>" in page  # what the reviewer typed is kept
    quote.refresh_from_db()
    assert quote.status == ThemeQuote.Status.PENDING
    assert typed not in client.get("/trust/").content.decode()
    response = reviewer.post(f"/console/themes/quotes/{quote.pk}/",
                             {"text": typed, "decision": "approve", "confirmed": "on"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == ThemeQuote.Status.APPROVED and quote.published_text == typed
    event = AuditEvent.objects.get(action="insights.quote_approved", object_id=str(quote.pk))
    assert "phone" in event.changes["confirmed_despite"]


def test_a_rejected_quote_is_never_public(quote, reviewer, client):
    response = reviewer.post(f"/console/themes/quotes/{quote.pk}/", {"text": "", "decision": "reject"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == ThemeQuote.Status.REJECTED and quote.published_text == ""
    assert AuditEvent.objects.filter(action="insights.quote_rejected", object_id=str(quote.pk)).exists()
    assert quote.proposed_text not in client.get("/trust/").content.decode()
    again = reviewer.post(f"/console/themes/quotes/{quote.pk}/", {"text": "x", "decision": "approve"})
    assert again.status_code == 400 and "already been reviewed" in again.content.decode()


def test_an_empty_text_cannot_be_approved(quote, reviewer):
    response = reviewer.post(f"/console/themes/quotes/{quote.pk}/", {"text": "  ", "decision": "approve"})
    assert response.status_code == 400 and "Enter the text to publish" in response.content.decode()


def test_a_decision_survives_a_rebuild_of_the_themes(agency, quote, reviewer):
    reviewer.post(f"/console/themes/quotes/{quote.pk}/", {"text": quote.proposed_text, "decision": "approve"})
    run = topics.build_themes(agency, *PERIOD)
    again = ThemeQuote.objects.get(theme__run=run, analysis=quote.analysis)
    assert again.status == ThemeQuote.Status.APPROVED and again.published_text == quote.proposed_text


def test_another_agencys_quote_is_not_found(quote, other_agency):
    from ..factories import make_user

    beta_reviewer = signed_in_client(make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff"), host="beta.test")
    assert beta_reviewer.get(f"/console/themes/quotes/{quote.pk}/").status_code == 404
    assert beta_reviewer.post(f"/console/themes/quotes/{quote.pk}/",
                              {"text": "x", "decision": "approve"}).status_code == 404
