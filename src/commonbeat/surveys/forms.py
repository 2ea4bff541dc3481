"""The form a resident fills in to answer a survey.

It only reads what was sent and keeps it for showing the page again: which answers are required and which
values are allowed are the rules of `services.submit_response`, whose errors the form then shows beside each
question. Texts come from the survey in the page's language, falling back to English; a text shown in
another language than the page's carries its own `lang` attribute, so screen readers pronounce it right.
"""

from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from commonbeat.core.models import Agency
from commonbeat.core.submissions import new_token, valid_token

from . import services
from .models import Question, QuestionKind, Survey


@dataclass(frozen=True)
class Text:
    """A survey text as shown: the words, and the language they are in."""

    text: str
    lang: str
    page_language: str

    def __str__(self) -> str:
        return self.text

    @property
    def lang_attribute(self) -> SafeString:
        """` lang="en"` when the text is not in the page's language (a missing translation), else nothing."""
        return format_html(' lang="{}"', self.lang) if self.lang != self.page_language else SafeString("")


def localised(texts: dict, language: str) -> Text:
    """The text in `language`, else English, else any language given (as `text_in`), with its language."""
    for lang in (language, "en", *(texts or {})):
        if (texts or {}).get(lang):
            return Text(texts[lang], lang, language)
    return Text("", language, language)


@dataclass
class Option:
    value: str
    label: Text
    id: str
    checked: bool = False


@dataclass
class QuestionInput:
    """One question as the page shows it: its texts, its options and what the resident sent or must fix."""

    code: str
    kind: str
    text: Text
    hints: list[Text]
    required: bool
    options: list[Option] = field(default_factory=list)
    value: str = ""
    error: str = ""

    @property
    def id(self) -> str:
        return f"question-{self.code}"

    @property
    def first_input_id(self) -> str:
        """Where the error summary's link for this question leads: its first input."""
        return self.options[0].id if self.groups_options else self.input_id

    @property
    def input_id(self) -> str:
        return f"answer-{self.code}"

    @property
    def groups_options(self) -> bool:
        """Radios or checkboxes: a fieldset of options, not one input."""
        return self.kind not in (QuestionKind.NEIGHBOURHOOD, QuestionKind.FREE_TEXT, QuestionKind.ZIP)

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-hint"] if self.hints else []
        return " ".join(ids + ([f"{self.id}-error"] if self.error else []))

    @property
    def template(self) -> str:
        return f"surveys/questions/{self.kind}.html"


class AnswerForm:
    """The answers to one survey, blank or as sent, with the submission token that makes a re-send harmless."""

    def __init__(self, survey: Survey, agency: Agency, language: str, data: QueryDict | None = None):
        self.survey, self.language, self.is_bound = survey, language, data is not None
        data = data if data is not None else QueryDict()
        sent_token = data.get("submission_token", "")
        # A token that is not ours (tampered with, or missing) is replaced: the resident's answers still count.
        self.submission_token = sent_token if valid_token(sent_token) else new_token()
        self.questions = [self._question(question, agency, data) for question in survey.questions.all()]

    def _question(self, question: Question, agency: Agency, data: QueryDict) -> QuestionInput:
        language = self.language
        hints = [localised(question.help_text, language)] if question.help_text else []
        hints = [hint for hint in hints if hint.text]
        if question.kind == QuestionKind.FREE_TEXT:
            warning = _("Please do not include names or contact details.")
            if not any(hint.text == warning for hint in hints):
                hints.append(Text(warning, language, language))
        item = QuestionInput(code=question.code, kind=question.kind, text=localised(question.text, language),
                             hints=hints, required=question.required)
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            sent = data.getlist(question.code)
        else:
            item.value = data.get(question.code, "")
            sent = [item.value]
        for number, (value, label) in enumerate(self._choices(question, agency)):
            item.options.append(Option(value=value, label=label, id=f"{item.input_id}-{number}",
                                       checked=value in sent))
        return item

    def _choices(self, question: Question, agency: Agency) -> list[tuple[str, Text]]:
        language = self.language
        if question.kind == QuestionKind.SCALE_0_10:
            return [(str(number), Text(str(number), language, language)) for number in range(11)]
        if question.kind == QuestionKind.NEIGHBOURHOOD:
            return [(value, Text(name, language, language))
                    for value, name in services.neighbourhood_choices(agency, language)]
        if question.kind in (QuestionKind.FREE_TEXT, QuestionKind.ZIP):
            return []
        return [(str(choice["value"]), localised(choice.get("label", {}), language)) for choice in question.choices]

    def answers(self) -> dict:
        """What was sent, by question code, as `services.submit_response` reads it."""
        return {item.code: ([option.value for option in item.options if option.checked]
                            if item.kind == QuestionKind.MULTIPLE_CHOICE else item.value)
                for item in self.questions}

    def show_errors(self, errors: dict[str, str]) -> None:
        for item in self.questions:
            item.error = errors.get(item.code, "")

    @property
    def errors(self) -> list[QuestionInput]:
        return [item for item in self.questions if item.error]
