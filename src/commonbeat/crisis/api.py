"""Crisis response figures in the JSON API: the published figures for anyone (small counts suppressed), and
the exact counts for roles that may see them. No response's notes, names or times finer than the month."""

from django.core.exceptions import PermissionDenied
from ninja import Router

from commonbeat.accounts.roles import Action, can
from commonbeat.api.auth import TokenAuth

from .figures import DEFAULT_MONTHS, PERIOD_CHOICES, Period, as_json, crisis_figures

public = Router(tags=["crisis"])
staff = Router(tags=["crisis"], auth=TokenAuth())


def _figures(request, months: int, outcome: str, *, public: bool) -> dict:
    months = months if months in PERIOD_CHOICES else DEFAULT_MONTHS
    today = request.agency.today()
    return as_json(crisis_figures(request.agency, Period.last_full_months(today, months), public=public,
                                  outcome=outcome, today=today))


@public.get("/crisis/figures")
def published_figures(request, months: int = DEFAULT_MONTHS, outcome: str = ""):
    """Outcomes of crisis responses with and without a clinician, by neighbourhood and month; counts from 1 to
    10 are suppressed. The same figures as /crisis/figures.json."""
    return _figures(request, months, outcome, public=True)


@staff.get("/crisis/figures/exact")
def exact_figures(request, months: int = DEFAULT_MONTHS, outcome: str = ""):
    """The same figures with exact counts and every kind of responder (crisis coordinators and oversight)."""
    if not can(request.user, request.agency, Action.VIEW_CRISIS_FIGURES):
        raise PermissionDenied
    return _figures(request, months, outcome, public=False)
