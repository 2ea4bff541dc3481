"""Every change to surveys and responses. Each runs in one transaction and writes its audit event
(responses, which are anonymous and many, are counted in the audit log per survey, not one by one)."""

import hashlib
import re
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.ratelimit import Limit
from commonbeat.core.tenancy import scoped

from . import instrument
from .models import Answer, Channel, Invitation, Question, QuestionKind, Response, Survey, SurveyStatus

OUTSIDE_CITY = "outside"
# Anonymous responses per client (hashed address, never stored): generous for a household, not for a script.
ANONYMOUS_RESPONSES = Limit("survey-response", limit=20, window_seconds=60 * 60)


class SurveyError(Exception):
    """A change that cannot be made, with a message a person can read."""


@dataclass
class AnswerErrors(Exception):
    """Answers that need fixing: question code -> message."""

    errors: dict[str, str] = field(default_factory=dict)


def _require(actor, agency: Agency, action: Action = Action.MANAGE_SURVEYS) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


@transaction.atomic
def create_survey(actor, agency: Agency, *, slug: str, title: dict, introduction: dict | None = None,
                  standard: bool = True, procedural_justice: bool = False) -> Survey:
    """A new draft survey, starting from the standard trust and safety instrument unless `standard` is False.
    A survey that starts from the standard instrument counts toward the trust index."""
    _require(actor, agency)
    if scoped(Survey, agency).filter(slug=slug).exists():
        raise SurveyError(_("There is already a survey with that short name."))
    if not (title or {}).get("en"):
        raise SurveyError(_("Give the survey a title in English."))
    survey = Survey.objects.create(agency=agency, slug=slug, title=title, introduction=introduction or {},
                                   counts_toward_trust_index=standard, created_by=actor)
    questions = list(instrument.STANDARD) if standard else []
    if procedural_justice:
        questions += instrument.PROCEDURAL_JUSTICE
    for position, spec in enumerate(questions):
        Question.objects.create(survey=survey, position=position, **spec)
    audit.record("surveys.survey_created", actor=actor, agency=agency, target=survey,
                 changes={"slug": slug, "standard": standard, "procedural_justice": procedural_justice})
    return survey


@transaction.atomic
def open_survey(actor, survey: Survey) -> Survey:
    _require(actor, survey.agency)
    if survey.status == SurveyStatus.OPEN:
        raise SurveyError(_("The survey is already open."))
    if not survey.questions.exists():
        raise SurveyError(_("Add at least one question before opening the survey."))
    survey.status = SurveyStatus.OPEN
    survey.opens_at = survey.opens_at or timezone.now()
    survey.save()
    audit.record("surveys.survey_opened", actor=actor, agency=survey.agency, target=survey)
    return survey


@transaction.atomic
def close_survey(actor, survey: Survey) -> Survey:
    _require(actor, survey.agency)
    if survey.status != SurveyStatus.OPEN:
        raise SurveyError(_("Only an open survey can be closed."))
    survey.status, survey.closes_at = SurveyStatus.CLOSED, timezone.now()
    survey.save()
    audit.record("surveys.survey_closed", actor=actor, agency=survey.agency, target=survey,
                 changes={"responses": survey.responses.count()})
    return survey


def find_survey(agency: Agency, slug: str) -> Survey | None:
    """The agency's survey with this short name, for other apps that link to one."""
    return scoped(Survey, agency).filter(slug=slug).first()


def is_accepting(survey: Survey) -> bool:
    now = timezone.now()
    return (survey.status == SurveyStatus.OPEN and (survey.opens_at is None or survey.opens_at <= now)
            and (survey.closes_at is None or now < survey.closes_at))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_invitations(actor, survey: Survey, count: int, panel: str = "") -> list[str]:
    """Single-use invitation tokens for a panel. The tokens are returned once; only hashes are kept."""
    _require(actor, survey.agency)
    if not 1 <= count <= 5000:
        raise SurveyError(_("Create between 1 and 5,000 invitations at a time."))
    tokens = [secrets.token_urlsafe(18) for _ in range(count)]
    Invitation.objects.bulk_create([Invitation(agency=survey.agency, survey=survey, token_hash=_hash(token),
                                               panel=panel) for token in tokens])
    audit.record("surveys.invitations_created", actor=actor, agency=survey.agency, target=survey,
                 changes={"count": count, "panel": panel})
    return tokens


def find_invitation(survey: Survey, token: str) -> Invitation | None:
    return survey.invitations.filter(token_hash=_hash(token or "")).first()


# ---------------------------------------------------------------- answering

def neighbourhood_choices(agency: Agency, language: str) -> list[tuple[str, str]]:
    outside = _("I do not live in this city") if language != "es" else "No vivo en esta ciudad"
    return [(n.slug, n.name) for n in scoped(Neighbourhood, agency).order_by("name")] + [(OUTSIDE_CITY, outside)]


def _clean(question: Question, raw, agency: Agency):
    """(number, text, choices) for one answer, or raise ValueError with the message to show."""
    if any("\x00" in str(value) for value in (raw if isinstance(raw, (list, tuple)) else [raw])):
        raise ValueError(_("Null characters are not allowed."))  # PostgreSQL cannot store them in text
    if question.kind in (QuestionKind.SCALE_0_10, QuestionKind.AGREEMENT_5):
        top = 10 if question.kind == QuestionKind.SCALE_0_10 else 5
        bottom = 0 if question.kind == QuestionKind.SCALE_0_10 else 1
        try:
            number = int(str(raw))
        except ValueError:
            number = None
        if number is None or not bottom <= number <= top:
            raise ValueError(_("Choose a number from %(bottom)s to %(top)s.") % {"bottom": bottom, "top": top})
        return number, "", []
    if question.kind == QuestionKind.FREE_TEXT:
        text = str(raw).strip()
        if len(text) > 2000:
            raise ValueError(_("Please keep your answer under 2,000 characters."))
        return None, text, []
    if question.kind == QuestionKind.ZIP:
        text = str(raw).strip()
        if not re.fullmatch(r"\d{5}", text):
            raise ValueError(_("Enter a five-digit ZIP code."))
        return None, text, []
    if question.kind == QuestionKind.NEIGHBOURHOOD:
        slug = str(raw)
        if slug != OUTSIDE_CITY and not scoped(Neighbourhood, agency).filter(slug=slug).exists():
            raise ValueError(_("Choose your neighbourhood from the list."))
        return None, slug, []
    allowed = {choice["value"] for choice in question.choices}
    values = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    if question.kind == QuestionKind.SINGLE_CHOICE and len(values) != 1:
        raise ValueError(_("Choose one answer."))
    if any(str(value) not in allowed for value in values):
        raise ValueError(_("Choose from the answers given."))
    return None, "", [str(value) for value in values]


def _is_blank(raw) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


@transaction.atomic
def submit_response(agency: Agency, survey: Survey, answers: dict, *, language: str = "en",
                    channel: str = Channel.LINK, invitation_token: str = "", idempotency_key: str = "") -> Response:
    """Store one person's answers. Required questions must be answered; a retried submission (same key)
    returns the first response; an invitation can be used once. Responses from outside the city or
    without a neighbourhood are kept but marked ineligible, so they never count toward the index."""
    if survey.agency_id != agency.id:
        raise PermissionDenied
    if not is_accepting(survey):
        raise SurveyError(_("This survey is not taking answers now."))
    if idempotency_key:
        existing = survey.responses.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
    invitation = None
    if channel == Channel.INVITATION or invitation_token:
        invitation = Invitation.objects.select_for_update().filter(
            survey=survey, token_hash=_hash(invitation_token)).first()
        if invitation is None:
            raise SurveyError(_("This invitation link is not valid."))
        if invitation.used_at:
            raise SurveyError(_("This invitation has already been used. Thank you for answering."))
        channel = Channel.INVITATION
    errors, cleaned = {}, {}
    questions = list(survey.questions.all())
    for question in questions:
        raw = answers.get(question.code)
        if _is_blank(raw):
            if question.required:
                errors[question.code] = _("Please answer this question.")
            continue
        try:
            cleaned[question.code] = (question, *_clean(question, raw, agency))
        except ValueError as error:
            errors[question.code] = str(error)
    if errors:
        raise AnswerErrors(errors)

    def text_of(code):
        return cleaned[code][2] if code in cleaned else ""

    def number_of(code):
        return cleaned[code][1] if code in cleaned else None

    def choice_of(code):
        return cleaned[code][3][0] if code in cleaned and cleaned[code][3] else ""

    slug = text_of("neighbourhood")
    neighbourhood = scoped(Neighbourhood, agency).filter(slug=slug).first() if slug and slug != OUTSIDE_CITY else None
    reason = "outside_city" if slug == OUTSIDE_CITY else ("missing_neighbourhood" if neighbourhood is None else "")
    try:
        with transaction.atomic():
            response = Response.objects.create(
                agency=agency, survey=survey, submitted_at=timezone.now(),
                language=language if language in ("en", "es") else "en", channel=channel, invitation=invitation,
                idempotency_key=idempotency_key or None, eligible=not reason, ineligible_reason=reason,
                neighbourhood=neighbourhood, age_band=choice_of("age_band"), gender=choice_of("gender"),
                race_ethnicity=choice_of("race_ethnicity"), safety=number_of("safety"),
                respect=number_of("respect"), listen=number_of("listen"))
    except IntegrityError:
        return survey.responses.get(idempotency_key=idempotency_key)
    Answer.objects.bulk_create([Answer(response=response, question=question, number=number, text=text,
                                       choices=choices) for question, number, text, choices in cleaned.values()])
    if invitation is not None:
        invitation.used_at = response.submitted_at
        invitation.save(update_fields=["used_at"])
    return response


# ---------------------------------------------------------------- building a survey

STANDARD_SPECS = {spec["code"]: spec for spec in instrument.STANDARD}
MODULE_CODES = frozenset(spec["code"] for spec in instrument.PROCEDURAL_JUSTICE)
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.AGREEMENT_5)
CHOICE_VALUE = re.compile(r"[A-Za-z0-9_+.\-]{1,40}")
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def is_protected(question: Question) -> bool:
    """A standard item of a survey that counts toward the trust index: its wording may change, its meaning
    (code, kind, choice values, whether it must be answered) may not, and it cannot be removed."""
    return question.survey.counts_toward_trust_index and question.code in STANDARD_SPECS


def _draft(actor, survey: Survey) -> Survey:
    """The survey, locked for this transaction, if it is still a draft the actor may change."""
    _require(actor, survey.agency)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise SurveyError(_("Questions can only be changed while the survey is a draft. Residents may already "
                            "have answered this one, so changing it would make their answers mean something else."))
    return survey


def _texts(texts: dict | None) -> dict:
    """{language: text} without blank entries."""
    return {language: str(value).strip() for language, value in (texts or {}).items() if str(value or "").strip()}


def _clean_choices(kind: str, choices: list | None) -> list[dict]:
    """[{"value", "label": {language: text}}] checked: values short and unique, every choice labelled in
    English. Agreement questions without choices get the standard five points."""
    if kind not in CHOICE_KINDS:
        return []
    if kind == QuestionKind.AGREEMENT_5 and not choices:
        return [{"value": value, "label": {"en": en, "es": es}} for value, en, es in instrument.AGREEMENT]
    cleaned, seen = [], set()
    for choice in choices or []:
        value, label = str(choice.get("value", "")).strip(), _texts(choice.get("label"))
        if not CHOICE_VALUE.fullmatch(value):
            raise SurveyError(_("“%(value)s” cannot be a choice value: use up to 40 letters, digits or the "
                                "signs _ + . - (no spaces).") % {"value": value})
        if value in seen:
            raise SurveyError(_("The choice value “%(value)s” is used twice.") % {"value": value})
        if not label.get("en"):
            raise SurveyError(_("Give the choice “%(value)s” a label in English.") % {"value": value})
        seen.add(value)
        cleaned.append({"value": value, "label": label})
    if len(cleaned) < 2:
        raise SurveyError(_("A choice question needs at least two choices."))
    if kind == QuestionKind.AGREEMENT_5 and [c["value"] for c in cleaned] != ["1", "2", "3", "4", "5"]:
        raise SurveyError(_("A 5-point agreement question has the values 1 to 5, in order."))
    return cleaned


def _check_standard_meaning(survey: Survey, code: str, kind: str, choices: list[dict], required: bool) -> None:
    """The standard codes feed the trust index, so on an index survey they keep the standard meaning."""
    spec = STANDARD_SPECS.get(code)
    if spec is None or not survey.counts_toward_trust_index:
        return
    if kind != spec["kind"]:
        raise SurveyError(_("“%(code)s” is a standard trust and safety question; its kind is fixed while the "
                            "survey counts toward the trust index.") % {"code": code})
    if [c["value"] for c in choices] != [c["value"] for c in spec["choices"]]:
        raise SurveyError(_("“%(code)s” is a standard trust and safety question; its choice values are read by "
                            "the trust index and are fixed. You can reword the labels.") % {"code": code})
    if required != spec["required"]:
        raise SurveyError(_("“%(code)s” is a standard trust and safety question; whether it must be answered "
                            "is fixed while the survey counts toward the trust index.") % {"code": code})


def _question_fields(survey: Survey, question: Question | None, *, code: str, kind: str, text: dict,
                     help_text: dict | None, choices: list | None, required: bool) -> dict:
    code = (code or "").strip()
    if not CODE.fullmatch(code):
        raise SurveyError(_("The code starts with a small letter and uses only small letters, digits and _ "
                            "(at most 40), for example “bike_patrols”."))
    _check_code_free(survey, code, question)
    if kind not in QuestionKind.values:
        raise SurveyError(_("Choose what kind of question this is."))
    text = _texts(text)
    if not text.get("en"):
        raise SurveyError(_("Write the question in English."))
    cleaned = _clean_choices(kind, choices)
    _check_standard_meaning(survey, code, kind, cleaned, bool(required))
    return {"code": code, "kind": kind, "text": text, "help_text": _texts(help_text), "choices": cleaned,
            "required": bool(required)}


def _check_code_free(survey: Survey, code: str, question: Question | None = None) -> None:
    taken = survey.questions.filter(code=code)
    if question is not None:
        taken = taken.exclude(pk=question.pk)
    if taken.exists():
        raise SurveyError(_("Another question in this survey already has the code “%(code)s”.") % {"code": code})
    if code in MODULE_CODES and (question is None or question.code != code):
        raise SurveyError(_("The code “%(code)s” belongs to the procedural-justice module; add the module "
                            "instead, or choose another code.") % {"code": code})


def _renumber(survey: Survey) -> list[Question]:
    questions = list(survey.questions.order_by("position", "id"))
    for position, question in enumerate(questions):
        question.position = position
    Question.objects.bulk_update(questions, ["position"])
    return questions


@transaction.atomic
def add_question(actor, survey: Survey, *, code: str, kind: str, text: dict, help_text: dict | None = None,
                 choices: list | None = None, required: bool = False) -> Question:
    """Add a question at the end of a draft survey. Texts are {language: text}; English is required.
    A standard code keeps its standard meaning on a survey that counts toward the trust index."""
    survey = _draft(actor, survey)
    fields = _question_fields(survey, None, code=code, kind=kind, text=text, help_text=help_text, choices=choices,
                              required=required)
    position = len(_renumber(survey))
    question = Question.objects.create(survey=survey, position=position, module="", **fields)
    audit.record("surveys.question_added", actor=actor, agency=survey.agency, target=question,
                 changes={"survey": survey.pk, **fields})
    return question


@transaction.atomic
def update_question(actor, question: Question, *, code: str, kind: str, text: dict, help_text: dict | None = None,
                    choices: list | None = None, required: bool = False) -> Question:
    """Change a question of a draft survey. The standard items of a survey that counts toward the trust index
    can be reworded, but keep their code, kind, choice values and whether they must be answered."""
    survey = _draft(actor, question.survey)
    question = Question.objects.select_for_update().get(pk=question.pk, survey=survey)
    if is_protected(question) and (code or "").strip() != question.code:
        raise SurveyError(_("“%(code)s” is a standard trust and safety question; its code is read by the trust "
                            "index and cannot change.") % {"code": question.code})
    fields = _question_fields(survey, question, code=code, kind=kind, text=text, help_text=help_text,
                              choices=choices, required=required)
    changes = {name: value for name, value in fields.items() if getattr(question, name) != value}
    for name, value in fields.items():
        setattr(question, name, value)
    question.save()
    audit.record("surveys.question_changed", actor=actor, agency=survey.agency, target=question,
                 changes={"survey": survey.pk, **changes})
    return question


@transaction.atomic
def remove_question(actor, question: Question) -> None:
    """Remove a question from a draft survey; the standard items of an index survey cannot be removed."""
    survey = _draft(actor, question.survey)
    question = Question.objects.get(pk=question.pk, survey=survey)
    if is_protected(question):
        raise SurveyError(_("“%(code)s” is a standard trust and safety question and cannot be removed while the "
                            "survey counts toward the trust index. You can reword it.") % {"code": question.code})
    audit.record("surveys.question_removed", actor=actor, agency=survey.agency, target=question,
                 changes={"survey": survey.pk, "code": question.code})
    question.delete()
    _renumber(survey)


@transaction.atomic
def move_question(actor, question: Question, direction: str) -> Question:
    """Move a question of a draft survey one place "up" (earlier) or "down" (later)."""
    survey = _draft(actor, question.survey)
    if direction not in ("up", "down"):
        raise SurveyError(_("Move a question up or down."))
    questions = _renumber(survey)
    index = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if index is None:
        raise Question.DoesNotExist
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(questions):
        raise SurveyError(_("The question is already first.") if direction == "up"
                          else _("The question is already last."))
    moved, neighbour = questions[index], questions[other]
    moved.position, neighbour.position = neighbour.position, moved.position
    Question.objects.bulk_update([moved, neighbour], ["position"])
    audit.record("surveys.question_moved", actor=actor, agency=survey.agency, target=moved,
                 changes={"survey": survey.pk, "code": moved.code, "position": moved.position})
    return moved


@transaction.atomic
def add_procedural_justice(actor, survey: Survey) -> list[Question]:
    """Add the procedural-justice module's questions (those the draft does not have yet) at the end."""
    survey = _draft(actor, survey)
    present = set(survey.questions.values_list("code", flat=True))
    missing = [spec for spec in instrument.PROCEDURAL_JUSTICE if spec["code"] not in present]
    if not missing:
        raise SurveyError(_("This survey already has the procedural-justice questions."))
    start = len(_renumber(survey))
    added = [Question.objects.create(survey=survey, position=start + offset, **spec)
             for offset, spec in enumerate(missing)]
    audit.record("surveys.procedural_justice_added", actor=actor, agency=survey.agency, target=survey,
                 changes={"codes": [q.code for q in added]})
    return added


@transaction.atomic
def set_schedule(actor, survey: Survey, *, opens_at, closes_at) -> Survey:
    """When a draft or open survey takes answers. A closed survey's dates are part of its record and stay;
    to stop an open survey now, close it rather than moving its closing date into the past."""
    _require(actor, survey.agency)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        raise SurveyError(_("The survey is closed; its dates can no longer change."))
    if opens_at and closes_at and closes_at <= opens_at:
        raise SurveyError(_("The survey must close after it opens."))
    if survey.status == SurveyStatus.OPEN and closes_at and closes_at <= timezone.now():
        raise SurveyError(_("That closing time has passed. To stop taking answers now, close the survey."))
    before = {"opens_at": survey.opens_at, "closes_at": survey.closes_at}
    survey.opens_at, survey.closes_at = opens_at, closes_at
    survey.save(update_fields=["opens_at", "closes_at"])
    audit.record("surveys.schedule_set", actor=actor, agency=survey.agency, target=survey,
                 changes={"before": before, "opens_at": opens_at, "closes_at": closes_at})
    return survey
