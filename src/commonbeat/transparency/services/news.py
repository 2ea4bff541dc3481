"""Every change to the agency's updates (news, public meeting notices, safety alerts), and what the public pages,
feeds and calendars read of them.

An update is written as a draft and is public only once published; unpublishing takes it off the site, the
feeds and the calendar again. Each change is one transaction with its audit event (codes and ids only).

Other apps read `meeting_notice_entries(agency, since, language)` to put public meeting notices in their own
iCalendar feeds.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit, ical
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.tenancy import scoped

from ..models import ALERT_ACTIVE_DAYS, Update, UpdateKind

SUMMARY_MAX_LENGTH = 300
MEETING_MAX_HOURS = 12


class UpdateError(Exception):
    """A change to an update that cannot be made, with a message a person can read."""


@dataclass
class UpdateDetails:
    """What staff write for an update. `starts_at`, `ends_at` and `place` are for a public meeting notice (both
    times required); a safety alert may have `ends_at` alone (in effect until); news has neither."""

    kind: str
    title: dict
    summary: dict
    body: dict
    neighbourhood: Neighbourhood | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str = ""


def _require(actor, agency: Agency) -> None:
    if not can(actor, agency, Action.PUBLISH_UPDATES):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


def _checked(agency: Agency, details: UpdateDetails) -> UpdateDetails:
    """The details cleaned, or an UpdateError saying what to fix."""
    if details.kind not in UpdateKind.values:
        raise UpdateError(_("Choose what kind of update this is."))
    title, summary, body = _texts(details.title), _texts(details.summary), _texts(details.body)
    if not title.get("en") or not summary.get("en") or not body.get("en"):
        raise UpdateError(_("Write at least the English title, summary and text."))
    if any(len(text) > SUMMARY_MAX_LENGTH for text in summary.values()):
        raise UpdateError(_("Keep the summary short (%(count)s characters at most): it is what social media "
                            "and feed readers show.") % {"count": SUMMARY_MAX_LENGTH})
    if details.neighbourhood is not None and details.neighbourhood.agency_id != agency.pk:
        raise UpdateError(_("Choose one of the agency's neighbourhoods."))
    starts_at, ends_at, place = details.starts_at, details.ends_at, details.place.strip()
    if details.kind == UpdateKind.MEETING:
        if starts_at is None or ends_at is None:
            raise UpdateError(_("Give the day and the start and end times of the meeting."))
        if ends_at <= starts_at:
            raise UpdateError(_("The meeting must end after it starts."))
        if ends_at - starts_at > timedelta(hours=MEETING_MAX_HOURS):
            raise UpdateError(_("A meeting can last at most 12 hours."))
        if not place:
            raise UpdateError(_("Say where the meeting is (a place, or how to join online)."))
    elif details.kind == UpdateKind.SAFETY:
        starts_at, place = None, ""
    else:
        starts_at, ends_at, place = None, None, ""
    return UpdateDetails(kind=details.kind, title=title, summary=summary, body=body,
                         neighbourhood=details.neighbourhood, starts_at=starts_at, ends_at=ends_at, place=place)


def _unique_slug(agency: Agency, wanted: str, title: str) -> str:
    base = slugify(wanted or title)[:70].strip("-") or "update"
    taken = set(scoped(Update, agency).filter(slug__startswith=base).values_list("slug", flat=True))
    if wanted and base in taken:
        raise UpdateError(_("Another update already uses this short name."))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# ---------------------------------------------------------------- changes

@transaction.atomic
def create_update(actor, agency: Agency, details: UpdateDetails, *, slug: str = "") -> Update:
    """Write a draft. The short name (page address) is made from the English title unless one is given; a
    given one must be free within the agency."""
    _require(actor, agency)
    details = _checked(agency, details)
    update = Update.objects.create(
        agency=agency, kind=details.kind, slug=_unique_slug(agency, slug.strip(), details.title["en"]),
        title=details.title, summary=details.summary, body=details.body, neighbourhood=details.neighbourhood,
        starts_at=details.starts_at, ends_at=details.ends_at, place=details.place,
        created_by=actor if getattr(actor, "pk", None) else None)
    audit.record("transparency.update_created", actor=actor, agency=agency, target=update,
                 changes={"kind": update.kind, "slug": update.slug})
    return update


@transaction.atomic
def edit_update(actor, update: Update, details: UpdateDetails) -> Update:
    """Change what an update says, a draft or a published one (feeds show it as updated)."""
    _require(actor, update.agency)
    details = _checked(update.agency, details)
    update = Update.objects.select_for_update().get(pk=update.pk)
    update.kind, update.title, update.summary, update.body = (details.kind, details.title, details.summary,
                                                              details.body)
    update.neighbourhood, update.place = details.neighbourhood, details.place
    update.starts_at, update.ends_at = details.starts_at, details.ends_at
    update.save()
    audit.record("transparency.update_edited", actor=actor, agency=update.agency, target=update,
                 changes={"kind": update.kind, "published": update.is_published})
    return update


@transaction.atomic
def publish_update(actor, update: Update) -> Update:
    """Make a draft public: on /news/, in the feeds and, for a meeting notice, in the events calendar."""
    _require(actor, update.agency)
    update = Update.objects.select_for_update().get(pk=update.pk)
    if update.is_published:
        raise UpdateError(_("This update is already published."))
    update.published_at = timezone.now()
    update.save(update_fields=["published_at", "updated_at"])
    audit.record("transparency.update_published", actor=actor, agency=update.agency, target=update,
                 changes={"kind": update.kind, "slug": update.slug})
    return update


@transaction.atomic
def unpublish_update(actor, update: Update) -> Update:
    """Take a published update off the public site, feeds and calendar; it becomes a draft again."""
    _require(actor, update.agency)
    update = Update.objects.select_for_update().get(pk=update.pk)
    if not update.is_published:
        raise UpdateError(_("This update is not published."))
    update.published_at = None
    update.save(update_fields=["published_at", "updated_at"])
    audit.record("transparency.update_unpublished", actor=actor, agency=update.agency, target=update,
                 changes={"kind": update.kind, "slug": update.slug})
    return update


# ---------------------------------------------------------------- reading

def published_updates(agency: Agency) -> QuerySet[Update]:
    """What the public sees, newest first. Drafts never appear."""
    return (scoped(Update, agency).filter(published_at__isnull=False).select_related("neighbourhood", "agency")
            .order_by("-published_at", "-id"))


def active_safety_alerts(agency: Agency, now: datetime | None = None) -> QuerySet[Update]:
    """Published safety alerts whose end is still ahead, and those given no end for seven days after publishing
    (the same rule as `Update.is_active_alert`)."""
    now = now or timezone.now()
    return published_updates(agency).filter(kind=UpdateKind.SAFETY).filter(
        Q(ends_at__gt=now) | Q(ends_at__isnull=True, published_at__gte=now - timedelta(days=ALERT_ACTIVE_DAYS)))


def page_url(update: Update, language: str) -> str:
    """The absolute address of the update's public page in `language` (for feeds, calendars and shares)."""
    with translation.override(language):
        return update.agency.absolute_url(reverse("transparency:update", args=[update.slug]))


def meeting_entry(update: Update, language: str) -> ical.CalendarEntry:
    agency = update.agency
    with translation.override(language):
        category = str(UpdateKind.MEETING.label)
    return ical.CalendarEntry(
        uid=ical.uid(agency, f"meeting-notice-{update.pk}"), starts_at=update.starts_at, ends_at=update.ends_at,
        title=update.title_in(language), description=update.summary_in(language), location=update.place,
        url=page_url(update, language), categories=(category,), updated_at=update.updated_at)


def meeting_notice_entries(agency: Agency, since: datetime, language: str) -> list[ical.CalendarEntry]:
    """Published public meeting notices ending after `since`, as calendar entries."""
    meetings = published_updates(agency).filter(kind=UpdateKind.MEETING, ends_at__gte=since,
                                                starts_at__isnull=False)
    return [meeting_entry(update, language) for update in meetings]
