"""Shared set-up for the training tests: the standard courses, and officers to make requirements about."""

from datetime import date
from decimal import Decimal

import pytest

from commonbeat.core.models import Officer, Unit
from commonbeat.training import services
from commonbeat.training.models import AppliesTo, Requirement


def make_officer(agency, badge: str, *, unit=None, assignment: str = "", active_from=date(2015, 1, 1),
                 last_name: str | None = None, **fields) -> Officer:
    return Officer.objects.create(agency=agency, badge_number=badge, first_name="Sam", last_name=last_name or
                                  f"Officer{badge}", rank="Officer", unit=unit, assignment=assignment,
                                  active_from=active_from, **fields)


@pytest.fixture
def courses(agency):
    return {course.code: course for course in services.standard_courses(agency)}


@pytest.fixture
def patrol(agency):
    return Unit.objects.get(agency=agency, code="PAT")


@pytest.fixture
def crisis_unit(agency):
    return Unit.objects.create(agency=agency, code="CIT", name="Crisis Intervention")


@pytest.fixture
def de_escalation(agency, courses):
    """8 hours of de-escalation every 12 months for every officer."""
    return Requirement.objects.create(agency=agency, course=courses["DEESC-8"], hours_required=Decimal(8),
                                      every_months=12, applies_to=AppliesTo.ALL, grace_days=90)


@pytest.fixture
def crisis_training(agency, courses):
    """The 40-hour crisis intervention course, once, for officers with the assignment "crisis"."""
    return Requirement.objects.create(agency=agency, course=courses["CIT-40"], hours_required=Decimal(40),
                                      every_months=None, applies_to=AppliesTo.ASSIGNMENT, assignment="crisis",
                                      grace_days=180)
