"""Benchmark `boernedata datapakke` on a Copenhagen-size period (issue 6: all packages of one period in
<= 2 minutes on a 2-core machine).

    .venv/bin/python benchmarks/bench_datapakke.py                       # ~650 institutions, HTML + PDF
    .venv/bin/python benchmarks/bench_datapakke.py --no-pdf              # HTML only
    .venv/bin/python benchmarks/bench_datapakke.py --warehouse warehouse/published/boernedata.duckdb

Builds the published-marts fixture (pytests/fixtures/published_marts.py) at Copenhagen scale unless
--warehouse is given, renders every package of the latest half-year and prints the wall time of the HTML
and PDF phases and the total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "pytests"))

# Copenhagen: ≈ 350 municipal and self-governing daycare units (+ private), 73 schools, and the leisure
# offers (SFOs, fritidshjem, klubber); ≈ 650 institutions in all.
COPENHAGEN = {"dagtilbud": 420, "skole": 73, "fritid": 160}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="published DuckDB file (default: build the fixture)")
    parser.add_argument("--period", help="half-year (default: the latest with data)")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="PDF worker processes (default 2)")
    args = parser.parse_args()

    from boernedata.datapakke import renderer

    with tempfile.TemporaryDirectory(prefix="bench-datapakke-") as tmp:
        warehouse = args.warehouse
        if warehouse is None:
            from fixtures.published_marts import build_published_marts

            warehouse = Path(tmp) / "published.duckdb"
            t = time.perf_counter()
            build_published_marts(warehouse, sizes=COPENHAGEN)
            print(
                f"fixture: {sum(COPENHAGEN.values())} institutions built in {time.perf_counter() - t:.1f} s"
            )

        out = Path(tmp) / "out"
        t = time.perf_counter()
        status = renderer.render(
            warehouse, args.period, None, out, pdf=not args.no_pdf, progress=False, workers=args.workers
        )
        total = time.perf_counter() - t
        period_dir = next(p for p in out.iterdir() if p.is_dir())
        html = len([p for p in period_dir.glob("*.html") if p.name != "index.html"])
        pdfs = len(list(period_dir.glob("*.pdf")))
        size = sum(p.stat().st_size for p in period_dir.glob("*.html")) / len(list(period_dir.glob("*.html")))
        print(
            f"packages: {html} HTML (mean {size / 1024:.0f} KiB), {pdfs} PDF; "
            f"total {total:.1f} s; exit {status}"
        )
        return status


if __name__ == "__main__":
    sys.exit(main())
