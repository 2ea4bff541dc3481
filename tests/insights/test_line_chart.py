"""Estimates over time are drawn as lines with their intervals, and never without the table of figures."""

from django.template.loader import render_to_string

from commonbeat.core.charts import Interval, Series, Trend, TrendRow, line_chart


def trend() -> Trend:
    return Trend(key="demo", title="Trust by month", dimension_label="Month",
                 series=[Series("trust", "Trust"), Series("safety", "Feeling safe")],
                 rows=[TrendRow("2026-08", "August 2026", [Interval(52, 48, 56), Interval(66, 63, 69)], "Aug", 120),
                       TrendRow("2026-09", "September 2026", [Interval(None), Interval(64, 60, 68)], "Sep", None),
                       TrendRow("2026-10", "October 2026", [Interval(57, 53, 61), Interval(67, 64, 70)], "Oct", 130)],
                 missing_label="not enough responses", count_label="Respondents")


def test_a_missing_value_breaks_the_line():
    chart = line_chart(trend())
    trust_lines = [line for line in chart.lines if line["colour"] == "#005ea2"]
    assert len(trust_lines) == 2  # August alone, then October alone
    safety_lines = [line for line in chart.lines if line["colour"] != "#005ea2"]
    assert len(safety_lines) == 1 and len(safety_lines[0]["points"].split()) == 3
    assert len(chart.markers) == 5 and len(chart.whiskers) == 5


def test_series_differ_by_dash_and_marker_shape_as_well_as_colour():
    legend = trend().legend
    assert legend[0]["dash"] != legend[1]["dash"]
    assert legend[0]["shape"] != legend[1]["shape"]


def test_the_vertical_axis_covers_every_interval_in_whole_tens():
    chart = line_chart(trend())
    ticks = [text.text for text in chart.texts if text.anchor == "end"]
    assert ticks == ["40", "50", "60", "70"]


def test_the_chart_comes_with_its_table():
    html = render_to_string("core/_line_chart.html", {"trend": trend()})
    assert '<svg viewBox="0 0' in html and 'role="img"' in html
    assert "<caption>Trust by month</caption>" in html
    assert "48–56" in html and "not enough responses" in html
    assert "not shown" in html and "130" in html
