"""Early intervention: find officers whose complaint history calls for a supervisor's review.

Two kinds of alert go to the review queue:
- a policy threshold (e.g. 3 complaints in 180 days: warning; 5: critical), per metric and tracked group;
- a peer comparison: an officer far above the officers with the same unit and assignment
  (at least PEER_MINIMUM and more than the peers' mean plus two standard deviations, over a year).
Commendations are counted alongside, so a reviewer sees the whole picture of an officer.
"""

import statistics
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from commonbeat.core import audit
from commonbeat.core.models import Agency, Officer
from commonbeat.core.tenancy import scoped

from .models import Alert, AlertPolicy, Allegation, Metric, Report

PEER_PERIOD_DAYS = 365
PEER_MINIMUM = 3
PEER_GROUP_MINIMUM = 5
OPEN_STATUSES = (Alert.AlertStatus.OPEN, Alert.AlertStatus.PLANNED)


def _start(as_of: date, days: int) -> datetime:
    return timezone.make_aware(datetime.combine(as_of - timedelta(days=days), time.min))


def counts(agency: Agency, metric: str, since: datetime, until: datetime) -> Counter:
    """Per officer id, the metric counted over [since, until)."""
    allegations = Allegation.objects.filter(report__agency=agency, officer__isnull=False)
    in_window = {"report__received_at__gte": since, "report__received_at__lt": until}
    if metric == Metric.COMPLAINTS:
        rows = allegations.filter(**in_window).values_list("officer_id", "report_id").distinct()
        return Counter(officer_id for officer_id, _report in rows)
    if metric == Metric.ALLEGATIONS:
        return Counter(allegations.filter(**in_window).values_list("officer_id", flat=True))
    if metric == Metric.FORCE_ALLEGATIONS:
        return Counter(allegations.filter(category__code="force", **in_window).values_list("officer_id", flat=True))
    if metric == Metric.SUSTAINED:
        return Counter(allegations.filter(finding__sustained=True, finding_recorded_at__gte=since,
                                          finding_recorded_at__lt=until).values_list("officer_id", flat=True))
    if metric == Metric.COMMENDATIONS:
        reports = scoped(Report, agency).filter(received_at__gte=since, received_at__lt=until)
        return Counter(Report.commended_officers.through.objects.filter(report__in=reports)
                       .values_list("officer_id", flat=True))
    raise ValueError(metric)


def _raise(agency, officer_id, *, policy, level, metric, value, peer_value, period_start, period_end) -> Alert | None:
    """Create the alert unless the officer already has an open one for this policy (or peer metric) at
    this level or higher; a warning that becomes critical is escalated in place."""
    existing = Alert.objects.filter(agency=agency, officer_id=officer_id, policy=policy, metric=metric,
                                    status__in=OPEN_STATUSES).first()
    if existing:
        if existing.level == Alert.Level.WARNING and level == Alert.Level.CRITICAL:
            existing.level, existing.value = level, value
            existing.save(update_fields=["level", "value"])
            audit.record("feedback.alert_escalated", agency=agency, target=existing)
        return None
    alert = Alert.objects.create(agency=agency, officer_id=officer_id, policy=policy, level=level, metric=metric,
                                 value=value, peer_value=peer_value, period_start=period_start,
                                 period_end=period_end, raised_at=timezone.now())
    audit.record("feedback.alert_raised", agency=agency, target=alert,
                 changes={"officer": officer_id, "level": level, "metric": metric, "value": value})
    return alert


@transaction.atomic
def evaluate(agency: Agency, as_of: date | None = None) -> list[Alert]:
    """Check every active policy and the peer comparison; return the alerts newly raised."""
    as_of = as_of or timezone.localdate()
    until = _start(as_of, -1)
    raised = []
    for policy in scoped(AlertPolicy, agency).filter(active=True):
        tracked = counts(agency, policy.metric, _start(as_of, policy.period_days), until)
        officers = scoped(Officer, agency)
        if policy.unit_id:
            officers = officers.filter(unit_id=policy.unit_id)
        allowed = set(officers.values_list("id", flat=True))
        for officer_id, value in tracked.items():
            if officer_id not in allowed or value < policy.warning_threshold:
                continue
            level = Alert.Level.CRITICAL if value >= policy.critical_threshold else Alert.Level.WARNING
            alert = _raise(agency, officer_id, policy=policy, level=level, metric=policy.metric, value=value,
                           peer_value=None, period_start=as_of - timedelta(days=policy.period_days),
                           period_end=as_of)
            if alert:
                raised.append(alert)
    raised += _peer_alerts(agency, as_of, until)
    return raised


def peer_groups(agency: Agency) -> dict[tuple, list[int]]:
    groups: dict[tuple, list[int]] = {}
    for officer_id, unit_id, assignment in scoped(Officer, agency).filter(active_until__isnull=True).values_list(
            "id", "unit_id", "assignment"):
        groups.setdefault((unit_id, assignment), []).append(officer_id)
    return groups


def _peer_alerts(agency: Agency, as_of: date, until: datetime) -> list[Alert]:
    complaint_counts = counts(agency, Metric.COMPLAINTS, _start(as_of, PEER_PERIOD_DAYS), until)
    raised = []
    for members in peer_groups(agency).values():
        if len(members) < PEER_GROUP_MINIMUM:
            continue
        for officer_id in members:
            peers = [complaint_counts.get(other, 0) for other in members if other != officer_id]
            value = complaint_counts.get(officer_id, 0)
            bar = statistics.fmean(peers) + 2 * statistics.pstdev(peers)
            if value >= PEER_MINIMUM and value > bar:
                alert = _raise(agency, officer_id, policy=None, level=Alert.Level.PEER, metric=Metric.COMPLAINTS,
                               value=value, peer_value=statistics.median(peers),
                               period_start=as_of - timedelta(days=PEER_PERIOD_DAYS), period_end=as_of)
                if alert:
                    raised.append(alert)
    return raised
