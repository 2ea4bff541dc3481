"""Beta's recognition records, made through the services, and every recognition route with arguments pointing at
them, for tests/core/test_isolation.py (Alpha's admin must never see "Beta")."""

from django.contrib.auth.models import AnonymousUser

from commonbeat.core.models import Officer
from commonbeat.core.tenancy import scoped
from commonbeat.feedback import services as feedback_services
from commonbeat.feedback.models import Classification
from commonbeat.recognition import services
from commonbeat.recognition.models import AwardProgram, Nomination, NomineeKind, Story, StorySource

from ..feedback.factories import file
from .helpers import jpeg_with_exif


def beta_recognition(other_agency, other_admin) -> None:
    officer = scoped(Officer, other_agency).order_by("id").first()
    services.write_story(other_admin, other_agency, title={"en": "Beta story", "es": "Beta historia"},
                         body={"en": "Beta text.", "es": "Beta texto."}, photo=jpeg_with_exif(), photo_consent=True,
                         photo_description={"en": "Beta photo"}, officer=officer)
    services.share_story(AnonymousUser(), other_agency, services.StorySubmission(
        title="Beta shared story", text="Beta resident text.", name="Beta Resident", email="beta@example.org"),
        token="")
    report = file(other_agency, kind="commendation", narrative="Beta commendation.").report
    feedback_services.triage(other_admin, report, Classification.COMMENDATION, [])
    feedback_services.verify_commendation(other_admin, report, [officer], note="Beta verified.",
                                          put_forward_for_recognition=True)
    today = other_agency.today()
    program = services.create_program(other_admin, other_agency, slug="beta-award", name={"en": "Beta award",
                                      "es": "Beta premio"}, criteria={"en": "Beta criteria."},
                                      nominee_kind=NomineeKind.OFFICER, opens_on=today, closes_on=today)
    services.set_panel(other_admin, program, [other_admin])
    nomination = services.nominate(AnonymousUser(), program, reason="Beta reason.", nominator_name="Beta Nominator",
                                   nominator_contact="beta@example.org", token="", officer=officer)
    services.nominate_from_commendation(other_admin, program, report, officer)
    services.score(other_admin, nomination, 4)
    community = services.create_program(other_admin, other_agency, slug="beta-community",
                                        name={"en": "Beta community award"}, criteria={},
                                        nominee_kind=NomineeKind.COMMUNITY, opens_on=today, closes_on=today)
    winner = services.nominate_as_staff(other_admin, community, reason="Beta coach.", nominee_name="Beta Coach")
    services.announce(other_admin, winner, citation={"en": "Beta citation.", "es": "Beta cita."},
                      nominee_agreed=True)


def recognition_routes(beta_agency) -> dict:
    story = scoped(Story, beta_agency).get(source=StorySource.STAFF)
    shared = scoped(Story, beta_agency).get(source=StorySource.RESIDENT)
    program = scoped(AwardProgram, beta_agency).get(slug="beta-award")
    nomination = scoped(Nomination, beta_agency).filter(program=program, source="public").get()
    commendation = scoped(Nomination, beta_agency).get(source="commendation").commendation
    return {
        "stories/<slug:slug>/": f"/stories/{story.slug}/",
        "stories/<slug:slug>/photo.jpg": f"/stories/{story.slug}/photo.jpg",
        "awards/<slug:slug>/nominate/": f"/awards/{program.slug}/nominate/",
        "console/stories/<int:pk>/": f"/console/stories/{shared.pk}/",
        "console/stories/<int:pk>/publish/": f"/console/stories/{shared.pk}/publish/",
        "console/stories/<int:pk>/decline/": f"/console/stories/{shared.pk}/decline/",
        "console/stories/<int:pk>/photo.jpg": f"/console/stories/{story.pk}/photo.jpg",
        "console/stories/<int:pk>/photo/remove/": f"/console/stories/{story.pk}/photo/remove/",
        "console/awards/commendations/<int:pk>/nominate/":
            f"/console/awards/commendations/{commendation.pk}/nominate/",
        "console/awards/<int:pk>/": f"/console/awards/{program.pk}/",
        "console/awards/<int:pk>/edit/": f"/console/awards/{program.pk}/edit/",
        "console/awards/<int:pk>/panel/": f"/console/awards/{program.pk}/panel/",
        "console/awards/nominations/<int:pk>/": f"/console/awards/nominations/{nomination.pk}/",
        "console/awards/nominations/<int:pk>/score/": f"/console/awards/nominations/{nomination.pk}/score/",
        "console/awards/nominations/<int:pk>/announce/": f"/console/awards/nominations/{nomination.pk}/announce/",
    }
