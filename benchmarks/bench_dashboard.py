"""Load benchmark of `boernedata dashboard` (issue 23): 20 clients at once request every page type for
60 s while a build publishes a new release in the middle. Target: p95 ≤ 300 ms for a full page, server
side, and 0 errors.

    flock /tmp/boernedata-heavy.lock .venv/bin/python benchmarks/bench_dashboard.py \\
        --warehouse /tmp/me/cph/boernedata.duckdb --landing /tmp/cph/landing
    ... --no-cache          every page drawn afresh (the release cache off)
    ... --no-build          no build in the middle

The warehouse is an internal warehouse already built (its publication beside it is what the dashboard
serves). The dashboard runs as its own process (`boernedata dashboard`, waitress); the clients are
threads of this process, each without think time: it asks for the next page as soon as one is done.

A page load is what a browser sends for a page: the page (the HTML shell), the frame (`/_dash-layout`),
the callback graph (`/_dash-dependencies`) and the page's content (the router callback). The script
files are fetched once per client, as a browser caches them. Per page:
- server time: the sum of the server's `Server-Timing` durations of those four requests (the time the
  app spent on them, from the request reaching Flask to the response being ready);
- wall time: what the client waited, queueing in the server included.
An error is a failed request, a status other than 200, or a page that says it could not be shown. The
build (`boernedata build -- --select data_year_wheel`: dbt on one model, then the full publication step)
starts after `--build-at` seconds; the swap's moment is read from the `published` link, and every page
asked for after it must come from the new release.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "pytests"))

from fixtures.dashboard import router_body  # noqa: E402

from boernedata import releases  # noqa: E402

PAGE_TYPES = ("overview", "district", "institution", "indicator", "year_wheel", "watch_list")
RELEASE = re.compile(r"Udgivelse (\S+?)[,\"]")


def urls(published: Path) -> dict[str, list[tuple[str, str]]]:
    """Every page the clients pick from, per page type: (path, query)."""
    con = duckdb.connect(str(published), read_only=True)

    def column(sql: str) -> list:
        return [r[0] for r in con.execute(sql).fetchall()]

    try:
        ids = column("select distinct institution_id from marts.institution_indicators")
        codes = column("select distinct indicator_code from marts.institution_indicators")
        districts = column(
            "select distinct scope from marts.municipality_indicators where scope != 'kommune'"
        )
        groups = con.execute(
            "select distinct sector, benchmark_group from marts.institution_indicators"
        ).fetchall()
        half_years = column(
            "select distinct period_id from marts.institution_indicators where period_type = 'half_year'"
        )
    finally:
        con.close()
    q = requests.utils.quote
    return {
        "overview": [("/", f"?sektor={s}&gruppe={g}&periode={h}") for s, g in groups for h in half_years],
        "district": [
            (f"/distrikt/{q(d, safe='')}", f"?sektor={s}&gruppe={g}") for d in districts for s, g in groups
        ],
        "institution": [(f"/institution/{q(i, safe='')}", "") for i in ids],
        "indicator": [(f"/indikator/{c}", "") for c in codes],
        "year_wheel": [("/aarshjul", "")],
        "watch_list": [("/opmaerksomhed", "")],
    }


class Client(threading.Thread):
    def __init__(self, base: str, pages: dict, stop: threading.Event, seed: int, results: list, lock):
        super().__init__(daemon=True)
        self.base, self.pages, self.stop, self.rng = base, pages, stop, random.Random(seed)
        self.results, self.lock = results, lock
        self.session = requests.Session()

    def _get(self, method: str, path: str, **kw) -> tuple[requests.Response, float]:
        r = self.session.request(method, self.base + path, timeout=30, **kw)
        timing = r.headers.get("Server-Timing", "")
        m = re.search(r"dur=([\d.]+)", timing)
        return r, float(m.group(1)) if m else 0.0

    def run(self) -> None:
        shell = self.session.get(self.base + "/", timeout=30).text  # scripts once, as a browser caches them
        for src in re.findall(r'src="([^"]+)"', shell) + re.findall(r'href="(/assets/[^"]+)"', shell):
            self.session.get(self.base + src, timeout=30)
        turn = self.rng.randrange(len(PAGE_TYPES))
        while not self.stop.is_set():
            kind = PAGE_TYPES[turn % len(PAGE_TYPES)]
            turn += 1
            path, query = self.rng.choice(self.pages[kind])
            started = time.time()
            t0 = time.perf_counter()
            server_ms, error, release = 0.0, None, None
            try:
                for method, target, kw in (
                    ("GET", path + query, {}),
                    ("GET", "/_dash-layout", {}),
                    ("GET", "/_dash-dependencies", {}),
                    (
                        "POST",
                        "/_dash-update-component",
                        {"data": router_body(path, query), "headers": {"Content-Type": "application/json"}},
                    ),
                ):
                    r, ms = self._get(method, target, **kw)
                    server_ms += ms
                    if r.status_code != 200:
                        error = f"{method} {target}: HTTP {r.status_code}"
                        break
                else:
                    text = r.text
                    if "Siden kunne ikke vises" in text or "ingen publicerede data" in text:
                        error = f"{path}{query}: the page says it failed"
                    m = RELEASE.search(text)
                    release = m.group(1) if m else None
            except requests.RequestException as exc:
                error = f"{path}{query}: {type(exc).__name__}: {exc}"
            wall_ms = (time.perf_counter() - t0) * 1000
            with self.lock:
                self.results.append(
                    {"kind": kind, "started": started, "wall_ms": wall_ms, "server_ms": server_ms,
                     "error": error, "release": release}
                )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def _spread(values: list[float]) -> dict:
    if not values:
        return {}
    return {"p50": round(p(values, 50), 1), "p95": round(p(values, 95), 1), "max": round(max(values), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="internal warehouse, built")
    parser.add_argument("--landing", type=Path, help="its landing zone (for the build in the middle)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--build-at", type=float, default=18.0, help="seconds after the start (default 18)")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="the dashboard's release cache off")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    paths = releases.Paths.of(args.warehouse)
    published = paths.published_db
    before = releases.current_release(paths)
    pages = urls(published)
    port = free_port()
    code = (
        "import sys; from pathlib import Path; from boernedata.dashboard import serve; "
        f"sys.exit(serve(Path({str(published)!r}), '127.0.0.1', {port}, None, "
        f"cache_bytes={0 if args.no_cache else 'None'}))"
    )
    server = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(base + "/aarshjul", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.2)
    results: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()
    clients = [Client(base, pages, stop, seed, results, lock) for seed in range(args.clients)]
    start = time.time()
    for c in clients:
        c.start()
    build = None
    build_log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-dashboard-build-{os.getpid()}.log"
    swap_at = None
    while time.time() - start < args.duration:
        elapsed = time.time() - start
        if build is None and not args.no_build and elapsed >= args.build_at:
            command = [sys.executable, "-m", "boernedata.cli", "build", "--warehouse", str(args.warehouse)]
            if args.landing:
                command += ["--landing", str(args.landing)]
            command += ["--", "--select", "data_year_wheel"]
            build = subprocess.Popen(command, stdout=build_log.open("w"), stderr=subprocess.STDOUT)
        if swap_at is None and build is not None and releases.current_release(paths) != before:
            swap_at = time.time()
        time.sleep(0.05)
    stop.set()
    for c in clients:
        c.join(timeout=60)
    build_status = build.wait() if build is not None else None
    server.terminate()
    server.wait(timeout=30)
    after = releases.current_release(paths)

    ok = [r for r in results if not r["error"]]
    errors = [r for r in results if r["error"]]
    stale = [
        r
        for r in ok
        if swap_at and r["started"] > swap_at + 0.1 and r["release"] == (before.name if before else None)
    ]
    figures = {
        "clients": args.clients,
        "duration_s": args.duration,
        "cache": not args.no_cache,
        "pages": len(results),
        "pages_per_s": round(len(results) / args.duration, 1),
        "errors": len(errors),
        "server_ms": _spread([r["server_ms"] for r in ok]),
        "wall_ms": _spread([r["wall_ms"] for r in ok]),
        "per_type_server_p95_ms": {},
        "swap_at_s": round(swap_at - start, 1) if swap_at else None,
        "build_exit": build_status,
        "release_before": before.name if before else None,
        "release_after": after.name if after else None,
        "pages_after_swap": sum(1 for r in ok if swap_at and r["started"] > swap_at),
        "stale_pages_after_swap": len(stale),
        "first_errors": [r["error"] for r in errors[:5]],
    }  # fmt: skip
    by_kind = defaultdict(list)
    for r in ok:
        by_kind[r["kind"]].append(r["server_ms"])
    for kind in PAGE_TYPES:
        if by_kind[kind]:
            figures["per_type_server_p95_ms"][kind] = round(p(by_kind[kind], 95), 1)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    if build_status not in (None, 0):
        print(f"the build exited {build_status}: see {build_log}", file=sys.stderr)
    return 0 if not errors and build_status in (None, 0) else 1


if __name__ == "__main__":
    sys.exit(main())
