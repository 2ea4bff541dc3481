"""Residents comment on drafts open for comment; a moderator approves the redacted text or rejects; the
department answers; the final version says what changed and shows the answered comments."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Neighbourhood
from commonbeat.transparency.models import CommentStatus, PolicyComment, PolicyVersion, VersionStatus
from commonbeat.transparency.services import policies as services

from ..factories import signed_in_client
from .test_policies_library import close_period, make_policy, open_draft

PII = "Call me at 555-201-4477 or dana@example.org, I live at 1420 Harbor Street. My name is Dana Whitfield."


@pytest.fixture
def draft(agency, admin):
    policy, _first = make_policy(agency, admin)
    return open_draft(agency, admin, policy)


def _comment_url(version: PolicyVersion) -> str:
    return reverse("transparency:policy_version", args=[version.policy.number, version.number])


def _post_comment(client, draft, text, **extra):
    page = client.get(_comment_url(draft)).content.decode()
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    return client.post(_comment_url(draft), {"submission_token": token, "text": text, **extra}, follow=True)


def test_a_resident_comments_and_nothing_is_shown_until_a_moderator_approves(agency, cast, client, draft):
    north = Neighbourhood.objects.filter(agency=agency).first()
    response = _post_comment(client, draft, "Ban neck restraints. " + PII, first_name="Dana",
                             neighbourhood=north.pk)
    page = response.content.decode()
    assert "your comment is received" in page
    assert "Ban neck restraints." not in page
    comment = PolicyComment.objects.get()
    assert comment.original_text.endswith("Dana Whitfield.") and comment.status == CommentStatus.PENDING
    assert comment.first_name == "Dana" and comment.neighbourhood == north
    for detail in ["555-201-4477", "dana@example.org", "1420 Harbor Street", "Whitfield"]:
        assert detail not in comment.published_text
    assert "[phone number]" in comment.published_text

    services.approve_comment(cast[Role.ENGAGEMENT_STAFF], comment, published_text=comment.published_text)
    page = client.get(_comment_url(draft)).content.decode()
    assert "Ban neck restraints." in page and "[phone number]" in page and "Alpha North End" in page
    for detail in ["555-201-4477", "dana@example.org", "1420 Harbor Street", "Whitfield"]:
        assert detail not in page
    assert AuditEvent.objects.filter(action="transparency.policy_comment_received", actor_label="anonymous").exists()
    assert not AuditEvent.objects.filter(changes__icontains="555-201").exists()


def test_the_moderator_sees_the_original_and_publishes_an_edited_text_redacted_again(agency, cast, client, draft):
    commented = services.submit_comment(agency, draft, text=PII)
    moderator = signed_in_client(cast[Role.ENGAGEMENT_STAFF])
    page = moderator.get(reverse("transparency:staff_comment", args=[commented.comment.pk]))
    assert "555-201-4477" in page.content.decode() and "[phone number]" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    queue = moderator.get(reverse("transparency:staff_moderation")).content.decode()
    assert "555-201-4477" not in queue and "GO-300" in queue
    moderator.post(reverse("transparency:staff_comment_approve", args=[commented.comment.pk]),
                   {"approve-published_text": "Please ban neck restraints, says Mr Harold Green, 555-777-1234."})
    comment = PolicyComment.objects.get()
    assert comment.status == CommentStatus.APPROVED and comment.moderated_by == cast[Role.ENGAGEMENT_STAFF]
    assert comment.published_text == "Please ban neck restraints, says Mr [name], [phone number]."
    public = client.get(_comment_url(draft)).content.decode()
    assert "Harold" not in public and "555-777-1234" not in public and "Please ban neck restraints" in public


def test_a_rejected_comment_needs_a_reason_and_is_never_shown(agency, cast, client, draft):
    commented = services.submit_comment(agency, draft, text="Buy my cameras at shop.example.org")
    moderator = signed_in_client(cast[Role.ENGAGEMENT_STAFF])
    url = reverse("transparency:staff_comment_reject", args=[commented.comment.pk])
    response = moderator.post(url, {"reject-reason": ""})
    assert response.status_code == 400 and PolicyComment.objects.get().status == CommentStatus.PENDING
    moderator.post(url, {"reject-reason": "Advertising."})
    comment = PolicyComment.objects.get()
    assert comment.status == CommentStatus.REJECTED and comment.rejection_reason == "Advertising."
    assert "Buy my cameras" not in client.get(_comment_url(draft)).content.decode()
    with pytest.raises(services.PolicyError, match="already been moderated"):
        services.approve_comment(cast[Role.ENGAGEMENT_STAFF], comment, published_text="x")


def test_a_comment_needs_text_and_keeps_what_was_typed(agency, client, draft):
    response = _post_comment(client, draft, "", first_name="Rosa")
    page = response.content.decode()
    assert response.status_code == 400 and "Please fix the following" in page and 'value="Rosa"' in page
    response = _post_comment(client, draft, "Fine.", first_name="Rosa 555-201-4477")
    assert "Give your first name only" in response.content.decode()
    assert not PolicyComment.objects.exists()


def test_a_retried_submission_does_not_duplicate(agency, client, draft):
    page = client.get(_comment_url(draft)).content.decode()
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    for _attempt in range(2):
        client.post(_comment_url(draft), {"submission_token": token, "text": "Once only."})
    assert PolicyComment.objects.count() == 1
    again = services.submit_comment(agency, draft, text="Once only.", idempotency_key=token)
    assert not again.created and PolicyComment.objects.count() == 1


def test_comments_after_the_period_closes_are_refused_with_a_clear_message(agency, client, draft):
    page = client.get(_comment_url(draft)).content.decode()
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    close_period(draft)
    response = client.post(_comment_url(draft), {"submission_token": token, "text": "Too late?"})
    assert response.status_code == 400
    closed_on = (agency.today() - timedelta(days=1)).isoformat()
    assert f"closed on {closed_on}" in response.content.decode()
    assert not PolicyComment.objects.exists()
    assert "Send my comment" not in client.get(_comment_url(draft)).content.decode()


def test_comments_before_the_period_opens_are_refused(agency, admin, draft):
    PolicyVersion.objects.filter(pk=draft.pk).update(comment_opens_on=agency.today() + timedelta(days=2),
                                                     comment_closes_on=agency.today() + timedelta(days=9))
    draft.refresh_from_db()
    with pytest.raises(services.PolicyError, match="open on"):
        services.submit_comment(agency, draft, text="Early.")


def test_a_comment_period_must_end_after_it_starts(agency, admin):
    policy, _first = make_policy(agency, admin)
    draft = services.add_draft(admin, policy, summary={"en": "S"}, body={"en": "B"})
    today = agency.today()
    with pytest.raises(services.PolicyError, match="on or after the day it opens"):
        services.open_for_comment(admin, draft, opens_on=today, closes_on=today - timedelta(days=1))
    manager = signed_in_client(admin)
    response = manager.post(reverse("transparency:staff_comment_period", args=[draft.pk]), {
        "period-opens_on": today.isoformat(), "period-closes_on": (today + timedelta(days=14)).isoformat()})
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.comment_closes_on == today + timedelta(days=14)


def test_a_draft_out_for_comment_cannot_be_taken_back_by_moving_its_opening_day(agency, admin, draft):
    today = agency.today()
    with pytest.raises(services.PolicyError, match="cannot be changed now"):
        services.open_for_comment(admin, draft, opens_on=today + timedelta(days=5),
                                  closes_on=today + timedelta(days=30))
    longer = services.open_for_comment(admin, draft, opens_on=today, closes_on=today + timedelta(days=30))
    assert longer.is_public(today) and longer.comment_closes_on == today + timedelta(days=30)


def test_staff_answer_and_publish_the_final_version_with_what_changed(agency, admin, cast, client, draft):
    approved = services.submit_comment(agency, draft, text="Please ban neck restraints.").comment
    services.approve_comment(cast[Role.ENGAGEMENT_STAFF], approved, published_text=approved.published_text)
    pending = services.submit_comment(agency, draft, text="Another thought.").comment
    manager = signed_in_client(admin)
    manager.post(reverse("transparency:staff_comment_answer", args=[approved.pk]),
                 {f"answer-{approved.pk}-answer": "Agreed: the final version bans them."})
    close_period(draft)
    publish = reverse("transparency:staff_publish", args=[draft.pk])
    form = {"publish-effective_on": agency.today().isoformat(), "publish-changes_en": "Neck restraints banned.",
            "publish-changes_es": "Se prohíben las sujeciones del cuello.", "publish-summary_en": "Final summary.",
            "publish-body_en": "Officers use only necessary force.\nNeck restraints are banned."}
    response = manager.post(publish, form)
    assert response.status_code == 400 and "still waiting for moderation" in response.content.decode()
    services.reject_comment(cast[Role.ENGAGEMENT_STAFF], pending, reason="Off topic.")
    response = manager.post(publish, {**form, "publish-changes_es": ""})
    assert response.status_code == 400 and not PolicyVersion.objects.filter(number=3).exists()
    manager.post(publish, form)
    final = PolicyVersion.objects.get(policy=draft.policy, number=3)
    draft.refresh_from_db()
    assert final.status == VersionStatus.IN_FORCE and final.comment_draft == draft
    assert draft.status == VersionStatus.COMMENT_DRAFT
    assert final.changes_from_comments == {"en": "Neck restraints banned.",
                                           "es": "Se prohíben las sujeciones del cuello."}
    assert PolicyVersion.objects.get(policy=draft.policy, number=1).status == VersionStatus.SUPERSEDED
    page = client.get(_comment_url(final)).content.decode()
    assert "What changed in response to comments" in page and "Neck restraints banned." in page
    assert "Please ban neck restraints." in page and "Agreed: the final version bans them." in page
    assert "Another thought." not in page
    spanish = client.get("/es" + _comment_url(final)).content.decode()
    assert "Se prohíben las sujeciones del cuello." in spanish
    assert AuditEvent.objects.filter(action="transparency.policy_published", object_id=str(final.pk)).exists()


def test_the_final_version_cannot_be_published_while_comments_are_open(agency, admin, draft):
    with pytest.raises(services.PolicyError, match="still open"):
        services.publish(admin, draft, effective_on=agency.today(), changes_from_comments={"en": "a", "es": "b"})


def test_only_a_published_comment_can_be_answered(agency, admin, draft):
    comment = services.submit_comment(agency, draft, text="Hello.").comment
    with pytest.raises(services.PolicyError, match="Only a published comment"):
        services.answer_comment(admin, comment, answer="Thanks.")


def test_residents_cannot_moderate_through_the_service(agency, draft):
    comment = services.submit_comment(agency, draft, text="Hello.").comment
    with pytest.raises(PermissionDenied):
        services.approve_comment(AnonymousUser(), comment, published_text="Hello.")


def test_a_comment_sent_late_in_the_evening_shows_the_agencys_date(agency, cast, client, draft):
    commented = services.submit_comment(agency, draft, text="Sent after dinner.").comment
    services.approve_comment(cast[Role.ENGAGEMENT_STAFF], commented, published_text="Sent after dinner.")
    # 03:30 UTC on 10 March is 22:30 on 9 March in Chicago, the agency's time zone.
    PolicyComment.objects.filter(pk=commented.pk).update(
        submitted_at=datetime(2026, 3, 10, 3, 30, tzinfo=UTC))
    page = client.get(_comment_url(draft)).content.decode()
    assert "March 9, 2026" in page and "March 10, 2026" not in page
    staff_page = signed_in_client(cast[Role.AGENCY_ADMIN]).get(
        reverse("transparency:staff_version", args=[draft.pk])).content.decode()
    assert "March 9, 2026" in staff_page and "March 10, 2026" not in staff_page
