"""The staff console for youth programs (MANAGE_PROGRAMS): programs and their sessions, applications to enrol
or withdraw, guardian consent given on paper, attendance per session, the program's figures as a CSV of
aggregates only, mentors and their background checks, mentor–mentee matches and their meeting log, and the
end-of-year outcome survey of a mentorship program.

Participants appear here by display name only; a guardian's name and contact are shown only on the consent page
of one enrolment. Pages with participants are never cached.
"""

import csv
import io

import segno
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action
from commonbeat.core.caching import private
from commonbeat.core.disclosure import suppress_counts, suppress_total
from commonbeat.core.submissions import create_once
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language
from commonbeat.surveys import services as surveys

from .. import services
from ..models import (
    AGE_BANDS,
    Enrolment,
    EnrolmentStatus,
    Match,
    Mentor,
    Program,
    ProgramKind,
    ProgramSession,
    age_band,
)
from ..staff_forms import ConsentForm, MatchForm, MeetingForm, MentorForm, ProgramForm, SessionForm

manage_programs = staff_required(Action.MANAGE_PROGRAMS)


def _program(request, pk) -> Program:
    return get_object_or_404(scoped(Program, request.agency).select_related("neighbourhood"), pk=pk)


def _enrolment(request, pk) -> Enrolment:
    return get_object_or_404(scoped(Enrolment, request.agency).select_related("program", "participant"), pk=pk)


def _program_url(pk: int, anchor: str = "") -> str:
    return reverse("programs:staff_program", args=[pk]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------- programs

@manage_programs
@require_safe
def programs(request):
    language = current_language()
    listed = scoped(Program, request.agency).select_related("neighbourhood").order_by("-season_starts_on", "id")
    today = request.agency.today()
    rows = []
    for program in listed:
        counts = {row["status"]: row["n"] for row in program.enrolments.values("status").annotate(
            n=Count("id")).order_by()}
        rows.append({"program": program, "title": program.title_in(language), "kind": ProgramKind(program.kind).label,
                     "enrolled": counts.get(EnrolmentStatus.ENROLLED, 0),
                     "applied": counts.get(EnrolmentStatus.APPLIED, 0)})
    expired = services.open_matches_expired(request.agency, today)
    return render(request, "programs/staff/programs.html", {"rows": rows, "expired_matches": len(expired)})




@manage_programs
@require_http_methods(["GET", "HEAD", "POST"])
def program_new(request):
    form = ProgramForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        done = create_once(request, form, "programs:program",
                           lambda: services.create_program(request.user, request.agency, form.details()),
                           _("The program is saved."), _program_url, refused=services.ProgramsError)
        if done is not None:
            return done
    return render(request, "programs/staff/program_form.html", {"form": form, "program": None})


@manage_programs
@require_http_methods(["GET", "HEAD", "POST"])
def program_edit(request, pk):
    program = _program(request, pk)
    form = ProgramForm(request.POST or None, agency=request.agency, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_program(request.user, program, form.details())
        except services.ProgramsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The program is saved."))
            return redirect(_program_url(program.pk))
    return render(request, "programs/staff/program_form.html", {
        "form": form, "program": program, "title": program.title_in(current_language())})


def _figure_rows(counts: dict, labels: dict | None = None) -> list[dict]:
    return [{"label": (labels or {}).get(key, key), "count": value} for key, value in counts.items()]


def _program_page(request, program: Program, *, session_form=None, match_form=None, status=200):
    language = current_language()
    today = request.agency.today()
    enrolments = list(program.enrolments.select_related("participant").order_by("status", "applied_at", "id"))
    attended = services.attendance_by_participant(program)
    counted = services.figures(program, today)
    band_labels = {key: label for key, label, *_rest in AGE_BANDS}
    context = {
        "program": program, "title": program.title_in(language), "kind": ProgramKind(program.kind).label,
        "enrolments": [{"enrolment": enrolment, "sessions": attended.get(enrolment.pk, 0),
                        "needs_consent": enrolment.is_minor and enrolment.consent_id is None,
                        "age_band": band_labels[age_band(enrolment.participant.birth_year, today)]}
                       for enrolment in enrolments],
        "sessions": counted["sessions"],
        "session_form": session_form or SessionForm(agency=request.agency),
        "figures": counted,
        "age_rows": _figure_rows(counted["age_bands"], band_labels),
        "school_rows": _figure_rows(counted["schools"]),
        "zone": request.agency.timezone,
    }
    if program.is_mentorship:
        mentors = list(scoped(Mentor, request.agency).select_related("officer"))
        matches = list(scoped(Match, request.agency).filter(mentee__program=program)
                       .select_related("mentor__officer", "mentee__participant").order_by("ended_on", "-started_on"))
        context |= {
            "matches": [{"match": match, "expired": not match.mentor.check_is_current(today)} for match in matches],
            "match_form": match_form or MatchForm(mentors=mentors, mentees=services.mentees(program), today=today),
            "outcome_surveys": [_outcome(request, outcome) for outcome in program.outcome_surveys.all()],
            "year": today.year,
        }
    return private(render(request, "programs/staff/program.html", context, status=status))


def _outcome(request, outcome) -> dict:
    survey = surveys.find_survey(request.agency, outcome.survey_slug)
    url = request.agency.absolute_url(reverse("surveys:answer", args=[outcome.survey_slug]))
    return {"outcome": outcome, "survey": survey, "url": url,
            "qr_svg": segno.make(url, error="m").svg_inline(scale=4, dark="#1b1b1b", light="#ffffff",
                                                            omitsize=False, title=_("QR code of the survey"))}


@manage_programs
@require_safe
def program_page(request, pk):
    return _program_page(request, _program(request, pk))


@manage_programs
@require_POST
def session_add(request, pk):
    program = _program(request, pk)
    form = SessionForm(request.POST, agency=request.agency)
    if form.is_valid():
        try:
            services.add_session(request.user, program, starts_at=form.cleaned_data["starts_at"],
                                 ends_at=form.cleaned_data["ends_at"], place=form.cleaned_data["place"])
        except services.ProgramsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The session is added."))
            return redirect(_program_url(program.pk, "sessions"))
    return _program_page(request, program, session_form=form, status=400)


@manage_programs
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request, pk):
    session = get_object_or_404(scoped(ProgramSession, request.agency).select_related("program"), pk=pk)
    enrolled = list(session.program.enrolments.filter(status=EnrolmentStatus.ENROLLED)
                    .select_related("participant").order_by("participant__display_name"))
    if request.method == "POST":
        chosen = set(request.POST.getlist("present"))
        try:
            count = services.record_attendance(request.user, session,
                                               [enrolment for enrolment in enrolled if str(enrolment.pk) in chosen])
        except services.ProgramsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Attendance saved: %(count)s present.") % {"count": count})
            return redirect(_program_url(session.program_id, "sessions"))
    present = set(session.attendance.values_list("enrolment_id", flat=True))
    return private(render(request, "programs/staff/attendance.html", {
        "session": session, "program": session.program, "title": session.program.title_in(current_language()),
        "rows": [(enrolment, enrolment.pk in present) for enrolment in enrolled], "zone": request.agency.timezone}))


# ---------------------------------------------------------------- enrolments

@manage_programs
@require_POST
def enrol(request, pk):
    enrolment = _enrolment(request, pk)
    try:
        services.enrol(request.user, enrolment)
    except services.ProgramsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is enrolled.") % {"name": enrolment.participant.display_name})
    return redirect(_program_url(enrolment.program_id, "participants"))


@manage_programs
@require_POST
def withdraw(request, pk):
    enrolment = _enrolment(request, pk)
    try:
        services.withdraw(request.user, enrolment)
    except services.ProgramsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is withdrawn.") % {"name": enrolment.participant.display_name})
    return redirect(_program_url(enrolment.program_id, "participants"))


@manage_programs
@require_http_methods(["GET", "HEAD", "POST"])
def consent(request, pk):
    """A guardian's consent: who gave it (to contact them), or record one given on paper."""
    enrolment = _enrolment(request, pk)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(request.user, enrolment, **form.cleaned_data)
        except services.ProgramsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The guardian's consent is recorded."))
            return redirect(_program_url(enrolment.program_id, "participants"))
    return private(render(request, "programs/staff/consent.html", {
        "enrolment": enrolment, "program": enrolment.program, "title": enrolment.program.title_in(current_language()),
        "consent": enrolment.consent, "form": form, "zone": request.agency.timezone}))


@manage_programs
@require_safe
def figures_csv(request, pk):
    """The program's figures as aggregates only (no names, no ids), small counts suppressed like anything that
    may leave the console."""
    program = _program(request, pk)
    counted = services.figures(program, request.agency.today())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["program", "table", "group", "count", "suppressed"])

    def write(table: str, counts: dict) -> None:
        for group, value in suppress_counts(counts).items():
            writer.writerow([program.slug, table, group, "" if value is None else value, value is None])

    total = suppress_total(counted["enrolled"])
    writer.writerow([program.slug, "enrolled", "all", "" if total is None else total, total is None])
    write("age_band", counted["age_bands"])
    write("school", counted["schools"])
    write("session_attendance", {session.starts_at.date().isoformat() + f" #{session.pk}": present
                                 for session, present in counted["sessions"]})
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="program-{program.slug}-figures.csv"'
    return private(response)


@manage_programs
@require_POST
def outcome_survey(request, pk):
    program = _program(request, pk)
    try:
        services.open_outcome_survey(request.user, program, request.agency.today().year)
    except services.ProgramsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The outcome survey is open. Share its link or QR code with mentees and their "
                                    "families."))
    return redirect(_program_url(program.pk, "outcome-survey"))


# ---------------------------------------------------------------- mentoring

@manage_programs
@require_http_methods(["GET", "HEAD", "POST"])
def mentors(request):
    form = MentorForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_mentor(request.user, request.agency, form.cleaned_data["officer"],
                                     background_check_on=form.cleaned_data["background_check_on"],
                                     valid_months=form.cleaned_data["valid_months"])
        except services.ProgramsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The mentor's background check is recorded."))
            return redirect("programs:staff_mentors")
    today = request.agency.today()
    listed = scoped(Mentor, request.agency).select_related("officer").annotate(
        running=Count("matches", filter=Q(matches__ended_on__isnull=True)))
    return render(request, "programs/staff/mentors.html", {
        "form": form, "rows": [{"mentor": mentor, "current": mentor.check_is_current(today)} for mentor in listed]})


@manage_programs
@require_POST
def match_new(request, pk):
    program = _program(request, pk)
    today = request.agency.today()
    mentor_list = list(scoped(Mentor, request.agency).select_related("officer"))
    mentee_list = list(services.mentees(program))
    form = MatchForm(request.POST, mentors=mentor_list, mentees=mentee_list, today=today)
    if form.is_valid():
        mentor = next(m for m in mentor_list if str(m.pk) == form.cleaned_data["mentor"])
        mentee = next(e for e in mentee_list if str(e.pk) == form.cleaned_data["mentee"])
        try:
            services.match_mentor(request.user, mentor, mentee, started_on=form.cleaned_data["started_on"])
        except services.ProgramsError as error:
            form.add_error("mentor", str(error))
        else:
            messages.success(request, _("The mentor and mentee are matched."))
            return redirect(_program_url(program.pk, "mentoring"))
    return _program_page(request, program, match_form=form, status=400)


def _match(request, pk) -> Match:
    return get_object_or_404(scoped(Match, request.agency).select_related(
        "mentor__officer", "mentee__participant", "mentee__program"), pk=pk)


@manage_programs
@require_http_methods(["GET", "HEAD", "POST"])
def match_page(request, pk):
    match = _match(request, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_meeting(request.user, match, **form.cleaned_data)
        except services.ProgramsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting is logged."))
            return redirect("programs:staff_match", pk=match.pk)
    today = request.agency.today()
    return private(render(request, "programs/staff/match.html", {
        "match": match, "program": match.mentee.program, "title": match.mentee.program.title_in(current_language()),
        "expired": not match.mentor.check_is_current(today), "meetings": match.meetings.all(), "form": form},
        status=400 if form.errors else 200))


@manage_programs
@require_POST
def match_end(request, pk):
    match = _match(request, pk)
    try:
        services.end_match(request.user, match)
    except services.ProgramsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The match has ended."))
    return redirect("programs:staff_match", pk=match.pk)


urlpatterns = [
    path("console/programs/", programs, name="staff_programs"),
    path("console/programs/new/", program_new, name="staff_program_new"),
    path("console/programs/mentors/", mentors, name="staff_mentors"),
    path("console/programs/<int:pk>/", program_page, name="staff_program"),
    path("console/programs/<int:pk>/edit/", program_edit, name="staff_program_edit"),
    path("console/programs/<int:pk>/sessions/", session_add, name="staff_session_add"),
    path("console/programs/<int:pk>/figures.csv", figures_csv, name="staff_figures_csv"),
    path("console/programs/<int:pk>/outcome-survey/", outcome_survey, name="staff_outcome_survey"),
    path("console/programs/<int:pk>/matches/", match_new, name="staff_match_new"),
    path("console/programs/sessions/<int:pk>/attendance/", attendance, name="staff_attendance"),
    path("console/programs/enrolments/<int:pk>/enrol/", enrol, name="staff_enrol"),
    path("console/programs/enrolments/<int:pk>/withdraw/", withdraw, name="staff_withdraw"),
    path("console/programs/enrolments/<int:pk>/consent/", consent, name="staff_consent"),
    path("console/programs/matches/<int:pk>/", match_page, name="staff_match"),
    path("console/programs/matches/<int:pk>/end/", match_end, name="staff_match_end"),
]
