"""Forms of the staff console for events, check-in, officer participation, concerns and problem-solving projects.

Forms only parse what was typed; the rules (what may change, and when) live in `services`. Texts residents
read get one field per site language, named `<name>_<language>`, and reach the services as {language: text}.
Times are typed as wall-clock times in the agency's time zone, whoever's browser sends them.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import DateInput, MultilingualForm, OfficerChoiceField, TimeInput
from commonbeat.core.models import Agency, Neighbourhood, Officer, Unit
from commonbeat.core.submissions import keep_token
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from . import services
from .models import Concern, Event, EventKind, ParticipationRole, ProblemStatus, Stage

DEFAULT_LANGUAGE = "en"


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EventKind) -> str:
        return obj.name_in(current_language())


def local_datetime(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """`day` at `at` on the clocks in `zone`, as an aware datetime; None when the clocks skip that time (the hour
    lost when summer time starts). A time that happens twice (when clocks go back) is read as the first."""
    moment = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    round_trip = moment.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


# ---------------------------------------------------------------- events

class EventForm(MultilingualForm):
    """Everything staff fill in for an event. The day and times are read in the agency's time zone."""

    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = KindChoiceField(label=_("Kind of event"), queryset=EventKind.objects.none(),
                           empty_label=_("Choose a kind"))
    day = forms.DateField(label=_("Date"), widget=DateInput, input_formats=["%Y-%m-%d"],
                          help_text=_("For example 2026-05-14."))
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"],
                                 help_text=_("24-hour clock, for example 18:30."))
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"],
                               help_text=_("The same day. Enter an event over several days as one event a day."))
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False,
                                 help_text=_("The name of the venue, for example Mill Creek Library."))
    address = forms.CharField(label=_("Address"), max_length=300)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                                help_text=_("To show the event on the map; the neighbourhood is worked out from "
                                            "it. Give both latitude and longitude, or neither."))
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                                 help_text=_("For example -87.6298."))
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1, max_value=100_000,
                                  help_text=_("How many people can come. Leave empty when there is no limit; "
                                              "when it is full, residents join a waiting list."))
    organiser = forms.CharField(label=_("Organiser"), max_length=200,
                                help_text=_("Who residents can ask about the event, for example Community "
                                            "Engagement Unit."))
    organising_unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=Unit.objects.none(),
                                             required=False, empty_label=_("No unit"))
    partner_organisations = forms.CharField(label=_("Partner organisations"), required=False, max_length=4000,
                                            widget=forms.Textarea(attrs={"rows": 3}),
                                            help_text=_("One per line."))

    multilingual = {
        "title": (_("Title"), 0, True),
        "description": (_("Description"), 5, False),
        "accessibility": (_("Accessibility"), 2, False),
        "languages": (_("Languages spoken"), 0, False),
    }

    def __init__(self, *args, agency: Agency, event: Event | None = None, **kwargs):
        self.agency = agency
        self.zone = zoneinfo.ZoneInfo(agency.timezone)
        if event is not None:
            kwargs.setdefault("initial", self.initial_for(event))
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = services.event_kinds(agency)
        self.fields["organising_unit"].queryset = scoped(Unit, agency).order_by("name")
        zone_note = _("Times are in the agency's time zone, %(zone)s.") % {"zone": agency.timezone}
        for name in ("day", "start_time"):
            self.fields[name].help_text = format_lazy("{} {}", self.fields[name].help_text, zone_note)
        self.fields["accessibility_en"].help_text = _("Step-free access, interpreters, childcare, parking.")
        self.fields["languages_en"].help_text = _("For example: English, Spanish, ASL.")
        self.order_multilingual(["submission_token", "kind", "title", "description", "day", "start_time",
                                 "end_time", "place_name", "address", "latitude", "longitude", "accessibility",
                                 "languages", "capacity", "organiser", "organising_unit", "partner_organisations"])
        keep_token(self)

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        zone = zoneinfo.ZoneInfo(event.agency.timezone)
        starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        return {"kind": event.kind_id, "day": starts.date(), "start_time": starts.time().replace(second=0),
                "end_time": ends.time().replace(second=0), "place_name": event.place_name,
                "address": event.address, "latitude": event.latitude, "longitude": event.longitude,
                "capacity": event.capacity, "organiser": event.organiser,
                "organising_unit": event.organising_unit_id,
                "partner_organisations": event.partner_organisations,
                **cls.initial_texts("title", event.title), **cls.initial_texts("description", event.description),
                **cls.initial_texts("accessibility", event.accessibility_notes),
                **cls.initial_texts("languages", event.language_notes)}

    def clean(self):
        data = super().clean()
        day, start_time, end_time = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start_time:
            data["starts_at"] = local_datetime(day, start_time, self.zone)
            if data["starts_at"] is None:
                self.add_error("start_time", _("The clocks skip this time that day (summer time starts). "
                                               "Choose a time before or after the change."))
        if day and end_time:
            data["ends_at"] = local_datetime(day, end_time, self.zone)
            if data["ends_at"] is None:
                self.add_error("end_time", _("The clocks skip this time that day (summer time starts). "
                                             "Choose a time before or after the change."))
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", _("The event must end after it starts, on the same day."))
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is None and longitude is not None and "latitude" not in self.errors:
            self.add_error("latitude", _("Give the latitude too, or leave both empty."))
        if longitude is None and latitude is not None and "longitude" not in self.errors:
            self.add_error("longitude", _("Give the longitude too, or leave both empty."))
        return data

    def details(self) -> services.EventDetails:
        data = self.cleaned_data
        return services.EventDetails(
            kind=data["kind"], title=self.texts("title"), description=self.texts("description"),
            starts_at=data["starts_at"], ends_at=data["ends_at"], place_name=data["place_name"],
            address=data["address"], latitude=data["latitude"], longitude=data["longitude"],
            accessibility_notes=self.texts("accessibility"), language_notes=self.texts("languages"),
            capacity=data["capacity"], organiser=data["organiser"], organising_unit=data["organising_unit"],
            partner_organisations=data["partner_organisations"])


class CancelEventForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the audit log for staff. Residents get an e-mail saying the event "
                                         "is cancelled."))


class EventKindForm(MultilingualForm):
    slug = forms.SlugField(label=_("Short name"), max_length=50,
                           help_text=_("Letters, digits and hyphens, for example “bike-rodeo”."))
    is_workshop = forms.BooleanField(label=_("Public workshop"), required=False,
                                     help_text=_("Workshops teach residents something (safety, know your rights)."))

    multilingual = {"name": (_("Name"), 0, True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_multilingual(["slug", "name", "is_workshop"])


# ---------------------------------------------------------------- at the event

class WalkInForm(forms.Form):
    people = forms.IntegerField(label=_("People who came without replying"), min_value=1, max_value=10_000,
                                help_text=_("Added to the count each time you send it, so you can count at the "
                                            "door as people arrive."))


class CheckInCodeForm(forms.Form):
    code = forms.CharField(label=_("Code or link from the resident's confirmation"), max_length=300,
                           help_text=_("Type or paste the code under the QR code, or the whole link."))

    def clean_code(self) -> str:
        """The token, from the code itself or from a link that ends with it."""
        typed = self.cleaned_data["code"].strip()
        token = [part for part in typed.split("?")[0].split("/") if part][-1] if typed.strip("/") else ""
        if not token or len(token) > 64 or not token.isalnum():
            raise forms.ValidationError(_("This is not a check-in code. Check it against the confirmation."))
        return token


class ParticipationForm(forms.Form):
    officer = OfficerChoiceField(label=_("Officer"), queryset=Officer.objects.none(),
                                 empty_label=_("Choose an officer"))
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role"))] + ParticipationRole.choices)
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal("0.25"), max_value=services.MAX_EVENT_HOURS,
                               max_digits=4, decimal_places=2,
                               help_text=_("Time spent at the event, in hours, for example 1.5. Logging the same "
                                           "officer again corrects the record."))

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        day = event.starts_at.date()
        self.fields["officer"].queryset = (scoped(Officer, event.agency)
                                           .filter(Q(active_until__isnull=True) | Q(active_until__gte=day))
                                           .order_by("last_name", "first_name"))
        if not self.is_bound:
            spent = min(max(event.duration / timedelta(hours=1), 0.25), services.MAX_EVENT_HOURS)
            self.initial.setdefault("hours", Decimal(spent).quantize(Decimal("0.01")))


class ConcernForm(forms.Form):
    text = forms.CharField(label=_("Concern"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What residents raised, in their words. Leave out names and anything that "
                                       "identifies a person."))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(),
                                           required=False, empty_label=_("The event's neighbourhood"))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")


# ---------------------------------------------------------------- problem-solving projects

class ProblemFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + ProblemStatus.choices)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any stage"))] + Stage.choices)
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), required=False,
                                           queryset=Neighbourhood.objects.none(), empty_label=_("Any neighbourhood"))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")


class ConcernChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Concern) -> str:
        return obj.text if len(obj.text) <= 120 else obj.text[:119] + "…"


class ProblemForm(MultilingualForm):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(),
                                           required=False, empty_label=_("No single neighbourhood"),
                                           help_text=_("Left empty, a new project takes the neighbourhood of "
                                                       "the first concern it starts from."))
    owner = OfficerChoiceField(label=_("Officer in charge"), queryset=Officer.objects.none(), required=False,
                               empty_label=_("No one yet"))
    partner_organisations = forms.CharField(label=_("Partner organisations"), required=False, max_length=4000,
                                            widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line."))
    is_public = forms.BooleanField(label=_("Show this project on the public site"), required=False, initial=True,
                                   help_text=_("Residents see the title, summary, stage, milestones and the updates "
                                               "marked public."))
    concerns = ConcernChoiceField(label=_("Concerns it starts from"), queryset=Concern.objects.none(),
                                  required=False, widget=forms.CheckboxSelectMultiple)

    multilingual = {"title": (_("Title"), 0, True), "summary": (_("Summary"), 4, False)}

    def __init__(self, *args, agency: Agency, with_concerns: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.fields["owner"].queryset = (scoped(Officer, agency).filter(active_until__isnull=True)
                                         .order_by("last_name", "first_name"))
        if with_concerns:
            unlinked = scoped(Concern, agency).filter(problem__isnull=True).order_by("-recorded_at", "-id")
            if unlinked.exists():
                self.fields["concerns"].queryset = unlinked
            else:
                del self.fields["concerns"]
            keep_token(self)
        else:
            del self.fields["concerns"], self.fields["submission_token"]
        self.order_multilingual(["submission_token", "title", "summary", "neighbourhood", "owner",
                                 "partner_organisations", "is_public", "concerns"])

    @classmethod
    def initial_for(cls, problem) -> dict:
        return {"neighbourhood": problem.neighbourhood_id, "owner": problem.owner_id,
                "partner_organisations": problem.partner_organisations, "is_public": problem.is_public,
                **cls.initial_texts("title", problem.title), **cls.initial_texts("summary", problem.summary)}

    def details(self) -> services.ProblemDetails:
        data = self.cleaned_data
        return services.ProblemDetails(title=self.texts("title"), summary=self.texts("summary"),
                                       neighbourhood=data["neighbourhood"], owner=data["owner"],
                                       partner_organisations=data["partner_organisations"],
                                       is_public=data["is_public"])


class ProblemUpdateForm(MultilingualForm):
    stage = forms.ChoiceField(label=_("Move the project to"), required=False,
                              help_text=_("Projects may go back a stage: assessment often sends one back to "
                                          "analysis."))
    is_public = forms.BooleanField(label=_("Show this update on the public page"), required=False, initial=True)

    multilingual = {"text": (_("Update"), 4, True)}

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        current = Stage(problem.stage).label
        self.fields["stage"].choices = ([("", format_lazy(_("Stay in {stage}"), stage=current))]
                                        + [choice for choice in Stage.choices if choice[0] != problem.stage])
        self.order_multilingual(["text", "stage", "is_public"])


class MilestoneForm(MultilingualForm):
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"],
                             help_text=_("For example 2026-06-30."))

    multilingual = {"title": (_("Milestone"), 0, True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_multilingual(["title", "due_on"])


class CloseProblemForm(MultilingualForm):
    resolved = forms.TypedChoiceField(
        label=_("Was the problem resolved?"), coerce=lambda value: value == "yes",
        choices=[("", _("Choose")), ("yes", _("Yes, resolved")), ("no", _("No, closed without a resolution"))])

    multilingual = {"outcome": (_("What came of it"), 4, True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_multilingual(["resolved", "outcome"])
