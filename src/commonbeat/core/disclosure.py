"""Small-count suppression for everything published: the one place the rule lives.

A count from 1 to 10 could identify a person, so it is replaced by None ("fewer than 11"). Because
tables are published with their totals, a single hidden cell in a row or column could be worked out by
subtraction; complementary suppression hides the next-smallest cell of that row or column too, and
repeats until no hidden cell can be derived.
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
    """A two-way table published with row and column totals."""
    hidden = [[0 < value < threshold for value in row] for row in rows]

    def complement(cells: list[tuple[int, int]]) -> bool:
        """If exactly one cell of this line is hidden, hide the smallest other cell. True if it changed."""
        if sum(hidden[r][c] for r, c in cells) != 1 or len(cells) < 2:
            return False
        candidates = [(rows[r][c] == 0, rows[r][c], r, c) for r, c in cells if not hidden[r][c]]
        _is_zero, _value, r, c = min(candidates)
        hidden[r][c] = True
        return True

    changed = True
    while changed:
        changed = False
        for r in range(len(rows)):
            changed |= complement([(r, c) for c in range(len(rows[r]))])
        for c in range(len(rows[0]) if rows else 0):
            if len(rows) > 1:
                changed |= complement([(r, c) for r in range(len(rows))])
    return [[None if hidden[r][c] else value for c, value in enumerate(row)] for r, row in enumerate(rows)]
