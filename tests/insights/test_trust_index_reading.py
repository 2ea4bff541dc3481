"""Reading the responses for the trust index: one query read in chunks into numpy columns, the month taken in the
agency's time zone, the weighting answers kept as small codes."""

import math
import zoneinfo

import numpy as np
import pytest

from commonbeat.core.models import Neighbourhood
from commonbeat.insights import trust_index
from commonbeat.insights.models import Measure

from .helpers import TODAY, Person, answered, at, index_survey, with_census


@pytest.fixture
def survey(agency, cast):
    return index_survey(agency, cast)


@pytest.fixture
def north(agency):
    return with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-north-end"))


def read(agency):
    periods = trust_index.Periods.ending_before(TODAY)
    return trust_index.read_responses(agency, periods, zoneinfo.ZoneInfo(agency.timezone))


def test_responses_are_read_as_columns_with_the_month_in_the_agencys_time_zone(agency, survey, north):
    answered(survey, north, at(2026, 9, 30, hour=21), [Person(age_band="18-29", respect=4, listen=None, safety=6)])
    answered(survey, north, at(2024, 11, 1, hour=0), [Person(race_ethnicity="", respect=None, listen=None)])
    responses = read(agency)
    assert len(responses) == 2
    assert sorted(responses.month.tolist()) == [0, 22]  # 30 September 21:00 in Chicago is 1 October in UTC
    late = int(np.flatnonzero(responses.month == 22)[0])
    early = int(np.flatnonzero(responses.month == 0)[0])
    assert responses.column("age_band", late) == "18-29"
    assert responses.column("race_ethnicity", early) == ""
    assert responses.scores[Measure.TRUST][late] == 40
    assert math.isnan(responses.scores[Measure.TRUST][early])
    assert responses.scores[Measure.SAFETY][late] == 60
    assert responses.neighbourhood.tolist() == [north.id, north.id]


def test_reading_in_chunks_gives_the_same_columns_as_reading_at_once(agency, survey, north, monkeypatch):
    people = [Person(age_band=age, gender=gender, respect=r, listen=(r + 3) % 11 if r % 4 else None, safety=r % 11)
              for r, (age, gender) in enumerate([("18-29", "female"), ("65+", "male"), ("45-64", "")] * 7)]
    answered(survey, north, at(2026, 3), people)
    at_once = read(agency)
    monkeypatch.setattr(trust_index, "READ_CHUNK", 4)
    chunked = read(agency)
    for variable in ("age_band", "gender", "race_ethnicity"):
        assert sorted(chunked.column(variable).tolist()) == sorted(at_once.column(variable).tolist())
    for measure in (Measure.TRUST, Measure.SAFETY):
        assert np.array_equal(np.sort(chunked.scores[measure]), np.sort(at_once.scores[measure]), equal_nan=True)
    expected = sorted(trust_index.trust_score(p.respect, p.listen) for p in people)
    assert np.sort(chunked.scores[Measure.TRUST]).tolist() == pytest.approx(expected)
