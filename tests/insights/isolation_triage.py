"""A Beta triage suggestion, for tests/core/test_isolation.py: Alpha's admin must never reach it."""

from django.utils import timezone

from commonbeat.feedback.models import Kind, Report
from commonbeat.insights.models import TriageSuggestion


def beta_triage(other_agency) -> None:
    """A possible duplicate on Beta's complaint (built by beta_complaint), pointing at a Beta commendation."""
    complaint = Report.objects.get(agency=other_agency, kind=Kind.COMPLAINT)
    similar = Report.objects.filter(agency=other_agency).exclude(pk=complaint.pk).first() or complaint
    TriageSuggestion.objects.create(agency=other_agency, report=complaint, kind=TriageSuggestion.Kind.DUPLICATE,
                                    similar_report=similar, confidence=0.9, model_version="beta",
                                    created_at=timezone.now())


def triage_routes(beta_agency) -> dict:
    suggestion = TriageSuggestion.objects.filter(agency=beta_agency).first()
    return {
        "console/reports/<int:report_id>/suggestions/<int:suggestion_id>/<slug:decision>/":
            f"/console/reports/{suggestion.report_id}/suggestions/{suggestion.id}/accept/",
    }
