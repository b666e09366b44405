"""What one data package costs Typst, by font and by allocator (docs/benchmarks.md, eleventh session).

    .venv/bin/python benchmarks/bench_typeset.py --warehouse <published DuckDB file> [--period 2026-H1]

Typesets a sample of distinct packages (Typst memoizes: a package typeset twice costs almost nothing the
second time) in one process on glibc's malloc, then in one preloading jemalloc, round after round: this
machine's speed drifts by 20 % within minutes, so each pair is compared within its round. Within each
process the packages alternate between the bundled Boernedata Sans and DejaVu Sans itself. Prints the
CPU time per package of the four, each round and the median.
"""

from __future__ import annotations

import argparse
import ctypes.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="published DuckDB file")
    parser.add_argument("--period", help="half-year (default: the latest with data)")
    parser.add_argument("--sample", type=int, default=120, help="packages (default 120)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return _typeset(args.worker)

    from boernedata.datapakke import content, pdf
    from boernedata.datapakke.data import connect, load

    con = connect(args.warehouse)
    try:
        marts = load(con, args.period, None, source=str(args.warehouse))
    finally:
        con.close()
    step = max(1, len(marts.institutions) // args.sample)
    chosen = marts.institutions[::step][: args.sample]
    jemalloc = ctypes.util.find_library("jemalloc")
    if jemalloc is None:
        print("bench_typeset: no jemalloc on this machine (Debian: libjemalloc2)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-typeset-") as tmp:
        sample = Path(tmp) / "packages.json"
        sample.write_text(json.dumps([pdf.package_data(content.package_context(marts, i)) for i in chosen]))
        print(f"{marts.period}: {len(chosen)} packages, CPU ms per package")
        print(f"{'':24}{'Boernedata Sans':>17}{'DejaVu Sans':>13}")
        results: dict[str, list[dict[str, float]]] = {"glibc malloc": [], "jemalloc": []}
        for r in range(1, args.rounds + 1):
            for name, preload in (("glibc malloc", ""), ("jemalloc", jemalloc)):
                out = subprocess.run(
                    [sys.executable, __file__, "--warehouse", str(args.warehouse), "--worker", str(sample)],
                    env=dict(os.environ, LD_PRELOAD=preload),
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                ms = json.loads(out)
                results[name].append(ms)
                print(f"{f'round {r}, {name}':24}{ms['bundled']:>17.1f}{ms['dejavu']:>13.1f}", flush=True)
    for name, rounds in results.items():
        bundled = statistics.median(m["bundled"] for m in rounds)
        dejavu = statistics.median(m["dejavu"] for m in rounds)
        print(f"{f'median, {name}':24}{bundled:>17.1f}{dejavu:>13.1f}")
    return 0


def _typeset(sample: Path) -> int:
    """Worker: typeset the sample, alternating the bundled font and DejaVu Sans package by package."""
    import typst

    from boernedata.datapakke import pdf

    template = pdf.TEMPLATE.read_text(encoding="utf-8")
    dejavu_template = template.replace('font: ("Boernedata Sans", "DejaVu Sans")', 'font: "DejaVu Sans"')
    assert dejavu_template != template, "package.typ's font line changed: update bench_typeset.py"
    variants = {
        "bundled": (pdf.compiler(), template.encode(), lambda d: d),
        "dejavu": (
            typst.Compiler(root=str(pdf.TEMPLATE.parent)),
            dejavu_template.encode(),
            lambda d: d.replace("Boernedata Sans, ", ""),
        ),
    }
    cpu = dict.fromkeys(variants, 0.0)
    count = dict.fromkeys(variants, 0)
    for i, data in enumerate(json.loads(sample.read_text())):
        name = list(variants)[i % len(variants)]
        compiler, source, adapt = variants[name]
        started = time.process_time()
        compiler.compile(
            source, format="pdf", sys_inputs={"data": adapt(data)}, pdf_standards=pdf.PDF_STANDARDS
        )
        if i >= len(variants):  # the first of each warms the fonts up
            cpu[name] += time.process_time() - started
            count[name] += 1
    print(json.dumps({name: 1000 * cpu[name] / max(1, count[name]) for name in variants}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
