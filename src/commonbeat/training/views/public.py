"""The public training page (the share of officers current on each required course, and the workshops held
for residents with their attendance), and an officer's own training record.

Publishing rule: a share is published only for a course that 11 or more active officers must take, and as a
percentage only, so no count of officers under 11 (e.g. "3 overdue") can be shown or worked out. Workshop
attendance goes through `core.disclosure.suppress_counts` like every published count of people.
"""

from datetime import datetime, time, timedelta

from django.shortcuts import render
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action
from commonbeat.core.charts import Row, Series, Table
from commonbeat.core.disclosure import THRESHOLD, suppress_counts, suppress_total
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language, text_in
from commonbeat.engagement import queries as engagement_queries

from .. import compliance
from ..models import TrainingRecord, TrainingSession

WORKSHOP_MONTHS = 12


def course_shares(agency, today) -> tuple[Table | None, list[str]]:
    """(a table of the per cent current per required course, courses left out because fewer than 11 officers
    must take them). One row per requirement in force; the share is of the active officers subject to it."""
    language = current_language()
    totals = compliance.roll_up(compliance.compliance_rows(agency, today), by_unit=False)
    rows, withheld = [], []
    for group in totals:
        label = group.requirement.describe(language)
        if group.subject < THRESHOLD:
            withheld.append(label)
            continue
        rows.append(Row(key=str(group.requirement.pk), label=label, values=[group.share_current]))
    if not rows:
        return None, withheld
    table = Table(key="training-current", title=_("Officers current on each required training (%)"),
                  dimension="requirement", dimension_label=_("Required training"), series_dimension="",
                  series=[Series("share_current", _("Per cent current"))], rows=rows,
                  description=_("Of the active officers who must take the training, the per cent whose completed "
                                "hours still count."))
    return table, withheld


def workshop_table(agency, today) -> tuple[Table | None, int]:
    """(a table of people attending each public workshop of the last 12 months, with the total; number held)."""
    zone, language = agency.zone, current_language()
    start = datetime.combine(compliance.add_months(today, -WORKSHOP_MONTHS), time.min, tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    held = [workshop for workshop in engagement_queries.workshops_held(agency, start, end)
            if workshop["starts_at"] <= timezone.now()]
    if not held:
        return None, 0
    counts = suppress_counts({str(workshop["id"]): workshop["attendance"] for workshop in held})
    rows = []
    for workshop in held:
        day = formats.date_format(workshop["starts_at"].astimezone(zone).date(), "SHORT_DATE_FORMAT")
        rows.append(Row(key=str(workshop["id"]), label=f"{day} · {text_in(workshop['title'], language)}",
                        values=[counts[str(workshop["id"])]]))
    table = Table(key="workshops", title=_("People attending each public workshop, last 12 months"),
                  dimension="workshop", dimension_label=_("Workshop"), series_dimension="",
                  series=[Series("attendance", _("People attending"))], rows=rows,
                  totals=[suppress_total(sum(workshop["attendance"] for workshop in held))])
    return table, len(held)


@require_safe
def public(request):
    agency = request.agency
    today = timezone.localtime(timezone=agency.zone).date()
    shares, withheld = course_shares(agency, today)
    workshops, workshop_count = workshop_table(agency, today)
    return render(request, "training/public.html", {
        "agency": agency, "shares": shares, "withheld": withheld, "workshops": workshops,
        "workshop_count": workshop_count, "threshold": THRESHOLD})


@staff_required(Action.VIEW_OWN_TRAINING)
@require_safe
def mine(request):
    """The signed-in officer's requirements with their status, sessions ahead and completion records."""
    agency = request.agency
    officer = getattr(request.user, "officer", None)
    if officer is not None and officer.agency_id != agency.id:
        officer = None
    today = timezone.localtime(timezone=agency.zone).date()
    language = current_language()
    rows, records, upcoming = [], [], []
    if officer is not None:
        rows = [(row, row.requirement.describe(language))
                for row in compliance.compliance_rows(agency, today, officers=type(officer).objects.filter(
                    pk=officer.pk, agency=agency))]
        records = [(record, record.course.title_in(language))
                   for record in scoped(TrainingRecord, agency).filter(officer=officer).select_related("course")]
        upcoming = [(session, session.course.title_in(language)) for session in
                    scoped(TrainingSession, agency).filter(seats__officer=officer, starts_at__gte=timezone.now())
                    .select_related("course").order_by("starts_at")]
    return render(request, "training/mine.html", {
        "officer": officer, "rows": rows, "records": records, "upcoming": upcoming, "today": today})


urlpatterns = [
    path("training/", public, name="public"),
    path("training/mine/", mine, name="mine"),
]
