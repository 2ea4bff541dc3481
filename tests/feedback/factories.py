"""Reports at each stage of their life, made through the services as a resident and staff would."""

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.feedback import services
from commonbeat.feedback.models import AllegationCategory, Classification, FindingType, Kind


def submission(**overrides) -> services.Submission:
    values = {"kind": Kind.COMPLAINT, "narrative": "The officer shouted at me and pushed my brother.",
              "location_text": "5th and Main", "latitude": 40.005, "longitude": -89.995}
    return services.Submission(**(values | overrides))


def file(agency, **overrides) -> services.Filed:
    return services.file_report(agency, submission(**overrides), channel="web")


def category(agency, code="force") -> AllegationCategory:
    services.settings_for(agency)
    return AllegationCategory.objects.get(agency=agency, code=code)


def finding(agency, code="sustained") -> FindingType:
    services.settings_for(agency)
    return FindingType.objects.get(agency=agency, code=code)


def triaged(agency, cast, officer: Officer | None = None, **overrides):
    report = file(agency, **overrides).report
    officer = officer or Officer.objects.filter(agency=agency).first()
    return services.triage(cast[Role.INVESTIGATOR], report, Classification.FORMAL_COMPLAINT,
                           [services.AllegationInput(category(agency), officer, "pushed")])


def investigating(agency, cast, **overrides):
    investigator = cast[Role.INVESTIGATOR]
    report = services.assign(cast[Role.AGENCY_ADMIN], triaged(agency, cast, **overrides), investigator)
    return services.start_investigation(investigator, report)


def in_review(agency, cast, finding_code="sustained", **overrides):
    report = investigating(agency, cast, **overrides)
    investigator = cast[Role.INVESTIGATOR]
    for allegation in report.allegations.all():
        services.record_finding(investigator, allegation, finding(agency, finding_code), "Video shows it.")
    return services.submit_for_review(investigator, report)


def closed(agency, cast, **overrides):
    report = in_review(agency, cast, **overrides)
    return services.close(cast[Role.AGENCY_ADMIN], report, "The officer was disciplined and retrained.")
