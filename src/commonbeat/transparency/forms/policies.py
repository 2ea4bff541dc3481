"""Forms of the policy library. Forms only parse what was typed; the rules live in `services.policies`."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import DateInput, MultilingualForm
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.submissions import new_token, valid_token
from commonbeat.core.tenancy import scoped

from ..models import PolicyCategory, PolicyVersion
from ..services.policies import COMMENT_MAX_LENGTH


class SubmissionTokenMixin:
    """A fresh one-time token on each rendering of a creating form (see core.submissions)."""

    def init_token(self) -> None:
        if not self.is_bound:
            self.initial.setdefault("submission_token", new_token())
        elif not valid_token(self.data.get("submission_token", "")):
            self.data = self.data.copy()
            self.data["submission_token"] = new_token()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search policies"), required=False, max_length=100,
                        help_text=_("A policy number or words from its title or text."))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + PolicyCategory.choices)


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("Earlier version"), coerce=int)
    new = forms.TypedChoiceField(label=_("Later version"), coerce=int)

    def __init__(self, *args, versions: list[PolicyVersion], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, _("Version %(number)s (%(status)s)") % {"number": v.number,
                                                                      "status": v.get_status_display()})
                   for v in versions]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class CommentForm(SubmissionTokenMixin, forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Your comment"), max_length=COMMENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Please do not include phone numbers, addresses or other personal "
                                       "details. A moderator reads every comment before it is published."))
    first_name = forms.CharField(
        label=_("Your first name"), max_length=40, required=False,
        validators=[RegexValidator(r"^[^\W\d_]+(?:[-' ][^\W\d_]+)?$",
                                   _("Give your first name only, in letters."))],
        help_text=_("Shown with your comment if you give it. First name only."))
    neighbourhood = forms.ModelChoiceField(label=_("Your neighbourhood"), required=False,
                                           queryset=Neighbourhood.objects.none(),
                                           empty_label=_("Prefer not to say"))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.init_token()


class PolicyForm(SubmissionTokenMixin, MultilingualForm):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(label=_("Policy number"), max_length=20,
                             help_text=_("Letters, digits and hyphens, e.g. GO-300."))
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Choose"))] + PolicyCategory.choices)

    multilingual = {"title": (_("Title"), 0, True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_multilingual(["submission_token", "number", "title", "category"])
        self.init_token()


class DraftForm(SubmissionTokenMixin, MultilingualForm):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    text_max_length = 100_000

    multilingual = {"summary": (_("Summary"), 3, True), "body": (_("Full text"), 14, True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()


class CommentPeriodForm(forms.Form):
    opens_on = forms.DateField(label=_("Comments open on"), widget=DateInput, input_formats=["%Y-%m-%d"])
    closes_on = forms.DateField(label=_("Comments close on"), widget=DateInput, input_formats=["%Y-%m-%d"],
                                help_text=_("The last day residents can comment, in the department's time zone."))


class PublishForm(forms.Form):
    """Publishing a draft that was never put out for comment: only the day it comes into force."""

    effective_on = forms.DateField(label=_("In force from"), widget=DateInput, input_formats=["%Y-%m-%d"])


class PublishFinalForm(MultilingualForm):
    """Publishing the final version of a draft residents commented on: what changed, in both languages, and
    the final text (the draft's, unless changed here)."""

    effective_on = forms.DateField(label=_("In force from"), widget=DateInput, input_formats=["%Y-%m-%d"])
    text_max_length = 100_000

    multilingual = {"changes": (_("What changed in response to comments"), 4, True),
                    "summary": (_("Final summary"), 3, True), "body": (_("Final full text"), 14, True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [n for n in self.fields if n.startswith("changes_")]:
            self.fields[name].required = True
        self.order_multilingual(["effective_on", "changes", "summary", "body"])


class ModerationForm(forms.Form):
    published_text = forms.CharField(label=_("Text to publish"), max_length=COMMENT_MAX_LENGTH,
                                     widget=forms.Textarea(attrs={"rows": 6}),
                                     help_text=_("Personal details found were replaced by labels in brackets. "
                                                 "Hide anything else that could identify someone."))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not published"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("The department's answer"), max_length=COMMENT_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 3}))
