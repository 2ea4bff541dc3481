"""Beta's monthly community report, for tests/core/test_isolation.py: Alpha's admin fetching any of these
addresses must never see anything of Beta's (its report names "Beta Police Department" throughout)."""

from commonbeat.insights import services
from commonbeat.insights.models import MonthlyReport
from commonbeat.insights.monthly import last_full_month


def beta_monthly(other_agency, other_admin) -> None:
    """Beta's report of its last full month, in English and Spanish, built by Beta's admin."""
    services.build_monthly_reports(other_agency, last_full_month(other_agency), actor=other_admin)


def monthly_routes(beta_agency) -> dict:
    month = MonthlyReport.objects.filter(agency=beta_agency).order_by("-month").values_list("month", flat=True)[0]
    return {
        "reports/monthly/<report_month:month>/": f"/reports/monthly/{month:%Y-%m}/",
        "reports/monthly/<report_month:month>.pdf": f"/reports/monthly/{month:%Y-%m}.pdf",
    }
