"""Open311 GeoReport v2 at /open311/v2/, so existing 311 apps and clients can file and follow reports.

Every resource answers as .json or .xml. Filing (POST requests) needs an api_key: the secret of an API token
of this agency, looked up exactly as the JSON API's bearer tokens are. Reading is public, and so it is
de-identified:

- a request's description is only its kind and neighbourhood ("Complaint in Riverside"), never the
  resident's narrative, which can hold names, addresses and health details;
- the address is the neighbourhood's name, never the place the resident wrote; coordinates are rounded to
  three decimals (about a city block);
- the complainant's name, e-mail and phone never appear, and media_url is not offered.

Reports get their case number at once, so the `tokens` resource is not used (it answers 404). The tracking
code, which is the resident's only way back to the case, is given once in the POST answer's service_notice
(not stored anywhere, and never in any GET answer) so the client can show it to the resident.
"""

import math
from datetime import datetime, timedelta
from datetime import time as time_of_day
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from commonbeat.api.auth import TokenAuth
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language
from commonbeat.feedback import services as feedback
from commonbeat.feedback.models import Channel, Kind, Report, Status, StatusChange

from . import catalogue
from .rendering import error, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000
DEFAULT_SPAN = timedelta(days=90)
MAX_DESCRIPTION = 4000  # the specification's limit


class BadRequest(Exception):
    """A parameter the client must fix (answered as 400 with this description)."""


def _agency_name(agency) -> str:
    return agency.name_es if current_language() == "es" and agency.name_es else agency.name


def _jurisdiction_matches(request) -> bool:
    """jurisdiction_id is optional; when sent, it must name this agency (its short name or a host name)."""
    source = request.POST if request.method == "POST" else request.GET
    given = source.get("jurisdiction_id") or request.GET.get("jurisdiction_id")
    if not given:
        return True
    return given.strip().lower() in {request.agency.slug, *request.agency.host_names}


def _when(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def _moment(name: str, value: str, zone: ZoneInfo) -> datetime:
    """A W3C date-time (or a date, read as its start in the agency's time zone) from a parameter."""
    value = value.strip()
    if "T" in value and " " in value:  # a "+hh:mm" offset sent unencoded arrives as a space
        value = value.replace(" ", "+")
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            parsed = datetime.combine(day, time_of_day.min) if day else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadRequest(_("%(name)s must be a date and time in ISO 8601, e.g. 2024-05-01T14:30:00-05:00.")
                         % {"name": name})
    return timezone.make_aware(parsed, zone) if timezone.is_naive(parsed) else parsed


# ---------------------------------------------------------------- discovery and services

@require_GET
def discovery(request, fmt: str):
    changeset = _when(catalogue.CHANGESET, ZoneInfo("UTC"))
    return respond(fmt, "discovery", {
        "changeset": changeset,
        "contact": _("%(agency)s. Use the contact details on the agency's CommonBeat site.")
        % {"agency": _agency_name(request.agency)},
        "key_service": _("API keys (api_key) are API tokens issued by the agency's administrators in the staff "
                         "console."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0],
            "changeset": changeset,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


@require_GET
def services_list(request, fmt: str):
    if not _jurisdiction_matches(request):
        return error(fmt, 404, _("jurisdiction_id not found."))
    return respond(fmt, "services", [service.as_service() for service in catalogue.SERVICES])


@require_GET
def service_definition(request, service_code: str, fmt: str):
    service = catalogue.BY_CODE.get(service_code)
    if service is None or not _jurisdiction_matches(request):
        return error(fmt, 404, _("service_code %(code)s not found.") % {"code": service_code})
    return respond(fmt, "service_definition", service.definition())


@require_GET
def token(request, token: str, fmt: str):
    return error(fmt, 404, _("Requests are given their service_request_id at once; tokens are not used."))


def not_found(request, path: str):
    return error("xml" if path.endswith(".xml") else "json", 404, _("Not found."))


# ---------------------------------------------------------------- service requests

def _reports(agency):
    last_change = (StatusChange.objects.filter(report=OuterRef("pk")).order_by("-changed_at")
                   .values("changed_at")[:1])
    return (scoped(Report, agency).select_related("neighbourhood")
            .annotate(updated_at=Coalesce(Subquery(last_change), "received_at")))


def _block(coordinate: float | None) -> float | None:
    """Coordinates rounded to three decimals (about 100 m): the block, not the door."""
    return round(coordinate, 3) if coordinate is not None else None


def _as_request(report: Report, agency, zone: ZoneInfo) -> dict:
    """A report as an Open311 service request, de-identified (see the module's docstring)."""
    service = catalogue.BY_CODE[report.kind]
    closed = report.status == Status.CLOSED
    neighbourhood = report.neighbourhood.name if report.neighbourhood_id else None
    kind = str(Kind(report.kind).label)
    description = (_("%(kind)s in %(neighbourhood)s") % {"kind": kind, "neighbourhood": neighbourhood}
                   if neighbourhood else kind)
    return {
        "service_request_id": report.reference,
        "status": "closed" if closed else "open",
        # The outcome is written for the resident and may hold personal details: it is shown only on the
        # tracking page, never in public listings.
        "status_notes": str(_("Closed. The person who filed it can read the outcome on the tracking page."))
        if closed else None,
        "service_name": str(service.name),
        "service_code": service.code,
        "description": description,
        "agency_responsible": _agency_name(agency),
        "requested_datetime": _when(report.received_at, zone),
        "updated_datetime": _when(report.closed_at if closed and report.closed_at else report.updated_at, zone),
        "expected_datetime": _when(report.acknowledgement_due_at, zone),
        "address": neighbourhood,
        "lat": _block(report.latitude),
        "long": _block(report.longitude),
    }


def _codes(value: str, allowed, name: str) -> list[str]:
    codes = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise BadRequest(_("%(name)s must be one of: %(allowed)s.") % {"name": name, "allowed": ", ".join(allowed)})
    return codes


def _find_requests(request, fmt: str):
    """GET requests: by service_request_id (comma-separated; other filters then ignored, as the specification
    says), or by service_code, status and a date range (default: the last 90 days), newest first, at most 1000."""
    agency, zone = request.agency, ZoneInfo(request.agency.timezone)
    reports = _reports(agency)
    ids = request.GET.get("service_request_id", "").strip()
    if ids:
        references = [part.strip() for part in ids.split(",") if part.strip()][:MAX_REQUESTS]
        reports = reports.filter(reference__in=references)
    else:
        if codes := _codes(request.GET.get("service_code", ""), list(catalogue.BY_CODE), "service_code"):
            reports = reports.filter(kind__in=codes)
        statuses = _codes(request.GET.get("status", ""), ["open", "closed"], "status")
        if statuses == ["open"]:
            reports = reports.exclude(status=Status.CLOSED)
        elif statuses == ["closed"]:
            reports = reports.filter(status=Status.CLOSED)
        start = _moment("start_date", request.GET["start_date"], zone) if request.GET.get("start_date") else None
        end = _moment("end_date", request.GET["end_date"], zone) if request.GET.get("end_date") else None
        if start and end and end < start:
            raise BadRequest(_("end_date must not be before start_date."))
        if start is None:
            start = (end or timezone.now()) - DEFAULT_SPAN
        reports = reports.filter(received_at__gte=start)
        if end is not None:
            reports = reports.filter(received_at__lte=end)
    reports = reports.order_by("-received_at", "-id")[:MAX_REQUESTS]
    return respond(fmt, "service_requests", [_as_request(report, agency, zone) for report in reports])


def _attribute(request, code: str) -> str:
    return request.POST.get(f"attribute[{code}]", "").strip()


def _coordinate(request, name: str, limit: float) -> float | None:
    value = request.POST.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise BadRequest(_("%(name)s must be a number between -%(limit)s and %(limit)s.")
                         % {"name": name, "limit": int(limit)})
    return number


def _submission(request, service: catalogue.ServiceType) -> feedback.Submission:
    """What the client sent, as a feedback submission; BadRequest says what to fix."""
    zone = ZoneInfo(request.agency.timezone)
    latitude, longitude = _coordinate(request, "lat", 90), _coordinate(request, "long", 180)
    if (latitude is None) != (longitude is None):
        raise BadRequest(_("Send both lat and long, or neither."))
    address = request.POST.get("address_string", "").strip()
    if latitude is None and not address:
        raise BadRequest(_("A location is required: lat and long, or address_string."))
    if len(address) > 300:
        raise BadRequest(_("address_string must be at most 300 characters."))
    description = request.POST.get("description", "").strip()
    if not description:
        raise BadRequest(_("description is required: what happened."))
    if len(description) > MAX_DESCRIPTION:
        raise BadRequest(_("description must be at most %(limit)s characters.") % {"limit": MAX_DESCRIPTION})
    occurred_on, occurred_time = None, None
    if value := _attribute(request, "occurred_on"):
        moment = _moment("attribute[occurred_on]", value, zone).astimezone(zone)
        occurred_on = moment.date()
        occurred_time = moment.time().replace(microsecond=0) if "T" in value else None
        if occurred_on > timezone.now().astimezone(zone).date():
            raise BadRequest(_("attribute[occurred_on] cannot be in the future."))
    consent = _attribute(request, "consent").lower() or "no"
    if consent not in ("yes", "no"):
        raise BadRequest(_("attribute[consent] must be yes or no."))
    email = request.POST.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as invalid:
            raise BadRequest(_("email is not a valid e-mail address.")) from invalid
    name = _attribute(request, "name") or " ".join(
        part for part in (request.POST.get("first_name", "").strip(), request.POST.get("last_name", "").strip())
        if part)
    phone = _attribute(request, "phone") or request.POST.get("phone", "").strip()
    officers = _attribute(request, "officers_described")
    for label, value, limit in (("name", name, 200), ("phone", phone, 40), ("email", email, 254),
                                ("attribute[officers_described]", officers, 2000)):
        if len(value) > limit:
            raise BadRequest(_("%(name)s must be at most %(limit)s characters.") % {"name": label, "limit": limit})
    return feedback.Submission(
        kind=service.kind, narrative=description, occurred_on=occurred_on, occurred_time=occurred_time,
        location_text=address, latitude=latitude, longitude=longitude, officers_described=officers, name=name,
        email=email, phone=phone, consent_to_contact=consent == "yes", language=current_language())


def _tracking_page() -> str:
    try:
        return reverse("feedback:track")
    except NoReverseMatch:
        return ""


def _file_request(request, fmt: str):
    """POST requests: file a complaint or commendation through the agency's feedback service."""
    api_key = request.POST.get("api_key", "").strip()
    if not api_key or TokenAuth().authenticate(request, api_key) is None:
        return error(fmt, 403, _("api_key is missing or is not a valid key of this agency."))
    code = request.POST.get("service_code", "").strip()
    if not code:
        raise BadRequest(_("service_code is required."))
    service = catalogue.BY_CODE.get(code)
    if service is None:
        raise BadRequest(_("service_code %(code)s is not offered here.") % {"code": code})
    submission = _submission(request, service)
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key and len(key) > 100:
        raise BadRequest(_("The Idempotency-Key header must be at most 100 characters."))
    try:
        filed = feedback.file_report(request.agency, submission, channel=Channel.OPEN311, idempotency_key=key)
    except feedback.FeedbackError as refused:
        existing = key and scoped(Report, request.agency).filter(idempotency_key=key).first()
        if existing and existing.submission_fingerprint != submission.fingerprint():
            return error(fmt, 409, str(refused))
        raise BadRequest(str(refused)) from refused
    page = _tracking_page()
    notice = _("Received as case %(reference)s. The resident's tracking code is %(code)s: show it to them now. "
               "It is not stored and cannot be looked up later; with it, and only with it, they can follow the "
               "case and read the agency's replies%(where)s. We aim to acknowledge reports within %(days)s days.") % {
        "reference": filed.report.reference, "code": filed.tracking_code,
        "where": (_(" at %(url)s") % {"url": request.build_absolute_uri(page)}) if page else "",
        "days": request.agency.acknowledgement_target_days}
    response = respond(fmt, "service_requests", [
        {"service_request_id": filed.report.reference, "service_notice": notice, "account_id": None}])
    response["Cache-Control"] = "no-store"  # it carries the tracking code
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def service_requests(request, fmt: str):
    if not _jurisdiction_matches(request):
        return error(fmt, 404, _("jurisdiction_id not found."))
    try:
        return _file_request(request, fmt) if request.method == "POST" else _find_requests(request, fmt)
    except BadRequest as problem:
        return error(fmt, 400, str(problem))


@require_GET
def service_request(request, service_request_id: str, fmt: str):
    report = _reports(request.agency).filter(reference=service_request_id).first()
    if report is None or not _jurisdiction_matches(request):
        return error(fmt, 404, _("service_request_id %(id)s not found.") % {"id": service_request_id})
    zone = ZoneInfo(request.agency.timezone)
    return respond(fmt, "service_requests", [_as_request(report, request.agency, zone)])
