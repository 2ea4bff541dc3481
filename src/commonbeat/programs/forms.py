"""The application form of a program's public page: a guardian applying for a minor (with consent), or an adult
applying for themselves. The form only parses what was typed; who may be enrolled is the services' rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commonbeat.core.submissions import new_token, valid_token

from . import services
from .models import GuardianRelationship


class ApplicationForm(forms.Form):
    first_name = forms.CharField(label=_("Participant's first name"), max_length=50,
                                 error_messages={"required": _("Give the participant's first name.")})
    last_initial = forms.CharField(label=_("First letter of the participant's last name"), max_length=2,
                                   help_text=_("Only the initial: we keep as little as we can about young people."),
                                   error_messages={"required": _("Give the first letter of the last name.")})
    birth_year = forms.IntegerField(
        label=_("Participant's year of birth"), min_value=services.OLDEST_BIRTH_YEAR, max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Only the year, for example 2012. We do not ask for the full date of birth."),
        error_messages={"required": _("Enter the participant's year of birth, for example 2012."),
                        "invalid": _("Enter the year as four digits, for example 2012.")})
    school = forms.CharField(label=_("School"), max_length=120, required=False)
    contact = forms.CharField(label=_("Your phone or e-mail (adults applying for themselves)"), max_length=200,
                              required=False,
                              help_text=_("Leave blank when applying for someone under 18: we contact the "
                                          "guardian instead."))
    guardian_name = forms.CharField(label=_("Parent's or guardian's full name"), max_length=200, required=False,
                                    help_text=_("Needed for anyone under 18."))
    guardian_contact = forms.CharField(label=_("Parent's or guardian's phone or e-mail"), max_length=200,
                                       required=False, help_text=_("Needed for anyone under 18."))
    relationship = forms.ChoiceField(label=_("Relationship to the participant"), required=False,
                                     choices=[("", _("Choose one"))] + list(GuardianRelationship.choices))
    consent = forms.BooleanField(
        label=_("I am the participant's parent or legal guardian and I consent to them taking part."),
        required=False,
        help_text=_("Needed for anyone under 18. We keep the guardian's name and contact encrypted, use them only "
                    "to reach you about the program, and never publish anything about your child."))
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", new_token())
        elif not valid_token(self.data.get("submission_token", "")):
            self.renew_token()

    def renew_token(self) -> None:
        self.data = self.data.copy()
        self.data["submission_token"] = new_token()

    def application(self) -> services.Application:
        data = self.cleaned_data
        return services.Application(
            first_name=data["first_name"], last_initial=data["last_initial"], birth_year=data["birth_year"],
            school=data["school"], contact=data["contact"], guardian_name=data["guardian_name"],
            guardian_contact=data["guardian_contact"], relationship=data["relationship"],
            consent_given=data["consent"])
