"""The speed targets of issue 28, side by side in one run (docs/benchmarks.md, "National scale").

    .venv/bin/python benchmarks/bench_targets.py --cph-raw /tmp/cph/raw --work /tmp/targets \
        [--national-raw /tmp/nat/raw] [--only-national] [--skip-datapakke]

1. copenhagen full build: every extract but the last month of the monthly ones is landed, then built
   from scratch (dbt models, data tests, unit tests, publish). Wall time, CPU time and peak RSS of the
   build.
2. copenhagen nightly: the last month of every monthly extract lands, and `build` runs again (it chooses
   incremental by itself). Wall time of land and of build, against the full build. Then `build` once
   more with nothing delivered since (no dbt runs: task.py). Then `build --full-refresh` on the same
   warehouse: a full rebuild of code this warehouse has built before (what a
   re-delivered register or a forced refresh costs), which parses only what changed and leaves out the
   unit tests the code passed in the first build (boernedata/build/unit_tests.py).
3. national (when --national-raw is given): the same full build and nightly month as for copenhagen.
4. data packages: one half-year, every copenhagen institution, HTML + PDF.
5. (`--floor`) the same full build and nightly at the tiny scale (seed 7), where the data are a
   thousandth of copenhagen's: what is left is dbt's own work (starting, parsing, ~350 nodes of a
   nightly, each compiled, run and logged) and publishing, a floor no faster SQL can go below. Its
   nightly is also shown as a share of the copenhagen full build of the same run.
6. BI queries on a published mart (national when built, else copenhagen): one institution over time,
   one indicator across institutions, 200 of each on a read-only connection; p50 and p95.

A fixed single-threaded DuckDB query is timed before and after the run (calibration): this machine's
speed drifts by up to ~1.8x within an hour, and the two figures say which phase a run was measured in.
The raw folders are hard-linked, never copied or changed. Every command runs as a child process;
peak RSS is the largest resident set of one process of the command's tree (the kernel's high-water mark
of the children waited for: the build's dbt process holds DuckDB, which is where the memory is).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from boernedata.contracts import EXTRACTS, raw_dir

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "boernedata.cli"]
KEY = "benchmark-key-not-a-secret-0123456"


def run(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """Run a command; (wall seconds, peak RSS in GB, CPU seconds (user + system)) of it and its
    descendants. CPU time varies less than wall time with the machine's load and phase."""
    start = time.perf_counter()
    errors = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_targets.{os.getpid()}.err"
    with errors.open("w") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{errors.read_text()[-3000:]}")
    errors.unlink(missing_ok=True)
    return seconds, usage.ru_maxrss / 2**20, usage.ru_utime + usage.ru_stime


def calibration() -> float:
    """Seconds of a fixed single-threaded DuckDB computation: printed before and after the run, so that
    figures of runs on a machine whose speed drifts can be read against each other."""
    con = duckdb.connect()
    con.execute("set threads = 1")
    start = time.perf_counter()
    con.execute("select sum(hash(i % 1000003)) from range(100000000) t(i)").fetchone()
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def split_last_month(raw: Path, early: Path, late: Path) -> str:
    """Hard-link `raw` into `early` without the last month of every monthly extract, which goes to `late`."""
    shutil.copytree(raw, early, copy_function=os.link)
    months = sorted(
        f.name.rsplit("_", 1)[1].split(".")[0]
        for ex in EXTRACTS
        if ex.period == "month"
        for f in raw_dir(early, ex).iterdir()
    )
    last = months[-1]
    for ex in EXTRACTS:
        if ex.period != "month":
            continue
        for f in raw_dir(early, ex).iterdir():
            if f"_{last}." in f.name:
                target = late / f.relative_to(early)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(f, target)
    return last


def full_and_nightly(
    scale: str,
    raw: Path,
    work: Path,
    env: dict,
    rows: list,
    targets: tuple[str, str],
    rebuild: bool = True,
    seconds: dict | None = None,
) -> Path:
    """Land all but the last month and build from scratch, then land that month and build again (the
    build chooses incremental by itself), then (`rebuild`) force a full rebuild. Appends a row for each
    (and puts the full build's and the nightly's wall seconds in `seconds`); returns the warehouse
    folder."""
    early, late, landing = work / "raw", work / "late", work / "landing"
    last = split_last_month(raw, early, late)
    land = [*CLI, "land", "--raw", str(early), "--landing", str(landing), "--no-progress"]
    warehouse = work / "warehouse" / "boernedata.duckdb"
    build = [*CLI, "build", "--landing", str(landing), "--warehouse", str(warehouse)]
    t, rss, _ = run(land, env)
    print(f"{scale} land (all but {last}): {t:.1f} s, peak RSS {rss:.1f} GB", flush=True)
    full, full_rss, full_cpu = run(build, env)
    shown = f"{full:.1f} s" if full < 600 else f"{full / 60:.1f} min"
    rows.append((
        f"{scale} full build (models and tests)",
        f"{shown} (CPU {full_cpu:.0f} s), peak RSS {full_rss:.1f} GB",
        targets[0],
    ))  # fmt: skip
    print(rows[-1], flush=True)
    shutil.copytree(late, early, dirs_exist_ok=True, copy_function=os.link)
    land_t, land_rss, _ = run(land, env)  # the same raw folder, now with the last month in it
    nightly, nightly_rss, nightly_cpu = run(build, env)
    rows.append((
        f"{scale} nightly incremental (month {last} of every monthly extract)",
        f"build {nightly:.1f} s = {100 * nightly / full:.0f} % of the full build (CPU {nightly_cpu:.0f} s; "
        f"land {land_t:.1f} s, {land_rss:.1f} GB), peak RSS {nightly_rss:.1f} GB",
        targets[1],
    ))  # fmt: skip
    print(rows[-1], flush=True)
    if seconds is not None:
        seconds.update(full=full, nightly=nightly)
    idle, idle_rss, idle_cpu = run(build, env)  # nothing delivered since: no dbt, the publication stays
    rows.append((
        f"{scale} build with nothing delivered since the nightly",
        f"{idle:.1f} s (CPU {idle_cpu:.1f} s), peak RSS {idle_rss:.2f} GB",
        "—",
    ))  # fmt: skip
    print(rows[-1], flush=True)
    if not rebuild:
        return warehouse.parent
    again, again_rss, again_cpu = run([*build, "--full-refresh"], env)
    rows.append((
        f"{scale} full rebuild of the same code (`--full-refresh` on that warehouse)",
        f"{again:.1f} s (CPU {again_cpu:.0f} s), peak RSS {again_rss:.1f} GB",
        "—",
    ))  # fmt: skip
    print(rows[-1], flush=True)
    return warehouse.parent


def floor_rows(work: Path, env: dict, rows: list, cph_full: float | None) -> None:
    """The tiny scale's full build and nightly (`--floor`); its nightly against copenhagen's full build."""
    raw = work / "generated"
    run([*CLI, "generate", "--scale", "tiny", "--seed", "7", "--out", str(raw), "--no-progress"], env)
    seconds: dict[str, float] = {}
    full_and_nightly("tiny", raw, work, env, rows, ("—", "—"), rebuild=False, seconds=seconds)
    if cph_full:
        rows.append((
            "tiny nightly against the copenhagen full build (the floor of dbt's own work)",
            f"{seconds['nightly']:.1f} s = {100 * seconds['nightly'] / cph_full:.0f} % of {cph_full:.1f} s",
            "—",
        ))  # fmt: skip
        print(rows[-1], flush=True)


def datapakke_row(published: Path, out: Path, env: dict) -> tuple[str, str, str]:
    """Every institution's data package of the newest half-year, HTML and PDF."""
    con = duckdb.connect(str(published), read_only=True)
    period = con.execute(
        "select max(period_id) from marts.institution_indicators where period_type = 'half_year'"
    ).fetchone()[0]
    con.close()
    t, rss, cpu = run([*CLI, "datapakke", "--warehouse", str(published), "--period", period,
                  "--out", str(out), "--no-progress"], env)  # fmt: skip
    n = len(list(out.rglob("*.pdf")))
    return (
        f"data packages {period}, {n} copenhagen PDFs (and their HTML)",
        f"{t:.1f} s (CPU {cpu:.0f} s), peak RSS {rss:.1f} GB",
        "≤ 30 s",
    )


def bi_queries(published: Path, repeat: int = 200) -> dict[str, tuple[float, float]]:
    con = duckdb.connect(str(published), read_only=True)

    def distinct(column: str, where: str = "true", params: list | None = None) -> list:
        sql = f"select distinct {column} from marts.institution_indicators where {where}"
        return [r[0] for r in con.execute(sql, params or []).fetchall()]

    institutions = distinct("institution_id")
    codes = distinct("indicator_code")
    periods = {code: distinct("period_id", "indicator_code = ?", [code]) for code in codes}
    rnd = random.Random(1)
    queries = {
        "one institution over time": (
            "select indicator_code, period_id, value, district_value, municipality_value "
            "from marts.institution_indicators_labelled where institution_id = ? "
            "order by indicator_code, period_start",
            lambda: [rnd.choice(institutions)],
        ),
        "one indicator across institutions": (
            "select institution_name, district, value, n from marts.institution_indicators_labelled "
            "where indicator_code = ? and period_id = ? order by value desc nulls last",
            lambda: (lambda c: [c, rnd.choice(periods[c])])(rnd.choice(codes)),
        ),
    }
    out = {}
    for name, (sql, params) in queries.items():
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            con.execute(sql, params()).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        out[name] = (statistics.median(times), times[int(0.95 * len(times)) - 1])
    con.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cph-raw", type=Path, help="a generated copenhagen raw folder (read only)")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--national-raw", type=Path, help="a generated national raw folder: also national")
    ap.add_argument("--only-national", action="store_true", help="skip copenhagen (with --national-raw)")
    ap.add_argument("--skip-datapakke", action="store_true")
    ap.add_argument("--floor", action="store_true", help="also the tiny scale's full build and nightly")
    args = ap.parse_args()
    env = {**os.environ, "BOERNEDATA_PSEUDONYM_KEY": KEY}
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    rows: list[tuple[str, str, str]] = []
    calibrated = [calibration()]
    print(f"calibration: {calibrated[0]:.2f} s", flush=True)

    published, scale = None, "copenhagen"
    cph_seconds: dict[str, float] = {}
    if not args.only_national:
        if not args.cph_raw:
            ap.error("--cph-raw is required unless --only-national")
        cph = full_and_nightly(
            "copenhagen", args.cph_raw, work / "copenhagen", env, rows,
            ("≤ 100 s, ≤ 8 GB", "≤ 10 % of the full build"), seconds=cph_seconds,
        )  # fmt: skip
        published = cph / "published" / "boernedata.duckdb"
        if not args.skip_datapakke:
            rows.append(datapakke_row(published, work / "datapakker", env))
            print(rows[-1], flush=True)
    if args.floor:
        floor_rows(work / "tiny", env, rows, cph_seconds.get("full"))
    if args.national_raw:
        national = full_and_nightly(  # no rebuild: another 20 minutes
            "national", args.national_raw, work / "national", env, rows, ("≤ 30 min, ≤ 20 GB", "—"), False
        )
        published, scale = national / "published" / "boernedata.duckdb", "national"
    for name, (p50, p95) in bi_queries(published).items():
        rows.append(
            (f"BI query at {scale} scale: {name}", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", "p95 ≤ 100 ms")
        )
        print(rows[-1], flush=True)

    calibrated.append(calibration())
    print("\n| measure | measured | target |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")
    memory = resource.getpagesize() * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"\nmachine: {os.cpu_count()} cores, {memory:.0f} GB; calibration (a fixed single-threaded DuckDB "
          f"query) {calibrated[0]:.2f} s before the run, {calibrated[1]:.2f} s after")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
