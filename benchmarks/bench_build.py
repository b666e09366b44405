"""Benchmark `boernedata build` (dbt build: models, snapshot, data tests, unit tests, then publish).

    .venv/bin/python benchmarks/bench_build.py --scale copenhagen            # generate + land, then build
    .venv/bin/python benchmarks/bench_build.py --landing /tmp/bench/landing  # an existing landing zone

Prints the wall time and peak memory of the build, dbt's own timing per node (the slowest first, from
run_results.json), the row counts of the published tables and the size of the warehouse files.
Target (issue 5): <= 5 minutes at copenhagen scale on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from boernedata import releases

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "boernedata.cli"]


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="copenhagen")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--landing", type=Path, help="use this landing zone (skip generate and land)")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    ap.add_argument("--top", type=int, default=20, help="slowest nodes to list")
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-build-"))
    env = {**os.environ, "BOERNEDATA_PSEUDONYM_KEY": "benchmark-key-not-a-secret-0123456"}
    landing = args.landing
    if landing is None:
        raw, landing = work / "raw", work / "landing"
        t = timed([*CLI, "generate", "--scale", args.scale, "--seed", str(args.seed), "--out", str(raw),
                   "--truth", str(work / "truth.json"), "--no-progress"], env)  # fmt: skip
        print(f"generate {args.scale}: {t:.1f} s")
        t = timed([*CLI, "land", "--raw", str(raw), "--landing", str(landing), "--no-progress"], env)
        print(f"land: {t:.1f} s")

    warehouse = work / "warehouse" / "boernedata.duckdb"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = timed([*CLI, "build", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(f"\nbuild (dbt build + publish): {t:.1f} s wall, peak RSS of a child process {peak_mb:.0f} MB")

    results = json.loads((releases.Paths.of(warehouse).dbt_target / "run_results.json").read_text())
    nodes = sorted(results["results"], key=lambda r: -r["execution_time"])
    kinds: dict[str, list[float]] = {}
    for r in nodes:
        kinds.setdefault(r["unique_id"].split(".")[0], []).append(r["execution_time"])
    print(f"dbt elapsed {results['elapsed_time']:.1f} s; " + ", ".join(
        f"{k}: {len(v)} nodes {sum(v):.1f} s" for k, v in sorted(kinds.items())))  # fmt: skip
    print(f"\nslowest {args.top} nodes:")
    for r in nodes[: args.top]:
        print(f"  {r['execution_time']:7.2f} s  {r['status']:8} {r['unique_id']}")

    manifest = json.loads((releases.Paths.of(warehouse).published / releases.MANIFEST).read_text())
    print("\npublished row counts:", json.dumps(manifest.get("tables", {}), indent=None))
    files = {"internal": warehouse, "published": releases.published_db(warehouse)}
    sizes = {name: path.stat().st_size for name, path in files.items()}
    print("file sizes (MB):", {k: round(v / 1e6, 1) for k, v in sizes.items()})
    print(f"\nwork folder: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
