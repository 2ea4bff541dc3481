"""Body-worn camera objects in the Beta agency, and every route of this area with arguments, for the cross-agency
isolation test (tests/core/test_isolation.py). No tests here."""

from datetime import datetime, time, timedelta

from commonbeat.core.models import Officer
from commonbeat.transparency.models import BodyCamRecording, FootageRequest
from commonbeat.transparency.services import bodycams


def beta_bodycams(other_agency, other_admin) -> None:
    """One of each body-worn camera object in Beta, made through the services, with "Beta" in every text."""
    bodycams.save_program(other_admin, other_agency, about={"en": "Beta cameras", "es": "Beta cámaras"},
                          policy_url="https://beta.test/Beta-policy")
    bodycams.set_retention_rules(other_admin, other_agency, {"arrest": 731})
    day = other_agency.today() - timedelta(days=3)
    recording = bodycams.register_recording(other_admin, other_agency, bodycams.RecordingDetails(
        officer=Officer.objects.filter(agency=other_agency).first(),
        started_at=datetime.combine(day, time(10), tzinfo=other_agency.zone), duration_seconds=90,
        category="arrest", sha256="be7a" * 16, evidence_location="Beta evidence locker", case_number="Beta-1"))
    bodycams.place_legal_hold(other_admin, recording, "Beta hold reason")
    request = bodycams.submit_footage_request(other_agency, bodycams.RequestSubmission(
        name="Beta Requester", email="beta.requester@example.org", incident_date=day, place="Beta place",
        reason="Beta reason for the footage", language="en"), idempotency_key="beta-footage-request").request
    bodycams.link_recordings(other_admin, request, [recording])
    bodycams.send_message(other_admin, request, "Beta message to the requester")
    bodycams.extend_deadline(other_admin, request, "Beta extension reason")


def bodycams_routes(beta_agency) -> dict:
    recording = BodyCamRecording.objects.filter(agency=beta_agency).order_by("id").first()
    request = FootageRequest.objects.filter(agency=beta_agency).order_by("id").first()
    recordings = "console/body-worn-cameras/recordings/"
    requests = "console/body-worn-cameras/requests/"
    return {
        f"{recordings}<int:pk>/": f"/{recordings}{recording.pk}/",
        f"{recordings}<int:pk>/edit/": f"/{recordings}{recording.pk}/edit/",
        f"{recordings}<int:pk>/hold/": f"/{recordings}{recording.pk}/hold/",
        f"{recordings}<int:pk>/deleted/": f"/{recordings}{recording.pk}/deleted/",
        f"{requests}<int:pk>/": f"/{requests}{request.pk}/",
        f"{requests}<int:pk>/status/": f"/{requests}{request.pk}/status/",
        f"{requests}<int:pk>/deny/": f"/{requests}{request.pk}/deny/",
        f"{requests}<int:pk>/extend/": f"/{requests}{request.pk}/extend/",
        f"{requests}<int:pk>/recordings/": f"/{requests}{request.pk}/recordings/",
        f"{requests}<int:pk>/messages/": f"/{requests}{request.pk}/messages/",
    }
