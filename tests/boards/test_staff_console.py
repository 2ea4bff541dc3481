"""The staff console: boards, meetings (notice, minutes, documents) and recommendations with the department's
response, and who may open what."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.boards import services
from commonbeat.boards.models import Board, Meeting, MeetingStatus, Recommendation, RecommendationStatus
from tests.factories import signed_in_client


def test_engagement_staff_create_a_board(manager):
    client = signed_in_client(manager)
    response = client.post(reverse("boards:staff_board_new"), {
        "slug": "youth-council", "name_en": "Youth Council", "name_es": "Consejo Juvenil", "purpose_en": "",
        "purpose_es": "", "seat_count": "7", "term_months": "12", "is_accepting_applications": "on"}, follow=True)
    assert "The board is created." in response.content.decode()
    assert Board.objects.get().name == {"en": "Youth Council", "es": "Consejo Juvenil"}


def test_a_board_cannot_take_a_short_name_the_site_uses(manager):
    client = signed_in_client(manager)
    response = client.post(reverse("boards:staff_board_new"), {
        "slug": "recommendations", "name_en": "Board", "seat_count": "7", "term_months": "12"})
    assert "That short name is used by the site" in response.content.decode()
    assert not Board.objects.exists()


def test_a_board_member_schedules_a_meeting_once_however_often_the_form_is_sent(board, board_member):
    client = signed_in_client(board_member)
    page = client.get(reverse("boards:staff_meeting_new", args=[board.pk]))
    token = page.context["form"]["submission_token"].value()
    day = (timezone.localdate() + timedelta(days=20)).isoformat()
    data = {"submission_token": token, "day": day, "start_time": "18:00", "end_time": "20:00",
            "place": "City Hall", "agenda_en": "1. Welcome", "agenda_es": "1. Bienvenida"}
    client.post(reverse("boards:staff_meeting_new", args=[board.pk]), data)
    client.post(reverse("boards:staff_meeting_new", args=[board.pk]), data)
    meeting = Meeting.objects.get()
    assert meeting.agenda == {"en": "1. Welcome", "es": "1. Bienvenida"}
    assert meeting.notice_published_at is None


def test_short_notice_needs_a_reason_which_is_shown_publicly(board, board_member, client):
    starts = timezone.now() + timedelta(hours=30)
    meeting = services.schedule_meeting(board_member, board, services.MeetingDetails(
        starts_at=starts, ends_at=starts + timedelta(hours=1), place="City Hall"))
    staff = signed_in_client(board_member)
    response = staff.post(reverse("boards:staff_meeting_publish", args=[meeting.pk]), {"reason": ""})
    assert "give the reason for the short notice" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.notice_published_at is None
    staff.post(reverse("boards:staff_meeting_publish", args=[meeting.pk]), {"reason": "Urgent budget vote"})
    page = client.get(reverse("boards:meeting", args=[meeting.pk])).content.decode()
    assert "Short notice: Urgent budget vote" in page


def test_minutes_are_recorded_once_the_meeting_has_happened(board, board_member, client):
    starts = timezone.now() - timedelta(days=1)
    meeting = services.schedule_meeting(board_member, board, services.MeetingDetails(
        starts_at=starts, ends_at=starts + timedelta(hours=1), place="City Hall"))
    meeting.notice_published_at = starts - timedelta(days=7)
    meeting.save()
    staff = signed_in_client(board_member)
    staff.post(reverse("boards:staff_meeting_minutes", args=[meeting.pk]),
               {"minutes_en": "Quorum present.", "minutes_es": "Hubo quórum."})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert "Hubo quórum." in client.get("/es" + reverse("boards:meeting", args=[meeting.pk])).content.decode()


def test_documents_are_checked_stored_and_downloaded_from_the_public_page(board, board_member, upcoming_meeting,
                                                                          client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.publish_notice(board_member, upcoming_meeting)
    staff = signed_in_client(board_member)
    url = reverse("boards:staff_meeting_document", args=[upcoming_meeting.pk])
    bad = staff.post(url, {"title": "Script", "file": SimpleUploadedFile("run.exe", b"MZ", "application/x-msdownload")})
    assert "is not a PDF, text, Word, PowerPoint, CSV or image file" in bad.content.decode()
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4", "application/pdf")
    staff.post(url, {"title": "Stop data report", "file": pdf})
    document = upcoming_meeting.documents.get()
    assert document.title == "Stop data report"
    page = client.get(reverse("boards:meeting", args=[upcoming_meeting.pk])).content.decode()
    assert reverse("boards:document", args=[document.pk]) in page
    download = client.get(reverse("boards:document", args=[document.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4"


def test_an_admin_responds_in_the_console_and_the_tracker_shows_it(board, board_member, admin, client):
    today = board.agency.today()
    item = services.record_recommendation(board_member, board, title={"en": "Quarterly stop data"},
                                          text={"en": "Publish it."}, made_on=today)
    staff = signed_in_client(admin)
    staff.post(reverse("boards:staff_respond", args=[item.pk]), {
        "status": "partly_accepted", "rationale_en": "A first phase this year.", "rationale_es": "",
        "responded_on": today.isoformat(), "due_on": (today + timedelta(days=90)).isoformat()})
    item.refresh_from_db()
    assert item.status == RecommendationStatus.PARTLY_ACCEPTED
    staff.post(reverse("boards:staff_milestone_add", args=[item.pk]),
               {"title_en": "Data dictionary", "due_on": (today + timedelta(days=30)).isoformat()})
    page = client.get(reverse("boards:recommendation", args=[item.pk])).content.decode()
    assert "Partly accepted" in page and "A first phase this year." in page and "Data dictionary" in page


def test_a_response_form_error_keeps_what_was_typed(board, board_member, admin):
    today = board.agency.today()
    item = services.record_recommendation(board_member, board, title={"en": "X"}, text={"en": "Y"}, made_on=today)
    response = signed_in_client(admin).post(reverse("boards:staff_respond", args=[item.pk]), {
        "status": "under_review", "rationale_en": "Looking at costs.", "responded_on": today.isoformat()})
    page = response.content.decode()
    assert "Say by when the final response will be given" in page and "Looking at costs." in page
    assert not Recommendation.objects.get().responses.exists()


def test_a_board_member_records_a_recommendation_in_the_console(board, board_member):
    client = signed_in_client(board_member)
    page = client.get(reverse("boards:staff_recommendation_new", args=[board.pk]))
    token = page.context["form"]["submission_token"].value()
    client.post(reverse("boards:staff_recommendation_new", args=[board.pk]), {
        "submission_token": token, "made_on": board.agency.today().isoformat(),
        "title_en": "More foot patrols", "text_en": "In Cedar Flats."})
    assert Recommendation.objects.get().title == {"en": "More foot patrols"}


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.AGENCY_ADMIN, True), (Role.ENGAGEMENT_STAFF, True), (Role.BOARD_MEMBER, True),
    (Role.OFFICER, False), (Role.INVESTIGATOR, False), (Role.TRAINING_COORDINATOR, False)])
def test_who_may_open_the_boards_console(board, cast, role, allowed):
    client = signed_in_client(cast[role])
    for name, args in (("boards:staff_boards", []), ("boards:staff_board", [board.pk]),
                       ("boards:staff_recommendations", [])):
        assert client.get(reverse(name, args=args)).status_code == (200 if allowed else 403)


def test_a_board_member_cannot_respond_or_manage_seats(board, board_member):
    client = signed_in_client(board_member)
    item = services.record_recommendation(board_member, board, title={"en": "X"}, text={"en": "Y"},
                                          made_on=board.agency.today())
    assert client.post(reverse("boards:staff_respond", args=[item.pk]), {}).status_code == 403
    assert client.get(reverse("boards:staff_board_new")).status_code == 403
    assert "Give the department&#x27;s response" not in client.get(
        reverse("boards:staff_recommendation", args=[item.pk])).content.decode()


def test_another_agencys_board_and_meeting_are_not_found(other_board, admin):
    client = signed_in_client(admin)
    assert client.get(reverse("boards:staff_board", args=[other_board.pk])).status_code == 404
    starts = timezone.now() + timedelta(days=5)
    meeting = Meeting.objects.create(agency=other_board.agency, board=other_board, starts_at=starts,
                                     ends_at=starts + timedelta(hours=1), place="Elsewhere")
    assert client.get(reverse("boards:staff_meeting", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("boards:staff_meeting_cancel", args=[meeting.pk])).status_code == 404


def test_the_meeting_console_page_offers_notice_minutes_documents_and_cancelling(board, admin, upcoming_meeting):
    client = signed_in_client(admin)
    page = client.get(reverse("boards:staff_meeting", args=[upcoming_meeting.pk])).content.decode()
    for text in ("Publish the notice", "Save the minutes", "Add the document", "Cancel the meeting", "1. Stop data"):
        assert text in page
    edit = client.get(reverse("boards:staff_meeting_edit", args=[upcoming_meeting.pk])).content.decode()
    assert 'value="City Hall, Room B"' in edit
    client.post(reverse("boards:staff_meeting_cancel", args=[upcoming_meeting.pk]))
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.status == MeetingStatus.CANCELLED


def test_editing_a_board_keeps_its_texts(board, manager):
    client = signed_in_client(manager)
    page = client.get(reverse("boards:staff_board_edit", args=[board.pk])).content.decode()
    assert 'value="Consejo Asesor Comunitario"' in page
    client.post(reverse("boards:staff_board_edit", args=[board.pk]), {
        "slug": board.slug, "name_en": "Community Advisory Board", "name_es": "Consejo Asesor Comunitario",
        "purpose_en": "Advises the chief.", "seat_count": "9", "term_months": "24"})
    board.refresh_from_db()
    assert board.seat_count == 9 and board.is_accepting_applications is False
