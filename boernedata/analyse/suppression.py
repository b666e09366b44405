"""Small-cell suppression of a count table with row and column totals (the rules of
docs/publication_rules.md, as the marts apply them): a count of 1-4 is withheld (n_lt_5); then, in every
sum a reader can use - a row's cells and its total, a column's cells and its total - a withheld entry
must not be alone and the withheld parts must cover at least 5, or another entry of that sum is withheld
too (complementary): the smallest non-zero one, so as little as possible is lost. Repeated until no sum
needs more. Zeros are shown (a zero names no one) unless needed as the last complement.
"""

from __future__ import annotations

import numpy as np

N_LT_5 = "n_lt_5"
COMPLEMENTARY = "complementary"


def _relations(rows: int, cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """(parts, total) positions in the grid with totals in the last row and column."""
    out = [([(i, j) for j in range(cols)], (i, cols)) for i in range(rows + 1)]
    out += [([(i, j) for i in range(rows)], (rows, j)) for j in range(cols + 1)]
    return out


def with_totals(counts: np.ndarray) -> np.ndarray:
    """The table with a totals column and a totals row (the corner is the grand total)."""
    counts = np.asarray(counts, dtype=np.int64)
    grid = np.zeros((counts.shape[0] + 1, counts.shape[1] + 1), dtype=np.int64)
    grid[:-1, :-1] = counts
    grid[:-1, -1] = counts.sum(axis=1)
    grid[-1, :] = grid[:-1, :].sum(axis=0)
    return grid


def suppress(grid: np.ndarray, min_n: int = 5) -> np.ndarray:
    """Reasons per entry of a grid made by with_totals: '' (shown), n_lt_5 or complementary."""
    grid = np.asarray(grid)
    rows, cols = grid.shape[0] - 1, grid.shape[1] - 1
    reason = np.full(grid.shape, "", dtype=object)
    reason[(grid > 0) & (grid < min_n)] = N_LT_5
    changed = True
    while changed:
        changed = False
        for parts, total in _relations(rows, cols):
            members = [*parts, total]
            hidden = [p for p in members if reason[p]]
            if not hidden:
                continue
            hidden_parts = [p for p in parts if reason[p]]
            total_hidden = bool(reason[total])
            covered = len(hidden) >= 2 and (total_hidden or sum(grid[p] for p in hidden_parts) >= min_n)
            if covered:
                continue
            shown = [p for p in members if not reason[p]]
            if not shown:
                continue
            # the smallest non-zero entry first (a zero adds no cover), parts before the total
            pick = min(shown, key=lambda p: (grid[p] == 0, p == total, grid[p], p))
            reason[pick] = COMPLEMENTARY
            changed = True
    return reason
