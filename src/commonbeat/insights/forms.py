"""The console's form: which month's report to build."""

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(value: str) -> date | None:
    """The first day of a month written YYYY-MM, or None."""
    found = MONTH.match((value or "").strip())
    return date(int(found[1]), int(found[2]), 1) if found else None


class BuildReportForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=20, help_text=_("As YYYY-MM, for example 2026-10."),
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{4}-\d{2}",
                                                          "autocomplete": "off"}))

    def clean_month(self) -> date:
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Enter the month as YYYY-MM, for example 2026-10."))
        return month
