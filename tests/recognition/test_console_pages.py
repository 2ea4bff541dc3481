"""Every console page renders for an admin with records present, and the public pages render in Spanish."""

import pytest
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.recognition import services
from commonbeat.recognition.models import NomineeKind

from .helpers import commendation, jpeg_with_exif, make_program, officer_of


@pytest.fixture
def records(agency, cast):
    staff = cast[Role.ENGAGEMENT_STAFF]
    story = services.write_story(staff, agency, title={"en": "Park day", "es": "Día de parque"},
                                 body={"en": "A day.", "es": "Un día."}, photo=jpeg_with_exif(), photo_consent=True)
    program = make_program(agency, panel=[cast[Role.AGENCY_ADMIN]])
    community = make_program(agency, "community-champion", NomineeKind.COMMUNITY)
    nomination = services.nominate_as_staff(staff, program, reason="Kind.", officer=officer_of(agency))
    commendation(agency, cast)
    return {"story": story, "program": program, "community": community, "nomination": nomination}


def test_console_pages_render_for_an_admin(admin_client, records):
    story, program, nomination = records["story"], records["program"], records["nomination"]
    pages = {
        reverse("recognition:staff_stories"): "Stories",
        reverse("recognition:staff_stories") + "?status=published": "Park day",
        reverse("recognition:staff_story_new"): "Write a story",
        reverse("recognition:staff_story", args=[story.pk]): "Public text",
        reverse("recognition:staff_programs"): "Officer Of The Year",
        reverse("recognition:staff_program_new"): "Create an award",
        reverse("recognition:staff_program", args=[program.pk]): "Review panel",
        reverse("recognition:staff_program_edit", args=[program.pk]): "Save the award",
        reverse("recognition:staff_panel"): "Not scored yet",
        reverse("recognition:staff_nominate"): "Commendations put forward",
        reverse("recognition:staff_nominate") + f"?program={records['community'].pk}": "Name of the person",
        reverse("recognition:staff_nomination", args=[nomination.pk]): "Announce as a winner",
    }
    for url, text in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    photo = admin_client.get(reverse("recognition:staff_story_photo", args=[story.pk]))
    assert photo.status_code == 200 and "no-store" in photo["Cache-Control"]


def test_public_pages_render_in_spanish(client, records):
    story, program = records["story"], records["program"]
    pages = {
        "/es" + reverse("recognition:stories"): "Día de parque",
        "/es" + reverse("recognition:story", args=[story.slug]): "Día de parque",
        "/es" + reverse("recognition:share_story"): 'lang="es"',
        "/es" + reverse("recognition:awards"): "Premio officer-of-the-year",
        "/es" + reverse("recognition:nominate", args=[program.slug]): "Genera confianza.",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
