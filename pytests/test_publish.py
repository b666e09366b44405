"""`boernedata build` publishes safely (GitHub issue 7): readers never fail, a failed or killed build
publishes nothing, two builds cannot run at once, and the publication holds the published interface only.

The tests build a small fixture dbt project (six trivial `marts` tables, a staging view, a `restricted`
table, a non-interface `marts` table and a data test) through the real `build()` code path, so they do not
depend on the state of the real models and stay fast. `institution_indicators.marker` is set with
`--vars` to tell builds apart.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from boernedata import build as b
from boernedata import settings

pytestmark = pytest.mark.slow

FIXTURE_FILES = {
    "dbt_project.yml": """
        name: boernedata
        version: "0.1.0"
        config-version: 2
        profile: boernedata
        model-paths: ["models"]
        test-paths: ["tests"]
        macro-paths: ["macros"]
        models:
          boernedata:
            +persist_docs: { relation: true, columns: true }
            staging:
              +schema: staging
              +materialized: view
            marts:
              +materialized: table
              published:
                +schema: marts
              restricted:
                +schema: restricted
        """,
    "macros/generate_schema_name.sql": """
        {% macro generate_schema_name(custom_schema_name, node) -%}
            {%- if custom_schema_name is none -%}{{ target.schema }}
            {%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
        {%- endmacro %}
        """,
    "models/staging/stg_children.sql": "select 1 as child_id, 'a1b2' as pseudonym, "
    "date '2018-05-01' as birth_date",
    "models/marts/restricted/child_absence.sql": "select child_id, pseudonym, 3.5 as absence_pct "
    "from {{ ref('stg_children') }}",
    "models/marts/published/institutions.sql": "select 'I001' as institution_id, 'Solsikken' as name, "
    "'boernehave' as institution_type, 'dagtilbud' as sector, true as is_current",
    "models/marts/published/indicator_catalogue.sql": "select 'dt_attendance_pct' as indicator_code, "
    "'Fremmøde' as name_da, 'Attendance' as name_en",
    "models/marts/published/institution_indicators.sql": "select 'I001' as institution_id, "
    "'dt_attendance_pct' as indicator_code, '2025-H1' as period_id, 91.5 as value, "
    "{{ var('marker', 1) }} as marker from {{ ref('child_absence') }}",
    "models/marts/published/municipality_indicators.sql": "select 'kommune' as scope, "
    "'dt_attendance_pct' as indicator_code, 90.1 as value",
    "models/marts/published/institution_observations.sql": "select 'I001' as institution_id, "
    "'2025-H1' as period_id, 'leg' as theme, 4 as score",
    "models/marts/published/data_year_wheel.sql": "select 'aula/trivsel' as source_extract, "
    "'survey' as data_kind, '1,2,3' as months_available",
    # In schema marts but not part of the published interface: must not be published either.
    "models/marts/published/helper_not_in_interface.sql": "select 1 as x",
    "models/marts/published/_models.yml": """
        version: 2
        models:
          - name: institution_indicators
            description: One row per institution, indicator and period.
            columns:
              - name: institution_id
                description: The institution.
                data_tests: [not_null]
        """,
    # Lets a test catch a build mid-run: with BOERNEDATA_TEST_PAUSE_FLAG set, dbt writes that file and
    # sleeps inside this model (dbt-duckdb runs Python models in the dbt process).
    "models/staging/zz_pause.py": """
        import os
        import time


        def model(dbt, session):
            flag = os.environ.get("BOERNEDATA_TEST_PAUSE_FLAG")
            if flag:
                open(flag, "w").close()
                time.sleep(60)
            return session.sql("select 1 as paused")
        """,
}

READER = """
import json, os, sys, time
import duckdb

db, stop, out, mode = sys.argv[1:5]
ok, failures, seen = 0, [], []
con = duckdb.connect(db, read_only=True) if mode == "persistent" else None
ready = out + ".ready"
while not os.path.exists(stop):
    try:
        c = con or duckdb.connect(db, read_only=True)
        marker = c.execute("select max(marker) from marts.institution_indicators").fetchone()[0]
        if con is None:
            c.close()
        ok += 1
        if not seen or seen[-1] != marker:
            seen.append(marker)
        if ok == 1:
            open(ready, "w").close()
    except Exception as exc:
        failures.append(repr(exc)[:300])
    time.sleep(0.01)
with open(out, "w") as f:
    json.dump({"ok": ok, "failures": failures, "seen": seen}, f)
"""


def make_project(root: Path, *, drop: tuple[str, ...] = (), extra: dict[str, str] | None = None) -> Path:
    """Write the fixture dbt project under root; the profile is the repository's own profiles.yml."""
    files = {k: v for k, v in FIXTURE_FILES.items() if k not in drop} | (extra or {})
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), "utf-8")
    (root / "tests").mkdir(exist_ok=True)
    (root / "profiles.yml").write_text((settings.PROJECT_DIR / "profiles.yml").read_text("utf-8"), "utf-8")
    return root


def make_landing(root: Path) -> Path:
    ledger = root / "_ledger"
    ledger.mkdir(parents=True)
    # The ledger's format: boernedata/landing/ledger.py (one JSON line per delivered file and run).
    (ledger / "deliveries.jsonl").write_text(
        '{"file": "kbhbarn/a.csv", "status": "landed", "landed_at": "2026-11-20T06:00:00Z", "run_id": "r1"}\n'
        '{"file": "aula/b.csv", "status": "replaced", "landed_at": "2026-11-21T06:30:00Z", "run_id": "r2"}\n'
        '{"file": "aula/c.csv", "status": "rejected", "landed_at": "2026-11-22T06:30:00Z", "run_id": "r3"}\n',
        "utf-8",
    )
    return root


@pytest.fixture
def env(tmp_path: Path) -> dict[str, Path]:
    return {
        "project": make_project(tmp_path / "project"),
        "landing": make_landing(tmp_path / "landing"),
        "warehouse": tmp_path / "warehouse" / "boernedata.duckdb",
        "tmp": tmp_path,
    }


def run_build(env: dict[str, Path], *dbt_args: str, project: Path | None = None) -> int:
    return b.build(env["landing"], env["warehouse"], list(dbt_args), project_dir=project or env["project"])


def spawn_build(env: dict[str, Path], *dbt_args: str, extra_env: dict[str, str] | None = None):
    """A build in its own process group (as a shell or scheduler would start it)."""
    code = (
        "import sys; from pathlib import Path; from boernedata.build import build; "
        "sys.exit(build(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[4:], project_dir=Path(sys.argv[3])))"
    )
    argv = [sys.executable, "-c", code, str(env["landing"]), str(env["warehouse"]), str(env["project"])]
    return subprocess.Popen(
        [*argv, *dbt_args],
        env=os.environ | (extra_env or {}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def published_db(env: dict[str, Path]) -> Path:
    return env["warehouse"].parent / "published" / "boernedata.duckdb"


def published_marker(env: dict[str, Path]) -> int:
    with duckdb.connect(str(published_db(env)), read_only=True) as con:
        return con.execute("select max(marker) from marts.institution_indicators").fetchone()[0]


def wait_for(path: Path, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process ended before {path.name} appeared:\n{proc.stdout.read()}")
        assert time.monotonic() < deadline, f"timed out waiting for {path}"
        time.sleep(0.05)


# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """One successful build shared by the read-only checks below."""
    tmp = tmp_path_factory.mktemp("built")
    env = {
        "project": make_project(tmp / "project"),
        "landing": make_landing(tmp / "landing"),
        "warehouse": tmp / "warehouse" / "boernedata.duckdb",
        "tmp": tmp,
    }
    assert run_build(env, "--vars", "{marker: 7}") == 0
    return env


def test_published_file_holds_only_the_published_interface(built):
    with duckdb.connect(str(published_db(built)), read_only=True) as con:
        relations = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
            "union all select schema_name, view_name from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall()
        schemas = {
            s
            for (s,) in con.execute(
                "select schema_name from duckdb_schemas() where database_name = current_database() "
                "and not internal"
            ).fetchall()
        }
        comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'institution_indicators'"
        ).fetchone()[0]
    assert sorted(relations) == sorted(("marts", t) for t in b.PUBLISHED_TABLES)
    assert schemas <= {"marts", "main"}  # `main` always exists in DuckDB, and is empty here
    assert comment == "One row per institution, indicator and period."  # dbt descriptions travel along

    # The internal file does hold child-level and helper relations: the exclusion is real.
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        internal = set(con.execute("select schema_name || '.' || table_name from duckdb_tables()").fetchall())
    assert ("restricted.child_absence",) in internal and ("marts.helper_not_in_interface",) in internal

    folder = published_db(built).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*b.PUBLISHED_TABLES, "boernedata.duckdb", "manifest.json"]
    )
    parquet = folder / "institution_indicators" / "institution_indicators.parquet"
    assert duckdb.sql(f"select max(marker) from '{parquet}'").fetchone()[0] == 7


def test_layout_and_manifest(built, capsys):
    published = built["warehouse"].parent / "published"
    assert published.is_symlink() and not os.path.isabs(os.readlink(published))
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["tables"]["institution_indicators"]["rows"] == 1
    assert set(manifest["tables"]) == set(b.PUBLISHED_TABLES)
    assert manifest["dbt"]["summary"]["model"] == {"success": 10}
    assert manifest["dbt"]["summary"]["test"] == {"pass": 1}
    assert manifest["dbt"]["args"] == ["--vars", "{marker: 7}"]
    assert (
        manifest["landing"]["ledger"]["latest_delivery_at"] == "2026-11-21T06:30:00Z"
    )  # rejected: not landed
    assert manifest["landing"]["ledger"]["latest_run_id"] == "r2"
    assert len(manifest["landing"]["ledger"]["sha256"]) == 64
    assert {"boernedata", "dbt-core", "dbt-duckdb", "duckdb"} <= set(manifest["versions"])
    # dbt's artifacts live beside this warehouse, not in the (shared) project folder.
    assert (built["warehouse"].parent / ".dbt" / "target" / "run_results.json").exists()
    assert not (built["project"] / "target").exists()

    assert b.status(built["warehouse"]) == 0
    out = capsys.readouterr().out
    assert manifest["build_id"] in out and "institution_indicators" in out and "1 pass" in out


def test_failing_data_test_publishes_nothing(built, tmp_path, capsys):
    before = json.loads((built["warehouse"].parent / "published" / "manifest.json").read_text())
    releases = sorted((built["warehouse"].parent / ".releases").iterdir())
    failing = make_project(tmp_path / "failing", extra={"tests/zz_always_fails.sql": "select 1 as failure"})

    assert run_build(built, "--vars", "{marker: 8}", project=failing) != 0
    err = capsys.readouterr().err
    assert "data test zz_always_fails failed: 1 rows" in err
    assert "nothing was published" in err
    assert f"previous publication from {before['finished_at']}" in err and "still in place" in err
    after = json.loads((built["warehouse"].parent / "published" / "manifest.json").read_text())
    assert after["build_id"] == before["build_id"]
    assert sorted((built["warehouse"].parent / ".releases").iterdir()) == releases
    assert published_marker(built) == 7


def test_missing_interface_table_is_a_failure(env, capsys):
    env["project"] = make_project(
        env["tmp"] / "incomplete", drop=("models/marts/published/data_year_wheel.sql",)
    )
    assert run_build(env) != 0
    err = capsys.readouterr().err
    assert "marts.data_year_wheel" in err and "Nothing was published" in err
    assert not (env["warehouse"].parent / "published").exists()
    assert not any((env["warehouse"].parent / ".releases").iterdir())


def test_readers_never_fail_during_a_build_and_then_see_the_new_one(env):
    assert run_build(env, "--vars", "{marker: 1}") == 0
    reader = env["tmp"] / "reader.py"
    reader.write_text(READER)
    stop = env["tmp"] / "stop"
    readers = {}
    for mode in ("loop", "persistent"):  # reconnect on every query / keep one connection open
        out = env["tmp"] / f"{mode}.json"
        readers[mode] = (
            subprocess.Popen(
                [sys.executable, str(reader), str(published_db(env)), str(stop), str(out), mode]
            ),
            out,
        )
        wait_for(Path(str(out) + ".ready"), 30, readers[mode][0])

    assert run_build(env, "--vars", "{marker: 2}") == 0
    time.sleep(1.0)  # let the looping reader query the new publication a few times
    stop.touch()
    results = {}
    for mode, (proc, out) in readers.items():
        assert proc.wait(timeout=30) == 0
        results[mode] = json.loads(out.read_text())

    assert results["loop"]["failures"] == [] and results["loop"]["ok"] > 20
    assert results["loop"]["seen"] == [1, 2]  # old build until the swap, the new one after it
    assert results["persistent"]["failures"] == []
    assert results["persistent"]["seen"] == [1]  # an open connection keeps the file it opened
    assert published_marker(env) == 2


@pytest.mark.parametrize("kill", ["process group", "build process only"])
def test_killed_build_leaves_the_publication_and_the_next_build_succeeds(env, capsys, kill):
    assert run_build(env, "--vars", "{marker: 1}") == 0
    first = json.loads((env["warehouse"].parent / "published" / "manifest.json").read_text())

    flag = env["tmp"] / "paused"
    proc = spawn_build(env, "--vars", "{marker: 2}", extra_env={"BOERNEDATA_TEST_PAUSE_FLAG": str(flag)})
    try:
        wait_for(flag, 60, proc)  # dbt is now in the middle of its run, holding the internal file

        # A second build at the same time is refused, naming the running one.
        assert run_build(env, "--vars", "{marker: 9}") == 3
        err = capsys.readouterr().err
        assert f"another build is running (pid {proc.pid}" in err

        if kill == "process group":
            os.killpg(proc.pid, signal.SIGKILL)  # the build and dbt with it
        else:
            os.kill(proc.pid, signal.SIGKILL)  # dbt must not outlive it (it would hold the internal file)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    proc.stdout.close()

    assert published_marker(env) == 1  # the publication still opens and holds the previous data
    assert json.loads((env["warehouse"].parent / "published" / "manifest.json").read_text()) == first
    assert b.status(env["warehouse"]) == 0
    assert "did not finish" in capsys.readouterr().out

    # dbt died with the build (no leftover writer on the internal file), the lock went with it.
    assert run_build(env, "--vars", "{marker: 3}") == 0
    assert "did not finish" in capsys.readouterr().out
    assert published_marker(env) == 3
    assert not list((env["warehouse"].parent / ".releases").glob("*.partial"))


# --- no dbt needed --------------------------------------------------------------------------------


def test_missing_landing_folder_says_run_land_first(tmp_path, capsys):
    rc = b.build(tmp_path / "nowhere", tmp_path / "wh" / "boernedata.duckdb", [], project_dir=tmp_path)
    assert rc != 0
    assert "run `boernedata land" in capsys.readouterr().err.lower()


def test_status_before_any_publication(tmp_path, capsys):
    assert b.status(tmp_path / "boernedata.duckdb") == 1
    assert "nothing has been published" in capsys.readouterr().err


def test_swap_replaces_an_old_style_published_folder_and_prunes(tmp_path):
    paths = b.Paths.of(tmp_path / "boernedata.duckdb")
    paths.published.mkdir()
    (paths.published / "boernedata.duckdb").write_text("old layout")
    for i in range(5):
        release = paths.releases / f"2026010{i}T000000000000Z-1"
        release.mkdir(parents=True)
        b._swap_published(paths, release)
    (paths.releases / "20260109T000000000000Z-2.partial").mkdir()
    b._prune_releases(paths)

    assert paths.published.is_symlink()
    assert paths.published.resolve() == (paths.releases / "20260104T000000000000Z-1").resolve()
    kept = sorted(p.name for p in paths.releases.iterdir())
    assert kept == [f"2026010{i}T000000000000Z-1" for i in (2, 3, 4)]  # legacy folder pruned as oldest


def test_second_lock_is_refused_and_released_on_close(tmp_path):
    lock = b.BuildLock.acquire(tmp_path / ".build.lock")
    with pytest.raises(b.BuildError, match=rf"another build is running \(pid {os.getpid()}"):
        b.BuildLock.acquire(tmp_path / ".build.lock")
    lock.release()
    again = b.BuildLock.acquire(tmp_path / ".build.lock")
    assert again.previous is None  # a clean exit leaves no record of an unfinished build
    again.release()


def test_build_waits_for_no_landing_run(env, capsys):
    from filelock import FileLock

    with FileLock(env["landing"] / "_ledger" / ".land.lock"):  # as `boernedata land` holds it
        assert run_build(env) != 0
    assert "a landing run (`boernedata land`) is writing" in capsys.readouterr().err
    assert not (env["warehouse"].parent / "published").exists()
