"""The versioned JSON API at /api/v1/. Each app adds its router here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, ValidationError

from commonbeat.accounts.roles import Action, Role, can, roles_of
from commonbeat.core import geo
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.core.tenancy import scoped
from commonbeat.crisis import api as crisis_api
from commonbeat.feedback.api import router as feedback_router
from commonbeat.partners import api as partners_api

from .auth import TokenAuth

api = NinjaAPI(
    title="CommonBeat API",
    version="1",
    description="Public information and staff tools of one agency. The agency is chosen by the host name; "
    "staff endpoints take a bearer token issued in the staff console (API tokens).",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


@api.exception_handler(ValidationError)
def validation_failed(request, error: ValidationError):
    errors = []
    sources = ("body", "query", "path", "header", "payload")
    for item in error.errors:
        location = [str(part) for part in item.get("loc", []) if part not in sources]
        errors.append({"field": ".".join(location) or "request", "message": item.get("msg", "")})
    return api.create_response(request, {"detail": _("Some fields need fixing."), "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, error):
    return api.create_response(request, {"detail": _("A valid API token for this agency is required.")},
                               status=401)


@api.exception_handler(PermissionDenied)
def forbidden(request, error):
    return api.create_response(request, {"detail": _("Your role does not allow this.")}, status=403)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


class NeighbourhoodOut(Schema):
    slug: str
    name: str
    population: int


class MeOut(Schema):
    username: str
    agency: str
    roles: list[str]


class OfficerOut(Schema):
    badge_number: str
    first_name: str
    last_name: str
    rank: str
    unit: str | None


public = Router(tags=["public"])
staff = Router(tags=["staff"], auth=TokenAuth())


@public.get("/neighbourhoods", response=list[NeighbourhoodOut])
def list_neighbourhoods(request):
    """The agency's neighbourhoods (boundaries are at /neighbourhoods.geojson)."""
    return scoped(Neighbourhood, request.agency).order_by("name")


@public.get("/neighbourhoods/locate", response={200: NeighbourhoodOut, 404: ErrorOut})
def locate_neighbourhood(request, longitude: float, latitude: float):
    """The neighbourhood containing a point (WGS 84)."""
    found = geo.neighbourhood_at(request.agency, longitude, latitude)
    if found is None:
        return Status(404, {"detail": _("That point is outside the agency's neighbourhoods.")})
    return found


@staff.get("/me", response=MeOut)
def me(request):
    """Who the token acts as, in which agency, with which roles."""
    roles = sorted(roles_of(request.user, request.agency))
    return {"username": request.user.get_username(), "agency": request.agency.slug,
            "roles": [Role(role).value for role in roles]}


@staff.get("/officers", response=list[OfficerOut])
def list_officers(request, unit: str | None = None):
    """The officer roster (roles that may see it only)."""
    if not can(request.user, request.agency, Action.VIEW_OFFICERS):
        raise PermissionDenied
    officers = scoped(Officer, request.agency).select_related("unit").order_by("last_name", "first_name")
    if unit:
        officers = officers.filter(unit__code=unit)
    return [
        {"badge_number": o.badge_number, "first_name": o.first_name, "last_name": o.last_name,
         "rank": o.rank, "unit": o.unit.code if o.unit else None}
        for o in officers
    ]


api.add_router("/", public)
api.add_router("/", staff)
api.add_router("/", feedback_router)
api.add_router("/", partners_api.public)
api.add_router("/", partners_api.staff)
api.add_router("/", crisis_api.public)
api.add_router("/", crisis_api.staff)
