"""Forms of the staff survey console.

Forms only parse what was typed; the rules (what may change, and when) live in `services`. Texts residents
read get one field per site language (settings.LANGUAGES), named `<name>_<language>`, and reach the
services as {language: text}, so adding a language to the site adds its fields here too.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from commonbeat.core import forms as core_forms
from commonbeat.core.models import Agency

from .models import Question, QuestionKind, Survey

DEFAULT_LANGUAGE = "en"
MAX_INVITATIONS = 5000


def languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def _in_language(label, language_name):
    return format_lazy("{} ({})", label, language_name)


def _textarea(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MultilingualForm(core_forms.MultilingualForm):
    text_max_length = 2000


class SurveyForm(MultilingualForm):
    slug = forms.SlugField(label=_("Short name"), max_length=50,
                           help_text=_("Part of the survey's web address, for example “spring-2026”. Letters, "
                                       "digits and hyphens."))
    standard = forms.BooleanField(
        label=_("Start from the standard trust and safety questions"), required=False, initial=True,
        help_text=_("Safety, respect, listening, the number-one issue, neighbourhood and the census questions "
                    "used for weighting. A survey that starts from them counts toward the trust index."))
    procedural_justice = forms.BooleanField(
        label=_("Add the procedural-justice module"), required=False,
        help_text=_("Four agreement questions on fairness, voice, dignity and trustworthiness."))

    multilingual = {"title": (_("Title"), 0, True), "introduction": (_("Introduction"), 4, False)}
    field_order = ["slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Texts after the short name, the options last.
        self.order_fields(["slug"] + [name for name in self.fields if name not in ("slug", "standard",
                                                                                 "procedural_justice")]
                          + ["standard", "procedural_justice"])


def choice_lines(choices: list[dict]) -> str:
    """Choices as the lines staff edit: value | label in each site language."""
    return "\n".join(" | ".join([choice["value"]] + [choice.get("label", {}).get(code, "")
                                                     for code, _name in languages()])
                     for choice in choices)


class QuestionForm(MultilingualForm):
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("The column name in exports, for example “bike_patrols”: small letters, "
                                       "digits and _."))
    kind = forms.ChoiceField(label=_("Kind of question"), choices=[("", _("Choose a kind"))] + QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices"), required=False, widget=_textarea(6),
        help_text=format_lazy(
            _("For single choice, multiple choice and agreement questions: one choice a line, written as "
              "“value | {labels}”. The value is what exports show; leave an agreement question empty for the "
              "standard five points."),
            labels=lazy(lambda: " | ".join(str(_in_language(_("label"), name)) for _code, name in languages()),
                        str)()))
    required = forms.BooleanField(label=_("Residents must answer this question"), required=False)

    multilingual = {"text": (_("Question"), 2, True), "hint": (_("Hint"), 2, False)}

    def __init__(self, *args, protected: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["code", "kind"] + [name for name in self.fields if name.startswith(("text_", "hint_"))]
                          + ["choices", "required"])
        if protected:
            # The standard items feed the trust index: only their wording is offered for editing.
            for name in ("code", "kind", "required"):
                self.fields[name].disabled = True
            self.fields["code"].help_text = _("A standard trust and safety question: its code, kind, choice "
                                              "values and whether it must be answered stay as they are. You "
                                              "can change its wording.")

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        return {"code": question.code, "kind": question.kind, "choices": choice_lines(question.choices),
                "required": question.required, **cls.initial_texts("text", question.text),
                **cls.initial_texts("hint", question.help_text)}

    def clean_choices(self) -> list[dict]:
        parsed = []
        codes = [code for code, _name in languages()]
        for number, line in enumerate(self.cleaned_data["choices"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) > len(codes) + 1:
                raise forms.ValidationError(
                    _("Line %(number)s has more parts than “value | label” in each language."),
                    params={"number": number})
            labels = {code: part for code, part in zip(codes, parts[1:], strict=False) if part}
            parsed.append({"value": parts[0], "label": labels})
        return parsed

    def question_fields(self) -> dict:
        data = self.cleaned_data
        return {"code": data["code"], "kind": data["kind"], "text": self.texts("text"),
                "help_text": self.texts("hint"), "choices": data["choices"], "required": data["required"]}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ScheduleForm(forms.Form):
    """Opening and closing times, typed in the agency's time zone."""

    opens_at = forms.DateTimeField(label=_("Opens"), required=False, widget=LocalDateTimeInput,
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   help_text=_("Leave empty to open when you press “Open the survey”."))
    closes_at = forms.DateTimeField(label=_("Closes"), required=False, widget=LocalDateTimeInput,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    help_text=_("Leave empty to keep it open until you close it."))

    def __init__(self, *args, agency: Agency, survey: Survey | None = None, **kwargs):
        self.zone = ZoneInfo(agency.timezone)
        if survey is not None:
            kwargs["initial"] = {"opens_at": self._local(survey.opens_at), "closes_at": self._local(survey.closes_at)}
        super().__init__(*args, **kwargs)
        zone_name = agency.timezone
        for field in self.fields.values():
            field.help_text = format_lazy("{} {}", field.help_text,
                                          _("Time zone: %(zone)s.") % {"zone": zone_name})

    def _local(self, value: datetime | None) -> datetime | None:
        return timezone.localtime(value, self.zone).replace(tzinfo=None) if value else None

    def full_clean(self):
        # Typed times are wall-clock times where the agency is, whoever's browser sends them.
        with timezone.override(self.zone):
            super().full_clean()


class InvitationForm(forms.Form):
    count = forms.IntegerField(label=_("How many invitations"), min_value=1, max_value=MAX_INVITATIONS, initial=50)
    panel = forms.CharField(label=_("Panel"), max_length=100, required=False,
                            help_text=_("A name for this group, for example “Neighbourhood watch captains”, so "
                                        "you can see how many of them have answered."))
    language = forms.ChoiceField(label=_("Language of the links"), choices=settings.LANGUAGES)
