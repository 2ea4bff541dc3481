"""Forms of the partner pages. Forms only parse what was typed; the rules live in `services`."""

from django import forms
from django.core.validators import FileExtensionValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from commonbeat.accounts.models import User
from commonbeat.accounts.roles import Role
from commonbeat.core.forms import DateInput, MultilingualForm
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.submissions import keep_token
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from .models import (
    ConsentMethod,
    InitiativeStatus,
    Partner,
    PartnerKind,
    PartnerService,
    ReasonCategory,
    ReferralOutcome,
)


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PartnerService) -> str:
        return f"{obj.partner.name} — {obj.name_in(current_language())}"


class PartnerForm(MultilingualForm):
    slug = forms.SlugField(label=_("Short name"), max_length=50,
                           help_text=_("Used in the page address, e.g. harbor-food-bank."))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=[("", _("Choose"))] + PartnerKind.choices)
    languages = forms.CharField(label=_("Languages"), max_length=300, required=False,
                                help_text=_("Separated by commas, e.g. English, Spanish, Vietnamese."))
    neighbourhoods = forms.ModelMultipleChoiceField(label=_("Neighbourhoods served"), required=False,
                                                    queryset=Neighbourhood.objects.none(),
                                                    widget=forms.CheckboxSelectMultiple)
    phone = forms.CharField(label=_("Public phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Public e-mail address"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    is_public = forms.BooleanField(label=_("List in the public directory"), required=False, initial=True)

    multilingual = {"description": (_("Description"), 4, False)}

    def __init__(self, *args, agency: Agency, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].queryset = scoped(Neighbourhood, agency).order_by("name")
        if editing:
            del self.fields["slug"]
        self.order_multilingual(["slug", "name", "kind", "description", "languages", "neighbourhoods", "phone",
                                 "email", "website", "is_public"])

    @classmethod
    def initial_for(cls, partner: Partner) -> dict:
        return {"name": partner.name, "kind": partner.kind, "languages": partner.languages,
                "neighbourhoods": list(partner.neighbourhoods.all()), "phone": partner.phone,
                "email": partner.email, "website": partner.website, "is_public": partner.is_public,
                **cls.initial_texts("description", partner.description)}

    def details(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "kind": data["kind"], "description": self.texts("description"),
                "languages": data["languages"], "neighbourhoods": list(data["neighbourhoods"]),
                "phone": data["phone"], "email": data["email"], "website": data["website"],
                "is_public": data["is_public"]}


class ServiceForm(MultilingualForm):
    multilingual = {"name": (_("Service"), 0, True), "description": (_("What it offers"), 3, False)}


class PartnerUserForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Partner staff member"), queryset=User.objects.none())

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            memberships__agency=agency, memberships__role=Role.PARTNER).order_by("username").distinct()


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput, input_formats=["%Y-%m-%d"])
    expires_on = forms.DateField(label=_("Expires on"), widget=DateInput, input_formats=["%Y-%m-%d"])
    document = forms.FileField(label=_("Signed document"), required=False,
                               validators=[FileExtensionValidator(["pdf"], message=_("Upload the signed "
                                                                                     "memorandum as a PDF."))],
                               help_text=_("A PDF of the signed memorandum."))


class InitiativeForm(MultilingualForm):
    slug = forms.SlugField(label=_("Short name"), max_length=50,
                           help_text=_("Used in the page address, e.g. safe-routes-to-school."))
    partners = forms.ModelMultipleChoiceField(label=_("Partners"), required=False, queryset=Partner.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), required=False,
                                           queryset=Neighbourhood.objects.none(),
                                           empty_label=_("No single neighbourhood"))
    status = forms.ChoiceField(label=_("Status"), choices=InitiativeStatus.choices, initial=InitiativeStatus.ACTIVE)
    is_public = forms.BooleanField(label=_("Show on the public site"), required=False, initial=True)

    multilingual = {"title": (_("Title"), 0, True), "goal": (_("Goal"), 3, False)}

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = scoped(Partner, agency).order_by("name")
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.order_multilingual(["slug", "title", "goal", "partners", "neighbourhood", "status", "is_public"])


class MeasureForm(MultilingualForm):
    target = forms.DecimalField(label=_("Target"), min_value=0, max_digits=12, decimal_places=2)
    current = forms.DecimalField(label=_("Value so far"), min_value=0, max_digits=12, decimal_places=2,
                                 required=False)

    multilingual = {"name": (_("Measure"), 0, True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_multilingual(["name", "target", "current"])


class MeasureValueForm(forms.Form):
    current = forms.DecimalField(label=_("Value now"), min_value=0, max_digits=12, decimal_places=2)


class MilestoneForm(MultilingualForm):
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"])

    multilingual = {"title": (_("Milestone"), 0, True)}


class ReferralForm(forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100,
                             validators=[RegexValidator(r"^[a-z][a-z-]*:[0-9]+$")])
    service = ServiceChoiceField(label=_("Partner and service"), queryset=PartnerService.objects.none(),
                                 empty_label=_("Choose"))
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("Choose"))] + ReasonCategory.choices)
    first_name = forms.CharField(label=_("Person's first name"), max_length=80,
                                 help_text=_("First name only. Seen only by you, the partner and admins."))
    contact = forms.CharField(label=_("How to reach them"), max_length=200,
                              help_text=_("One phone number or e-mail address the person chose."))
    consent_recorded = forms.BooleanField(
        label=_("The person agreed to be referred and to their details being shared with this partner"),
        required=False)
    consent_method = forms.ChoiceField(label=_("How they agreed"),
                                       choices=[("", _("Choose"))] + ConsentMethod.choices, required=False)
    note = forms.CharField(label=_("Short note for the partner"), max_length=280, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("At most 280 characters. Do not describe the person's situation in detail."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = (scoped(PartnerService, agency).filter(accepts_referrals=True)
                                           .select_related("partner").order_by("partner__name", "id"))
        keep_token(self)

    def clean(self):
        data = super().clean()
        if not data.get("consent_recorded"):
            self.add_error("consent_recorded", _("A person can only be referred with their consent. Ask them "
                                                 "first, then tick this box."))
        elif not data.get("consent_method"):
            self.add_error("consent_method", _("Say how the person gave their consent."))
        return data

    def details(self) -> dict:
        data = self.cleaned_data
        return {"partner": data["service"].partner, "service": data["service"], "first_name": data["first_name"],
                "contact": data["contact"], "consent_recorded": bool(data["consent_recorded"]),
                "consent_method": data["consent_method"], "reason": data["reason"], "note": data["note"],
                "source": data["source"]}


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why the referral is declined"), max_length=280,
                             widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Choose"))] + ReferralOutcome.choices)
    note = forms.CharField(label=_("Short note on the outcome"), max_length=280, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
