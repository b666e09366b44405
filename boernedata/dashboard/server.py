"""Serve the dashboard with waitress, a production WSGI server in pure Python (Windows and Linux alike),
on localhost unless told otherwise. `boernedata dashboard` runs `serve`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from boernedata.exit_codes import ExitCode

# Enough for 20 readers at once on 2 cores: DuckDB runs the queries outside the GIL (benchmarks.md).
THREADS = 8
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def serve(
    published: Path,
    host: str,
    port: int,
    packages: Path | None,
    threads: int = THREADS,
    cache_bytes: int | None = None,
) -> int:
    """Serve until interrupted; the exit status. `cache_bytes`: the release cache's size (None: the
    default of app.py; 0: off, for the benchmark)."""
    from waitress import create_server

    from boernedata.dashboard.app import create_app
    from boernedata.dashboard.publication import NotPublished

    published = Path(published)
    from boernedata.dashboard.app import CACHE_BYTES

    app = create_app(published, packages, CACHE_BYTES if cache_bytes is None else cache_bytes)
    try:
        with app.publication.snapshot() as snap:
            release = snap.release_id
    except NotPublished as exc:
        print(f"boernedata dashboard: {exc}", file=sys.stderr)
        print(
            "boernedata dashboard: run `boernedata build` first, or pass --warehouse with the published "
            "file.",
            file=sys.stderr,
        )
        return ExitCode.CANNOT_RUN
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        server = create_server(app.server, host=host, port=port, threads=threads, ident="boernedata")
    except OSError as exc:
        print(f"boernedata dashboard: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return ExitCode.CANNOT_RUN
    shown = f"[{host}]" if ":" in host else host
    print(f"boernedata dashboard: {published} (release {release})", file=sys.stderr)
    print(
        f"boernedata dashboard: open http://{shown}:{port}/  (Ctrl-C stops it)", file=sys.stderr, flush=True
    )
    if host not in LOOPBACK:
        print(
            f"boernedata dashboard: listening on {host}, not only on this machine: anyone who can reach it "
            "sees the published figures (there is no login).",
            file=sys.stderr,
        )
    try:
        server.run()
    finally:
        server.close()
    return ExitCode.OK
