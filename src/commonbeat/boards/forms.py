"""Forms for advisory boards: the resident's application (public), and the staff console's forms.

Forms only parse what was typed; the rules live in `services`. Texts residents read get one field per site
language, named `<name>_<language>`, and reach the services as {language: text}. Times are typed as wall-clock
times in the agency's time zone.
"""

import zoneinfo
from datetime import date, datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import DateInput, MultilingualForm, TimeInput
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.submissions import keep_token
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language, text_in
from commonbeat.surveys.instrument import AGE_BANDS, GENDERS, RACES

from .models import Board, Meeting, RecommendationStatus, ResponseStatus

DEFAULT_LANGUAGE = "en"
DATE_FORMATS = ["%Y-%m-%d"]


def _declared_choices(rows) -> list[tuple[str, str]]:
    language = current_language()
    return [("", _("Prefer not to say"))] + [(code, text_in({"en": en, "es": es}, language)) for code, en, es in rows]


# ---------------------------------------------------------------- public

class ApplicationForm(forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}),
                           help_text=_("As you would like it to appear on the board's roster if you are appointed."),
                           error_messages={"required": _("Tell us your name.")})
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("Only for staff to contact you about your application."),
                             error_messages={"required": _("Give an e-mail address so staff can reach you."),
                                             "invalid": _("Enter an e-mail address like name@example.org.")})
    neighbourhood = forms.ModelChoiceField(label=_("Your neighbourhood"), queryset=Neighbourhood.objects.none(),
                                           required=False, empty_label=_("Prefer not to say"))
    statement = forms.CharField(label=_("Why would you like to serve on this board?"), max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 6}),
                                help_text=_("A few sentences about yourself and what you would bring."),
                                error_messages={"required": _("Tell us why you would like to serve.")})
    age_band = forms.ChoiceField(label=_("Your age"), required=False)
    gender = forms.ChoiceField(label=_("Your gender"), required=False)
    race_ethnicity = forms.ChoiceField(label=_("Your race or ethnicity"), required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.fields["age_band"].choices = _declared_choices(AGE_BANDS)
        self.fields["gender"].choices = _declared_choices(GENDERS)
        self.fields["race_ethnicity"].choices = _declared_choices(RACES)
        keep_token(self)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Tell us your name."))
        return name


class TrackerFilterForm(forms.Form):
    board = forms.ChoiceField(label=_("Board"), required=False,
                              error_messages={"invalid_choice": _("Choose a board from the list.")})
    status = forms.ChoiceField(label=_("Status"), required=False,
                               error_messages={"invalid_choice": _("Choose a status from the list.")})
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.fields["board"].choices = [("", _("All boards"))] + [
            (board.slug, board.name_in(language)) for board in scoped(Board, agency)]
        self.fields["status"].choices = [("", _("Any status"))] + list(RecommendationStatus.choices)


# ---------------------------------------------------------------- staff

class BoardForm(MultilingualForm):
    slug = forms.SlugField(label=_("Short name"), max_length=50,
                           help_text=_("Used in the board's address, for example community-advisory-board."))
    seat_count = forms.IntegerField(label=_("Seats"), min_value=1, max_value=99)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=120, initial=24)
    is_accepting_applications = forms.BooleanField(label=_("Residents can apply"), required=False, initial=True)

    multilingual = {"name": (_("Name"), 0, True), "purpose": (_("Purpose"), 4, False)}

    @classmethod
    def initial_for(cls, board: Board) -> dict:
        return {"slug": board.slug, "seat_count": board.seat_count, "term_months": board.term_months,
                "is_accepting_applications": board.is_accepting_applications,
                **cls.initial_texts("name", board.name), **cls.initial_texts("purpose", board.purpose)}


class AppointForm(forms.Form):
    seat = forms.TypedChoiceField(label=_("Seat"), coerce=int)
    term_start = forms.DateField(label=_("Term starts"), widget=DateInput, input_formats=DATE_FORMATS,
                                 help_text=_("For example 2026-05-01."))

    def __init__(self, *args, vacant: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [(seat, _("Seat %(seat)s") % {"seat": seat}) for seat in vacant]


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("Note for staff"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Not shown to the applicant."))


class EndTermForm(forms.Form):
    ended_on = forms.DateField(label=_("Left on"), widget=DateInput, input_formats=DATE_FORMATS)


def local_datetime(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


class MeetingForm(MultilingualForm):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(label=_("Date"), widget=DateInput, input_formats=DATE_FORMATS,
                          help_text=_("For example 2026-05-14."))
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"],
                                 help_text=_("24-hour clock, in the agency's time zone."))
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"])
    place = forms.CharField(label=_("Place"), max_length=300,
                            help_text=_("The address, or how to join online."))

    multilingual = {"agenda": (_("Agenda"), 8, False)}

    def __init__(self, *args, agency: Agency, meeting: Meeting | None = None, **kwargs):
        self.zone = zoneinfo.ZoneInfo(agency.timezone)
        if meeting is not None:
            starts, ends = meeting.starts_at.astimezone(self.zone), meeting.ends_at.astimezone(self.zone)
            kwargs.setdefault("initial", {"day": starts.date(), "start_time": starts.time(), "end_time": ends.time(),
                                          "place": meeting.place, **self.initial_texts("agenda", meeting.agenda)})
        super().__init__(*args, **kwargs)
        keep_token(self)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start_time") and data.get("end_time"):
            data["starts_at"] = local_datetime(data["day"], data["start_time"], self.zone)
            data["ends_at"] = local_datetime(data["day"], data["end_time"], self.zone)
        return data


class PublishForm(forms.Form):
    reason = forms.CharField(label=_("Reason for short notice"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Needed when the meeting starts in less than 72 hours; shown publicly."))


class MinutesForm(MultilingualForm):
    multilingual = {"minutes": (_("Minutes"), 8, True)}
    text_max_length = 20000


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("PDF, text, Word, PowerPoint, CSV or image; up to 20 MB."))


class RecommendationForm(MultilingualForm):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    made_on = forms.DateField(label=_("Made on"), widget=DateInput, input_formats=DATE_FORMATS,
                              help_text=_("The day the board agreed it."))
    meeting = forms.ModelChoiceField(label=_("At the meeting"), queryset=Meeting.objects.none(), required=False,
                                     empty_label=_("Not at a meeting"))

    multilingual = {"title": (_("Title"), 0, True), "text": (_("Recommendation"), 6, True)}

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = board.meetings.order_by("-starts_at")
        zone = zoneinfo.ZoneInfo(board.agency.timezone)
        self.fields["meeting"].label_from_instance = lambda meeting: meeting.starts_at.astimezone(zone).strftime(
            "%Y-%m-%d %H:%M")
        keep_token(self)


class ResponseForm(MultilingualForm):
    status = forms.ChoiceField(label=_("Response"), choices=ResponseStatus.choices, widget=forms.RadioSelect)
    responded_on = forms.DateField(label=_("Responded on"), widget=DateInput, input_formats=DATE_FORMATS)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput, input_formats=DATE_FORMATS,
                             help_text=_("Under review: the date of the final response (required). Accepted: the "
                                         "date it will be carried out by (optional)."))

    multilingual = {"rationale": (_("Rationale"), 5, True)}


class MilestoneForm(MultilingualForm):
    due_on = forms.DateField(label=_("Due"), widget=DateInput, input_formats=DATE_FORMATS)

    multilingual = {"title": (_("Milestone"), 0, True)}
