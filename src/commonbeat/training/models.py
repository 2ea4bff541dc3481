"""Officer training: the courses the department teaches, what each officer must complete (requirements by
role), sessions with their rosters, and the completion records compliance is worked out from.

"Role" is what the officer is: every sworn officer, a unit, or an assignment such as "patrol". When a
coordinator moves an officer to another unit or assignment through `services.change_assignment`, the change is
kept as an `AssignmentChange`, so compliance knows since when the officer has been subject to a requirement and
can give a newly subject officer the requirement's grace period (see `compliance.applies_since`).

Course titles are stored per language as {"en": "...", "es": "..."} (see `core.texts.text_in`): the public page
shows them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import AgencyOwned, Officer, Unit
from commonbeat.core.texts import text_in


class Category(models.TextChoices):
    CULTURAL_COMPETENCY = "cultural_competency", _("Cultural competency")
    IMPLICIT_BIAS = "implicit_bias", _("Implicit bias")
    DE_ESCALATION = "de_escalation", _("De-escalation")
    CRISIS_INTERVENTION = "crisis_intervention", _("Crisis intervention (40-hour)")
    PROCEDURAL_JUSTICE = "procedural_justice", _("Procedural justice")
    OTHER = "other", _("Other")


class Course(AgencyOwned):
    """A course the department teaches or accepts, with its length and how often it must be repeated."""

    code = models.CharField(_("course code"), max_length=30,
                            help_text=_("The code the learning system uses, e.g. DEESC-8. Used in CSV imports."))
    title = models.JSONField(_("title"), default=dict)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    recurrence_months = models.PositiveSmallIntegerField(
        _("repeat every (months)"), null=True, blank=True,
        help_text=_("Leave empty for a course taken once."))
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["agency", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="course_code_per_agency")]

    def __str__(self) -> str:
        return f"{self.code} {text_in(self.title, 'en')}"

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)


class AppliesTo(models.TextChoices):
    ALL = "all", _("Every sworn officer")
    UNIT = "unit", _("Officers of one unit")
    ASSIGNMENT = "assignment", _("Officers with one assignment")


class Requirement(AgencyOwned):
    """What officers must complete: `hours_required` hours of `course` within every `every_months` months
    (or once, when empty), for all officers, one unit or one assignment. An officer who becomes subject to it
    has `grace_days` to complete it."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="requirements",
                               verbose_name=_("course"))
    hours_required = models.DecimalField(_("hours required"), max_digits=5, decimal_places=2)
    every_months = models.PositiveSmallIntegerField(_("every (months)"), null=True, blank=True,
                                                    help_text=_("Leave empty when completing it once is enough."))
    applies_to = models.CharField(_("applies to"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.ALL)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit"))
    assignment = models.CharField(_("assignment"), max_length=60, blank=True,
                                  help_text=_("As written on officers' records, e.g. patrol. Case does not matter."))
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"), default=90,
        help_text=_("How long an officer who newly becomes subject to the requirement has to complete it."))
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["agency", "course__code", "id"]
        indexes = [models.Index(fields=["agency", "is_active"])]

    def __str__(self) -> str:
        return self.describe("en")

    def describe(self, language: str) -> str:
        """E.g. "DEESC-8 De-escalation: 8 hours every 12 months, officers with the assignment patrol"."""
        from django.utils.translation import gettext, override

        with override(language):
            hours = f"{self.hours_required.normalize():f}"
            if self.every_months:
                how = gettext("%(hours)s hours every %(months)s months") % {"hours": hours,
                                                                           "months": self.every_months}
            else:
                how = gettext("%(hours)s hours, once") % {"hours": hours}
            if self.applies_to == AppliesTo.UNIT:
                who = gettext("officers of %(unit)s") % {"unit": self.unit.name if self.unit else "?"}
            elif self.applies_to == AppliesTo.ASSIGNMENT:
                who = gettext("officers with the assignment %(assignment)s") % {"assignment": self.assignment}
            else:
                who = gettext("every sworn officer")
            return f"{self.course.code} {self.course.title_in(language)}: {how}, {who}"


class AssignmentChange(AgencyOwned):
    """An officer moved from one unit or assignment to another, as of a day: the history requirements by role
    are read against."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="assignment_changes",
                                verbose_name=_("officer"))
    effective_on = models.DateField(_("as of"))
    from_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_assignment = models.CharField(max_length=60, blank=True)
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_assignment = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("assignment change")
        verbose_name_plural = _("assignment changes")
        ordering = ["officer", "effective_on", "id"]
        indexes = [models.Index(fields=["agency", "officer", "effective_on"])]


class TrainingSession(AgencyOwned):
    """A class of a course on a day, with its instructors and roster. Times are stored in UTC."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    instructors = models.CharField(_("instructors"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["agency", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.course.code} {self.starts_at:%Y-%m-%d}"


class SessionSeat(AgencyOwned):
    """An officer on a session's roster, and whether they attended."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="seats")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="training_seats",
                                verbose_name=_("officer"))
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("roster place")
        verbose_name_plural = _("roster")
        ordering = ["session", "officer__last_name", "officer__first_name"]
        constraints = [models.UniqueConstraint(fields=["session", "officer"], name="one_seat_per_officer")]
        indexes = [models.Index(fields=["agency", "officer"])]


class Source(models.TextChoices):
    ENTERED = "entered", _("Entered by hand")
    IMPORTED = "imported", _("Imported from a learning system")
    SESSION = "session", _("Attended a session")


class TrainingRecord(AgencyOwned):
    """An officer completed a course on a day, for so many hours. Imported records keep the learning system's
    own id, so importing the same export twice stores each record once."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="training_records",
                                verbose_name=_("officer"))
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records", verbose_name=_("course"))
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    session = models.ForeignKey(TrainingSession, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="records")
    source_system = models.CharField(_("learning system"), max_length=40, blank=True)
    external_id = models.CharField(_("record id in the learning system"), max_length=80, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "source_system", "external_id"], condition=~Q(external_id=""),
                                    name="training_record_external_id"),
            models.UniqueConstraint(fields=["session", "officer"], condition=Q(session__isnull=False),
                                    name="one_record_per_session_officer"),
        ]
        indexes = [models.Index(fields=["agency", "officer", "course", "completed_on"]),
                   models.Index(fields=["agency", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.officer} {self.course.code} {self.completed_on}"


class ImportBatch(AgencyOwned):
    """A CSV export of a learning system, checked (the dry run) before anything is imported from it."""

    source_system = models.CharField(_("learning system"), max_length=40)
    filename = models.CharField(max_length=200, blank=True)
    content = models.TextField()
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField()
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["agency", "uploaded_at"])]


class ReminderSent(AgencyOwned):
    """An officer (and their supervisor) were reminded that a requirement falls due on `due_on`: once each."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "requirement", "due_on"],
                                               name="one_reminder_per_due_date")]
