"""Crisis intervention: the team (crisis-trained officers and clinicians from partner organisations) with the
shifts each can cover, and the record of each crisis response with who went and what came of it.

A response holds no name or contact detail of the person in crisis. Its notes are for staff only, encrypted at
rest, and never counted, published or exported; the published figures are built from codes and months alone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood, Officer


class MemberKind(models.TextChoices):
    OFFICER = "officer", _("Crisis-trained officer")
    CLINICIAN = "clinician", _("Clinician")


class TeamMember(AgencyOwned):
    """Someone on the crisis team: one of the agency's officers, or a clinician who works for one of the
    agency's partner organisations."""

    kind = models.CharField(_("kind"), max_length=10, choices=MemberKind.choices)
    officer = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="crisis_memberships", verbose_name=_("officer"))
    clinician_name = models.CharField(_("clinician's name"), max_length=120, blank=True)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="crisis_clinicians", verbose_name=_("partner organisation"),
                                help_text=_("The partner organisation the clinician works for."))
    crisis_trained_on = models.DateField(_("crisis-trained on"), null=True, blank=True,
                                         help_text=_("When the member finished crisis intervention training."))
    is_active = models.BooleanField(_("on the team"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("crisis team member")
        verbose_name_plural = _("crisis team members")
        ordering = ["agency", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "officer"], condition=Q(officer__isnull=False),
                                    name="crisis_officer_once_per_agency"),
        ]
        indexes = [models.Index(fields=["agency", "kind", "is_active"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == MemberKind.OFFICER and self.officer_id:
            officer = self.officer
            return f"{officer.rank} {officer.first_name} {officer.last_name} (#{officer.badge_number})"
        return f"{self.clinician_name} ({self.partner.name})" if self.partner_id else self.clinician_name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Shift(models.TextChoices):
    DAY = "day", _("Day (7:00–15:00)")
    EVENING = "evening", _("Evening (15:00–23:00)")
    NIGHT = "night", _("Night (23:00–7:00)")


class Availability(AgencyOwned):
    """A member can usually cover this shift on this day of the week."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="availability",
                               verbose_name=_("member"))
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    shift = models.CharField(_("shift"), max_length=8, choices=Shift.choices)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        ordering = ["agency", "weekday", "shift"]
        constraints = [models.UniqueConstraint(fields=["member", "weekday", "shift"], name="crisis_slot_once")]
        indexes = [models.Index(fields=["agency", "weekday", "shift"])]


class CallType(models.TextChoices):
    MENTAL_HEALTH = "mental_health", _("Mental health crisis")
    SUICIDE_RISK = "suicide_risk", _("Risk of suicide or self-harm")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    WELFARE_CHECK = "welfare_check", _("Welfare check")
    DISTURBANCE = "disturbance", _("Disturbance")
    FAMILY_CONFLICT = "family_conflict", _("Family conflict")
    OTHER = "other", _("Other")


class ResponderKind(models.TextChoices):
    OFFICER_ONLY = "officer_only", _("Officer only")
    CO_RESPONDER = "co_responder", _("Officer and clinician (co-responder)")
    CLINICIAN_ONLY = "clinician_only", _("Clinician only")


class Outcome(models.TextChoices):
    """What came of a response. Several can apply; each is a yes/no field of the same name."""

    RESOLVED_ON_SCENE = "resolved_on_scene", _("Resolved on scene")
    VOLUNTARY_TRANSPORT = "voluntary_transport", _("Voluntary transport to care")
    INVOLUNTARY_HOLD = "involuntary_hold", _("Involuntary hold")
    ARREST = "arrest", _("Arrest")
    INJURY_PERSON = "injury_person", _("Injury to the person")
    INJURY_OFFICER = "injury_officer", _("Injury to an officer")
    FORCE_USED = "force_used", _("Force used")


class CrisisResponse(AgencyOwned):
    """One response to a call involving a person in crisis. `responder_kind` is derived from who went. Follow-up
    referrals are partners' referrals whose source is `referral_source`."""

    occurred_at = models.DateTimeField(_("when the call came"))
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="crisis_responses", verbose_name=_("neighbourhood"))
    call_type = models.CharField(_("type of call"), max_length=20, choices=CallType.choices)
    officers = models.ManyToManyField(TeamMember, blank=True, related_name="responses_as_officer",
                                      verbose_name=_("officers"))
    clinicians = models.ManyToManyField(TeamMember, blank=True, related_name="responses_as_clinician",
                                        verbose_name=_("clinicians"))
    responder_kind = models.CharField(_("who responded"), max_length=16, choices=ResponderKind.choices)
    minutes_on_scene = models.PositiveIntegerField(_("minutes on scene"))
    resolved_on_scene = models.BooleanField(Outcome.RESOLVED_ON_SCENE.label, default=False)
    voluntary_transport = models.BooleanField(Outcome.VOLUNTARY_TRANSPORT.label, default=False)
    involuntary_hold = models.BooleanField(Outcome.INVOLUNTARY_HOLD.label, default=False)
    arrest = models.BooleanField(Outcome.ARREST.label, default=False)
    injury_person = models.BooleanField(Outcome.INJURY_PERSON.label, default=False)
    injury_officer = models.BooleanField(Outcome.INJURY_OFFICER.label, default=False)
    force_used = models.BooleanField(Outcome.FORCE_USED.label, default=False)
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("crisis response")
        verbose_name_plural = _("crisis responses")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "occurred_at"]),
            models.Index(fields=["agency", "neighbourhood", "occurred_at"]),
            models.Index(fields=["agency", "responder_kind", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_call_type_display()} {self.occurred_at:%Y-%m-%d}"

    @property
    def outcomes(self) -> list[Outcome]:
        return [outcome for outcome in Outcome if getattr(self, outcome.value)]

    @property
    def referral_source(self) -> str:
        return f"crisis-response:{self.pk}"
