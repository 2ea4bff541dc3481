"""Forms of the staff console for programs, sessions, consent on paper, attendance and mentoring.

Forms only parse what was typed; the rules live in `services`. Texts the public reads get one field per site
language (`<name>_<language>`); times are typed on the agency's clocks.
"""

import zoneinfo
from datetime import date, datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import DateInput, MultilingualForm, OfficerChoiceField, TimeInput
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.submissions import keep_token
from commonbeat.core.tenancy import scoped

from . import services
from .models import ConsentMethod, GuardianRelationship, Program, ProgramKind


def local_datetime(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """`day` at `at` on the clocks in `zone`; None when the clocks skip that time."""
    moment = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    if moment.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != moment.replace(
            tzinfo=None):
        return None
    return moment


class ProgramForm(MultilingualForm):
    multilingual = {"title": (_("Title"), 0, True), "description": (_("Description"), 5, False)}

    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    slug = forms.SlugField(label=_("Short name"), max_length=50,
                           help_text=_("Used in the address of the public page, for example summer-league."))
    kind = forms.ChoiceField(label=_("Kind of program"), choices=[("", _("Choose a kind"))] + list(ProgramKind.choices))
    min_age = forms.IntegerField(label=_("Youngest age"), min_value=0, max_value=99)
    max_age = forms.IntegerField(label=_("Oldest age"), min_value=0, max_value=99)
    season_starts_on = forms.DateField(label=_("Season starts"), widget=DateInput, input_formats=["%Y-%m-%d"])
    season_ends_on = forms.DateField(label=_("Season ends"), widget=DateInput, input_formats=["%Y-%m-%d"])
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1, max_value=10_000,
                                  help_text=_("Leave empty when there is no limit."))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(),
                                           required=False, empty_label=_("Citywide"))
    schools = forms.CharField(label=_("Schools"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line."))
    partner_organisations = forms.CharField(label=_("Partner organisations"), required=False, max_length=4000,
                                            widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line."))
    is_public = forms.BooleanField(label=_("Show the program on the public site"), required=False, initial=True)

    def __init__(self, *args, agency: Agency, program: Program | None = None, **kwargs):
        if program is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "slug": program.slug, "kind": program.kind, "min_age": program.min_age, "max_age": program.max_age,
                "season_starts_on": program.season_starts_on, "season_ends_on": program.season_ends_on,
                "capacity": program.capacity, "neighbourhood": program.neighbourhood_id, "schools": program.schools,
                "partner_organisations": program.partner_organisations, "is_public": program.is_public,
                **self.initial_texts("title", program.title), **self.initial_texts("description", program.description)}
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.order_multilingual(["submission_token", "title", "slug", "kind", "description", "min_age", "max_age",
                                 "season_starts_on", "season_ends_on", "capacity", "neighbourhood", "schools",
                                 "partner_organisations", "is_public"])
        keep_token(self)

    def details(self) -> services.ProgramDetails:
        data = self.cleaned_data
        return services.ProgramDetails(
            slug=data["slug"], kind=data["kind"], title=self.texts("title"), description=self.texts("description"),
            min_age=data["min_age"], max_age=data["max_age"], season_starts_on=data["season_starts_on"],
            season_ends_on=data["season_ends_on"], capacity=data["capacity"], neighbourhood=data["neighbourhood"],
            schools=data["schools"], partner_organisations=data["partner_organisations"],
            is_public=data["is_public"])


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput, input_formats=["%Y-%m-%d"])
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"])
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"])
    place = forms.CharField(label=_("Place"), max_length=200)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(agency.timezone)

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            cleaned["starts_at"] = local_datetime(day, start, self.zone)
            cleaned["ends_at"] = local_datetime(day, end, self.zone)
            if cleaned["starts_at"] is None or cleaned["ends_at"] is None:
                raise forms.ValidationError(_("That time does not exist on that day (the clocks change)."))
        return cleaned


class ConsentForm(forms.Form):
    guardian_name = forms.CharField(label=_("Parent's or guardian's full name"), max_length=200)
    guardian_contact = forms.CharField(label=_("Parent's or guardian's phone or e-mail"), max_length=200)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=GuardianRelationship.choices)
    method = forms.ChoiceField(label=_("How consent was given"), choices=ConsentMethod.choices,
                               initial=ConsentMethod.SIGNED_FORM)


class MentorForm(forms.Form):
    officer = OfficerChoiceField(label=_("Officer"), queryset=Officer.objects.none(),
                                 empty_label=_("Choose an officer"))
    background_check_on = forms.DateField(label=_("Date of the background check"), widget=DateInput,
                                          input_formats=["%Y-%m-%d"])
    valid_months = forms.IntegerField(label=_("Check valid for (months)"), min_value=1, max_value=120, initial=24)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = scoped(Officer, agency).filter(active_until__isnull=True).order_by(
            "last_name", "first_name")


class MatchForm(forms.Form):
    mentor = forms.ChoiceField(label=_("Mentor"))
    mentee = forms.ChoiceField(label=_("Mentee"))
    started_on = forms.DateField(label=_("Started"), widget=DateInput, input_formats=["%Y-%m-%d"], required=False,
                                 help_text=_("Leave blank for today."))

    def __init__(self, *args, mentors, mentees, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [("", _("Choose a mentor"))] + [
            (str(mentor.pk), str(mentor.officer) if mentor.check_is_current(today)
             else _("%(mentor)s — background check expired") % {"mentor": mentor.officer})
            for mentor in mentors]
        self.fields["mentee"].choices = [("", _("Choose a mentee"))] + [
            (str(enrolment.pk), enrolment.participant.display_name) for enrolment in mentees]


class MeetingForm(forms.Form):
    met_on = forms.DateField(label=_("Met on"), widget=DateInput, input_formats=["%Y-%m-%d"])
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=600)
    note = forms.CharField(label=_("Note"), max_length=280, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Short and factual, for example “homework help, planned a campus visit”. "
                                       "Do not record family, health or other sensitive details."))
