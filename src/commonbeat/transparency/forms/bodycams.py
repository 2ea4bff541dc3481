"""Forms of the body-worn camera pages. Forms only parse what was typed; the rules live in `services.bodycams`."""

import re
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import DateInput, MultilingualForm, OfficerChoiceField, TimeInput
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.submissions import new_token, valid_token
from commonbeat.core.tenancy import scoped
from commonbeat.feedback.models import Kind, Report

from ..models import BodyCamRecording, DenialBasis, FootageRequest, RecordingCategory, sha256_validator
from ..services.bodycams import NEXT_STEPS, RecordingDetails, RequestSubmission

DURATION = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})$")


class SubmissionTokenMixin:
    """A one-time token per rendering of a creating form, so a retried post never makes a duplicate."""

    def init_token(self) -> None:
        if not self.is_bound:
            self.initial.setdefault("submission_token", new_token())
        elif not valid_token(self.data.get("submission_token", "")):
            self.data = self.data.copy()
            self.data["submission_token"] = new_token()

    def renew_token(self) -> None:
        self.data = self.data.copy()
        self.data["submission_token"] = new_token()


# ---------------------------------------------------------------- public

class FootageRequestForm(SubmissionTokenMixin, forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Your name"), max_length=200,
                           help_text=_("Seen only by the staff who handle footage requests. Never published."))
    email = forms.EmailField(label=_("Your e-mail address"),
                             help_text=_("We write to you here at each step. Never published."))
    incident_date = forms.DateField(label=_("Date of the incident"), widget=DateInput, input_formats=["%Y-%m-%d"])
    place = forms.CharField(label=_("Where it happened"), max_length=300, required=False,
                            help_text=_("A street and the nearest cross street, or a landmark."))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), required=False,
                                           queryset=Neighbourhood.objects.none(), empty_label=_("I am not sure"))
    reason = forms.CharField(label=_("What happened, and what footage you are asking for"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("For example the time, the officers or vehicles involved, and why you "
                                         "want the footage."))
    language = forms.ChoiceField(label=_("Language for our answers"), choices=settings.LANGUAGES)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.fields["language"].initial = (get_language() or "en")[:2]
        self.init_token()

    def submission(self) -> RequestSubmission:
        data = self.cleaned_data
        return RequestSubmission(name=data["name"], email=data["email"], incident_date=data["incident_date"],
                                 place=data["place"], reason=data["reason"], language=data["language"],
                                 neighbourhood=data["neighbourhood"])


class StatusLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=64,
        help_text=_("The 16-character code you were given when you sent the request, for example "
                    "K7QM-3XHD-9PAW-TR2F. Capital or small letters, with or without dashes."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "class": "font-mono-md"}),
        error_messages={"required": _("Enter the tracking code you were given when you sent the request.")})


NOT_FOUND = _("We could not find a request with that code. Check it and try again.")


# ---------------------------------------------------------------- the registry

class RecordingForm(SubmissionTokenMixin, forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    officer = OfficerChoiceField(label=_("Officer"), queryset=Officer.objects.none(), empty_label=_("Choose"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput, input_formats=["%Y-%m-%d"])
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"],
                                 help_text=_("In the agency's time zone."))
    duration = forms.CharField(label=_("Duration"), max_length=8,
                               help_text=_("Minutes and seconds, or hours, minutes and seconds: 12:30 or 1:05:00."))
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Choose"))] + RecordingCategory.choices,
                                 help_text=_("Sets how long the recording is kept."))
    sha256 = forms.CharField(label=_("SHA-256 of the file"), max_length=64, min_length=64,
                             help_text=_("64 characters, 0–9 and a–f, as the evidence system gives it."),
                             widget=forms.TextInput(attrs={"class": "font-mono-xs", "spellcheck": "false"}))
    evidence_location = forms.CharField(label=_("Where the evidence system keeps it"), max_length=300,
                                        help_text=_("For example the evidence system's item number or path."))
    complaint_reference = forms.CharField(label=_("Complaint case number"), max_length=20, required=False,
                                          help_text=_("When the recording belongs to a complaint, e.g. C-2026-00012."))
    case_number = forms.CharField(label=_("External case number"), max_length=40, required=False,
                                  help_text=_("The records system's incident or case number."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["officer"].queryset = scoped(Officer, agency).order_by("last_name", "first_name")
        self.init_token()

    @classmethod
    def initial_for(cls, recording: BodyCamRecording) -> dict:
        started = recording.started_at.astimezone(recording.agency.zone)
        return {"officer": recording.officer, "start_date": started.date(), "start_time": started.time(),
                "duration": recording.duration_text, "category": recording.category, "sha256": recording.sha256,
                "evidence_location": recording.evidence_location,
                "complaint_reference": recording.report.reference if recording.report else "",
                "case_number": recording.case_number}

    def clean_sha256(self) -> str:
        value = self.cleaned_data["sha256"].strip().lower()
        sha256_validator(value)
        return value

    def clean_duration(self) -> int:
        match = DURATION.match(self.cleaned_data["duration"].strip())
        if not match or int(match.group(3)) > 59 or (match.group(1) and int(match.group(2)) > 59):
            raise forms.ValidationError(_("Write the duration as 12:30 or 1:05:00."))
        hours, minutes, seconds = int(match.group(1) or 0), int(match.group(2)), int(match.group(3))
        total = hours * 3600 + minutes * 60 + seconds
        if total == 0:
            raise forms.ValidationError(_("A recording lasts at least a second."))
        return total

    def clean_complaint_reference(self):
        reference = self.cleaned_data["complaint_reference"].strip().upper()
        if not reference:
            return None
        report = scoped(Report, self.agency).filter(reference=reference, kind=Kind.COMPLAINT).first()
        if report is None:
            raise forms.ValidationError(_("There is no complaint case with that number."))
        return report

    def details(self) -> RecordingDetails:
        data = self.cleaned_data
        started_at = datetime.combine(data["start_date"], data["start_time"], tzinfo=self.agency.zone)
        return RecordingDetails(officer=data["officer"], started_at=started_at,
                                duration_seconds=data["duration"], category=data["category"], sha256=data["sha256"],
                                evidence_location=data["evidence_location"], report=data["complaint_reference"],
                                case_number=data["case_number"])


class RegistryFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + RecordingCategory.choices)
    officer = OfficerChoiceField(label=_("Officer"), required=False, queryset=Officer.objects.none(),
                                 empty_label=_("All officers"))
    held = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("All recordings")), ("legal_hold", _("Under legal hold")), ("deleted", _("Deleted")),
        ("kept", _("Not deleted"))])

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = scoped(Officer, agency).order_by("last_name", "first_name")


class LegalHoldForm(forms.Form):
    reason = forms.CharField(label=_("Why the recording is held"), max_length=300,
                             help_text=_("For example a preservation letter, a lawsuit or a court order."))


class ProgramForm(MultilingualForm):
    policy_url = forms.URLField(label=_("Link to the body-worn camera policy"), required=False,
                                assume_scheme="https")

    multilingual = {"about": (_("What the cameras are for"), 5, False)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_multilingual(["about", "policy_url"])


class RetentionForm(forms.Form):
    """Days to keep each category, one field per category."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in RecordingCategory:
            self.fields[category.value] = forms.IntegerField(label=category.label, min_value=1, max_value=36500,
                                                             help_text=_("Days, counted from the day recorded."))

    def days(self) -> dict[str, int]:
        return {category.value: self.cleaned_data[category.value] for category in RecordingCategory}


# ---------------------------------------------------------------- footage requests: staff

class RequestFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("open", _("Open requests")), ("overdue", _("Overdue")), ("closed", _("Released or denied")),
        ("all", _("All requests"))])


class AdvanceForm(forms.Form):
    status = forms.ChoiceField(label=_("Next step"), choices=())

    def __init__(self, *args, request: FootageRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(step.value, step.label) for step in NEXT_STEPS.get(request.status, ())]


class DenyForm(forms.Form):
    basis = forms.ChoiceField(label=_("Legal basis"), choices=[("", _("Choose"))] + DenialBasis.choices)
    explanation = forms.CharField(label=_("Explanation for the requester"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("Why more time is needed"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The requester reads this. The deadline moves by 10 business days, once."))


class RecordingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: BodyCamRecording) -> str:
        started = obj.started_at.astimezone(obj.agency.zone)
        return (f"#{obj.pk} · {started:%Y-%m-%d %H:%M} · {obj.officer.last_name} (#{obj.officer.badge_number}) · "
                f"{obj.get_category_display()} · {obj.duration_text}")


class LinkRecordingsForm(forms.Form):
    recordings = RecordingChoiceField(label=_("Recordings that answer the request"), required=False,
                                      queryset=BodyCamRecording.objects.none(), widget=forms.CheckboxSelectMultiple,
                                      help_text=_("Recordings from two days before to two days after the incident, "
                                                  "and those already linked."))

    def __init__(self, *args, request: FootageRequest, **kwargs):
        super().__init__(*args, **kwargs)
        first, last = request.agency.day_bounds(request.incident_date - timedelta(days=2),
                                                request.incident_date + timedelta(days=2))
        nearby = scoped(BodyCamRecording, request.agency).filter(deleted_on=None, started_at__gte=first,
                                                                   started_at__lt=last)
        linked = request.recordings.all()
        self.fields["recordings"].queryset = (
            scoped(BodyCamRecording, request.agency).filter(pk__in=nearby.values("pk"))
            | scoped(BodyCamRecording, request.agency).filter(pk__in=linked.values("pk"))
        ).select_related("officer", "agency").order_by("started_at", "id")
        if not self.is_bound:
            self.initial["recordings"] = list(linked.values_list("pk", flat=True))


class MessageForm(SubmissionTokenMixin, forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    body = forms.CharField(label=_("Message to the requester"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Shown on the requester's status page and e-mailed to them."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()
