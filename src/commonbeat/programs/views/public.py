"""Public pages of youth programs: the list, one program (description, schedule, how to apply, and aggregate
counts only, small ones suppressed), and the application form for a guardian or an adult participant.

Nothing on these pages names or describes a participant: the counts come from `services.public_figures`.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from .. import services
from ..forms import ApplicationForm
from ..models import AGE_BANDS, Program, ProgramKind


def _public_programs(request: HttpRequest):
    return scoped(Program, request.agency).filter(is_public=True).select_related("neighbourhood")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    language = current_language()
    today = request.agency.today()
    listed = _public_programs(request).filter(season_ends_on__gte=today).order_by("season_starts_on", "id")
    return render(request, "programs/public/programs.html", {
        "items": [{"program": program, "title": program.title_in(language),
                   "kind": ProgramKind(program.kind).label, "description": program.description_in(language),
                   "open": services.accepts_applications(program, today)} for program in listed],
    })


def _program_page(request: HttpRequest, program: Program, form: ApplicationForm | None = None,
                  template: str = "programs/public/program.html") -> HttpResponse:
    language = current_language()
    today = request.agency.today()
    counted = services.public_figures(program, today)
    labels = {key: label for key, label, *_rest in AGE_BANDS}
    return render(request, template, {
        "program": program,
        "title": program.title_in(language),
        "kind": ProgramKind(program.kind).label,
        "description": program.description_in(language),
        "sessions": program.sessions.filter(ends_at__gte=services.timezone.now()).order_by("starts_at")[:20],
        "open": services.accepts_applications(program, today),
        "enrolled": counted["enrolled"],
        "age_bands": [{"label": labels[key], "count": count} for key, count in counted["age_bands"].items()],
        "form": form,
    })


@require_safe
def program_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _program_page(request, get_object_or_404(_public_programs(request), slug=slug))


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(_public_programs(request), slug=slug)
    template = "programs/public/apply.html"
    if not services.accepts_applications(program, request.agency.today()):
        return _program_page(request, program, None, template)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply(request.agency, program, form.application(),
                                    idempotency_key=form.cleaned_data["submission_token"])
        except services.ProgramsError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            form.renew_token()
        else:
            # Nothing about the applicant is put in a cookie or the address: the thanks page is the same for all.
            return redirect("programs:applied", slug=program.slug)
    return _private(_program_page(request, program, form, template))


@require_safe
def applied(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(_public_programs(request), slug=slug)
    return render(request, "programs/public/applied.html", {
        "program": program, "title": program.title_in(current_language())})


urlpatterns = [
    path("programs/", program_list, name="programs"),
    path("programs/<slug:slug>/", program_page, name="program"),
    path("programs/<slug:slug>/apply/", apply, name="apply"),
    path("programs/<slug:slug>/apply/thanks/", applied, name="applied"),
]
