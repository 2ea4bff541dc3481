"""One way to show a figure: the chart is drawn from the table's rows and never rendered without them."""

import re

from django.template.loader import render_to_string
from django.utils import translation

from commonbeat.core.charts import Row, Series, Table, bar_chart, column_chart, nice_ticks, wrap


def figure(orientation: str = "horizontal") -> Table:
    return Table(key="demo", title="Reports by place", dimension="place", dimension_label="Place",
                 series_dimension="kind", series=[Series("complaint", "Complaints"), Series("commendation", "Thanks")],
                 rows=[Row("north", "North End", [12, None]), Row("south", "South End", [40, None])],
                 totals=[52, 25], orientation=orientation)


def test_ticks_are_round_numbers_reaching_the_largest_value():
    assert nice_ticks(40) == [0, 10, 20, 30, 40]
    assert nice_ticks(41) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(382) == [0, 100, 200, 300, 400]
    assert nice_ticks(0) == [0, 2, 4, 6, 8, 10]


def test_a_hidden_count_is_drawn_as_a_dashed_outline_reaching_10():
    across = bar_chart(figure()).bars  # twelve, hidden, forty, hidden
    assert [bar.suppressed for bar in across] == [False, True, False, True]
    assert abs(across[1].width - across[0].width * 10 / 12) < 0.2
    upright = column_chart(figure("vertical")).bars
    assert abs(upright[1].height - upright[0].height * 10 / 12) < 0.2
    assert upright[1].y + upright[1].height == upright[0].y + upright[0].height  # on the same baseline


def test_bars_carry_their_values_and_hidden_ones_say_less_than_11():
    assert [bar.label for bar in bar_chart(figure()).bars] == ["12", "<11", "40", "<11"]


def test_long_labels_go_on_two_lines():
    assert wrap("Place not given, or outside the city", 22) == ["Place not given, or", "outside the city"]
    assert wrap("Old Harbor", 22) == ["Old Harbor"]
    assert wrap("Supercalifragilisticexpialidocious", 10) == ["Supercali…"]


def test_the_rows_for_downloads_are_tidy_and_mark_totals_with_all():
    rows = figure().long_rows()
    assert rows[0] == {"table": "demo", "place": "north", "kind": "complaint", "count": 12, "suppressed": False}
    assert rows[1] == {"table": "demo", "place": "north", "kind": "commendation", "count": None, "suppressed": True}
    assert rows[-1] == {"table": "demo", "place": "all", "kind": "commendation", "count": 25, "suppressed": False}


def test_the_chart_is_rendered_with_its_table():
    html = render_to_string("core/_bar_chart.html", {"table": figure()})
    label = "Reports by place: a bar chart. The table that follows gives the same figures."
    assert f'role="img" aria-label="{label}"' in html
    assert "<caption>Reports by place</caption>" in html
    assert '<th scope="col">Place</th>' in html and '<th scope="row">North End</th>' in html
    assert html.count("fewer than 11</span>") == 2
    assert 'stroke-dasharray="3 2"' in html  # hidden counts, drawn as outlines
    assert 'id="chart-demo-pattern-1"' in html  # the second series is hatched, not told apart by colour alone


def test_chart_coordinates_are_not_localised():
    with translation.override("es"):
        html = render_to_string("core/_bar_chart.html", {"table": figure()})
    numbers = re.findall(r' (?:viewBox|x|y|x1|y1|x2|y2|width|height)="([^"]*)"', html)
    assert numbers and not [number for number in numbers if "," in number]
    assert any("." in number for number in numbers)  # decimal points, never decimal commas
