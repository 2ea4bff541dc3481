"""Shared set-up for recognition tests: images with metadata, award programs, commendations."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.feedback import services as feedback_services
from commonbeat.feedback.models import Classification
from commonbeat.recognition.models import AwardProgram, NomineeKind

from ..feedback.factories import file


def jpeg_with_exif(name="photo.jpg") -> SimpleUploadedFile:
    """A small JPEG carrying camera and description metadata, as phones write it."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SpyCamMaker"  # Make
    exif[0x010E] = "Taken at 418 Harbor Street"  # ImageDescription
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_program(agency, slug="officer-of-the-year", kind=NomineeKind.OFFICER, *, open_now=True, panel=()):
    today = agency.today()
    opens = today - timedelta(days=10) if open_now else today - timedelta(days=60)
    closes = today + timedelta(days=10) if open_now else today - timedelta(days=30)
    program = AwardProgram.objects.create(
        agency=agency, slug=slug, nominee_kind=kind,
        name={"en": f"{slug.replace('-', ' ').title()}", "es": f"Premio {slug}"},
        criteria={"en": "Builds trust.", "es": "Genera confianza."}, opens_on=opens, closes_on=closes)
    program.panel.set(panel)
    return program


def officer_of(agency) -> Officer:
    return Officer.objects.filter(agency=agency).order_by("id").first()


def commendation(agency, cast, officer=None, *, put_forward=True):
    """A resident's commendation, verified and (by default) put forward for recognition."""
    officer = officer or officer_of(agency)
    report = file(agency, kind="commendation", narrative="Officer Pat helped my mother home.").report
    feedback_services.triage(cast[Role.INVESTIGATOR], report, Classification.COMMENDATION, [])
    return feedback_services.verify_commendation(cast[Role.INVESTIGATOR], report, [officer], note="Verified.",
                                                 put_forward_for_recognition=put_forward)
