"""Read the published marts for one half-year, set-based: a handful of queries, no per-institution queries.

Only `marts.*` of the published DuckDB file is read, and the file is opened read-only (a build may swap
in a new publication meanwhile; readers are never locked out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from boernedata.datapakke import periods


class DatapakkeError(RuntimeError):
    """A problem the user can fix (missing file, unknown period or institution)."""


@dataclass
class Marts:
    period: str
    period_start: date
    period_end: date
    institutions: list[dict]  # to render: the master-data version valid at the end of the period
    all_institutions: list[dict]  # every institution of the period (the index lists them), same versions
    catalogue: list[dict]  # catalogue order
    selected: dict[tuple[str, str], str]  # (indicator_code, period_type) -> period_id shown
    rows: dict[tuple[str, str, str, str], dict]  # (institution_id, code, period_type, period_id) -> row
    benchmarks: dict[tuple[str, str, str, str], dict]  # (scope, code, period_type, period_id) -> row
    observations: dict[str, list[dict]] = field(default_factory=dict)  # institution_id -> rows of the period
    wheel: list[dict] = field(default_factory=list)
    half_years: list[str] = field(default_factory=list)  # all half-years with data, oldest first


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def half_years_with_data(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select distinct period_id from marts.institution_indicators where period_type = 'half_year' "
        "and (value is not null or is_suppressed) order by period_id"
    ).fetchall()
    return [r[0] for r in rows]


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not Path(warehouse).is_file():
        raise DatapakkeError(
            f"{warehouse}: no such file. Build the warehouse first (`boernedata build`) or pass "
            "--warehouse with the published DuckDB file (warehouse/published/boernedata.duckdb)."
        )
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise DatapakkeError(f"{warehouse}: cannot open it read-only: {exc}") from exc


def load(con: duckdb.DuckDBPyConnection, period: str | None, institution: str | None) -> Marts:
    half_years = half_years_with_data(con)
    if period is None:
        if not half_years:
            raise DatapakkeError("the published marts hold no half-year data yet; nothing to render.")
        period = half_years[-1]
    try:
        start, end = periods.half_year_bounds(period)
    except ValueError as exc:
        raise DatapakkeError(f"--period {period}: {exc}") from exc
    school_cut = periods.school_year_cutoff(period)
    # The trend needs the three periods before the shown one; six years back covers every period type.
    window_start = date(start.year - 6, 1, 1)

    institutions = _dicts(
        con,
        """
        with ranked as (
            select
                *,
                cast(valid_from as date) <= $end
                    and (valid_to is null or cast(valid_to as date) > $end) as valid_at_end,
                row_number() over (
                    partition by institution_id
                    order by
                        case
                            when cast(valid_from as date) <= $end
                                and (valid_to is null or cast(valid_to as date) > $end) then 0
                            when cast(valid_from as date) <= $end then 1
                            else 2
                        end,
                        valid_from desc
                ) as version_rank
            from marts.institutions
        ),
        with_data as (
            select institution_id from marts.institution_indicators where period_id = $period
            union
            select institution_id from marts.institution_observations where period_id = $period
        )
        select ranked.* exclude (version_rank)
        from ranked
        where version_rank = 1
            and (valid_at_end or institution_id in (select institution_id from with_data))
        order by district, sector, name, institution_id
        """,
        {"end": end, "period": period},
    )
    all_institutions = institutions
    if institution is not None:
        institutions = [i for i in institutions if i["institution_id"] == institution]
        if not institutions:
            raise DatapakkeError(
                f"--institution {institution}: no such institution in {period} in the published marts."
            )

    catalogue = _dicts(con, "select * from marts.indicator_catalogue")
    for c in catalogue:
        hib = c.get("higher_is_better")
        c["higher_is_better"] = None if hib is None else bool(hib)
        c["period_type_list"] = [p.strip() for p in (c.get("period_types") or "").split(",") if p.strip()]

    # The period each indicator is shown for (module docstring of periods.py), chosen over all
    # institutions so that every package of the period shows the same periods.
    selected: dict[tuple[str, str], str] = {}
    for code, period_type, period_id in con.execute(
        """
        select indicator_code, period_type, max(period_id)
        from marts.institution_indicators
        where (period_type = 'half_year' and period_id = $period)
            or (period_type = 'school_year' and period_end <= $school_cut)
            or (period_type = 'calendar_year' and period_end <= $end)
        group by all
        """,
        {"period": period, "school_cut": school_cut, "end": end},
    ).fetchall():
        selected[(code, period_type)] = period_id

    ids = [i["institution_id"] for i in institutions]
    where_inst = "and institution_id in (select unnest($ids))" if institution is not None else ""
    rows = {}
    for r in _dicts(
        con,
        f"""
        select institution_id, indicator_code, period_type, period_id, value, n, is_suppressed,
            district_value, municipality_value, previous_value
        from marts.institution_indicators
        where period_end <= $school_cut and period_start >= $window_start {where_inst}
        """,
        {"school_cut": school_cut, "window_start": window_start}
        | ({"ids": ids} if institution is not None else {}),
    ):
        rows[(r["institution_id"], r["indicator_code"], r["period_type"], r["period_id"])] = r

    benchmarks = {}
    for r in _dicts(
        con,
        """
        select scope, indicator_code, period_type, period_id, value, n, n_institutions
        from marts.municipality_indicators
        where period_end <= $school_cut and period_start >= $window_start
        """,
        {"school_cut": school_cut, "window_start": window_start},
    ):
        benchmarks[(r["scope"], r["indicator_code"], r["period_type"], r["period_id"])] = r

    observations: dict[str, list[dict]] = {}
    for r in _dicts(
        con,
        "select institution_id, observation_date, theme, score, note from marts.institution_observations "
        "where period_id = $period order by institution_id, observation_date, theme",
        {"period": period},
    ):
        observations.setdefault(r["institution_id"], []).append(r)

    wheel = _dicts(con, "select * from marts.data_year_wheel order by source_extract")

    return Marts(
        period=period,
        period_start=start,
        period_end=end,
        institutions=institutions,
        all_institutions=all_institutions,
        catalogue=catalogue,
        selected=selected,
        rows=rows,
        benchmarks=benchmarks,
        observations=observations,
        wheel=wheel,
        half_years=half_years,
    )
