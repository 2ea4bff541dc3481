"""The demo city's two years of community events, replies, attendance, officers' participation and
problem-solving projects, and the next six weeks of events.

The city (core and sign-ins) and its events are loaded once for this module and removed afterwards.
"""

import random
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import geo
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency, AuditEvent, Neighbourhood, Officer
from commonbeat.engagement import seeding, services
from commonbeat.engagement.models import (
    Attendance,
    CheckInMethod,
    Concern,
    Event,
    EventStatus,
    OfficerParticipation,
    Problem,
    ProblemStatus,
    ProblemUpdate,
    Rsvp,
    RsvpStatus,
    Stage,
)
from commonbeat.patrols.seeding import IMPROVING, presence_plan
from commonbeat.surveys.models import Survey, SurveyStatus

AGENCIES = [("port-alder", "Port Alder Police Department"), ("lakeside-county", "Lakeside County Sheriff's Office")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        loaded = {}
        for number, (slug, name) in enumerate(AGENCIES):
            agency = Agency.objects.create(slug=slug, name=name, hosts=f"{slug}.test", timezone="America/Chicago")
            context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125 + number))
            core_seeding.seed(context)
            accounts_seeding.seed(context)
            seeding.seed(context)
            loaded[slug] = SimpleNamespace(log=context.log)
        yield loaded
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def port_alder(demo, db):
    return Agency.objects.get(slug="port-alder")


@pytest.fixture
def events(port_alder):
    return Event.objects.filter(agency=port_alder).select_related("kind", "neighbourhood")


def test_loading_the_events_says_what_it_loaded(demo, port_alder):
    assert "events over two years" in demo["port-alder"].log[-1]
    assert AuditEvent.objects.get(agency=port_alder, action="engagement.demo_history_loaded").changes["rsvps"] > 0


def test_two_years_of_events_and_the_next_six_weeks(events):
    now = timezone.now()
    past = events.filter(starts_at__lte=now)
    assert 250 <= past.count() <= 420  # two to four a week
    first = past.order_by("starts_at").first().starts_at
    assert timedelta(weeks=100) <= now - first <= timedelta(weeks=105)
    ahead = events.filter(starts_at__gt=now)
    assert ahead.count() >= 10
    assert ahead.order_by("-starts_at").first().starts_at <= now + timedelta(weeks=6, days=1)


def test_every_standard_kind_of_event_is_held(events):
    held = set(events.filter(starts_at__lte=timezone.now()).values_list("kind__slug", flat=True))
    assert held == {slug for slug, *_ in services.STANDARD_KINDS}


def test_titles_and_descriptions_are_in_english_and_spanish(events):
    for event in events:
        assert event.title["en"] and event.title["es"] and event.title["en"] != event.title["es"]
        assert event.description["en"] and event.description["es"]
        assert event.accessibility_notes["es"]
    assert events.filter(title__es__startswith="Café con agentes").exists()


def test_each_event_sits_in_the_neighbourhood_its_map_point_falls_in(port_alder, events):
    for event in events:
        assert event.neighbourhood is not None
        assert geo.neighbourhood_at(port_alder, event.longitude, event.latitude) == event.neighbourhood


def test_events_are_uneven_across_neighbourhoods_and_one_neighbourhood_gets_more_and_more(port_alder, events):
    counts = Counter(events.values_list("neighbourhood_id", flat=True))
    neighbourhoods = list(Neighbourhood.objects.filter(agency=port_alder))
    assert len(counts) == len(neighbourhoods)
    assert max(counts.values()) >= 3 * min(counts.values())
    improving = next(p.neighbourhood for p in presence_plan(port_alder, neighbourhoods).values()
                     if p.story == IMPROVING)
    now = timezone.now()
    mine = events.filter(neighbourhood=improving)
    first_year = mine.filter(starts_at__lt=now - timedelta(weeks=52)).count()
    second_year = mine.filter(starts_at__gte=now - timedelta(weeks=52), starts_at__lte=now).count()
    assert second_year >= 2 * max(first_year, 1)


def test_replies_follow_the_rules_of_places_and_the_waiting_list(events):
    now = timezone.now()
    for event in events.filter(capacity__isnull=False):
        assert services.places_taken(event) <= event.capacity, event
        if event.starts_at > now and not event.is_cancelled:
            left = services.places_left(event)
            assert not event.rsvps.filter(status=RsvpStatus.WAITLISTED, party_size__lte=left).exists(), event
    replies = Rsvp.objects.filter(event__in=events)
    for reply in replies.only("created_at", "cancelled_at", "promoted_at", "status", "event__starts_at",
                              "party_size").select_related("event"):
        assert reply.created_at < reply.event.starts_at and 1 <= reply.party_size <= services.MAX_PARTY_SIZE
        assert (reply.cancelled_at is not None) == (reply.status == RsvpStatus.CANCELLED)
        if reply.cancelled_at:
            assert reply.created_at <= reply.cancelled_at < reply.event.starts_at
        if reply.promoted_at:
            assert reply.created_at <= reply.promoted_at
            assert reply.status in (RsvpStatus.CONFIRMED, RsvpStatus.CANCELLED)
    statuses = Counter(replies.values_list("status", flat=True))
    assert statuses[RsvpStatus.CONFIRMED] > 10 * statuses[RsvpStatus.WAITLISTED] > 0
    assert 0.05 <= statuses[RsvpStatus.CANCELLED] / replies.count() <= 0.2
    assert replies.filter(promoted_at__isnull=False).count() >= 3
    full_in_the_past = {event_id for event_id in replies.filter(status=RsvpStatus.WAITLISTED, event__starts_at__lt=now)
                        .values_list("event_id", flat=True)}
    assert len(full_in_the_past) >= 3


def test_ahead_replies_are_open_one_event_is_full_with_a_waiting_list_and_one_is_cancelled(events):
    now = timezone.now()
    ahead = [event for event in events.filter(starts_at__gt=now)]
    open_ = [event for event in ahead if services.accepts_rsvps(event) and services.places_left(event) != 0]
    assert len(open_) >= 8
    assert any(event.rsvps.exists() for event in open_)
    full = [event for event in ahead if not event.is_cancelled and services.places_left(event) == 0
            and event.rsvps.filter(status=RsvpStatus.WAITLISTED).exists()]
    assert full
    waiting = list(full[0].rsvps.filter(status=RsvpStatus.WAITLISTED).order_by("created_at"))
    assert [services.waiting_position(reply) for reply in waiting] == list(range(1, len(waiting) + 1))
    cancelled = [event for event in ahead if event.is_cancelled]
    assert cancelled and any(event.rsvps.exists() for event in cancelled)


def test_residents_are_made_up_and_their_links_work(port_alder, events):
    replies = Rsvp.objects.filter(event__in=events)
    emails = [reply.email for reply in replies[:500]]
    assert all(email == "" or email.endswith("@example.org") for email in emails)
    assert 0.1 <= emails.count("") / len(emails) <= 0.3
    assert 0.1 <= replies.filter(language="es").count() / replies.count() <= 0.3
    reply = replies.filter(event__starts_at__gt=timezone.now(), status=RsvpStatus.CONFIRMED).first()
    assert services.find_rsvp(port_alder, services.rsvp_token(reply)) == reply


def test_people_came_only_to_events_that_took_place(events):
    now = timezone.now()
    attendance = Attendance.objects.filter(event__in=events)
    assert not attendance.filter(event__ends_at__gt=now).exists()
    assert not attendance.filter(event__status=EventStatus.CANCELLED).exists()
    assert not attendance.filter(rsvp__status=RsvpStatus.CANCELLED).exists()
    methods = Counter(attendance.values_list("method", flat=True))
    assert methods[CheckInMethod.RSVP_LIST] and methods[CheckInMethod.QR_CODE] and methods[CheckInMethod.WALK_IN]
    assert not attendance.filter(method=CheckInMethod.QR_CODE, rsvp__email="").exists()
    for row in attendance.filter(rsvp__isnull=False).select_related("rsvp")[:300]:
        assert row.people == row.rsvp.party_size
    held = events.filter(status=EventStatus.SCHEDULED, ends_at__lt=now)
    came = attendance.values("event").distinct().count()
    assert came >= 0.9 * held.count()
    fairs = attendance.filter(event__kind__slug="fair").aggregate(people=Sum("people"))["people"]
    coffees = attendance.filter(event__kind__slug="coffee-with-officers").aggregate(people=Sum("people"))["people"]
    assert fairs / events.filter(kind__slug="fair", ends_at__lt=now).count() > coffees / events.filter(
        kind__slug="coffee-with-officers", ends_at__lt=now).count()


def test_reminders_went_the_day_before_to_people_with_a_place(events):
    reminded = Rsvp.objects.filter(event__in=events, reminder_sent_at__isnull=False).select_related("event")
    assert reminded.count() > 1000
    assert not reminded.filter(status=RsvpStatus.WAITLISTED).exists() and not reminded.filter(email="").exists()
    for reply in reminded[:500]:
        assert timedelta(hours=12) <= reply.event.starts_at - reply.reminder_sent_at <= timedelta(hours=36)


def test_officers_take_part_for_about_as_long_as_the_event(port_alder, events):
    now = timezone.now()
    taking_part = OfficerParticipation.objects.filter(event__in=events).select_related("event", "officer__unit")
    assert taking_part.count() >= 500
    assert not taking_part.filter(event__ends_at__gt=now).exists()
    assert not taking_part.filter(event__status=EventStatus.CANCELLED).exists()
    per_unit, officers = Counter(), defaultdict(set)
    for row in taking_part:
        duration = Decimal((row.event.ends_at - row.event.starts_at).total_seconds() / 3600)
        assert Decimal("0.25") <= row.hours <= 24 and duration - 1 <= row.hours <= duration + 1
        assert row.officer.active_from <= row.event.starts_at.date() and row.officer.agency_id == port_alder.pk
        per_unit[row.officer.unit.code] += 1
        officers[row.officer.unit.code].add(row.officer_id)
    units = Counter(Officer.objects.filter(agency=port_alder).values_list("unit__code", flat=True))
    engagement = per_unit["CE"] / units["CE"]
    others = max(per_unit[code] / units[code] for code in units if code != "CE")
    assert engagement > 1.5 * others  # Community Engagement officers take part far more often
    demo_officer = Officer.objects.get(agency=port_alder, user__username="officer")
    assert taking_part.filter(officer=demo_officer).count() >= 10


def test_concerns_come_from_meetings_and_some_became_projects(events):
    concerns = Concern.objects.filter(event__in=events).select_related("event__kind")
    assert concerns.count() >= 150
    assert {c.event.kind.slug for c in concerns} <= set(seeding.MEETING_KINDS)
    assert all(c.neighbourhood_id == c.event.neighbourhood_id and c.recorded_at >= c.event.ends_at for c in concerns)
    assert concerns.filter(problem__isnull=False).count() >= 20


def test_projects_are_in_every_sara_stage_and_some_are_closed_either_way(port_alder):
    problems = Problem.objects.filter(agency=port_alder)
    open_stages = set(problems.filter(status=ProblemStatus.OPEN).values_list("stage", flat=True))
    assert open_stages == set(Stage.values)
    statuses = Counter(problems.values_list("status", flat=True))
    assert statuses[ProblemStatus.RESOLVED] >= 2 and statuses[ProblemStatus.CLOSED_UNRESOLVED] >= 1
    for problem in problems.exclude(status=ProblemStatus.OPEN):
        assert problem.stage == Stage.ASSESSMENT and problem.closed_at > problem.opened_at
        assert problem.outcome["en"] and problem.outcome["es"]
    for problem in problems.filter(status=ProblemStatus.RESOLVED):
        assert services.progress(problem) == 100
    for problem in problems.filter(status=ProblemStatus.CLOSED_UNRESOLVED):
        assert services.progress(problem) < 100
    assert {services.progress(problem) for problem in problems.filter(stage=Stage.SCANNING)} == {0}
    assert problems.filter(is_public=False).count() == 1
    for problem in problems:
        assert problem.title["en"] and problem.title["es"] and problem.milestones.count() >= 3


def test_project_updates_are_public_in_both_languages_or_kept_internal(port_alder):
    updates = ProblemUpdate.objects.filter(problem__agency=port_alder).select_related("problem")
    public, internal = updates.filter(is_public=True), updates.filter(is_public=False)
    assert public.count() >= 60 and internal.count() >= 3
    assert all(update.text["en"] and update.text["es"] for update in public)
    assert all(update.written_at <= timezone.now() and update.written_at >= update.problem.opened_at
               for update in updates)
    assert public.filter(stage=Stage.RESPONSE, text__es__startswith="La respuesta ha comenzado").exists()


def test_the_latest_events_asked_for_feedback_without_sending_email(port_alder, events):
    asked = events.exclude(feedback_survey_slug="")
    assert asked.count() == 2
    for event in asked:
        survey = Survey.objects.get(agency=port_alder, slug=event.feedback_survey_slug)
        assert survey.status == SurveyStatus.OPEN and survey.questions.count() == 2
        assert event.rsvps.filter(feedback_requested_at__isnull=False).exists()
        assert not event.rsvps.filter(feedback_requested_at__isnull=False, attendance__isnull=True).exists()


def test_the_small_agency_holds_far_fewer_events(demo, db):
    lakeside = Agency.objects.get(slug="lakeside-county")
    port_alder = Agency.objects.get(slug="port-alder")
    small, main = Event.objects.filter(agency=lakeside).count(), Event.objects.filter(agency=port_alder).count()
    assert 15 <= small <= main / 5
    assert Problem.objects.filter(agency=lakeside).count() == 3
    assert not Rsvp.objects.filter(agency=lakeside).exclude(event__agency=lakeside).exists()
