"""Residents' texts from the four sources, for the text analysis, theme and quote tests."""

from datetime import datetime, timedelta

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.engagement.models import Concern
from commonbeat.feedback import services as feedback
from commonbeat.feedback.models import Report
from commonbeat.transparency.services import policies as transparency

from .helpers import Person, answered, index_survey

SPEEDING = [
    "Speeding cars on our street", "Cars speeding near the school every morning", "Reckless drivers speeding",
    "Drivers speed through the school zone", "speeding traffic is dangerous for kids", "Too much speeding at night",
]
BREAK_INS = [
    "Car break-ins at night", "Someone broke into my car again", "Package theft and break-ins",
    "Home burglaries on our block", "break-ins in the parking lot", "Thieves breaking into cars",
]
LIGHTING = [
    "Broken street lights on dark blocks", "Better street lighting please", "The streetlights are out all week",
    "Dark streets without lighting at night", "lighting in the park is broken", "Street lamps do not work",
]


def north(agency) -> Neighbourhood:
    return Neighbourhood.objects.get(agency=agency, slug=f"{agency.slug}-north-end")


def south(agency) -> Neighbourhood:
    return Neighbourhood.objects.get(agency=agency, slug=f"{agency.slug}-south-end")


def survey_for(agency, cast):
    return index_survey(agency, cast)


def top_issues(survey, neighbourhood, when: datetime, texts: list[str]) -> None:
    answered(survey, neighbourhood, when, [Person(top_issue=text) for text in texts])


def concern(agency, text: str, neighbourhood, when: datetime) -> Concern:
    return Concern.objects.create(agency=agency, text=text, neighbourhood=neighbourhood, recorded_at=when)


def report(agency, narrative: str, neighbourhood, when: datetime) -> Report:
    filed = feedback.file_report(agency, feedback.Submission(kind="complaint", narrative=narrative),
                                 channel="web")
    Report.objects.filter(pk=filed.report.pk).update(neighbourhood=neighbourhood, received_at=when)
    return Report.objects.get(pk=filed.report.pk)


def policy_comment(agency, cast, text: str, neighbourhood=None, number: str = "GO-1"):
    admin = cast[Role.AGENCY_ADMIN]
    today = agency.today()
    policy = transparency.create_policy(admin, agency, number=number, title={"en": "Use of force"},
                                        category="use_of_force")
    draft = transparency.add_draft(admin, policy, summary={"en": "Summary"}, body={"en": "Text."})
    draft = transparency.open_for_comment(admin, draft, opens_on=today, closes_on=today + timedelta(days=10))
    return transparency.submit_comment(agency, draft, text=text, neighbourhood=neighbourhood).comment
