"""Youth programs: sports leagues, mentorship, school partnerships, cadets and camps, their sessions, who takes
part, the guardian consent behind every minor's enrolment, and officer mentoring.

Minors' records hold the least possible. A participant is a display name (first name and last-name initial),
a year of birth (never the full date of birth: the year is enough to tell a minor and an age band) and an
optional school, with no address. Only program staff (MANAGE_PROGRAMS) see participants; exports and public
pages carry aggregate counts only, with small counts suppressed (`core.disclosure`).

A minor cannot be enrolled without a guardian's consent: the services refuse it, and a check constraint on
`Enrolment` refuses a minor's enrolment row without a consent row, whatever writes it.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood, Officer
from commonbeat.core.texts import text_in

ADULT_AGE = 18


class ProgramKind(models.TextChoices):
    SPORTS_LEAGUE = "sports_league", _("Sports league")
    MENTORSHIP = "mentorship", _("Mentorship")
    SCHOOL_PARTNERSHIP = "school_partnership", _("School partnership")
    CADETS = "cadets", _("Cadets")
    CAMP = "camp", _("Camp")
    OTHER = "other", _("Other")


class Program(AgencyOwned):
    slug = models.SlugField(_("short name"))
    kind = models.CharField(_("kind"), max_length=20, choices=ProgramKind.choices)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    min_age = models.PositiveSmallIntegerField(_("youngest age"))
    max_age = models.PositiveSmallIntegerField(_("oldest age"))
    schools = models.TextField(_("schools"), blank=True, help_text=_("One per line."))
    partner_organisations = models.TextField(_("partner organisations"), blank=True, help_text=_("One per line."))
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="programs", verbose_name=_("neighbourhood"))
    season_starts_on = models.DateField(_("season starts"))
    season_ends_on = models.DateField(_("season ends"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-season_starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="program_slug_per_agency")]
        indexes = [models.Index(fields=["agency", "is_public", "season_starts_on"])]

    def __str__(self) -> str:
        return text_in(self.title, "en")

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    def description_in(self, language: str) -> str:
        return text_in(self.description, language)

    @property
    def school_list(self) -> list[str]:
        return [line.strip() for line in self.schools.splitlines() if line.strip()]

    @property
    def partners(self) -> list[str]:
        return [line.strip() for line in self.partner_organisations.splitlines() if line.strip()]

    @property
    def is_mentorship(self) -> bool:
        return self.kind == ProgramKind.MENTORSHIP


class ProgramSession(AgencyOwned):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["agency", "program", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.program} {self.starts_at:%Y-%m-%d %H:%M}"


def age_in(birth_year: int, today: date) -> int:
    """The age someone born in `birth_year` reaches this calendar year: their age now, or one year more."""
    return today.year - birth_year


def is_minor(birth_year: int, today: date) -> bool:
    """Only the year of birth is kept, so someone who turns 18 this year may still be 17: they count as a
    minor until the year after (the safe side: a guardian's consent is asked for)."""
    return age_in(birth_year, today) <= ADULT_AGE


AGE_BANDS = [("under-10", _("Under 10"), 0, 9), ("10-12", _("10 to 12"), 10, 12), ("13-15", _("13 to 15"), 13, 15),
             ("16-17", _("16 to 17"), 16, 17), ("18-plus", _("18 and over"), 18, 200)]


def age_band(birth_year: int, today: date) -> str:
    """The band of the age reached this year (the only age anything outside the record shows)."""
    age = age_in(birth_year, today)
    return next(key for key, _label, low, high in AGE_BANDS if low <= age <= high)


class Participant(AgencyOwned):
    """A young person (or an adult) taking part. The least possible: no full name, no date of birth, no address."""

    display_name = models.CharField(_("name shown to staff"), max_length=60,
                                    help_text=_("First name and the initial of the last name, e.g. Ana G."))
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    school = models.CharField(_("school"), max_length=120, blank=True)
    contact = EncryptedTextField(_("contact (adults only)"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["display_name", "id"]
        indexes = [models.Index(fields=["agency", "display_name"])]

    def __str__(self) -> str:
        return self.display_name

    def is_minor(self, today: date) -> bool:
        return is_minor(self.birth_year, today)


class GuardianRelationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")
    FOSTER_PARENT = "foster_parent", _("Foster parent")
    OTHER_CARER = "other_carer", _("Other relative or carer with legal authority")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed paper form")
    ONLINE = "online", _("Online application")


class GuardianConsent(AgencyOwned):
    """A parent's or guardian's consent to a minor taking part. Who gave it is encrypted at rest."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    guardian_name = EncryptedTextField(_("guardian's name"))
    guardian_contact = EncryptedTextField(_("guardian's phone or e-mail"))
    relationship = models.CharField(_("relationship"), max_length=20, choices=GuardianRelationship.choices)
    given_at = models.DateTimeField(_("consent given"))
    method = models.CharField(_("how"), max_length=12, choices=ConsentMethod.choices)
    text_version = models.CharField(_("consent text version"), max_length=20)

    class Meta:
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")
        ordering = ["-given_at", "id"]

    def __str__(self) -> str:
        return f"Consent {self.pk} for participant {self.participant_id}"


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ENROLLED = "enrolled", _("Enrolled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(AgencyOwned):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrolments")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(_("status"), max_length=12, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.APPLIED)
    is_minor = models.BooleanField(_("minor"))
    consent = models.ForeignKey(GuardianConsent, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="enrolments", verbose_name=_("guardian consent"))
    applied_at = models.DateTimeField()
    enrolled_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["applied_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "participant"], name="one_enrolment_per_program"),
            models.UniqueConstraint(fields=["program", "idempotency_key"], name="enrolment_idempotency"),
            models.CheckConstraint(condition=Q(is_minor=False) | Q(consent__isnull=False),
                                   name="minor_enrolment_needs_consent"),
        ]
        indexes = [models.Index(fields=["agency", "program", "status"])]

    def __str__(self) -> str:
        return f"Enrolment {self.pk} in {self.program}"


class SessionAttendance(AgencyOwned):
    session = models.ForeignKey(ProgramSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attended_once")]
        indexes = [models.Index(fields=["agency", "session"])]


class Mentor(AgencyOwned):
    """An officer who mentors. A mentor may be matched only while the background check is current."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="mentoring",
                                verbose_name=_("officer"))
    background_check_on = models.DateField(_("background check date"))
    background_check_valid_months = models.PositiveSmallIntegerField(_("check valid for (months)"), default=24)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["officer__last_name", "officer__first_name"]
        constraints = [models.UniqueConstraint(fields=["agency", "officer"], name="one_mentor_per_officer")]

    def __str__(self) -> str:
        return str(self.officer)

    @property
    def check_expires_on(self) -> date:
        months = self.background_check_on.month - 1 + self.background_check_valid_months
        year, month = self.background_check_on.year + months // 12, months % 12 + 1
        day = min(self.background_check_on.day, _days_in(year, month))
        return date(year, month, day)

    def check_is_current(self, today: date) -> bool:
        return today < self.check_expires_on


def _days_in(year: int, month: int) -> int:
    from calendar import monthrange

    return monthrange(year, month)[1]


class Match(AgencyOwned):
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="matches")
    mentee = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="matches",
                               verbose_name=_("mentee"))
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentoring match")
        verbose_name_plural = _("mentoring matches")
        ordering = ["-started_on", "id"]
        indexes = [models.Index(fields=["agency", "mentor"])]

    def __str__(self) -> str:
        return f"Match {self.pk}"


class MentoringMeeting(AgencyOwned):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField(_("met on"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=280, blank=True)

    class Meta:
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")
        ordering = ["-met_on", "-id"]


class OutcomeSurvey(AgencyOwned):
    """The end-of-year outcome survey of a mentorship program (a survey of the `surveys` app, by slug)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="outcome_surveys")
    year = models.PositiveSmallIntegerField(_("year"))
    survey_slug = models.SlugField(_("survey"))

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["program", "year"], name="one_outcome_survey_a_year")]
