"""The same landed data built on DuckDB, PostgreSQL and Spark, side by side (docs/benchmarks.md, "Engines").

    .venv/bin/python benchmarks/bench_engines.py --scale small --work /tmp/engines [--engines duckdb,postgres]
    .venv/bin/python benchmarks/bench_engines.py --landing /tmp/cph/landing --work /tmp/engines-cph

Without --landing, the scale is generated and landed into --work first (the land time is reported).
Each engine then runs `boernedata build --target <engine>` as a child process from the same landing
zone: wall time, the PostgreSQL load step's time (from the build's own line), and peak memory: the
largest resident set of the build's process tree (the kernel's high-water mark, read in a wrapper
process per build) plus, for PostgreSQL, the largest proportional set size (PSS, so shared buffers count
once) of the server's processes, sampled every 0.2 s. The PostgreSQL server must run
(scripts/postgres.sh start); requirements-engines.lock must be installed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

KEY = "benchmark-key-not-a-secret-0123456"
CLI = [sys.executable, "-m", "boernedata.cli"]
# Runs one command and prints the peak RSS of its process tree (KiB) on the last line of stderr.
WRAPPER = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)"
)


def postgres_pss_kib() -> int:
    """The summed PSS of every process named postgres (the server), in KiB."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
                continue
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def timed_child(cmd: list[str], env: dict, sample_postgres: bool) -> dict:
    peak = {"server": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak["server"] = max(peak["server"], postgres_pss_kib())

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_postgres:
        sampler.start()
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, *cmd], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    done.set()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    rss_kib = int(proc.stderr.strip().splitlines()[-1])
    return {
        "seconds": seconds,
        "rss_mib": rss_kib / 1024,
        "server_mib": peak["server"] / 1024,
        "out": proc.stdout,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--landing", type=Path, help="an existing landing zone (read only)")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--engines", default="duckdb,postgres,spark")
    args = parser.parse_args()

    env = {**os.environ, "BOERNEDATA_PSEUDONYM_KEY": KEY}
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    landing = args.landing
    if landing is None:
        landing = args.work / "landing"
        raw = args.work / "raw"
        gen = [
            "generate",
            "--scale",
            args.scale,
            "--seed",
            str(args.seed),
            "--out",
            str(raw),
            "--no-progress",
        ]
        gen += ["--truth", str(args.work / "truth.json")]
        subprocess.run([*CLI, *gen], env=env, check=True, capture_output=True)
        land = timed_child(
            [*CLI, "land", "--raw", str(raw), "--landing", str(landing), "--no-progress"], env, False
        )
        rows.append(("land (all engines)", land["seconds"], None, land["rss_mib"], None))
    for engine in args.engines.split(","):
        warehouse = args.work / engine / "boernedata.duckdb"
        cmd = [*CLI, "build", "--landing", str(landing), "--warehouse", str(warehouse), "--target", engine]
        result = timed_child(cmd, env, engine == "postgres")
        load = re.search(r"into PostgreSQL \S+ in ([0-9.]+) s", result["out"])
        load_s = float(load.group(1)) if load else None
        server = result["server_mib"] if engine == "postgres" else None
        rows.append((f"build --target {engine}", result["seconds"], load_s, result["rss_mib"], server))

    print(f"landing: {landing}")
    print("| step | wall time | of it: load | peak RSS of the build | peak PSS of the server |")
    print("|---|---:|---:|---:|---:|")
    for step, seconds, load_s, rss, server in rows:
        load_text = f"{load_s:.1f} s" if load_s is not None else "—"
        server_text = f"{server:,.0f} MiB" if server else "—"
        print(f"| {step} | {seconds:.1f} s | {load_text} | {rss:,.0f} MiB | {server_text} |")


if __name__ == "__main__":
    main()
