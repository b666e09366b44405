"""Reproducible numbers: the same landing state publishes byte-identical Parquet files and identical values
in the published DuckDB file, whatever the thread count (docs/publication_rules.md, "Reproducible numbers").

The session's tiny build ran with every core and dbt's 2 threads; this builds the same landing folder again
with one DuckDB thread and one dbt thread, and compares.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from boernedata import settings
from boernedata.build import unit_tests

pytestmark = pytest.mark.slow


def test_same_landing_state_same_bytes_whatever_the_thread_count(tiny_pipeline, tmp_path: Path):
    warehouse = tmp_path / "warehouse" / "boernedata.duckdb"
    env = {**tiny_pipeline.env, settings.ENV_THREADS: "1", settings.ENV_WAREHOUSE: str(warehouse)}
    # the unit tests ran in the session's build; at one thread they would double this test's time
    dbt_args = ["--threads", "1", *unit_tests.dbt_arguments(skip=True)]
    proc = run_cli(env, "build", "--landing", str(tiny_pipeline.landing), "--", *dbt_args)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    first, second = tiny_pipeline.published, warehouse.parent / "published"
    tables = sorted(p.name for p in first.iterdir() if p.is_dir())
    assert tables and tables == sorted(p.name for p in second.iterdir() if p.is_dir())
    for table in tables:
        a, b = (folder / table / f"{table}.parquet" for folder in (first, second))
        assert a.read_bytes() == b.read_bytes(), f"{table}.parquet differs between 2 threads and 1"

    compare = [sys.executable, str(settings.PROJECT_DIR / "scripts" / "compare_published.py")]
    result = subprocess.run(
        [*compare, str(first / "boernedata.duckdb"), str(second / "boernedata.duckdb")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
