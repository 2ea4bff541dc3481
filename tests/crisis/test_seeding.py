"""The demo city's crisis team and responses: a year and more of calls, uneven by neighbourhood, in which
co-responder teams end calls better than officers alone."""

import random
from collections import Counter

import pytest
from django.core.management import call_command

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency
from commonbeat.crisis import seeding
from commonbeat.crisis.figures import crisis_figures
from commonbeat.crisis.models import CrisisResponse, MemberKind, ResponderKind, TeamMember
from commonbeat.partners import seeding as partners_seeding
from commonbeat.partners.models import Referral
from commonbeat.training import seeding as training_seeding


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department",
                                       hosts="port-alder.test")
        context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
        for module in (core_seeding, accounts_seeding, training_seeding, partners_seeding, seeding):
            module.seed(context)
        yield agency, context
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_team_is_crisis_trained_officers_and_eight_clinicians(city):
    agency, context = city
    members = TeamMember.objects.filter(agency=agency)
    officers = members.filter(kind=MemberKind.OFFICER)
    assert officers.count() >= 6
    assert officers.exclude(crisis_trained_on=None).count() >= 4  # from CIT-40 completions
    clinicians = members.filter(kind=MemberKind.CLINICIAN)
    assert clinicians.count() == 8 and clinicians.filter(partner__kind="mental_health").count() == 8
    assert all(member.availability.exists() for member in members)
    assert "crisis responses" in context.log[-1]


@pytest.mark.django_db
def test_follow_up_referrals_go_to_the_partners_and_are_linked_to_their_response(city):
    agency, _context = city
    follow_ups = Referral.objects.filter(agency=agency, source__startswith="crisis-response:")
    assert follow_ups.count() >= 200
    assert not follow_ups.exclude(partner__kind="mental_health").exists()
    assert all(referral.consent_recorded for referral in follow_ups)
    linked = {int(source.split(":")[1]) for source in follow_ups.values_list("source", flat=True)}
    kinds = Counter(CrisisResponse.objects.filter(pk__in=linked).values_list("responder_kind", flat=True))
    assert kinds[ResponderKind.CO_RESPONDER] > kinds[ResponderKind.OFFICER_ONLY]


@pytest.mark.django_db
def test_more_than_a_year_of_responses_uneven_by_neighbourhood(city):
    agency, _context = city
    responses = CrisisResponse.objects.filter(agency=agency)
    months = {moment.strftime("%Y-%m") for moment in responses.values_list("occurred_at", flat=True)}
    assert len(months) >= 14
    assert responses.count() >= 13 * 100
    by_place = Counter(responses.exclude(neighbourhood=None).values_list("neighbourhood_id", flat=True))
    assert max(by_place.values()) > 2 * min(by_place.values())


@pytest.mark.django_db
def test_co_responder_calls_end_better_than_officer_only_ones(city):
    agency, _context = city
    responses = CrisisResponse.objects.filter(agency=agency)

    def share(kind, outcome):
        group = responses.filter(responder_kind=kind)
        return group.filter(**{outcome: True}).count() / group.count()

    co, alone = ResponderKind.CO_RESPONDER, ResponderKind.OFFICER_ONLY
    assert share(co, "resolved_on_scene") > share(alone, "resolved_on_scene") + 0.1
    assert share(co, "voluntary_transport") > share(alone, "voluntary_transport")
    for outcome in ["arrest", "force_used", "injury_person", "involuntary_hold"]:
        assert share(co, outcome) < share(alone, outcome)
    assert responses.filter(responder_kind=co).exclude(clinicians=None).count() == responses.filter(
        responder_kind=co).count()


@pytest.mark.django_db
def test_the_public_figures_of_the_demo_show_the_difference_a_clinician_makes(city, client):
    agency, context = city
    figures = crisis_figures(agency, public=True, today=context.today)
    rates = {rate.outcome: rate.percents for rate in figures.rates}
    assert rates["resolved_on_scene"][1] > rates["resolved_on_scene"][0]
    assert rates["arrest"][0] is not None
    page = client.get("/crisis/", HTTP_HOST="port-alder.test")
    assert page.status_code == 200 and "With a clinician" in page.content.decode()
