from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action
from commonbeat.core.caching import public_page

from . import geo
from .models import AuditEvent, AuditSeal, Neighbourhood, Officer
from .tenancy import scoped


@public_page
def home(request):
    neighbourhoods = list(scoped(Neighbourhood, request.agency).order_by("name"))
    return render(request, "core/home.html", {
        "neighbourhoods": neighbourhoods,
        "map": geo.svg_paths(neighbourhoods),
        "total_population": sum(n.population for n in neighbourhoods),
        "tile_url": settings.COMMONBEAT_MAP_TILE_URL,
        "tile_attribution": settings.COMMONBEAT_MAP_TILE_ATTRIBUTION,
    })


# The public site's two sections: what residents can join, and what the department publishes about itself.
# Each entry: (title, description, URL name). The header links to the sections; the footer lists every page.
TAKE_PART = [
    (_("Community events"), _("Forums, town halls, workshops, block parties and coffee with officers: find one near "
                             "you and reply to save a place."), "engagement:events"),
    (_("Youth programs"), _("Sports leagues, mentoring, school partnerships, cadets and camps, with a parent's or "
                           "guardian's consent."), "programs:programs"),
    (_("Advisory boards"), _("Residents who advise the department: their meetings, members and how to apply for a "
                            "seat."), "boards:boards"),
    (_("Problem-solving projects"), _("What became of the concerns residents raised: each project's stage, "
                                      "milestones and outcome."), "engagement:problems"),
    (_("Community partners"), _("Nonprofits, schools, businesses, faith groups and service providers working with "
                                "the department, and the help each offers."), "partners:directory"),
    (_("Joint initiatives"), _("What the department and its partners are doing together: goals, measures and "
                               "milestones."), "partners:initiatives"),
    (_("Stories"), _("Good work by officers and residents, told by the department and by residents."),
     "recognition:stories"),
    (_("Awards"), _("Put an officer or a community member forward for an award, and see who won."),
     "recognition:awards"),
    (_("Report a concern or a thank-you"), _("Tell the department about an officer's conduct, good or bad, with or "
                                             "without your name."), "feedback:report"),
]
ACCOUNTABILITY = [
    (_("Trust dashboard"), _("How much residents trust the police and how safe they feel, neighbourhood by "
                             "neighbourhood, from weighted surveys."), "insights:dashboard"),
    (_("Monthly reports"), _("Each month's community report, on the web and as a PDF: trust, complaints, "
                             "engagement, patrols, training and crisis response."), "insights:monthly_reports"),
    (_("Policies"), _("The department's policies in every version, and the drafts open for your comment."),
     "transparency:policies"),
    (_("News and notices"), _("News, public meeting notices and safety alerts, also as Atom feeds."),
     "transparency:news"),
    (_("Body-worn cameras"), _("How the cameras are used, the recordings kept, and how to ask for footage."),
     "transparency:bodycams"),
    (_("Open data"), _("The department's data to download as CSV and JSON, each dataset with its data "
                       "dictionary."), "transparency:data_catalogue"),
    (_("Complaint statistics"), _("Complaints and commendations in figures: kinds, findings, outcomes and how long "
                                  "they take."), "feedback:complaint_statistics"),
    (_("Recommendations tracker"), _("Every recommendation of the advisory boards and the department's response, "
                                     "with overdue responses flagged."), "boards:tracker"),
    (_("Patrols and presence"), _("Foot and bike patrol hours and officers' time at community events, per "
                                  "neighbourhood, against the targets."), "patrols:visibility"),
    (_("Officer training"), _("The share of officers current on each required training, and the public "
                              "workshops held."), "training:public"),
    (_("Crisis response"), _("Calls involving a person in crisis, and how they ended with and without a "
                             "mental-health clinician on the team."), "crisis:public"),
    (_("Audit log seals"), _("The fingerprints of the department's audit log, so no one can rewrite its history "
                             "unnoticed."), "core:audit_seals"),
]


def take_part(request):
    return render(request, "core/section.html", {"title": _("Take part"), "entries": TAKE_PART,
                                                 "introduction": _("Ways to meet officers, be heard and help decide "
                                                                   "how your neighbourhood is policed.")})


def accountability(request):
    return render(request, "core/section.html", {"title": _("Accountability"), "entries": ACCOUNTABILITY,
                                                 "introduction": _("What the department publishes about its work, "
                                                                   "and how residents can check it.")})


def neighbourhoods_geojson(request):
    neighbourhoods = scoped(Neighbourhood, request.agency).order_by("name")
    response = JsonResponse(geo.feature_collection(neighbourhoods), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


def audit_seals(request):
    """The public hash chain: anyone can keep a copy and later check the log was not rewritten."""
    page = Paginator(AuditSeal.objects.order_by("-sequence"), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_seals.html", {"page": page})


@staff_required(Action.VIEW_OFFICERS)
def officers(request):
    roster = scoped(Officer, request.agency).select_related("unit").order_by("unit__name", "last_name")
    page = Paginator(roster, 100).get_page(request.GET.get("page"))
    return render(request, "core/officers.html", {"page": page})


@staff_required(Action.VIEW_AUDIT_LOG)
def audit_events(request):
    events = scoped(AuditEvent, request.agency).order_by("-id")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "core/audit_events.html", {"page": page})


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
