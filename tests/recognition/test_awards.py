"""Award programs: nominations from the public, staff and commendations; panel scores; announcements."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.recognition import services
from commonbeat.recognition.models import Award, AwardProgram, Nomination, NomineeKind, PanelScore

from ..factories import make_user, signed_in_client
from .helpers import commendation, make_program, officer_of


@pytest.fixture
def manager(cast):
    return signed_in_client(cast[Role.ENGAGEMENT_STAFF])


def nominate_page(client, program, **changes):
    url = reverse("recognition:nominate", args=[program.slug])
    form = client.get(url).context["form"]
    data = {"submission_token": form.initial["submission_token"], "reason": "Always kind and patient.",
            "nominator_name": "Nora Nominator", "nominator_contact": "nora@example.org", **changes}
    return url, data


def test_staff_create_an_award_program(agency, cast, manager):
    response = manager.post(reverse("recognition:staff_program_new"), {
        "slug": "officer-of-the-year", "name_en": "Officer of the Year", "name_es": "Agente del Año",
        "criteria_en": "Builds trust.", "nominee_kind": "officer", "opens_on": "2026-01-01",
        "closes_on": "2026-12-31"}, follow=True)
    program = AwardProgram.objects.get()
    assert program.agency == agency and program.name == {"en": "Officer of the Year", "es": "Agente del Año"}
    assert "Officer of the Year" in response.content.decode()
    assert AuditEvent.objects.filter(action="recognition.program_created", object_id=str(program.pk)).exists()


def test_a_window_that_closes_before_it_opens_is_refused(agency, manager):
    response = manager.post(reverse("recognition:staff_program_new"), {
        "slug": "x", "name_en": "X", "nominee_kind": "officer", "opens_on": "2026-05-01", "closes_on": "2026-01-01"})
    assert response.status_code == 400 and "close on or after" in response.content.decode()
    assert not AwardProgram.objects.exists()


def test_a_resident_nominates_an_officer_once_however_often_the_form_is_sent(agency, client):
    program = make_program(agency)
    officer = officer_of(agency)
    url, data = nominate_page(client, program, officer=officer.pk)
    first = client.post(url, data, follow=True)
    client.post(url, data)
    assert "your nomination is received" in first.content.decode()
    nomination = Nomination.objects.get()
    assert nomination.officer == officer and nomination.source == "public" and nomination.year == program.year
    assert nomination.nominator_name == "Nora Nominator"
    assert AuditEvent.objects.filter(action="recognition.nominated").count() == 1


def test_a_community_award_takes_a_name_not_an_officer(agency, client):
    program = make_program(agency, "community-champion", NomineeKind.COMMUNITY)
    url, data = nominate_page(client, program)
    response = client.post(url, data)
    assert response.status_code == 400 and not Nomination.objects.exists()
    client.post(url, {**data, "nominee_name": "Dana Coach"})
    assert Nomination.objects.get().nominee == "Dana Coach"


def test_nominations_are_refused_outside_the_window(agency, client):
    program = make_program(agency, open_now=False)
    url = reverse("recognition:nominate", args=[program.slug])
    assert "not open now" in client.get(url).content.decode()
    with pytest.raises(services.RecognitionError):
        services.nominate(AnonymousUser(), program, reason="r", nominator_name="n", nominator_contact="c", token="",
                          officer=officer_of(agency))


def test_staff_nominate_and_put_a_commendation_forward(agency, cast):
    program = make_program(agency)
    officer = officer_of(agency)
    report = commendation(agency, cast, officer)
    nominator = signed_in_client(cast[Role.OFFICER])
    page = nominator.get(reverse("recognition:staff_nominate")).content.decode()
    assert report.reference in page
    nominator.post(reverse("recognition:staff_nominate"), {"program": program.pk, "officer": officer.pk,
                                                           "reason": "Led the youth league."})
    nominator.post(reverse("recognition:staff_commendation_nominate", args=[report.pk]), {
        f"c{report.pk}-program": program.pk, f"c{report.pk}-officer": officer.pk})
    nominator.post(reverse("recognition:staff_commendation_nominate", args=[report.pk]), {
        f"c{report.pk}-program": program.pk, f"c{report.pk}-officer": officer.pk})
    sources = sorted(Nomination.objects.values_list("source", flat=True))
    assert sources == ["commendation", "staff"]
    from_commendation = Nomination.objects.get(source="commendation")
    assert from_commendation.commendation == report and from_commendation.officer == officer
    assert report.reference in from_commendation.reason and "mother" not in from_commendation.reason


def test_a_commendation_not_put_forward_cannot_be_nominated(agency, cast):
    program = make_program(agency)
    report = commendation(agency, cast, put_forward=False)
    response = signed_in_client(cast[Role.OFFICER]).post(
        reverse("recognition:staff_commendation_nominate", args=[report.pk]),
        {f"c{report.pk}-program": program.pk, f"c{report.pk}-officer": officer_of(agency).pk})
    assert response.status_code == 404 and not Nomination.objects.exists()


def test_only_panel_members_score_once_each_from_one_to_five(agency, cast):
    reviewer, board_member = cast[Role.OVERSIGHT_REVIEWER], cast[Role.BOARD_MEMBER]
    program = make_program(agency, panel=[reviewer])
    nomination = services.nominate_as_staff(cast[Role.ENGAGEMENT_STAFF], program, reason="Kind.",
                                            officer=officer_of(agency))
    with pytest.raises(PermissionDenied):
        services.score(board_member, nomination, 4)  # may score, but is not on this panel
    with pytest.raises(services.RecognitionError):
        services.score(reviewer, nomination, 6)
    services.score(reviewer, nomination, 3)
    services.score(reviewer, nomination, 5)  # changed, not added
    assert list(PanelScore.objects.values_list("member", "score")) == [(reviewer.pk, 5)]
    page = signed_in_client(board_member).get(reverse("recognition:staff_nomination", args=[nomination.pk]))
    assert page.status_code == 403
    posted = signed_in_client(board_member).post(
        reverse("recognition:staff_nomination_score", args=[nomination.pk]), {"score": 1})
    assert posted.status_code == 403 and PanelScore.objects.get().score == 5


def test_a_panel_member_without_the_scoring_role_cannot_score(agency, cast):
    program = make_program(agency)
    program.panel.set([cast[Role.OFFICER]])
    nomination = services.nominate_as_staff(cast[Role.OFFICER], program, reason="Kind.", officer=officer_of(agency))
    with pytest.raises(PermissionDenied):
        services.score(cast[Role.OFFICER], nomination, 4)
    with pytest.raises(services.RecognitionError):
        services.set_panel(cast[Role.ENGAGEMENT_STAFF], program, [cast[Role.OFFICER]])


def test_panel_members_score_through_the_console_and_the_manager_sees_the_ranking(agency, cast, manager):
    reviewer, board_member = cast[Role.OVERSIGHT_REVIEWER], cast[Role.BOARD_MEMBER]
    program = make_program(agency)
    manager.post(reverse("recognition:staff_panel_set", args=[program.pk]), {"members": [reviewer.pk,
                                                                                        board_member.pk]})
    assert set(program.panel.all()) == {reviewer, board_member}
    officer = officer_of(agency)
    first = services.nominate_as_staff(cast[Role.ENGAGEMENT_STAFF], program, reason="A.", officer=officer)
    second = services.nominate_as_staff(cast[Role.ENGAGEMENT_STAFF], program, reason="B.", officer=officer)
    for member, scores in ((reviewer, (2, 5)), (board_member, (3, 4))):
        client = signed_in_client(member)
        assert "Not scored yet" in client.get(reverse("recognition:staff_panel")).content.decode()
        for nomination, value in zip((first, second), scores, strict=True):
            client.post(reverse("recognition:staff_nomination_score", args=[nomination.pk]), {"score": value})
    bad = signed_in_client(reviewer).post(reverse("recognition:staff_nomination_score", args=[first.pk]),
                                          {"score": 9})
    assert bad.status_code == 400
    ranked = services.ranking(program, program.year)
    assert [(n.pk, n.average, n.score_count) for n in ranked] == [(second.pk, 4.5, 2), (first.pk, 2.5, 2)]
    page = manager.get(reverse("recognition:staff_program", args=[program.pk])).content.decode()
    assert "4.50" in page and "2.50" in page
    assert AuditEvent.objects.filter(action="recognition.scored").count() == 4


def test_the_announced_award_is_public_in_both_languages_without_the_nominator(agency, cast, client, manager):
    reviewer = cast[Role.OVERSIGHT_REVIEWER]
    program = make_program(agency, panel=[reviewer])
    url, data = nominate_page(client, program, officer=officer_of(agency).pk)
    client.post(url, data)
    nomination = Nomination.objects.get()
    services.score(reviewer, nomination, 4)
    response = manager.post(reverse("recognition:staff_nomination_announce", args=[nomination.pk]), {
        "citation_en": "For patience and kindness.", "citation_es": "Por su paciencia y amabilidad."}, follow=True)
    assert "announced" in response.content.decode()
    award = Award.objects.get()
    assert award.nomination == nomination and award.year == program.year
    english = client.get(reverse("recognition:awards")).content.decode()
    spanish = client.get("/es" + reverse("recognition:awards")).content.decode()
    assert "For patience and kindness." in english and "Por su paciencia y amabilidad." in spanish
    assert "Officer Pat Alphason" in english
    for page in (english, spanish):
        assert "Nora" not in page and "nora@example.org" not in page
    with translation.override("en"), pytest.raises(services.RecognitionError, match="can no longer change"):
        services.score(reviewer, nomination, 2)
    assert AuditEvent.objects.filter(action="recognition.award_announced").exists()


def test_a_community_winner_is_announced_only_with_their_agreement(agency, cast):
    program = make_program(agency, "community-champion", NomineeKind.COMMUNITY)
    nomination = services.nominate_as_staff(cast[Role.ENGAGEMENT_STAFF], program, reason="Coach.",
                                            nominee_name="Dana Coach")
    citation = {"en": "For coaching.", "es": "Por entrenar."}
    with pytest.raises(services.RecognitionError, match="agreed"):
        services.announce(cast[Role.ENGAGEMENT_STAFF], nomination, citation=citation)
    with pytest.raises(services.RecognitionError, match="Spanish"):
        services.announce(cast[Role.ENGAGEMENT_STAFF], nomination, citation={"en": "x"}, nominee_agreed=True)
    services.announce(cast[Role.ENGAGEMENT_STAFF], nomination, citation=citation, nominee_agreed=True)
    assert Award.objects.get().nomination.nominee == "Dana Coach"


def test_the_nominator_is_shown_only_to_award_managers(agency, cast, client, manager):
    reviewer = cast[Role.OVERSIGHT_REVIEWER]
    program = make_program(agency, panel=[reviewer])
    url, data = nominate_page(client, program, officer=officer_of(agency).pk)
    client.post(url, data)
    nomination = Nomination.objects.get()
    page_url = reverse("recognition:staff_nomination", args=[nomination.pk])
    assert "Nora Nominator" in manager.get(page_url).content.decode()
    panel_page = signed_in_client(reviewer).get(page_url).content.decode()
    assert "Always kind and patient." in panel_page and "Nora" not in panel_page


@pytest.mark.parametrize("name", ["staff_programs", "staff_program_new"])
def test_award_management_needs_the_awards_role(agency, cast, client, name):
    url = reverse(f"recognition:{name}")
    assert client.get(url).status_code == 302
    assert signed_in_client(cast[Role.OVERSIGHT_REVIEWER]).get(url).status_code == 403
    assert signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get(url).status_code == 200


def test_staff_nominations_need_the_nominating_role(agency, cast, client):
    url = reverse("recognition:staff_nominate")
    assert client.get(url).status_code == 302
    assert signed_in_client(cast[Role.BOARD_MEMBER]).get(url).status_code == 403
    assert signed_in_client(cast[Role.INVESTIGATOR]).get(url).status_code == 200
    with pytest.raises(PermissionDenied):
        services.nominate_as_staff(cast[Role.BOARD_MEMBER], make_program(agency), reason="r",
                                   officer=officer_of(agency))


def test_another_agencys_awards_are_not_found(agency, other_agency, other_admin, manager, client):
    beta_user = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff")
    program = make_program(other_agency, "beta-award", panel=[beta_user])
    nomination = services.nominate_as_staff(other_admin, program, reason="Beta.", officer=officer_of(other_agency))
    assert manager.get(reverse("recognition:staff_program", args=[program.pk])).status_code == 404
    assert manager.get(reverse("recognition:staff_nomination", args=[nomination.pk])).status_code == 404
    assert manager.post(reverse("recognition:staff_nomination_announce", args=[nomination.pk]),
                        {"citation_en": "x", "citation_es": "y"}).status_code == 404
    assert client.get(reverse("recognition:nominate", args=[program.slug])).status_code == 404
    assert "Beta" not in client.get(reverse("recognition:awards")).content.decode()
    with pytest.raises(services.RecognitionError):
        services.nominate_as_staff(other_admin, program, reason="x", officer=officer_of(agency))


def test_a_staff_nomination_sent_twice_counts_once(agency, cast):
    program = make_program(agency)
    officer = officer_of(agency)
    nominator = signed_in_client(cast[Role.OFFICER])
    url = reverse("recognition:staff_nominate")
    form = nominator.get(url, {"program": program.pk}).context["form"]
    data = {"submission_token": form.initial["submission_token"], "program": program.pk, "officer": officer.pk,
            "reason": "Led the youth league."}
    first = nominator.post(url, data, follow=True)
    nominator.post(url, data)
    assert "The nomination is sent to the award" in first.content.decode()
    assert Nomination.objects.filter(source="staff").count() == 1


def test_the_nominate_page_offers_each_commendation_without_a_query_for_each(agency, cast):
    program = make_program(agency)
    officer = officer_of(agency)
    nominator = signed_in_client(cast[Role.OFFICER])
    url = reverse("recognition:staff_nominate")
    first = commendation(agency, cast, officer)
    with CaptureQueriesContext(connection) as one:
        nominator.get(url)
    for _ in range(3):
        commendation(agency, cast, officer)
    with CaptureQueriesContext(connection) as four:
        page = nominator.get(url).content.decode()
    assert len(four) == len(one)
    assert f'name="c{first.pk}-program"' in page and f'<option value="{program.pk}"' in page
    assert f'<option value="{officer.pk}"' in page and officer.last_name in page
