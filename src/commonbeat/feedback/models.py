"""Complaints and commendations: what residents report, how each case is handled, and early intervention."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood, Officer, Unit


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    COMMENDATION = "commendation", _("Commendation")


class Classification(models.TextChoices):
    FORMAL_COMPLAINT = "formal_complaint", _("Formal complaint")
    INQUIRY = "inquiry", _("Inquiry")
    COMMENDATION = "commendation", _("Commendation")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned to an investigator")
    INVESTIGATING = "investigating", _("Under investigation")
    MEDIATION = "mediation", _("In mediation")
    REVIEW = "review", _("Findings under review")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    STAFF = "staff", _("Entered by staff")


class FeedbackSettings(models.Model):
    """Per-agency rules for complaints and commendations."""

    agency = models.OneToOneField("core.Agency", on_delete=models.CASCADE, related_name="feedback_settings")
    investigation_target_days = models.PositiveSmallIntegerField(_("days to complete an investigation"), default=90)
    publish_officer_names = models.BooleanField(
        _("publish officer names in statistics"), default=False,
        help_text=_("Only where the agency's policy allows it; complainants are never named."))
    max_attachment_mb = models.PositiveSmallIntegerField(_("largest attachment (MB)"), default=10)
    redact_badge_numbers = models.BooleanField(
        _("hide officers' badge numbers in residents' words"), default=True,
        help_text=_("When ticked, a badge number that a resident writes is replaced by \"[badge number]\" "
                    "before their words are shown to the public. Untick it only where the agency's policy "
                    "allows badge numbers to be published."))

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")

    def __str__(self) -> str:
        return str(self.agency)


class AllegationCategory(AgencyOwned):
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name in Spanish"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("allegation category")
        verbose_name_plural = _("allegation categories")
        ordering = ["agency", "position"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="allegation_category_code")]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name


class FindingType(AgencyOwned):
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name in Spanish"), max_length=100)
    explanation = models.CharField(_("what it means"), max_length=300, blank=True)
    explanation_es = models.CharField(_("what it means, in Spanish"), max_length=300, blank=True)
    sustained = models.BooleanField(_("counts as sustained"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["agency", "position"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="finding_type_code")]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name


class Report(AgencyOwned):
    """A complaint or commendation as the resident filed it, and the case built on it. Never deleted."""

    reference = models.CharField(_("case number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(_("received through"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(_("language"), max_length=8, default="en")
    tracking_code_hash = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    submission_fingerprint = models.CharField(max_length=64, blank=True)

    narrative = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("date it happened"), null=True, blank=True)
    occurred_time = models.TimeField(_("time it happened"), null=True, blank=True)
    location_text = models.CharField(_("where"), max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      verbose_name=_("neighbourhood"))
    officers_described = models.TextField(_("officers involved, as described"), blank=True)

    # Identity and contact: encrypted, shown only to roles that need them, never exported.
    complainant_name = EncryptedTextField(_("name"), blank=True)
    complainant_email = EncryptedTextField(_("e-mail"), blank=True)
    complainant_phone = EncryptedTextField(_("phone"), blank=True)
    consent_to_contact = models.BooleanField(_("agrees to be contacted"), default=False)

    received_at = models.DateTimeField(_("received"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledgement_due_at = models.DateTimeField(_("acknowledgement due"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="assigned_reports", verbose_name=_("investigator"))
    due_at = models.DateTimeField(_("investigation due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome_summary = models.TextField(_("outcome, as told to the resident"), blank=True)
    commended_officers = models.ManyToManyField(Officer, blank=True, related_name="commendations",
                                                verbose_name=_("officers commended"))
    put_forward_for_recognition_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "reference"], name="report_reference_per_agency"),
            models.UniqueConstraint(fields=["agency", "idempotency_key"], name="report_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "received_at"]),
            models.Index(fields=["agency", "received_at"]),
            models.Index(fields=["agency", "assigned_to", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_anonymous(self) -> bool:
        return not (self.complainant_name or self.complainant_email or self.complainant_phone)


def attachment_path(attachment: "Attachment", filename: str) -> str:
    return f"reports/{attachment.report.agency_id}/{attachment.report.reference}/{attachment.stored_name}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Allegation(models.Model):
    """One thing a complaint says an officer (identified or not) did, and the finding on it."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="allegations")
    category = models.ForeignKey(AllegationCategory, on_delete=models.PROTECT, verbose_name=_("category"))
    officer = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.PROTECT, related_name="allegations",
                                verbose_name=_("officer"), help_text=_("Leave empty for an unidentified officer."))
    description = models.TextField(_("description"), blank=True)
    finding = models.ForeignKey(FindingType, null=True, blank=True, on_delete=models.PROTECT,
                                verbose_name=_("finding"))
    finding_reason = models.TextField(_("reason for the finding"), blank=True)
    finding_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("allegation")
        verbose_name_plural = _("allegations")
        ordering = ["id"]
        indexes = [models.Index(fields=["officer", "report"])]

    def __str__(self) -> str:
        officer = self.officer or _("unidentified officer")
        return f"{self.category} — {officer}"


class StatusChange(models.Model):
    """The case's timeline of status, shown to the resident without staff names."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} → {self.to_status}"


class CaseEntry(models.Model):
    """The investigator's file: notes, evidence and interviews. Staff only."""

    class EntryKind(models.TextChoices):
        NOTE = "note", _("Note")
        EVIDENCE = "evidence", _("Evidence")
        INTERVIEW = "interview", _("Interview")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    text = models.TextField(_("text"))
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"


class Message(models.Model):
    """A message between the resident (through the tracking code) and the agency."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="messages")
    from_resident = models.BooleanField()
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} message {self.sent_at:%Y-%m-%d}"


class IdentityGrant(AgencyOwned):
    """An agency admin lets one oversight reviewer see one complainant's identity."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="identity_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()
    reason = models.TextField(_("reason"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="one_identity_grant")]


class Metric(models.TextChoices):
    COMPLAINTS = "complaints", _("Complaints naming the officer")
    ALLEGATIONS = "allegations", _("Allegations against the officer")
    FORCE_ALLEGATIONS = "force_allegations", _("Use-of-force allegations")
    SUSTAINED = "sustained", _("Sustained allegations")
    COMMENDATIONS = "commendations", _("Commendations")


class AlertPolicy(AgencyOwned):
    """Early intervention: flag an officer when a metric over a period reaches a threshold."""

    name = models.CharField(_("name"), max_length=120)
    metric = models.CharField(_("what is counted"), max_length=24, choices=Metric.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             verbose_name=_("tracked group"), help_text=_("Empty: every officer."))
    period_days = models.PositiveSmallIntegerField(_("period (days)"), default=180)
    warning_threshold = models.PositiveSmallIntegerField(_("warning at"))
    critical_threshold = models.PositiveSmallIntegerField(_("critical at"))
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("alert policy")
        verbose_name_plural = _("alert policies")

    def __str__(self) -> str:
        return self.name


class Alert(AgencyOwned):
    class Level(models.TextChoices):
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Critical")
        PEER = "peer", _("Far above peers")

    class AlertStatus(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        PLANNED = "planned", _("Intervention planned")
        COMPLETED = "completed", _("Intervention completed")
        DISMISSED = "dismissed", _("Reviewed, no action")

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="alerts")
    policy = models.ForeignKey(AlertPolicy, null=True, blank=True, on_delete=models.PROTECT)
    level = models.CharField(max_length=10, choices=Level.choices)
    metric = models.CharField(max_length=24, choices=Metric.choices)
    value = models.FloatField()
    peer_value = models.FloatField(null=True, blank=True, help_text=_("Median of peers, for peer alerts."))
    period_start = models.DateField()
    period_end = models.DateField()
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    intervention_plan = models.TextField(_("intervention plan"), blank=True)
    plan_due_on = models.DateField(_("plan due"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["officer", "metric"])]
