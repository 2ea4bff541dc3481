"""Forms residents fill in without an account: filing a report, finding it again, and writing to the agency.

The forms only parse and check what was typed so each mistake can be shown beside its field; the rules
themselves (what can be filed, which files are accepted) are the services'.
"""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import Agency
from commonbeat.core.submissions import keep_token, new_token, valid_token

from . import services
from .models import Kind


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list of uploads (empty when none were chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)] if data else []


def accepted_file_types() -> str:
    """The `accept` attribute of the file input: the content types the service accepts, and their extensions."""
    return ",".join([*services.ALLOWED_ATTACHMENT_TYPES, *sorted(set(services.ALLOWED_ATTACHMENT_TYPES.values()))])


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("What happened"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Tell us what happened, in a sentence or more.")})
    occurred_on = forms.DateField(
        label=_("Date it happened"), required=False, input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave blank if you are not sure."),
        error_messages={"invalid": _("Enter the date as year-month-day, for example 2025-03-14.")})
    occurred_time = forms.TimeField(
        label=_("Time it happened"), required=False, input_formats=["%H:%M", "%H:%M:%S", "%I:%M %p"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("An approximate time is fine."),
        error_messages={"invalid": _("Enter the time as hours and minutes, for example 14:30.")})
    location_text = forms.CharField(
        label=_("Where it happened"), required=False, max_length=300,
        help_text=_("An address, an intersection or a landmark, for example “5th Street and Main”."))
    # Filled only by the map on pages where a tile server is configured; ignored when not a valid point.
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    officers_described = forms.CharField(
        label=_("Officers involved, if you know"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names, badge numbers, car numbers, or what they looked like. Leave blank if you do not know."))
    attachments = MultipleFileField(label=_("Photos, videos or documents"), required=False)
    name = forms.CharField(label=_("Your name"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Your e-mail address"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("We will e-mail you when your report is received, acknowledged and "
                                         "closed, and, if you agree below, when the agency writes to you. The "
                                         "e-mails never include your tracking code or what you wrote."))
    phone = forms.CharField(label=_("Your phone number"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    consent_to_contact = forms.BooleanField(
        label=_("An investigator may contact me about this report"), required=False)
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agency: Agency, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency, self.kind = agency, kind
        self.max_attachment_mb = services.settings_for(agency).max_attachment_mb
        if not self.is_bound:
            self.initial.setdefault("submission_token", new_token())
        elif not valid_token(self.data.get("submission_token", "")):
            self.renew_token()
        if kind == Kind.COMMENDATION:
            self.fields["narrative"].label = _("What the officer or officers did well")
            self.fields["narrative"].help_text = _("Tell us in your own words what happened and why it mattered "
                                                   "to you.")
            self.fields["officers_described"].label = _("Officers you want to thank, if you know")
        else:
            self.fields["narrative"].help_text = _("Tell us in your own words what happened: who was there, what "
                                                   "was said and done, and anything else that would help us "
                                                   "understand.")
        self.fields["occurred_on"].widget.attrs["max"] = self.local_now().date().isoformat()
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files of at most %(size)s MB each: photos (JPEG, PNG, GIF, WebP, HEIC), PDF or text "
            "documents, MP4 videos or MP3 audio.") % {"count": services.MAX_ATTACHMENTS,
                                                      "size": self.max_attachment_mb}

    def local_now(self):
        """Now in the agency's time zone: a date is in the future by the resident's calendar, not UTC's."""
        try:
            zone = zoneinfo.ZoneInfo(self.agency.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = timezone.get_default_timezone()
        return timezone.localtime(timezone=zone)

    def clean_narrative(self) -> str:
        narrative = self.cleaned_data["narrative"].strip()
        if len(narrative) < 10:
            raise forms.ValidationError(_("Tell us what happened, in a sentence or more."))
        return narrative

    def clean_occurred_on(self):
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on and occurred_on > self.local_now().date():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return occurred_on

    def clean_attachments(self) -> list:
        uploads = self.cleaned_data["attachments"]
        if len(uploads) > services.MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Attach at most %(count)s files.") % {"count": services.MAX_ATTACHMENTS})
        problems = []
        for upload in uploads:
            try:
                services.check_attachment(self.agency, upload)
            except services.FeedbackError as error:
                problems.append(str(error))
        if problems:
            raise forms.ValidationError(problems)
        return uploads

    def clean(self):
        cleaned = super().clean()
        occurred_on, occurred_time = cleaned.get("occurred_on"), cleaned.get("occurred_time")
        now = self.local_now()
        if occurred_on == now.date() and occurred_time and occurred_time > now.time():
            self.add_error("occurred_time", _("The time cannot be in the future."))
        cleaned["latitude"], cleaned["longitude"] = self._point(cleaned.get("latitude"), cleaned.get("longitude"))
        if cleaned.get("consent_to_contact") and not (cleaned.get("email") or cleaned.get("phone", "").strip()):
            self.add_error("consent_to_contact", _("To be contacted, give an e-mail address or a phone number."))
        return cleaned

    @staticmethod
    def _point(latitude: str | None, longitude: str | None) -> tuple[float | None, float | None]:
        try:
            lat, lng = float(latitude), float(longitude)
        except (TypeError, ValueError):
            return None, None
        if -90 <= lat <= 90 and -180 <= lng <= 180:
            return lat, lng
        return None, None

    def submission(self, language: str) -> services.Submission:
        data = self.cleaned_data
        return services.Submission(
            kind=self.kind, narrative=data["narrative"], occurred_on=data["occurred_on"],
            occurred_time=data["occurred_time"], location_text=data["location_text"], latitude=data["latitude"],
            longitude=data["longitude"], officers_described=data["officers_described"], name=data["name"],
            email=data["email"], phone=data["phone"], consent_to_contact=data["consent_to_contact"],
            language=language, files=data["attachments"])

    def renew_token(self) -> None:
        """Keep the typed answers but give the form a fresh token, so the next send files a new report."""
        self.data = self.data.copy()
        self.data["submission_token"] = new_token()


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=64,
        help_text=_("The 16-character code you were given when you filed the report, for example "
                    "K7QM-3XHD-9PAW-TR2F. Capital or small letters, with or without dashes."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "class": "font-mono-md"}),
        error_messages={"required": _("Enter the tracking code you were given when you filed the report.")})


NOT_FOUND = _("We could not find a report with that code. Check it and try again.")


class ResidentMessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("The agency will read it with your report and answer on this page."),
                           error_messages={"required": _("Write a message before sending.")})
    code = forms.CharField(widget=forms.HiddenInput, max_length=64)
    message_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_token(self, "message_token")
