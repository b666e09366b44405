"""Differencing attacks on a publication: what a reader who holds only the published file can compute.

The reader knows the published cells (institution_indicators, municipality_indicators), which institution
sits in which district (institution_indicators_labelled), and the sums docs/publication_rules.md names
("No disclosure by differencing"): district = Σ its institutions, municipality = Σ its districts (an
institution whose district has no benchmark row standing for itself) = Σ its institutions, and for indicators
additive over periods a school year = H2 + H1 and a calendar year = H1 + H2. Numerators and denominators
add up in every relation; n (distinct persons) only across institutions, not across periods.

Two attacks:
- `propagate`: solve every relation with exactly one unknown, add what it gives to the known cells, and
  repeat until nothing new comes out. This plays every relation alone and every chain of them (district ->
  municipality, district -> period, ...). It also reports a group of withheld cells whose persons together
  are fewer than 5 and whose sum a relation gives away.
- `determined_cells`: the exact audit a disclosure-control team runs: over all relations at once, a
  withheld cell is recoverable iff its unit vector lies in the row space of the relations restricted to the
  withheld cells (linear algebra on each connected group of withheld cells).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

QUANTITIES = ("numerator", "denominator", "n")
MIN_N = 5


@dataclass
class Publication:
    """Cells keyed by (level, scope, indicator_code, benchmark_group, period_id)."""

    values: dict[tuple, dict[str, float | None]]  # published cells: quantity -> value; withheld: absent
    withheld: set[tuple]
    district_of: dict[tuple[str, str], str | None]  # (institution_id, period_id) -> district
    additive_codes: set[str]
    relations: list[tuple[str, tuple, list[tuple]]] = field(default_factory=list)  # (kind, parent, children)


def _key(level: str, scope: str, row) -> tuple:
    return (level, scope, row.indicator_code, row.benchmark_group, row.period_id)


def publication(
    institution_rows: pd.DataFrame,
    benchmark_rows: pd.DataFrame,
    additive_codes: set[str],
    withheld_column: str = "is_suppressed",
) -> Publication:
    """A publication from frames shaped like the published tables (institution rows need `district`)."""
    values: dict[tuple, dict] = {}
    withheld: set[tuple] = set()
    district_of: dict[tuple[str, str], str | None] = {}
    for row in institution_rows.itertuples(index=False):
        key = _key("institution", row.institution_id, row)
        district_of[(row.institution_id, row.period_id)] = row.district
        if getattr(row, withheld_column):
            withheld.add(key)
        else:
            values[key] = {q: _num(getattr(row, q)) for q in QUANTITIES}
    for row in benchmark_rows.itertuples(index=False):
        level = "kommune" if row.scope == "kommune" else "district"
        key = _key(level, row.scope, row)
        if getattr(row, withheld_column):
            withheld.add(key)
        else:
            values[key] = {q: _num(getattr(row, q)) for q in QUANTITIES}
    pub = Publication(values, withheld, district_of, additive_codes)
    pub.relations = _relations(pub, institution_rows, benchmark_rows)
    return pub


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def _relations(pub: Publication, institution_rows: pd.DataFrame, benchmark_rows: pd.DataFrame) -> list:
    cells = set(pub.values) | pub.withheld
    institutions = defaultdict(list)  # (code, bg, period) -> keys
    districts_with_row = set()
    for key in cells:
        level, scope, code, bg, period = key
        if level == "institution":
            institutions[(code, bg, period)].append(key)
        elif level == "district":
            districts_with_row.add((scope, code, bg, period))
    relations = []
    for key in cells:
        level, scope, code, bg, period = key
        group = institutions.get((code, bg, period), [])
        if level == "district":
            children = [k for k in group if pub.district_of.get((k[1], period)) == scope]
            relations.append(("district", key, children))
        elif level == "kommune":
            relations.append(("kommune_institutions", key, list(group)))
            parts = [k for k in cells if k[0] == "district" and k[2:] == (code, bg, period)]
            parts += [
                k
                for k in group
                if (pub.district_of.get((k[1], period)), code, bg, period) not in districts_with_row
            ]
            relations.append(("kommune_districts", key, parts))
    for key in cells:
        level, scope, code, bg, period = key
        if code not in pub.additive_codes:
            continue
        if "/" in period:  # school year YYYY/YY = YYYY-H2 + (YYYY+1)-H1
            halves = [f"{period[:4]}-H2", f"{int(period[:4]) + 1}-H1"]
        elif len(period) == 4:  # calendar year
            halves = [f"{period}-H1", f"{period}-H2"]
        else:
            continue
        children = [(level, scope, code, bg, h) for h in halves if (level, scope, code, bg, h) in cells]
        if children:
            relations.append(("period", key, children))
    return [r for r in relations if r[2]]


@dataclass
class Finding:
    kind: str  # 'recovered' or 'small_group'
    relation: str
    cells: tuple
    quantity: str
    value: float


def propagate(pub: Publication) -> list[Finding]:
    """Solve relations with one unknown until nothing changes; report each solved or small-group figure."""
    known: dict[tuple, dict[str, float | None]] = {k: dict(v) for k, v in pub.values.items()}
    findings: list[Finding] = []
    changed = True
    while changed:
        changed = False
        for kind, parent, children in pub.relations:
            for quantity in QUANTITIES:
                if quantity == "n" and kind == "period":
                    continue  # distinct persons do not add up over periods
                members = [parent, *children]
                unknown = [m for m in members if quantity not in known.get(m, {})]
                if len(unknown) != 1:
                    continue
                target = unknown[0]
                values = [known[m][quantity] for m in members if m != target]
                if any(v is None for v in values):
                    continue  # e.g. a count has no denominator
                parent_value = known[parent][quantity] if target != parent else None
                others = sum(known[m][quantity] for m in children if m != target)
                value = others if target == parent else parent_value - others
                known.setdefault(target, {})[quantity] = value
                findings.append(Finding("recovered", kind, (target,), quantity, value))
                changed = True
    for kind, parent, children in pub.relations:
        if kind == "period" or "n" not in known.get(parent, {}) or known[parent]["n"] is None:
            continue
        unknown = [c for c in children if "n" not in known.get(c, {})]
        if len(unknown) >= 2:
            group_n = known[parent]["n"] - sum(known[c]["n"] for c in children if c not in unknown)
            if group_n < MIN_N:
                findings.append(Finding("small_group", kind, tuple(unknown), "n", group_n))
    return findings


def determined_cells(pub: Publication) -> set[tuple]:
    """Withheld cells that the relations determine exactly (numerators and denominators: all relations)."""
    unknown = sorted(pub.withheld)
    index = {k: i for i, k in enumerate(unknown)}
    rows = []
    for _kind, parent, children in pub.relations:
        coefficients = {}
        if parent in index:
            coefficients[index[parent]] = 1.0
        for c in children:
            if c in index:
                coefficients[index[c]] = coefficients.get(index[c], 0.0) - 1.0
        if coefficients:
            rows.append(coefficients)
    # connected groups of withheld cells, so each matrix stays small
    parent_of = list(range(len(unknown)))

    def find(i: int) -> int:
        while parent_of[i] != i:
            parent_of[i] = parent_of[parent_of[i]]
            i = parent_of[i]
        return i

    for coefficients in rows:
        cols = list(coefficients)
        for c in cols[1:]:
            parent_of[find(c)] = find(cols[0])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(unknown)):
        groups[find(i)].append(i)
    rows_by_group: dict[int, list[dict]] = defaultdict(list)
    for coefficients in rows:
        rows_by_group[find(next(iter(coefficients)))].append(coefficients)
    determined = set()
    for root, members in groups.items():
        local = {c: j for j, c in enumerate(members)}
        group_rows = rows_by_group.get(root, [])
        if not group_rows:
            continue
        matrix = np.zeros((len(group_rows), len(members)))
        for r, coefficients in enumerate(group_rows):
            for c, v in coefficients.items():
                matrix[r, local[c]] = v
        _, s, vt = np.linalg.svd(matrix)
        rank = int((s > 1e-9).sum())
        nullspace = vt[rank:].T  # members x free directions
        for c, j in local.items():
            if nullspace.shape[1] == 0 or np.all(np.abs(nullspace[j]) < 1e-9):
                determined.add(unknown[c])
    return determined
