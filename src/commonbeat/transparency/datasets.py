"""What each open dataset contains: one builder per dataset, its columns (the data dictionary) and its rows.

Builders read the other apps through their own query and figure functions and publish de-identified data only
(DESIGN.md, "Open data"):

- no names, no contact details and no free text: only dates, codes, neighbourhood codes and numbers are read;
- places as neighbourhoods, never addresses or coordinates;
- every count of people from 1 to 10 is hidden, with complementary suppression (`core.disclosure`), so a hidden
  count cannot be worked out from the totals published here or on the figures pages.

Rows are produced lazily, as tuples in column order, from querysets read with `.iterator(chunk_size=...)`, so a
download or a snapshot of any size is written in constant memory (`csv_chunks`, `json_chunks`). On PostgreSQL
the largest file, the complaints' allegations, has its CSV lines written by the database (`postgres_csv`), the
same bytes as `csv_chunks` writes from the rows.
"""

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connections
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, TruncMonth
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from commonbeat.core.disclosure import THRESHOLD, is_small, suppress_counts, suppress_table, suppress_total
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.periods import Period
from commonbeat.core.tenancy import scoped

from .models import FootageRequestStatus, UpdateFrequency

CHUNK_SIZE = 500  # rows read from the database at a time, and rows per chunk of a download
COPY_CHUNK_BYTES = 64 * 1024  # bytes per chunk of a download written by PostgreSQL
NOT_RECORDED = "not-recorded"  # no neighbourhood was recorded
WITHHELD = "withheld"  # the neighbourhood is not published: too few rows share its month and place
ALL = "all"  # a row for every unit, or the whole city
NO_UNIT = "no-unit"  # officers not assigned to a unit
PATROL_WEEKS = 104
OUTCOMES = {None: "pending", True: "sustained", False: "not-sustained"}  # by whether the finding is sustained


@dataclass(frozen=True)
class Column:
    """One column of the data dictionary. `type` is a Frictionless Table Schema type."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Builder:
    slug: str
    title: dict
    description: dict
    keywords: dict
    frequency: str
    columns: tuple[Column, ...]
    rows: Callable[[Agency, date], Iterator[tuple]]
    temporal: Callable[[Agency, date], tuple[date, date] | None]
    # On PostgreSQL, the rows as CSV lines written by the database (the same bytes as csv_chunks), if it can
    postgres_csv: Callable[[Agency, date], Iterator[bytes]] | None = None

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _period(agency: Agency, today: date) -> Period:
    return Period.last_full_months(today)


def _period_range(agency: Agency, today: date) -> tuple[date, date]:
    period = _period(agency, today)
    return period.first_month, period.last_day


def _neighbourhood_codes(agency: Agency) -> dict[int, str]:
    return dict(scoped(Neighbourhood, agency).values_list("pk", "slug"))


def _month(value) -> str:
    return value.strftime("%Y-%m") if value else ""


def _two_way(counts: dict[tuple[str, str], int], row_keys: list[str], column_keys: list[str]) -> dict:
    """{(row, column): count or None} for a table published with row and column totals: 1 to 10 hidden, and
    further cells hidden so that no hidden count can be worked out (core.disclosure)."""
    if not row_keys or not column_keys:
        return {}
    table = [[counts.get((row, column), 0) for column in column_keys] for row in row_keys]
    shown = suppress_table(table)
    return {(row, column): shown[r][c] for r, row in enumerate(row_keys) for c, column in enumerate(column_keys)
            if table[r][c] or shown[r][c] is None}


# ---------------------------------------------------------------- complaints: allegations and findings

def _allegations(agency: Agency, today: date):
    from commonbeat.feedback.models import Allegation, Kind

    start, end = _period(agency, today).bounds(agency.zone)
    return Allegation.objects.filter(report__agency=agency, report__kind=Kind.COMPLAINT,
                                     report__received_at__gte=start, report__received_at__lt=end)


def _month_number(field: str, agency: Agency):
    """The local month of a date-time field as one integer, YYYYMM: cheaper to read per row than a date-time."""
    zone = agency.zone
    return Cast(ExtractYear(field, tzinfo=zone) * 100 + ExtractMonth(field, tzinfo=zone), IntegerField())


def _month_code(number: int) -> str:
    return f"{number // 100:04d}-{number % 100:02d}"


@dataclass
class _AllegationsPublished:
    """What the complaints dataset may show of each allegation of the period, from one grouped count."""

    allegations: object  # the queryset, with each allegation's local month as YYYYMM
    place_of: dict  # neighbourhood id (None: not recorded) -> code
    category_of: dict  # category id -> code
    finding_of: dict  # finding id (None: none yet) -> (code, sustained)
    places: set  # (month YYYYMM, neighbourhood id or 0) whose neighbourhood is published
    kinds: set  # (month YYYYMM, category id, finding id or 0) whose category and finding are published


def _allegations_published(agency: Agency, today: date) -> _AllegationsPublished:
    from commonbeat.feedback.models import AllegationCategory, FindingType

    allegations = _allegations(agency, today).annotate(month=_month_number("report__received_at", agency))
    place_of = {None: NOT_RECORDED, **dict(Neighbourhood.objects.values_list("pk", "slug"))}
    category_of = dict(AllegationCategory.objects.values_list("pk", "code"))
    finding_of = {None: (None, None), **{pk: (code, sustained) for pk, code, sustained
                                         in FindingType.objects.values_list("pk", "code", "sustained")}}
    groups = list(allegations.values_list("month", "report__neighbourhood_id", "category_id", "finding_id")
                  .annotate(n=Count("id")).order_by())
    by_place: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_kind: dict[tuple, int] = defaultdict(int)
    for month, place, category, finding, n in groups:
        by_place[month][place_of[place]] += n
        by_kind[(month, category_of[category], finding_of[finding][0])] += n
    shown = {month: suppress_counts(dict(counts)) for month, counts in by_place.items()}
    places, kinds = set(), set()
    for month, place, category, finding, _n in groups:
        if shown[month].get(place_of[place]) is not None:
            places.add((month, place or 0))
        if by_kind[(month, category_of[category], finding_of[finding][0])] >= THRESHOLD:
            kinds.add((month, category, finding or 0))
    return _AllegationsPublished(allegations, place_of, category_of, finding_of, places, kinds)


def allegation_rows(agency: Agency, today: date) -> Iterator[tuple]:
    """One row per allegation of a complaint received in the period. A neighbourhood shared by fewer than 11
    allegations in a month (or hidden to protect such a one) is published as "withheld"; so are the category,
    finding and outcome of an allegation whose category and finding fewer than 11 allegations of its month share,
    so that counting rows never gives a count from 1 to 10 of a kind of allegation or finding.

    The allegations are counted with one grouped query and read with one ordered query, both on the allegations
    and their reports only; the codes of neighbourhoods, categories and findings are looked up in memory."""
    published = _allegations_published(agency, today)
    place_of, category_of, finding_of = published.place_of, published.category_of, published.finding_of
    codes: dict[int, str] = {}
    rows = published.allegations.order_by("report__received_at", "id").values_list(
        "month", "report__neighbourhood_id", "category_id", "finding_id", "report__status")
    # Read through a server-side cursor CHUNK_SIZE rows at a time; the columns (integers and a code) need none
    # of the ORM's per-row conversions.
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK_SIZE):
            for month, place, category, finding, status in batch:
                code = codes.get(month) or codes.setdefault(month, _month_code(month))
                shown_place = place_of[place] if (month, place or 0) in published.places else WITHHELD
                if (month, category, finding or 0) in published.kinds:
                    finding_code, sustained = finding_of[finding]
                    kind = (category_of[category], finding_code or "",
                            OUTCOMES[None if finding_code is None else bool(sustained)])
                else:
                    kind = (WITHHELD, WITHHELD, WITHHELD)
                yield (code, shown_place, *kind, "closed" if status == "closed" else "open")


def allegation_csv_postgres(agency: Agency, today: date) -> Iterator[bytes]:
    """The rows of `allegation_rows` as CSV lines written by PostgreSQL itself (COPY), the same bytes as
    `csv_chunks` writes, without the header. The grouped count is made here as there; what is published of
    each allegation is then decided in the query."""
    published = _allegations_published(agency, today)
    inner = _allegations(agency, today).values_list(
        "report__neighbourhood_id", "category_id", "finding_id", "report__status", "report__received_at", "id"
    ).order_by()
    inner_sql, inner_params = inner.query.get_compiler(using=inner.db).as_sql()
    # What is published is looked up in two JSON objects whose keys are "month place" and "month category
    # finding" (a key look-up in a JSON object is a binary search), so the plan is the plain ordered read.
    # Built from Django's compiled query and fixed names; every value travels as a parameter.
    sql = f"""COPY (
        SELECT m.month,
               CASE WHEN %s::jsonb ? (m.month || ' ' || coalesce(a.neighbourhood_id, 0))
                    THEN coalesce(n.slug, %s) ELSE %s END,
               CASE WHEN m.kind_shown THEN c.code ELSE %s END,
               CASE WHEN m.kind_shown THEN f.code ELSE %s END,
               CASE WHEN NOT m.kind_shown THEN %s WHEN f.id IS NULL THEN %s WHEN f.sustained THEN %s ELSE %s END,
               CASE WHEN a.status = 'closed' THEN 'closed' ELSE 'open' END
        FROM ({inner_sql}) AS a (neighbourhood_id, category_id, finding_id, status, received_at, id)
        CROSS JOIN LATERAL (SELECT to_char(a.received_at AT TIME ZONE %s, 'YYYY-MM') AS month) AS t
        CROSS JOIN LATERAL (
            SELECT t.month, %s::jsonb ? (t.month || ' ' || a.category_id || ' ' || coalesce(a.finding_id, 0))
                AS kind_shown) AS m
        LEFT JOIN core_neighbourhood AS n ON n.id = a.neighbourhood_id
        JOIN feedback_allegationcategory AS c ON c.id = a.category_id
        LEFT JOIN feedback_findingtype AS f ON f.id = a.finding_id
        ORDER BY a.received_at, a.id
    ) TO STDOUT (FORMAT csv)"""  # noqa: S608

    def keys(cells: set) -> str:
        return json.dumps(dict.fromkeys((" ".join([_month_code(month), *map(str, rest)])
                                         for month, *rest in sorted(cells)), 1))

    params = (keys(published.places), NOT_RECORDED, WITHHELD, WITHHELD, WITHHELD, WITHHELD, OUTCOMES[None],
              OUTCOMES[True], OUTCOMES[False], *inner_params, agency.zone.key, keys(published.kinds))
    with connections[inner.db].cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        pending = bytearray()
        for data in copy:  # one message per row
            pending += data
            if len(pending) >= COPY_CHUNK_BYTES:
                yield bytes(pending)
                pending.clear()
        if pending:
            yield bytes(pending)


# ---------------------------------------------------------------- commendations

def commendation_rows(agency: Agency, today: date) -> Iterator[tuple]:
    from commonbeat.feedback.models import Kind, Report

    period = _period(agency, today)
    start, end = period.bounds(agency.zone)
    reports = scoped(Report, agency).filter(kind=Kind.COMMENDATION, received_at__gte=start, received_at__lt=end)
    counts = {}
    for row in (reports.annotate(month=TruncMonth("received_at", tzinfo=agency.zone))
                .values("month", "neighbourhood__slug").annotate(n=Count("id")).order_by()):
        counts[(_month(row["month"]), row["neighbourhood__slug"] or NOT_RECORDED)] = row["n"]
    months = [_month(month) for month in period.month_starts]
    places = sorted(set(_neighbourhood_codes(agency).values()) | {NOT_RECORDED})
    for (month, place), value in sorted(_two_way(counts, months, places).items()):
        yield (month, place, value, value is None)


# ---------------------------------------------------------------- events and attendance

def event_rows(agency: Agency, today: date) -> Iterator[tuple]:
    from commonbeat.engagement.queries import held_events

    period = _period(agency, today)
    start, end = period.bounds(agency.zone)
    events = held_events(agency, start, end).annotate(month=TruncMonth("starts_at", tzinfo=agency.zone))
    held, people = {}, {}
    for row in events.values("month", "neighbourhood__slug").annotate(n=Count("id", distinct=True)).order_by():
        held[(_month(row["month"]), row["neighbourhood__slug"] or NOT_RECORDED)] = row["n"]
    for row in events.values("month", "neighbourhood__slug").annotate(n=Sum("attendance__people")).order_by():
        people[(_month(row["month"]), row["neighbourhood__slug"] or NOT_RECORDED)] = row["n"] or 0
    months = [_month(month) for month in period.month_starts]
    places = sorted(set(_neighbourhood_codes(agency).values()) | {NOT_RECORDED})
    shown = _two_way(people, months, places)
    # a month and place with no event whose attendance is hidden as a complement is published too: left out,
    # it would read as none, and the count it protects could be worked out
    hidden = {key for key, value in shown.items() if value is None}
    for month, place in sorted(set(held) | hidden):
        attendance = shown.get((month, place), 0)
        yield (month, place, held.get((month, place), 0), attendance, attendance is None)


# ---------------------------------------------------------------- patrol hours

def _patrol_weeks(agency: Agency, today: date) -> tuple[date, date]:
    this_week = today - timedelta(days=today.weekday())
    return this_week - timedelta(weeks=PATROL_WEEKS), this_week - timedelta(weeks=1)


def patrol_rows(agency: Agency, today: date) -> Iterator[tuple]:
    from commonbeat.patrols.visibility import weekly_patrol_hours

    first, last = _patrol_weeks(agency, today)
    codes = _neighbourhood_codes(agency)
    hours = weekly_patrol_hours(agency, first, last, public=True)
    for (neighbourhood_id, monday), by_mode in sorted(hours.items(), key=lambda item: (item[0][1],
                                                                                        codes.get(item[0][0], ""))):
        for mode, value in sorted(by_mode.items()):
            if value:
                yield (monday.isoformat(), codes.get(neighbourhood_id, NOT_RECORDED), mode, round(value, 1))


def _patrol_range(agency: Agency, today: date) -> tuple[date, date]:
    first, last = _patrol_weeks(agency, today)
    return first, last + timedelta(days=6)


# ---------------------------------------------------------------- training compliance

def _unit_code(group, by_unit: bool) -> str:
    if not by_unit:
        return ALL
    return group.unit.code if group.unit else NO_UNIT


def _withheld_shares(groups, by_unit: bool, total_shown: set[int]) -> set[tuple[int, str]]:
    """(requirement, unit) of the shares to withhold so that no count of 1 to 10 officers current, or not
    current, can be worked out from the shares of the other units and the share for every unit together (for
    the requirements in `total_shown`, those whose share for every unit is published)."""
    current: dict[int, dict] = defaultdict(dict)
    not_current: dict[int, dict] = defaultdict(dict)
    for group in groups:
        if not by_unit or group.requirement.pk not in total_shown:
            continue
        unit = _unit_code(group, by_unit)
        current[group.requirement.pk][unit] = group.met
        not_current[group.requirement.pk][unit] = group.subject - group.met
    return {(requirement, unit) for line in (current, not_current) for requirement, counts in line.items()
            for unit, value in suppress_counts(counts).items() if value is None}


def training_rows(agency: Agency, today: date) -> Iterator[tuple]:
    """Per requirement and unit (and for every unit together): officers subject and the share whose training
    still counts. The share is withheld when it rests on fewer than 11 officers, or when those current or
    those not current number 1 to 10 (share × officers would give that count back)."""
    from commonbeat.training.compliance import compliance_rows, roll_up

    rows = compliance_rows(agency, today)
    total_shown: set[int] = set()  # requirements whose share for every unit together is published
    for by_unit in (False, True):
        groups = roll_up(rows, by_unit=by_unit)
        subjects: dict[int, dict] = defaultdict(dict)
        for group in groups:
            subjects[group.requirement.pk][_unit_code(group, by_unit)] = group.subject
        # the units of a requirement are published with their total (the "all" row): one line with its total
        shown = {requirement: suppress_counts(counts) for requirement, counts in subjects.items()}
        # a share gives back its current and not-current officers, and those of the units add up to the "all"
        # row's: withhold the shares whose counts are hidden, with their complements, like any line
        withheld = _withheld_shares(groups, by_unit, total_shown)
        for group in groups:
            unit = _unit_code(group, by_unit)
            subject = shown[group.requirement.pk][unit]
            share = group.share_current
            if (group.subject < THRESHOLD or is_small(group.met) or is_small(group.subject - group.met)
                    or (group.requirement.pk, unit) in withheld):
                share = None
            if not by_unit and share is not None:
                total_shown.add(group.requirement.pk)
            yield (group.requirement.course.code, unit, subject, subject is None, share, share is None)


# ---------------------------------------------------------------- crisis outcomes

CRISIS_COLUMNS = ["table", "outcome", "month", "neighbourhood", "responder", "count", "suppressed"]


def crisis_rows(agency: Agency, today: date) -> Iterator[tuple]:
    from commonbeat.crisis.figures import crisis_figures, long_rows

    for row in long_rows(crisis_figures(agency, public=True, today=today)):
        # a count over every month or every neighbourhood says "all" there, as the dictionary tells: an empty
        # value means "not available"
        yield tuple(row.get(name) or (ALL if name in ("month", "neighbourhood") else row.get(name, ""))
                    for name in CRISIS_COLUMNS)


# ---------------------------------------------------------------- trust index

TRUST_COLUMNS = ["measure", "period", "period_start", "period_end", "neighbourhood", "group_variable",
                 "group_value", "enough_responses", "mean", "ci_low", "ci_high", "standard_error",
                 "effective_sample_size", "unweighted_mean", "respondents", "respondents_suppressed",
                 "excluded_respondents", "excluded_suppressed"]
TRUST_TYPES = {"period_start": "date", "period_end": "date", "enough_responses": "boolean",
               "respondents": "integer", "excluded_respondents": "integer", "respondents_suppressed": "boolean",
               "excluded_suppressed": "boolean", "mean": "number", "ci_low": "number", "ci_high": "number",
               "standard_error": "number", "effective_sample_size": "number", "unweighted_mean": "number"}


def trust_rows(agency: Agency, today: date) -> Iterator[tuple]:
    from commonbeat.insights.dashboard import download_rows

    for row in download_rows(agency):
        yield tuple(row[name] for name in TRUST_COLUMNS)


def _trust_description(name: str) -> str:
    from commonbeat.insights.dashboard import data_dictionary

    return str(data_dictionary()[name])


# insights' own data dictionary, read in the language of the page when shown
_trust_description_lazy = lazy(_trust_description, str)
TRUST_DICTIONARY = tuple(Column(name, TRUST_TYPES.get(name, "string"), _trust_description_lazy(name))
                         for name in TRUST_COLUMNS)


def _trust_range(agency: Agency, today: date) -> tuple[date, date] | None:
    from django.db.models import Max, Min

    from commonbeat.insights.models import TrustEstimate

    found = scoped(TrustEstimate, agency).aggregate(first=Min("period_start"), last=Max("period_end"))
    return (found["first"], found["last"]) if found["first"] else None


# ---------------------------------------------------------------- body-worn camera footage requests

FOOTAGE_STATUSES = list(FootageRequestStatus.values)


def footage_rows(agency: Agency, today: date) -> Iterator[tuple]:
    """Per month received: requests, how many are now at each status, and the share of the closed ones closed by
    their due date. Each month's counts are published with their total (the requests), so they are suppressed as
    one line with its total; the share is withheld when it rests on fewer than 11 closed requests or when those
    on time or late number 1 to 10."""
    from .models import FootageRequest

    period = _period(agency, today)
    requests = scoped(FootageRequest, agency).filter(received_on__gte=period.first_month,
                                                     received_on__lt=period.end)
    by_status, closed, on_time = {}, defaultdict(int), defaultdict(int)
    for row in (requests.annotate(month=TruncMonth("received_on")).values("month", "status")
                .annotate(n=Count("id"), closed=Count("id", filter=Q(closed_on__isnull=False)),
                          on_time=Count("id", filter=Q(closed_on__isnull=False, closed_on__lte=F("due_on"))))
                .order_by()):
        month = _month(row["month"])
        by_status[(month, row["status"])] = row["n"]
        closed[month] += row["closed"]
        on_time[month] += row["on_time"]
    for month in [_month(month) for month in period.month_starts]:
        total = sum(by_status.get((month, status), 0) for status in FOOTAGE_STATUSES)
        if not total:
            continue
        counts = list(suppress_counts({status: by_status.get((month, status), 0)
                                       for status in FOOTAGE_STATUSES}).values())
        share = round(100 * on_time[month] / closed[month]) if closed[month] else None
        if closed[month] < THRESHOLD or is_small(on_time[month]) or is_small(closed[month] - on_time[month]):
            share = None
        yield (month, suppress_total(total), *counts, None in counts or suppress_total(total) is None, share,
               share is None)


# ---------------------------------------------------------------- the catalogue

MONTH = Column("month", "yearmonth", _("Month, as YYYY-MM, in the agency's time zone."))
NEIGHBOURHOOD = Column("neighbourhood", "string", _("Neighbourhood code; “not-recorded”: none was given."))
SUPPRESSED = _("true when the count is hidden: it is from 1 to 10, or hidden so that another hidden count "
               "cannot be worked out from a total.")


def _no_range(agency: Agency, today: date) -> None:
    return None


def _today(agency: Agency, today: date) -> tuple[date, date]:
    return today, today


BUILDERS: tuple[Builder, ...] = (
    Builder(
        slug="complaint-allegations",
        title={"en": "Complaints: allegations and findings", "es": "Quejas: alegaciones y conclusiones"},
        description={
            "en": "One row per allegation in a complaint received in the last 24 full months: the month it was "
                  "received, the neighbourhood, the category of the allegation, the finding and whether the case "
                  "is closed. No names, narratives or other free text. A neighbourhood shared by fewer than 11 "
                  "allegations in a month is published as “withheld”, and so are the category, finding and outcome "
                  "of an allegation whose category and finding fewer than 11 allegations of its month share.",
            "es": "Una fila por alegación de cada queja recibida en los últimos 24 meses completos: el mes en que "
                  "se recibió, el barrio, la categoría de la alegación, la conclusión y si el caso está cerrado. "
                  "Sin nombres, relatos ni otro texto libre. Un barrio con menos de 11 alegaciones en un mes se "
                  "publica como “withheld” (reservado), y también la categoría, la conclusión y el resultado de "
                  "una alegación cuya categoría y conclusión comparten menos de 11 alegaciones del mes.",
        },
        keywords={"en": "complaints, allegations, findings, accountability, police",
                  "es": "quejas, alegaciones, conclusiones, rendición de cuentas, policía"},
        frequency=UpdateFrequency.DAILY,
        columns=(
            Column("month_received", "yearmonth", _("Month the complaint was received, as YYYY-MM.")),
            Column("neighbourhood", "string", _("Neighbourhood code; “not-recorded”: none was given; “withheld”: "
                                                "fewer than 11 allegations share this month and neighbourhood.")),
            Column("category", "string", _("Category code of the allegation; “withheld”: fewer than 11 "
                                           "allegations of the month share this category and finding.")),
            Column("finding", "string", _("Finding code; empty while no finding has been recorded; “withheld” as "
                                          "for the category.")),
            Column("outcome", "string", _("“sustained”, “not-sustained”, or “pending” while no finding is "
                                          "recorded; “withheld” as for the category.")),
            Column("case_status", "string", _("“closed” when the case is closed, else “open”.")),
        ),
        rows=allegation_rows,
        temporal=_period_range,
        postgres_csv=allegation_csv_postgres,
    ),
    Builder(
        slug="commendations",
        title={"en": "Commendations by month and neighbourhood", "es": "Felicitaciones por mes y barrio"},
        description={
            "en": "How many commendations residents sent about officers, by the month received and the "
                  "neighbourhood, over the last 24 full months. Counts from 1 to 10 are hidden.",
            "es": "Cuántas felicitaciones enviaron los residentes sobre agentes, por mes de recepción y barrio, "
                  "en los últimos 24 meses completos. Los recuentos de 1 a 10 se ocultan.",
        },
        keywords={"en": "commendations, praise, officers, feedback", "es": "felicitaciones, agentes, opiniones"},
        frequency=UpdateFrequency.DAILY,
        columns=(MONTH, NEIGHBOURHOOD,
                 Column("count", "integer", _("Commendations received. Empty when hidden.")),
                 Column("suppressed", "boolean", SUPPRESSED)),
        rows=commendation_rows,
        temporal=_period_range,
    ),
    Builder(
        slug="events-attendance",
        title={"en": "Community events and attendance", "es": "Eventos comunitarios y asistencia"},
        description={
            "en": "Community events held (not cancelled) by month and neighbourhood over the last 24 full "
                  "months, with how many people attended. Attendance from 1 to 10 is hidden.",
            "es": "Eventos comunitarios realizados (no cancelados) por mes y barrio en los últimos 24 meses "
                  "completos, con cuántas personas asistieron. La asistencia de 1 a 10 se oculta.",
        },
        keywords={"en": "events, community engagement, attendance", "es": "eventos, participación, asistencia"},
        frequency=UpdateFrequency.DAILY,
        columns=(MONTH, NEIGHBOURHOOD,
                 Column("events", "integer", _("Events held.")),
                 Column("attendance", "integer", _("People who attended. Empty when hidden.")),
                 Column("attendance_suppressed", "boolean", SUPPRESSED)),
        rows=event_rows,
        temporal=_period_range,
    ),
    Builder(
        slug="patrol-hours",
        title={"en": "Foot and bike patrol hours", "es": "Horas de patrulla a pie y en bicicleta"},
        description={
            "en": "Hours of foot and bike patrol per week and neighbourhood over the last two years. A patrol "
                  "through several neighbourhoods is shared equally among them. Patrols appear a day after "
                  "they end.",
            "es": "Horas de patrulla a pie y en bicicleta por semana y barrio en los últimos dos años. Una "
                  "patrulla por varios barrios se reparte por igual entre ellos. Las patrullas aparecen un día "
                  "después de terminar.",
        },
        keywords={"en": "patrols, foot patrol, bike patrol, visibility",
                  "es": "patrullas, patrulla a pie, patrulla en bicicleta, presencia"},
        frequency=UpdateFrequency.DAILY,
        columns=(Column("week", "date", _("Monday of the week, as YYYY-MM-DD.")), NEIGHBOURHOOD,
                 Column("mode", "string", _("“foot” or “bike”.")),
                 Column("hours", "number", _("Patrol hours, to one decimal place."))),
        rows=patrol_rows,
        temporal=_patrol_range,
    ),
    Builder(
        slug="training-compliance",
        title={"en": "Officer training compliance", "es": "Cumplimiento de la formación de agentes"},
        description={
            "en": "For each training requirement in force, per unit and for the whole department: how many "
                  "officers it applies to and the share whose training is current, as of the day of the build.",
            "es": "Para cada requisito de formación vigente, por unidad y para todo el departamento: a cuántos "
                  "agentes se aplica y el porcentaje con la formación al día, a la fecha de publicación.",
        },
        keywords={"en": "training, de-escalation, compliance, officers",
                  "es": "formación, desescalada, cumplimiento, agentes"},
        frequency=UpdateFrequency.WEEKLY,
        columns=(
            Column("course", "string", _("Course code of the requirement.")),
            Column("unit", "string", _("Unit code; “all”: every unit together; “no-unit”: officers not assigned "
                                       "to a unit.")),
            Column("officers", "integer", _("Officers the requirement applies to. Empty when hidden.")),
            Column("officers_suppressed", "boolean", SUPPRESSED),
            Column("share_current", "integer", _("Per cent of those officers whose completed training still "
                                                 "counts. Empty when it rests on too few officers.")),
            Column("share_withheld", "boolean", _("true when the share is withheld.")),
        ),
        rows=training_rows,
        temporal=_today,
    ),
    Builder(
        slug="crisis-outcomes",
        title={"en": "Crisis response outcomes", "es": "Resultados de la respuesta a crisis"},
        description={
            "en": "Calls involving a mental-health or other crisis over the last 24 full months, by who "
                  "responded (officers only, or with a clinician), outcome, month and neighbourhood. Counts "
                  "from 1 to 10 are hidden.",
            "es": "Llamadas por crisis de salud mental u otras en los últimos 24 meses completos, por quién "
                  "respondió (solo agentes o con un profesional clínico), resultado, mes y barrio. Los recuentos "
                  "de 1 a 10 se ocultan.",
        },
        keywords={"en": "crisis intervention, mental health, co-responders, outcomes",
                  "es": "intervención en crisis, salud mental, resultados"},
        frequency=UpdateFrequency.DAILY,
        columns=(
            Column("table", "string", _("“outcomes”: every outcome by who responded; “by_neighbourhood” and "
                                        "“by_month”: one outcome by place or month and who responded.")),
            Column("outcome", "string", _("Outcome code; “all”: every response.")),
            Column("month", "string", _("Month of the call, as YYYY-MM; “all” on a total row.")),
            Column("neighbourhood", "string", _("Neighbourhood code; “all” on a total row.")),
            Column("responder", "string", _("Who responded: “officer_only” or “with_clinician”.")),
            Column("count", "integer", _("How many responses. Empty when hidden.")),
            Column("suppressed", "boolean", SUPPRESSED),
        ),
        rows=crisis_rows,
        temporal=_period_range,
    ),
    Builder(
        slug="trust-index",
        title={"en": "Trust and safety index", "es": "Índice de confianza y seguridad"},
        description={
            "en": "The weighted survey estimates of trust in the police and of feeling safe, 0 to 100, by "
                  "period, neighbourhood and group, with confidence intervals and effective sample sizes.",
            "es": "Las estimaciones ponderadas de la encuesta sobre la confianza en la policía y la sensación de "
                  "seguridad, de 0 a 100, por periodo, barrio y grupo, con intervalos de confianza.",
        },
        keywords={"en": "trust, safety, survey, community", "es": "confianza, seguridad, encuesta, comunidad"},
        frequency=UpdateFrequency.MONTHLY,
        columns=TRUST_DICTIONARY,
        rows=trust_rows,
        temporal=_trust_range,
    ),
    Builder(
        slug="footage-requests",
        title={"en": "Body-worn camera footage requests", "es": "Solicitudes de grabaciones de cámaras corporales"},
        description={
            "en": "Requests from the public for body-worn camera footage, by the month received over the last 24 "
                  "full months: how many there were, where each stands now, and the share of those closed that "
                  "were answered by the legal deadline. Counts from 1 to 10 are hidden.",
            "es": "Solicitudes del público de grabaciones de cámaras corporales, por mes de recepción en los "
                  "últimos 24 meses completos: cuántas hubo, en qué estado está cada una y el porcentaje de las "
                  "cerradas que se respondieron dentro del plazo legal. Los recuentos de 1 a 10 se ocultan.",
        },
        keywords={"en": "body-worn cameras, footage requests, public records, transparency",
                  "es": "cámaras corporales, solicitudes de grabaciones, registros públicos, transparencia"},
        frequency=UpdateFrequency.DAILY,
        columns=(
            Column("month_received", "yearmonth", _("Month the request was received, as YYYY-MM.")),
            Column("requests", "integer", _("Requests received. Empty when hidden.")),
            *(Column(status, "integer", label) for status, label in (
                ("received", _("Of those, not yet started. Empty when hidden.")),
                ("searching", _("Of those, being searched for recordings. Empty when hidden.")),
                ("reviewing", _("Of those, recordings under review. Empty when hidden.")),
                ("redacting", _("Of those, being redacted. Empty when hidden.")),
                ("released", _("Of those, footage released. Empty when hidden.")),
                ("denied", _("Of those, denied. Empty when hidden.")))),
            Column("counts_suppressed", "boolean", _("true when any count in the row is hidden: it is from 1 to "
                                                     "10, or hidden so that another cannot be worked out.")),
            Column("share_closed_on_time", "integer", _("Per cent of the closed requests that were closed by their "
                                                        "due date. Empty when withheld.")),
            Column("share_withheld", "boolean", _("true when the share rests on fewer than 11 closed requests, or "
                                                  "on 1 to 10 on time or late.")),
        ),
        rows=footage_rows,
        temporal=_period_range,
    ),
)


BY_SLUG = {builder.slug: builder for builder in BUILDERS}


def builder_for(slug: str) -> Builder | None:
    return BY_SLUG.get(slug)


# ---------------------------------------------------------------- files

def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_header(builder: Builder) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(builder.column_names)
    return buffer.getvalue()


def csv_chunks(builder: Builder, rows: Iterable[tuple]) -> Iterator[str]:
    """The CSV file, a header then CHUNK_SIZE rows at a time, each line ended by a line feed (as PostgreSQL's
    COPY ends them). The csv module writes None as an empty field; the boolean columns are written as
    true/false."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    yield csv_header(builder)
    booleans = [index for index, column in enumerate(builder.columns) if column.type == "boolean"]
    batch = []
    for row in rows:
        if booleans:
            row = list(row)
            for index in booleans:
                row[index] = _csv_value(row[index])
        batch.append(row)
        if len(batch) >= CHUNK_SIZE:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(batch)
            yield buffer.getvalue()
            batch = []
    if batch:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()


def json_chunks(builder: Builder, rows: Iterable[tuple]) -> Iterator[str]:
    """The JSON file: an array of objects, one per row, written CHUNK_SIZE rows at a time."""
    names = builder.column_names
    yield "["
    batch, first = [], True
    for row in rows:
        batch.append(("\n" if first else ",\n") + json.dumps(dict(zip(names, row, strict=True)),
                                                             ensure_ascii=False, default=str))
        first = False
        if len(batch) >= CHUNK_SIZE:
            yield "".join(batch)
            batch = []
    batch.append("\n]\n")
    yield "".join(batch)


def table_schema(builder: Builder) -> dict:
    """The data dictionary as a Frictionless Table Schema."""
    return {"fields": [{"name": column.name, "type": column.type, "description": str(column.description)}
                       for column in builder.columns],
            "missingValues": [""]}
