"""The training console: courses, requirements by role, sessions with their rosters and attendance, completion
records (entered by hand or imported from a learning system's CSV export after a dry run), officers' units and
assignments, and the compliance view with its unit roll-up.

Views are thin: parse a form, call one service, redirect with a message (PRG). Another agency's objects 404.
"""


from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, can
from commonbeat.core.models import Officer
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from .. import compliance, services
from ..forms import (
    AssignmentForm,
    ComplianceFilterForm,
    CourseForm,
    ImportForm,
    RecordForm,
    RequirementForm,
    RosterForm,
    SessionForm,
)
from ..models import AssignmentChange, Course, ImportBatch, Requirement, TrainingRecord, TrainingSession

PAGE_SIZE = 50

manage_training = staff_required(Action.MANAGE_TRAINING)
view_compliance = staff_required(Action.VIEW_TRAINING_COMPLIANCE)


# ---------------------------------------------------------------- courses

@manage_training
@require_safe
def courses(request):
    language = current_language()
    listed = scoped(Course, request.agency).annotate(records_count=Count("records", distinct=True))
    return render(request, "training/staff/courses.html", {
        "rows": [(course, course.title_in(language)) for course in listed]})


@manage_training
def course_new(request):
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_course(request.user, request.agency, form.details())
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The course is added."))
            return redirect("training:staff_courses")
    return render(request, "training/staff/course_form.html", {"form": form, "course": None})


@manage_training
def course_edit(request, pk):
    course = get_object_or_404(scoped(Course, request.agency), pk=pk)
    form = CourseForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_course(request.user, course, form.details())
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The course is saved."))
            return redirect("training:staff_courses")
    return render(request, "training/staff/course_form.html", {"form": form, "course": course})


# ---------------------------------------------------------------- requirements

@manage_training
@require_safe
def requirements(request):
    language = current_language()
    listed = scoped(Requirement, request.agency).select_related("course", "unit")
    return render(request, "training/staff/requirements.html", {
        "rows": [(requirement, requirement.describe(language)) for requirement in listed]})


@manage_training
def requirement_new(request):
    form = RequirementForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_requirement(request.user, request.agency, form.details())
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The requirement is added. Compliance is worked out from it now."))
            return redirect("training:staff_requirements")
    return render(request, "training/staff/requirement_form.html", {"form": form, "requirement": None})


@manage_training
def requirement_edit(request, pk):
    requirement = get_object_or_404(scoped(Requirement, request.agency).select_related("course", "unit"), pk=pk)
    form = RequirementForm(request.POST or None, agency=request.agency, requirement=requirement)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_requirement(request.user, requirement, form.details())
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The requirement is saved."))
            return redirect("training:staff_requirements")
    return render(request, "training/staff/requirement_form.html", {
        "form": form, "requirement": requirement, "title": requirement.describe(current_language())})


# ---------------------------------------------------------------- sessions

@manage_training
@require_safe
def sessions(request):
    now = timezone.now()
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    listed = scoped(TrainingSession, request.agency).select_related("course").annotate(
        roster=Count("seats", distinct=True))
    if when == "past":
        listed = listed.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        listed = listed.filter(ends_at__gte=now).order_by("starts_at", "id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    language = current_language()
    return render(request, "training/staff/sessions.html", {
        "when": when, "page": page,
        "rows": [(session, session.course.title_in(language)) for session in page.object_list]})


@manage_training
def session_new(request):
    form = SessionForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.schedule_session(request.user, request.agency, form.details())
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The session is scheduled. Add officers to its roster."))
            return redirect("training:staff_session", pk=session.pk)
    return render(request, "training/staff/session_form.html", {"form": form})


def _session(request, pk) -> TrainingSession:
    return get_object_or_404(scoped(TrainingSession, request.agency).select_related("course"), pk=pk)


def _session_page(request, session, roster_form=None, status=200):
    seats = list(session.seats.select_related("officer", "officer__unit"))
    return render(request, "training/staff/session.html", {
        "session": session, "title": session.course.title_in(current_language()), "seats": seats,
        "roster_form": roster_form or RosterForm(agency=request.agency),
        "has_started": session.starts_at <= timezone.now(),
        "places_left": None if session.capacity is None else max(session.capacity - len(seats), 0)},
        status=status)


@manage_training
@require_safe
def session_page(request, pk):
    return _session_page(request, _session(request, pk))


@manage_training
@require_POST
def session_roster(request, pk):
    session = _session(request, pk)
    form = RosterForm(request.POST, agency=request.agency)
    if form.is_valid():
        try:
            added = services.add_to_roster(request.user, request.agency, session, list(form.cleaned_data["officers"]))
        except services.TrainingError as error:
            form.add_error("officers", str(error))
        else:
            messages.success(request, ngettext("%(count)s officer added to the roster.",
                                               "%(count)s officers added to the roster.", added) % {"count": added})
            return redirect(reverse("training:staff_session", args=[session.pk]) + "#roster")
    return _session_page(request, session, roster_form=form, status=400)


@manage_training
@require_POST
def session_attendance(request, pk):
    session = _session(request, pk)
    try:
        attended = {int(value) for value in request.POST.getlist("attended")}
    except ValueError:
        attended = None
    if attended is None:
        messages.error(request, _("The attendance could not be read; try again."))
    else:
        try:
            created = services.record_attendance(request.user, request.agency, session, attended)
        except services.TrainingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, ngettext(
                "Attendance saved; %(count)s training record created.",
                "Attendance saved; %(count)s training records created.", created) % {"count": created})
    return redirect(reverse("training:staff_session", args=[session.pk]) + "#roster")


# ---------------------------------------------------------------- records

@manage_training
@require_safe
def records(request):
    listed = scoped(TrainingRecord, request.agency).select_related("officer", "course")
    query = request.GET.get("badge", "").strip()
    if query:
        listed = listed.filter(officer__badge_number__iexact=query)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    language = current_language()
    return render(request, "training/staff/records.html", {
        "page": page, "badge": query,
        "rows": [(record, record.course.title_in(language)) for record in page.object_list]})


@manage_training
def record_new(request):
    form = RecordForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_completion(request.user, request.agency, officer=data["officer"], course=data["course"],
                                       completed_on=data["completed_on"], hours=data["hours"], note=data["note"])
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The completion is recorded."))
            return redirect("training:staff_records")
    return render(request, "training/staff/record_form.html", {"form": form})


# ---------------------------------------------------------------- CSV import

@manage_training
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.upload_import(request.user, request.agency,
                                           source_system=form.cleaned_data["source_system"],
                                           filename=upload.name or "", content=upload.read(services.MAX_IMPORT_BYTES
                                                                                           + 1))
        except services.TrainingError as error:
            form.add_error("file", str(error))
        else:
            return redirect("training:staff_import_batch", pk=batch.pk)
    recent = scoped(ImportBatch, request.agency).defer("content")[:10]
    return render(request, "training/staff/import.html", {
        "form": form, "columns": services.CSV_COLUMNS, "recent": recent})


@manage_training
@require_safe
def import_batch(request, pk):
    batch = get_object_or_404(scoped(ImportBatch, request.agency), pk=pk)
    check = None if batch.imported_at else services.check_csv(request.agency, batch.content, batch.source_system)
    return render(request, "training/staff/import_batch.html", {"batch": batch, "check": check})


@manage_training
@require_POST
def import_run(request, pk):
    batch = get_object_or_404(scoped(ImportBatch, request.agency), pk=pk)
    try:
        count = services.run_import(request.user, request.agency, batch)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ngettext("%(count)s record imported.", "%(count)s records imported.", count)
                         % {"count": count})
    return redirect("training:staff_import_batch", pk=batch.pk)


# ---------------------------------------------------------------- compliance

STATUS_ORDER = {compliance.Status.OVERDUE: 0, compliance.Status.DUE_SOON: 1, compliance.Status.CURRENT: 2}


@view_compliance
@require_safe
def compliance_view(request):
    agency = request.agency
    today = agency.today()
    form = ComplianceFilterForm(request.GET or None, agency=agency)
    unit = requirement = status = None
    if form.is_bound and form.is_valid():
        unit, requirement, status = (form.cleaned_data["unit"], form.cleaned_data["requirement"],
                                     form.cleaned_data["status"])
    requirements = scoped(Requirement, agency).filter(is_active=True)
    if requirement is not None:
        requirements = requirements.filter(pk=requirement.pk)
    officers = compliance.active_officers(agency, today)
    if unit is not None:
        officers = officers.filter(unit=unit)
    rows = compliance.compliance_rows(agency, today, officers=officers, requirements=requirements)
    roll = compliance.roll_up(rows)
    totals = compliance.roll_up(rows, by_unit=False)
    shown = [row for row in rows if not status or row.status == status]
    shown.sort(key=lambda row: (STATUS_ORDER[row.status], row.result.due_on or today, row.officer.last_name))
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    language = current_language()
    return render(request, "training/staff/compliance.html", {
        "form": form, "today": today, "page": page,
        "rows": [(row, row.requirement.describe(language)) for row in page.object_list],
        "roll": [(group, group.requirement.describe(language)) for group in roll],
        "totals": [(group, group.requirement.describe(language)) for group in totals],
        "can_manage": can(request.user, agency, Action.MANAGE_TRAINING)})


@view_compliance
def officer_page(request, pk):
    """One officer's requirements, records and assignment history; a coordinator can record a move here."""
    agency = request.agency
    officer = get_object_or_404(scoped(Officer, agency).select_related("unit", "supervisor"), pk=pk)
    can_manage = can(request.user, agency, Action.MANAGE_TRAINING)
    form = AssignmentForm(request.POST or None, agency=agency, officer=officer) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            messages.error(request, _("Your role does not allow this."))
            return redirect("training:staff_officer", pk=officer.pk)
        if form.is_valid():
            try:
                services.change_assignment(request.user, agency, officer, unit=form.cleaned_data["unit"],
                                           assignment=form.cleaned_data["assignment"],
                                           effective_on=form.cleaned_data["effective_on"])
            except services.TrainingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The officer's unit and assignment are saved."))
                return redirect("training:staff_officer", pk=officer.pk)
    today = agency.today()
    rows = compliance.compliance_rows(agency, today, officers=scoped(Officer, agency).filter(pk=officer.pk))
    language = current_language()
    history = scoped(AssignmentChange, agency).filter(officer=officer).select_related("from_unit", "to_unit")
    officer_records = scoped(TrainingRecord, agency).filter(officer=officer).select_related("course")[:100]
    return render(request, "training/staff/officer.html", {
        "officer": officer, "form": form, "today": today,
        "rows": [(row, row.requirement.describe(language)) for row in rows],
        "records": [(record, record.course.title_in(language)) for record in officer_records],
        "history": history}, status=400 if form is not None and form.errors else 200)


urlpatterns = [
    path("console/training/courses/", courses, name="staff_courses"),
    path("console/training/courses/new/", course_new, name="staff_course_new"),
    path("console/training/courses/<int:pk>/edit/", course_edit, name="staff_course_edit"),
    path("console/training/requirements/", requirements, name="staff_requirements"),
    path("console/training/requirements/new/", requirement_new, name="staff_requirement_new"),
    path("console/training/requirements/<int:pk>/edit/", requirement_edit, name="staff_requirement_edit"),
    path("console/training/sessions/", sessions, name="staff_sessions"),
    path("console/training/sessions/new/", session_new, name="staff_session_new"),
    path("console/training/sessions/<int:pk>/", session_page, name="staff_session"),
    path("console/training/sessions/<int:pk>/roster/", session_roster, name="staff_session_roster"),
    path("console/training/sessions/<int:pk>/attendance/", session_attendance, name="staff_session_attendance"),
    path("console/training/records/", records, name="staff_records"),
    path("console/training/records/new/", record_new, name="staff_record_new"),
    path("console/training/import/", import_upload, name="staff_import"),
    path("console/training/import/<int:pk>/", import_batch, name="staff_import_batch"),
    path("console/training/import/<int:pk>/run/", import_run, name="staff_import_run"),
    path("console/training/compliance/", compliance_view, name="staff_compliance"),
    path("console/training/officers/<int:pk>/", officer_page, name="staff_officer"),
]
