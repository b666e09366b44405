"""Generate, land and build one or more scales, each step as a child process: wall time and peak RSS.
Prints a markdown table for docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_scales.py tiny small [--work /tmp/scales] [--seed 7] [--keep]

Copenhagen and national are measured the same way by benchmarks/bench_targets.py (full build and nightly
month) and bench_generate.py; their generate step is long enough to be run on its own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_targets import CLI, KEY, run

from boernedata.generate.config import SCALES


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scales", nargs="+", choices=sorted(SCALES))
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench-scales"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the raw, landing and warehouse folders")
    args = ap.parse_args()
    env = {**os.environ, "BOERNEDATA_PSEUDONYM_KEY": KEY}
    rows = []
    for scale in args.scales:
        work = args.work / scale
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        raw, landing, warehouse = work / "raw", work / "landing", work / "warehouse" / "boernedata.duckdb"
        steps = {
            "generate": [*CLI, "generate", "--scale", scale, "--seed", str(args.seed), "--out", str(raw),
                         "--truth", str(work / "truth.json"), "--no-progress"],
            "land": [*CLI, "land", "--raw", str(raw), "--landing", str(landing), "--no-progress"],
            "build": [*CLI, "build", "--landing", str(landing), "--warehouse", str(warehouse)],
        }  # fmt: skip
        for step, cmd in steps.items():
            seconds, rss = run(cmd, env)
            rows.append((scale, step, seconds, rss))
            print(f"{scale} {step}: {seconds:.1f} s, peak RSS {rss:.2f} GB", flush=True)
        if not args.keep:
            shutil.rmtree(work)
    print("\n| scale | step | wall time | peak RSS |\n|---|---|---:|---:|")
    for scale, step, seconds, rss in rows:
        print(f"| {scale} | {step} | {seconds:.1f} s | {rss:.2f} GB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
