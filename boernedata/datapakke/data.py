"""Read the published marts for one half-year, set-based: a handful of queries, no per-institution queries.

Only `marts.*` of the published DuckDB file is read, and the file is opened read-only (a build may swap
in a new publication meanwhile; readers are never locked out). The file must have the columns of the
published interface this version reads (REQUIRED_COLUMNS); an older publication is refused with a message
that names the missing columns.

Withheld cells are blanked here, once, as they are read (withheld.py): whatever a row of the file holds,
a withheld cell reaches the rest of the package code with no value, numerator, denominator or n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from boernedata.datapakke import periods, planning, withheld
from boernedata.releases import published_db
from boernedata.settings import DEFAULT_WAREHOUSE

# The columns of the published interface (docs/architecture.md, "The published interface") that the
# packages read.
REQUIRED_COLUMNS = {
    "institutions": [
        "institution_id", "name", "institution_type", "sector", "ownership", "district", "normed_places",
        "valid_from", "valid_to",
    ],
    "indicator_catalogue": [
        "indicator_code", "name_da", "quality_dimension", "sector", "unit", "higher_is_better",
        "period_types", "source_extracts", "definition_da",
    ],
    "institution_indicators": [
        "institution_id", "sector", "benchmark_group", "indicator_code", "period_type", "period_id",
        "period_start", "period_end", "value", "n", "is_suppressed", "suppression_reason",
        "district_value", "municipality_value", "previous_value",
    ],
    "municipality_indicators": [
        "scope", "benchmark_group", "indicator_code", "period_type", "period_id", "period_start",
        "period_end", "value", "n", "n_institutions", "is_suppressed", "suppression_reason",
    ],
    "institution_observations": ["institution_id", "period_id", "observation_date", "theme", "score", "note"],
    "data_year_wheel": ["source_extract", "data_kind", "months_available", "description_da"],
}  # fmt: skip


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
    # (institution_id, code, period_type, period_id) -> row, withheld cells blanked; row["district"] is the
    # institution's district at the end of that period, row["reason"] why the cell is withheld (or None)
    rows: dict[tuple[str, str, str, str], dict]
    # (scope, benchmark_group, code, period_type, period_id) -> row, withheld ones blanked (row["reason"])
    benchmarks: dict[tuple[str, str, str, str, str], dict]
    groups: dict[str, str] = field(default_factory=dict)  # institution_id -> its benchmark group
    group_names: dict[str, str] = field(default_factory=dict)  # benchmark_group -> benchmark_group_da
    observations: dict[str, list[dict]] = field(default_factory=dict)  # institution_id -> rows of the period
    wheel: list[dict] = field(default_factory=list)
    half_years: list[str] = field(default_factory=list)  # all published half-years, oldest first
    # institution_id -> its row of marts.institution_watch_list for the period (issue 22); None when the
    # publication has no watch list (an older one), {} when nobody is on it
    watch_list: dict[str, dict] | None = None
    # daycare institution_id -> its planning rows (datapakke/planning.py); empty without the planning marts
    planning: dict[str, dict] = field(default_factory=dict)
    # institution_id -> its mean day in the period (marts.institution_day_profile, weekdays pooled by open
    # days): rows of minutes, children, adults; or None when the profile is withheld
    day_profiles: dict[str, list[dict] | None] = field(default_factory=dict)


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def published_half_years(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The half-years the marts publish: those with half-year rows in institution_indicators (a partial
    half-year has none), oldest first."""
    rows = con.execute(
        "select distinct period_id from marts.institution_indicators where period_type = 'half_year' "
        "order by period_id"
    ).fetchall()
    return [r[0] for r in rows]


def check_columns(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Refuse a file without the published interface this version reads, naming what is missing."""
    have: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
    ).fetchall():
        have.setdefault(table, set()).add(column)
    problems = []
    for table, columns in REQUIRED_COLUMNS.items():
        if table not in have:
            problems.append(f"table marts.{table} is missing")
            continue
        missing = [c for c in columns if c not in have[table]]
        if missing:
            problems.append(f"marts.{table} lacks column(s) {', '.join(missing)}")
    if problems:
        raise DatapakkeError(
            f"{source}: not the published interface this version reads: {'; '.join(problems)}. The file "
            "was published by an older build (or is not a published boernedata file): run `boernedata "
            "build` with this version and render again."
        )


def _unpublished(period: str, half_years: list[str]) -> DatapakkeError:
    listed = ", ".join(half_years) if half_years else "none yet"
    why = (
        "it is after the last published half-year (the half-year in progress is published when it is over)"
        if half_years and period > half_years[-1]
        else "the published data do not cover it as a whole"
    )
    return DatapakkeError(
        f"--period {period}: not a published half-year: {why}. Published half-years: {listed}."
    )


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not Path(warehouse).is_file():
        raise DatapakkeError(
            f"{warehouse}: no such file. Build the warehouse first (`boernedata build`) or pass "
            f"--warehouse with the published DuckDB file ({published_db(DEFAULT_WAREHOUSE)})."
        )
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise DatapakkeError(f"{warehouse}: cannot open it read-only: {exc}") from exc


def load(
    con: duckdb.DuckDBPyConnection, period: str | None, institution: str | None, source: str = "the file"
) -> Marts:
    check_columns(con, source)
    half_years = published_half_years(con)
    if period is None:
        if not half_years:
            raise DatapakkeError("the published marts hold no half-year data yet; nothing to render.")
        period = half_years[-1]
    try:
        start, end = periods.half_year_bounds(period)
    except ValueError as exc:
        raise DatapakkeError(f"--period {period}: {exc}") from exc
    if period not in half_years:
        raise _unpublished(period, half_years)
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

    def only(column: str) -> str:  # with --institution: that institution's rows only
        return f"and {column} in (select unnest($ids))" if institution is not None else ""

    rows = {}
    for r in _dicts(
        con,
        f"""
        select
            ii.institution_id, ii.benchmark_group, ii.indicator_code, ii.period_type, ii.period_id,
            ii.value, ii.n, ii.is_suppressed, ii.suppression_reason,
            ii.district_value is not null as has_district_value,
            ii.municipality_value is not null as has_municipality_value,
            ii.previous_value is not null as has_previous_value,
            i.district  -- at the end of the period, as the benchmarks use it
        from marts.institution_indicators as ii
        left join marts.institutions as i
            on ii.institution_id = i.institution_id
            and cast(i.valid_from as date) <= ii.period_end
            and (i.valid_to is null or cast(i.valid_to as date) > ii.period_end)
        where ii.period_end <= $school_cut and ii.period_start >= $window_start
            {only("ii.institution_id")}
        """,
        {"school_cut": school_cut, "window_start": window_start}
        | ({"ids": ids} if institution is not None else {}),
    ):
        # The figures repeated from other cells (district, municipality, previous value) are read as
        # published-or-not only: the package shows those cells from their own rows.
        reason = withheld.cell_reason(r)
        r = withheld.blank(r, reason) | {"reason": reason}
        rows[(r["institution_id"], r["indicator_code"], r["period_type"], r["period_id"])] = r

    benchmarks = {}
    for r in _dicts(
        con,
        """
        select scope, benchmark_group, indicator_code, period_type, period_id, value, n, n_institutions,
            is_suppressed, suppression_reason
        from marts.municipality_indicators
        where period_end <= $school_cut and period_start >= $window_start
        """,
        {"school_cut": school_cut, "window_start": window_start},
    ):
        reason = withheld.benchmark_reason(r)
        key = (r["scope"], r["benchmark_group"], r["indicator_code"], r["period_type"], r["period_id"])
        benchmarks[key] = withheld.blank(r, reason) | {"reason": reason}

    # Each institution's benchmark group: that of its latest row up to the package's period. An
    # institution without rows has none (and so no benchmarks).
    groups = {}
    for iid, group in con.execute(
        f"""
        select institution_id, arg_max(benchmark_group, period_end)
        from marts.institution_indicators
        where period_end <= $school_cut {only("institution_id")}
        group by institution_id
        """,
        {"school_cut": school_cut} | ({"ids": ids} if institution is not None else {}),
    ).fetchall():
        groups[iid] = group
    group_names = _group_names(con)

    observations: dict[str, list[dict]] = {}
    for r in _dicts(
        con,
        "select institution_id, observation_date, theme, score, note from marts.institution_observations "
        "where period_id = $period order by institution_id, observation_date, theme",
        {"period": period},
    ):
        observations.setdefault(r["institution_id"], []).append(r)

    wheel = _dicts(con, "select * from marts.data_year_wheel order by source_extract")
    watch_list = _watch_list(con, period)
    daycare_ids = [i["institution_id"] for i in institutions if i["sector"] == "dagtilbud"]
    planning_rows = planning.load(con, end, daycare_ids)
    day_profiles = _day_profiles(con, period)

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
        groups=groups,
        group_names=group_names,
        observations=observations,
        wheel=wheel,
        half_years=half_years,
        watch_list=watch_list,
        planning=planning_rows,
        day_profiles=day_profiles,
    )


def _watch_list(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, dict] | None:
    """The period's rows of marts.institution_watch_list by institution, or None when the publication
    has no such table (it is built from published, non-withheld figures only: nothing to blank)."""
    present = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'institution_watch_list'"
    ).fetchone()[0]
    if not present:
        return None
    return {
        r["institution_id"]: r
        for r in _dicts(
            con,
            "select * from marts.institution_watch_list where period_id = $period "
            "order by watch_score desc, institution_id",
            {"period": period},
        )
    }


def _group_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """benchmark_group -> its Danish name from marts.institution_indicators_labelled, when published."""
    try:
        return dict(
            con.execute(
                "select benchmark_group, any_value(benchmark_group_da) "
                "from marts.institution_indicators_labelled group by all"
            ).fetchall()
        )
    except duckdb.Error:
        return {}


def _day_profiles(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, list[dict] | None]:
    """The mean day per institution (the weekdays pooled by their open days); None where withheld. A
    publication made before the day profile existed has none (the section is then left out)."""
    has_table = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'institution_day_profile'"
    ).fetchone()[0]
    if not has_table:
        return {}
    out: dict[str, list[dict] | None] = {}
    for r in _dicts(
        con,
        """
        select
            institution_id,
            bool_or(is_suppressed) as is_suppressed,
            hour(slot_start) * 60 + minute(slot_start) as minutes,
            sum(children_present * open_days) / sum(open_days) as children,
            sum(staff_on_shift * open_days) / sum(open_days) as adults
        from marts.institution_day_profile
        where period_id = $period
        group by institution_id, slot_start
        order by institution_id, slot_start
        """,
        {"period": period},
    ):
        if r["is_suppressed"]:
            out[r["institution_id"]] = None
        else:
            rows = out.setdefault(r["institution_id"], [])
            if rows is not None:
                rows.append(r)
    return out
