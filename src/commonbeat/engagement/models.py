"""Community engagement: events residents can find and join, who came and which officers took part, the
concerns raised there, and the problem-solving projects (SARA) those concerns become.

Texts a resident reads are stored per language as {"en": "...", "es": "..."} (see `core.texts.text_in`).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood, Officer, Unit
from commonbeat.core.texts import text_in


class EventKind(AgencyOwned):
    """What sort of event: the standard kinds every agency starts with, and any the agency adds."""

    slug = models.SlugField(_("short name"))
    name = models.JSONField(_("name"), default=dict)
    is_workshop = models.BooleanField(_("public workshop"), default=False,
                                      help_text=_("Workshops teach residents something (safety, know your rights)."))
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("event kind")
        verbose_name_plural = _("event kinds")
        ordering = ["agency", "position", "slug"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="event_kind_slug_per_agency")]

    def __str__(self) -> str:
        return text_in(self.name, "en")

    def name_in(self, language: str) -> str:
        return text_in(self.name, language)


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Event(AgencyOwned):
    """A community event. Times are stored in UTC and shown in the agency's time zone."""

    kind = models.ForeignKey(EventKind, on_delete=models.PROTECT, related_name="events", verbose_name=_("kind"))
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place_name = models.CharField(_("place"), max_length=200, blank=True,
                                  help_text=_("The name of the venue, e.g. Mill Creek Library."))
    address = models.CharField(_("address"), max_length=300)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="events", verbose_name=_("neighbourhood"))
    accessibility_notes = models.JSONField(_("accessibility"), default=dict, blank=True)
    language_notes = models.JSONField(_("languages spoken"), default=dict, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           help_text=_("Leave empty when there is no limit."))
    organiser = models.CharField(_("organiser"), max_length=200)
    organising_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="events", verbose_name=_("organising unit"))
    partner_organisations = models.TextField(_("partner organisations"), blank=True,
                                             help_text=_("One per line."))
    status = models.CharField(_("status"), max_length=12, choices=EventStatus.choices,
                              default=EventStatus.SCHEDULED)
    feedback_survey_slug = models.SlugField(_("feedback survey"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["agency", "starts_at"]),
            models.Index(fields=["agency", "neighbourhood", "starts_at"]),
        ]

    def __str__(self) -> str:
        return text_in(self.title, "en")

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    def description_in(self, language: str) -> str:
        return text_in(self.description, language)

    @property
    def partners(self) -> list[str]:
        return [line.strip() for line in self.partner_organisations.splitlines() if line.strip()]

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED


class RsvpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Place confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Rsvp(AgencyOwned):
    """A resident's reply to an event. Name and e-mail are encrypted at rest. The resident's link (to see it,
    cancel it, and show at the door as a QR code) carries a token derived from `uid` and the site's secret
    key, so the e-mails can carry it; only its hash is stored, to find the RSVP from the link."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="rsvps")
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("e-mail address"), blank=True)
    party_size = models.PositiveSmallIntegerField(_("people coming"), default=1)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(_("status"), max_length=12, choices=RsvpStatus.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField()
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    feedback_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "idempotency_key"], name="rsvp_idempotency")]
        indexes = [models.Index(fields=["agency", "event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"RSVP {self.pk} to {self.event}"


class CheckInMethod(models.TextChoices):
    RSVP_LIST = "rsvp_list", _("From the RSVP list")
    QR_CODE = "qr_code", _("QR code")
    WALK_IN = "walk_in", _("Walk-ins")


class Attendance(AgencyOwned):
    """People who came: one RSVP checked in, or a count of walk-ins."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="attendance")
    rsvp = models.OneToOneField(Rsvp, null=True, blank=True, on_delete=models.PROTECT, related_name="attendance")
    people = models.PositiveIntegerField(_("people"))
    method = models.CharField(_("how"), max_length=12, choices=CheckInMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["agency", "event"])]

    def __str__(self) -> str:
        return f"{self.people} at {self.event}"


class ParticipationRole(models.TextChoices):
    HOST = "host", _("Host")
    PRESENTER = "presenter", _("Presenter")
    FACILITATOR = "facilitator", _("Facilitator")
    PARTICIPANT = "participant", _("Participant")
    SUPPORT = "support", _("Support")


class OfficerParticipation(AgencyOwned):
    """An officer who took part in an event, in what role, for how long."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="participation")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="event_participation",
                                verbose_name=_("officer"))
    role = models.CharField(_("role"), max_length=12, choices=ParticipationRole.choices)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("officer participation")
        verbose_name_plural = _("officer participation")
        ordering = ["event", "officer__last_name"]
        constraints = [models.UniqueConstraint(fields=["event", "officer"], name="one_participation_per_officer")]
        indexes = [models.Index(fields=["agency", "officer"])]

    def __str__(self) -> str:
        return f"{self.officer} at {self.event}"


class Stage(models.TextChoices):
    """SARA: the four stages of a problem-solving project."""

    SCANNING = "scanning", _("Scanning")
    ANALYSIS = "analysis", _("Analysis")
    RESPONSE = "response", _("Response")
    ASSESSMENT = "assessment", _("Assessment")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    CLOSED_UNRESOLVED = "closed_unresolved", _("Closed without a resolution")


class Problem(AgencyOwned):
    """A problem-solving project: a concern residents raised, worked through scanning, analysis, response and
    assessment, with a public page so residents can see what happened to it."""

    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="problems", verbose_name=_("neighbourhood"))
    owner = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.PROTECT, related_name="problems",
                              verbose_name=_("owner"))
    partner_organisations = models.TextField(_("partner organisations"), blank=True, help_text=_("One per line."))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.SCANNING)
    status = models.CharField(_("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("problem-solving project")
        verbose_name_plural = _("problem-solving projects")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["agency", "status", "opened_at"]),
                   models.Index(fields=["agency", "neighbourhood"])]

    def __str__(self) -> str:
        return text_in(self.title, "en")

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    @property
    def partners(self) -> list[str]:
        return [line.strip() for line in self.partner_organisations.splitlines() if line.strip()]


class Milestone(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="milestones")
    title = models.JSONField(_("milestone"), default=dict)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["problem", "position", "id"]

    def __str__(self) -> str:
        return text_in(self.title, "en")


class ProblemUpdate(models.Model):
    """A status update on a project. Public unless marked internal."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="updates")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    text = models.JSONField(_("update"), default=dict)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["problem", "-written_at", "-id"]

    def __str__(self) -> str:
        return text_in(self.text, "en")[:60]


class Concern(AgencyOwned):
    """A concern residents raised at an event, as staff recorded it; it may become a problem-solving project."""

    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns")
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="concerns", verbose_name=_("neighbourhood"))
    text = models.TextField(_("concern"))
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns",
                                verbose_name=_("problem-solving project"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]
