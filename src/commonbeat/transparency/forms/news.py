"""Forms of the news pages: the public filter and the staff form for an update. Forms only parse what was typed;
the rules live in `services.news`."""

from datetime import datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import DateInput, MultilingualForm, TimeInput
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.submissions import new_token, valid_token
from commonbeat.core.tenancy import scoped

from ..models import Update, UpdateKind
from ..services.news import UpdateDetails

DATE_FORMATS = ["%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


class NewsFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of update"), required=False,
                             choices=[("", _("All kinds"))] + UpdateKind.choices,
                             widget=forms.Select(attrs={"class": "usa-select"}))
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood"), required=False,
                                      widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].choices = [("", _("All neighbourhoods"))] + list(
            scoped(Neighbourhood, agency).order_by("name").values_list("slug", "name"))

    def filters(self) -> dict:
        """The valid filters asked for; an unknown value is ignored rather than refused."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class UpdateForm(MultilingualForm):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind of update"), choices=[("", _("Choose"))] + UpdateKind.choices)
    slug = forms.SlugField(label=_("Short name"), max_length=70, required=False,
                           help_text=_("Used in the page address, e.g. winter-safety-tips. Left empty, it is made "
                                       "from the English title. It cannot be changed later."))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), required=False,
                                           queryset=Neighbourhood.objects.none(),
                                           empty_label=_("The whole city"))
    day = forms.DateField(label=_("Meeting date"), required=False, widget=DateInput, input_formats=DATE_FORMATS,
                          help_text=_("Public meeting notices only. For example 2026-05-14."))
    start_time = forms.TimeField(label=_("Meeting starts at"), required=False, widget=TimeInput,
                                 input_formats=TIME_FORMATS,
                                 help_text=_("Public meeting notices only. 24-hour clock, in the agency's time zone."))
    end_time = forms.TimeField(label=_("Meeting ends at"), required=False, widget=TimeInput,
                               input_formats=TIME_FORMATS, help_text=_("Public meeting notices only."))
    place = forms.CharField(label=_("Meeting place"), max_length=300, required=False,
                            help_text=_("Public meeting notices only: the address, or how to join online."))
    until = forms.DateField(label=_("Safety alert in effect until"), required=False, widget=DateInput,
                            input_formats=DATE_FORMATS,
                            help_text=_("Safety alerts only. Until the end of this day the alert stays at the top "
                                        "of the news page; without it, for seven days after publishing."))

    multilingual = {"title": (_("Title"), 0, True), "summary": (_("Summary"), 3, True),
                    "body": (_("Text"), 10, True)}
    text_max_length = 20000

    def __init__(self, *args, agency: Agency, update: Update | None = None, **kwargs):
        self.agency = agency
        if update is not None:
            kwargs.setdefault("initial", self.initial_for(update))
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        if update is not None:
            del self.fields["slug"]
            del self.fields["submission_token"]
        else:
            self._init_token()
        self.order_multilingual(["submission_token", "kind", "slug", "title", "summary", "body", "neighbourhood",
                                 "day", "start_time", "end_time", "place", "until"])

    def _init_token(self) -> None:
        if not self.is_bound:
            self.initial.setdefault("submission_token", new_token())
        elif not valid_token(self.data.get("submission_token", "")):
            self.data = self.data.copy()
            self.data["submission_token"] = new_token()

    def initial_for(self, update: Update) -> dict:
        zone = self.agency.zone
        initial = {"kind": update.kind, "neighbourhood": update.neighbourhood, "place": update.place,
                   **self.initial_texts("title", update.title), **self.initial_texts("summary", update.summary),
                   **self.initial_texts("body", update.body)}
        if update.kind == UpdateKind.MEETING and update.starts_at and update.ends_at:
            starts, ends = update.starts_at.astimezone(zone), update.ends_at.astimezone(zone)
            initial.update({"day": starts.date(), "start_time": starts.time(), "end_time": ends.time()})
        elif update.kind == UpdateKind.SAFETY and update.ends_at:
            initial["until"] = (update.ends_at.astimezone(zone) - timedelta(microseconds=1)).date()
        return initial

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == UpdateKind.MEETING:
            for name, message in (("day", _("Give the date of the meeting.")),
                                  ("start_time", _("Give the time the meeting starts.")),
                                  ("end_time", _("Give the time the meeting ends.")),
                                  ("place", _("Say where the meeting is."))):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data

    def details(self) -> UpdateDetails:
        data, zone = self.cleaned_data, self.agency.zone
        starts_at = ends_at = None
        if data["kind"] == UpdateKind.MEETING:
            starts_at = datetime.combine(data["day"], data["start_time"], tzinfo=zone)
            ends_at = datetime.combine(data["day"], data["end_time"], tzinfo=zone)
        elif data["kind"] == UpdateKind.SAFETY and data.get("until"):
            ends_at = self.agency.day_bounds(data["until"], data["until"])[1]
        return UpdateDetails(kind=data["kind"], title=self.texts("title"), summary=self.texts("summary"),
                             body=self.texts("body"), neighbourhood=data.get("neighbourhood"),
                             starts_at=starts_at, ends_at=ends_at, place=data.get("place", ""))
