"""One way to show a figure: a table of counts, and a bar chart drawn from the very same rows.

A `Table` holds counts that have already been through `core.disclosure` (None means "fewer than 11").
`core/_bar_chart.html` renders a Table as an inline SVG chart *and* its data table, so a chart is never
published without the figures behind it, and the page needs no script. `long_rows()` gives the same
figures in tidy long form for CSV and JSON downloads.

Charts are drawn with SVG presentation attributes (no inline styles, so the Content-Security-Policy
holds). The series differ by pattern as well as colour, and a hidden count is drawn as a dashed outline
reaching 10 ("somewhere from 1 to 10"), so nothing is told by colour alone.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .disclosure import THRESHOLD

# USWDS palette; each has at least 3:1 contrast on white (WCAG 1.4.11).
SERIES_COLOURS = ["#005ea2", "#c05600", "#4d8055", "#8168b3"]
TOTAL = "all"  # the dimension value marking a total in downloads


@dataclass(frozen=True)
class Series:
    """A column of the table: one bar per row in the chart."""

    key: str
    label: str


@dataclass
class Row:
    key: str
    label: str
    values: list[int | None]
    short_label: str = ""  # axis label on column charts, e.g. "Jan 2025"


@dataclass
class Table:
    """A published table of counts: rows × series, with the total of each series."""

    key: str  # stable name: element ids, download rows
    title: str
    dimension: str  # what the rows are, as named in downloads: "month", "neighbourhood"
    dimension_label: str
    series_dimension: str  # what the series are, in downloads: "kind", "finding"
    series: list[Series]
    rows: list[Row]
    totals: list[int | None] | None = None
    description: str = ""
    orientation: str = "horizontal"  # "vertical" (columns) suits months
    threshold: int = THRESHOLD

    @property
    def has_suppressed(self) -> bool:
        return any(value is None for row in self.rows for value in row.values) or any(
            value is None for value in self.totals or [])

    @property
    def legend(self) -> list[dict]:
        return [{"label": item.label, **_paint(self.key, index)} for index, item in enumerate(self.series)]

    def chart(self) -> "Chart":
        return (column_chart if self.orientation == "vertical" else bar_chart)(self)

    def long_rows(self) -> list[dict]:
        """Tidy long form: one dict per count, totals marked with "all"; hidden counts as None."""
        def entry(row_key: str, series_key: str, value: int | None) -> dict:
            keys = {self.dimension: row_key} | ({self.series_dimension: series_key} if self.series_dimension else {})
            return {"table": self.key, **keys, "count": value, "suppressed": value is None}

        rows = [entry(row.key, item.key, value)
                for row in self.rows for item, value in zip(self.series, row.values, strict=True)]
        if self.totals is not None:
            rows += [entry(TOTAL, item.key, value) for item, value in zip(self.series, self.totals, strict=True)]
        return rows


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    fill: str
    colour: str
    suppressed: bool
    label: str = ""
    label_x: float = 0
    label_y: float = 0


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    lines: list[str] = field(default_factory=list)  # a long label, on two lines

    def __post_init__(self):
        self.lines = self.lines or [self.text]


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Chart:
    width: float
    height: float
    label: str  # aria-label
    bars: list[Bar] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)  # axis and category labels
    grid: list[Line] = field(default_factory=list)
    axis: list[Line] = field(default_factory=list)
    patterns: list[dict] = field(default_factory=list)
    font_size: int = 13


def _paint(table_key: str, index: int) -> dict:
    """Colour and, from the second series on, a hatch pattern (id unique on the page)."""
    colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    if index == 0:
        return {"fill": colour, "colour": colour, "pattern_id": ""}
    pattern_id = f"chart-{table_key}-pattern-{index}"
    return {"fill": f"url(#{pattern_id})", "colour": colour, "pattern_id": pattern_id,
            "angle": 45 if index % 2 else -45}


def nice_ticks(largest: float, count: int = 5) -> list[int]:
    """Round tick values from 0 to at least `largest` (steps of 1, 2 or 5 × a power of ten)."""
    largest = max(largest, THRESHOLD - 1, 1)
    rough = largest / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= rough)
    step = max(int(step), 1)
    top = step * math.ceil(largest / step)
    return list(range(0, top + 1, step))


FONT_SIZE = Chart.font_size
CHARACTER_WIDTH = 6.8  # average width of a character at FONT_SIZE, for laying out labels


def _chart_label(table: Table) -> str:
    return _("%(title)s: a bar chart. The table that follows gives the same figures.") % {"title": table.title}


def _shown(value: int | None, threshold: int) -> float:
    return threshold - 1 if value is None else value


def _largest(table: Table) -> float:
    return max([_shown(v, table.threshold) for row in table.rows for v in row.values] or [0])


def _patterns(table: Table) -> list[dict]:
    return [paint for paint in table.legend if paint["pattern_id"]]


def _r(value: float) -> float:
    """Coordinates to one decimal: short SVG, same picture."""
    return round(value, 1)


def _format(value: int) -> str:
    return f"{value:,}"


def wrap(label: str, characters: int) -> list[str]:
    """A label on one line, or on two split at a space; cut short with an ellipsis if still too long."""
    if len(label) <= characters:
        return [label]
    spaces = [index for index, character in enumerate(label) if character == " "]
    split = min(spaces, key=lambda index: abs(index - len(label) / 2), default=None)
    lines = [label[:split], label[split + 1:]] if split else [label]
    return [line if len(line) <= characters else line[:characters - 1] + "…" for line in lines]


def bar_chart(table: Table) -> Chart:
    """Horizontal bars: one group per row, one bar per series, the value written at the end of each bar."""
    paints = table.legend
    longest = max((len(row.label) for row in table.rows), default=0)
    label_chars = min(longest, 22 if longest > 30 else 30)
    label_width = max(60, CHARACTER_WIDTH * label_chars)
    plot_left, plot_width, value_room = label_width + 8, 300, 48
    bar_height = 14 if len(table.series) == 1 else 12
    bar_gap, group_gap, top, bottom = 2, 12, 8, 28
    group_height = len(table.series) * (bar_height + bar_gap) - bar_gap + group_gap
    plot_height = max(len(table.rows), 1) * group_height
    ticks = nice_ticks(_largest(table))
    scale = plot_width / ticks[-1]
    chart = Chart(width=_r(plot_left + plot_width + value_room), height=top + plot_height + bottom,
                  label=_chart_label(table), patterns=_patterns(table))
    for tick in ticks:
        x = _r(plot_left + tick * scale)
        chart.grid.append(Line(x, top, x, top + plot_height))
        chart.texts.append(Text(x, top + plot_height + 18, _format(tick)))
    chart.axis.append(Line(_r(plot_left), top, _r(plot_left), top + plot_height))
    for row_index, row in enumerate(table.rows):
        group_top = top + row_index * group_height + group_gap / 2
        lines = wrap(row.label, label_chars)
        middle = group_top + (group_height - group_gap) / 2 + FONT_SIZE * 0.35
        chart.texts.append(Text(_r(label_width), _r(middle - (len(lines) - 1) * FONT_SIZE * 0.55), row.label,
                                "end", lines))
        for index, value in enumerate(row.values):
            y = group_top + index * (bar_height + bar_gap)
            width = _shown(value, table.threshold) * scale
            text = f"<{table.threshold}" if value is None else _format(value)
            chart.bars.append(Bar(_r(plot_left), _r(y), _r(width), bar_height, index, paints[index]["fill"],
                                  paints[index]["colour"], value is None, text, _r(plot_left + width + 4),
                                  _r(y + bar_height - 2)))
    return chart


def column_chart(table: Table) -> Chart:
    """Vertical columns, for time series: one group per row (e.g. month), labelled every few groups."""
    paints = table.legend
    plot_left, plot_width, plot_height, top, bottom = 52, 900, 280, 10, 30
    ticks = nice_ticks(_largest(table))
    scale = plot_height / ticks[-1]
    group_width = plot_width / max(len(table.rows), 1)
    bar_width = group_width * 0.8 / max(len(table.series), 1)
    every = max(1, math.ceil(len(table.rows) / 12))
    chart = Chart(width=plot_left + plot_width + 8, height=top + plot_height + bottom, label=_chart_label(table),
                  patterns=_patterns(table))
    baseline = top + plot_height
    for tick in ticks:
        y = _r(baseline - tick * scale)
        chart.grid.append(Line(plot_left, y, plot_left + plot_width, y))
        chart.texts.append(Text(plot_left - 6, _r(y + FONT_SIZE * 0.35), _format(tick), "end"))
    chart.axis.append(Line(plot_left, baseline, plot_left + plot_width, baseline))
    for row_index, row in enumerate(table.rows):
        group_left = plot_left + row_index * group_width + group_width * 0.1
        if row_index % every == 0:
            chart.texts.append(Text(_r(group_left), baseline + 20, row.short_label or row.label, "start"))
        for index, value in enumerate(row.values):
            height = _shown(value, table.threshold) * scale
            chart.bars.append(Bar(_r(group_left + index * bar_width), _r(baseline - height), _r(bar_width),
                                  _r(height), index, paints[index]["fill"], paints[index]["colour"], value is None))
    return chart


# ---------------------------------------------------------------- estimates over time: a line chart

@dataclass(frozen=True)
class Interval:
    """An estimate with its 95% interval; `value` None means there is no figure (e.g. too few responses)."""

    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass
class TrendRow:
    key: str  # e.g. "2026-03"
    label: str
    points: list[Interval]  # one per series
    short_label: str = ""
    count: int | None = None  # e.g. respondents (None: not shown), when the trend has a count_label


@dataclass
class Trend:
    """Estimates over time: rows (e.g. months) × series (e.g. measures), each with its interval.

    `core/_line_chart.html` draws it as lines with markers and interval whiskers — series differ by marker
    shape and dash as well as colour — and gives the same figures in a table beside it. A missing value is
    a gap in the line and says `missing_label` in the table."""

    key: str
    title: str
    dimension_label: str
    series: list[Series]
    rows: list[TrendRow]
    missing_label: str
    description: str = ""
    count_label: str = ""  # heading of the count column, when rows carry a count
    decimals: int = 0
    scale: str = "score"  # "score": an axis within 0–100; "amount": from zero to past the largest value (hours)

    @property
    def has_intervals(self) -> bool:
        return any(point.low is not None for row in self.rows for point in row.points)

    @property
    def legend(self) -> list[dict]:
        return [{"label": item.label, **_line_style(index)} for index, item in enumerate(self.series)]

    @property
    def has_missing(self) -> bool:
        return any(point.value is None for row in self.rows for point in row.points)

    def chart(self) -> "LineChart":
        return line_chart(self)


@dataclass
class Marker:
    x: float
    y: float
    path: str  # SVG path data of the marker shape
    colour: str
    title: str  # the figure, for a pointer hovering on it


@dataclass
class LineChart:
    width: float
    height: float
    label: str
    lines: list[dict] = field(default_factory=list)  # {"points": "x,y x,y", "colour", "dash"}
    whiskers: list[dict] = field(default_factory=list)  # {"x", "y1", "y2", "colour"}
    markers: list[Marker] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    grid: list[Line] = field(default_factory=list)
    axis: list[Line] = field(default_factory=list)
    font_size: int = 13


LINE_DASHES = ["", "7 4", "2 3", "9 3 2 3"]


def _line_style(index: int) -> dict:
    return {"colour": SERIES_COLOURS[index % len(SERIES_COLOURS)], "dash": LINE_DASHES[index % len(LINE_DASHES)],
            "shape": _marker_path(index, 7, 7, 4.5), "shape_index": index}


def _marker_path(index: int, x: float, y: float, r: float) -> str:
    """Circle, square, triangle, diamond: a marker shape per series, so colour is not the only cue."""
    shape = index % 4
    if shape == 0:
        return f"M{_r(x - r)},{_r(y)} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
    if shape == 1:
        s = r * 0.9
        return f"M{_r(x - s)},{_r(y - s)} H{_r(x + s)} V{_r(y + s)} H{_r(x - s)} Z"
    if shape == 2:
        return f"M{_r(x)},{_r(y - r * 1.1)} L{_r(x + r)},{_r(y + r * 0.8)} L{_r(x - r)},{_r(y + r * 0.8)} Z"
    return f"M{_r(x)},{_r(y - r * 1.2)} L{_r(x + r)},{_r(y)} L{_r(x)},{_r(y + r * 1.2)} L{_r(x - r)},{_r(y)} Z"


def _axis_ticks(trend: Trend) -> list[int]:
    """The vertical axis: for a score, whole tens around every value and interval, within 0–100; for an
    amount, round numbers from zero to past the largest value."""
    values = [v for row in trend.rows for point in row.points for v in (point.value, point.low, point.high)
              if v is not None]
    if trend.scale == "amount":
        return nice_ticks(max(values or [0]))
    if not values:
        return list(range(0, 101, 10))
    low = max(0, 10 * math.floor(min(values) / 10))
    high = min(100, 10 * math.ceil(max(values) / 10))
    if high <= low:
        low, high = max(0, low - 10), min(100, high + 10)
    return list(range(low, high + 1, 10))


def line_chart(trend: Trend) -> LineChart:
    """Lines through each series' values, broken where there is no value, with a whisker for each interval."""
    plot_left, plot_width, plot_height, top, bottom = 44, 880, 260, 12, 30
    ticks = _axis_ticks(trend)
    low, high = ticks[0], ticks[-1]
    scale = plot_height / (high - low)
    step = plot_width / max(len(trend.rows), 1)
    every = max(1, math.ceil(len(trend.rows) / 12))
    label = _("%(title)s: a line chart. The table that follows gives the same figures.") % {"title": trend.title}
    chart = LineChart(width=plot_left + plot_width + 8, height=top + plot_height + bottom, label=label)
    baseline = top + plot_height

    def y_of(value: float) -> float:
        return _r(baseline - (value - low) * scale)

    for tick in ticks:
        chart.grid.append(Line(plot_left, y_of(tick), plot_left + plot_width, y_of(tick)))
        chart.texts.append(Text(plot_left - 6, _r(y_of(tick) + FONT_SIZE * 0.35), _format(tick), "end"))
    chart.axis.append(Line(plot_left, baseline, plot_left + plot_width, baseline))
    for row_index, row in enumerate(trend.rows):
        if row_index % every == 0:
            chart.texts.append(Text(_r(plot_left + row_index * step + step / 2), baseline + 20,
                                    row.short_label or row.label))
    for index, item in enumerate(trend.series):
        style = _line_style(index)
        offset = (index - (len(trend.series) - 1) / 2) * 5  # keep the series' whiskers apart
        segment: list[str] = []
        for row_index, row in enumerate(trend.rows):
            point = row.points[index]
            x = _r(plot_left + row_index * step + step / 2 + offset)
            if point.value is None:
                if segment:
                    chart.lines.append({"points": " ".join(segment), "colour": style["colour"], "dash": style["dash"]})
                segment = []
                continue
            y = y_of(point.value)
            segment.append(f"{x},{y}")
            if point.low is not None and point.high is not None:
                chart.whiskers.append({"x": x, "y1": y_of(point.low), "y2": y_of(point.high),
                                       "colour": style["colour"]})
            chart.markers.append(Marker(x, y, _marker_path(index, x, y, 4), style["colour"],
                                        f"{item.label}, {row.label}: {point.value:.{trend.decimals}f}"))
        if segment:
            chart.lines.append({"points": " ".join(segment), "colour": style["colour"], "dash": style["dash"]})
    return chart
