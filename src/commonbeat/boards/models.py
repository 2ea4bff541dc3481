"""Community advisory boards: their seats and members, residents' applications to join, the board's public
meetings with agendas, minutes and documents, and the recommendations the board makes with the department's
response and how it is being carried out.

Texts a resident reads are stored per language as {"en": "...", "es": "..."} (see `core.texts.text_in`).
Members may declare their age band, gender and race or ethnicity, with the same codes as the census make-up of
`core.Neighbourhood`; these are used only for the board's make-up compared with the community's, never shown
against a person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood
from commonbeat.core.texts import text_in


class Board(AgencyOwned):
    """An advisory board: what it is for, how many seats it has and how long a term lasts."""

    slug = models.SlugField(_("short name"))
    name = models.JSONField(_("name"), default=dict)
    purpose = models.JSONField(_("purpose"), default=dict, blank=True)
    seat_count = models.PositiveSmallIntegerField(_("seats"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"), default=24)
    is_accepting_applications = models.BooleanField(_("accepting applications"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("advisory board")
        verbose_name_plural = _("advisory boards")
        ordering = ["agency", "slug"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="board_slug_per_agency")]

    def __str__(self) -> str:
        return text_in(self.name, "en")

    def name_in(self, language: str) -> str:
        return text_in(self.name, language)

    def purpose_in(self, language: str) -> str:
        return text_in(self.purpose, language)


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Serving")
    ENDED = "ended", _("Term ended")


class BoardMember(AgencyOwned):
    """A person holding (or who held) a seat. The name is public, as it appears on the roster."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="board_seats", verbose_name=_("user account"))
    seat = models.PositiveSmallIntegerField(_("seat"))
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    status = models.CharField(_("status"), max_length=8, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    appointed_at = models.DateTimeField(null=True, blank=True)
    # Self-declared, optional; blank means not declared. Only ever counted, never shown per person.
    age_band = models.CharField(max_length=8, blank=True)
    gender = models.CharField(max_length=12, blank=True)
    race_ethnicity = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        ordering = ["board", "seat"]
        constraints = [models.UniqueConstraint(fields=["board", "seat"], condition=Q(status="active"),
                                               name="one_active_member_per_seat")]
        indexes = [models.Index(fields=["agency", "board", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.board}, seat {self.seat})"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPOINTED = "appointed", _("Appointed")
    DECLINED = "declined", _("Declined")


class BoardApplication(AgencyOwned):
    """A resident's application for a seat. Name, e-mail and statement are encrypted at rest."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="applications")
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("e-mail address"))
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("neighbourhood"))
    statement = EncryptedTextField(_("why they want to serve"))
    age_band = models.CharField(max_length=8, blank=True)
    gender = models.CharField(max_length=12, blank=True)
    race_ethnicity = models.CharField(max_length=12, blank=True)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.PENDING)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_note = models.TextField(_("note"), blank=True)
    member = models.OneToOneField(BoardMember, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="application")

    class Meta:
        verbose_name = _("board application")
        verbose_name_plural = _("board applications")
        ordering = ["submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["board", "idempotency_key"], name="board_application_once")]
        indexes = [models.Index(fields=["agency", "status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Application {self.pk} to {self.board}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(AgencyOwned):
    """A board meeting. It is public once its notice is published; times are stored in UTC."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300)
    agenda = models.JSONField(_("agenda"), default=dict, blank=True)
    minutes = models.JSONField(_("minutes"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    notice_published_at = models.DateTimeField(_("notice published"), null=True, blank=True)
    short_notice_reason = models.TextField(_("reason for short notice"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["agency", "board", "starts_at"]), models.Index(fields=["agency", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.board} meeting {self.starts_at:%Y-%m-%d}"

    @property
    def is_published(self) -> bool:
        return self.notice_published_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def agenda_in(self, language: str) -> str:
        return text_in(self.agenda, language)

    def minutes_in(self, language: str) -> str:
        return text_in(self.minutes, language)


def document_path(document: "MeetingDocument", filename: str) -> str:
    return f"boards/{document.agency_id}/meetings/{document.meeting_id}/{filename}"


class MeetingDocument(AgencyOwned):
    """A paper for a meeting (report, presentation, draft), public with the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=document_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["agency", "meeting"])]

    def __str__(self) -> str:
        return self.title


class RecommendationStatus(models.TextChoices):
    """Where a recommendation stands: the status of the department's latest response, or none yet."""

    AWAITING = "awaiting", _("Awaiting response")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    DECLINED = "declined", _("Declined")


class ResponseStatus(models.TextChoices):
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    DECLINED = "declined", _("Declined")


class Recommendation(AgencyOwned):
    """A recommendation the board made to the department. `status` and `response_due_on` follow the latest
    response (kept here so the public tracker can filter on them)."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveIntegerField(_("number"))
    title = models.JSONField(_("title"), default=dict)
    text = models.JSONField(_("recommendation"), default=dict)
    made_on = models.DateField(_("made on"))
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="recommendations", verbose_name=_("meeting"))
    status = models.CharField(_("status"), max_length=16, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.AWAITING)
    response_due_on = models.DateField(_("response due"))
    implementation_due_on = models.DateField(_("implementation due"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-made_on", "-number"]
        constraints = [models.UniqueConstraint(fields=["board", "number"], name="recommendation_number_per_board")]
        indexes = [models.Index(fields=["agency", "status", "made_on"]),
                   models.Index(fields=["agency", "board", "made_on"])]

    def __str__(self) -> str:
        return f"{self.board} #{self.number}: {text_in(self.title, 'en')}"

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    def text_in(self, language: str) -> str:
        return text_in(self.text, language)


class RecommendationResponse(AgencyOwned):
    """One response of the department, in order; the latest is the current one. A response under review
    promises a final one by `due_on`; an accepted one may say when it will be carried out by."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(_("response"), max_length=16, choices=ResponseStatus.choices)
    rationale = models.JSONField(_("rationale"), default=dict)
    responded_on = models.DateField(_("responded on"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("department response")
        verbose_name_plural = _("department responses")
        ordering = ["responded_on", "id"]
        indexes = [models.Index(fields=["agency", "recommendation"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.responded_on})"

    def rationale_in(self, language: str) -> str:
        return text_in(self.rationale, language)


class ImplementationMilestone(AgencyOwned):
    """A step in carrying out an accepted recommendation."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="milestones")
    title = models.JSONField(_("milestone"), default=dict)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("implementation milestone")
        verbose_name_plural = _("implementation milestones")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["agency", "recommendation"])]

    def __str__(self) -> str:
        return text_in(self.title, "en")

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)
