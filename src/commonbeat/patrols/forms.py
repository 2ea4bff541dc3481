"""Forms of the patrol pages: logging a patrol from a phone, filtering the list, setting a target, and choosing
the period of the engagement figures.

The forms parse what was typed and read the route (a GPX file or a line drawn on the map) so each mistake is
shown beside its field; the rules of a patrol (how long, by whom, which neighbourhoods) are the services'.
"""

import json
from datetime import date, datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.submissions import keep_token
from commonbeat.core.tenancy import scoped
from commonbeat.engagement import figures

from . import services
from .models import Mode, RouteSource

DATE_INPUT = {"input_formats": ["%Y-%m-%d", "%m/%d/%Y"],
              "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
DATE_ERROR = _("Enter the date as year-month-day, for example 2025-03-14.")
TIME_INPUT = {"input_formats": ["%H:%M", "%H:%M:%S", "%I:%M %p"],
              "widget": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
TIME_ERROR = _("Enter the time as hours and minutes, for example 14:30.")
CHOOSE_FILE_AGAIN = _("Choose the file again, or draw the route on the map instead.")



def _count_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=10_000, initial=0,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                              error_messages={"invalid": _("Enter a whole number, for example 3."),
                                              "min_value": _("Counts cannot be negative.")})


def officer_choices(agency: Agency):
    today = agency.today()
    return (scoped(Officer, agency).exclude(active_until__lt=today).select_related("unit")
            .order_by("last_name", "first_name", "badge_number"))


class PatrolForm(forms.Form):
    mode = forms.ChoiceField(label=_("How you patrolled"), choices=Mode.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Choose on foot or by bike.")})
    day = forms.DateField(label=_("Date"), error_messages={"required": _("Enter the date of the patrol."),
                                                           "invalid": DATE_ERROR}, **DATE_INPUT)
    start_time = forms.TimeField(label=_("Start time"), error_messages={"required": _("Enter when the patrol started."),
                                                                       "invalid": TIME_ERROR}, **TIME_INPUT)
    end_time = forms.TimeField(
        label=_("End time"), error_messages={"required": _("Enter when the patrol ended."), "invalid": TIME_ERROR},
        help_text=_("An end time earlier than the start time means the patrol went on past midnight."), **TIME_INPUT)
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=Officer.objects.none(),
                                     error_messages={"required": _("Choose the officer who patrolled.")})
    neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("Neighbourhoods covered"), queryset=Neighbourhood.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You can leave these unticked when you add the route: the neighbourhoods it passes through "
                    "are used."))
    gpx_file = forms.FileField(label=_("GPX file"), required=False,
                               help_text=_("The track your phone or watch recorded (Strava, Garmin and most "
                                           "fitness apps export GPX)."))
    route_geojson = forms.CharField(
        label=_("Route drawn on the map"), required=False, max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Filled in as you tap the map. Without the map, type the route as GeoJSON LineString "
                    "coordinates, longitude first: [[-89.995, 40.005], [-89.985, 40.006]]."))
    positive_contacts = _count_field(_("Positive contacts"))
    businesses_visited = _count_field(_("Businesses visited"))
    schools_visited = _count_field(_("Schools visited"))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("For the department only. Do not write residents' names."))
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agency: Agency, choose_officer: bool, officer: Officer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["neighbourhoods"].queryset = scoped(Neighbourhood, agency).order_by("name")
        if choose_officer:
            self.fields["officer"].queryset = officer_choices(agency)
            self.fields["officer"].initial = officer
        else:
            del self.fields["officer"]
        self.fields["day"].initial = agency.today()
        self.fields["day"].widget.attrs["max"] = agency.today().isoformat()
        self.fields["start_time"].help_text = _("In the agency's time zone (%(zone)s).") % {"zone": agency.timezone}
        keep_token(self)

    def clean_gpx_file(self) -> dict | None:
        upload = self.cleaned_data.get("gpx_file")
        if not upload:
            return None
        try:
            return services.route_from_gpx(upload.read(services.MAX_GPX_BYTES + 1))
        except services.PatrolError as error:
            raise forms.ValidationError(f"{error} {CHOOSE_FILE_AGAIN}") from error

    def clean_route_geojson(self) -> dict | None:
        text = self.cleaned_data.get("route_geojson", "").strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(_("The route is not GeoJSON. Draw it again on the map, or type the "
                                          "coordinates as in the example.")) from error
        if isinstance(value, list):  # bare coordinates, typed without the map
            value = {"type": "LineString", "coordinates": value}
        try:
            return services.route_from_geojson(value)
        except services.PatrolError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if start == end:
                self.add_error("end_time", _("The end time is the same as the start time."))
            else:
                zone = self.agency.zone
                started_at = datetime.combine(day, start, tzinfo=zone)
                ended_at = datetime.combine(day + timedelta(days=1) if end < start else day, end, tzinfo=zone)
                cleaned["started_at"], cleaned["ended_at"] = started_at, ended_at
        gpx, drawn = cleaned.get("gpx_file"), cleaned.get("route_geojson")
        if gpx and drawn:
            self.add_error("route_geojson", _("Give the route one way: a GPX file or drawn on the map, not both. "
                                              "Clear the drawing, or choose the file again without it."))
        route_given = bool(gpx or drawn or self.has_error("gpx_file") or self.has_error("route_geojson"))
        if not cleaned.get("neighbourhoods") and not route_given:
            self.add_error("neighbourhoods", _("Tick the neighbourhoods the patrol covered, or add its route."))
        for name in ("positive_contacts", "businesses_visited", "schools_visited"):
            if cleaned.get(name) is None and not self.has_error(name):
                cleaned[name] = 0
        return cleaned

    def details(self, officer: Officer) -> services.PatrolDetails:
        data = self.cleaned_data
        if data.get("gpx_file"):
            route, source = data["gpx_file"], RouteSource.GPX
        elif data.get("route_geojson"):
            route, source = data["route_geojson"], RouteSource.DRAWN
        else:
            route, source = None, RouteSource.NONE
        return services.PatrolDetails(
            officer=data.get("officer") or officer, mode=data["mode"], started_at=data["started_at"],
            ended_at=data["ended_at"], neighbourhoods=list(data["neighbourhoods"]), route=route, route_source=source,
            positive_contacts=data["positive_contacts"], businesses_visited=data["businesses_visited"],
            schools_visited=data["schools_visited"], notes=data["notes"])


class PatrolFilterForm(forms.Form):
    """What supervisors and engagement staff narrow the list of patrols by. Every field may be left empty."""

    officer = forms.ModelChoiceField(label=_("Officer"), queryset=Officer.objects.none(), required=False,
                                     empty_label=_("Any officer"))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(),
                                           required=False, empty_label=_("Any neighbourhood"))
    mode = forms.ChoiceField(label=_("Mode"), required=False, choices=[("", _("On foot or by bike")),
                                                                       *Mode.choices])
    first_day = forms.DateField(label=_("From"), required=False, error_messages={"invalid": DATE_ERROR},
                                **DATE_INPUT)
    last_day = forms.DateField(label=_("To"), required=False, error_messages={"invalid": DATE_ERROR}, **DATE_INPUT)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = scoped(Officer, agency).order_by("last_name", "first_name")
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first."))
        return cleaned


class TargetForm(forms.Form):
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(),
                                           error_messages={"required": _("Choose a neighbourhood.")})
    weekly_hours = forms.DecimalField(
        label=_("Hours a week"), min_value=0, max_value=1000, max_digits=6, decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "min": 0}),
        help_text=_("Foot and bike patrol hours together, from 0 to 1,000."),
        error_messages={"required": _("Enter the hours a week."), "invalid": _("Enter the hours as a number.")})
    from_week = forms.DateField(label=_("From the week of"), error_messages={"required": _("Enter a date."),
                                                                            "invalid": DATE_ERROR},
                                help_text=_("Any day of the week; the target applies from its Monday on. "
                                            "Earlier weeks keep the target they had."), **DATE_INPUT)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.fields["from_week"].initial = services.week_start(agency.today())


class FiguresForm(forms.Form):
    """The period and grouping of the engagement figures, read from the query string. What is not given is
    filled in: the last 12 months up to today, by neighbourhood."""

    first_day = forms.DateField(label=_("From"), error_messages={"invalid": DATE_ERROR}, **DATE_INPUT)
    last_day = forms.DateField(label=_("To"), error_messages={"invalid": DATE_ERROR}, **DATE_INPUT)
    group = forms.ChoiceField(label=_("Group by"),
                              choices=[(figures.NEIGHBOURHOOD, _("Neighbourhood")), (figures.UNIT, _("Unit")),
                                       (figures.OFFICER, _("Officer"))])

    MAX_DAYS = 3 * 366

    def __init__(self, data=None, *, agency: Agency, **kwargs):
        self.today = agency.today()
        self.defaults = {"first_day": default_first_day(self.today), "last_day": self.today,
                         "group": figures.NEIGHBOURHOOD}
        data = data.copy() if data is not None else {}
        for name, value in self.defaults.items():
            if not data.get(name):
                data[name] = value.isoformat() if isinstance(value, date) else value
        super().__init__(data, **kwargs)

    def period(self) -> tuple[date, date, str]:
        """The period and grouping asked for; the defaults when what was asked for is wrong."""
        data = self.cleaned_data if self.is_valid() else self.defaults
        return data["first_day"], data["last_day"], data["group"]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first."))
        elif first and last and (last - first).days > self.MAX_DAYS:
            self.add_error("first_day", _("Choose a period of at most three years."))
        return cleaned


def default_first_day(last: date) -> date:
    """The first day of the 12 months ending on `last`."""
    try:
        year_before = last.replace(year=last.year - 1)
    except ValueError:  # 29 February
        year_before = last.replace(year=last.year - 1, day=28)
    return year_before + timedelta(days=1)
