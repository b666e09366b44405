"""The DuckDB resources of a build (profiles.yml, dev target) survive a query that spills to disk.

dbt-duckdb applies a profile's `settings` with SET on every cursor it opens (one per node), and DuckDB
refuses to set `temp_directory` again once a query has spilled there: a national-scale build failed in
every node after the first spill. The resources are therefore `config_options`, given once when the
database is opened. This test opens the warehouse exactly as dbt-duckdb does, from the real profile, with
a memory limit small enough that a sort spills, then opens the next node's cursor.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import yaml
from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.environments import Environment

ROOT = Path(__file__).resolve().parent.parent


def dev_output(env: dict[str, str]) -> dict:
    """profiles.yml's dev output, rendered with `env` as dbt renders env_var()."""

    def env_var(name: str, default: str | None = None) -> str:
        return env.get(name, os.environ.get(name, default))

    text = jinja2.Template((ROOT / "profiles.yml").read_text()).render(env_var=env_var)
    return yaml.safe_load(text)["boernedata"]["outputs"]["dev"]


def test_a_spilled_query_does_not_break_the_next_node(tmp_path: Path):
    warehouse = tmp_path / "boernedata.duckdb"
    spill = tmp_path / "spill"
    out = dev_output({
        "BOERNEDATA_WAREHOUSE": str(warehouse),
        "BOERNEDATA_MEMORY_LIMIT": "64MB",
        "BOERNEDATA_TEMP_DIR": str(spill),
    })  # fmt: skip
    creds = DuckDBCredentials(
        path=out["path"], settings=out.get("settings"), config_options=out.get("config_options")
    )
    db = Environment.initialize_db(creds)
    try:
        first = Environment.initialize_cursor(creds, db.cursor())
        first.execute("create table t as select i, md5(cast(i as varchar)) as s from range(2000000) r(i)")
        first.execute("select s from t order by s").fetchall()
        assert spill.is_dir(), "the sort did not spill, so the test proves nothing"
        following = Environment.initialize_cursor(creds, db.cursor())  # the next node's cursor
        assert following.execute("select current_setting('temp_directory')").fetchone()[0] == str(spill)
        assert following.execute("select current_setting('memory_limit')").fetchone()[0] == "61.0 MiB"
    finally:
        db.close()
