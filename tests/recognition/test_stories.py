"""Residents share stories that staff moderate; staff write stories; only published text ever reaches the public."""

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.recognition import services
from commonbeat.recognition.models import Story, StoryStatus

from ..factories import signed_in_client
from .helpers import jpeg_with_exif, officer_of

PII_TEXT = ("My name is Rosa Delgado and I live at 418 Harbor Street. Officer Pat found my lost dog. "
            "Call me on 555-201-4433 or rosa.d@example.org.")


@pytest.fixture
def moderator(cast):
    return signed_in_client(cast[Role.ENGAGEMENT_STAFF])


def share(client, **changes):
    form = client.get(reverse("recognition:share_story")).context["form"]
    data = {"submission_token": form.initial["submission_token"], "title": "A lost dog found",
            "text": PII_TEXT, "name": "Rosa Delgado", "email": "rosa.d@example.org", **changes}
    return client.post(reverse("recognition:share_story"), data, follow=True)


def test_a_shared_story_waits_for_moderation_and_is_not_public(agency, client):
    response = share(client)
    assert "Thank you for your story" in response.content.decode()
    story = Story.objects.get()
    assert story.status == StoryStatus.PENDING and story.agency == agency
    assert story.submitter_name == "Rosa Delgado"
    assert client.get(reverse("recognition:stories")).content.decode().count("lost dog") == 0
    assert client.get(reverse("recognition:story", args=[story.slug])).status_code == 404
    assert AuditEvent.objects.filter(action="recognition.story_shared", object_id=str(story.pk)).exists()


def test_the_submitters_identity_is_encrypted_at_rest(agency, client):
    share(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT submitter_name, submitter_email, submitted_text FROM recognition_story")
        raw = cursor.fetchone()
    assert all("Rosa" not in value and "rosa.d@" not in value for value in raw)


def test_a_retried_submission_creates_one_story(agency, client):
    form = client.get(reverse("recognition:share_story")).context["form"]
    data = {"submission_token": form.initial["submission_token"], "title": "Thanks", "text": "Kind officers."}
    client.post(reverse("recognition:share_story"), data)
    client.post(reverse("recognition:share_story"), data)
    assert Story.objects.count() == 1


def test_a_story_without_text_is_refused_and_keeps_what_was_typed(agency, client):
    form = client.get(reverse("recognition:share_story")).context["form"]
    response = client.post(reverse("recognition:share_story"), {
        "submission_token": form.initial["submission_token"], "title": "Kept title", "text": ""})
    assert response.status_code == 400 and 'value="Kept title"' in response.content.decode()
    assert not Story.objects.exists()


def test_the_moderator_sees_the_original_and_the_redacted_text(agency, client, moderator):
    share(client)
    story = Story.objects.get()
    page = moderator.get(reverse("recognition:staff_story", args=[story.pk]))
    html = page.content.decode()
    assert "Rosa Delgado" in html and "555-201-4433" in html  # the original, for the moderator only
    redacted_text = page.context["redacted_text"]
    assert "[name]" in redacted_text and "[phone number]" in redacted_text
    assert "555-201-4433" not in redacted_text and "rosa.d@example.org" not in redacted_text
    assert "418 Harbor Street" not in redacted_text and "Rosa Delgado" not in redacted_text
    # The public text starts from the redacted version.
    assert page.context["form"].initial["body_en"] == redacted_text
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]


def test_published_stories_never_show_the_original_personal_details(agency, client, moderator):
    share(client)
    story = Story.objects.get()
    _title, redacted = services.redacted_submission(story)
    response = moderator.post(reverse("recognition:staff_story", args=[story.pk]), {
        "title_en": "A lost dog found", "title_es": "Un perro perdido encontrado", "body_en": redacted,
        "body_es": "Un agente encontró a mi perro.", "then": "publish"}, follow=True)
    assert "The story is published." in response.content.decode()
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED and story.published_at is not None
    pages = [client.get(reverse("recognition:stories")), client.get(reverse("recognition:story", args=[story.slug])),
             client.get(reverse("recognition:story_feed")), client.get("/es" + reverse("recognition:story_feed"))]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200 and ("lost dog" in body or "perro" in body)
        for secret in ("Rosa", "Delgado", "555-201-4433", "rosa.d@example.org", "418 Harbor"):
            assert secret not in body
    assert AuditEvent.objects.filter(action="recognition.story_published", object_id=str(story.pk)).exists()
    assert AuditEvent.objects.filter(action="recognition.story_edited", object_id=str(story.pk)).exists()


def test_publishing_needs_public_text(agency, client, cast):
    share(client)
    story = Story.objects.get()
    with pytest.raises(services.RecognitionError):
        services.publish_story(cast[Role.ENGAGEMENT_STAFF], story)


def test_a_declined_story_stays_off_the_public_site(agency, client, moderator):
    share(client)
    story = Story.objects.get()
    moderator.post(reverse("recognition:staff_story_decline", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == StoryStatus.DECLINED
    assert client.get(reverse("recognition:story", args=[story.slug])).status_code == 404


def test_a_photo_needs_everyones_consent(agency, client):
    response = share(client, photo=jpeg_with_exif())
    assert response.status_code == 400
    assert "everyone in it agreed" in response.content.decode()
    assert not Story.objects.exists()


def test_a_photo_is_stored_without_its_metadata(agency, client):
    share(client, photo=jpeg_with_exif(), photo_consent="on")
    story = Story.objects.get()
    assert story.photo and story.photo_consent
    with story.photo.open("rb") as stored:
        data = stored.read()
    assert b"SpyCamMaker" not in data and b"Harbor Street" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and len(image.getexif()) == 0 and image.size == (64, 48)


def test_a_file_that_is_not_an_image_is_refused(agency, client):
    fake = SimpleUploadedFile("photo.jpg", b"not really a picture", content_type="image/jpeg")
    response = share(client, photo=fake, photo_consent="on")
    assert response.status_code == 400 and not Story.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(agency, client, monkeypatch):
    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 100)
    with pytest.raises(services.RecognitionError, match="too large"):
        services.clean_photo(jpeg_with_exif())


def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded(agency, monkeypatch):
    photo = jpeg_with_exif()
    monkeypatch.setattr(services, "PHOTO_MAX_PIXELS", 64 * 48 - 1)
    monkeypatch.setattr(Image.Image, "load", lambda image: pytest.fail("the photo was decoded"))
    with pytest.raises(services.RecognitionError, match="megapixels"):
        services.clean_photo(photo)


def test_staff_write_a_bilingual_story_naming_an_officer(agency, cast, moderator, client):
    officer = officer_of(agency)
    response = moderator.post(reverse("recognition:staff_story_new"), {
        "title_en": "Reading buddies", "title_es": "Compañeros de lectura", "body_en": "Officer Pat reads.",
        "body_es": "El agente Pat lee.", "officer": officer.pk, "publish": "on"}, follow=True)
    assert "The story is saved." in response.content.decode()
    story = Story.objects.get()
    assert story.status == StoryStatus.PUBLISHED and story.officer == officer
    english = client.get(reverse("recognition:story", args=[story.slug])).content.decode()
    spanish = client.get("/es" + reverse("recognition:story", args=[story.slug])).content.decode()
    assert "Reading buddies" in english and "Compañeros de lectura" in spanish
    assert 'property="og:title" content="Reading buddies"' in english
    assert 'property="og:type" content="article"' in english
    assert AuditEvent.objects.filter(action="recognition.story_written", actor=cast[Role.ENGAGEMENT_STAFF]).exists()


def test_a_community_member_is_named_only_with_their_agreement(agency, moderator):
    response = moderator.post(reverse("recognition:staff_story_new"), {
        "title_en": "Coach", "body_en": "Coach runs the league.", "community_member": "Dana Coach", "publish": "on"})
    assert response.status_code == 400 and "agreed to it" in response.content.decode()
    assert not Story.objects.exists()


def test_a_published_photo_is_served_with_og_image(agency, cast, client):
    story = services.write_story(cast[Role.ENGAGEMENT_STAFF], agency, title={"en": "Park day"},
                                 body={"en": "A day at the park."}, photo=jpeg_with_exif(), photo_consent=True,
                                 photo_description={"en": "Children at the park"})
    page = client.get(reverse("recognition:story", args=[story.slug])).content.decode()
    assert 'property="og:image"' in page and 'alt="Children at the park"' in page
    photo = client.get(reverse("recognition:story_photo", args=[story.slug]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_story_pages_need_the_stories_role(agency, cast, client):
    story = services.write_story(cast[Role.ENGAGEMENT_STAFF], agency, title={"en": "T"}, body={"en": "B"})
    url = reverse("recognition:staff_story", args=[story.pk])
    assert client.get(url).status_code == 302
    assert signed_in_client(cast[Role.OFFICER]).get(url).status_code == 403
    assert signed_in_client(cast[Role.OFFICER]).post(
        reverse("recognition:staff_story_decline", args=[story.pk])).status_code == 403
    assert signed_in_client(cast[Role.AGENCY_ADMIN]).get(url).status_code == 200
    with pytest.raises(services.PermissionDenied):
        services.write_story(cast[Role.OFFICER], agency, title={"en": "T"}, body={"en": "B"})


def test_another_agencys_story_is_not_found(agency, other_agency, other_admin, moderator, client):
    story = services.write_story(other_admin, other_agency, title={"en": "Beta story"}, body={"en": "B"})
    assert moderator.get(reverse("recognition:staff_story", args=[story.pk])).status_code == 404
    assert moderator.post(reverse("recognition:staff_story_publish", args=[story.pk])).status_code == 404
    assert client.get(reverse("recognition:story", args=[story.slug])).status_code == 404
    assert "Beta story" not in client.get(reverse("recognition:stories")).content.decode()


def test_the_console_lists_stories_waiting_for_moderation(agency, client, moderator):
    share(client)
    page = moderator.get(reverse("recognition:staff_stories")).content.decode()
    assert "(not yet titled)" in page and "Waiting for moderation (1)" in page


def test_a_story_written_by_staff_and_sent_twice_is_saved_once(agency, moderator):
    form = moderator.get(reverse("recognition:staff_story_new")).context["form"]
    data = {"submission_token": form.initial["submission_token"], "title_en": "Reading buddies",
            "body_en": "Officer Pat reads.", "publish": "on"}
    first = moderator.post(reverse("recognition:staff_story_new"), data)
    again = moderator.post(reverse("recognition:staff_story_new"), data)
    story = Story.objects.get()
    assert first.url == again.url == reverse("recognition:staff_story", args=[story.pk])


def test_dates_are_shown_on_the_agencys_calendar(agency, cast, moderator, client):
    agency.timezone = "America/Chicago"
    agency.save(update_fields=["timezone"])
    story = services.write_story(cast[Role.ENGAGEMENT_STAFF], agency, title={"en": "Late shift"},
                                 body={"en": "A late kindness."})
    late_evening = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 9:30 pm on 9 March in Chicago
    Story.objects.filter(pk=story.pk).update(published_at=late_evening, created_at=late_evening)
    page = client.get(reverse("recognition:story", args=[story.slug])).content.decode()
    assert "March 9, 2026" in page and "March 10, 2026" not in page
    listed = moderator.get(reverse("recognition:staff_stories") + "?status=published").content.decode()
    assert "2026-03-09" in listed and "2026-03-10" not in listed
