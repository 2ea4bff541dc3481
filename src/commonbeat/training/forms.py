"""Forms of the training console. Forms only parse what was typed; the rules live in `services`. Course titles
get one field per site language (`title_<language>`); session times are typed on the agency's clocks."""

import zoneinfo
from datetime import date

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import OfficerChoiceField, OfficerMultipleChoiceField
from commonbeat.core.models import Agency, Officer, Unit
from commonbeat.core.tenancy import scoped
from commonbeat.engagement.staff_forms import DateInput, TimeInput, local_datetime

from . import services
from .compliance import Status
from .models import AppliesTo, Category, Course, Requirement

DEFAULT_LANGUAGE = "en"


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Course) -> str:
        from django.utils.translation import get_language
        return f"{obj.code} — {obj.title_in(get_language() or DEFAULT_LANGUAGE)}"


def active_officers(agency: Agency):
    today = timezone.localdate()
    return (scoped(Officer, agency).filter(active_from__lte=today)
            .filter(Q(active_until__isnull=True) | Q(active_until__gte=today)).order_by("last_name", "first_name"))


class CourseForm(forms.Form):
    code = forms.CharField(label=_("Course code"), max_length=30,
                           help_text=_("The code the learning system uses, e.g. DEESC-8. CSV imports find courses "
                                       "by it."))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.25, max_value=999, decimal_places=2)
    recurrence_months = forms.IntegerField(label=_("Repeat every (months)"), required=False, min_value=1,
                                           max_value=120, help_text=_("Leave empty for a course taken once."))
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args, course: Course | None = None, **kwargs):
        if course is not None:
            kwargs.setdefault("initial", {
                "code": course.code, "category": course.category, "hours": course.hours,
                "recurrence_months": course.recurrence_months, "is_active": course.is_active,
                **{f"title_{code}": course.title.get(code, "") for code, _name in settings.LANGUAGES}})
        super().__init__(*args, **kwargs)
        for code, language_name in settings.LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=format_lazy("{} ({})", _("Title"), language_name), max_length=200,
                required=code == DEFAULT_LANGUAGE)
        self.order_fields(["code"] + [f"title_{code}" for code, _name in settings.LANGUAGES])

    def details(self) -> services.CourseDetails:
        data = self.cleaned_data
        return services.CourseDetails(
            code=data["code"], category=data["category"], hours=data["hours"],
            recurrence_months=data["recurrence_months"], is_active=data["is_active"],
            title={code: data.get(f"title_{code}", "") for code, _name in settings.LANGUAGES})


class RequirementForm(forms.Form):
    course = CourseChoiceField(label=_("Course"), queryset=Course.objects.none(), empty_label=_("Choose a course"))
    hours_required = forms.DecimalField(label=_("Hours required"), min_value=0.25, max_value=999, decimal_places=2)
    every_months = forms.IntegerField(label=_("Every (months)"), required=False, min_value=1, max_value=120,
                                      help_text=_("E.g. 12 for every year. Leave empty when once is enough."))
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=AppliesTo.choices, widget=forms.RadioSelect)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("No unit"), help_text=_("When it applies to one unit."))
    assignment = forms.CharField(label=_("Assignment"), max_length=60, required=False,
                                 help_text=_("When it applies to one assignment, e.g. patrol (as on officers' "
                                             "records; case does not matter)."))
    grace_days = forms.IntegerField(label=_("Grace period (days)"), min_value=0, max_value=730, initial=90,
                                    help_text=_("How long an officer who newly becomes subject to it (joins, or "
                                                "moves to the unit or assignment) has to complete it."))
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)

    def __init__(self, *args, agency: Agency, requirement: Requirement | None = None, **kwargs):
        if requirement is not None:
            kwargs.setdefault("initial", {
                "course": requirement.course_id, "hours_required": requirement.hours_required,
                "every_months": requirement.every_months, "applies_to": requirement.applies_to,
                "unit": requirement.unit_id, "assignment": requirement.assignment,
                "grace_days": requirement.grace_days, "is_active": requirement.is_active})
        else:
            kwargs.setdefault("initial", {"applies_to": AppliesTo.ALL})
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = scoped(Course, agency)
        self.fields["unit"].queryset = scoped(Unit, agency).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("applies_to") == AppliesTo.UNIT and not data.get("unit"):
            self.add_error("unit", _("Choose the unit the requirement applies to."))
        if data.get("applies_to") == AppliesTo.ASSIGNMENT and not (data.get("assignment") or "").strip():
            self.add_error("assignment", _("Give the assignment the requirement applies to."))
        return data

    def details(self) -> services.RequirementDetails:
        data = self.cleaned_data
        return services.RequirementDetails(
            course=data["course"], hours_required=data["hours_required"], every_months=data["every_months"],
            applies_to=data["applies_to"], unit=data["unit"], assignment=data["assignment"],
            grace_days=data["grace_days"], is_active=data["is_active"])


class SessionForm(forms.Form):
    course = CourseChoiceField(label=_("Course"), queryset=Course.objects.none(), empty_label=_("Choose a course"))
    day = forms.DateField(label=_("Date"), widget=DateInput, input_formats=["%Y-%m-%d"],
                          help_text=_("For example 2026-05-14."))
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"],
                                 help_text=_("24-hour clock, for example 08:30."))
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"])
    place = forms.CharField(label=_("Place"), max_length=200)
    instructors = forms.CharField(label=_("Instructors"), max_length=300, required=False,
                                  help_text=_("Names, separated by commas."))
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1, max_value=1000,
                                  help_text=_("Leave empty when there is no limit."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(agency.timezone)
        self.fields["course"].queryset = scoped(Course, agency).filter(is_active=True)
        self.fields["day"].help_text = format_lazy(
            "{} {}", self.fields["day"].help_text,
            _("Times are in the agency's time zone, %(zone)s.") % {"zone": agency.timezone})

    def clean(self):
        data = super().clean()
        day = data.get("day")
        for name, target in (("start_time", "starts_at"), ("end_time", "ends_at")):
            if day and data.get(name):
                data[target] = local_datetime(day, data[name], self.zone)
                if data[target] is None:
                    self.add_error(name, _("The clocks skip this time that day. Choose another time."))
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", _("The session must end after it starts."))
        return data

    def details(self) -> services.SessionDetails:
        data = self.cleaned_data
        return services.SessionDetails(course=data["course"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                                       place=data["place"], instructors=data["instructors"],
                                       capacity=data["capacity"])


class RosterForm(forms.Form):
    officers = OfficerMultipleChoiceField(label=_("Officers to add"), queryset=Officer.objects.none(),
                                          help_text=_("Hold Ctrl (or Command) to choose several."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = active_officers(agency)
        self.fields["officers"].widget.attrs["size"] = 10


class RecordForm(forms.Form):
    officer = OfficerChoiceField(label=_("Officer"), queryset=Officer.objects.none(),
                                 empty_label=_("Choose an officer"))
    course = CourseChoiceField(label=_("Course"), queryset=Course.objects.none(), empty_label=_("Choose a course"))
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput, input_formats=["%Y-%m-%d"],
                                   help_text=_("For example 2026-05-14."))
    hours = forms.DecimalField(label=_("Hours"), min_value=0.25, max_value=999, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("E.g. where the course was taken."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = active_officers(agency)
        self.fields["course"].queryset = scoped(Course, agency)

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A completion cannot be dated in the future."))
        return value


class ImportForm(forms.Form):
    source_system = forms.CharField(label=_("Learning system"), max_length=40, initial="lms",
                                    help_text=_("A short name for the system the export comes from. Record ids are "
                                                "unique per system: a record imported before is skipped."))
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, comma-separated, at most 2 MB."))


class AssignmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("No unit"))
    assignment = forms.CharField(label=_("Assignment"), max_length=60, required=False,
                                 help_text=_("E.g. patrol, crisis, school resource."))
    effective_on = forms.DateField(label=_("As of"), widget=DateInput, input_formats=["%Y-%m-%d"],
                                   help_text=_("The day the officer started in the new unit or assignment."))

    def __init__(self, *args, agency: Agency, officer: Officer, **kwargs):
        kwargs.setdefault("initial", {"unit": officer.unit_id, "assignment": officer.assignment,
                                      "effective_on": date.today()})
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(Unit, agency).order_by("name")


class RequirementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Requirement) -> str:
        from django.utils.translation import get_language
        return obj.describe(get_language() or DEFAULT_LANGUAGE)


class ComplianceFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("All units"))
    requirement = RequirementChoiceField(label=_("Requirement"), queryset=Requirement.objects.none(),
                                         required=False, empty_label=_("All requirements"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + list(Status.choices))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(Unit, agency).order_by("name")
        self.fields["requirement"].queryset = scoped(Requirement, agency).filter(is_active=True).select_related(
            "course", "unit")
