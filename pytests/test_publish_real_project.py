"""The real dbt project builds and publishes the published interface, and nothing else (issue 7).

Builds a copy of the repository's dbt project (so concurrent work in the tree and its target/ folder are
not touched) on an empty landing zone, every extract allowed to be empty (`--allow-empty`): `build()`
gives every source a zero-row schema file, so this checks the wiring of models, tests and publishing, not
the numbers.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from boernedata import build as b
from boernedata import releases as r
from boernedata import settings
from boernedata.build import unit_tests
from boernedata.build.publish import PUBLISHED_TABLES
from boernedata.contracts import EXTRACTS

pytestmark = pytest.mark.slow

PROJECT_ITEMS = (
    "dbt_project.yml",
    "profiles.yml",
    "macros",
    "seeds",
    "snapshots",
    "tests",
    "models",
    "analyses",
    "docs",
)


@pytest.mark.skipif(
    not (settings.PROJECT_DIR / "models" / "marts" / "published").is_dir(),
    reason="the real marts (models/marts/published/) do not exist yet",
)
def test_real_project_publishes_only_the_interface(tmp_path: Path, capsys):
    project = tmp_path / "project"
    project.mkdir()
    for item in PROJECT_ITEMS:
        src = settings.PROJECT_DIR / item
        if src.is_dir():
            shutil.copytree(src, project / item)
        elif src.exists():
            shutil.copy2(src, project / item)
    landing = tmp_path / "landing"
    landing.mkdir()
    warehouse = tmp_path / "warehouse" / "boernedata.duckdb"

    # An empty landing is refused unless every extract is declared as not delivered (what this test wants)
    assert b.build(landing, warehouse, [], project_dir=project) == 1
    assert "holds no landed rows at all" in capsys.readouterr().err
    every_extract = tuple(ex.key for ex in EXTRACTS)
    # the unit tests (fixtures, not landed data) run in the session's tiny build; left out here
    rc = b.build(
        landing,
        warehouse,
        unit_tests.dbt_arguments(skip=True),
        project_dir=project,
        checks=b.Checks(allow_empty=every_extract),
    )
    assert rc == 0, capsys.readouterr().err

    published = r.Paths.of(warehouse).published
    with duckdb.connect(str(r.published_db(warehouse)), read_only=True) as con:
        relations = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
            "union all select schema_name, view_name from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall()
    assert sorted(relations) == sorted(("marts", t) for t in PUBLISHED_TABLES)
    assert sorted(p.name for p in published.iterdir()) == sorted(
        [*PUBLISHED_TABLES, r.PUBLISHED_DB, r.MANIFEST]
    )
