"""The same landed data built on DuckDB, PostgreSQL and Spark, side by side (docs/benchmarks.md, "Engines").

    .venv/bin/python benchmarks/bench_engines.py --scale small --work /tmp/engines [--engines duckdb,postgres]
    .venv/bin/python benchmarks/bench_engines.py --landing /tmp/cph/landing --work /tmp/engines-cph

Without --landing, the scale is generated and landed into --work first (the land time is reported).
Each engine then runs `boernedata build --target <engine>` as a child process from the same landing
zone: wall time, the PostgreSQL load step's time (from the build's own line), and peak memory: the
largest resident set of one process of the build (the kernel's high-water mark, read in a wrapper
process per build); the largest sum of the resident sets of the build's process tree, sampled every
0.2 s (Spark's JVM is a grandchild that pyspark never waits for, so the high-water mark misses it); and,
for PostgreSQL, the largest proportional set size (PSS, so shared buffers count once) of the server's
processes, sampled alike. The PostgreSQL server must run
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


def tree_rss_kib(root: int) -> int:
    """The summed resident set (KiB) of process `root`'s descendants."""
    parents: dict[int, int] = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            parents[int(pid)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - tree
        tree |= frontier
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def timed_child(cmd: list[str], env: dict, sample_postgres: bool) -> dict:
    peak = {"server": 0, "tree": 0}
    done = threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, *cmd],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def sample() -> None:
        while not done.wait(0.2):
            peak["tree"] = max(peak["tree"], tree_rss_kib(proc.pid))
            if sample_postgres:
                peak["server"] = max(peak["server"], postgres_pss_kib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}\n{stdout[-4000:]}\n{stderr[-4000:]}")
    rss_kib = int(stderr.strip().splitlines()[-1])
    return {
        "seconds": seconds,
        "rss_mib": rss_kib / 1024,
        "tree_mib": peak["tree"] / 1024,
        "server_mib": peak["server"] / 1024,
        "out": stdout,
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
        rows.append(("land (all engines)", land["seconds"], None, land["rss_mib"], land["tree_mib"], None))
    for engine in args.engines.split(","):
        warehouse = args.work / engine / "boernedata.duckdb"
        cmd = [*CLI, "build", "--landing", str(landing), "--warehouse", str(warehouse), "--target", engine]
        result = timed_child(cmd, env, engine == "postgres")
        load = re.search(r"into PostgreSQL \S+ in ([0-9.]+) s", result["out"])
        load_s = float(load.group(1)) if load else None
        server = result["server_mib"] if engine == "postgres" else None
        rows.append(
            (
                f"build --target {engine}",
                result["seconds"],
                load_s,
                result["rss_mib"],
                result["tree_mib"],
                server,
            )
        )

    print(f"landing: {landing}")
    print(
        "| step | wall time | of it: load | peak RSS, largest process | peak RSS, process tree | "
        "peak PSS of the server |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for step, seconds, load_s, rss, tree, server in rows:
        load_text = f"{load_s:.1f} s" if load_s is not None else "—"
        server_text = f"{server:,.0f} MiB" if server else "—"
        print(
            f"| {step} | {seconds:.1f} s | {load_text} | {rss:,.0f} MiB | {tree:,.0f} MiB | {server_text} |"
        )


if __name__ == "__main__":
    main()
