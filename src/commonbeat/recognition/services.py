"""Every change to stories, award programs, nominations, panel scores and awards.

Each service takes the acting user (AnonymousUser for a resident) and the agency or object explicitly, checks the
role, runs in one transaction and writes its audit event there. Audit events hold codes and ids only, never a
submitter's, nominator's or nominee's name or any free text.
"""

import io
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency, Officer
from commonbeat.core.tenancy import scoped
from commonbeat.feedback.models import Kind as ReportKind
from commonbeat.feedback.models import Report
from commonbeat.insights.text.redaction import redact

from .models import (
    Award,
    AwardProgram,
    Nomination,
    NominationSource,
    NomineeKind,
    PanelScore,
    Story,
    StorySource,
    StoryStatus,
)

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
PHOTO_MAX_PIXELS = 50_000_000  # a small file can hold a huge image; decoding it would take gigabytes
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


class RecognitionError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


def _unique_slug(agency: Agency, text: str) -> str:
    base = (slugify(text)[:60].strip("-") or "story")
    slug, number = base, 2
    while scoped(Story, agency).filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


# ---------------------------------------------------------------- photos

def clean_photo(upload) -> ContentFile:
    """The upload as a JPEG with no metadata (EXIF, GPS, comments), at most 1600 pixels a side. Refuses anything
    that is not a JPEG, PNG or WebP image, or is over 5 MB."""
    if upload.size > PHOTO_MAX_BYTES:
        raise RecognitionError(_("The photo is too large: it can be 5 MB at most."))
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
        if width * height > PHOTO_MAX_PIXELS:
            raise RecognitionError(_("The photo is too large: send one of at most 50 megapixels."))
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            # Copying the pixels into a new image leaves every metadata block behind.
            clean = Image.new("RGB", image.size)
            clean.paste(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise RecognitionError(_("The photo could not be read: send a JPEG, PNG or WebP image.")) from error
    if kind not in PHOTO_FORMATS:
        raise RecognitionError(_("The photo could not be read: send a JPEG, PNG or WebP image."))
    clean.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


# ---------------------------------------------------------------- stories

@dataclass
class StorySubmission:
    """What a resident sends on the public form."""

    title: str
    text: str
    language: str = "en"
    name: str = ""
    email: str = ""
    neighbourhood: object = None
    photo: object = None
    photo_consent: bool = False


def share_story(actor, agency: Agency, submission: StorySubmission, *, token: str) -> Story:
    """A resident shares a story. Nothing is shown until staff approve it. A photo is taken only when everyone
    in it agreed; it is stripped of metadata before it is stored. The same form token returns the first story."""
    if token:
        existing = scoped(Story, agency).filter(submission_token=token).first()
        if existing:
            return existing
    title, text = submission.title.strip(), submission.text.strip()
    if not title or not text:
        raise RecognitionError(_("Give your story a title and tell it."))
    if submission.neighbourhood is not None and submission.neighbourhood.agency_id != agency.pk:
        raise RecognitionError(_("Choose a neighbourhood from the list."))
    photo = None
    if submission.photo:
        if not submission.photo_consent:
            raise RecognitionError(_("A photo can only be shared when everyone in it agreed. Tick the box to "
                                     "confirm, or leave the photo out."))
        photo = clean_photo(submission.photo)
    try:
        with transaction.atomic():
            story = Story(agency=agency, slug=_unique_slug(agency, f"shared-{uuid.uuid4().hex[:8]}"),
                          source=StorySource.RESIDENT, status=StoryStatus.PENDING,
                          submitted_title=title[:200], submitted_text=text,
                          submitted_language=submission.language if submission.language in ("en", "es") else "en",
                          submitter_name=submission.name.strip()[:120], submitter_email=submission.email.strip(),
                          neighbourhood=submission.neighbourhood, photo_consent=bool(photo),
                          submission_token=token or None, created_at=timezone.now())
            if photo:
                story.photo.save(photo.name, photo, save=False)
            story.save()
            audit.record("recognition.story_shared", actor=actor, agency=agency, target=story,
                         changes={"photo": bool(photo)})
    except IntegrityError:
        existing = scoped(Story, agency).filter(submission_token=token).first()
        if existing is None:
            raise
        return existing
    return story


def redacted_submission(story: Story) -> tuple[str, str]:
    """The resident's title and text with personal details redacted: what the moderator starts from."""
    return (redact(story.submitted_title, agency=story.agency),
            redact(story.submitted_text, agency=story.agency))


def _story_links(agency: Agency, details: dict) -> dict:
    officer, neighbourhood = details.get("officer"), details.get("neighbourhood")
    if officer is not None and officer.agency_id != agency.pk:
        raise RecognitionError(_("Choose an officer from the list."))
    if neighbourhood is not None and neighbourhood.agency_id != agency.pk:
        raise RecognitionError(_("Choose a neighbourhood from the list."))
    member = (details.get("community_member") or "").strip()
    if member and not details.get("community_member_agreed"):
        raise RecognitionError(_("A community member can only be named once they agreed to it."))
    return {"officer": officer, "neighbourhood": neighbourhood, "community_member": member[:120],
            "community_member_agreed": bool(member)}


@transaction.atomic
def write_story(actor, agency: Agency, *, title: dict, body: dict, publish: bool = True, photo=None,
                photo_consent: bool = False, photo_description: dict | None = None, **details) -> Story:
    """Staff write a story; it is published at once unless kept as waiting. The same photo rules apply."""
    _require(actor, agency, Action.MANAGE_STORIES)
    title, body = _texts(title), _texts(body)
    if not title.get("en") or not body.get("en"):
        raise RecognitionError(_("A story needs at least an English title and text."))
    links = _story_links(agency, details)
    clean = None
    if photo:
        if not photo_consent:
            raise RecognitionError(_("A photo can only be published when everyone in it agreed."))
        clean = clean_photo(photo)
    now = timezone.now()
    story = Story(agency=agency, slug=_unique_slug(agency, title["en"]), source=StorySource.STAFF, title=title,
                  body=body, written_by=actor, created_at=now, photo_consent=bool(clean),
                  photo_description=_texts(photo_description),
                  status=StoryStatus.PUBLISHED if publish else StoryStatus.PENDING,
                  published_at=now if publish else None, **links)
    if clean:
        story.photo.save(clean.name, clean, save=False)
    story.save()
    audit.record("recognition.story_written", actor=actor, agency=agency, target=story,
                 changes={"status": story.status, "photo": bool(clean)})
    return story


@transaction.atomic
def edit_story(actor, story: Story, *, title: dict, body: dict, photo_description: dict | None = None,
               **details) -> Story:
    """Staff edit the public text (and add the translation) of any story, published or not."""
    _require(actor, story.agency, Action.MANAGE_STORIES)
    title, body = _texts(title), _texts(body)
    if not title.get("en") and not title.get("es"):
        raise RecognitionError(_("Give the story a title."))
    if not body.get("en") and not body.get("es"):
        raise RecognitionError(_("Give the story its text."))
    links = _story_links(story.agency, details)
    story.title, story.body = title, body
    story.photo_description = _texts(photo_description)
    for field, value in links.items():
        setattr(story, field, value)
    story.save()
    audit.record("recognition.story_edited", actor=actor, agency=story.agency, target=story,
                 changes={"languages": sorted(set(title) & set(body))})
    return story


@transaction.atomic
def publish_story(actor, story: Story) -> Story:
    """Publish a story. A resident's story must have been given its public text (title and story) first."""
    _require(actor, story.agency, Action.MANAGE_STORIES)
    story = Story.objects.select_for_update().get(pk=story.pk)
    if story.status == StoryStatus.PUBLISHED:
        raise RecognitionError(_("This story is already published."))
    if not _texts(story.title) or not _texts(story.body):
        raise RecognitionError(_("Save the public title and text before publishing."))
    if story.photo and not story.photo_consent:
        raise RecognitionError(_("A photo can only be published when everyone in it agreed."))
    story.status, story.published_at = StoryStatus.PUBLISHED, timezone.now()
    story.save(update_fields=["status", "published_at"])
    audit.record("recognition.story_published", actor=actor, agency=story.agency, target=story)
    return story


@transaction.atomic
def decline_story(actor, story: Story) -> Story:
    """Keep a story off the public site (or take a published one down)."""
    _require(actor, story.agency, Action.MANAGE_STORIES)
    story = Story.objects.select_for_update().get(pk=story.pk)
    if story.status == StoryStatus.DECLINED:
        raise RecognitionError(_("This story is already off the public site."))
    before = story.status
    story.status, story.published_at = StoryStatus.DECLINED, None
    story.save(update_fields=["status", "published_at"])
    audit.record("recognition.story_declined", actor=actor, agency=story.agency, target=story,
                 changes={"from": before})
    return story


@transaction.atomic
def remove_photo(actor, story: Story) -> Story:
    _require(actor, story.agency, Action.MANAGE_STORIES)
    if not story.photo:
        raise RecognitionError(_("This story has no photo."))
    story.photo.delete(save=False)
    story.photo, story.photo_consent = "", False
    story.save(update_fields=["photo", "photo_consent"])
    audit.record("recognition.story_photo_removed", actor=actor, agency=story.agency, target=story)
    return story


def published_stories(agency: Agency) -> QuerySet[Story]:
    return (scoped(Story, agency).filter(status=StoryStatus.PUBLISHED)
            .select_related("officer", "neighbourhood").order_by("-published_at", "-id"))


# ---------------------------------------------------------------- award programs

def _check_program(agency: Agency, *, name: dict, opens_on: date, closes_on: date, nominee_kind: str) -> None:
    if not _texts(name).get("en"):
        raise RecognitionError(_("Give the award a name in English."))
    if nominee_kind not in NomineeKind.values:
        raise RecognitionError(_("Say who can be nominated."))
    if closes_on < opens_on:
        raise RecognitionError(_("Nominations must close on or after the day they open."))


@transaction.atomic
def create_program(actor, agency: Agency, *, slug: str, name: dict, criteria: dict | None, nominee_kind: str,
                   opens_on: date, closes_on: date) -> AwardProgram:
    _require(actor, agency, Action.MANAGE_AWARDS)
    _check_program(agency, name=name, opens_on=opens_on, closes_on=closes_on, nominee_kind=nominee_kind)
    if scoped(AwardProgram, agency).filter(slug=slug).exists():
        raise RecognitionError(_("Another award already uses this short name."))
    program = AwardProgram.objects.create(agency=agency, slug=slug, name=_texts(name), criteria=_texts(criteria),
                                          nominee_kind=nominee_kind, opens_on=opens_on, closes_on=closes_on)
    audit.record("recognition.program_created", actor=actor, agency=agency, target=program,
                 changes={"slug": slug, "nominee_kind": nominee_kind})
    return program


@transaction.atomic
def update_program(actor, program: AwardProgram, *, name: dict, criteria: dict | None, opens_on: date,
                   closes_on: date) -> AwardProgram:
    """Change the name, criteria or nomination window. Who can be nominated is fixed once created."""
    _require(actor, program.agency, Action.MANAGE_AWARDS)
    _check_program(program.agency, name=name, opens_on=opens_on, closes_on=closes_on,
                   nominee_kind=program.nominee_kind)
    program.name, program.criteria = _texts(name), _texts(criteria)
    program.opens_on, program.closes_on = opens_on, closes_on
    program.save()
    audit.record("recognition.program_updated", actor=actor, agency=program.agency, target=program,
                 changes={"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()})
    return program


@transaction.atomic
def set_panel(actor, program: AwardProgram, members) -> AwardProgram:
    """Choose the review panel: staff of this agency whose role lets them score nominations."""
    _require(actor, program.agency, Action.MANAGE_AWARDS)
    members = list(members)
    for member in members:
        if not can(member, program.agency, Action.SCORE_NOMINATIONS):
            raise RecognitionError(_("%(name)s's role does not allow scoring nominations.")
                                   % {"name": member.get_username()})
    program.panel.set(members)
    audit.record("recognition.panel_set", actor=actor, agency=program.agency, target=program,
                 changes={"members": sorted(member.pk for member in members)})
    return program


def open_programs(agency: Agency, today: date | None = None) -> QuerySet[AwardProgram]:
    today = today or agency.today()
    return scoped(AwardProgram, agency).filter(opens_on__lte=today, closes_on__gte=today).order_by("slug")


# ---------------------------------------------------------------- nominations

def _nominee(program: AwardProgram, officer: Officer | None, nominee_name: str) -> dict:
    if program.nominee_kind == NomineeKind.OFFICER:
        if officer is None or officer.agency_id != program.agency_id:
            raise RecognitionError(_("Choose the officer you are nominating."))
        return {"officer": officer, "nominee_name": ""}
    if not nominee_name.strip():
        raise RecognitionError(_("Give the name of the person you are nominating."))
    return {"officer": None, "nominee_name": nominee_name.strip()[:120]}


def _window_open(program: AwardProgram) -> None:
    if not program.is_open(program.agency.today()):
        raise RecognitionError(_("Nominations for this award are closed."))


def nominate(actor, program: AwardProgram, *, reason: str, nominator_name: str, nominator_contact: str,
             token: str, officer: Officer | None = None, nominee_name: str = "") -> Nomination:
    """A resident nominates someone while the window is open. The same form token returns the first nomination,
    so a retried submission never counts twice."""
    if token:
        existing = scoped(Nomination, program.agency).filter(submission_token=token).first()
        if existing:
            return existing
    _window_open(program)
    nominee = _nominee(program, officer, nominee_name)
    if not reason.strip():
        raise RecognitionError(_("Say why they deserve the award."))
    if not nominator_name.strip() or not nominator_contact.strip():
        raise RecognitionError(_("Give your name and a way to reach you. They are never made public."))
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                agency=program.agency, program=program, year=program.year, reason=reason.strip(),
                source=NominationSource.PUBLIC, nominator_name=nominator_name.strip()[:120],
                nominator_contact=nominator_contact.strip()[:200], submission_token=token or None,
                created_at=timezone.now(), **nominee)
            audit.record("recognition.nominated", actor=actor, agency=program.agency, target=nomination,
                         changes={"program": program.pk, "source": NominationSource.PUBLIC})
    except IntegrityError:
        existing = scoped(Nomination, program.agency).filter(submission_token=token).first()
        if existing is None:
            raise
        return existing
    return nomination


@transaction.atomic
def nominate_as_staff(actor, program: AwardProgram, *, reason: str, officer: Officer | None = None,
                      nominee_name: str = "") -> Nomination:
    _require(actor, program.agency, Action.NOMINATE_FOR_AWARDS)
    _window_open(program)
    nominee = _nominee(program, officer, nominee_name)
    if not reason.strip():
        raise RecognitionError(_("Say why they deserve the award."))
    nomination = Nomination.objects.create(
        agency=program.agency, program=program, year=program.year, reason=reason.strip(),
        source=NominationSource.STAFF, nominated_by=actor, created_at=timezone.now(), **nominee)
    audit.record("recognition.nominated", actor=actor, agency=program.agency, target=nomination,
                 changes={"program": program.pk, "source": NominationSource.STAFF})
    return nomination


def commendations_to_put_forward(agency: Agency) -> QuerySet[Report]:
    """Commendations that were verified and put forward for recognition, newest first."""
    return (scoped(Report, agency).filter(kind=ReportKind.COMMENDATION, put_forward_for_recognition_at__isnull=False)
            .prefetch_related("commended_officers").order_by("-put_forward_for_recognition_at"))


@transaction.atomic
def nominate_from_commendation(actor, program: AwardProgram, commendation: Report, officer: Officer) -> Nomination:
    """Put a commendation forward as a nomination of the officer it commends, once per award and year. The
    reason is the commendation's case number; its narrative stays in the case file."""
    _require(actor, program.agency, Action.NOMINATE_FOR_AWARDS)
    if program.nominee_kind != NomineeKind.OFFICER:
        raise RecognitionError(_("A commendation can only be put forward for an award for officers."))
    if commendation.agency_id != program.agency_id or commendation.kind != ReportKind.COMMENDATION:
        raise RecognitionError(_("Choose a commendation."))
    if not commendation.commended_officers.filter(pk=officer.pk).exists():
        raise RecognitionError(_("This commendation does not commend that officer."))
    _window_open(program)
    if scoped(Nomination, program.agency).filter(program=program, year=program.year, commendation=commendation,
                                                 officer=officer).exists():
        raise RecognitionError(_("This commendation is already a nomination for this award."))
    nomination = Nomination.objects.create(
        agency=program.agency, program=program, year=program.year, officer=officer,
        reason=_("Commended by a resident (case %(reference)s).") % {"reference": commendation.reference},
        source=NominationSource.COMMENDATION, commendation=commendation, nominated_by=actor,
        created_at=timezone.now())
    audit.record("recognition.nominated", actor=actor, agency=program.agency, target=nomination,
                 changes={"program": program.pk, "source": NominationSource.COMMENDATION,
                          "commendation": commendation.pk})
    return nomination


# ---------------------------------------------------------------- panel and awards

def is_panel_member(user, program: AwardProgram) -> bool:
    return (can(user, program.agency, Action.SCORE_NOMINATIONS)
            and program.panel.filter(pk=getattr(user, "pk", None)).exists())


def is_decided(program: AwardProgram, year: int) -> bool:
    return scoped(Award, program.agency).filter(program=program, year=year).exists()


@transaction.atomic
def score(actor, nomination: Nomination, value: int) -> PanelScore:
    """A panel member scores a nomination 1–5 on the award's criteria: one score each, changeable until the
    year's awards for the program are announced."""
    program = nomination.program
    _require(actor, nomination.agency, Action.SCORE_NOMINATIONS)
    if not program.panel.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only the award's panel members score its nominations."))
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise RecognitionError(_("A score is a whole number from 1 to 5."))
    if is_decided(program, nomination.year):
        raise RecognitionError(_("The awards for this year are announced; scores can no longer change."))
    existing = PanelScore.objects.filter(nomination=nomination, member=actor).first()
    entry, _created = PanelScore.objects.update_or_create(
        nomination=nomination, member=actor, defaults={"score": value, "agency": nomination.agency})
    audit.record("recognition.scored", actor=actor, agency=nomination.agency, target=nomination,
                 changes={"score": value, "before": existing.score if existing else None})
    return entry


def ranking(program: AwardProgram, year: int) -> list[Nomination]:
    """The year's nominations with `average` (None without scores) and `score_count`, best average first."""
    listed = (scoped(Nomination, program.agency).filter(program=program, year=year)
              .select_related("officer").annotate(average=Avg("scores__score"), score_count=Count("scores")))
    return sorted(listed, key=lambda n: (n.average is None, -(n.average or 0), -n.score_count, n.pk))


@transaction.atomic
def announce(actor, nomination: Nomination, *, citation: dict, nominee_agreed: bool = False) -> Award:
    """Announce a nomination as a winner of its award for its year (a program may have several winners). A
    community member is named publicly only with their agreement. Scores for that year are then final."""
    _require(actor, nomination.agency, Action.MANAGE_AWARDS)
    citation = _texts(citation)
    if not citation.get("en") or not citation.get("es"):
        raise RecognitionError(_("Write the citation in English and in Spanish."))
    if nomination.program.nominee_kind == NomineeKind.COMMUNITY and not nominee_agreed:
        raise RecognitionError(_("A community member is only announced once they agreed to be named."))
    if Award.objects.filter(nomination=nomination).exists():
        raise RecognitionError(_("This nomination has already won."))
    award = Award.objects.create(agency=nomination.agency, program=nomination.program, year=nomination.year,
                                 nomination=nomination, citation=citation, announced_at=timezone.now(),
                                 announced_by=actor)
    audit.record("recognition.award_announced", actor=actor, agency=nomination.agency, target=award,
                 changes={"program": nomination.program_id, "year": nomination.year, "nomination": nomination.pk})
    return award


def announced_awards(agency: Agency) -> QuerySet[Award]:
    return (scoped(Award, agency).select_related("program", "nomination__officer")
            .order_by("-year", "program__slug", "id"))
