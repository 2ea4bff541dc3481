"""The tenant (Agency), its geography and its people, and the audit log every service writes to."""

import uuid
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Agency(models.Model):
    """A police department and the community it serves: the tenant of every other record."""

    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    hosts = models.TextField(
        _("host names"),
        blank=True,
        help_text=_("Host names that serve this agency's site, one per line (e.g. trust.example.gov)."),
    )
    logo = models.ImageField(_("logo"), upload_to="agency-logos/", blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="America/Chicago",
                                validators=[validate_timezone])
    languages = models.CharField(_("languages"), max_length=64, default="en,es",
                                 help_text=_("Language codes offered to residents, comma-separated."))
    acknowledgement_target_days = models.PositiveSmallIntegerField(_("acknowledgement target (days)"),
                                                                   default=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def host_names(self) -> list[str]:
        return [line.strip().lower() for line in self.hosts.splitlines() if line.strip()]

    @property
    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    def display_name(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The agency's time zone: dates residents and staff see, and the weeks and months figures count in."""
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> date:
        return timezone.localdate(timezone=self.zone)

    def day_bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        """From midnight starting `first` to midnight ending `last`, in the agency's time zone."""
        return (datetime.combine(first, time.min, tzinfo=self.zone),
                datetime.combine(last + timedelta(days=1), time.min, tzinfo=self.zone))

    def absolute_url(self, path: str) -> str:
        """A link to `path` on this agency's site, for e-mails and feeds."""
        host = self.host_names[0] if self.host_names else "localhost"
        scheme = "http" if host in ("localhost", "127.0.0.1") or host.endswith(".localhost") else "https"
        return f"{scheme}://{host}{path}"


class AgencyOwned(models.Model):
    """Every domain row belongs to one agency; lists are always read through `core.tenancy.scoped`."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))

    class Meta:
        abstract = True


class Neighbourhood(AgencyOwned):
    """A neighbourhood with its boundary and census make-up (used to weight survey responses)."""

    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=120)
    boundary = models.JSONField(_("boundary"), help_text=_("A GeoJSON Polygon or MultiPolygon (WGS 84)."))
    population = models.PositiveIntegerField(_("population"), default=0)
    # {"age_band": {"18-29": 1200, ...}, "gender": {...}, "race_ethnicity": {...}}
    census = models.JSONField(_("census make-up"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="neighbourhood_slug_per_agency")]

    def __str__(self) -> str:
        return self.name


class Unit(AgencyOwned):
    """A unit, district or division of the department."""

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=20)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("part of"))

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="unit_code_per_agency")]

    def __str__(self) -> str:
        return self.name


class Officer(AgencyOwned):
    """A sworn member of the department. Linked to a user account when the officer signs in."""

    badge_number = models.CharField(_("badge number"), max_length=20)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    rank = models.CharField(_("rank"), max_length=60)
    assignment = models.CharField(_("assignment"), max_length=60, blank=True,
                                  help_text=_("What the officer does, e.g. patrol or school resource; "
                                              "officers with the same unit and assignment are compared as peers."))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="officers",
                             verbose_name=_("unit"))
    supervisor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="supervisees", verbose_name=_("supervisor"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="officer", verbose_name=_("user account"))
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["agency", "last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["agency", "badge_number"], name="badge_per_agency")]
        indexes = [models.Index(fields=["agency", "unit"])]

    def __str__(self) -> str:
        return f"{self.rank} {self.first_name} {self.last_name} (#{self.badge_number})"


class AuditEvent(models.Model):
    """One thing that happened, written by a service in the same transaction as the change.

    Append-only: the row is never updated except to record the seal that covers it. `event_hash` is the
    SHA-256 of the canonical JSON of the event's own fields, computed when written, so writers never wait
    on each other; sealing later chains the hashes (see `core.audit`).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=200, help_text=_("Who acted, kept even if the account goes."))
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text=_("Before and after, summarised."))
    occurred_at = models.DateTimeField()
    event_hash = models.CharField(max_length=64)
    seal = models.ForeignKey("AuditSeal", null=True, blank=True, on_delete=models.PROTECT, related_name="events")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["agency", "object_type", "object_id"]),
            models.Index(fields=["seal", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label}: {self.action}"


class AuditSeal(models.Model):
    """A link in the public hash chain: covers a batch of events and the previous seal's hash."""

    sequence = models.PositiveIntegerField(unique=True)
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    event_count = models.PositiveIntegerField()
    events_digest = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()
    seal_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.seal_hash[:12]}…"
