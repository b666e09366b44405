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
from boernedata import landing_zone as zone
from boernedata import releases as r
from boernedata import settings
from boernedata.build import dbt_runner
from boernedata.build.lock import BuildLock
from boernedata.build.manifest import format_releases, status
from boernedata.build.publish import PUBLISHED_TABLES
from boernedata.build.rollback import rollback
from boernedata.contracts import EXTRACTS, PERSONS_SCHEMA, landed_schema

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
    # `rows` rows (var), some withheld: row i is n_lt_5 when i % 5 = 1, complementary when i % 5 = 2.
    "models/marts/published/institution_indicators.sql": "select 'I001' as institution_id, "
    "'dt_attendance_pct' as indicator_code, '2025-H1' as period_id, 91.5 as value, "
    "case r.range % 5 when 1 then 'n_lt_5' when 2 then 'complementary' end as suppression_reason, "
    "{{ var('marker', 1) }} as marker "
    "from {{ ref('child_absence') }} cross join range({{ var('rows', 1) }}) r",
    "models/marts/published/institution_indicators_labelled.sql": "select 'I001' as institution_id, "
    "'Solsikken' as institution_name",
    "models/marts/published/municipality_indicators.sql": "select 'kommune' as scope, "
    "'dt_attendance_pct' as indicator_code, 90.1 as value",
    "models/marts/published/institution_observations.sql": "select 'I001' as institution_id, "
    "'2025-H1' as period_id, 'leg' as theme, 4 as score",
    "models/marts/published/data_year_wheel.sql": "select 'aula/trivsel' as source_extract, "
    "'survey' as data_kind, '1,2,3' as months_available",
    "models/marts/published/absence_risk_factors.sql": "select 'parents_apart' as factor, 1.6 as rate_ratio",
    "models/marts/published/institution_watch_list.sql": "select 'I001' as institution_id, "
    "'dagtilbud' as sector, '2025-H1' as period_id, 3.5 as watch_score",
    # the planning marts (issue 24)
    "models/marts/published/capacity_by_district.sql": "select 'Nord' as district, "
    "'vuggestue' as institution_type",
    "models/marts/published/capacity_forecast.sql": "select 'Nord' as district, "
    "'0-2' as age_band, 2027 as year",
    "models/marts/published/property_by_institution.sql": "select 'I001' as institution_id, 2025 as year",
    "models/marts/published/transitions.sql": "select 'I001' as from_institution_id, 'S001' as to_school_id",
    "models/marts/published/transition_outcomes.sql": "select 'I001' as from_institution_id, "
    "2025 as school_start_year",
    # staffing by the hour (issue 24)
    "models/marts/published/institution_day_profile.sql": "select 'I001' as institution_id, "
    "'2025-H1' as period_id, 1 as weekday",
    "models/marts/published/institution_day_summary.sql": "select 'I001' as institution_id, "
    "'2025-H1' as period_id",
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


def make_landing(root: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """A landing folder whose every extract (but `skip`) has a landed row of its landed columns (all
    NULL), and a ledger. The fixture dbt project reads none of it: the rows are there for the build's
    checks that every source has rows and every file the columns this version lands."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for ex in EXTRACTS:
        if ex.key not in skip:
            zone.landed_dir(root, ex).mkdir(parents=True)
            schema = landed_schema(ex)
            row = pa.table(
                {f.name: pa.nulls(1, f.type) for f in schema},
                schema=pa.schema([f.with_nullable(True) for f in schema]),
            )
            pq.write_table(row, zone.landed_file(root, ex, "2025-01"))
    ledger = zone.ledger_file(root)
    ledger.parent.mkdir(parents=True, exist_ok=True)
    # The ledger's format: boernedata/landing/ledger.py (one JSON line per delivered file and run).
    ledger.write_text(
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


def run_build(
    env: dict[str, Path], *dbt_args: str, project: Path | None = None, landing: Path | None = None, **checks
) -> int:
    return b.build(
        landing or env["landing"],
        env["warehouse"],
        list(dbt_args),
        project_dir=project or env["project"],
        checks=b.Checks(**checks),
    )


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
    return r.published_db(env["warehouse"])


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
    assert sorted(relations) == sorted(("marts", t) for t in PUBLISHED_TABLES)
    assert schemas <= {"marts", "main"}  # `main` always exists in DuckDB, and is empty here
    assert comment == "One row per institution, indicator and period."  # dbt descriptions travel along

    # The internal file does hold child-level and helper relations: the exclusion is real.
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        internal = set(con.execute("select schema_name || '.' || table_name from duckdb_tables()").fetchall())
    assert ("restricted.child_absence",) in internal and ("marts.helper_not_in_interface",) in internal

    folder = published_db(built).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted([*PUBLISHED_TABLES, r.PUBLISHED_DB, r.MANIFEST])
    parquet = folder / "institution_indicators" / "institution_indicators.parquet"
    assert duckdb.sql(f"select max(marker) from '{parquet}'").fetchone()[0] == 7


def test_layout_and_manifest(built, capsys):
    published = r.Paths.of(built["warehouse"]).published
    assert published.is_symlink() and not os.path.isabs(os.readlink(published))
    manifest = json.loads((published / r.MANIFEST).read_text())
    assert manifest["tables"]["institution_indicators"]["rows"] == 1
    assert set(manifest["tables"]) == set(PUBLISHED_TABLES)
    # the published tables, plus stg_children, child_absence, helper_not_in_interface and zz_pause
    assert manifest["dbt"]["summary"]["model"] == {"success": len(PUBLISHED_TABLES) + 4}
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

    assert status(built["warehouse"]) == 0
    out = capsys.readouterr().out
    assert manifest["build_id"] in out and "institution_indicators" in out and "1 pass" in out


def test_failing_data_test_publishes_nothing(built, tmp_path, capsys):
    before = json.loads((r.Paths.of(built["warehouse"]).published / r.MANIFEST).read_text())
    releases = sorted(r.Paths.of(built["warehouse"]).releases.iterdir())
    failing = make_project(tmp_path / "failing", extra={"tests/zz_always_fails.sql": "select 1 as failure"})

    assert run_build(built, "--vars", "{marker: 8}", project=failing) != 0
    err = capsys.readouterr().err
    assert "data test zz_always_fails failed: 1 rows" in err
    assert "nothing was published" in err
    assert f"previous publication from {before['finished_at']}" in err and "still in place" in err
    after = json.loads((r.Paths.of(built["warehouse"]).published / r.MANIFEST).read_text())
    assert after["build_id"] == before["build_id"]
    assert sorted(r.Paths.of(built["warehouse"]).releases.iterdir()) == releases
    assert published_marker(built) == 7


def test_a_model_changed_during_a_build_makes_the_next_build_full(env, monkeypatch, capsys):
    """The manifest records the code the build ran: hashed before dbt reads it, not after. A model edited
    while dbt runs (simulated after it, before the manifest is written) is not recorded as built."""
    run_dbt = dbt_runner.run_dbt

    def run_then_edit(*args, **kwargs):
        result = run_dbt(*args, **kwargs)
        model = env["project"] / "models" / "staging" / "stg_children.sql"
        model.write_text(model.read_text("utf-8") + "\n-- edited while the build ran\n", "utf-8")
        return result

    monkeypatch.setattr(dbt_runner, "run_dbt", run_then_edit)
    assert run_build(env) == 0
    monkeypatch.undo()
    capsys.readouterr()
    assert run_build(env) == 0
    out = capsys.readouterr().out
    assert "full refresh: the models, macros, seeds, snapshots or extract contracts changed" in out


def test_a_build_with_nothing_delivered_runs_no_dbt_and_keeps_the_publication(env, monkeypatch, capsys):
    """A night without deliveries: the same landing state and code would publish the same numbers, so the
    build runs no dbt and the publication stays. Not so when the caller gives dbt arguments, nor after a
    publication from a build given dbt arguments (it may have left models unbuilt)."""
    assert run_build(env) == 0
    published = r.Paths.of(env["warehouse"]).published
    first = json.loads((published / r.MANIFEST).read_text())["build_id"]
    calls = []
    run_dbt = dbt_runner.run_dbt
    monkeypatch.setattr(dbt_runner, "run_dbt", lambda *a, **k: calls.append(a) or run_dbt(*a, **k))
    capsys.readouterr()

    assert run_build(env) == 0
    assert f"nothing to build: build {first} was made from this landing state and this code" in (
        capsys.readouterr().out
    )
    assert not calls and json.loads((published / r.MANIFEST).read_text())["build_id"] == first

    assert run_build(env, "--vars", "{marker: 9}") == 0 and len(calls) == 1 and published_marker(env) == 9
    # the publication came from a build given dbt arguments: the next one runs dbt (and the default marker)
    assert run_build(env) == 0 and len(calls) == 2 and published_marker(env) == 1
    assert "nothing to build" not in capsys.readouterr().out


def test_missing_interface_table_is_a_failure(env, capsys):
    env["project"] = make_project(
        env["tmp"] / "incomplete", drop=("models/marts/published/data_year_wheel.sql",)
    )
    assert run_build(env) != 0
    err = capsys.readouterr().err
    assert "marts.data_year_wheel" in err and "Nothing was published" in err
    assert not r.Paths.of(env["warehouse"]).published.exists()
    assert not any(r.Paths.of(env["warehouse"]).releases.iterdir())


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
        wait_for(Path(str(out) + ".ready"), 60, readers[mode][0])

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
    first = json.loads((r.Paths.of(env["warehouse"]).published / r.MANIFEST).read_text())

    flag = env["tmp"] / "paused"
    proc = spawn_build(env, "--vars", "{marker: 2}", extra_env={"BOERNEDATA_TEST_PAUSE_FLAG": str(flag)})
    try:
        wait_for(flag, 180, proc)  # dbt is now in the middle of its run, holding the internal file

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
    assert json.loads((r.Paths.of(env["warehouse"]).published / r.MANIFEST).read_text()) == first
    assert status(env["warehouse"]) == 0
    assert "did not finish" in capsys.readouterr().out

    # dbt died with the build (no leftover writer on the internal file), the lock went with it.
    assert run_build(env, "--vars", "{marker: 3}") == 0
    assert "did not finish" in capsys.readouterr().out
    assert published_marker(env) == 3
    assert not list(r.Paths.of(env["warehouse"]).releases.glob(f"*{r.PARTIAL_SUFFIX}"))


# --- no dbt needed --------------------------------------------------------------------------------


def test_missing_landing_folder_says_run_land_first(tmp_path, capsys):
    rc = b.build(tmp_path / "nowhere", tmp_path / "wh" / "boernedata.duckdb", [], project_dir=tmp_path)
    assert rc != 0
    assert "run `boernedata land" in capsys.readouterr().err.lower()


def test_status_before_any_publication(tmp_path, capsys):
    assert status(tmp_path / "boernedata.duckdb") == 1
    assert "nothing has been published" in capsys.readouterr().err


def test_swap_replaces_an_old_style_published_folder_and_prunes(tmp_path):
    paths = r.Paths.of(tmp_path / "boernedata.duckdb")
    paths.published.mkdir()
    (paths.published / r.PUBLISHED_DB).write_text("old layout")
    for i in range(5):
        release = paths.releases / f"2026010{i}T000000000000Z-1"
        release.mkdir(parents=True)
        r.swap_published(paths, release)
    (paths.releases / f"20260109T000000000000Z-2{r.PARTIAL_SUFFIX}").mkdir()
    r.prune_releases(paths)

    assert paths.published.is_symlink()
    assert paths.published.resolve() == (paths.releases / "20260104T000000000000Z-1").resolve()
    kept = sorted(p.name for p in paths.releases.iterdir())
    assert kept == [f"2026010{i}T000000000000Z-1" for i in (2, 3, 4)]  # legacy folder pruned as oldest


def test_second_lock_is_refused_and_released_on_close(tmp_path):
    lock = BuildLock.acquire(tmp_path / ".build.lock")
    with pytest.raises(b.BuildError, match=rf"another build is running \(pid {os.getpid()}"):
        BuildLock.acquire(tmp_path / ".build.lock")
    lock.release()
    again = BuildLock.acquire(tmp_path / ".build.lock")
    assert again.previous is None  # a clean exit leaves no record of an unfinished build
    again.release()


def test_build_waits_for_no_landing_run(env, capsys):
    with zone.lock(env["landing"], timeout=0):  # as `boernedata land` holds it
        assert run_build(env) != 0
    assert "a landing run (`boernedata land`) is writing" in capsys.readouterr().err
    assert not r.Paths.of(env["warehouse"]).published.exists()


# --- publication checks, rollback, releases (issue 27.3) and withheld cells (issue 21.4) ---------------


def manifest_of(env: dict[str, Path]) -> dict:
    return json.loads((r.Paths.of(env["warehouse"]).published / r.MANIFEST).read_text())


def test_empty_landing_is_refused_before_dbt_and_the_publication_stays(built, capsys):
    """`build --landing <empty dir>` used to pass every test and publish zero rows over a good publication."""
    before = manifest_of(built)
    releases = sorted(r.Paths.of(built["warehouse"]).releases.iterdir())
    empty = built["tmp"] / "empty_landing"
    empty.mkdir(exist_ok=True)

    assert run_build(built, "--vars", "{marker: 8}", landing=empty) == 1
    out, err = capsys.readouterr()
    assert "refusing to publish" in err and "holds no landed rows at all" in err
    assert "boernedata land" in err and "still in place" in err
    assert "running dbt build" not in out  # refused from the Parquet footers, before dbt ran

    partial = make_landing(built["tmp"] / "partial_landing", skip=("aula/kommegaa",))
    assert run_build(built, "--vars", "{marker: 8}", landing=partial) == 1
    out, err = capsys.readouterr()
    assert "1 landed extract(s) have no rows: aula/kommegaa" in err and "--allow-empty aula/kommegaa" in err
    assert "running dbt build" not in out

    assert manifest_of(built)["build_id"] == before["build_id"]
    assert sorted(r.Paths.of(built["warehouse"]).releases.iterdir()) == releases
    assert published_marker(built) == 7


def test_landing_of_another_version_is_refused_before_dbt_and_the_publication_stays(built, capsys):
    """The sources read the landed files by column name (union_by_name): a file landed by another version
    without `registered_by` read as NULL there, passed every test and published check-ins without a single
    check-out for that month."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    before = manifest_of(built)
    landing = make_landing(built["tmp"] / "old_version_landing")
    events = zone.landed_file(landing, "kbhbarn/fremmoede", "2025-01")
    pq.write_table(pq.read_table(events).drop_columns(["registered_by"]), events)
    second = zone.landed_file(landing, "kbhbarn/fremmoede", "2025-02")
    pq.write_table(pq.read_table(events), second)  # the same old schema: told once, with a count
    register = zone.persons_dir(landing) / zone.REGISTER_FILE
    register.parent.mkdir(parents=True)
    retyped = pa.schema(
        [pa.field(f.name, pa.string() if f.name == "person_key" else f.type) for f in PERSONS_SCHEMA]
    )
    pq.write_table(retyped.empty_table(), register)
    staff = zone.landed_file(landing, "hr/personale", "2025-01")
    pq.write_table(pq.read_table(staff).append_column("grade", pa.array([None], pa.string())), staff)

    assert run_build(built, "--vars", "{marker: 8}", landing=landing) == 1
    out, err = capsys.readouterr()
    assert "refusing to build: 4 landed file(s)" in err and "do not have the columns this version" in err
    assert (
        "kbhbarn/fremmoede/2025-01.parquet and 1 more file(s) of kbhbarn/fremmoede: missing registered_by"
        in err
    )
    assert "_persons/persons.parquet: person_key is string, expected int64" in err
    assert "hr/personale/2025-01.parquet: unknown column(s) grade" in err
    assert "boernedata land --raw" in err and "still in place" in err
    assert "running dbt build" not in out  # refused from the Parquet footers, before dbt ran
    assert manifest_of(built)["build_id"] == before["build_id"]
    assert published_marker(built) == 7


def test_an_old_versions_schema_file_is_rewritten(tmp_path):
    """An extract with no delivery reads its zero-row `_schema.parquet`: one of another version's columns is
    replaced by this version's, which the models read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = zone.landed_dir(tmp_path, "aula/kommegaa")
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"x": pa.array([], pa.int64())}), folder / zone.EMPTY_SCHEMA_FILE)
    written = zone.write_schema_files(tmp_path)
    assert folder / zone.EMPTY_SCHEMA_FILE in written
    expected = landed_schema(next(ex for ex in EXTRACTS if ex.key == "aula/kommegaa"))
    assert pq.read_schema(folder / zone.EMPTY_SCHEMA_FILE).equals(expected, check_metadata=False)
    assert folder / zone.EMPTY_SCHEMA_FILE not in zone.write_schema_files(tmp_path)  # the same: left as is


def test_unknown_extract_in_allow_empty_is_a_usage_error(env, capsys):
    assert run_build(env, allow_empty=("aula/kommegå",)) == 2
    assert "no extract of the contracts" in capsys.readouterr().err
    assert not r.Paths.of(env["warehouse"]).published.exists()


def test_shrink_refused_unless_allowed_then_rollback_and_status(env, capsys):
    """A table that shrinks by more than 20 % is refused (before the swap) unless --allow-shrink; rollback
    restores the release the current one replaced, a second one finds none; after a rollback, a build is
    checked against the restored release and a rollback then skips the release rolled back from."""
    releases = r.Paths.of(env["warehouse"]).releases
    assert run_build(env, "--vars", "{marker: 1, rows: 10}") == 0
    first = manifest_of(env)
    assert first["previous_release"] is None
    assert first["withheld_cells"] == {
        "institution_indicators": {
            "available": True,
            "cells": 10,
            "withheld": 4,
            "by_reason": {"complementary": 2, "n_lt_5": 2},
        },
        "municipality_indicators": {"available": False, "reason": "no suppression_reason column"},
    }
    capsys.readouterr()

    # 10 -> 7 rows: 30 % fewer
    assert run_build(env, "--vars", "{marker: 2, rows: 7}") == 1
    err = capsys.readouterr().err
    assert "refusing to publish: 1 published table(s) would shrink by more than 20 %" in err
    assert "marts.institution_indicators: 10 -> 7 rows (-30.0 %)" in err and "--allow-shrink" in err
    assert published_marker(env) == 1 and manifest_of(env)["build_id"] == first["build_id"]
    assert sorted(p.name for p in releases.iterdir()) == [first["build_id"]]  # no partial left behind

    # on purpose, and an extract the municipality does not deliver
    no_kommegaa = make_landing(env["tmp"] / "landing_no_kommegaa", skip=("aula/kommegaa",))
    assert (
        run_build(
            env,
            "--vars",
            "{marker: 2, rows: 7}",
            landing=no_kommegaa,
            allow_shrink=True,
            allow_empty=("aula/kommegaa",),
        )
        == 0
    )
    second = manifest_of(env)
    assert published_marker(env) == 2 and second["previous_release"] == first["build_id"]
    assert second["checks"]["shrunk_tables"] == {"institution_indicators": {"before": 10, "after": 7}}
    assert second["checks"]["empty_extracts_allowed"] == ["aula/kommegaa"]

    assert status(env["warehouse"]) == 0
    out = capsys.readouterr().out
    assert "Withheld cells   institution_indicators 3 (complementary 1, n_lt_5 2) of 7; " in out
    assert "municipality_indicators not available (no suppression_reason column)" in out
    assert "Empty extracts   aula/kommegaa (allowed)" in out
    listed = [line.split() for line in out.splitlines() if line.startswith("  2")]  # the releases kept
    assert [(x[0], x[-1]) for x in listed] == [
        (second["build_id"], "current"),
        (first["build_id"], "previous"),
    ]
    assert "institution_indicators          7 rows  current" in out

    assert rollback(env["warehouse"]) == 0
    out = capsys.readouterr().out
    assert (
        f"restored release {first['build_id']} (built {first['finished_at']}, institution_indicators 10 rows)"
        in out
    )
    assert f"in place of release {second['build_id']}" in out
    assert published_marker(env) == 1
    assert rollback(env["warehouse"]) == 1  # the first release replaced none
    assert "there is no previous release to roll back to" in capsys.readouterr().err
    assert published_marker(env) == 1

    # after the rollback the shrink check compares with the restored release (10 rows), not the newest
    assert run_build(env, "--vars", "{marker: 3, rows: 7}") == 1
    assert "10 -> 7 rows" in capsys.readouterr().err
    assert run_build(env, "--vars", "{marker: 3, rows: 10}") == 0
    assert manifest_of(env)["previous_release"] == first["build_id"]
    assert second["build_id"] not in {p.name for p in releases.iterdir()}  # rolled back from: pruned
    assert rollback(env["warehouse"]) == 0
    assert published_marker(env) == 1  # the release before the build, not the one rolled back from


def fake_release(paths: r.Paths, name: str, previous: str | None, rows: int) -> Path:
    """A release folder as a build leaves it, without dbt: a manifest and a (placeholder) database file."""
    release = paths.releases / name
    release.mkdir(parents=True)
    (release / r.PUBLISHED_DB).write_text("placeholder")
    manifest = {
        "build_id": name,
        "finished_at": f"{name[:4]}-01-01T00:00:00Z",
        "previous_release": previous,
        "tables": {"institution_indicators": {"rows": rows}},
    }
    (release / r.MANIFEST).write_text(json.dumps(manifest))
    return release


def test_rollback_follows_what_each_release_replaced(tmp_path, capsys):
    """Releases A <- B <- C (each replaced the one before): rollback C -> B -> A, then none; pruning keeps
    the current release and those before it, and `--to` restores a named one (undoing a rollback)."""
    paths = r.Paths.of(tmp_path / "boernedata.duckdb")
    assert rollback(paths.warehouse) == 1
    assert "nothing is published" in capsys.readouterr().err
    a = fake_release(paths, "20260101T000000000000Z-1", None, 100)
    b_ = fake_release(paths, "20260201T000000000000Z-1", a.name, 110)
    c = fake_release(paths, "20260301T000000000000Z-1", b_.name, 5)
    r.swap_published(paths, c)

    assert rollback(paths.warehouse) == 0
    out = capsys.readouterr().out
    assert f"restored release {b_.name} (built 2026-01-01T00:00:00Z, institution_indicators 110 rows)" in out
    assert (
        f"in place of release {c.name}" in out and f"a further rollback would restore release {a.name}" in out
    )
    assert paths.published.resolve() == b_.resolve()
    listed = {line.split()[0]: line for line in format_releases(paths).splitlines()[1:]}
    assert listed[b_.name].endswith("current") and listed[a.name].endswith("previous")
    assert listed[c.name].endswith("not in use: the next build removes it")
    assert rollback(paths.warehouse) == 0
    assert paths.published.resolve() == a.resolve()
    assert "no release before it is kept" in capsys.readouterr().out
    assert rollback(paths.warehouse) == 1
    err = capsys.readouterr().err
    assert (
        "no previous release to roll back to" in err
        and f"release {a.name}" in err
        and "stays published" in err
    )
    assert paths.published.resolve() == a.resolve()

    assert rollback(paths.warehouse, to=c.name) == 0  # undo the rollbacks
    assert paths.published.resolve() == c.resolve()
    assert rollback(paths.warehouse, to="nope") == 1
    assert "there is no release 'nope'" in capsys.readouterr().err

    r.swap_published(paths, b_)
    r.prune_releases(paths)  # C was rolled back from: not in B's chain
    assert [p.name for p in r.complete_releases(paths)] == [a.name, b_.name]


def test_rollback_waits_for_a_running_build(tmp_path, capsys):
    paths = r.Paths.of(tmp_path / "boernedata.duckdb")
    a = fake_release(paths, "20260101T000000000000Z-1", None, 1)
    r.swap_published(paths, fake_release(paths, "20260201T000000000000Z-1", a.name, 1))
    lock = BuildLock.acquire(paths.lock)
    try:
        assert rollback(paths.warehouse) == 3
    finally:
        lock.release()
    assert "another build is running" in capsys.readouterr().err
    assert paths.published.resolve().name == "20260201T000000000000Z-1"


def test_prune_keeps_the_previous_release_after_many_builds(tmp_path):
    paths = r.Paths.of(tmp_path / "boernedata.duckdb")
    previous = None
    for month in range(1, 7):
        release = fake_release(paths, f"2026{month:02d}01T000000000000Z-1", previous, month)
        r.swap_published(paths, release)
        r.prune_releases(paths)
        previous = release.name
    kept = [p.name for p in r.complete_releases(paths)]
    assert len(kept) == r.KEEP_RELEASES and kept[-1] == previous
    assert r.predecessor(paths, paths.published.resolve()).name == kept[-2]


def test_the_watch_list_may_shrink_for_real():
    """An institution that recovers leaves the watch list: a shrink of that table is no sign of a broken
    delivery (its inputs are checked as institution_indicators), so it never refuses a publication."""
    from boernedata.build.checks import shrunk_tables

    previous = {"tables": {"institution_watch_list": {"rows": 5}, "institution_indicators": {"rows": 100}}}
    counts = {"institution_watch_list": {"rows": 2}, "institution_indicators": {"rows": 70}}
    assert [s.table for s in shrunk_tables(previous, counts, 20)] == ["institution_indicators"]
