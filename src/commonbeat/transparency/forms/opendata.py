"""Forms of the open data console. Forms only parse what was typed; the rules live in `services.opendata`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commonbeat.core.forms import MultilingualForm

from ..models import Dataset, UpdateFrequency


class DatasetForm(MultilingualForm):
    frequency = forms.ChoiceField(label=_("Updated"), choices=UpdateFrequency.choices)
    contact_name = forms.CharField(label=_("Contact for questions about the data"), max_length=120, required=False,
                                   help_text=_("A team or role, not a person's name, e.g. Open data team."))
    contact_email = forms.EmailField(label=_("Contact e-mail address"), required=False)

    multilingual = {
        "title": (_("Title"), 0, True),
        "description": (_("Description"), 5, True),
        "keywords": (_("Keywords, separated by commas"), 0, True),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_multilingual(["title", "description", "keywords", "frequency", "contact_name", "contact_email"])

    @classmethod
    def initial_for(cls, dataset: Dataset) -> dict:
        return {"frequency": dataset.frequency, "contact_name": dataset.contact_name,
                "contact_email": dataset.contact_email,
                **cls.initial_texts("title", dataset.title), **cls.initial_texts("description", dataset.description),
                **cls.initial_texts("keywords", dataset.keywords)}

    def details(self) -> dict:
        data = self.cleaned_data
        return {"title": self.texts("title"), "description": self.texts("description"),
                "keywords": self.texts("keywords"), "frequency": data["frequency"],
                "contact_name": data["contact_name"], "contact_email": data["contact_email"]}
