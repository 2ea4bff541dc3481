"""The public board pages: roster, vacancies and how to apply, the make-up comparison, meetings with their
agenda and calendar files, and the recommendations tracker with its overdue badges."""

from datetime import date, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from commonbeat.boards import queries, services
from commonbeat.boards.models import BoardMember


def seat(board, number, **declared):
    return BoardMember.objects.create(agency=board.agency, board=board, name=f"Member {number}", seat=number,
                                      term_start=date(2025, 1, 1), term_end=date(2026, 12, 31), **declared)


def test_the_board_page_shows_the_roster_vacancies_and_how_to_apply(client, board):
    seat(board, 1)
    page = client.get(reverse("boards:board", args=[board.slug])).content.decode()
    assert "Community Advisory Board" in page and "Advises the chief." in page
    assert "Member 1" in page
    assert "6 seats are vacant" in page
    assert reverse("boards:apply", args=[board.slug]) in page


def test_the_board_list_links_each_board(client, board, other_board):
    page = client.get(reverse("boards:boards")).content.decode()
    assert reverse("boards:board", args=[board.slug]) in page
    assert "Beta Board" not in page


def test_make_up_is_hidden_until_five_members_have_declared(client, board):
    for number in range(1, 5):
        seat(board, number, gender="female")
    page = client.get(reverse("boards:board", args=[board.slug])).content.decode()
    assert "Only 4 serving members have answered, fewer than 5" in page
    seat(board, 5, gender="male")
    page = client.get(reverse("boards:board", args=[board.slug])).content.decode()
    assert "share of the board (of 5 members who answered)" in page


def test_make_up_compares_shares_with_the_census_of_all_neighbourhoods(board):
    for number in range(1, 6):
        seat(board, number, gender="female" if number <= 4 else "male")
    gender = next(item for item in queries.make_up(board, "en") if item.key == "gender")
    shares = {group.code: (group.board_percent, group.community_percent) for group in gender.groups}
    # The test agency's two neighbourhoods each count 500 women and 500 men.
    assert shares["female"] == (80, 50) and shares["male"] == (20, 50) and shares["another"] == (0, 0)


def test_a_meeting_is_public_only_once_its_notice_is_published(client, upcoming_meeting, board_member):
    url = reverse("boards:meeting", args=[upcoming_meeting.pk])
    assert client.get(url).status_code == 404
    services.publish_notice(board_member, upcoming_meeting)
    page = client.get(url).content.decode()
    assert "City Hall, Room B" in page and "1. Stop data" in page


def test_the_meetings_feed_lists_published_meetings_as_icalendar(client, board, upcoming_meeting, board_member):
    services.publish_notice(board_member, upcoming_meeting)
    for url in (reverse("boards:feed_all"), reverse("boards:board_feed", args=[board.slug]),
                reverse("boards:meeting_ics", args=[upcoming_meeting.pk])):
        response = client.get(url)
        assert response["Content-Type"].startswith("text/calendar")
        events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        assert [str(event["summary"]) for event in events] == ["Community Advisory Board meeting"]
        assert str(events[0]["location"]) == "City Hall, Room B"


def test_meeting_entries_is_in_the_page_language(agency, upcoming_meeting, board_member):
    services.publish_notice(board_member, upcoming_meeting)
    entries = queries.meeting_entries(agency, timezone.now(), "es")
    assert len(entries) == 1
    assert entries[0].title == "Reunión de Consejo Asesor Comunitario"
    assert entries[0].description == "1. Datos de paradas"
    assert entries[0].url.endswith(f"/es/boards/meetings/{upcoming_meeting.pk}/")


def test_an_unpublished_meeting_is_not_in_the_feed(client, upcoming_meeting):
    response = client.get(reverse("boards:feed_all"))
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT") == []


@pytest.fixture
def tracked(board, board_member, admin, agency):
    """Three recommendations: one overdue for a response, one accepted with a late milestone, one declined."""
    today = agency.today()
    late = services.record_recommendation(board_member, board, title={"en": "Late answer"}, text={"en": "Text"},
                                          made_on=today - timedelta(days=120))
    slow = services.record_recommendation(board_member, board, title={"en": "Slow work"}, text={"en": "Text"},
                                          made_on=today - timedelta(days=60))
    services.respond(admin, slow, status="accepted", rationale={"en": "We agree and will do it."},
                     responded_on=today - timedelta(days=50))
    services.add_milestone(admin, slow, title={"en": "Draft ready"}, due_on=today - timedelta(days=1))
    no = services.record_recommendation(board_member, board, title={"en": "Not possible"}, text={"en": "Text"},
                                        made_on=today - timedelta(days=30))
    services.respond(admin, no, status="declined", rationale={"en": "State law forbids it."}, responded_on=today)
    return late, slow, no


def test_the_tracker_shows_every_status_and_the_overdue_badges_in_words(client, tracked):
    page = client.get(reverse("boards:tracker")).content.decode()
    assert "Late answer" in page and "Slow work" in page and "Not possible" in page
    assert page.count("Response overdue") == 1 and page.count("Implementation overdue") == 1
    assert "Declined" in page and "Accepted" in page and "Awaiting response" in page


def test_the_tracker_filters_by_status_board_and_lateness(client, tracked, board):
    page = client.get(reverse("boards:tracker"), {"status": "declined"}).content.decode()
    assert "Not possible" in page and "Late answer" not in page
    page = client.get(reverse("boards:tracker"), {"overdue": "on", "board": board.slug}).content.decode()
    assert "Late answer" in page and "Slow work" in page and "Not possible" not in page


def test_a_recommendation_page_shows_the_response_rationale_and_milestones(client, tracked):
    page = client.get(reverse("boards:recommendation", args=[tracked[1].pk])).content.decode()
    assert "We agree and will do it." in page
    assert "Draft ready" in page and "Overdue" in page and "Implementation overdue" in page


def test_another_agencys_recommendation_is_not_found(client, other_board, other_agency):
    from commonbeat.boards.models import Recommendation
    item = Recommendation.objects.create(agency=other_agency, board=other_board, number=1, title={"en": "X"},
                                         text={"en": "Y"}, made_on=date(2026, 1, 1),
                                         response_due_on=date(2026, 4, 1))
    assert client.get(reverse("boards:recommendation", args=[item.pk])).status_code == 404


def test_the_pages_are_in_spanish_under_es(client, board, tracked):
    page = client.get("/es" + reverse("boards:board", args=[board.slug]).removeprefix("/es")).content.decode()
    assert "Consejo Asesor Comunitario" in page and 'lang="es"' in page
