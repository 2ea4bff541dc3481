"""The staff console for surveys: build, preview, share, read the responses, export, close.

Views are thin: parse a form, call one service, redirect with a message. A refusal is shown on the form
that asked for it with what was typed kept; a button without input (move, remove, open) reports it as a
message on the survey page.
"""

import csv
import io
from collections import defaultdict
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action
from commonbeat.core.caching import private
from commonbeat.core.models import Neighbourhood
from commonbeat.core.tenancy import scoped

from .. import exports, services
from ..models import Channel, Invitation, Question, QuestionKind, Response, Survey, SurveyStatus, text_in
from ..staff_forms import InvitationForm, QuestionForm, ScheduleForm, SurveyForm
from .public import QR_SOURCE

PAGE_SIZE = 50
QR_SCALE = 10
INELIGIBLE_REASONS = {
    "outside_city": gettext_lazy("Lives outside the city"),
    "missing_neighbourhood": gettext_lazy("No neighbourhood given"),
}
manage_surveys = staff_required(Action.MANAGE_SURVEYS)


# ---------------------------------------------------------------- links residents follow

def _language_prefix(language: str) -> str:
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def _resident_path(name: str, survey: Survey, language: str, agreed: str) -> str:
    with override(language):
        try:
            return reverse(name, args=[survey.slug])
        except NoReverseMatch:  # the resident pages are not mounted: their agreed address
            return f"{_language_prefix(language)}{agreed}"


def public_path(survey: Survey, language: str) -> str:
    """The path of the resident page for `survey` in `language` ("/s/<slug>/", "/es/s/<slug>/")."""
    return _resident_path("surveys:answer", survey, language, f"/s/{survey.slug}/")


def embed_path(survey: Survey, language: str) -> str:
    return _resident_path("surveys:embed", survey, language, f"/s/{survey.slug}/embed/")


def public_url(survey: Survey, language: str) -> str:
    return survey.agency.absolute_url(public_path(survey, language))


def qr_url(survey: Survey, language: str) -> str:
    """What the QR codes encode: the public link, marked so answers that came by QR code are counted as such."""
    return f"{public_url(survey, language)}?source={QR_SOURCE}"


def invitation_url(survey: Survey, language: str, token: str) -> str:
    return f"{public_url(survey, language)}?invitation={token}"


def qr_image(url: str, kind: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url).save(buffer, kind=kind, scale=QR_SCALE)
    return buffer.getvalue()


def _language(request) -> str:
    """The language asked for with ?lang=, else the page's."""
    codes = [code for code, _name in settings.LANGUAGES]
    asked = request.GET.get("lang", "")
    return asked if asked in codes else (get_language() if get_language() in codes else settings.LANGUAGE_CODE)


# ---------------------------------------------------------------- shared helpers

def _survey(request, survey_id) -> Survey:
    return get_object_or_404(scoped(Survey, request.agency), pk=survey_id)


def _question(survey: Survey, question_id) -> Question:
    return get_object_or_404(survey.questions, pk=question_id)


def _title(survey: Survey) -> str:
    return text_in(survey.title, get_language() or "en")


def _page(request, survey: Survey, template: str, context: dict, status: int = 200):
    return render(request, template, {"survey": survey, "title": _title(survey), **context}, status=status)


# ---------------------------------------------------------------- list and new

@manage_surveys
@require_safe
def surveys(request):
    listed = (scoped(Survey, request.agency)
              .annotate(eligible=Count("responses", filter=Q(responses__eligible=True)),
                        ineligible=Count("responses", filter=Q(responses__eligible=False)))
              .order_by("-created_at", "-id"))
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/staff/surveys.html", {
        "page": page, "rows": [(survey, _title(survey)) for survey in page.object_list]})


@manage_surveys
def survey_new(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(
                request.user, request.agency, slug=form.cleaned_data["slug"], title=form.texts("title"),
                introduction=form.texts("introduction"), standard=form.cleaned_data["standard"],
                procedural_justice=form.cleaned_data["procedural_justice"])
        except services.SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The survey is created as a draft. Add or change questions, then open it."))
            return redirect("surveys:staff_survey", survey_id=survey.id)
    return render(request, "surveys/staff/survey_new.html", {"form": form})


# ---------------------------------------------------------------- the builder

def _render_builder(request, survey: Survey, *, schedule_form: ScheduleForm | None = None, status: int = 200):
    questions = list(survey.questions.all())
    language = get_language() or "en"
    present = {question.code for question in questions}
    return _page(request, survey, "surveys/staff/builder.html", {
        "rows": [(question, text_in(question.text, language), services.is_protected(question))
                 for question in questions],
        "is_draft": survey.status == SurveyStatus.DRAFT,
        "can_add_module": bool(services.MODULE_CODES - present),
        "schedule_form": schedule_form or ScheduleForm(agency=request.agency, survey=survey),
        "accepting": services.is_accepting(survey),
    }, status=status)


@manage_surveys
@require_safe
def survey_builder(request, survey_id):
    return _render_builder(request, _survey(request, survey_id))


def _button(request, survey: Survey, perform, done: str, target: str = "surveys:staff_survey", anchor: str = ""):
    """Run one service for a button with no input, and say how it went on the survey's page."""
    try:
        perform()
    except services.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(reverse(target, args=[survey.id]) + anchor)


def _question_page(request, survey: Survey, question: Question | None):
    protected = question is not None and services.is_protected(question)
    initial = QuestionForm.initial_for(question) if question else None
    form = QuestionForm(request.POST or None, initial=initial, protected=protected)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                saved = services.add_question(request.user, survey, **form.question_fields())
            else:
                saved = services.update_question(request.user, question, **form.question_fields())
        except services.SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The question “%(code)s” is saved.") % {"code": saved.code})
            return redirect(reverse("surveys:staff_survey", args=[survey.id]) + f"#question-{saved.id}")
    return _page(request, survey, "surveys/staff/question_form.html", {
        "form": form, "question": question, "protected": protected,
        "is_draft": survey.status == SurveyStatus.DRAFT})


@manage_surveys
def question_new(request, survey_id):
    return _question_page(request, _survey(request, survey_id), None)


@manage_surveys
def question_edit(request, survey_id, question_id):
    survey = _survey(request, survey_id)
    return _question_page(request, survey, _question(survey, question_id))


@manage_surveys
def question_remove(request, survey_id, question_id):
    survey = _survey(request, survey_id)
    question = _question(survey, question_id)
    if request.method == "POST":
        return _button(request, survey, lambda: services.remove_question(request.user, question),
                       _("The question “%(code)s” is removed.") % {"code": question.code})
    return _page(request, survey, "surveys/staff/question_remove.html", {
        "question": question, "text": text_in(question.text, get_language() or "en"),
        "protected": services.is_protected(question)})


@manage_surveys
@require_POST
def question_move(request, survey_id, question_id):
    survey = _survey(request, survey_id)
    question = _question(survey, question_id)
    direction = request.POST.get("direction", "")
    done = _("The question moved up.") if direction == "up" else _("The question moved down.")
    return _button(request, survey, lambda: services.move_question(request.user, question, direction), done,
                   anchor=f"#question-{question.id}")


@manage_surveys
@require_POST
def add_procedural_justice(request, survey_id):
    survey = _survey(request, survey_id)
    return _button(request, survey, lambda: services.add_procedural_justice(request.user, survey),
                   _("The procedural-justice questions are added at the end."))


@manage_surveys
@require_POST
def schedule(request, survey_id):
    survey = _survey(request, survey_id)
    form = ScheduleForm(request.POST, agency=request.agency, survey=survey)
    if form.is_valid():
        try:
            services.set_schedule(request.user, survey, **form.cleaned_data)
        except services.SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The dates are saved."))
            return redirect("surveys:staff_survey", survey_id=survey.id)
    return _render_builder(request, survey, schedule_form=form)


@manage_surveys
@require_POST
def open_survey(request, survey_id):
    survey = _survey(request, survey_id)
    return _button(request, survey, lambda: services.open_survey(request.user, survey),
                   _("The survey is open. Share its link from the Share page."))


@manage_surveys
@require_POST
def close_survey(request, survey_id):
    survey = _survey(request, survey_id)
    return _button(request, survey, lambda: services.close_survey(request.user, survey),
                   _("The survey is closed; it takes no more answers."), target="surveys:staff_survey_responses")


# ---------------------------------------------------------------- preview

def _preview_question(question: Question, number: int, agency, language: str) -> dict:
    if question.kind == QuestionKind.SCALE_0_10:
        options = [(str(n), str(n)) for n in range(11)]
    elif question.kind == QuestionKind.NEIGHBOURHOOD:
        options = services.neighbourhood_choices(agency, language)
    else:
        options = [(choice["value"], text_in(choice["label"], language)) for choice in question.choices]
    return {"id": f"preview-{question.id}", "number": number, "kind": question.kind, "required": question.required,
            "text": text_in(question.text, language), "hint": text_in(question.help_text, language),
            "options": options}


@manage_surveys
@require_safe
def preview(request, survey_id):
    """The survey as a resident reads it, in any site language; nothing can be sent from here."""
    survey = _survey(request, survey_id)
    language = _language(request)
    questions = [_preview_question(question, number, request.agency, language)
                 for number, question in enumerate(survey.questions.all(), start=1)]
    return _page(request, survey, "surveys/staff/preview.html", {
        "preview_language": language, "languages": settings.LANGUAGES, "questions": questions,
        "resident_title": text_in(survey.title, language),
        "resident_introduction": text_in(survey.introduction, language)})


# ---------------------------------------------------------------- sharing

def _invitation_counts(survey: Survey) -> list[dict]:
    counts = (scoped(Invitation, survey.agency).filter(survey=survey).values("panel")
              .annotate(total=Count("id"), used=Count("id", filter=Q(used_at__isnull=False))).order_by("panel"))
    return [{**row, "unused": row["total"] - row["used"]} for row in counts]


def _render_share(request, survey: Survey, form: InvitationForm | None = None, status: int = 200):
    links = []
    for code, name in settings.LANGUAGES:
        url = public_url(survey, code)
        embed = survey.agency.absolute_url(embed_path(survey, code))
        snippet = (f'<iframe src="{escape(embed)}" title="{escape(text_in(survey.title, code))}" width="100%" '
                   f'height="900" loading="lazy"></iframe>')
        links.append({"code": code, "name": name, "url": url, "embed": snippet})
    return _page(request, survey, "surveys/staff/share.html", {
        "links": links, "form": form or InvitationForm(initial={"language": get_language()}),
        "panels": _invitation_counts(survey), "accepting": services.is_accepting(survey)}, status=status)


@manage_surveys
@require_safe
def share(request, survey_id):
    return _render_share(request, _survey(request, survey_id))


@manage_surveys
@require_safe
def qr_code(request, survey_id, kind):
    """The public link as a QR code, PNG for print or SVG for design tools."""
    survey = _survey(request, survey_id)
    language = _language(request)
    content_type = {"png": "image/png", "svg": "image/svg+xml"}[kind]
    response = HttpResponse(qr_image(qr_url(survey, language), kind), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-{language}-qr.{kind}"'
    return response


@manage_surveys
@require_POST
def invitations(request, survey_id):
    """Create single-use invitations and hand over their links, once, as CSV: only hashes are kept, so
    this download is the only place the links ever exist."""
    survey = _survey(request, survey_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tokens = services.create_invitations(request.user, survey, data["count"], data["panel"])
        except services.SurveyError as error:
            form.add_error(None, str(error))
        else:
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            writer = csv.writer(response, lineterminator="\n")
            writer.writerow(["panel", "language", "link"])
            for token in tokens:
                writer.writerow([data["panel"], data["language"], invitation_url(survey, data["language"], token)])
            panel = slugify(data["panel"]) or "panel"
            response["Content-Disposition"] = f'attachment; filename="{survey.slug}-invitations-{panel}.csv"'
            return private(response)
    return _render_share(request, survey, form)


# ---------------------------------------------------------------- responses

def _by_day_and_channel(responses, zone: ZoneInfo) -> list[dict]:
    counts: dict = defaultdict(dict)
    for row in (responses.annotate(day=TruncDate("submitted_at", tzinfo=zone)).values("day", "channel")
                .annotate(count=Count("id")).order_by()):
        counts[row["day"]][row["channel"]] = row["count"]
    return [{"day": day, "counts": [(label, per_channel.get(value, 0)) for value, label in Channel.choices],
             "total": sum(per_channel.values())} for day, per_channel in sorted(counts.items(), reverse=True)]


@manage_surveys
@require_safe
def responses(request, survey_id):
    survey = _survey(request, survey_id)
    received = scoped(Response, request.agency).filter(survey=survey)
    eligibility = {row["ineligible_reason"]: row["count"] for row in
                   received.values("ineligible_reason").annotate(count=Count("id")).order_by()}
    page = Paginator(received.select_related("neighbourhood").order_by("-submitted_at", "-id"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return private(_page(request, survey, "surveys/staff/responses.html", {
        "total": sum(eligibility.values()), "eligible": eligibility.get("", 0),
        "reasons": [(label, eligibility.get(reason, 0)) for reason, label in INELIGIBLE_REASONS.items()],
        "channels": Channel.labels, "days": _by_day_and_channel(received, ZoneInfo(request.agency.timezone)),
        "page": page, "rows": [(response, INELIGIBLE_REASONS.get(response.ineligible_reason, ""))
                               for response in page.object_list],
        "is_open": survey.status == SurveyStatus.OPEN}))


def _answer_shown(question: Question, answer, neighbourhoods: dict, language: str) -> str:
    if answer is None:
        return ""
    if question.kind == QuestionKind.NEIGHBOURHOOD:
        if answer.text == services.OUTSIDE_CITY:
            return str(INELIGIBLE_REASONS["outside_city"])
        return neighbourhoods.get(answer.text, answer.text)
    if answer.choices:
        labels = {choice["value"]: text_in(choice["label"], language) for choice in question.choices}
        return "; ".join(labels.get(value, value) for value in answer.choices)
    if answer.number is not None:
        number = exports.answer_value(question, answer)
        labels = {choice["value"]: text_in(choice["label"], language) for choice in question.choices}
        return f"{number} ({labels[number]})" if number in labels else number
    return answer.text


@manage_surveys
@require_safe
def response_detail(request, survey_id, response_id):
    survey = _survey(request, survey_id)
    response = get_object_or_404(scoped(Response, request.agency).filter(survey=survey)
                                 .select_related("neighbourhood"), pk=response_id)
    answers = {answer.question_id: answer for answer in response.answers.all()}
    language = get_language() or "en"
    neighbourhoods = dict(scoped(Neighbourhood, request.agency).values_list("slug", "name"))
    rows = [(question, text_in(question.text, language),
             _answer_shown(question, answers.get(question.id), neighbourhoods, language))
            for question in survey.questions.all()]
    return private(_page(request, survey, "surveys/staff/response.html", {
        "response": response, "rows": rows, "reason": INELIGIBLE_REASONS.get(response.ineligible_reason, "")}))


@manage_surveys
@require_safe
def export(request, survey_id):
    survey = _survey(request, survey_id)
    response = StreamingHttpResponse(exports.responses_csv(request.user, survey),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(survey)}"'
    return private(response)


urlpatterns = [
    path("console/surveys/", surveys, name="staff_surveys"),
    path("console/surveys/new/", survey_new, name="staff_survey_new"),
    path("console/surveys/<int:survey_id>/", survey_builder, name="staff_survey"),
    path("console/surveys/<int:survey_id>/questions/new/", question_new, name="staff_question_new"),
    path("console/surveys/<int:survey_id>/questions/<int:question_id>/", question_edit, name="staff_question"),
    path("console/surveys/<int:survey_id>/questions/<int:question_id>/remove/", question_remove,
         name="staff_question_remove"),
    path("console/surveys/<int:survey_id>/questions/<int:question_id>/move/", question_move,
         name="staff_question_move"),
    path("console/surveys/<int:survey_id>/procedural-justice/", add_procedural_justice,
         name="staff_survey_procedural_justice"),
    path("console/surveys/<int:survey_id>/schedule/", schedule, name="staff_survey_schedule"),
    path("console/surveys/<int:survey_id>/open/", open_survey, name="staff_survey_open"),
    path("console/surveys/<int:survey_id>/close/", close_survey, name="staff_survey_close"),
    path("console/surveys/<int:survey_id>/preview/", preview, name="staff_survey_preview"),
    path("console/surveys/<int:survey_id>/share/", share, name="staff_survey_share"),
    path("console/surveys/<int:survey_id>/qr.png", qr_code, {"kind": "png"}, name="staff_survey_qr_png"),
    path("console/surveys/<int:survey_id>/qr.svg", qr_code, {"kind": "svg"}, name="staff_survey_qr_svg"),
    path("console/surveys/<int:survey_id>/invitations/", invitations, name="staff_survey_invitations"),
    path("console/surveys/<int:survey_id>/responses/", responses, name="staff_survey_responses"),
    path("console/surveys/<int:survey_id>/responses/<int:response_id>/", response_detail,
         name="staff_survey_response"),
    path("console/surveys/<int:survey_id>/responses.csv", export, name="staff_survey_export"),
]
