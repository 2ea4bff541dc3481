"""The staff console for partners: the directory, agreements (those expiring soon highlighted) and joint
initiatives (MANAGE_PARTNERS); making referrals and following them until the partner closes the loop
(MAKE_REFERRALS); and the partner's inbox where its own staff accept, decline and report outcomes
(HANDLE_REFERRALS).

A referred person's first name and contact appear only on the referral's own page and in the lists of the
people handling it: the referrer, the partner's users and admins (`services.can_see_person`). Anyone else gets
a 404 for the referral, as they would for another agency's.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, Role, roles_of
from commonbeat.core.caching import private
from commonbeat.core.submissions import create_once, run_form
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from .. import services
from ..forms import (
    AgreementForm,
    DeclineForm,
    InitiativeForm,
    MeasureForm,
    MeasureValueForm,
    MilestoneForm,
    OutcomeForm,
    PartnerForm,
    PartnerUserForm,
    ReferralForm,
    ServiceForm,
)
from ..models import (
    Agreement,
    Initiative,
    InitiativeMeasure,
    InitiativeMilestone,
    Partner,
    Referral,
    ReferralStatus,
)

PAGE_SIZE = 50

manage_partners = staff_required(Action.MANAGE_PARTNERS)
make_referrals = staff_required(Action.MAKE_REFERRALS)
handle_referrals = staff_required(Action.HANDLE_REFERRALS)


def _partner(request, pk) -> Partner:
    return get_object_or_404(scoped(Partner, request.agency), pk=pk)


def _initiative(request, pk) -> Initiative:
    return get_object_or_404(scoped(Initiative, request.agency).select_related("neighbourhood"), pk=pk)


# ---------------------------------------------------------------- directory

@manage_partners
@require_safe
def partners(request):
    today = request.agency.today()
    listed = (scoped(Partner, request.agency)
              .annotate(service_count=Count("services", distinct=True),
                        open_referrals=Count("referrals", distinct=True,
                                             filter=Q(referrals__status__in=[ReferralStatus.SENT,
                                                                             ReferralStatus.ACCEPTED])))
              .order_by("name"))
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/staff/partners.html", {
        "page": page, "overdue": services.overdue_referrals(request.agency, today).count(),
        "expiring": scoped(Agreement, request.agency).filter(
            expires_on__gte=today, expires_on__lte=today + timedelta(days=services.EXPIRING_SOON_DAYS)).count()})


@manage_partners
def partner_new(request):
    form = PartnerForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.add_partner(request.user, request.agency, slug=form.cleaned_data["slug"],
                                           **form.details())
        except services.PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The partner is added to the directory."))
            return redirect("partners:staff_partner", pk=partner.pk)
    return render(request, "partners/staff/partner_form.html", {"form": form, "partner": None})


@manage_partners
def partner_edit(request, pk):
    partner = _partner(request, pk)
    form = PartnerForm(request.POST or None, agency=request.agency, editing=True,
                       initial=PartnerForm.initial_for(partner))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partner(request.user, partner, **form.details())
        except services.PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The partner is saved."))
            return redirect("partners:staff_partner", pk=partner.pk)
    return render(request, "partners/staff/partner_form.html", {"form": form, "partner": partner})


def _render_partner(request, partner: Partner, status: int = 200, **bound):
    language = current_language()
    forms = {"service_form": ServiceForm(prefix="service"),
             "agreement_form": AgreementForm(prefix="agreement"),
             "user_form": PartnerUserForm(prefix="user", agency=request.agency), **bound}
    today = request.agency.today()
    return render(request, "partners/staff/partner.html", {
        "partner": partner, "description": partner.description_in(language), "today": today,
        "services": [(s.name_in(language), s.description_in(language)) for s in partner.services.all()],
        "agreements": [(a, a.days_left(today)) for a in partner.agreements.all()],
        "users": partner.users.select_related("user"),
        "neighbourhoods": [n.name for n in partner.neighbourhoods.order_by("name")],
        "expiring_days": services.EXPIRING_SOON_DAYS, **forms}, status=status)


@manage_partners
@require_safe
def partner_page(request, pk):
    return _render_partner(request, _partner(request, pk))


@manage_partners
@require_POST
def service_add(request, pk):
    partner = _partner(request, pk)
    form = ServiceForm(request.POST, prefix="service")
    return run_form(
        request, form,
        lambda data: services.add_service(request.user, partner, name=form.texts("name"),
                                          description=form.texts("description")),
        _("The service is added."), reverse("partners:staff_partner", args=[partner.pk]) + "#services",
        lambda: _render_partner(request, partner, status=400, service_form=form), refused=services.PartnerError)


@manage_partners
@require_POST
def agreement_add(request, pk):
    partner = _partner(request, pk)
    form = AgreementForm(request.POST, request.FILES, prefix="agreement")
    return run_form(
        request, form,
        lambda data: services.add_agreement(request.user, partner, title=data["title"], signed_on=data["signed_on"],
                                            expires_on=data["expires_on"], document=data.get("document")),
        _("The agreement is recorded. Reminders go 60 and 14 days before it expires."),
        reverse("partners:staff_partner", args=[partner.pk]) + "#agreements",
        lambda: _render_partner(request, partner, status=400, agreement_form=form), refused=services.PartnerError)


@manage_partners
@require_POST
def user_link(request, pk):
    partner = _partner(request, pk)
    form = PartnerUserForm(request.POST, prefix="user", agency=request.agency)
    return run_form(
        request, form, lambda data: services.link_partner_user(request.user, partner, data["user"]),
        _("This person now handles the organisation's referrals."),
        reverse("partners:staff_partner", args=[partner.pk]) + "#users",
        lambda: _render_partner(request, partner, status=400, user_form=form), refused=services.PartnerError)


@manage_partners
@require_safe
def agreement_document(request, pk):
    """The signed memorandum, for the people who manage partners only: uploads are not served as public media."""
    agreement = get_object_or_404(scoped(Agreement, request.agency).select_related("partner"), pk=pk)
    if not agreement.document:
        raise Http404
    return private(FileResponse(agreement.document.open("rb"), as_attachment=True, content_type="application/pdf",
                                filename=f"{agreement.partner.slug}-agreement-{agreement.pk}.pdf"))


@manage_partners
@require_safe
def agreements(request):
    today = request.agency.today()
    listed = scoped(Agreement, request.agency).select_related("partner").order_by("expires_on", "id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/staff/agreements.html", {
        "page": page, "today": today, "expiring_days": services.EXPIRING_SOON_DAYS,
        "rows": [(a, a.days_left(today)) for a in page.object_list]})


@manage_partners
@require_safe
def overdue(request):
    """Overdue referrals across partners, for chasing up: no person's details here."""
    today = request.agency.today()
    listed = services.overdue_referrals(request.agency, today).select_related("partner", "service").order_by(
        "due_on", "id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/staff/overdue.html", {"page": page, "language": current_language()})


# ---------------------------------------------------------------- initiatives

@manage_partners
@require_safe
def initiatives(request):
    language = current_language()
    listed = scoped(Initiative, request.agency).select_related("neighbourhood").annotate(
        partner_count=Count("partners", distinct=True)).order_by("-created_at", "-id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/staff/initiatives.html", {
        "page": page, "rows": [(i, i.title_in(language)) for i in page.object_list]})


@manage_partners
def initiative_new(request):
    form = InitiativeForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = services.create_initiative(
                request.user, request.agency, slug=data["slug"], title=form.texts("title"),
                goal=form.texts("goal"), partners=list(data["partners"]), neighbourhood=data["neighbourhood"],
                status=data["status"], is_public=data["is_public"])
        except services.PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The initiative is created. Add its measures and milestones."))
            return redirect("partners:staff_initiative", pk=initiative.pk)
    return render(request, "partners/staff/initiative_form.html", {"form": form})


def _render_initiative(request, initiative: Initiative, status: int = 200, **bound):
    language = current_language()
    forms = {"measure_form": MeasureForm(prefix="measure"), "milestone_form": MilestoneForm(prefix="milestone"),
             **bound}
    return render(request, "partners/staff/initiative.html", {
        "initiative": initiative, "title": initiative.title_in(language), "goal": initiative.goal_in(language),
        "partners": initiative.partners.order_by("name"),
        "measures": [(m.name_in(language), m, MeasureValueForm(prefix=f"value-{m.pk}", initial={"current": m.current}))
                     for m in initiative.measures.all()],
        "milestones": [(m.title_in(language), m) for m in initiative.milestones.all()], **forms}, status=status)


@manage_partners
@require_safe
def initiative_page(request, pk):
    return _render_initiative(request, _initiative(request, pk))


@manage_partners
@require_POST
def measure_add(request, pk):
    initiative = _initiative(request, pk)
    form = MeasureForm(request.POST, prefix="measure")
    return run_form(
        request, form,
        lambda data: services.add_measure(request.user, initiative, name=form.texts("name"), target=data["target"],
                                          current=data["current"]),
        _("The measure is added."), reverse("partners:staff_initiative", args=[initiative.pk]) + "#measures",
        lambda: _render_initiative(request, initiative, status=400, measure_form=form), refused=services.PartnerError)


@manage_partners
@require_POST
def measure_update(request, pk, measure_pk):
    initiative = _initiative(request, pk)
    measure = get_object_or_404(scoped(InitiativeMeasure, request.agency), pk=measure_pk, initiative=initiative)
    form = MeasureValueForm(request.POST, prefix=f"value-{measure.pk}")
    if form.is_valid():
        try:
            services.update_measure(request.user, measure, current=form.cleaned_data["current"])
        except services.PartnerError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The measure is updated."))
    else:
        messages.error(request, _("Enter the value as a number of zero or more."))
    return redirect(reverse("partners:staff_initiative", args=[initiative.pk]) + "#measures")


@manage_partners
@require_POST
def milestone_add(request, pk):
    initiative = _initiative(request, pk)
    form = MilestoneForm(request.POST, prefix="milestone")
    return run_form(
        request, form,
        lambda data: services.add_milestone(request.user, initiative, title=form.texts("title"),
                                            due_on=data["due_on"]),
        _("The milestone is added."), reverse("partners:staff_initiative", args=[initiative.pk]) + "#milestones",
        lambda: _render_initiative(request, initiative, status=400, milestone_form=form),
        refused=services.PartnerError)


@manage_partners
@require_POST
def milestone_done(request, pk, milestone_pk):
    initiative = _initiative(request, pk)
    milestone = get_object_or_404(scoped(InitiativeMilestone, request.agency), pk=milestone_pk,
                                  initiative=initiative)
    try:
        services.complete_milestone(request.user, milestone)
    except services.PartnerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The milestone is marked done."))
    return redirect(reverse("partners:staff_initiative", args=[initiative.pk]) + "#milestones")


# ---------------------------------------------------------------- referrals: the referrer

@make_referrals
def referral_new(request):
    form = ReferralForm(request.POST or None, agency=request.agency,
                        initial={"source": request.GET.get("source", "")[:100]})
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request, form, "partners:referral",
            lambda: services.refer(request.user, request.agency, form.details()),
            _("The referral is sent. The partner is asked to answer within seven days."),
            lambda pk: reverse("partners:staff_referral", args=[pk]), refused=services.PartnerError)
        if done is not None:
            return done
    return private(render(request, "partners/staff/referral_form.html", {"form": form}))


@make_referrals
@require_safe
def my_referrals(request):
    today = request.agency.today()
    page = Paginator(services.made_by(request.user, request.agency), PAGE_SIZE).get_page(request.GET.get("page"))
    return private(render(request, "partners/staff/my_referrals.html", {
        "page": page, "language": current_language(),
        "rows": [(r, r.is_overdue(today)) for r in page.object_list]}))


def _visible_referral(request, pk) -> Referral:
    referral = get_object_or_404(scoped(Referral, request.agency).select_related("partner", "service",
                                                                                 "referred_by"), pk=pk)
    if not services.can_see_person(request.user, referral):
        raise Http404
    return referral


def _render_referral(request, referral: Referral, status: int = 200, **bound):
    partner = services.partner_of(request.user, request.agency)
    handles = Role.AGENCY_ADMIN in roles_of(request.user, request.agency) or (
        partner is not None and partner.pk == referral.partner_id)
    forms = {"decline_form": DeclineForm(prefix="decline"), "outcome_form": OutcomeForm(prefix="outcome"), **bound}
    return private(render(request, "partners/staff/referral.html", {
        "referral": referral, "overdue": referral.is_overdue(request.agency.today()), "handles": handles,
        "service_name": referral.service.name_in(current_language()) if referral.service else "", **forms},
        status=status))


@staff_required(Action.USE_CONSOLE)
@require_safe
def referral_page(request, pk):
    return _render_referral(request, _visible_referral(request, pk))


# ---------------------------------------------------------------- referrals: the partner

@handle_referrals
@require_safe
def referral_inbox(request):
    today = request.agency.today()
    status = request.GET.get("status", "")
    listed = services.inbox(request.user, request.agency)
    if status in ReferralStatus.values:
        listed = listed.filter(status=status)
    else:
        status = ""
    page = Paginator(listed.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return private(render(request, "partners/staff/inbox.html", {
        "page": page, "status": status, "statuses": ReferralStatus.choices,
        "partner": services.partner_of(request.user, request.agency), "language": current_language(),
        "rows": [(r, r.is_overdue(today)) for r in page.object_list]}))


@handle_referrals
@require_POST
def referral_accept(request, pk):
    referral = _visible_referral(request, pk)
    try:
        services.accept_referral(request.user, referral)
    except PermissionDenied:
        raise Http404 from None
    except services.PartnerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The referral is accepted. Report the outcome when there is one."))
    return redirect("partners:staff_referral", pk=referral.pk)


@handle_referrals
@require_POST
def referral_decline(request, pk):
    referral = _visible_referral(request, pk)
    form = DeclineForm(request.POST, prefix="decline")
    if form.is_valid():
        try:
            services.decline_referral(request.user, referral, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None
        except services.PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The referral is declined. The officer who sent it can see why."))
            return redirect("partners:staff_referral", pk=referral.pk)
    return _render_referral(request, referral, status=400, decline_form=form)


@handle_referrals
@require_POST
def referral_outcome(request, pk):
    referral = _visible_referral(request, pk)
    form = OutcomeForm(request.POST, prefix="outcome")
    if form.is_valid():
        try:
            services.report_outcome(request.user, referral, outcome=form.cleaned_data["outcome"],
                                    note=form.cleaned_data["note"])
        except PermissionDenied:
            raise Http404 from None
        except services.PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The outcome is reported. The officer who sent the referral sees it."))
            return redirect("partners:staff_referral", pk=referral.pk)
    return _render_referral(request, referral, status=400, outcome_form=form)


urlpatterns = [
    path("console/partners/", partners, name="staff_partners"),
    path("console/partners/new/", partner_new, name="staff_partner_new"),
    path("console/partners/agreements/", agreements, name="staff_agreements"),
    path("console/partners/agreements/<int:pk>/document.pdf", agreement_document, name="staff_agreement_document"),
    path("console/partners/overdue/", overdue, name="staff_overdue"),
    path("console/partners/initiatives/", initiatives, name="staff_initiatives"),
    path("console/partners/initiatives/new/", initiative_new, name="staff_initiative_new"),
    path("console/partners/initiatives/<int:pk>/", initiative_page, name="staff_initiative"),
    path("console/partners/initiatives/<int:pk>/measures/", measure_add, name="staff_measure_add"),
    path("console/partners/initiatives/<int:pk>/measures/<int:measure_pk>/", measure_update,
         name="staff_measure_update"),
    path("console/partners/initiatives/<int:pk>/milestones/", milestone_add, name="staff_milestone_add"),
    path("console/partners/initiatives/<int:pk>/milestones/<int:milestone_pk>/done/", milestone_done,
         name="staff_milestone_done"),
    path("console/partners/<int:pk>/", partner_page, name="staff_partner"),
    path("console/partners/<int:pk>/edit/", partner_edit, name="staff_partner_edit"),
    path("console/partners/<int:pk>/services/", service_add, name="staff_service_add"),
    path("console/partners/<int:pk>/agreements/", agreement_add, name="staff_agreement_add"),
    path("console/partners/<int:pk>/users/", user_link, name="staff_user_link"),
    path("console/referrals/", my_referrals, name="staff_my_referrals"),
    path("console/referrals/new/", referral_new, name="staff_referral_new"),
    path("console/referrals/inbox/", referral_inbox, name="staff_inbox"),
    path("console/referrals/<int:pk>/", referral_page, name="staff_referral"),
    path("console/referrals/<int:pk>/accept/", referral_accept, name="staff_referral_accept"),
    path("console/referrals/<int:pk>/decline/", referral_decline, name="staff_referral_decline"),
    path("console/referrals/<int:pk>/outcome/", referral_outcome, name="staff_referral_outcome"),
]
