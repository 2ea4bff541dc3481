"""Survey answers for the trust index tests: written in bulk, as the demo does, with the index fields on the
response and an Answer for the number-one issue when one is given."""

import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.surveys import services as surveys
from commonbeat.surveys.models import Answer, Response, Survey

CHICAGO = ZoneInfo("America/Chicago")
TODAY = date(2026, 11, 25)  # months: November 2024 to October 2026; current period: August to October 2026
CURRENT_MONTH = (2026, 9)
CENSUS = {
    "age_band": {"18-29": 300, "30-44": 300, "45-64": 250, "65+": 150},
    "gender": {"female": 520, "male": 480},
    "race_ethnicity": {"hispanic": 300, "white": 400, "black": 200, "asian": 100},
}


def at(year: int, month: int, day: int = 15, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CHICAGO)


def index_survey(agency, cast) -> Survey:
    survey = surveys.create_survey(cast[Role.AGENCY_ADMIN], agency, slug="trust", title={"en": "Trust survey"})
    return survey


def with_census(neighbourhood: Neighbourhood, census: dict | None = None, scale: int = 1) -> Neighbourhood:
    census = census or CENSUS
    neighbourhood.census = {variable: {category: count * scale for category, count in table.items()}
                            for variable, table in census.items()}
    neighbourhood.save(update_fields=["census"])
    return neighbourhood


@dataclass
class Person:
    age_band: str = "30-44"
    gender: str = "female"
    race_ethnicity: str = "white"
    safety: float | None = 7
    respect: float | None = 6
    listen: float | None = 8
    top_issue: str = ""
    eligible: bool = True

    def as_respondent(self) -> dict:
        return {"age_band": self.age_band, "gender": self.gender, "race_ethnicity": self.race_ethnicity}


def answered(survey: Survey, neighbourhood: Neighbourhood | None, when: datetime,
             people: list[Person]) -> list[Response]:
    """Store these people's responses, submitted at `when`."""
    responses = Response.objects.bulk_create([Response(
        agency=survey.agency, survey=survey, submitted_at=when, neighbourhood=neighbourhood,
        eligible=person.eligible, ineligible_reason="" if person.eligible else "outside_city",
        age_band=person.age_band, gender=person.gender, race_ethnicity=person.race_ethnicity,
        safety=person.safety, respect=person.respect, listen=person.listen) for person in people])
    question = survey.questions.get(code="top_issue")
    Answer.objects.bulk_create([Answer(response=response, question=question, text=person.top_issue)
                                for response, person in zip(responses, people, strict=True) if person.top_issue])
    return responses


def mixed_people(count: int, seed: int = 1, *, trust_by_age: dict | None = None,
                 bias: dict | None = None) -> list[Person]:
    """`count` people across every census group, answering differently by age; `bias` makes some ages
    answer more often (relative weights), so weighting has work to do."""
    rng = random.Random(seed)
    trust_by_age = trust_by_age or {"18-29": 3, "30-44": 5, "45-64": 7, "65+": 8}
    ages = list(CENSUS["age_band"])
    age_weights = [CENSUS["age_band"][a] * (bias or {}).get(a, 1) for a in ages]
    people = []
    genders = itertools.cycle(["female", "male"])
    for _ in range(count):
        age = rng.choices(ages, age_weights)[0]
        base = trust_by_age[age]
        people.append(Person(
            age_band=age, gender=next(genders),
            race_ethnicity=rng.choices(list(CENSUS["race_ethnicity"]), list(CENSUS["race_ethnicity"].values()))[0],
            safety=min(10, max(0, base + rng.randint(-2, 2))), respect=min(10, max(0, base + rng.randint(-2, 2))),
            listen=min(10, max(0, base + rng.randint(-2, 2)))))
    return people


def columns_of(people: list[Person], **extra) -> dict:
    """The people as respondent columns for `commonbeat.weighting`."""
    columns = {variable: [getattr(person, variable) for person in people]
               for variable in ("age_band", "gender", "race_ethnicity")}
    return columns | {key: list(values) for key, values in extra.items()}
