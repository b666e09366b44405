"""Incremental or full: what a build recomputes, and why.

The event-heavy models (check-in events -> child-days, absence registrations -> pupil-days, and the
expected days on them: int_attendance_event_days, int_child_attendance_days, int_pupil_absence_days) are
dbt incremental models: on an incremental run they delete and recompute only the rows dated on or after
BOERNEDATA_INCREMENTAL_SINCE, an environment variable of the dbt process (macros/incremental.sql). The
day profile's half-year models (int_day_profile_child_intervals, int_day_profile_person_counts,
int_day_profile_shift_intervals on the rota, and int_institution_day_slots on all three), daycare
attendance (int_indicator_values__daycare_attendance) and portal reach
(int_indicator_values__portal_reach, on the monthly portal usage) recompute every half-year that date
reaches, whole; the pupils' absence per period
(int_pupil_school_period_absence) every school year, half-year and calendar year ending on or after it;
the pupils' absence per quarter (int_pupil_school_quarter_absence) every quarter ending on or after it;
their absence streaks (int_pupil_absence_streaks) every school year from the one it falls in; the
household months (int_child_household_months, on the parents' monthly employment) every month from it.
An institution's expected days run from its first to its last month with a check-in: when new or
re-delivered check-ins change those months before the date (check-ins resume after months without any,
or a re-delivered month no longer holds an institution's last ones), the date moves back to the first
changed month (_changed_coverage).
This module chooses that date, or a full refresh, by comparing the landing ledger and the project with
what the current publication was built from (its manifest):

- full refresh when there is no earlier build to build on, when --full-refresh is given, when the
  project's models, macros, seeds, snapshots, dbt_project.yml or extract contracts changed (a changed
  formula changes history), when the landing folder or the dbt/DuckDB versions differ, or when a new
  delivery rewrites history the incremental models read (a new snapshot of the institution register or
  of the enrollments);
- otherwise incremental, from the earliest day any new or re-delivered dated delivery touches: the
  earliest date in its rows, or the first day of its period, whichever is earlier, minus the lookback
  window. The lookback absorbs what a re-delivery removes: a replaced file may have held late corrections
  dated before its period (an absence registration corrected weeks later), which the new file no longer
  has; the window (BOERNEDATA_INCREMENTAL_LOOKBACK_DAYS, default 92) is how far back such corrections
  reach. Deliveries of extracts the incremental models do not read change nothing here.

An incremental run builds only the nodes downstream of the extracts with new or re-delivered deliveries
(`selection`): the incremental models recompute their recent days or half-years, the other models there
are rebuilt whole, and a model upstream of no changed extract keeps its table, as its inputs are what
the last build read. With nothing delivered at all since the last build (`Plan.nothing_new`: a night
without deliveries), the build runs no dbt and keeps the publication (task.py): the models read only the
landing folder and the code, so a rebuild would publish the same numbers.

The rule is: never publish a state that a full rebuild of the same landing state would not. A test lands
months, builds, lands more months and a corrected earlier month, builds incrementally, and compares with
a full rebuild (pytests/test_incremental.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from boernedata import landing_zone as zone
from boernedata import settings
from boernedata.contracts import EXTRACTS_BY_KEY

# A delivery whose dates cannot be read may touch any day: recompute everything incrementally.
ANY_DAY = dt.date(1900, 1, 1)
# An incremental run with nothing new recomputes no day (a date after any data).
NOTHING_TO_RECOMPUTE = dt.date(9999, 12, 31)

# Dated extracts the incremental models read: the landed column that dates each row.
DATED_EXTRACTS: dict[str, str] = {
    "kbhbarn/fremmoede": "event_time",
    "aula/kommegaa": "timestamp",
    "kbhbarn/fravaer": "from_date",
    "skoleadm/fravaer": "date",
    "hr/vagtplan": "shift_date",
}
# Extracts read by the incremental models whose delivery covers a known span: their period start.
# (aula/brugsdata: monthly portal usage, which portal reach recounts by half-year; beskaeftigelse/foraeldre:
# the parents' monthly employment, which the household months recompute by month.)
PERIOD_EXTRACTS = (
    "kbhbarn/lukkedage",
    "skoleadm/skolekalender",
    "aula/brugsdata",
    "beskaeftigelse/foraeldre",
)
# The check-in streams: int_child_attendance_days counts an institution's expected days from its first to
# its last month with a check-in, so new check-ins can add months, and re-delivered ones drop months
# (_changed_coverage).
CHECK_IN_EXTRACTS = ("kbhbarn/fremmoede", "aula/kommegaa")
# Snapshots that rewrite history the incremental models read: a new one means a full refresh.
HISTORY_EXTRACTS = ("institutionsregister/institutioner", "kbhbarn/indskrivninger", "skoleadm/elever")

# What the project computes with: a change to any of these changes history, so the next build is full.
FINGERPRINTED = ("models", "macros", "seeds", "snapshots", "dbt_project.yml", "boernedata/contracts.py")


@dataclass
class Plan:
    mode: str  # "full" or "incremental"
    reason: str
    since: dt.date | None = None
    new_deliveries: int = 0
    # the extracts with new or re-delivered deliveries: an incremental run builds what reads them
    changed_extracts: list[str] = field(default_factory=list)

    @property
    def nothing_new(self) -> bool:
        """Nothing was delivered or re-delivered since the build of the current publication, and nothing
        else calls for a full refresh: that publication is what a rebuild would publish."""
        return self.mode == "incremental" and self.new_deliveries == 0

    def describe(self) -> str:
        if self.mode == "full":
            return f"full refresh: {self.reason}"
        since = self.since.isoformat() if self.since else "nothing to recompute"
        built = (
            f"; builds what reads {', '.join(self.changed_extracts)}, the rest is unchanged"
            if self.changed_extracts
            else ""
        )
        return f"incremental from {since}: {self.reason}{built}"

    def as_manifest(self) -> dict:
        return {
            "mode": self.mode,
            "reason": self.reason,
            "since": self.since.isoformat() if self.since else None,
            "new_deliveries": self.new_deliveries,
            "changed_extracts": self.changed_extracts,
        }


def fingerprint(project_dir: Path, parts: tuple[str, ...] = FINGERPRINTED) -> str:
    """A hash of everything that decides what the models compute (or of other `parts` of the project)."""
    digest = hashlib.sha256()
    for name in parts:
        root = project_dir / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for p in files:
            if p.exists() and "__pycache__" not in p.parts:
                name = str(p.relative_to(project_dir)).encode("utf-8")
                digest.update(name + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()


# dbt's node selection flags: a caller who selects nodes keeps that selection
SELECTION_FLAGS = ("--select", "-s", "--models", "-m", "--selector")


def dbt_arguments(plan: Plan, dbt_args: list[str]) -> list[str]:
    """The dbt arguments that carry out a plan, added to the caller's."""
    if plan.mode == "full":
        return [] if "--full-refresh" in dbt_args else ["--full-refresh"]
    args = []
    selected = any(a.split("=", 1)[0] in SELECTION_FLAGS for a in dbt_args)
    if plan.changed_extracts and not selected:
        args += ["--select", *selection(plan.changed_extracts)]
    return args


def dbt_environment(plan: Plan) -> dict[str, str]:
    """The environment the dbt process needs for a plan: the first day an incremental run recomputes.
    An environment variable, not --vars: changed --vars make dbt parse the whole project again."""
    if plan.mode == "full":
        return {}
    return {settings.ENV_INCREMENTAL_SINCE: (plan.since or NOTHING_TO_RECOMPUTE).isoformat()}


def selection(extracts: list[str]) -> list[str]:
    """dbt selectors for an incremental run: every node downstream of a changed extract's source, and the
    person register's tests (its new persons landed with those deliveries). A model upstream of none of
    them reads exactly what it read in the last build (the code, seeds and versions are unchanged, or the
    build would be full; a new person in the register changes no lookup of an existing one), so its
    table is kept as it is."""
    return [*(f"source:{e.replace('/', '.')}+" for e in extracts), "stg_landing__persons"]


def lookback_days() -> int:
    value = os.environ.get(settings.ENV_INCREMENTAL_LOOKBACK_DAYS)
    if not value:
        return settings.DEFAULT_INCREMENTAL_LOOKBACK_DAYS
    try:
        days = int(value)
    except ValueError:
        raise settings.SettingError(
            f"${settings.ENV_INCREMENTAL_LOOKBACK_DAYS}={value!r} is not a whole number of days"
        ) from None
    if days < 0:
        raise settings.SettingError(f"${settings.ENV_INCREMENTAL_LOOKBACK_DAYS} must not be negative")
    return days


def plan(
    landing: Path,
    code: str,
    previous: dict | None,
    versions: dict[str, str],
    *,
    full_refresh: bool,
    user_vars: bool,
    warehouse: Path | None = None,
) -> Plan:
    """Decide full or incremental for a build of `landing` with the code whose fingerprint() is `code`,
    given the manifest of the current publication (`previous`, None when nothing is published) and its
    internal `warehouse` file."""
    records = zone.read_ledger(landing, tolerant=True)
    built = (previous or {}).get("incremental") or {}
    seen = built.get("ledger_records")
    built_from = (previous or {}).get("landing", {}).get("path")
    reasons_for_full = [
        (full_refresh, "--full-refresh was given"),
        (user_vars, "dbt --vars were given, which may change what the models compute"),
        (previous is None, "nothing has been published yet, so there is nothing to build on"),
        (not built, "the current publication was built before builds could be incremental"),
        (
            built_from != str(landing),
            f"the current publication was built from another landing folder ({built_from})",
        ),
        (
            built.get("fingerprint") != code,
            "the models, macros, seeds, snapshots or extract contracts changed since the last build",
        ),
        (built.get("versions") != versions, "the dbt or DuckDB version changed since the last build"),
        (
            not isinstance(seen, int) or seen > len(records),
            "the landing ledger is not the one the last build read (rewritten, or another folder's)",
        ),
    ]
    for applies, reason in reasons_for_full:
        if applies:
            return Plan("full", reason)
    new = [r for r in records[seen:] if r.get("status") in (zone.LANDED, zone.REPLACED)]
    if not new:
        return Plan("incremental", "nothing was delivered or re-delivered since the last build")
    history = sorted({r["extract"] for r in new if r.get("extract") in HISTORY_EXTRACTS})
    if history:
        rewritten = ", ".join(history)
        return Plan(
            "full", f"a new delivery of {rewritten} rewrites history the event models read", None, len(new)
        )
    changed = sorted({r["extract"] for r in new if r.get("extract") in EXTRACTS_BY_KEY})
    since = _earliest_touched(landing, new)
    if since is None:
        return Plan("incremental", "no new delivery touches the event models", None, len(new), changed)
    touched = sorted({r["extract"] for r in new if r.get("extract") in (*DATED_EXTRACTS, *PERIOD_EXTRACTS)})
    reason = (
        f"{len(new)} new or re-delivered deliveries since the last build, of {', '.join(touched)} among "
        f"others; lookback {lookback_days()} days"
    )
    since -= dt.timedelta(days=lookback_days())
    changed_coverage = _changed_coverage(warehouse, landing, new, since)
    if changed_coverage is not None:
        since, institutions = changed_coverage
        shown = ", ".join(institutions[:3]) + (
            f" and {len(institutions) - 3} more" if len(institutions) > 3 else ""
        )
        reason += (
            f"; from {since.isoformat()}, as the months the check-ins at {shown} cover change from there "
            "(a full rebuild adds or drops their expected days)"
        )
    return Plan("incremental", reason, since, len(new), changed)


def _changed_coverage(
    warehouse: Path | None, landing: Path, new: list[dict], since: dt.date
) -> tuple[dt.date, list[str]] | None:
    """(first day, institutions) when new or re-delivered check-in files change the months an
    institution's attendance data cover (int_child_attendance_days: from its first to its last month with
    a check-in) at a day before `since`: a full rebuild then adds or drops that institution's expected days
    from there, however long ago. Check-ins resume after months without any (the months after its last
    one come back), or a re-delivered month no longer holds its last or first check-ins (months drop out).
    The earlier coverage is read from int_attendance_event_days in the internal warehouse; its days in a
    re-delivered month count as gone (recomputing a month more than needed is always right, as is
    counting check-outs as check-ins here). None when no coverage changes before `since`, or without an
    earlier event table to compare with."""
    files = {
        extract: paths
        for extract in CHECK_IN_EXTRACTS
        if (
            paths := [
                str(f)
                for r in new
                if r.get("extract") == extract
                if (f := zone.landed_file(landing, extract, str(r.get("period", "")))).is_file()
            ]
        )
    }
    if warehouse is None or not Path(warehouse).is_file() or not files:
        return None
    replaced = sorted(
        {
            period_start(r["extract"], str(r["period"]))
            for r in new
            if r.get("extract") in CHECK_IN_EXTRACTS and r.get("status") == zone.REPLACED
        }
    )
    params = {f"files_{i}": paths for i, paths in enumerate(files.values())}
    new_days = " union all ".join(
        f'select institution_id, cast("{DATED_EXTRACTS[extract]}" as date) as day '
        f"from read_parquet($files_{i})"
        for i, extract in enumerate(files)
    )
    # the days kept from the earlier build: all but those of a re-delivered month
    kept = (
        "not list_contains($replaced, cast(date_trunc('month', attendance_date) as date))"
        if replaced
        else "true"
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        known = con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'intermediate' and table_name = 'int_attendance_event_days'"
        ).fetchone()[0]
        if not known:
            return None
        first, institutions = con.execute(
            f"""
            with new_span as (
                select institution_id, min(day) as first_day, max(day) as last_day
                from ({new_days}) group by institution_id
            ),
            earlier as (
                select
                    institution_id,
                    min(attendance_date) as first_day,
                    max(attendance_date) as last_day,
                    min(attendance_date) filter (where {kept}) as first_kept,
                    max(attendance_date) filter (where {kept}) as last_kept
                from intermediate.int_attendance_event_days group by institution_id
            ),
            spans as (
                -- months covered before and after (least and greatest skip NULLs)
                select
                    earlier.institution_id,
                    cast(date_trunc('month', earlier.first_day) as date) as old_start,
                    last_day(earlier.last_day) as old_end,
                    cast(date_trunc('month', least(earlier.first_kept, new_span.first_day)) as date)
                        as new_start,
                    last_day(greatest(earlier.last_kept, new_span.last_day)) as new_end
                from earlier left join new_span on earlier.institution_id = new_span.institution_id
            ),
            changed as (
                select
                    institution_id,
                    case
                        when new_end is null then old_start  -- no check-in left at all
                        else least(
                            case when new_end < old_end then new_end + 1 end,
                            case when new_end > old_end then old_end + 1 end,
                            case when new_start > old_start then old_start end,
                            case when new_start < old_start then new_start end
                        )
                    end as first_day
                from spans
            )
            select min(first_day), list(institution_id order by institution_id)
            from changed where first_day < $since
            """,
            {**params, "since": since, **({"replaced": replaced} if replaced else {})},
        ).fetchone()
    return (first, institutions) if first is not None else None


def _earliest_touched(landing: Path, new: list[dict]) -> dt.date | None:
    dates = []
    for record in new:
        extract, period = record.get("extract"), str(record.get("period", ""))
        if extract in DATED_EXTRACTS:
            dates.append(period_start(extract, period))
            earliest = _earliest_date(zone.landed_file(landing, extract, period), DATED_EXTRACTS[extract])
            if earliest is not None:
                dates.append(earliest)
        elif extract in PERIOD_EXTRACTS:
            dates.append(period_start(extract, period))
    return min(dates) if dates else None


def period_start(extract: str, period: str) -> dt.date:
    """The first day the period token of a delivery's file name covers, by the extract's contract: a month
    `2025-10`, a year `2025`, a school year `2025-26` (1 August), a snapshot date `2025-10-31`."""
    kind = EXTRACTS_BY_KEY[extract].period
    if kind == "month":
        return dt.date(int(period[:4]), int(period[5:7]), 1)
    if kind == "year":
        return dt.date(int(period[:4]), 1, 1)
    if kind == "school_year":
        return dt.date(int(period[:4]), 8, 1)
    return dt.date.fromisoformat(period)


def _earliest_date(path: Path, column: str) -> dt.date | None:
    """The earliest value of a landed column, from the Parquet file's statistics (no rows are read)."""
    if not path.is_file():
        return None
    metadata = pq.ParquetFile(path).metadata
    names = [metadata.schema.column(i).name for i in range(metadata.num_columns)]
    if column not in names:
        return ANY_DAY
    index = names.index(column)
    earliest = None
    for g in range(metadata.num_row_groups):
        stats = metadata.row_group(g).column(index).statistics
        if stats is None or not stats.has_min_max:
            return ANY_DAY
        value = stats.min
        value = value.date() if isinstance(value, dt.datetime) else value
        earliest = value if earliest is None or value < earliest else earliest
    return earliest
