"""What a build checks before it publishes, and what it counts for the manifest.

- Empty sources: every landed extract (`<landing>/<system>/<extract>/*.parquet`, the empty schema file
  aside) must hold rows, read from the Parquet footers before dbt runs, so an empty or half-copied landing
  folder fails in a second. An extract a municipality does not deliver is named as allowed to be empty.
- Foreign schemas: every landed file (and the person register) must have the columns and types this
  version lands (contracts.landed_schema). The sources read each extract's files by column name
  (`union_by_name`), so a file landed by another version of the project, or written by hand, that lacks a
  column would read as NULL there and pass every test: a month without `registered_by` counts no
  check-out. Read from the footers before dbt runs, like the row counts (landing_zone.foreign_schemas;
  `land` warns of the same files).
- Shrink: no published table may have fewer rows than (100 - max %) of the current publication's (its
  manifest's row counts), unless the build is told to accept it.
- Withheld cells: per published indicator table, how many cells are withheld and for which reason
  (`suppression_reason`), or "not available" when the table has no such column.

`refuse_empty_sources`, `refuse_foreign_schemas` and `refuse_shrink` raise BuildError with a message
that says what to do; the other functions return what they found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from boernedata import landing_zone as zone
from boernedata import settings
from boernedata.build.errors import BuildError

# The published tables whose cells can be withheld (README, "Privacy: what is withheld and why").
WITHHELD_TABLES = ("institution_indicators", "municipality_indicators")
REASON_COLUMN = "suppression_reason"


@dataclass(frozen=True)
class Checks:
    """The publication checks of one build (settings.py names their flags and environment variables)."""

    max_shrink_pct: float = settings.DEFAULT_MAX_TABLE_SHRINK_PCT
    allow_shrink: bool = False  # publish even when a table shrank by more than max_shrink_pct
    allow_empty: tuple[str, ...] = field(default_factory=tuple)  # extracts the municipality does not deliver


@dataclass(frozen=True)
class Shrink:
    table: str
    before: int
    after: int

    @property
    def pct(self) -> float:
        return 100.0 * (self.before - self.after) / self.before


def refuse_empty_sources(landing: Path, checks: Checks) -> list[str]:
    """Refuse (BuildError) when a landed extract has no rows and is not allowed to be empty; the allowed
    empty ones, for the manifest."""
    from boernedata.contracts import EXTRACTS

    refused, allowed = empty_sources(landing, list(checks.allow_empty))
    if refused:
        raise BuildError(empty_sources_message(landing, refused, len(EXTRACTS)))
    return allowed


def refuse_foreign_schemas(landing: Path) -> None:
    """Refuse (BuildError) when a landed file does not have the columns and types this version lands."""
    mismatches = zone.foreign_schemas(landing)
    if mismatches:
        raise BuildError(foreign_schemas_message(landing, mismatches))


def refuse_shrink(previous: dict | None, counts: dict[str, dict], checks: Checks) -> list[Shrink]:
    """Refuse (BuildError) when a table shrank by more than the set share against the current
    publication's manifest (`previous`), unless allowed; the shrunk tables published on purpose, for the
    manifest."""
    shrunk = shrunk_tables(previous, counts, checks.max_shrink_pct)
    if shrunk and not checks.allow_shrink:
        raise BuildError(shrink_message(shrunk, previous, checks.max_shrink_pct))
    return shrunk


def landed_rows(landing: Path) -> dict[str, int]:
    """Rows landed per extract (`system/extract`), from the Parquet footers of its data files."""
    import pyarrow.parquet as pq

    from boernedata.contracts import EXTRACTS
    from boernedata.landing_zone import data_files, landed_dir

    return {
        ex.key: sum(pq.ParquetFile(f).metadata.num_rows for f in data_files(landed_dir(landing, ex)))
        for ex in EXTRACTS
    }


def foreign_schemas_message(landing: Path, mismatches: list[zone.SchemaMismatch]) -> str:
    groups: dict[tuple[str, str], list[Path]] = {}
    for m in mismatches:
        groups.setdefault((m.folder, m.problem), []).append(m.file)
    lines = []
    for (folder, problem), files in groups.items():
        more = f" and {len(files) - 1} more file(s) of {folder}" if len(files) > 1 else ""
        lines.append(f"  {files[0].relative_to(landing)}{more}: {problem}")
    if len(lines) > 20:
        lines[20:] = [f"  ... and {len(lines) - 20} more"]
    return (
        f"refusing to build: {len(mismatches)} landed file(s) in {landing} do not have the columns this "
        "version of boernedata lands; the models would read a missing column as empty and count wrong:\n"
        + "\n".join(lines)
        + "\nThey were landed by another version of boernedata, or changed by hand. Land the raw files again "
        "with this version into a new landing folder (`boernedata land --raw <raw folder> --landing <new "
        "folder>`) and build from that."
    )


def unknown_extracts(names: list[str]) -> list[str]:
    """The names in `names` that are no contract's `system/extract`."""
    from boernedata.contracts import EXTRACTS_BY_KEY

    return [n for n in names if n not in EXTRACTS_BY_KEY]


def empty_sources(landing: Path, allowed: list[str]) -> tuple[list[str], list[str]]:
    """(extracts with no rows that are not allowed to be empty, allowed ones that are empty)."""
    empty = [key for key, rows in landed_rows(landing).items() if rows == 0]
    return [k for k in empty if k not in allowed], [k for k in empty if k in allowed]


def empty_sources_message(landing: Path, empty: list[str], total: int) -> str:
    if len(empty) == total:
        return (
            f"refusing to publish: the landing folder {landing} holds no landed rows at all (none of the "
            f"{total} extracts has any). Land the raw extracts first (`boernedata land --landing "
            f"{landing}`), or point --landing / ${settings.ENV_LANDING} at the right folder."
        )
    names = ", ".join(empty)
    return (
        f"refusing to publish: {len(empty)} landed extract(s) have no rows: {names} (folders "
        f"{landing}/<system>/<extract>/). Every indicator that reads them would be empty or wrong. Land "
        "their deliveries (`boernedata land`; the landing report says whether a file was rejected or held). "
        "If the municipality really does not deliver an extract (e.g. aula/kommegaa when all check-in goes "
        f"through KBH Barn), name it: `boernedata build --allow-empty {empty[0]}` or "
        f"{settings.ENV_ALLOW_EMPTY}={','.join(empty)}."
    )


# Published tables that may shrink for real from one build to the next, so a shrink says nothing about a
# broken delivery: the watch list loses an institution that recovers (its inputs, the indicator cells,
# are checked as institution_indicators).
SHRINK_EXEMPT_TABLES = ("institution_watch_list",)


def shrunk_tables(previous: dict | None, counts: dict[str, dict], max_pct: float) -> list[Shrink]:
    """The tables whose rows fell by more than max_pct percent against the previous manifest's counts
    (not those of SHRINK_EXEMPT_TABLES)."""
    if not previous:
        return []
    out = []
    for table, info in counts.items():
        if table in SHRINK_EXEMPT_TABLES:
            continue
        before = (previous.get("tables", {}).get(table) or {}).get("rows")
        after = info["rows"]
        if isinstance(before, int) and before > 0 and after < before * (1 - max_pct / 100):
            out.append(Shrink(table, before, after))
    return out


def shrink_message(shrunk: list[Shrink], previous: dict, max_pct: float) -> str:
    lines = [f"  marts.{s.table}: {s.before:,} -> {s.after:,} rows (-{s.pct:.1f} %)" for s in shrunk]
    return (
        f"refusing to publish: {len(shrunk)} published table(s) would shrink by more than {max_pct:g} % "
        f"against the current publication (build {previous.get('build_id')}, finished "
        f"{previous.get('finished_at')}):\n"
        + "\n".join(lines)
        + "\nThe usual cause is a missing or partial delivery: check the landing report "
        f"({zone.latest_report(Path('<landing>'))}) and `boernedata status`, deliver what is missing and "
        "build again. If the drop is right (e.g. data withdrawn on purpose), build again with "
        f"--allow-shrink; the limit is --max-shrink PCT or ${settings.ENV_MAX_TABLE_SHRINK}."
    )


def withheld_cells(con) -> dict[str, dict]:
    """Per table of WITHHELD_TABLES in schema marts of `con`: cells, withheld cells and their reasons."""
    out: dict[str, dict] = {}
    for table in WITHHELD_TABLES:
        has_column = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'marts' AND table_name = ? AND column_name = ?",
            [table, REASON_COLUMN],
        ).fetchone()[0]
        if not has_column:
            out[table] = {"available": False, "reason": f"no {REASON_COLUMN} column"}
            continue
        rows = con.execute(
            f"SELECT {REASON_COLUMN}, count(*) FROM marts.{table} GROUP BY ALL ORDER BY 1 NULLS FIRST"
        ).fetchall()
        by_reason = {str(r): n for r, n in rows if r is not None}
        out[table] = {
            "available": True,
            "cells": sum(n for _, n in rows),
            "withheld": sum(by_reason.values()),
            "by_reason": by_reason,
        }
    return out
