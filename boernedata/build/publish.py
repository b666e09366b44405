"""Writing a release: the published interface copied from the internal warehouse into a new release
folder, then made complete and visible.

The published interface is the tables of PUBLISHED_TABLES in schema `marts`, nothing else (README,
"Connect a BI tool"; their columns are the enforced contracts of models/marts/published/). A release is
written under a `.partial` name, gets its manifest (manifest.py), is flushed to disk and renamed; only
then does releases.swap_published make it the publication. Where everything lives: releases.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from boernedata.build import checks
from boernedata.build.errors import BuildError
from boernedata.releases import PARTIAL_SUFFIX, PUBLISHED_DB, Paths, fsync_dir, fsync_tree

PUBLISHED_SCHEMA = "marts"
PUBLISHED_TABLES: tuple[str, ...] = (
    "institutions",
    "indicator_catalogue",
    "institution_indicators",
    "institution_indicators_labelled",
    "municipality_indicators",
    "institution_observations",
    "data_year_wheel",
    "absence_risk_factors",
    "institution_watch_list",
    # planning (issue 24, docs/planning.md)
    "capacity_by_district",
    "capacity_forecast",
    "property_by_institution",
    "transitions",
    "transition_outcomes",
    "institution_day_profile",
    "institution_day_summary",
)
# Built by a dbt Python model, which runs on DuckDB only: absent from the marts schema of the other
# engines (docs/engines.md).
DUCKDB_ONLY_TABLES: tuple[str, ...] = ("absence_risk_factors",)


def new_release(paths: Paths, build_id: str) -> Path:
    release = paths.releases / f"{build_id}{PARTIAL_SUFFIX}"
    release.mkdir(parents=True)
    return release


def copy_published_interface(internal: Path, release: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """Copy the published tables (and their dbt descriptions) from the internal file into the release;
    return their row counts and their withheld cells."""
    import duckdb

    con = duckdb.connect(str(release / PUBLISHED_DB))
    try:
        con.execute(f"ATTACH {_sql_string(str(internal))} AS internal (READ_ONLY)")
        present = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'internal' AND schema_name = ? "
                "UNION ALL SELECT view_name FROM duckdb_views() "
                "WHERE database_name = 'internal' AND schema_name = ?",
                [PUBLISHED_SCHEMA, PUBLISHED_SCHEMA],
            ).fetchall()
        }
        missing = [t for t in PUBLISHED_TABLES if t not in present]
        if missing:
            raise BuildError(
                f"the internal warehouse has no {', '.join(f'{PUBLISHED_SCHEMA}.{t}' for t in missing)}: "
                'every table of the published interface (README, "Connect a BI tool") must be built by the '
                "dbt project. "
                "Nothing was published."
            )
        con.execute(f"CREATE SCHEMA {PUBLISHED_SCHEMA}")
        counts: dict[str, dict] = {}
        for table in PUBLISHED_TABLES:
            qualified = f"{PUBLISHED_SCHEMA}.{table}"
            # In a fixed row order (every column, left to right: the key columns come first), so the same
            # data give byte-identical Parquet files, and an institution's rows sit together for BI queries.
            con.execute(f"CREATE TABLE {qualified} AS SELECT * FROM internal.{qualified} ORDER BY ALL")
            _copy_comments(con, table)
            folder = release / table
            folder.mkdir()
            parquet = folder / f"{table}.parquet"
            con.execute(f"COPY {qualified} TO {_sql_string(str(parquet))} (FORMAT parquet, COMPRESSION zstd)")
            rows = con.execute(f"SELECT count(*) FROM {qualified}").fetchone()[0]
            columns = con.execute(
                "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
                "AND schema_name = ? AND table_name = ?",
                [PUBLISHED_SCHEMA, table],
            ).fetchone()[0]
            counts[table] = {"rows": rows, "columns": columns, "parquet": f"{table}/{parquet.name}"}
        con.execute("DETACH internal")
        withheld = checks.withheld_cells(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts, withheld


def _copy_comments(con, table: str) -> None:
    """dbt's persist_docs wrote the model descriptions as comments; BI tools show them, so keep them."""
    row = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = 'internal' AND schema_name = ? "
        "AND table_name = ?",
        [PUBLISHED_SCHEMA, table],
    ).fetchone()
    qualified = f"{PUBLISHED_SCHEMA}.{table}"
    if row and row[0]:
        con.execute(f"COMMENT ON TABLE {qualified} IS {_sql_string(row[0])}")
    for column, comment in con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'internal' "
        "AND schema_name = ? AND table_name = ? AND comment IS NOT NULL AND comment <> ''",
        [PUBLISHED_SCHEMA, table],
    ).fetchall():
        con.execute(f'COMMENT ON COLUMN {qualified}."{column}" IS {_sql_string(comment)}')


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def finish_release(release: Path) -> Path:
    """Flush the release to disk, then give it its final name; the release's path. A power cut must not
    publish empty files."""
    fsync_tree(release)
    final = release.with_name(release.name.removesuffix(PARTIAL_SUFFIX))
    os.rename(release, final)
    fsync_dir(final.parent)
    return final
