"""What the public trust pages and downloads show, read from the stored results only.

Nothing here recomputes: a page reads the estimates, issue terms and the last run that
`services.recompute_trust_index` stored, with a handful of queries whatever the number of responses.
Respondent counts go through `core.disclosure` before they are shown (a count from 1 to 10 is hidden, with
complementary suppression across the neighbourhoods of a period and the groups of a question), and no
free text of any response is ever read here.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commonbeat.core import geo
from commonbeat.core.charts import Interval, Row, Series, Table, Trend, TrendRow
from commonbeat.core.disclosure import THRESHOLD, suppress_counts, suppress_table, suppress_total
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.tenancy import scoped
from commonbeat.surveys.instrument import STANDARD, WEIGHTING_VARIABLES
from commonbeat.surveys.models import text_in

from .models import IssueTerm, Measure, PeriodKind, RecomputeRun, TrustEstimate
from .services import settings_for

Z_95 = NormalDist().inv_cdf(0.975)
CITY = "all"  # the neighbourhood column of a citywide row, in downloads
TOP_TERMS = 10

# The map's colour classes (fixed, so colours mean the same from one month to the next). USWDS blue scale;
# every neighbourhood is also labelled with its figure, and "not enough responses" is hatched.
MAP_CLASSES = [(0, 40, "#e7f2f5"), (40, 50, "#97d4ea"), (50, 60, "#28a0cb"), (60, 70, "#0d7ea2"),
               (70, 101, "#074b69")]
NOT_ENOUGH_PATTERN = "trust-map-not-enough"


def measure_labels() -> dict[str, str]:
    return {Measure.TRUST: _("Trust"), Measure.SAFETY: _("Feeling safe")}


def measure_in_sentence() -> dict[str, str]:
    return {Measure.TRUST: _("trust"), Measure.SAFETY: _("feeling safe")}


def group_labels(language: str) -> dict[str, tuple[str, str, dict[str, str]]]:
    """{variable: (column heading, caption, {value: answer label})} from the standard instrument."""
    titles = {"age_band": (_("Age"), _("By age")), "gender": (_("Gender"), _("By gender")),
              "race_ethnicity": (_("Race or ethnicity"), _("By race or ethnicity"))}
    return {spec["code"]: (*titles[spec["code"]], {choice["value"]: text_in(choice["label"], language)
                                                   for choice in spec["choices"]})
            for spec in STANDARD if spec["code"] in WEIGHTING_VARIABLES}


# ---------------------------------------------------------------- one figure as shown

@dataclass
class Figure:
    """A stored estimate as published: rounded, with the respondents counted only when 11 or more."""

    enough: bool
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    standard_error: float | None
    effective_sample_size: float | None
    unweighted_mean: float | None
    respondents: int | None  # None: from 1 to 10, hidden
    excluded: int | None

    @property
    def interval(self) -> Interval:
        return Interval(self.mean, self.ci_low, self.ci_high)


def _figure(row: TrustEstimate | None, respondents: int | None, excluded: int | None) -> Figure:
    if row is None:
        return Figure(False, None, None, None, None, None, None, 0, 0)
    return Figure(row.enough_responses, row.mean, row.ci_low, row.ci_high, row.standard_error,
                  row.effective_sample_size, row.unweighted_mean, respondents, excluded)


@dataclass
class Change:
    """The change since the previous three months, and whether it is larger than the noise."""

    points: float
    beyond_noise: bool

    @property
    def direction(self) -> str:
        shown = round(self.points)
        return "up" if shown > 0 else "down" if shown < 0 else "same"


def change_between(current: Figure, previous: Figure) -> Change | None:
    """Current minus previous, beyond the noise when it exceeds 1.96 standard errors of the difference
    (the two periods are independent samples)."""
    if not (current.enough and previous.enough) or current.standard_error is None or previous.standard_error is None:
        return None
    difference = current.mean - previous.mean
    error = math.hypot(current.standard_error, previous.standard_error)
    return Change(difference, abs(difference) > Z_95 * error)


# ---------------------------------------------------------------- counts, published

def _published_counts(rows: list[TrustEstimate]) -> dict[int, tuple[int | None, int | None]]:
    """{row id: (respondents, excluded)} with counts of 1–10 hidden. Within one measure and period, the
    neighbourhoods' counts form a table whose total is the city's, and a question's groups form another,
    so complementary suppression keeps a hidden count from being worked out by subtraction."""
    families: dict[tuple, list[TrustEstimate]] = defaultdict(list)
    for row in rows:
        period = (row.measure, row.period_kind, row.period_start, row.period_end)
        if row.group_variable:
            families[(*period, "group", row.group_variable)].append(row)
        elif row.neighbourhood_id is not None:
            families[(*period, "neighbourhood")].append(row)
    published = {row.pk: (suppress_total(row.respondents), suppress_total(row.excluded_respondents))
                 for row in rows if row.neighbourhood_id is None and not row.group_variable}
    for family in families.values():
        respondents = suppress_counts({row.pk: row.respondents for row in family})
        excluded = suppress_counts({row.pk: row.excluded_respondents for row in family})
        for row in family:
            published[row.pk] = (respondents[row.pk], excluded[row.pk])
    return published


# ---------------------------------------------------------------- the dashboard

@dataclass
class Place:
    """A neighbourhood (or the city) in the current period."""

    key: str
    name: str
    trust: Figure
    safety: Figure
    trust_change: Change | None
    safety_change: Change | None
    neighbourhood: Neighbourhood | None = None
    shown: Figure | None = None  # the measure the map shows

    def figure(self, measure: str) -> Figure:
        return self.trust if measure == Measure.TRUST else self.safety


@dataclass
class GroupRow:
    label: str
    trust: Figure
    safety: Figure


@dataclass
class GroupTable:
    variable: str
    label: str
    caption: str
    rows: list[GroupRow]


@dataclass
class Dashboard:
    agency: Agency
    run: RecomputeRun | None
    minimum_responses: int
    measure: str
    measure_label: str
    measure_in_sentence: str
    current_start: date | None = None
    current_end: date | None = None
    city: Place | None = None
    places: list[Place] = field(default_factory=list)
    chosen: Place | None = None
    map: dict = field(default_factory=dict)
    map_classes: list[dict] = field(default_factory=list)
    city_trend: Trend | None = None
    neighbourhood_trend: Trend | None = None
    step: str = PeriodKind.MONTH
    city_terms: Table | None = None
    neighbourhood_terms: Table | None = None
    groups: list[GroupTable] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.run is not None and self.city is not None


def last_run(agency: Agency) -> RecomputeRun | None:
    return scoped(RecomputeRun, agency).filter(finished_at__isnull=False).order_by("-finished_at").first()


def _map_class(value: float | None) -> dict | None:
    if value is None:
        return None
    return next({"low": low, "high": high, "colour": colour} for low, high, colour in MAP_CLASSES
                if low <= value < high)


def _map_classes() -> list[dict]:
    return [{"colour": colour, "label": (_("under %(high)s") % {"high": high} if low == 0 else
                                          _("%(low)s or more") % {"low": low} if high > 100 else
                                          _("%(low)s to %(high)s") % {"low": low, "high": high - 1})}
            for low, high, colour in MAP_CLASSES]


def _month_label(row: TrustEstimate) -> tuple[str, str]:
    return date_format(row.period_start, "YEAR_MONTH_FORMAT"), date_format(row.period_start, "M Y")


def _quarter_label(row: TrustEstimate) -> tuple[str, str]:
    label = f"{date_format(row.period_start, 'M')}–{date_format(row.period_end, 'M Y')}"
    return label, label


TREND_STEPS = {PeriodKind.MONTH: _month_label, PeriodKind.QUARTER: _quarter_label}


def _trend(key: str, title: str, rows: list[TrustEstimate], published: dict, step: str = PeriodKind.MONTH) -> Trend:
    labels = measure_labels()
    by_month: dict[date, dict[str, TrustEstimate]] = defaultdict(dict)
    for row in rows:
        by_month[row.period_start][row.measure] = row
    measures = [Measure.TRUST, Measure.SAFETY]
    trend_rows = []
    for month in sorted(by_month):
        found = by_month[month]
        label, short = TREND_STEPS[step](next(iter(found.values())))
        figures = [_figure(found.get(measure), *published.get(getattr(found.get(measure), "pk", None), (0, 0)))
                   for measure in measures]
        trend_rows.append(TrendRow(month.strftime("%Y-%m"), label, [figure.interval for figure in figures],
                                   short_label=short, count=figures[0].respondents))
    return Trend(key=key, title=title,
                 dimension_label=_("Month") if step == PeriodKind.MONTH else _("Three months"),
                 series=[Series(measure, labels[measure]) for measure in measures], rows=trend_rows,
                 missing_label=_("not enough responses"), count_label=_("Respondents (trust)"))


def _terms_table(key: str, title: str, terms: list[IssueTerm]) -> Table | None:
    if not terms:
        return None
    return Table(key=key, title=title, dimension="term", dimension_label=_("Word or phrase"), series_dimension="",
                 series=[Series("respondents", _("Respondents who used it"))],
                 rows=[Row(term.term, term.term, [term.mentions]) for term in terms])


def dashboard(agency: Agency, *, measure: str = Measure.TRUST, neighbourhood_slug: str = "",
              language: str = "en", step: str = PeriodKind.MONTH) -> Dashboard:
    """The dashboard's figures for the current period, the trends of the city and of one neighbourhood
    (the one asked for, else the first by name), the number-one issues and the breakdowns by group."""
    measure = measure if measure in Measure.values else Measure.TRUST
    step = step if step in TREND_STEPS else PeriodKind.MONTH
    run = last_run(agency)
    board = Dashboard(agency=agency, run=run, minimum_responses=settings_for(agency).minimum_responses,
                      measure=measure, measure_label=measure_labels()[measure],
                      measure_in_sentence=measure_in_sentence()[measure], map_classes=_map_classes())
    if run is None:
        return board
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("name"))
    chosen = next((n for n in neighbourhoods if n.slug == neighbourhood_slug), None) or (
        neighbourhoods[0] if neighbourhoods else None)
    # Every stored row (a few hundred): the counts shown must be suppressed exactly as in the downloads.
    rows = list(scoped(TrustEstimate, agency))
    published = _published_counts(rows)
    current = {(r.measure, r.neighbourhood_id, r.group_variable, r.group_value): r for r in rows
               if r.period_kind == PeriodKind.CURRENT}
    previous = {(r.measure, r.neighbourhood_id): r for r in rows
                if r.period_kind == PeriodKind.PREVIOUS and not r.group_variable}
    if not current:
        return board
    sample = next(iter(current.values()))
    board.current_start, board.current_end = sample.period_start, sample.period_end

    def figure_of(row):
        return _figure(row, *published.get(getattr(row, "pk", None), (0, 0)))

    def place(key, name, neighbourhood_id, neighbourhood=None) -> Place:
        figures = {m: figure_of(current.get((m, neighbourhood_id, "", ""))) for m in Measure.values}
        changes = {m: change_between(figures[m], figure_of(previous.get((m, neighbourhood_id))))
                   for m in Measure.values}
        return Place(key, name, figures[Measure.TRUST], figures[Measure.SAFETY], changes[Measure.TRUST],
                     changes[Measure.SAFETY], neighbourhood, figures[measure])

    board.city = place(CITY, _("Whole city"), None)
    board.places = [place(n.slug, n.name, n.id, n) for n in neighbourhoods]
    board.chosen = next((p for p in board.places if p.neighbourhood == chosen), None)
    board.map = _map(neighbourhoods, board.places, measure)
    board.step = step
    steps = [r for r in rows if r.period_kind == step and not r.group_variable]
    by_month = step == PeriodKind.MONTH
    board.city_trend = _trend("city-trend", _("Whole city, month by month") if by_month
                              else _("Whole city, three months at a time"),
                              [r for r in steps if r.neighbourhood_id is None], published, step)
    if chosen is not None:
        title = (_("%(name)s, month by month") if by_month else _("%(name)s, three months at a time"))
        board.neighbourhood_trend = _trend("neighbourhood-trend", title % {"name": chosen.name},
                                           [r for r in steps if r.neighbourhood_id == chosen.id], published, step)
    terms = list(scoped(IssueTerm, agency).filter(period_start=board.current_start).filter(
        Q(neighbourhood__isnull=True) | Q(neighbourhood=chosen)).order_by("-mentions", "term"))
    board.city_terms = _terms_table("city-issues", _("The number-one issues named across the city"),
                                    [t for t in terms if t.neighbourhood_id is None][:TOP_TERMS])
    if chosen is not None:
        board.neighbourhood_terms = _terms_table(
            "neighbourhood-issues", _("The number-one issues named in %(name)s") % {"name": chosen.name},
            [t for t in terms if t.neighbourhood_id == chosen.id][:TOP_TERMS])
    for variable, (title, caption, answers) in group_labels(language).items():
        board.groups.append(GroupTable(variable, title, caption, [
            GroupRow(label, figure_of(current.get((Measure.TRUST, None, variable, value))),
                     figure_of(current.get((Measure.SAFETY, None, variable, value))))
            for value, label in answers.items()]))
    return board


def _map(neighbourhoods: list[Neighbourhood], places: list[Place], measure: str) -> dict:
    drawing = geo.svg_paths(neighbourhoods)
    by_slug = {place.key: place for place in places}
    for shape in drawing["shapes"]:
        place = by_slug[shape["neighbourhood"].slug]
        figure = place.figure(measure)
        shape["figure"] = figure
        shape["band"] = _map_class(figure.mean if figure.enough else None)
        shape["fill"] = shape["band"]["colour"] if shape["band"] else f"url(#{NOT_ENOUGH_PATTERN})"
        shape["dark"] = bool(shape["band"]) and shape["band"]["low"] >= 50
    drawing["pattern_id"] = NOT_ENOUGH_PATTERN
    return drawing


# ---------------------------------------------------------------- the methods page

@dataclass
class Methods:
    run: RecomputeRun | None
    minimum_responses: int
    trim_lower: float
    trim_upper: float
    city_trust: Figure | None
    responses_used: int | None
    responses_excluded: int | None
    surveyed_neighbourhoods: int


def methods(agency: Agency) -> Methods:
    run = last_run(agency)
    trust_settings = settings_for(agency)
    city = None
    if run is not None:
        row = scoped(TrustEstimate, agency).filter(period_kind=PeriodKind.CURRENT, measure=Measure.TRUST,
                                                   neighbourhood__isnull=True, group_variable="").first()
        city = _figure(row, suppress_total(row.respondents), suppress_total(row.excluded_respondents)) if row else None
    return Methods(run=run, minimum_responses=trust_settings.minimum_responses,
                   trim_lower=trust_settings.trim_lower, trim_upper=trust_settings.trim_upper, city_trust=city,
                   responses_used=suppress_total(run.responses_used) if run else None,
                   responses_excluded=suppress_total(run.responses_excluded) if run else None,
                   surveyed_neighbourhoods=scoped(Neighbourhood, agency).count())


# ---------------------------------------------------------------- downloads

CSV_COLUMNS = ["measure", "period", "period_start", "period_end", "neighbourhood", "group_variable", "group_value",
               "enough_responses", "mean", "ci_low", "ci_high", "standard_error", "effective_sample_size",
               "unweighted_mean", "respondents", "respondents_suppressed", "excluded_respondents",
               "excluded_suppressed"]


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def download_rows(agency: Agency) -> list[dict]:
    """Every stored estimate in tidy form: one row per measure, period, place and group."""
    rows = list(scoped(TrustEstimate, agency).select_related("neighbourhood").order_by(
        "measure", "period_kind", "period_start", "group_variable", "group_value", "neighbourhood__slug"))
    published = _published_counts(rows)
    result = []
    for row in rows:
        respondents, excluded = published[row.pk]
        result.append({
            "measure": row.measure, "period": row.period_kind, "period_start": row.period_start.isoformat(),
            "period_end": row.period_end.isoformat(),
            "neighbourhood": row.neighbourhood.slug if row.neighbourhood_id else CITY,
            "group_variable": row.group_variable, "group_value": row.group_value,
            "enough_responses": row.enough_responses, "mean": _rounded(row.mean, 1),
            "ci_low": _rounded(row.ci_low, 1), "ci_high": _rounded(row.ci_high, 1),
            "standard_error": _rounded(row.standard_error, 2),
            "effective_sample_size": _rounded(row.effective_sample_size, 1),
            "unweighted_mean": _rounded(row.unweighted_mean, 1),
            "respondents": respondents, "respondents_suppressed": respondents is None,
            "excluded_respondents": excluded, "excluded_suppressed": excluded is None,
        })
    return result


def data_dictionary() -> dict:
    return {
        "measure": _("“trust”: the mean of “the police treat residents with respect” and “the police listen to "
                     "residents' concerns”; “safety”: how safe residents feel from crime. Both 0 to 100."),
        "period": _("“month”: one calendar month; “quarter”: three months, the last of them ending with the "
                    "current period; “current”: the latest three full months; “previous”: the three months "
                    "before those."),
        "period_start": _("First day of the period (YYYY-MM-DD)."),
        "period_end": _("Last day of the period (YYYY-MM-DD)."),
        "neighbourhood": _("Neighbourhood code; “all”: the whole city."),
        "group_variable": _("For a breakdown by group: the question (age_band, gender, race_ethnicity); empty "
                            "otherwise."),
        "group_value": _("For a breakdown by group: the answer."),
        "enough_responses": _("false when fewer responses than the minimum were received: then no figure is "
                              "given."),
        "mean": _("The weighted estimate, 0 to 100."),
        "ci_low": _("Lower end of the 95% confidence interval."),
        "ci_high": _("Upper end of the 95% confidence interval."),
        "standard_error": _("Standard error of the estimate (Taylor linearisation for a raked design)."),
        "effective_sample_size": _("How many respondents a simple random sample would need for the same "
                                   "precision (Kish)."),
        "unweighted_mean": _("The plain average of the same answers, before weighting, for comparison."),
        "respondents": _("Responses used. Empty when from 1 to 10 (hidden to protect privacy)."),
        "respondents_suppressed": _("true when the count of respondents is hidden."),
        "excluded_respondents": _("Eligible responses left out because a weighting question (age, gender, "
                                  "race or ethnicity) was not answered. Empty when from 1 to 10."),
        "excluded_suppressed": _("true when the count of excluded responses is hidden."),
    }


def as_json(agency: Agency, language: str) -> dict:
    run = last_run(agency)
    trust_settings = settings_for(agency)
    terms = list(scoped(IssueTerm, agency).select_related("neighbourhood").order_by("neighbourhood__slug",
                                                                                     "-mentions", "term"))
    return {
        "title": _("Community trust and safety: the estimates"),
        "agency": {"slug": agency.slug, "name": agency.display_name(language)},
        "language": language,
        "computed_at": run.finished_at.isoformat() if run else None,
        "method": {
            "minimum_responses": trust_settings.minimum_responses,
            "weight_bounds": [trust_settings.trim_lower, trust_settings.trim_upper],
            "weighting_variables": list(WEIGHTING_VARIABLES),
            "confidence_level": 0.95,
            "suppression_threshold": THRESHOLD,
        },
        "estimates": download_rows(agency),
        "issue_terms": [{"period_start": term.period_start.isoformat(),
                         "neighbourhood": term.neighbourhood.slug if term.neighbourhood_id else CITY,
                         "term": term.term, "respondents": term.mentions} for term in terms],
        "data_dictionary": {"estimates": data_dictionary(),
                            "issue_terms": _("Words and short phrases from the answers to “the number-one issue”, "
                                             "with how many different respondents used them in the latest three "
                                             "months; only those used by at least 11 are published.")},
    }


# ---------------------------------------------------------------- what people are worried about

TRACKED_THEMES = 4  # lines in the month-by-month chart: as many as the chart has distinct line styles


@dataclass
class ThemeShare:
    theme_id: int
    label: str
    texts: int | None  # None: from 1 to 10, or could be worked out from the rest; not shown
    share: float | None  # per cent of the place's texts
    quotes: list[str] = field(default_factory=list)


@dataclass
class PlaceThemes:
    name: str
    total: int | None
    themes: list[ThemeShare]
    trend: Trend | None


@dataclass
class Worries:
    """The themes of the latest run for the whole city and one neighbourhood, with small counts hidden."""

    run: object | None = None  # the newest finished ThemeRun
    unavailable: object | None = None  # the newest run, when the model could not load for it
    city: PlaceThemes | None = None
    place: PlaceThemes | None = None
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)
    chosen: Neighbourhood | None = None


def _share(count: int | None, total: int) -> float | None:
    return None if count is None or not total else round(100 * count / total, 1)


def _place_themes(name: str, themes: list, counts: dict, months: list[date], trend_key: str) -> PlaceThemes:
    """`counts`: {(theme id, month): texts} for this place."""
    per_theme = {theme.id: sum(counts.get((theme.id, month), 0) for month in months) for theme in themes}
    total = sum(per_theme.values())
    shown = suppress_counts(per_theme) if per_theme else {}
    shares = [ThemeShare(theme.id, theme.label, shown.get(theme.id), _share(shown.get(theme.id), total))
              for theme in themes]
    ordered = sorted(zip(themes, shares, strict=True), key=lambda pair: -(per_theme[pair[0].id]))
    tracked = [theme for theme, _share_row in ordered[:TRACKED_THEMES] if per_theme[theme.id]]
    trend = None
    if tracked and total:
        matrix = [[counts.get((theme.id, month), 0) for theme in themes] for month in months]
        hidden = suppress_table(matrix) if len(themes) > 1 else matrix
        positions = {theme.id: index for index, theme in enumerate(themes)}
        rows = []
        for month, raw, published in zip(months, matrix, hidden, strict=True):
            month_total = sum(raw)
            rows.append(TrendRow(
                month.strftime("%Y-%m"), date_format(month, "YEAR_MONTH_FORMAT"),
                [Interval(_share(published[positions[theme.id]], month_total) if month_total >= THRESHOLD else None)
                 for theme in tracked],
                short_label=date_format(month, "M Y"), count=suppress_total(month_total)))
        trend = Trend(key=trend_key, title=_("%(name)s: share of texts in each theme, month by month") % {
            "name": name}, dimension_label=_("Month"), series=[Series(str(theme.id), theme.label) for theme in tracked],
            rows=rows, missing_label=_("fewer than 11 texts"), count_label=_("Texts that month"), decimals=1,
            scale="amount")
    return PlaceThemes(name, suppress_total(total), [share for _theme, share in ordered], trend)


def worries(agency: Agency, neighbourhood_slug: str = "") -> Worries:
    """What residents wrote about, grouped into themes by the latest run: for the city and for the
    neighbourhood asked for (else the first by name). Only approved quotes are read, and only as approved."""
    from .models import Theme, ThemeCount, ThemeQuote, ThemeRun
    from .text.topics import months_between

    result = Worries(neighbourhoods=list(scoped(Neighbourhood, agency).order_by("name")))
    result.chosen = next((n for n in result.neighbourhoods if n.slug == neighbourhood_slug), None) or (
        result.neighbourhoods[0] if result.neighbourhoods else None)
    runs = scoped(ThemeRun, agency).filter(finished_at__isnull=False)
    newest = runs.order_by("-finished_at", "-id").first()
    result.run = runs.filter(status=ThemeRun.Status.FINISHED).order_by("-finished_at", "-id").first()
    if newest is not None and newest.status == ThemeRun.Status.UNAVAILABLE:
        result.unavailable = newest
    if result.run is None:
        return result
    themes = list(scoped(Theme, agency).filter(run=result.run).order_by("position"))
    months = months_between(result.run.period_start, result.run.period_end)
    rows = scoped(ThemeCount, agency).filter(theme__run=result.run).filter(
        Q(neighbourhood__isnull=True) | Q(neighbourhood=result.chosen)).values_list(
        "theme_id", "neighbourhood_id", "month", "texts")
    city: dict = {}
    place: dict = {}
    for theme_id, neighbourhood_id, when, texts in rows:
        (city if neighbourhood_id is None else place)[(theme_id, when)] = texts
    result.city = _place_themes(_("The whole city"), themes, city, months, "themes-city")
    quotes: dict[int, list[str]] = defaultdict(list)
    for theme_id, text in scoped(ThemeQuote, agency).filter(
            theme__run=result.run, status=ThemeQuote.Status.APPROVED).exclude(published_text="").order_by(
            "theme__position", "position").values_list("theme_id", "published_text"):
        quotes[theme_id].append(text)
    for share in result.city.themes:
        share.quotes = quotes.get(share.theme_id, [])
    if result.chosen is not None:
        result.place = _place_themes(result.chosen.name, themes, place, months, "themes-neighbourhood")
    return result
