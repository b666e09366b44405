"""Benchmark `boernedata land` against just reading the same raw files.

    .venv/bin/python benchmarks/bench_land.py --scale copenhagen            # generate, then measure
    .venv/bin/python benchmarks/bench_land.py --raw /tmp/land/cph_raw       # an existing raw folder

Prints (1) the time to read every raw file with pyarrow only (CSV/JSON Lines parsed to Arrow, Parquet
read row group by row group), (2) the time of `land` into a fresh landing folder, their ratio, peak
resident memory (its process and every process under it, summed) and CPU time of each phase, and row
counts. The target (issue 4): land <= ~2x the plain read, in bounded memory. Each phase runs in its own
subprocess.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def read_only(raw: Path) -> dict:
    import pyarrow.csv as pacsv
    import pyarrow.json as pajson
    import pyarrow.parquet as pq

    from boernedata.contracts import EXTRACTS_BY_KEY

    rows = files = 0
    t = time.perf_counter()
    for path in sorted(p for p in raw.rglob("*") if p.is_file()):
        rel = path.relative_to(raw).parts
        ex = EXTRACTS_BY_KEY.get("/".join(rel[:2]))
        if ex is None:
            continue
        files += 1
        if ex.fmt == "parquet":
            pf = pq.ParquetFile(path)
            for rg in range(pf.num_row_groups):
                rows += pf.read_row_group(rg).num_rows
        elif ex.fmt == "jsonl":
            rows += pajson.read_json(path).num_rows
        else:
            enc = "cp1252" if ex.encoding == "windows-1252" else "utf8"
            rows += pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(encoding=enc),
                parse_options=pacsv.ParseOptions(delimiter=ex.delimiter),
            ).num_rows
    return {
        "seconds": time.perf_counter() - t,
        "rows": rows,
        "files": files,
        "peak_rss_mb": _peak_mb(),
        "cpu_seconds": _cpu_seconds(),
    }


def land_only(raw: Path, landing: Path) -> dict:
    from boernedata.landing import land
    from boernedata.landing.ledger import Ledger
    from boernedata.landing.suites import stop_worker

    t = time.perf_counter()
    rc = land(raw, landing, b"benchmark-key", progress=False)
    seconds = time.perf_counter() - t
    stop_worker()  # so that its CPU time counts among the children's
    recs = [r for r in Ledger(landing).records()]
    return {
        "seconds": seconds,
        "exit": rc,
        "rows_read": sum(r["rows_read"] for r in recs),
        "rows_landed": sum(r["rows_landed"] for r in recs),
        "rows_quarantined": sum(r["rows_quarantined"] for r in recs),
        "rejected": sum(r["status"] == "rejected" for r in recs),
        "peak_rss_mb": _peak_mb(),
        "cpu_seconds": _cpu_seconds(),
    }


def _cpu_seconds() -> float:
    """User and system CPU of this process and its waited-for children (the GE worker)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> float:
    return _TREE.peak_mb if _TREE else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _TreeRSS(threading.Thread):
    """Peak resident memory of this process and every process under it (land's Great Expectations
    worker), summed, sampled every 50 ms from /proc."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0

    def run(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, sum(_rss_kb(p) for p in _tree(os.getpid())) / 1024)
            time.sleep(0.05)


def _tree(pid: int) -> list[int]:
    out = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            out += [q for c in task.read_text().split() for q in _tree(int(c))]
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_TREE: _TreeRSS | None = None


def _phase(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr[-4000:] if "--verbose" in sys.argv else "")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", default="small", help="generate this scale when --raw is not given")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--raw", help="an existing raw folder (skips generation)")
    p.add_argument("--landing", help="landing folder (default: a fresh temporary folder, removed after)")
    p.add_argument("--verbose", action="store_true", help="show land's stderr")
    p.add_argument("--phase", choices=["read", "land"], help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.phase and Path("/proc/self/status").exists():
        global _TREE
        _TREE = _TreeRSS()
        _TREE.start()
    if args.phase == "read":
        print(json.dumps(read_only(Path(args.raw))))
        return 0
    if args.phase == "land":
        print(json.dumps(land_only(Path(args.raw), Path(args.landing))))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="bench_land_"))
    try:
        if args.raw:
            raw = Path(args.raw)
        else:
            from boernedata.generate import generate

            raw = tmp / "raw"
            t = time.perf_counter()
            generate(args.scale, args.seed, raw, tmp / "truth.json", False)
            print(f"generated {args.scale} in {time.perf_counter() - t:.1f} s")
        size = sum(f.stat().st_size for f in raw.rglob("*") if f.is_file())
        landing = Path(args.landing) if args.landing else tmp / "landing"
        shutil.rmtree(landing, ignore_errors=True)
        read = _phase(["--phase", "read", "--raw", str(raw)])
        landed = _phase(
            ["--phase", "land", "--raw", str(raw), "--landing", str(landing)]
            + (["--verbose"] if args.verbose else [])
        )
        print(f"raw folder: {raw} ({size / 1e6:,.0f} MB, {read['files']} files, {read['rows']:,} rows)")
        for name, r in (("read only (pyarrow):", read), ("boernedata land:", landed)):
            print(
                f"{name:20s} {r['seconds']:8.2f} s   CPU {r['cpu_seconds']:6.1f} s   "
                f"peak RSS {r['peak_rss_mb']:,.0f} MB"
            )
        print(f"ratio land/read:      {landed['seconds'] / read['seconds']:8.2f}")
        print(
            f"rows read {landed['rows_read']:,}, landed {landed['rows_landed']:,}, quarantined "
            f"{landed['rows_quarantined']:,}; rejected files {landed['rejected']}; exit {landed['exit']}"
        )
    finally:
        if not args.landing:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
