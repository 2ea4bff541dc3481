"""The demo's youth programs: several kinds across neighbourhoods, a consent for every enrolled minor, mentors
from the Community Engagement unit (one with an expired check), matches, meetings and one outcome survey."""

import random
from datetime import date

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer, Unit
from commonbeat.core.seeding import SeedContext
from commonbeat.programs import seeding
from commonbeat.programs.models import (
    Enrolment,
    EnrolmentStatus,
    Match,
    Mentor,
    MentoringMeeting,
    OutcomeSurvey,
    Program,
    ProgramSession,
)

from ..factories import square


def test_the_demo_programs_are_varied_and_every_enrolled_minor_has_consent(agency, cast):
    for number in range(4):
        Neighbourhood.objects.create(agency=agency, slug=f"extra-{number}", name=f"Extra {number}",
                                     boundary=square(-89.0 + number * 0.01, 40.0))
    unit = Unit.objects.create(agency=agency, code="CE", name="Community Engagement")
    for number in range(4):
        Officer.objects.create(agency=agency, badge_number=f"9{number}", first_name="Mentor", last_name=f"M{number}",
                               rank="Officer", unit=unit, active_from=date(2020, 1, 1))
    context = SeedContext(agency=agency, rng=random.Random(7))
    seeding.seed(context)

    programs = Program.objects.filter(agency=agency)
    assert programs.count() == 6
    assert len(set(programs.values_list("kind", flat=True))) == 6
    assert programs.exclude(neighbourhood=None).values("neighbourhood").order_by().distinct().count() >= 3
    assert ProgramSession.objects.filter(agency=agency).count() > 30
    enrolled_minors = Enrolment.objects.filter(agency=agency, status=EnrolmentStatus.ENROLLED, is_minor=True)
    assert enrolled_minors.exists()
    assert not enrolled_minors.filter(consent=None).exists()
    mentors = list(Mentor.objects.filter(agency=agency))
    assert all(mentor.officer.unit == unit for mentor in mentors)
    assert sum(not mentor.check_is_current(context.today) for mentor in mentors) == 1
    assert Match.objects.filter(agency=agency).exists() and MentoringMeeting.objects.filter(agency=agency).exists()
    assert OutcomeSurvey.objects.filter(agency=agency).count() == 1
    assert cast[Role.ENGAGEMENT_STAFF]
    assert "youth programs" in context.log[-1]
