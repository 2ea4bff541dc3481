"""The console's form: which month's report to build."""

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FIRST_YEAR = 1900  # a report compares with months up to a year back: year 0 or 1 would be no date at all


def parse_month(value: str) -> date | None:
    """The first day of a month written YYYY-MM, or None (also for a year before FIRST_YEAR)."""
    found = MONTH.match((value or "").strip())
    if not found or int(found[1]) < FIRST_YEAR:
        return None
    return date(int(found[1]), int(found[2]), 1)


class BuildReportForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=20, help_text=_("As YYYY-MM, for example 2026-10."),
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{4}-\d{2}",
                                                          "autocomplete": "off"}))

    def clean_month(self) -> date:
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Enter the month as YYYY-MM, for example 2026-10."))
        return month
