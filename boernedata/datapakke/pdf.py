"""PDFs of the packages: headless Chromium when installed (one browser, a few tabs printing in parallel over
the DevTools pipe), else WeasyPrint in a small process pool.

Chromium prints a package several times faster than WeasyPrint (docs/benchmarks.md), which is what
makes a whole Copenhagen-size period fit in a few minutes. Both honour the print stylesheet (A4, page
breaks, footer). WeasyPrint gets a URL fetcher that refuses everything, so a stray reference can't
reach the network.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from boernedata.datapakke import cdp


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"external resource refused in a data package: {url}")


def _init_worker() -> None:
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def html_to_pdf(html_path: Path, pdf_path: Path) -> None:
    from weasyprint import HTML

    tmp = pdf_path.with_suffix(".pdf.tmp")
    HTML(filename=str(html_path), url_fetcher=_no_fetch).write_pdf(str(tmp))
    os.replace(tmp, pdf_path)  # never leave half a PDF under the final name


def _convert(job: tuple[Path, Path]) -> tuple[Path, str | None]:
    try:
        html_to_pdf(*job)
        return job[0], None
    except Exception as exc:  # report per file, keep going with the others
        return job[0], f"{type(exc).__name__}: {exc}"


def write_pdfs(
    jobs: list[tuple[Path, Path]], workers: int = 2, progress: bool = False, engine: str | None = None
) -> Iterator[tuple[Path, str | None]]:
    """Convert (html, pdf) pairs; yields (html, error or None) as they finish.

    engine: 'chromium', 'weasyprint' or None = Chromium if installed, else WeasyPrint.
    """
    if engine is None:
        engine = "chromium" if cdp.find_chromium() else "weasyprint"
    if engine == "chromium":
        yield from _chromium(jobs, workers, progress)
        return
    if workers <= 1 or len(jobs) <= 1:
        _init_worker()
        for job in tqdm(jobs, desc="datapakker (PDF)", unit="pdf", disable=not progress):
            yield _convert(job)
        return
    # forkserver/spawn would re-import pandas and duckdb per worker; fork is cheap and these workers
    # touch no DuckDB connection.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_init_worker) as pool:
        futures = [pool.submit(_convert, job) for job in jobs]
        for future in tqdm(
            as_completed(futures),
            total=len(futures),
            desc="datapakker (PDF)",
            unit="pdf",
            disable=not progress,
        ):
            yield future.result()


def _chromium(jobs: list[tuple[Path, Path]], tabs: int, progress: bool) -> Iterator[tuple[Path, str | None]]:
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)
    done: queue.Queue = queue.Queue()

    def work(browser: cdp.Browser) -> None:
        page = browser.open_page()
        while True:
            try:
                html_path, pdf_path = todo.get_nowait()
            except queue.Empty:
                break
            try:
                page.goto(html_path)
                page.pdf(pdf_path)
                done.put((html_path, None))
            except Exception as exc:  # report per file, keep going with the others
                done.put((html_path, f"{type(exc).__name__}: {exc}"))
        page.close()

    with cdp.Browser() as browser:
        threads = [threading.Thread(target=work, args=(browser,), daemon=True) for _ in range(max(tabs, 1))]
        for t in threads:
            t.start()
        for _ in tqdm(range(len(jobs)), desc="datapakker (PDF)", unit="pdf", disable=not progress):
            yield done.get()
        for t in threads:
            t.join()
