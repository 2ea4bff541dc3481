"""Forms of the crisis console. Forms only parse what was typed; the rules live in `services`.

The time of a call is typed as a wall-clock time in the agency's time zone, whoever's browser sends it.
"""

import zoneinfo
from datetime import date, datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import DateInput, OfficerChoiceField, TimeInput
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.submissions import keep_token
from commonbeat.core.tenancy import scoped
from commonbeat.partners.models import Partner

from . import services
from .models import CallType, MemberKind, Outcome, Shift, TeamMember, Weekday


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: TeamMember) -> str:
        return obj.display_name


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of member"), choices=MemberKind.choices, widget=forms.RadioSelect)
    officer = OfficerChoiceField(label=_("Officer"), queryset=Officer.objects.none(), required=False,
                                 empty_label=_("Choose an officer"),
                                 help_text=_("For a crisis-trained officer."))
    clinician_name = forms.CharField(label=_("Clinician's name"), max_length=120, required=False,
                                     help_text=_("For a clinician."))
    partner = forms.ModelChoiceField(label=_("Partner organisation"), queryset=Partner.objects.none(),
                                     required=False, empty_label=_("Choose a partner"),
                                     help_text=_("For a clinician: the partner organisation they work for."))
    crisis_trained_on = forms.DateField(label=_("Crisis-trained on"), required=False, widget=DateInput,
                                        help_text=_("When the member finished crisis intervention training."))
    is_active = forms.BooleanField(label=_("On the team now"), required=False, initial=True)

    def __init__(self, *args, agency: Agency, member: TeamMember | None = None, **kwargs):
        if member is not None:
            kwargs.setdefault("initial", {
                "kind": member.kind, "officer": member.officer_id, "clinician_name": member.clinician_name,
                "partner": member.partner_id, "crisis_trained_on": member.crisis_trained_on,
                "is_active": member.is_active})
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = scoped(Officer, agency).filter(active_until__isnull=True).order_by(
            "last_name", "first_name")
        self.fields["partner"].queryset = scoped(Partner, agency).order_by("name")

    def details(self) -> services.MemberDetails:
        data = self.cleaned_data
        return services.MemberDetails(kind=data["kind"], officer=data["officer"],
                                      clinician_name=data["clinician_name"], partner=data["partner"],
                                      crisis_trained_on=data["crisis_trained_on"], is_active=data["is_active"])


def slot_choices() -> list[tuple[str, str]]:
    return [(f"{day.value}:{shift.value}", f"{day.label} — {shift.label}") for day in Weekday for shift in Shift]


class AvailabilityForm(forms.Form):
    slots = forms.MultipleChoiceField(label=_("Shifts the member can usually cover"), required=False,
                                      choices=slot_choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, member: TeamMember, **kwargs):
        kwargs.setdefault("initial", {"slots": [f"{slot.weekday}:{slot.shift}" for slot in member.availability.all()]})
        super().__init__(*args, **kwargs)

    def chosen(self) -> set[tuple[int, str]]:
        slots = set()
        for value in self.cleaned_data["slots"]:
            weekday, shift = value.split(":")
            slots.add((int(weekday), shift))
        return slots


def local_datetime(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """`day` at `at` on the clocks in `zone`; None when the clocks skip that time."""
    moment = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    round_trip = moment.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone)
    return moment if round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None) else None


class ResponseForm(forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(label=_("Day of the call"), widget=DateInput)
    at = forms.TimeField(label=_("Time of the call"), widget=TimeInput, help_text=_("The agency's local time."))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(),
                                           required=False, empty_label=_("Not known"))
    call_type = forms.ChoiceField(label=_("Type of call"), choices=[("", _("Choose a type")), *CallType.choices])
    officers = MemberChoiceField(label=_("Officers who responded"), queryset=TeamMember.objects.none(),
                                 required=False, widget=forms.CheckboxSelectMultiple)
    clinicians = MemberChoiceField(label=_("Clinicians who responded"), queryset=TeamMember.objects.none(),
                                   required=False, widget=forms.CheckboxSelectMultiple)
    minutes_on_scene = forms.IntegerField(label=_("Minutes on scene"), min_value=0,
                                          max_value=services.MAX_MINUTES_ON_SCENE)
    outcomes = forms.MultipleChoiceField(label=_("Outcomes"), choices=Outcome.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Tick every one that applies."))
    notes = forms.CharField(label=_("Notes for staff"), max_length=services.MAX_NOTES, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Short, and never the name, address or any other detail that would "
                                        "identify the person in crisis. Notes are never published."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(agency.timezone)
        keep_token(self)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        members = scoped(TeamMember, agency).filter(is_active=True).select_related("officer")
        self.fields["officers"].queryset = members.filter(kind=MemberKind.OFFICER).order_by(
            "officer__last_name", "officer__first_name")
        self.fields["clinicians"].queryset = members.filter(kind=MemberKind.CLINICIAN).order_by("clinician_name")

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("at"):
            moment = local_datetime(data["day"], data["at"], self.zone)
            if moment is None:
                self.add_error("at", _("The clocks skip this time on that day; give the time as it was shown."))
            data["occurred_at"] = moment
        if not data.get("officers") and not data.get("clinicians") and not self.has_error("officers"):
            self.add_error("officers", _("Choose at least one officer or clinician who responded."))
        return data

    def details(self) -> services.ResponseDetails:
        data = self.cleaned_data
        return services.ResponseDetails(
            occurred_at=data["occurred_at"], call_type=data["call_type"], minutes_on_scene=data["minutes_on_scene"],
            neighbourhood=data["neighbourhood"], officers=list(data["officers"]),
            clinicians=list(data["clinicians"]), outcomes=set(data["outcomes"]),
            notes=data["notes"])
