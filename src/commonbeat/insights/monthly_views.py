"""The monthly community report: the public list of stored reports, each report's page and its PDF (in the
language of the address: /es/ gives Spanish), and the console page where staff rebuild a month.

Pages show what was built and stored; nothing is recomputed on a page view. A month not built in the
language asked for is a 404, as is any report of another agency.
"""

from datetime import date

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, register_converter, reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from . import services
from .forms import BuildReportForm, parse_month
from .models import MonthlyReport
from .monthly import last_full_month, month_label


class MonthConverter:
    """A month in an address, as YYYY-MM; the view receives its first day."""

    regex = r"[0-9]{4}-(?:0[1-9]|1[0-2])"

    def to_python(self, value: str) -> date:
        month = parse_month(value)
        if month is None:
            raise ValueError(value)  # the address does not match: 404
        return month

    def to_url(self, value: date) -> str:
        return value.strftime("%Y-%m")


register_converter(MonthConverter, "report_month")


def _reports(request: HttpRequest):
    return scoped(MonthlyReport, request.agency).filter(language=current_language())


def _report(request: HttpRequest, month: date) -> MonthlyReport:
    report = _reports(request).filter(month=month).first()
    if report is None:
        raise Http404(_("There is no report for this month."))
    return report


def _listed(reports) -> list[dict]:
    return [{"report": report, "label": month_label(report.month)} for report in reports]


@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    reports = _reports(request).defer("html").order_by("-month")
    return render(request, "insights/monthly/list.html", {"reports": _listed(reports)})


@require_safe
def report_page(request: HttpRequest, month: date) -> HttpResponse:
    report = _report(request, month)
    others = _reports(request).defer("html").exclude(pk=report.pk).order_by("-month")
    return render(request, "insights/monthly/page.html", {
        "report": report, "label": month_label(report.month), "body": mark_safe(report.html),  # noqa: S308
        "others": _listed(others)})


@require_safe
def report_pdf(request: HttpRequest, month: date) -> FileResponse:
    report = _report(request, month)
    try:
        stored = report.pdf.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404(_("There is no report for this month.")) from error
    return FileResponse(stored, content_type="application/pdf",
                        filename=f"{request.agency.slug}-community-report-{month:%Y-%m}-{report.language}.pdf")


manage_reports = staff_required(Action.MANAGE_MONTHLY_REPORTS)


def _console(request: HttpRequest, form: BuildReportForm, status: int = 200) -> HttpResponse:
    reports = scoped(MonthlyReport, request.agency).defer("html").select_related("built_by").order_by(
        "-month", "language")
    listed = _listed(reports)
    for item in listed:
        with translation.override(item["report"].language):
            item["pdf_url"] = reverse("insights:monthly_report_pdf", args=[item["report"].month])
    return render(request, "insights/monthly/console.html", {
        "form": form, "reports": listed, "default_month": last_full_month(request.agency)}, status=status)


@manage_reports
@require_safe
def console(request: HttpRequest) -> HttpResponse:
    form = BuildReportForm(initial={"month": last_full_month(request.agency).strftime("%Y-%m")})
    return _console(request, form)


@manage_reports
def rebuild(request: HttpRequest) -> HttpResponse:
    """Build (or build again) one month in every language. Building replaces what was stored, so a repeated
    submission leaves the same single report per month and language."""
    if request.method != "POST":
        return redirect("insights:monthly_console")
    form = BuildReportForm(request.POST)
    if form.is_valid():
        month = form.cleaned_data["month"]
        try:
            services.build_monthly_reports(request.agency, month, actor=request.user)
        except services.MonthlyReportError as error:
            form.add_error("month", str(error))
        else:
            messages.success(request, _("The report for %(month)s is built in every language.")
                             % {"month": month_label(month)})
            return redirect("insights:monthly_console")
    return _console(request, form, status=400)


urlpatterns = [
    path("reports/monthly/", report_list, name="monthly_reports"),
    path("reports/monthly/<report_month:month>/", report_page, name="monthly_report"),
    path("reports/monthly/<report_month:month>.pdf", report_pdf, name="monthly_report_pdf"),
    path("console/reports/monthly/", console, name="monthly_console"),
    path("console/reports/monthly/build/", rebuild, name="monthly_rebuild"),
]
