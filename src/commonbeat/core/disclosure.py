"""Small-count suppression for everything published: the one place the rule lives.

A count from 1 to 10 could identify a person, so it is replaced by None ("fewer than 11"). Because
tables are published with their totals, a hidden cell could sometimes be worked out by subtraction;
complementary suppression hides the smallest further cells needed so that none can be.
"""

THRESHOLD = 11


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def suppress_counts(counts: dict, threshold: int = THRESHOLD) -> dict:
    """A one-way table published with its total: {label: count or None}."""
    labels = list(counts)
    table = suppress_table([[counts[label] for label in labels]], threshold=threshold)
    return dict(zip(labels, table[0], strict=True))


def suppress_total(total: int, threshold: int = THRESHOLD) -> int | None:
    return None if 0 < total < threshold else total


def suppress_table(rows: list[list[int]], threshold: int = THRESHOLD) -> list[list[int | None]]:
    """A table published with its totals (row totals when it has several columns, column totals when it
    has several rows): {cell: count or None}, with no hidden count derivable from the rest."""
    if not rows or not rows[0]:
        return rows
    hidden = {(r, c) for r, row in enumerate(rows) for c, value in enumerate(row) if 0 < value < threshold}
    if len(rows) > 1 and len(rows[0]) > 1:
        _protect_two_way(rows, hidden)
    else:
        _protect_one_way(rows, hidden)
    return [[None if (r, c) in hidden else value for c, value in enumerate(row)] for r, row in enumerate(rows)]


def _cheapest(rows, cells) -> tuple[int, int]:
    """The complement that hides least: the smallest count, preferring non-zero ones."""
    return min(cells, key=lambda cell: (rows[cell[0]][cell[1]] == 0, rows[cell[0]][cell[1]], cell))


def _protect_one_way(rows, hidden: set) -> None:
    """One line with one total: a single hidden cell would be the total minus the rest."""
    cells = [(r, c) for r in range(len(rows)) for c in range(len(rows[r]))]
    if sum(cell in hidden for cell in cells) == 1 and len(cells) > 1:
        hidden.add(_cheapest(rows, [cell for cell in cells if cell not in hidden]))


def _protect_two_way(rows, hidden: set) -> None:
    """Rows and columns are nodes of a graph and hidden cells its edges. With row and column totals
    published, a hidden cell can be worked out exactly when its edge is a bridge (lies on no cycle), so
    hide further cells until every hidden cell lies on a cycle."""
    row_count, column_count = len(rows), len(rows[0])

    def side(start, without) -> set:
        reached, frontier = {start}, [start]
        while frontier:
            kind, index = frontier.pop()
            for r, c in hidden:
                if (r, c) == without:
                    continue
                if kind == "row" and r == index and ("col", c) not in reached:
                    reached.add(("col", c))
                    frontier.append(("col", c))
                elif kind == "col" and c == index and ("row", r) not in reached:
                    reached.add(("row", r))
                    frontier.append(("row", r))
        return reached

    while True:
        bridge = next(((r, c) for r, c in sorted(hidden) if ("col", c) not in side(("row", r), (r, c))), None)
        if bridge is None:
            return
        r, c = bridge
        rows_side, columns_side = side(("row", r), bridge), side(("col", c), bridge)
        joining = [(x, y) for x in range(row_count) for y in range(column_count) if (x, y) not in hidden and (
            (("row", x) in rows_side and ("col", y) in columns_side)
            or (("row", x) in columns_side and ("col", y) in rows_side))]
        if joining:
            hidden.add(_cheapest(rows, joining))
        elif not any(kind == "row" for kind, _ in columns_side):
            hidden.add(_cheapest(rows, [(x, c) for x in range(row_count) if (x, c) not in hidden]))
        else:
            hidden.add(_cheapest(rows, [(r, y) for y in range(column_count) if (r, y) not in hidden]))
