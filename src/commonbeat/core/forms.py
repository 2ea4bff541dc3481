"""Form pieces every app's pages share: date and time pickers, officer choices, and texts in each site language."""

from django import forms
from django.conf import settings
from django.utils.text import format_lazy

from .models import Officer

DEFAULT_LANGUAGE = "en"


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def officer_label(officer: Officer) -> str:
    return f"{officer.last_name}, {officer.first_name} ({officer.rank}, #{officer.badge_number})"


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        return officer_label(obj)


class OfficerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        return officer_label(obj)


class MultilingualForm(forms.Form):
    """Adds, for each name in `multilingual` ({name: (label, rows or 0 for one line, required in English)}), a
    field per site language; `texts(name)` gives back {language: text}, the shape content fields are stored in."""

    multilingual: dict[str, tuple] = {}
    text_max_length = 4000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, rows, english_required) in self.multilingual.items():
            for code, language_name in settings.LANGUAGES:
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=format_lazy("{} ({})", label, language_name),
                    required=english_required and code == DEFAULT_LANGUAGE, max_length=self.text_max_length,
                    widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput)

    def texts(self, name: str) -> dict:
        """{language: text} typed for `name`, blanks left out."""
        return {code: self.cleaned_data.get(f"{name}_{code}", "").strip() for code, _name in settings.LANGUAGES
                if self.cleaned_data.get(f"{name}_{code}", "").strip()}

    @staticmethod
    def initial_texts(name: str, texts: dict) -> dict:
        return {f"{name}_{code}": (texts or {}).get(code, "") for code, _name in settings.LANGUAGES}

    def order_multilingual(self, order: list[str]) -> None:
        """Put fields in `order`, where a multilingual name stands for all its language fields."""
        names = []
        for name in order:
            names += [f"{name}_{code}" for code, _name in settings.LANGUAGES] if name in self.multilingual else [name]
        self.order_fields(names)
