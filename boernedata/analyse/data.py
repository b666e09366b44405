"""The report's figures from the internal warehouse: the rate ratios (marts.absence_risk_factors, the
published table) and the concerning pupils per school and cause segment of one school year
(restricted.pupil_absence_early_warning), counted in DuckDB and suppressed before anything leaves here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from boernedata.analyse import suppression

SEGMENTS = ("substance_abuse", "wellbeing", "academic", "bilingual", "unknown")
SEGMENT_NAMES_DA = {
    "substance_abuse": "Misbrug i hjemmet",
    "wellbeing": "Trivsel",
    "academic": "Faglige vanskeligheder",
    "bilingual": "Tosproget",
    "unknown": "Ukendt årsag",
}
FACTOR_NAMES_DA = {
    "parents_apart": "Forældrene bor ikke sammen",
    "parent_unknown": "Far ukendt",
    "no_parent_in_work": "Ingen forælder i beskæftigelse",
    "school_size": "Skolens størrelse",
    "class_size": "Klassens størrelse",
    "school_change": "Skiftet skole inden for 12 måneder",
}


class AnalyseError(Exception):
    """The warehouse cannot give the report (missing tables, unknown school year)."""


@dataclass(frozen=True)
class Factor:
    factor: str
    name_da: str
    unit: str
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    pupils_exposed: int | None
    pupil_years: int | None
    method: str
    suppression_reason: str | None


@dataclass(frozen=True)
class SegmentTable:
    """Concerning pupils per school (rows) and segment (columns), with totals; hidden[i][j] is the
    suppression reason of an entry ('' when shown). The last row and column are the totals."""

    school_year: str
    schools: list[tuple[str, str]]  # (school_id, name)
    counts: np.ndarray
    hidden: np.ndarray


@dataclass(frozen=True)
class Signal:
    segment: str
    description_da: str
    weight: float
    source_extract: str


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not warehouse.is_file():
        raise AnalyseError(f"{warehouse} does not exist: build the warehouse first (boernedata build)")
    con = duckdb.connect(str(warehouse), read_only=True)
    present = {
        (s, t)
        for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }
    for needed in (("marts", "absence_risk_factors"), ("restricted", "pupil_absence_early_warning")):
        if needed not in present:
            con.close()
            raise AnalyseError(
                f"{warehouse} has no {'.'.join(needed)}: give the INTERNAL warehouse (--warehouse), built "
                "with this version (boernedata build)"
            )
    return con


def school_years(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select distinct school_year from restricted.pupil_absence_early_warning order by school_year"
    ).fetchall()
    return [r[0] for r in rows]


def factors(con: duckdb.DuckDBPyConnection) -> list[Factor]:
    rows = con.execute(
        "select factor, unit, rate_ratio, ci_low, ci_high, pupils_exposed, pupil_years, method, "
        "suppression_reason from marts.absence_risk_factors"
    ).fetchall()
    order = list(FACTOR_NAMES_DA)
    out = [Factor(r[0], FACTOR_NAMES_DA.get(r[0], r[0]), *r[1:]) for r in rows]
    return sorted(out, key=lambda f: order.index(f.factor) if f.factor in order else len(order))


def segment_table(con: duckdb.DuckDBPyConnection, school_year: str, min_n: int = 5) -> SegmentTable:
    """Counts per school and segment (DuckDB groups the pupils), then suppression of the small cells."""
    rows = con.execute(
        """
        with concerning as (
            select school_id, cause_segment, count(*) as pupils
            from restricted.pupil_absence_early_warning
            where school_year = $year and is_concerning
            group by school_id, cause_segment
        ),
        names as (
            select institution_id, any_value(name) as name
            from marts.institutions
            where is_current
            group by institution_id
        )
        select concerning.school_id, coalesce(names.name, concerning.school_id), cause_segment, pupils
        from concerning
        left join names on concerning.school_id = names.institution_id
        order by concerning.school_id
        """,
        {"year": school_year},
    ).fetchall()
    schools = sorted({(r[0], r[1]) for r in rows})
    index = {s[0]: i for i, s in enumerate(schools)}
    counts = np.zeros((len(schools), len(SEGMENTS)), dtype=np.int64)
    for school_id, _, segment, pupils in rows:
        counts[index[school_id], SEGMENTS.index(segment)] += pupils
    grid = suppression.with_totals(counts)
    return SegmentTable(school_year, schools, grid, suppression.suppress(grid, min_n))


def signals(con: duckdb.DuckDBPyConnection) -> list[Signal]:
    """The rule set as the seed holds it, for the report's method section (no child-level data)."""
    try:
        rows = con.execute(
            "select segment, description_da, weight, source_extract from reference.absence_cause_signals "
            "order by segment, weight desc, description_da"
        ).fetchall()
    except duckdb.CatalogException:
        return []
    return [Signal(*r) for r in rows]
