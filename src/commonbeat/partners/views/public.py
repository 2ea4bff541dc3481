"""Public pages: the directory of partner organisations and the joint initiatives. Nothing here reads a
referral; no referred person's details can reach these pages."""

from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_safe

from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from ..models import Initiative, Partner, PartnerKind


@require_safe
def directory(request):
    kind = request.GET.get("kind", "")
    listed = (scoped(Partner, request.agency).filter(is_public=True)
              .prefetch_related("services", "neighbourhoods").order_by("name"))
    if kind in PartnerKind.values:
        listed = listed.filter(kind=kind)
    else:
        kind = ""
    language = current_language()
    return render(request, "partners/public/directory.html", {
        "kinds": PartnerKind.choices, "kind": kind,
        "items": [{"partner": partner, "description": partner.description_in(language),
                   "services": [service.name_in(language) for service in partner.services.all()],
                   "neighbourhoods": [n.name for n in partner.neighbourhoods.all()]} for partner in listed]})


@require_safe
def partner_page(request, slug):
    partner = get_object_or_404(scoped(Partner, request.agency).filter(is_public=True), slug=slug)
    language = current_language()
    return render(request, "partners/public/partner.html", {
        "partner": partner, "description": partner.description_in(language),
        "services": [(service.name_in(language), service.description_in(language))
                     for service in partner.services.all()],
        "neighbourhoods": [n.name for n in partner.neighbourhoods.order_by("name")],
        "initiatives": [(initiative, initiative.title_in(language))
                        for initiative in partner.initiatives.filter(is_public=True)]})


@require_safe
def initiatives(request):
    language = current_language()
    listed = (scoped(Initiative, request.agency).filter(is_public=True)
              .select_related("neighbourhood").prefetch_related("partners"))
    return render(request, "partners/public/initiatives.html", {
        "items": [{"initiative": initiative, "title": initiative.title_in(language),
                   "goal": initiative.goal_in(language),
                   "partners": [p for p in initiative.partners.all() if p.is_public]} for initiative in listed]})


@require_safe
def initiative_page(request, slug):
    initiative = get_object_or_404(scoped(Initiative, request.agency).filter(is_public=True)
                                   .select_related("neighbourhood"), slug=slug)
    language = current_language()
    return render(request, "partners/public/initiative.html", {
        "initiative": initiative, "title": initiative.title_in(language), "goal": initiative.goal_in(language),
        "partners": initiative.partners.filter(is_public=True).order_by("name"),
        "measures": [(m.name_in(language), m) for m in initiative.measures.all()],
        "milestones": [(m.title_in(language), m) for m in initiative.milestones.all()]})


urlpatterns = [
    path("partners/", directory, name="directory"),
    path("partners/initiatives/", initiatives, name="initiatives"),
    path("partners/initiatives/<slug:slug>/", initiative_page, name="initiative"),
    path("partners/<slug:slug>/", partner_page, name="partner"),
]
