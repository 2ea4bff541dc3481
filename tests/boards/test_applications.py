"""A resident applies to a board on the public form; staff who manage boards appoint or decline."""

from datetime import date

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.boards import services
from commonbeat.boards.models import ApplicationStatus, BoardApplication, BoardMember, MemberStatus
from commonbeat.core.models import AuditEvent
from tests.factories import signed_in_client

from .conftest import application_details


def form_data(client, board, **overrides):
    page = client.get(reverse("boards:apply", args=[board.slug]))
    token = page.context["form"]["submission_token"].value()
    data = {"submission_token": token, "name": "Rosa Rivera", "email": "rosa@example.org",
            "statement": "I want to help.", "age_band": "30-44", "gender": "female", "race_ethnicity": ""}
    data.update(overrides)
    return data


def test_a_resident_applies_and_sees_a_confirmation(client, board):
    data = form_data(client, board)
    response = client.post(reverse("boards:apply", args=[board.slug]), data, follow=True)
    assert "your application is received" in response.content.decode()
    application = BoardApplication.objects.get()
    assert (application.name, application.email, application.gender, application.race_ethnicity) == (
        "Rosa Rivera", "rosa@example.org", "female", "")
    assert application.status == ApplicationStatus.PENDING


def test_the_e_mail_address_is_stored_encrypted(client, board):
    client.post(reverse("boards:apply", args=[board.slug]), form_data(client, board))
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM boards_boardapplication")
        stored = cursor.fetchone()[0]
    assert "rosa@example.org" not in stored


def test_sending_the_same_form_twice_makes_one_application(client, board):
    data = form_data(client, board)
    client.post(reverse("boards:apply", args=[board.slug]), data)
    client.post(reverse("boards:apply", args=[board.slug]), data)
    assert BoardApplication.objects.count() == 1


def test_a_mistake_is_shown_beside_the_field_keeping_what_was_typed(client, board):
    data = form_data(client, board, email="not-an-address")
    response = client.post(reverse("boards:apply", args=[board.slug]), data)
    page = response.content.decode()
    assert "Enter an e-mail address like name@example.org." in page
    assert 'href="#id_email"' in page
    assert "I want to help." in page
    assert not BoardApplication.objects.exists()


def test_a_board_not_taking_applications_says_so(client, board, manager):
    board.is_accepting_applications = False
    board.save()
    response = client.get(reverse("boards:apply", args=[board.slug]))
    assert "not taking applications" in response.content.decode()
    with pytest.raises(services.BoardError):
        services.apply(board.agency, board, application_details())


def test_another_agencys_board_is_not_found(client, other_board):
    assert client.get(reverse("boards:apply", args=[other_board.slug])).status_code == 404


def test_an_admin_appoints_an_applicant_for_one_term(board, admin, agency):
    applied = services.apply(agency, board, application_details())
    client = signed_in_client(admin)
    url = reverse("boards:staff_application", args=[applied.application.pk])
    page = client.get(url).content.decode()
    assert "rosa@example.org" in page and "I care about my neighbourhood." in page
    response = client.post(url, {"appoint": "1", "seat": "3", "term_start": "2026-01-01"}, follow=True)
    assert "Rosa Rivera is appointed to seat 3." in response.content.decode()
    member = BoardMember.objects.get()
    assert (member.seat, member.term_start, member.term_end) == (3, date(2026, 1, 1), date(2027, 12, 31))
    assert member.gender == "female" and member.appointed_by == admin
    applied.application.refresh_from_db()
    assert applied.application.status == ApplicationStatus.APPOINTED
    event = AuditEvent.objects.get(action="boards.applicant_appointed")
    assert "rosa" not in str(event.changes).lower()


def test_a_taken_seat_cannot_be_given_twice(board, admin, agency):
    first = services.apply(agency, board, application_details()).application
    second = services.apply(agency, board, application_details(name="Omar Reyes")).application
    services.appoint(admin, first, seat=1, term_start=date(2026, 1, 1))
    with pytest.raises(services.BoardError, match="not vacant"):
        services.appoint(admin, second, seat=1, term_start=date(2026, 1, 1))


def test_ending_a_term_frees_the_seat(board, admin, agency):
    member = services.appoint(admin, services.apply(agency, board, application_details()).application,
                              seat=1, term_start=date(2026, 1, 1))
    client = signed_in_client(admin)
    client.post(reverse("boards:staff_end_term", args=[member.pk]), {"ended_on": "2026-03-01"})
    member.refresh_from_db()
    assert member.status == MemberStatus.ENDED
    assert 1 in services.vacant_seats(board)


def test_an_admin_declines_an_application(board, admin, agency):
    application = services.apply(agency, board, application_details()).application
    client = signed_in_client(admin)
    client.post(reverse("boards:staff_application", args=[application.pk]), {"decline": "1", "note": "Moved away"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert not BoardMember.objects.exists()


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.OFFICER, Role.INVESTIGATOR])
def test_roles_that_do_not_manage_boards_cannot_read_applications(board, cast, agency, role):
    application = services.apply(agency, board, application_details()).application
    client = signed_in_client(cast[role])
    assert client.get(reverse("boards:staff_applications")).status_code == 403
    assert client.get(reverse("boards:staff_application", args=[application.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(board, agency):
    application = services.apply(agency, board, application_details()).application
    response = Client().get(reverse("boards:staff_application", args=[application.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_another_agencys_application_is_not_found(other_board, admin, other_agency):
    application = services.apply(other_agency, other_board, application_details()).application
    client = signed_in_client(admin)
    assert client.get(reverse("boards:staff_application", args=[application.pk])).status_code == 404
