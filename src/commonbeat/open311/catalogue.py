"""The two Open311 services the agency offers: a complaint and a commendation, and their extra fields."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonbeat.feedback.models import Kind

# When the services or their definitions last changed; discovery reports it as the changeset, so
# clients know when to refresh what they cache. Update it with any change to this module.
CHANGESET = datetime(2025, 1, 1, tzinfo=UTC)

GROUP = gettext_lazy("Police feedback")


@dataclass(frozen=True)
class ServiceType:
    code: str
    kind: str
    name: object
    description: object
    keywords: str

    def as_service(self) -> dict:
        return {"service_code": self.code, "service_name": str(self.name), "description": str(self.description),
                "metadata": True, "type": "realtime", "keywords": self.keywords, "group": str(GROUP)}

    def definition(self) -> dict:
        """The service definition: the attributes a client may send as attribute[code]."""
        officers = (_("The officers involved: names, badge numbers, or what they looked like.")
                    if self.kind == Kind.COMPLAINT else
                    _("The officers you want to commend: names, badge numbers, or what they looked like."))
        attributes = [
            _attribute("officers_described", "string", officers, 1),
            _attribute("occurred_on", "datetime", _("When it happened."), 2,
                       _("ISO 8601, e.g. 2024-05-01T14:30:00-05:00, or only the date: 2024-05-01.")),
            _attribute("name", "string", _("Your name (optional: you can stay anonymous)."), 3),
            _attribute("phone", "string", _("A phone number we can reach you on (optional)."), 4),
            _attribute("consent", "singlevaluelist", _("May we contact you about this report?"), 5,
                       values=[{"key": "yes", "name": _("Yes")}, {"key": "no", "name": _("No")}]),
        ]
        return {"service_code": self.code, "attributes": attributes}


def _attribute(code: str, datatype: str, description: str, order: int, datatype_description: str = "",
               values: list | None = None) -> dict:
    attribute = {"variable": True, "code": code, "datatype": datatype, "required": False,
                 "datatype_description": datatype_description or None, "order": order,
                 "description": description}
    if values is not None:
        attribute["values"] = values
    return attribute


SERVICES = [
    ServiceType(Kind.COMPLAINT.value, Kind.COMPLAINT.value, gettext_lazy("Complaint about a police officer"),
                gettext_lazy("Tell the department about conduct by a police officer that concerned you. "
                             "Anonymous reports are accepted."),
                "police,complaint,misconduct,officer,conduct"),
    ServiceType(Kind.COMMENDATION.value, Kind.COMMENDATION.value, gettext_lazy("Commendation of a police officer"),
                gettext_lazy("Thank a police officer for their work; the officer and their supervisor are told."),
                "police,commendation,compliment,thanks,officer"),
]
BY_CODE = {service.code: service for service in SERVICES}
