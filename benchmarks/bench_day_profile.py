"""What staffing by the hour (issue 24, part 3) costs in a build: the day-profile nodes against the whole.

Builds the warehouse from an existing landing zone with `boernedata build` (a full build into a fresh
warehouse folder), then reads dbt's run_results.json and prints the execution time of the day-profile
models and their tests against the sum over all nodes and the build's wall time. Not a timed test: run
it by hand on the Copenhagen-scale landing, under the heavy lock on the shared machine:

    flock /tmp/boernedata-heavy.lock .venv/bin/python benchmarks/bench_day_profile.py \\
        --landing /tmp/cph/landing --warehouse /tmp/plan24b-cph/boernedata.duckdb

BOERNEDATA_PSEUDONYM_KEY must be the landing zone's key. The warehouse folder is deleted afterwards
unless --keep is given (then `boernedata rota-whatif --warehouse ...` can be timed on it).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from boernedata import releases

# The nodes of the day profile: its models, their data tests and unit tests, and the published marts.
DAY_PROFILE_NODES = (
    "int_day_profile_",
    "int_institution_day_slots",
    "institution_day_profile",
    "institution_day_summary",
    "assert_day_profile_is_plausible",
)


def is_day_profile(unique_id: str) -> bool:
    return any(part in unique_id for part in DAY_PROFILE_NODES)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--landing", type=Path, required=True)
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--keep", action="store_true", help="keep the built warehouse")
    args = ap.parse_args()
    paths = releases.Paths.of(args.warehouse)
    if paths.root.exists():
        shutil.rmtree(paths.root)
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "boernedata.cli",
            "build",
            "--landing",
            str(args.landing),
            "--warehouse",
            str(args.warehouse),
        ],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stdout[-4000:], proc.stderr[-4000:], sep="\n")
        return proc.returncode
    results = json.loads((paths.dbt_target / "run_results.json").read_text("utf-8"))["results"]
    total = sum(r["execution_time"] for r in results)
    ours = sorted(
        ((r["unique_id"], r["execution_time"]) for r in results if is_day_profile(r["unique_id"])),
        key=lambda item: -item[1],
    )
    ours_total = sum(t for _, t in ours)
    print(f"build wall time: {wall:.1f} s; dbt node time (sum over {len(results)} nodes): {total:.1f} s")
    print(
        f"day profile: {ours_total:.1f} s over {len(ours)} nodes "
        f"= {100 * ours_total / total:.1f} % of node time"
    )
    print(
        f"  the rest of the build: {total - ours_total:.1f} s -> the day profile adds "
        f"{100 * ours_total / (total - ours_total):.1f} %"
    )
    for unique_id, seconds in ours:
        print(f"  {seconds:7.2f} s  {unique_id}")
    if not args.keep:
        shutil.rmtree(paths.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
