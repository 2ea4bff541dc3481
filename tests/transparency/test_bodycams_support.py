"""Shared set-up for the body-worn camera tests (no tests here): recordings, complaints and footage requests."""

from datetime import date, datetime, time, timedelta

from commonbeat.core.models import Officer
from commonbeat.feedback.models import Kind, Report, Status
from commonbeat.transparency.models import BodyCamRecording, FootageRequest, RecordingCategory
from commonbeat.transparency.services import bodycams

SHA = "ab" * 32


def sha(number: int) -> str:
    return f"{number:064x}"


def recording(agency, *, days_ago: int = 10, category=RecordingCategory.CALL_FOR_SERVICE, number: int = 1,
              **fields) -> BodyCamRecording:
    """A recording straight in the database, `days_ago` days before the agency's today."""
    day = agency.today() - timedelta(days=days_ago)
    return BodyCamRecording.objects.create(
        agency=agency, officer=Officer.objects.filter(agency=agency).first(),
        started_at=datetime.combine(day, time(14, 30), tzinfo=agency.zone), duration_seconds=300,
        category=category, sha256=sha(number), evidence_location=f"EVD-{number}", **fields)


def report(agency, status=Status.INVESTIGATING, reference="C-2026-00001") -> Report:
    now = datetime.now().astimezone()
    return Report.objects.create(agency=agency, reference=reference, kind=Kind.COMPLAINT, status=status,
                                 tracking_code_hash=f"{reference}-{agency.pk}".ljust(64, "0"),
                                 narrative="Something happened at the corner.", received_at=now,
                                 acknowledgement_due_at=now)


def submission(**changes) -> bodycams.RequestSubmission:
    base = {"name": "Rosalind Quill", "email": "rosalind.quill@example.org", "incident_date": date(2026, 1, 5),
            "place": "400 block of Harbor Avenue", "reason": "I was stopped and want to see the stop.",
            "language": "es"}
    return bodycams.RequestSubmission(**{**base, **changes})


def footage_request(agency, **changes) -> FootageRequest:
    return bodycams.submit_footage_request(agency, submission(**changes)).request
