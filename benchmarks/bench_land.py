"""Benchmark `boernedata land` against just reading the same raw files.

    .venv/bin/python benchmarks/bench_land.py --scale copenhagen            # generate, then measure
    .venv/bin/python benchmarks/bench_land.py --raw /tmp/land/cph_raw       # an existing raw folder

Prints (1) the time to read every raw file with pyarrow only (CSV/JSON Lines parsed to Arrow, Parquet
read row group by row group), (2) the time to read them with DuckDB (each file into a temporary table
of an in-memory database, types sniffed as DuckDB does), (3) the time of `land` into a fresh landing
folder, the ratios, peak resident memory and CPU time of each phase, and row counts. The target (issue
4): land <= ~2x the plain read, in bounded memory; the headline ratio is against pyarrow, the faster
(stricter) of the two readers. Each phase runs in its own subprocess; with --repeat N the phases
alternate N times (this machine's timings vary by 10-20% from run to run) and the medians are compared.

Peak memory is the kernel's high-water mark (getrusage) of the phase's process plus that of its largest
waited-for child (land's Great Expectations worker): an upper bound of their sum, as the two peaks need
not coincide. A sampler polling /proc was used before; it cost both phases ~15% of their time.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _raw_files(raw: Path):
    """(path, contract) of every raw file in a contract's folder, in name order."""
    from boernedata.contracts import EXTRACTS_BY_KEY

    for path in sorted(p for p in raw.rglob("*") if p.is_file()):
        ex = EXTRACTS_BY_KEY.get("/".join(path.relative_to(raw).parts[:2]))
        if ex is not None:
            yield path, ex


def read_only(raw: Path) -> dict:
    import pyarrow.csv as pacsv
    import pyarrow.json as pajson
    import pyarrow.parquet as pq

    rows = files = 0
    t = time.perf_counter()
    for path, ex in _raw_files(raw):
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
    return _read_result(t, rows, files)


def duckdb_read(raw: Path) -> dict:
    """Every raw file read by DuckDB into a temporary table. windows-1252 is read as latin-1: DuckDB
    decodes windows-1252 only with its encodings extension, which needs the network; the two decode
    the same bytes at the same cost (they differ in 0x80-0x9F only)."""
    import duckdb

    con = duckdb.connect()
    rows = files = 0
    t = time.perf_counter()
    for path, ex in _raw_files(raw):
        files += 1
        name = str(path).replace("'", "''")
        if ex.fmt == "parquet":
            source = f"read_parquet('{name}')"
        elif ex.fmt == "jsonl":
            source = f"read_json('{name}', format = 'newline_delimited')"
        else:
            enc = "latin-1" if ex.encoding == "windows-1252" else "utf-8"
            source = f"read_csv('{name}', delim = '{ex.delimiter}', header = true, encoding = '{enc}')"
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_file AS SELECT * FROM {source}")
        rows += con.execute("SELECT count(*) FROM raw_file").fetchone()[0]
    return _read_result(t, rows, files)


def land_only(raw: Path, landing: Path) -> dict:
    from boernedata.landing import land
    from boernedata.landing.ge_worker import stop_worker
    from boernedata.landing.ledger import Ledger

    t = time.perf_counter()
    rc = land(raw, landing, b"benchmark-key-not-a-secret-0123456", progress=False)
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


def _read_result(started: float, rows: int, files: int) -> dict:
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "files": files,
        "peak_rss_mb": _peak_mb(),
        "cpu_seconds": _cpu_seconds(),
    }


def _cpu_seconds() -> float:
    """User and system CPU of this process and its waited-for children (the GE worker)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> float:
    """High-water resident memory of this process plus its largest waited-for child, in MB."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (me.ru_maxrss + kids.ru_maxrss) / 1024


def _median(runs: list[dict]) -> dict:
    """The run of median time (the lower middle one of an even count)."""
    return sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]


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
    p.add_argument("--repeat", type=int, default=1, help="alternate the phases N times; medians")
    p.add_argument("--skip-duckdb", action="store_true", help="measure the pyarrow read and land only")
    p.add_argument("--phase", choices=["read", "duckdb", "land"], help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.phase == "read":
        print(json.dumps(read_only(Path(args.raw))))
        return 0
    if args.phase == "duckdb":
        print(json.dumps(duckdb_read(Path(args.raw))))
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
        reads, ducks, lands = [], [], []
        for _ in range(max(args.repeat, 1)):
            reads.append(_phase(["--phase", "read", "--raw", str(raw)]))
            if not args.skip_duckdb:
                ducks.append(_phase(["--phase", "duckdb", "--raw", str(raw)]))
            shutil.rmtree(landing, ignore_errors=True)
            lands.append(
                _phase(
                    ["--phase", "land", "--raw", str(raw), "--landing", str(landing)]
                    + (["--verbose"] if args.verbose else [])
                )
            )
        read, landed = _median(reads), _median(lands)
        print(f"raw folder: {raw} ({size / 1e6:,.0f} MB, {read['files']} files, {read['rows']:,} rows)")
        phases = [("read only (pyarrow):", reads, read)]
        if ducks:
            phases.append(("read only (DuckDB):", ducks, _median(ducks)))
        for name, runs, r in (*phases, ("boernedata land:", lands, landed)):
            times = ", ".join(f"{x['seconds']:.1f}" for x in runs)
            each = f"   runs {times} s" if len(runs) > 1 else ""
            print(
                f"{name:20s} {r['seconds']:8.2f} s   CPU {r['cpu_seconds']:6.1f} s   "
                f"peak RSS {r['peak_rss_mb']:,.0f} MB{each}"
            )
        print(f"ratio land/read:      {landed['seconds'] / read['seconds']:8.2f}")
        if ducks:
            print(f"ratio land/DuckDB:    {landed['seconds'] / _median(ducks)['seconds']:8.2f}")
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
