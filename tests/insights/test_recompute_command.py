"""Recomputing on a schedule: the management command and the background task; nothing runs per response."""

import io

import pytest
from django.core.management import CommandError, call_command

from commonbeat.insights.models import RecomputeRun, TrustEstimate
from commonbeat.insights.tasks import recompute_trust_index
from commonbeat.surveys import services as surveys

from .helpers import index_survey


def test_the_command_recomputes_every_agency(agency, other_agency):
    output = io.StringIO()
    call_command("recompute_trust_index", stdout=output)
    assert RecomputeRun.objects.filter(agency=agency).count() == 1
    assert RecomputeRun.objects.filter(agency=other_agency).count() == 1
    assert "alpha: 228 estimates" in output.getvalue() and "beta: 228 estimates" in output.getvalue()


def test_the_command_can_recompute_one_agency(agency, other_agency):
    call_command("recompute_trust_index", "--agency", "beta", stdout=io.StringIO())
    assert not RecomputeRun.objects.filter(agency=agency).exists()
    assert RecomputeRun.objects.filter(agency=other_agency).exists()


def test_the_command_names_an_unknown_agency(db):
    with pytest.raises(CommandError, match="no agency nowhere"):
        call_command("recompute_trust_index", "--agency", "nowhere")


def test_the_background_task_recomputes(agency, other_agency):
    result = recompute_trust_index.enqueue(agency.id)
    assert result.return_value == 228
    assert RecomputeRun.objects.filter(agency=agency).count() == 1
    assert not RecomputeRun.objects.filter(agency=other_agency).exists()


def test_a_new_response_does_not_recompute(agency, cast):
    survey = index_survey(agency, cast)
    surveys.open_survey(cast["agency_admin"], survey)
    slug = agency.neighbourhood_set.order_by("id").first().slug
    surveys.submit_response(agency, survey, {"neighbourhood": slug, "safety": "7", "respect": "6", "listen": "8"})
    assert not RecomputeRun.objects.exists() and not TrustEstimate.objects.exists()
