"""Nightly incremental builds publish exactly what a full rebuild of the same landing state would.

Lands the tiny municipality without its last three months of check-ins, absence, portal usage,
parents' employment and rota, builds (full: nothing to build on), then lands those three months plus a
corrected March (re-delivered check-ins with changed times and a few rows fewer, and re-delivered school
absence, parents' employment and rota files with a few rows fewer), builds again — incremental, as the
ledger shows only new and re-delivered months — and compares with a full rebuild of the same landing
folder: every published table, and the incremental models themselves, row for row.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import cli_env, run_cli

from boernedata import landing_zone as zone
from boernedata import settings
from boernedata.build import incremental, unit_tests

pytestmark = pytest.mark.slow

# the extracts whose last months arrive in the nightly: the events, the portal usage, the parents'
# employment and the rota
NIGHTLY_EXTRACTS = (
    "kbhbarn/fremmoede",
    "aula/kommegaa",
    "kbhbarn/fravaer",
    "skoleadm/fravaer",
    "aula/brugsdata",
    "beskaeftigelse/foraeldre",
    "hr/vagtplan",
)
LATER_MONTHS = ("2026-04", "2026-05", "2026-06")
INCREMENTAL_MODELS = (
    "int_attendance_event_days",
    "int_child_attendance_days",
    "int_pupil_absence_days",
    "int_day_profile_child_intervals",
    "int_day_profile_person_counts",
    "int_indicator_values__portal_reach",
    "int_pupil_school_period_absence",
    "int_child_household_months",
    "int_day_profile_shift_intervals",
    "int_institution_day_slots",
    "int_indicator_values__daycare_attendance",
    "int_pupil_school_quarter_absence",
    "int_pupil_absence_streaks",
)


def _split_raw(full: Path, early: Path, later: Path) -> None:
    """`early`: everything but the nightly extracts' last months; `later`: those months."""
    shutil.copytree(full, early)
    for extract in NIGHTLY_EXTRACTS:
        for f in sorted((early / extract).iterdir()):
            if any(month in f.name for month in LATER_MONTHS):
                target = later / extract / f.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(f, target)


def _correct_march(raw: Path) -> None:
    """Re-deliver March: every 20th check-out an hour later, every 40th event gone (2.5 % fewer rows, so
    the delivery is not held as shrunken), and the last three rows of the school absence, of the
    parents' employment and of the rota gone."""
    path = raw / "kbhbarn/fremmoede/fremmoede_2026-03.parquet"
    table = pq.read_table(path)
    index = np.arange(table.num_rows)
    check_out = np.asarray(pc.equal(table["event_type"], "UD"))
    shift = pa.array(np.where((index % 20 == 0) & check_out, 3600, 0), pa.duration("s"))
    table = table.set_column(
        table.schema.get_field_index("event_time"), "event_time", pc.add(table["event_time"], shift)
    )
    pq.write_table(table.filter(pa.array(index % 40 != 7)), path)
    for csv in (
        raw / "skoleadm/fravaer/fravaer_2026-03.csv",
        raw / "beskaeftigelse/foraeldre/foraeldre_2026-03.csv",
        raw / "hr/vagtplan/vagtplan_2026-03.csv",
    ):
        lines = csv.read_text("utf-8").splitlines(keepends=True)
        csv.write_text("".join(lines[:-3]), "utf-8")


def _table(warehouse: Path, relation: str, order: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from {relation} order by {order}").fetchall()


def test_incremental_build_equals_a_full_rebuild(tmp_path: Path):
    raw, later = tmp_path / "raw", tmp_path / "later"
    landing = tmp_path / "landing"
    nightly = tmp_path / "nightly" / "boernedata.duckdb"
    env = cli_env(raw, landing, nightly)
    # its own tiny municipality (2 s), not the session pipeline's: so it runs beside that pipeline's
    # tests under pytest-xdist
    generated = run_cli(
        env,
        "generate",
        "--scale",
        "tiny",
        "--seed",
        "7",
        "--out",
        str(tmp_path / "generated"),
        "--no-progress",
    )
    assert generated.returncode == 0, generated.stderr[-3000:]
    _split_raw(tmp_path / "generated", raw, later)

    def cli(*args: str) -> subprocess.CompletedProcess:
        proc = run_cli(env, *args)
        assert proc.returncode == 0, f"{args}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc

    cli("land", "--no-progress")
    first = cli("build", "--warehouse", str(nightly))
    assert "full refresh: nothing has been published yet" in first.stdout
    assert unit_tests.describe(skip=False) in first.stdout

    shutil.copytree(later, raw, dirs_exist_ok=True)
    _correct_march(raw)
    cli("land", "--no-progress")
    second = cli("build", "--warehouse", str(nightly))
    assert "incremental from 2025-11-29" in second.stdout, second.stdout[-3000:]  # March 2026 - 92 days
    # the code passed its unit tests in the first build: the nightly leaves them out
    assert unit_tests.describe(skip=True) in second.stdout
    run_results = json.loads((nightly.parent / ".dbt" / "target" / "run_results.json").read_text())
    assert not [r for r in run_results["results"] if r["unique_id"].startswith("unit_test.")]

    full = tmp_path / "full" / "boernedata.duckdb"
    # the reference rebuild leaves out the unit tests: the first build ran them on this code
    cli("build", "--warehouse", str(full), "--full-refresh", "--", *unit_tests.dbt_arguments(skip=True))

    compare = [sys.executable, str(settings.PROJECT_DIR / "scripts" / "compare_published.py")]
    published = [str(w.parent / "published" / "boernedata.duckdb") for w in (nightly, full)]
    result = subprocess.run([*compare, *published], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for model in INCREMENTAL_MODELS:
        a = _table(nightly, f"intermediate.{model}", "all")
        b = _table(full, f"intermediate.{model}", "all")
        assert a == b, f"{model}: {len(a)} rows incrementally, {len(b)} rebuilt"


def test_a_redelivered_rota_month_moves_the_recomputed_days_back(tmp_path: Path):
    """The day profile's half-year counts read the rota (int_day_profile_person_counts): a re-delivered
    month of it must move BOERNEDATA_INCREMENTAL_SINCE back to its earliest shift, like an event file."""
    path = zone.landed_file(tmp_path, "hr/vagtplan", "2025-03")
    path.parent.mkdir(parents=True)
    shifts = pa.table({"shift_date": pa.array([date(2025, 3, 31), date(2025, 2, 27)], pa.date32())})
    pq.write_table(shifts, path)
    record = {"extract": "hr/vagtplan", "period": "2025-03", "status": zone.REPLACED}
    assert incremental._earliest_touched(tmp_path, [record]) == date(2025, 2, 27)


def test_a_redelivered_employment_month_moves_the_recomputed_days_back(tmp_path: Path):
    """The household months read the parents' monthly employment (int_child_household_months): a
    re-delivered month of it must move BOERNEDATA_INCREMENTAL_SINCE back to that month's first day."""
    record = {"extract": "beskaeftigelse/foraeldre", "period": "2025-03", "status": zone.REPLACED}
    assert incremental._earliest_touched(tmp_path, [record]) == date(2025, 3, 1)


def test_an_incremental_run_builds_what_reads_the_changed_extracts():
    plan = incremental.Plan(
        "incremental", "new months", date(2026, 7, 1), 2, ["aula/kommegaa", "kbhbarn/fremmoede"]
    )
    args = incremental.dbt_arguments(plan, [])
    selected = args[args.index("--select") + 1 :]
    assert selected == ["source:aula.kommegaa+", "source:kbhbarn.fremmoede+", "stg_landing__persons"]
    assert "builds what reads aula/kommegaa, kbhbarn/fremmoede" in plan.describe()
    # a caller's own selection is kept as it is; a full refresh selects nothing
    assert "--select" not in incremental.dbt_arguments(plan, ["--select", "marts"])
    assert "--select" not in incremental.dbt_arguments(plan, ["-s=marts"])
    assert incremental.dbt_arguments(incremental.Plan("full", "code changed"), []) == ["--full-refresh"]
    # the first day reaches dbt as an environment variable: changed --vars would make dbt parse it all again
    assert not any(a.startswith("--vars") for a in args)
    assert incremental.dbt_environment(plan) == {"BOERNEDATA_INCREMENTAL_SINCE": "2026-07-01"}
    assert incremental.dbt_environment(incremental.Plan("full", "code changed")) == {}


def test_unit_tests_run_until_the_code_has_passed_them_in_the_warehouse(tmp_path: Path):
    """A build leaves the unit tests out only when the same code, under the same versions, passed every
    one of them in an earlier build of the warehouse; a build that ran only some keeps no record of its
    own."""
    versions = {"dbt-core": "1.11.16", "duckdb": "1.5.6"}
    target = tmp_path / "target"
    target.mkdir()
    defined = {"unit_test.p.m.a": {}, "unit_test.p.m.b": {}}
    (target / "manifest.json").write_text(json.dumps({"unit_tests": defined}))

    def results(*passed: str) -> dict:
        return {"results": [{"unique_id": f"unit_test.p.m.{t}", "status": "pass"} for t in passed]}

    # the first build ran them all: its record says so, and the next build of the same code skips them
    first = unit_tests.record(None, "code-1", versions, results("a", "b"), target, "build-1")
    assert first == {"fingerprint": "code-1", "versions": versions, "passed": 2, "build_id": "build-1"}
    previous = {"unit_tests": first}
    assert unit_tests.passed_before(previous, "code-1", versions)
    assert unit_tests.dbt_arguments(skip=True) == ["--exclude", "test_type:unit"]
    assert unit_tests.dbt_arguments(skip=False) == []
    # changed code, changed versions, or no record: run them
    assert not unit_tests.passed_before(previous, "code-2", versions)
    assert not unit_tests.passed_before(previous, "code-1", {**versions, "duckdb": "1.5.7"})
    assert not unit_tests.passed_before(None, "code-1", versions)
    # a build that left them out (or ran some) carries the earlier record for the same code only
    assert unit_tests.record(previous, "code-1", versions, results(), target, "build-2") == first
    assert unit_tests.record(previous, "code-2", versions, results("a"), target, "build-2") is None
    failed = {"results": [{"unique_id": "unit_test.p.m.a", "status": "fail"}, *results("b")["results"]]}
    assert unit_tests.record(None, "code-2", versions, failed, target, "build-2") is None
    # without dbt's manifest nothing new is recorded
    assert unit_tests.record(None, "code-1", versions, results("a", "b"), tmp_path, "build-3") is None
    # the test fingerprint covers tests/ as well as what the models compute
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "m.yml").write_text("unit_tests: []\n")
    before, computed = unit_tests.fingerprint(project), incremental.fingerprint(project)
    (project / "tests" / "fixtures").mkdir(parents=True)
    (project / "tests" / "fixtures" / "f.csv").write_text("a\n1\n")
    assert unit_tests.fingerprint(project) != before
    assert incremental.fingerprint(project) == computed  # a test changes no model: no full refresh


def test_check_ins_that_change_an_institutions_months_move_the_recomputed_days_back(tmp_path: Path):
    """An institution's expected days run from its first to its last month with a check-in. September
    2025 is re-delivered. D1's check-ins stopped in March and resume in it, so a full rebuild counts April
    to August as expected (absent) days. D4's last check-ins were in the old September file and the new
    one has none: its months now end in February, and a full rebuild drops March to September. The
    lookback does not reach back that far; the plan must. D2 had check-ins to August (no gap) and D3 is
    new: neither moves the date."""
    warehouse = tmp_path / "boernedata.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_attendance_event_days as select * from (values "
            "('D1', date '2025-01-06'), ('D1', date '2025-03-14'), ('D2', date '2025-08-20'), "
            "('D4', date '2025-02-10'), ('D4', date '2025-09-05')"
            ") t(institution_id, attendance_date)"
        )
    landing = tmp_path / "landing"
    path = zone.landed_file(landing, "kbhbarn/fremmoede", "2025-09")
    path.parent.mkdir(parents=True)
    events = pa.table(
        {
            "institution_id": ["D1", "D2", "D3"],
            "event_time": pa.array(
                [datetime(2025, 9, 2, 8), datetime(2025, 9, 1, 8), datetime(2025, 9, 3, 8)]
            ),
        }
    )
    pq.write_table(events, path)
    record = {"extract": "kbhbarn/fremmoede", "period": "2025-09", "status": zone.REPLACED}
    since = date(2025, 6, 2)  # September minus the 92-day lookback
    changed = (date(2025, 3, 1), ["D1", "D4"])
    assert incremental._changed_coverage(warehouse, landing, [record], since) == changed
    # delivered for the first time, September drops nothing: only D1's gap moves the date
    landed = {**record, "status": zone.LANDED}
    assert incremental._changed_coverage(warehouse, landing, [landed], since) == (date(2025, 4, 1), ["D1"])
    # no change reaches before the date: nothing moves
    assert incremental._changed_coverage(warehouse, landing, [record], date(2025, 3, 1)) is None
    # no earlier build to compare with: nothing to say
    assert incremental._changed_coverage(tmp_path / "none.duckdb", landing, [record], since) is None
    # the plan takes the earlier date and says why
    ledger = zone.ledger_file(landing)
    ledger.parent.mkdir(parents=True)
    ledger.write_text(json.dumps(record) + "\n", "utf-8")
    versions = {"dbt": "x", "duckdb": "y"}
    built = {
        "ledger_records": 0,
        "fingerprint": incremental.fingerprint(settings.PROJECT_DIR),
        "versions": versions,
    }
    previous = {"incremental": built, "landing": {"path": str(landing)}}
    plan = incremental.plan(
        landing,
        incremental.fingerprint(settings.PROJECT_DIR),
        previous,
        versions,
        full_refresh=False,
        user_vars=False,
        warehouse=warehouse,
    )
    assert (plan.mode, plan.since) == ("incremental", date(2025, 3, 1))
    assert "from 2025-03-01, as the months the check-ins at D1, D4 cover change from there" in plan.describe()
