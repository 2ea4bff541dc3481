"""Body-worn cameras: the registry of recordings (never the video itself, only where the evidence system keeps it
and the SHA-256 of the file), how long each kind of recording is kept, and public requests for footage.

A requester's name and e-mail address are encrypted at rest and shown only to staff who handle footage
requests; they never reach a public page, an export or the audit log. The requester follows the request with a
tracking code that is shown once and stored only as a hash (the approach of `commonbeat.feedback.tracking`).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood, Officer
from commonbeat.core.texts import text_in

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "BodyCamProgram",
    "BodyCamRecording",
    "DenialBasis",
    "FootageRequest",
    "FootageRequestMessage",
    "FootageRequestStatus",
    "RecordingCategory",
    "RetentionRule",
    "sha256_validator",
]


class RecordingCategory(models.TextChoices):
    USE_OF_FORCE = "use_of_force", _("Use of force")
    ARREST = "arrest", _("Arrest")
    TRAFFIC_STOP = "traffic_stop", _("Traffic stop")
    CALL_FOR_SERVICE = "call_for_service", _("Call for service")
    COMPLAINT_RELATED = "complaint_related", _("Related to a complaint")
    NON_EVIDENTIARY = "non_evidentiary", _("Non-evidentiary")


# Days each category is kept unless the agency sets its own rule (a common state-law minimum for each).
DEFAULT_RETENTION_DAYS = {
    RecordingCategory.USE_OF_FORCE: 3 * 365,
    RecordingCategory.ARREST: 2 * 365,
    RecordingCategory.TRAFFIC_STOP: 180,
    RecordingCategory.CALL_FOR_SERVICE: 180,
    RecordingCategory.COMPLAINT_RELATED: 3 * 365,
    RecordingCategory.NON_EVIDENTIARY: 90,
}

sha256_validator = RegexValidator(r"^[0-9a-f]{64}$",
                                  _("A SHA-256 is 64 characters, each 0–9 or a–f."))


class BodyCamProgram(AgencyOwned):
    """What the agency tells the public about its cameras: what they are for, and where the policy is."""

    about = models.JSONField(_("what the cameras are for"), default=dict, blank=True)
    policy_url = models.URLField(_("link to the body-worn camera policy"), blank=True)

    class Meta:
        verbose_name = _("body-worn camera program")
        verbose_name_plural = _("body-worn camera programs")
        constraints = [models.UniqueConstraint(fields=["agency"], name="one_bodycam_program_per_agency")]

    def __str__(self) -> str:
        return str(self.agency)

    def about_in(self, language: str) -> str:
        return text_in(self.about, language)


class RetentionRule(AgencyOwned):
    """How many days the agency keeps recordings of one category, counted from the day of the recording."""

    category = models.CharField(_("category"), max_length=20, choices=RecordingCategory.choices)
    days = models.PositiveIntegerField(_("days to keep"))

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["agency", "category"]
        constraints = [models.UniqueConstraint(fields=["agency", "category"], name="retention_rule_per_category")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.days}"


class BodyCamRecording(AgencyOwned):
    """One recording, as registered from the evidence system. The video itself is never stored here."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="bodycam_recordings",
                                verbose_name=_("officer"))
    started_at = models.DateTimeField(_("start"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    category = models.CharField(_("category"), max_length=20, choices=RecordingCategory.choices)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, validators=[sha256_validator])
    evidence_location = models.CharField(_("where the evidence system keeps it"), max_length=300)
    report = models.ForeignKey("feedback.Report", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="bodycam_recordings", verbose_name=_("complaint case"))
    case_number = models.CharField(_("external case number"), max_length=40, blank=True)
    legal_hold = models.BooleanField(_("under legal hold"), default=False)
    legal_hold_reason = models.CharField(_("why it is held"), max_length=300, blank=True)
    deleted_on = models.DateField(_("deleted in the evidence system on"), null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("deletion recorded by"))
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("body-worn camera recording")
        verbose_name_plural = _("body-worn camera recordings")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "sha256"], name="recording_sha256_per_agency")]
        indexes = [
            models.Index(fields=["agency", "started_at"]),
            models.Index(fields=["agency", "category", "started_at"]),
            models.Index(fields=["agency", "officer", "started_at"]),
            models.Index(fields=["agency", "deleted_on"]),
        ]

    def __str__(self) -> str:
        return f"Recording {self.pk}"

    @property
    def duration_text(self) -> str:
        hours, rest = divmod(self.duration_seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class FootageRequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    SEARCHING = "searching", _("Searching for recordings")
    REVIEWING = "reviewing", _("Reviewing the recordings")
    REDACTING = "redacting", _("Redacting (blurring what the law protects)")
    RELEASED = "released", _("Released")
    DENIED = "denied", _("Denied")


class DenialBasis(models.TextChoices):
    NO_RECORDING = "no_recording", _("No recording of the incident exists")
    ACTIVE_INVESTIGATION = "active_investigation", _("Release would interfere with an open investigation or "
                                                     "prosecution")
    PRIVACY = "privacy", _("Release would unreasonably invade someone's privacy (e.g. inside a home, a victim)")
    JUVENILE = "juvenile", _("The recording shows a minor, protected by juvenile law")
    OTHER_LAW = "other_law", _("Another law forbids release")


class FootageRequest(AgencyOwned):
    """A resident's request for footage. Due 10 business days after receipt; one extension of 10 more."""

    reference = models.CharField(_("request number"), max_length=20)
    received_on = models.DateField(_("received on"))
    status = models.CharField(_("status"), max_length=12, choices=FootageRequestStatus.choices,
                              default=FootageRequestStatus.RECEIVED)
    due_on = models.DateField(_("answer due by law"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="footage_requests", verbose_name=_("neighbourhood"))
    denial_basis = models.CharField(_("legal basis for the denial"), max_length=24, choices=DenialBasis.choices,
                                    blank=True)
    denial_explanation = models.TextField(_("explanation of the denial"), blank=True)
    extended_on = models.DateField(_("deadline extended on"), null=True, blank=True)
    extension_reason = models.CharField(_("why the deadline was extended"), max_length=500, blank=True)

    # The requester: encrypted, for handlers only, never published, exported or audited.
    requester_name = EncryptedTextField(_("requester's name"))
    requester_email = EncryptedTextField(_("requester's e-mail address"))
    incident_date = models.DateField(_("date of the incident"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    reason = models.TextField(_("what the footage is wanted for"))
    language = models.CharField(_("language"), max_length=8, default="en")

    tracking_code_hash = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    submission_fingerprint = models.CharField(max_length=64, blank=True)
    recordings = models.ManyToManyField(BodyCamRecording, blank=True, related_name="footage_requests",
                                        verbose_name=_("recordings"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("footage request")
        verbose_name_plural = _("footage requests")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "reference"], name="footage_request_reference"),
            models.UniqueConstraint(fields=["agency", "idempotency_key"], name="footage_request_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_on"]),
            models.Index(fields=["agency", "received_on"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in (FootageRequestStatus.RELEASED, FootageRequestStatus.DENIED)

    def is_overdue(self, today) -> bool:
        return self.is_open and today > self.due_on


class FootageRequestMessage(AgencyOwned):
    """A message from staff to the requester: shown on the status page and e-mailed."""

    request = models.ForeignKey(FootageRequest, on_delete=models.CASCADE, related_name="messages",
                                verbose_name=_("footage request"))
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        verbose_name = _("message to the requester")
        verbose_name_plural = _("messages to the requester")
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.request_id}"
