"""What the pages read from the published marts: every query here, each parameterized (no value is ever
formatted into SQL text), each about one page's worth of rows.

What every page needs (the catalogue, the periods, the register, the districts, the benchmark tables)
is read once per release (`Snapshot.cached`); the rest is read per request, filtered in DuckDB.

Withheld cells are blanked here, as they are read (datapakke/withheld.py, the same rule as the data
packages): whatever a row of the file holds, a withheld cell reaches the pages with no value, numerator,
denominator or n, and with `reason` saying why. District and municipality figures are read from their own
rows in `marts.municipality_indicators` (with their own withheld flags), never from the copies on the
institution rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from boernedata.dashboard.publication import WATCH_LIST, Snapshot
from boernedata.datapakke import periods as half_years
from boernedata.datapakke import withheld

KOMMUNE = "kommune"  # the scope of the municipality's rows in municipality_indicators
SECTORS = ("dagtilbud", "skole", "fritid")
DIMENSION_ORDER = {"struktur": 0, "proces": 1, "resultat": 2}
PERIOD_TYPES = ("half_year", "school_year", "calendar_year")


@dataclass(frozen=True)
class Period:
    period_type: str
    period_id: str
    start: date
    end: date


# --- read once per release -------------------------------------------------------------------------


def catalogue(snap: Snapshot) -> dict[str, dict]:
    """indicator_code -> catalogue row, ordered by sector, quality dimension and the catalogue's order."""

    def compute() -> dict[str, dict]:
        rows = snap.rows("select *, row_number() over () as position from marts.indicator_catalogue")
        for r in rows:
            hib = r.get("higher_is_better")
            r["higher_is_better"] = None if hib is None else bool(hib)
            r["period_type_list"] = [p.strip() for p in (r.get("period_types") or "").split(",") if p.strip()]
        rows.sort(
            key=lambda r: (
                SECTORS.index(r["sector"]) if r["sector"] in SECTORS else 9,
                DIMENSION_ORDER.get(r["quality_dimension"], 9),
                r["position"],
            )
        )
        return {r["indicator_code"]: r for r in rows}

    return snap.cached("catalogue", compute)


def periods(snap: Snapshot) -> dict[tuple[str, str], Period]:
    """Every published (period_type, period_id), oldest first."""

    def compute() -> dict[tuple[str, str], Period]:
        rows = snap.values(
            "select distinct period_type, period_id, cast(period_start as date), cast(period_end as date) "
            "from marts.institution_indicators_labelled order by 4, 3, 1, 2"
        )
        return {(t, p): Period(t, p, s, e) for t, p, s, e in rows}

    return snap.cached("periods", compute)


def published_half_years(snap: Snapshot) -> list[str]:
    """The half-years with rows, oldest first: the choices of the period filter ("as of")."""
    return [p.period_id for p in periods(snap).values() if p.period_type == "half_year"]


def indicator_periods(snap: Snapshot) -> dict[str, list[Period]]:
    """indicator_code -> its published periods (every type), oldest first."""

    def compute() -> dict[str, list[Period]]:
        known = periods(snap)
        out: dict[str, list[Period]] = defaultdict(list)
        for code, t, p in snap.values(
            "select distinct indicator_code, period_type, period_id "
            "from marts.institution_indicators_labelled"
        ):
            out[code].append(known[(t, p)])
        for code in out:
            out[code].sort(key=lambda p: (p.end, p.start))
        return dict(out)

    return snap.cached("indicator_periods", compute)


def institutions(snap: Snapshot) -> dict[str, dict]:
    """institution_id -> its latest register version (the current one, else the newest), by name."""

    def compute() -> dict[str, dict]:
        rows = snap.rows(
            """
            select * exclude (version_rank) from (
                select *, row_number() over (
                    partition by institution_id order by is_current desc nulls last, valid_from desc
                ) as version_rank
                from marts.institutions
            )
            where version_rank = 1
            order by name, institution_id
            """
        )
        groups = dict(
            snap.values(
                "select institution_id, arg_max(benchmark_group, period_end) "
                "from marts.institution_indicators_labelled group by institution_id"
            )
        )
        for r in rows:
            r["benchmark_group"] = groups.get(r["institution_id"])
        return {r["institution_id"]: r for r in rows}

    return snap.cached("institutions", compute)


def districts(snap: Snapshot) -> list[str]:
    def compute() -> list[str]:
        rows = snap.values(
            "select distinct district from marts.institutions where district is not null "
            "union select distinct scope from marts.municipality_indicators where scope != $kommune "
            "order by 1",
            {"kommune": KOMMUNE},
        )
        return [d for (d,) in rows]

    return snap.cached("districts", compute)


def group_names(snap: Snapshot) -> dict[str, str]:
    """benchmark_group -> its Danish name (plural: 'Daginstitutioner')."""
    return snap.cached(
        "group_names",
        lambda: dict(
            snap.values(
                "select benchmark_group, any_value(benchmark_group_da) "
                "from marts.institution_indicators_labelled group by all"
            )
        ),
    )


def sector_groups(snap: Snapshot) -> dict[str, list[str]]:
    """sector -> its benchmark groups, the one with most institutions first."""

    def compute() -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for sector, group, _ in snap.values(
            "select sector, benchmark_group, count(distinct institution_id) as n "
            "from marts.institution_indicators_labelled group by all order by sector, n desc, benchmark_group"
        ):
            out[sector].append(group)
        return dict(out)

    return snap.cached("sector_groups", compute)


def benchmarks(snap: Snapshot) -> dict[tuple[str, str, str, str, str], dict]:
    """(scope, benchmark_group, indicator_code, period_type, period_id) -> the district or municipality
    row, withheld ones blanked (row['reason']). A few thousand rows at Copenhagen's size."""

    def compute() -> dict:
        out = {}
        for r in snap.rows(
            "select scope, benchmark_group, sector, indicator_code, period_type, period_id, value, n, "
            "n_institutions, is_suppressed, suppression_reason from marts.municipality_indicators"
        ):
            reason = withheld.benchmark_reason(r)
            key = (r["scope"], r["benchmark_group"], r["indicator_code"], r["period_type"], r["period_id"])
            out[key] = withheld.blank(r, reason) | {"reason": reason}
        return out

    return snap.cached("benchmarks", compute)


def wheel(snap: Snapshot) -> list[dict]:
    return snap.cached(
        "wheel", lambda: snap.rows("select * from marts.data_year_wheel order by data_kind, source_extract")
    )


# --- read per request ------------------------------------------------------------------------------

CELL_COLUMNS = """
    institution_id, institution_name, district, institution_type_da, sector, benchmark_group, indicator_code,
    period_type, period_id, value, n, is_suppressed, suppression_reason
"""


def _cells(snap: Snapshot, where: str, params: dict) -> list[dict]:
    out = []
    for r in snap.rows(
        f"select {CELL_COLUMNS} from marts.institution_indicators_labelled where {where}", params
    ):
        reason = withheld.cell_reason(r)
        out.append(withheld.blank(r, reason) | {"reason": reason})
    return out


def institution_cells(snap: Snapshot, institution_id: str) -> list[dict]:
    """Every published cell of one institution, every period."""
    return _cells(snap, "institution_id = $id order by period_end, period_id", {"id": institution_id})


def indicator_cells(snap: Snapshot, code: str, period: Period) -> list[dict]:
    """One indicator, one period, every institution."""
    return _cells(
        snap,
        "indicator_code = $code and period_type = $type and period_id = $period order by institution_name",
        {"code": code, "type": period.period_type, "period": period.period_id},
    )


def district_cells(snap: Snapshot, district: str, sector: str, wanted: list[Period]) -> list[dict]:
    """The cells of a district's institutions of one sector for the given periods (district at the end of
    each period, as the benchmarks use it)."""
    if not wanted:
        return []
    return _cells(
        snap,
        "district = $district and sector = $sector "
        "and (period_type || '|' || period_id) in (select unnest($keys)) order by institution_name",
        {"district": district, "sector": sector, "keys": [f"{p.period_type}|{p.period_id}" for p in wanted]},
    )


def observations(snap: Snapshot, institution_id: str, period_id: str) -> list[dict]:
    return snap.rows(
        "select observation_date, theme, score, note from marts.institution_observations "
        "where institution_id = $id and period_id = $period order by observation_date, theme",
        {"id": institution_id, "period": period_id},
    )


def watch_list(snap: Snapshot) -> list[dict] | None:
    """`marts.institution_watch_list` (issue 22) when the publication has it, else None."""
    if not snap.has_table(WATCH_LIST):
        return None
    return snap.rows(f"select * from marts.{WATCH_LIST} order by period_id desc, watch_score desc nulls last")


# --- periods shown ---------------------------------------------------------------------------------


def as_of(snap: Snapshot, half_year: str) -> dict[str, Period]:
    """indicator_code -> the period shown "as of" a half-year, as in the data packages
    (datapakke/periods.py): half-year indicators that half-year; school-year ones the latest school year
    ended by then; calendar-year ones the latest calendar year ended by then. Each indicator's first
    listed period type counts; an indicator without such a period is left out."""
    start, end = half_years.half_year_bounds(half_year)
    cut = {"half_year": end, "school_year": half_years.school_year_cutoff(half_year), "calendar_year": end}
    out = {}
    for code, row in catalogue(snap).items():
        ptype = (row["period_type_list"] or [None])[0]
        candidates = [
            p
            for p in indicator_periods(snap).get(code, [])
            if p.period_type == ptype and p.end <= cut[ptype] and (ptype != "half_year" or p.start >= start)
        ]
        if candidates:
            out[code] = candidates[-1]
    return out


def series(snap: Snapshot, code: str, period_type: str, until: date, count: int) -> list[Period]:
    """The last `count` published periods of the type ending by `until`, oldest first."""
    found = [
        p for p in indicator_periods(snap).get(code, []) if p.period_type == period_type and p.end <= until
    ]
    return found[-count:]
