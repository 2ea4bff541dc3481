"""Forms residents fill in without an account: finding events, and replying to one.

The forms only parse and check what was typed so each mistake can be shown beside its field; the rules (who
gets a place, who waits) are the services'.
"""


from django import forms
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.submissions import new_token, valid_token
from commonbeat.core.tenancy import scoped

from . import services
from .models import ProblemStatus

DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]
DATE_ERROR = _("Enter the date as year-month-day, for example 2026-03-14.")



def _neighbourhood_choices(agency: Agency) -> list[tuple[str, str]]:
    return [("", _("All neighbourhoods"))] + [
        (slug, name) for slug, name in scoped(Neighbourhood, agency).order_by("name").values_list("slug", "name")]


class EventFilterForm(forms.Form):
    """The filters of the event list, calendar and map: sent with GET, so every filtered view has its own link."""

    neighbourhood = forms.ChoiceField(label=_("Neighbourhood"), required=False,
                                      error_messages={"invalid_choice": _("Choose a neighbourhood from the list.")})
    kind = forms.ChoiceField(label=_("Kind of event"), required=False,
                             error_messages={"invalid_choice": _("Choose a kind of event from the list.")})
    from_date = forms.DateField(label=_("From"), required=False, input_formats=DATE_FORMATS,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                help_text=_("For example 2026-03-14. Leave blank to start today."),
                                error_messages={"invalid": DATE_ERROR})
    to_date = forms.DateField(label=_("To"), required=False, input_formats=DATE_FORMATS,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              help_text=_("For example 2026-04-30. Leave blank for no end."),
                              error_messages={"invalid": DATE_ERROR})

    def __init__(self, *args, agency: Agency, language: str, dates: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["neighbourhood"].choices = _neighbourhood_choices(agency)
        self.fields["kind"].choices = [("", _("All kinds"))] + [
            (kind.slug, kind.name_in(language)) for kind in services.event_kinds(agency)]
        if not dates:
            del self.fields["from_date"], self.fields["to_date"]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from_date"), cleaned.get("to_date")
        if first and last and last < first:
            self.add_error("to_date", _("The end date must be on or after the start date."))
        return cleaned

    def filters(self) -> dict:
        """What to pass to `queries.find_events`, from the fields that are valid (a wrong date is reported and
        left out, the other filters still apply)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        neighbourhood = kind = None
        if data.get("neighbourhood"):
            neighbourhood = scoped(Neighbourhood, self.agency).filter(slug=data["neighbourhood"]).first()
        if data.get("kind"):
            kind = services.event_kinds(self.agency).filter(slug=data["kind"]).first()
        return {"neighbourhood": neighbourhood, "kind": kind, "first_day": data.get("from_date"),
                "last_day": data.get("to_date")}


class RsvpForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}),
                           help_text=_("So we can welcome you at the door."),
                           error_messages={"required": _("Tell us your name, so we can welcome you at the door.")})
    email = forms.EmailField(label=_("Your e-mail address"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("Only to send your confirmation and a reminder the day before. Without "
                                         "one, keep the link of the page you see after replying."),
                             error_messages={"invalid": _("Enter an e-mail address like name@example.org, or "
                                                          "leave it blank.")})
    party_size = forms.IntegerField(
        label=_("How many people, including you"), min_value=1, max_value=services.MAX_PARTY_SIZE, initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("From 1 to %(max)s.") % {"max": services.MAX_PARTY_SIZE},
        error_messages={
            "required": _("Say how many people are coming, from 1 to %(max)s.") % {"max": services.MAX_PARTY_SIZE},
            "invalid": _("Enter a whole number, from 1 to %(max)s.") % {"max": services.MAX_PARTY_SIZE},
            "min_value": _("Say how many people are coming, from 1 to %(max)s.") % {"max": services.MAX_PARTY_SIZE},
            "max_value": _("A reply can be for 1 to %(max)s people.") % {"max": services.MAX_PARTY_SIZE},
        })
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", new_token())
        elif not valid_token(self.data.get("submission_token", "")):
            self.renew_token()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Tell us your name, so we can welcome you at the door."))
        return name

    def renew_token(self) -> None:
        """Keep what was typed but give the form a fresh token, so the next send is a new reply."""
        self.data = self.data.copy()
        self.data["submission_token"] = new_token()


class ProblemFilterForm(forms.Form):
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood"), required=False,
                                      error_messages={"invalid_choice": _("Choose a neighbourhood from the list.")})
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *ProblemStatus.choices],
                               error_messages={"invalid_choice": _("Choose a status from the list.")})

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["neighbourhood"].choices = _neighbourhood_choices(agency)

    def filters(self) -> dict:
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        neighbourhood = None
        if data.get("neighbourhood"):
            neighbourhood = scoped(Neighbourhood, self.agency).filter(slug=data["neighbourhood"]).first()
        return {"neighbourhood": neighbourhood, "status": data.get("status") or None}
