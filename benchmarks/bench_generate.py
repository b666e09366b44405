"""Benchmark `boernedata generate`: wall time, peak RSS, rows and bytes per extract.

    .venv/bin/python benchmarks/bench_generate.py tiny|small|copenhagen|national [--out DIR] [--seed N]

Writes into a temporary folder unless --out is given (the folder is removed afterwards then).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from boernedata.generate import build
from boernedata.generate.config import SCALES


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("scale", choices=["tiny", "small", "copenhagen", "national"])
    p.add_argument("--out", help="raw folder to keep (default: a temporary folder, removed afterwards)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument(
        "--until", help="end the preset's window early (YYYY-MM-DD), e.g. to sample national scale"
    )
    args = p.parse_args()
    tmp = None
    if args.out:
        out = Path(args.out)
    else:
        tmp = Path(tempfile.mkdtemp(prefix=f"bench_generate_{args.scale}_"))
        out = tmp / "raw"
    truth = out.parent / f"truth_{args.scale}.json"
    scale = SCALES[args.scale]
    if args.until:
        scale = dataclasses.replace(scale, last_date=dt.date.fromisoformat(args.until))
    t0 = time.perf_counter()
    try:
        w = build(
            scale,
            args.seed,
            out,
            truth,
            say=lambda m: print(f"  [{time.perf_counter() - t0:7.1f}s] {m}"),
        )
        wall = time.perf_counter() - t0
        summary = w.summary()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"\nscale {args.scale}: wall {wall:.1f} s, peak RSS {peak_mb:.0f} MB")
    print(f"{'extract':40s} {'files':>6s} {'rows':>14s} {'MB':>10s}")
    for key, s in summary.items():
        print(f"{key:40s} {s['files']:6d} {s['rows']:14,d} {s['bytes'] / 1e6:10.1f}")
    rows = sum(s["rows"] for s in summary.values())
    size = sum(s["bytes"] for s in summary.values())
    print(f"{'total':40s} {sum(s['files'] for s in summary.values()):6d} {rows:14,d} {size / 1e6:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
