"""Small-count suppression: no published count from 1 to 10, and none that can be worked out from totals."""

import random

import numpy
import pytest

from commonbeat.core.disclosure import THRESHOLD, is_small, suppress_counts, suppress_table, suppress_total


def hidden(table):
    return {(r, c) for r, row in enumerate(table) for c, value in enumerate(row) if value is None}


def random_table(rng: random.Random, rows: int, columns: int) -> list[list[int]]:
    """Counts with plenty of zeros and small values, like the figures of a small department."""
    values = [0, 0, 0, 1, 2, 3, 5, 8, 10, 11, 12, 15, 20, 40, 100]
    return [[rng.choice(values) for _ in range(columns)] for _ in range(rows)]


def lines_of(rows: int, columns: int) -> list[list[tuple[int, int]]]:
    """The rows and columns that are published with a total (a line of one cell is its own total)."""
    lines = []
    if columns > 1:
        lines += [[(r, c) for c in range(columns)] for r in range(rows)]
    if rows > 1:
        lines += [[(r, c) for r in range(rows)] for c in range(columns)]
    return lines


def derivable(original: list[list[int]], published: list[list[int | None]]) -> set[tuple[int, int]]:
    """Hidden cells whose exact value follows from the visible cells and the row and column totals.

    The unknowns are the hidden cells; each published total gives one linear equation over them. A hidden
    cell is determined exactly when its unit vector lies in the row space of those equations.
    """
    cells = sorted(hidden(published))
    if not cells:
        return set()
    index = {cell: position for position, cell in enumerate(cells)}
    equations = []
    for line in lines_of(len(original), len(original[0])):
        equation = numpy.zeros(len(cells))
        for cell in line:
            if cell in index:
                equation[index[cell]] = 1
        equations.append(equation)
    system = numpy.array(equations).reshape(len(equations), len(cells))
    rank = numpy.linalg.matrix_rank(system)
    found = set()
    for cell, position in index.items():
        unit = numpy.zeros(len(cells))
        unit[position] = 1
        if numpy.linalg.matrix_rank(numpy.vstack([system, unit])) == rank:
            found.add(cell)
    return found


# ---------------------------------------------------------------- the threshold

@pytest.mark.parametrize("count", range(1, THRESHOLD))
def test_a_count_from_1_to_10_is_hidden(count):
    assert is_small(count)
    assert suppress_total(count) is None
    assert suppress_counts({"small": count, "none": 0, "large": 50})["small"] is None


@pytest.mark.parametrize("count", [0, 11, 12, 500])
def test_zero_and_11_or_more_are_shown(count):
    assert not is_small(count)
    assert suppress_total(count) == count
    assert suppress_counts({"this": count, "other": 40}) == {"this": count, "other": 40}


def test_the_threshold_is_11():
    assert THRESHOLD == 11


# ---------------------------------------------------------------- one-way tables

def test_a_lone_hidden_count_takes_the_next_smallest_count_with_it():
    published = suppress_counts({"force": 3, "bias": 12, "discourtesy": 40, "other": 0})
    assert published == {"force": None, "bias": None, "discourtesy": 40, "other": 0}


def test_two_hidden_counts_protect_each_other():
    published = suppress_counts({"force": 3, "bias": 4, "discourtesy": 40})
    assert published == {"force": None, "bias": None, "discourtesy": 40}


def test_a_one_way_table_without_small_counts_is_published_whole():
    counts = {"a": 11, "b": 0, "c": 300}
    assert suppress_counts(counts) == counts


# ---------------------------------------------------------------- two-way tables

def test_in_a_two_way_table_the_complement_is_found_in_the_row_and_the_column():
    published = suppress_table([[5, 20, 30],
                                [25, 40, 35],
                                [30, 45, 50]])
    assert hidden(published) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert published[2] == [30, 45, 50] and published[0][2] == 30


def test_a_hidden_cell_in_a_single_column_table_is_complemented_in_the_column():
    published = suppress_table([[4], [30], [50]])
    assert hidden(published) == {(0, 0), (1, 0)}


def test_every_hidden_cell_has_another_hidden_cell_in_its_row_and_its_column():
    """Brute force over random tables: a line published with a total never has exactly one hidden cell,
    every count from 1 to 10 is hidden, and nothing visible is changed."""
    rng = random.Random(20261125)
    for _trial in range(3000):
        original = random_table(rng, rng.randint(1, 6), rng.randint(1, 6))
        published = suppress_table(original)
        for r, row in enumerate(original):
            for c, value in enumerate(row):
                assert published[r][c] is None if is_small(value) else published[r][c] in (None, value)
        for line in lines_of(len(original), len(original[0])):
            assert sum(1 for cell in line if cell in hidden(published)) != 1, (original, published, line)


def test_no_hidden_count_can_be_worked_out_in_one_way_and_narrow_tables():
    """Exact check by linear algebra, for one-way tables and two-way tables of up to three columns (the
    shapes the published statistics use): no hidden cell is determined by the visible cells and totals."""
    rng = random.Random(11)
    for _trial in range(1500):
        original = random_table(rng, rng.randint(1, 8), rng.randint(1, 3))
        published = suppress_table(original)
        assert not derivable(original, published), (original, published)


def test_no_hidden_count_can_be_worked_out_in_a_one_way_table_with_its_total():
    rng = random.Random(3)
    for _trial in range(1500):
        counts = {f"cell {n}": value for n, value in enumerate(random_table(rng, 1, rng.randint(1, 10))[0])}
        published = suppress_counts(counts)
        as_table = [list(counts.values())], [list(published.values())]
        assert not derivable(*as_table), as_table


def test_no_hidden_count_can_be_worked_out_in_a_wide_two_way_table():
    original = [[15, 12, 20, 20],
                [12, 5, 2, 0],
                [2, 0, 5, 40],
                [20, 12, 20, 5]]
    assert not derivable(original, suppress_table(original))


def test_no_hidden_count_can_be_worked_out_in_any_two_way_table():
    """Exact check by linear algebra on random tables of every shape up to 7 × 7."""
    rng = random.Random(29)
    for _trial in range(1500):
        original = random_table(rng, rng.randint(2, 7), rng.randint(2, 7))
        published = suppress_table(original)
        assert not derivable(original, published), (original, published)
