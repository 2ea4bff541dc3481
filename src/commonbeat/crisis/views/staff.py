"""The crisis console: the team roster and who can cover which shift (MANAGE_CRISIS_TEAM), the record of crisis
responses (RECORD_CRISIS_RESPONSES), and the figures in full (VIEW_CRISIS_FIGURES).

Views are thin: parse a form, call one service, redirect with a message. Pages with notes or names are not
kept by browsers or proxies.
"""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, can
from commonbeat.core.caching import private
from commonbeat.core.submissions import create_once, run_form
from commonbeat.core.tenancy import scoped
from commonbeat.partners.services import person_visible_to, referrals_for_source

from .. import services
from ..figures import CSV_COLUMNS, DEFAULT_MONTHS, PERIOD_CHOICES, Period, crisis_figures, long_rows, outcome_choices
from ..forms import AvailabilityForm, MemberForm, ResponseForm
from ..models import CrisisResponse, MemberKind, Shift, TeamMember, Weekday
from ..training_link import crisis_training_completions

PAGE_SIZE = 50

manage_team = staff_required(Action.MANAGE_CRISIS_TEAM)
record_responses = staff_required(Action.RECORD_CRISIS_RESPONSES)
view_figures = staff_required(Action.VIEW_CRISIS_FIGURES)


def _render(request, template: str, context: dict, status: int = 200):
    """A console page, with the crisis console's tabs the user may open."""
    agency, user = request.agency, request.user
    context["perms_crisis"] = {"team": can(user, agency, Action.MANAGE_CRISIS_TEAM),
                               "record": can(user, agency, Action.RECORD_CRISIS_RESPONSES),
                               "figures": can(user, agency, Action.VIEW_CRISIS_FIGURES)}
    return render(request, template, context, status=status)


def _member(request, pk) -> TeamMember:
    return get_object_or_404(scoped(TeamMember, request.agency).select_related("officer"), pk=pk)


# ---------------------------------------------------------------- the team

@manage_team
@require_safe
def team(request):
    members = list(scoped(TeamMember, request.agency).select_related("officer")
                   .prefetch_related("availability").order_by("-is_active", "kind", "officer__last_name",
                                                              "clinician_name"))
    completions = crisis_training_completions(request.agency, [m.officer_id for m in members])
    rows = [{"member": m, "cit_completed_on": completions.get(m.officer_id) if m.officer_id else None,
             "shifts": len(m.availability.all())} for m in members]
    return private(_render(request, "crisis/staff/team.html", {
        "rows": rows, "officer_kind": MemberKind.OFFICER}))


@manage_team
def member_new(request):
    form = MemberForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(request.user, request.agency, form.details())
        except services.CrisisError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The member is on the crisis team. Now set the shifts they can cover."))
            return redirect("crisis:staff_member", pk=member.pk)
    return _render(request, "crisis/staff/member_form.html", {"form": form, "member": None})


def _render_member(request, member: TeamMember, *, form=None, availability=None, status=200):
    completions = crisis_training_completions(request.agency, [member.officer_id])
    return private(_render(request, "crisis/staff/member.html", {
        "member": member, "form": form or MemberForm(agency=request.agency, member=member),
        "availability_form": availability or AvailabilityForm(member=member),
        "cit_completed_on": completions.get(member.officer_id), "officer_kind": MemberKind.OFFICER,
        "weekdays": Weekday.choices, "shifts": Shift.choices}, status=status))


@manage_team
def member_page(request, pk):
    member = _member(request, pk)
    if request.method != "POST":
        return _render_member(request, member)
    form = MemberForm(request.POST, agency=request.agency, member=member)
    return run_form(request, form, lambda data: services.update_member(request.user, member, form.details()),
                    _("The member's details are saved."), reverse("crisis:staff_member", args=[member.pk]),
                    lambda: _render_member(request, member, form=form), refused=services.CrisisError)


@manage_team
@require_POST
def member_availability(request, pk):
    member = _member(request, pk)
    form = AvailabilityForm(request.POST, member=member)
    return run_form(request, form, lambda data: services.set_availability(request.user, member, form.chosen()),
                    _("The shifts are saved."), reverse("crisis:staff_member", args=[member.pk]) + "#availability",
                    lambda: _render_member(request, member, availability=form), refused=services.CrisisError)


@manage_team
@require_safe
def availability(request):
    """Who can cover each shift of the week: a grid of day × shift with the members' names."""
    members = scoped(TeamMember, request.agency).filter(is_active=True).select_related("officer")
    found: dict = {}
    for member in members.prefetch_related("availability"):
        for slot in member.availability.all():
            found.setdefault((slot.weekday, slot.shift), []).append(member)
    grid = []
    for weekday, day_label in Weekday.choices:
        cells = []
        for shift, _label in Shift.choices:
            people = sorted(found.get((weekday, shift), []), key=lambda m: (m.kind, m.display_name))
            officers = [m for m in people if m.kind == MemberKind.OFFICER]
            clinicians = [m for m in people if m.kind == MemberKind.CLINICIAN]
            cells.append({"officers": officers, "clinicians": clinicians,
                          "co_responder_ready": bool(officers and clinicians)})
        grid.append({"label": day_label, "cells": cells})
    return private(_render(request, "crisis/staff/availability.html", {"grid": grid, "shifts": Shift.choices}))


# ---------------------------------------------------------------- responses

@record_responses
@require_safe
def responses(request):
    listed = (scoped(CrisisResponse, request.agency).select_related("neighbourhood")
              .prefetch_related("officers__officer", "clinicians").order_by("-occurred_at", "-id"))
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return private(_render(request, "crisis/staff/responses.html", {
        "page": page, "zone": request.agency.zone,
        "can_see_figures": can(request.user, request.agency, Action.VIEW_CRISIS_FIGURES)}))


@record_responses
def response_new(request):
    form = ResponseForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request, form, "crisis:response",
            lambda: services.record_response(request.user, request.agency, form.details()),
            _("The crisis response is recorded."), lambda pk: reverse("crisis:staff_response", args=[pk]),
            refused=services.CrisisError)
        if done is not None:
            return done
    return _render(request, "crisis/staff/response_form.html", {"form": form})


@record_responses
@require_safe
def response_page(request, pk):
    response = get_object_or_404(scoped(CrisisResponse, request.agency).select_related("neighbourhood", "recorded_by")
                                 .prefetch_related("officers__officer", "clinicians"), pk=pk)
    today = request.agency.today()
    language = get_language() or "en"
    visible = person_visible_to(request.user, request.agency)
    referrals = [(referral, referral.service.name_in(language) if referral.service else "",
                  referral.is_overdue(today), visible(referral))
                 for referral in referrals_for_source(request.agency, response.referral_source)]
    return private(_render(request, "crisis/staff/response.html", {
        "response": response, "zone": request.agency.zone, "referrals": referrals,
        "can_refer": can(request.user, request.agency, Action.MAKE_REFERRALS)}))


# ---------------------------------------------------------------- figures in full

def _figures(request, public: bool):
    months = request.GET.get("months", "")
    months = int(months) if months.isdigit() and int(months) in PERIOD_CHOICES else DEFAULT_MONTHS
    today = request.agency.today()
    return crisis_figures(request.agency, Period.last_full_months(today, months), public=public,
                          outcome=request.GET.get("outcome", ""), today=today)


def write_csv(figures, file_name: str, response: HttpResponse) -> HttpResponse:
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in long_rows(figures):
        writer.writerow(row | {"count": "" if row["count"] is None else row["count"],
                               "suppressed": "true" if row["suppressed"] else "false"})
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@view_figures
@require_safe
def figures(request):
    found = _figures(request, public=False)
    return private(_render(request, "crisis/figures.html", {
        "figures": found, "period_choices": PERIOD_CHOICES, "outcome_choices": outcome_choices(),
        "form_url": reverse("crisis:staff_figures"), "csv_url": reverse("crisis:staff_figures_csv"),
        "base": "staff_base.html"}))


@view_figures
@require_safe
def figures_csv(request):
    found = _figures(request, public=False)
    period = found.period
    name = f"{request.agency.slug}-crisis-responses-staff-{period.first_month:%Y-%m}-to-{period.last_day:%Y-%m}.csv"
    return private(write_csv(found, name, HttpResponse(content_type="text/csv; charset=utf-8")))


urlpatterns = [
    path("console/crisis/team/", team, name="staff_team"),
    path("console/crisis/team/new/", member_new, name="staff_member_new"),
    path("console/crisis/team/<int:pk>/", member_page, name="staff_member"),
    path("console/crisis/team/<int:pk>/availability/", member_availability, name="staff_member_availability"),
    path("console/crisis/availability/", availability, name="staff_availability"),
    path("console/crisis/responses/", responses, name="staff_responses"),
    path("console/crisis/responses/new/", response_new, name="staff_response_new"),
    path("console/crisis/responses/<int:pk>/", response_page, name="staff_response"),
    path("console/crisis/figures/", figures, name="staff_figures"),
    path("console/crisis/figures.csv", figures_csv, name="staff_figures_csv"),
]
