"""Background work for the trust index. Nothing is enqueued per response: the index is recomputed on a
schedule (`manage.py recompute_trust_index`, or this task from a scheduled worker)."""

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
