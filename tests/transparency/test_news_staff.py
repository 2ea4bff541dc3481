"""Engagement staff (PUBLISH_UPDATES) write updates as drafts, edit, publish and unpublish them in the console;
creation is idempotent, every change is audited, and other roles and agencies are kept out."""

import uuid
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Neighbourhood
from commonbeat.transparency.models import Update, UpdateKind

from ..factories import signed_in_client
from .test_news_public import make_update


@pytest.fixture
def writer(cast):
    return signed_in_client(cast[Role.ENGAGEMENT_STAFF])


def form_data(**changes) -> dict:
    data = {"kind": UpdateKind.NEWS, "title_en": "Coat drive", "title_es": "Colecta de abrigos",
            "summary_en": "Bring coats to any station.", "summary_es": "Traiga abrigos.",
            "body_en": "Clean coats only.", "body_es": "Solo abrigos limpios.",
            "submission_token": uuid.uuid4().hex}
    return {**data, **changes}


def actions() -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith="transparency.update").values_list("action", flat=True))


def test_staff_write_a_draft_then_publish_it(agency, writer, client):
    north = Neighbourhood.objects.filter(agency=agency).first()
    response = writer.post(reverse("transparency:staff_update_new"), form_data(neighbourhood=north.pk), follow=True)
    update = Update.objects.get()
    assert update.agency == agency and update.slug == "coat-drive" and update.neighbourhood == north
    assert update.title == {"en": "Coat drive", "es": "Colecta de abrigos"} and update.published_at is None
    assert "The draft is saved" in response.content.decode()
    assert client.get("/news/coat-drive/").status_code == 404
    writer.post(reverse("transparency:staff_update_publish", args=[update.pk]))
    update.refresh_from_db()
    assert update.published_at is not None
    assert "Colecta de abrigos" in client.get("/es/news/coat-drive/").content.decode()
    assert actions() == ["transparency.update_created", "transparency.update_published"]
    published = AuditEvent.objects.get(action="transparency.update_published")
    assert published.object_id == str(update.pk) and published.changes == {"kind": "news", "slug": "coat-drive"}


def test_a_repeated_submission_creates_one_update(agency, writer):
    data = form_data()
    first = writer.post(reverse("transparency:staff_update_new"), data)
    second = writer.post(reverse("transparency:staff_update_new"), data, follow=True)
    assert Update.objects.count() == 1
    assert first.status_code == 302 and "already saved" in second.content.decode()
    assert actions() == ["transparency.update_created"]


def test_a_meeting_notice_needs_its_day_times_and_place(agency, writer):
    response = writer.post(reverse("transparency:staff_update_new"), form_data(kind=UpdateKind.MEETING))
    page = response.content.decode()
    assert response.status_code == 400 and "<title>Error:" in page
    assert "Give the date of the meeting." in page and "Say where the meeting is." in page
    assert 'value="Coat drive"' in page  # what was typed is kept
    assert not Update.objects.exists()
    writer.post(reverse("transparency:staff_update_new"), form_data(
        kind=UpdateKind.MEETING, day="2030-03-05", start_time="18:30", end_time="20:00", place="City Hall"))
    meeting = Update.objects.get()
    local = meeting.starts_at.astimezone(agency.zone)
    assert (local.hour, local.minute) == (18, 30) and meeting.place == "City Hall"
    assert (meeting.ends_at - meeting.starts_at).seconds == 90 * 60


def test_a_meeting_that_ends_before_it_starts_is_refused(agency, writer):
    response = writer.post(reverse("transparency:staff_update_new"), form_data(
        kind=UpdateKind.MEETING, day="2030-03-05", start_time="20:00", end_time="18:00", place="City Hall"))
    assert "must end after it starts" in response.content.decode() and not Update.objects.exists()


def test_a_summary_too_long_for_a_card_is_refused(agency, writer):
    response = writer.post(reverse("transparency:staff_update_new"), form_data(summary_en="x" * 301))
    assert "Keep the summary short" in response.content.decode() and not Update.objects.exists()


def test_a_taken_short_name_is_refused_and_an_empty_one_is_made_unique(agency, writer):
    make_update(agency, title="Coat drive")
    refused = writer.post(reverse("transparency:staff_update_new"), form_data(slug="coat-drive"))
    assert "already uses this short name" in refused.content.decode()
    refused = writer.post(reverse("transparency:staff_update_new"), form_data(slug="Coat-Drive"))
    assert "already uses this short name" in refused.content.decode()
    writer.post(reverse("transparency:staff_update_new"), form_data())
    assert sorted(Update.objects.values_list("slug", flat=True)) == ["coat-drive", "coat-drive-2"]


def test_staff_edit_an_update_and_the_change_is_audited(agency, writer):
    update = make_update(agency, title="Coat drive")
    response = writer.get(reverse("transparency:staff_update_edit", args=[update.pk]))
    assert 'value="Coat drive"' in response.content.decode()
    writer.post(reverse("transparency:staff_update_edit", args=[update.pk]),
                form_data(kind=UpdateKind.SAFETY, title_en="Icy pavements", until="2030-01-31"))
    update.refresh_from_db()
    assert update.kind == UpdateKind.SAFETY and update.title["en"] == "Icy pavements"
    assert update.ends_at.astimezone(agency.zone).date().isoformat() == "2030-02-01"
    assert update.slug == "coat-drive"  # the address does not change
    assert "transparency.update_edited" in actions()


def test_staff_unpublish_an_update(agency, writer):
    update = make_update(agency)
    writer.post(reverse("transparency:staff_update_unpublish", args=[update.pk]))
    update.refresh_from_db()
    assert update.published_at is None and actions()[-1] == "transparency.update_unpublished"
    again = writer.post(reverse("transparency:staff_update_unpublish", args=[update.pk]), follow=True)
    assert "not published" in again.content.decode()


def test_the_console_lists_drafts_and_published_updates(agency, writer):
    make_update(agency, title="Published one")
    make_update(agency, title="Draft one", publish=False)
    page = writer.get(reverse("transparency:staff_updates")).content.decode()
    assert page.index("Draft one") < page.index("Published one")
    drafts = writer.get(reverse("transparency:staff_updates"), {"status": "draft"}).content.decode()
    assert "Draft one" in drafts and "Published one" not in drafts


def test_the_console_list_dates_an_evening_update_in_the_agencys_time_zone(agency, writer):
    update = make_update(agency, title="Late notice")
    # 03:30 UTC on 10 March is 22:30 on 9 March in Chicago, the agency's time zone.
    Update.objects.filter(pk=update.pk).update(published_at=datetime(2026, 3, 10, 3, 30, tzinfo=UTC))
    page = writer.get(reverse("transparency:staff_updates")).content.decode()
    assert "Published March 9, 2026" in page


def test_a_staff_page_shows_both_languages(agency, writer):
    update = make_update(agency, title="Coat drive", title_es="Colecta de abrigos", publish=False)
    page = writer.get(reverse("transparency:staff_update", args=[update.pk])).content.decode()
    assert "Coat drive" in page and "Colecta de abrigos" in page and "Draft: not public" in page


def test_anonymous_visitors_are_sent_to_sign_in(agency, client):
    update = make_update(agency)
    for url in [reverse("transparency:staff_updates"), reverse("transparency:staff_update", args=[update.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign_in"))
    response = client.post(reverse("transparency:staff_update_unpublish", args=[update.pk]))
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.published_at is not None


@pytest.mark.parametrize("role", [Role.OFFICER, Role.INVESTIGATOR, Role.BOARD_MEMBER, Role.PARTNER])
def test_other_roles_cannot_publish_updates(agency, cast, role):
    update = make_update(agency, publish=False)
    other = signed_in_client(cast[role])
    assert other.get(reverse("transparency:staff_updates")).status_code == 403
    assert other.post(reverse("transparency:staff_update_new"), form_data()).status_code == 403
    assert other.post(reverse("transparency:staff_update_publish", args=[update.pk])).status_code == 403
    update.refresh_from_db()
    assert update.published_at is None and Update.objects.count() == 1


def test_an_admin_can_publish_updates(agency, admin_client):
    assert admin_client.get(reverse("transparency:staff_update_new")).status_code == 200


def test_another_agencys_update_is_not_found_in_the_console(agency, other_agency, writer):
    theirs = make_update(other_agency, title="Beta news", publish=False)
    for name in ["transparency:staff_update", "transparency:staff_update_edit"]:
        assert writer.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert writer.post(reverse("transparency:staff_update_publish", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.published_at is None
    assert "Beta news" not in writer.get(reverse("transparency:staff_updates")).content.decode()
