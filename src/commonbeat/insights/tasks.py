"""Background work for the trust index and the monthly community report. Nothing is enqueued per response: the
index is recomputed on a schedule (`manage.py recompute_trust_index`, or this task from a scheduled worker), and
the report is built once a month (`manage.py build_monthly_report`, or `build_monthly_reports`); residents' texts
are analysed and grouped into themes nightly (`analyse_texts`, then `build_themes`)."""

from django_tasks import task


@task()
def recompute_trust_index(agency_id: int | None = None) -> int:
    """Recompute the trust index of one agency, or of every agency; returns how many estimates were written."""
    from commonbeat.core.models import Agency

    from . import services

    agencies = Agency.objects.order_by("id")
    if agency_id is not None:
        agencies = agencies.filter(pk=agency_id)
    return sum(services.recompute_trust_index(agency).estimates_written for agency in agencies)


@task()
def build_monthly_reports(agency_id: int | None = None, month: str = "") -> int:
    """Build the monthly community report of `month` (YYYY-MM; default: each agency's last full month, in its
    time zone) in every language, for one agency or every agency; returns how many reports were built."""
    from commonbeat.core.models import Agency

    from . import services
    from .forms import parse_month
    from .monthly import last_full_month

    agencies = Agency.objects.order_by("id")
    if agency_id is not None:
        agencies = agencies.filter(pk=agency_id)
    asked = parse_month(month) if month else None
    return sum(len(services.build_monthly_reports(agency, asked or last_full_month(agency))) for agency in agencies)


@task(queue_name="text", backend="text")
def analyse_texts(agency_id: int | None = None) -> int:
    """Analyse residents' new texts (and those read by older models), for one agency or every agency; returns
    how many texts were analysed."""
    from commonbeat.core.models import Agency

    from .text import analysis

    agencies = Agency.objects.order_by("id")
    if agency_id is not None:
        agencies = agencies.filter(pk=agency_id)
    return sum(analysis.analyse_texts(agency) for agency in agencies)


@task(queue_name="text", backend="text")
def build_themes(agency_id: int | None = None, months: int = 12) -> int:
    """Group the last `months` full months of analysed texts into themes, for one agency or every agency; returns
    how many themes were built."""
    from commonbeat.core.models import Agency

    from .text import topics

    agencies = Agency.objects.order_by("id")
    if agency_id is not None:
        agencies = agencies.filter(pk=agency_id)
    return sum(topics.build_themes(agency, *topics.last_full_months(agency, months)).themes.count()
               for agency in agencies)
