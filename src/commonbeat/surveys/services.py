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
