"""Forms of the staff console for complaints, commendations and early intervention.

Forms only parse and check what was typed; the rules (who may, in which status) live in `services`.
Every form on the case page has its own prefix, so several can share one page without clashing ids.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from commonbeat.accounts.roles import Role
from commonbeat.core.forms import DateInput
from commonbeat.core.models import Agency, Neighbourhood, Officer, Unit
from commonbeat.core.tenancy import scoped

from . import services
from .models import Alert, AllegationCategory, CaseEntry, Classification, FindingType, Kind, Metric, Status

MAX_ALLEGATION_ROWS = 5
UNASSIGNED = "none"


def people_with_role(agency: Agency, role: Role):
    """The users who hold `role` in `agency`, by name."""
    return (get_user_model().objects.filter(memberships__agency=agency, memberships__role=role, is_active=True)
            .distinct().order_by("last_name", "first_name", "username"))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def end_of_day(day: date, agency: Agency) -> datetime:
    """The last minute of `day` in the agency's time zone: a due date means 'by the end of that day'."""
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(agency.timezone))


# ---------------------------------------------------------------- the intake queue

class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + Status.choices)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Complaints and commendations"))] + Kind.choices)
    classification = forms.ChoiceField(
        label=_("Classification"), required=False,
        choices=[("", _("Any classification")), (UNASSIGNED, _("Not yet classified"))] + Classification.choices)
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), required=False,
                                           queryset=Neighbourhood.objects.none(), empty_label=_("Any neighbourhood"))
    investigator = forms.ChoiceField(label=_("Investigator"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue cases"), required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.fields["investigator"].choices = (
            [("", _("Anyone")), (UNASSIGNED, _("Not assigned"))]
            + [(str(person.pk), person.get_full_name() or person.get_username())
               for person in people_with_role(agency, Role.INVESTIGATOR)])


# ---------------------------------------------------------------- case actions

class TriageForm(forms.Form):
    classification = forms.ChoiceField(label=_("Classification"),
                                       choices=[("", _("Choose a classification"))] + Classification.choices,
                                       help_text=_("A formal complaint names at least one allegation; "
                                                   "an inquiry may; a commendation names none."))

    def __init__(self, data=None, *, report, prefix=None, **kwargs):
        super().__init__(data, prefix=prefix, **kwargs)
        if data is None and report.kind == Kind.COMMENDATION:
            self.initial["classification"] = Classification.COMMENDATION
        self.rows = AllegationRowFormSet(data, prefix=f"{prefix}-allegation",
                                         form_kwargs={"agency": report.agency})

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.rows.is_valid()])

    @property
    def allegations(self) -> list[services.AllegationInput]:
        return [services.AllegationInput(row["category"], row.get("officer"), row.get("description", ""))
                for row in self.rows.cleaned_data if row.get("category")]


class AllegationRowForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=AllegationCategory.objects.none(),
                                      empty_label=_("No allegation in this row"))
    officer = forms.ModelChoiceField(label=_("Officer"), required=False, queryset=Officer.objects.none(),
                                     empty_label=_("Unidentified officer"))
    description = forms.CharField(label=_("What the officer is said to have done"), required=False,
                                  widget=_textarea(2))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = scoped(AllegationCategory, agency).filter(active=True)
        self.fields["officer"].queryset = scoped(Officer, agency).order_by("last_name", "first_name")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("category") and (cleaned.get("officer") or cleaned.get("description", "").strip()):
            self.add_error("category", _("Choose a category for this allegation, or clear the row."))
        return cleaned


AllegationRowFormSet = forms.formset_factory(AllegationRowForm, extra=MAX_ALLEGATION_ROWS, max_num=MAX_ALLEGATION_ROWS,
                                             validate_max=True, absolute_max=MAX_ALLEGATION_ROWS)


class AssignForm(forms.Form):
    investigator = PersonChoiceField(label=_("Investigator"), queryset=get_user_model().objects.none(),
                                     empty_label=_("Choose an investigator"))
    due_on = forms.DateField(label=_("Investigation due by"), required=False, widget=DateInput)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = report.agency
        self.fields["investigator"].queryset = people_with_role(report.agency, Role.INVESTIGATOR)
        self.fields["due_on"].help_text = _("Leave empty for the agency's target of %(days)s days.") % {
            "days": services.settings_for(report.agency).investigation_target_days}
        if report.assigned_to_id:
            self.initial.setdefault("investigator", report.assigned_to_id)

    @property
    def due_at(self) -> datetime | None:
        due_on = self.cleaned_data.get("due_on")
        return end_of_day(due_on, self.agency) if due_on else None


class ConfirmForm(forms.Form):
    """A move that needs nothing but the button (start the investigation, submit findings)."""

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)


class MediationForm(ConfirmForm):
    reason = forms.CharField(label=_("Why mediation"), widget=_textarea(),
                             help_text=_("Recorded in the case timeline."))


class EndMediationForm(ConfirmForm):
    reason = forms.CharField(label=_("How mediation ended"), widget=_textarea())


class ReturnForm(ConfirmForm):
    reason = forms.CharField(label=_("What more is needed"), widget=_textarea())


class CloseForm(ConfirmForm):
    outcome_summary = forms.CharField(label=_("Outcome, as the resident will read it"), widget=_textarea(5),
                                      help_text=_("Plain words; no names of other residents or officers' "
                                                  "personnel details."))


class CaseEntryForm(ConfirmForm):
    kind = forms.ChoiceField(label=_("Kind of entry"), choices=CaseEntry.EntryKind.choices)
    text = forms.CharField(label=_("Entry"), widget=_textarea(5))


class MessageForm(ConfirmForm):
    body = forms.CharField(label=_("Message to the resident"), widget=_textarea(4),
                           help_text=_("The resident reads it on the tracking page, and by e-mail if they agreed "
                                       "to be contacted."))


class FindingForm(forms.Form):
    finding = forms.ModelChoiceField(label=_("Finding"), queryset=FindingType.objects.none(),
                                     empty_label=_("Choose a finding"))
    reason = forms.CharField(label=_("Reason for the finding"), widget=_textarea())

    def __init__(self, *args, report, allegation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = scoped(FindingType, report.agency)
        if allegation.finding_id:
            self.initial.setdefault("finding", allegation.finding_id)
            self.initial.setdefault("reason", allegation.finding_reason)


class VerifyCommendationForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers commended"), queryset=Officer.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Choose one or more (hold Ctrl, or Command on a Mac, to choose several)."))
    note = forms.CharField(label=_("Note to the resident"), required=False, widget=_textarea(),
                           help_text=_("Leave empty to thank them and say the officers have been told."))
    put_forward_for_recognition = forms.BooleanField(label=_("Put forward for recognition"), required=False)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = scoped(Officer, report.agency).order_by("last_name", "first_name")


class GrantIdentityForm(forms.Form):
    reviewer = PersonChoiceField(label=_("Oversight reviewer"), queryset=get_user_model().objects.none(),
                                 empty_label=_("Choose a reviewer"))
    reason = forms.CharField(label=_("Reason for granting access"), widget=_textarea(2))

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = people_with_role(report.agency, Role.OVERSIGHT_REVIEWER)


# ---------------------------------------------------------------- early intervention

class PlanInterventionForm(forms.Form):
    plan = forms.CharField(label=_("Intervention plan"), widget=_textarea(5),
                           help_text=_("For example: supervisor meeting, de-escalation refresher, peer mentoring."))
    due_on = forms.DateField(label=_("Plan due by"), widget=DateInput)

    def __init__(self, *args, alert: Alert, **kwargs):
        super().__init__(*args, **kwargs)
        if alert.intervention_plan:
            self.initial.setdefault("plan", alert.intervention_plan)
            self.initial.setdefault("due_on", alert.plan_due_on)


class CompleteInterventionForm(forms.Form):
    note = forms.CharField(label=_("What was done"), required=False, widget=_textarea())

    def __init__(self, *args, alert: Alert, **kwargs):
        super().__init__(*args, **kwargs)


class DismissAlertForm(forms.Form):
    note = forms.CharField(label=_("Why no action is needed"), widget=_textarea())

    def __init__(self, *args, alert: Alert, **kwargs):
        super().__init__(*args, **kwargs)


class AlertPolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    metric = forms.ChoiceField(label=_("What is counted"), choices=Metric.choices)
    unit = forms.ModelChoiceField(label=_("Tracked unit"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("All officers"))
    period_days = forms.IntegerField(label=_("Period (days)"), min_value=1, max_value=3650, initial=180)
    warning_threshold = forms.IntegerField(label=_("Warning at"), min_value=1, max_value=1000)
    critical_threshold = forms.IntegerField(label=_("Critical at"), min_value=1, max_value=1000,
                                            help_text=_("At least the warning threshold."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(Unit, agency).order_by("name")

    def clean(self):
        cleaned = super().clean()
        warning, critical = cleaned.get("warning_threshold"), cleaned.get("critical_threshold")
        if warning is not None and critical is not None and critical < warning:
            self.add_error("critical_threshold", _("The critical threshold must be at least the warning threshold."))
        return cleaned
