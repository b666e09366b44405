"""PDFs of the packages: Typst (the `typst` wheel, no browser), from the same context as the HTML.

Each package is typeset from templates/package.typ with its context as JSON. The PDF is tagged PDF/UA-1
(headings, tables with header rows, the language, a title, alt text on every chart); Typst checks the
rules it can (a package without a title or a chart without alt text fails instead of being written). A
package costs Typst about 0.1 s of CPU, against about 0.28 s for Chromium to load and print the HTML
(docs/benchmarks.md).

The work is split over worker processes, each with its own compiler (`Typesetter`), which typeset while
the caller writes the HTML of the next packages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

from markupsafe import Markup

TEMPLATE = Path(__file__).parent / "templates" / "package.typ"
PDF_STANDARDS = ["ua-1"]  # tagged and accessible; Typst refuses a package that breaks a rule it checks

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def package_data(ctx: dict) -> str:
    """A package context (content.package_context) as the JSON the Typst template reads."""
    return json.dumps(_plain(ctx), ensure_ascii=False)


def _plain(value: object) -> object:
    """JSON-ready: an SVG chart becomes {svg, alt} (alt: its title), a dataclass a dict of its fields and
    properties (Group.plural), a date ISO text."""
    if isinstance(value, Markup) and value.startswith("<svg"):
        title = _TITLE.search(value)
        return {"svg": str(value), "alt": html.unescape(title.group(1)) if title else "Graf"}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        properties = {n: getattr(value, n) for n, a in vars(type(value)).items() if isinstance(a, property)}
        return _plain(fields | properties)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"a data package cannot show a {type(value).__name__}: {value!r}")


def typeset(compiler, data: str, pdf_path: Path) -> None:
    """One package's PDF, written under a temporary name and renamed: never half a PDF under the final
    name."""
    tmp = pdf_path.with_suffix(".pdf.tmp")
    try:
        compiler.compile(
            _template(), output=str(tmp), format="pdf", sys_inputs={"data": data}, pdf_standards=PDF_STANDARDS
        )
        os.replace(tmp, pdf_path)
    finally:
        tmp.unlink(missing_ok=True)


@functools.cache
def _template() -> bytes:
    return TEMPLATE.read_bytes()


_compiler = None  # one per worker process: Typst keeps the fonts it has loaded between packages


def _init_worker() -> None:
    global _compiler
    import typst

    _compiler = typst.Compiler(root=str(TEMPLATE.parent))


def _typeset_job(key: str, data: str, pdf_path: Path) -> tuple[str, str | None]:
    try:
        typeset(_compiler, data, pdf_path)
        return key, None
    except Exception as exc:  # report per package, keep going with the others
        return key, f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}"


class Typesetter:
    """Typesets packages in worker processes while the caller goes on (the HTML of the next packages):

        with Typesetter(workers=2) as typesetter:
            typesetter.submit("S2001_Valby_Skole.pdf", package_data(ctx), path)
            ...
            for key, error in typesetter.results(): ...

    Processes, not threads: on two cores, two processes typeset a package every ~50 ms, two threads every
    ~65 ms (measured; docs/benchmarks.md). Forked, so a worker does not import the project again; the
    caller's DuckDB connection is closed before the first package."""

    def __init__(self, workers: int = 2):
        self._pool = ProcessPoolExecutor(
            max(1, workers), mp_context=get_context("fork"), initializer=_init_worker
        )
        self._futures: list[Future] = []

    def submit(self, key: str, data: str, pdf_path: Path) -> None:
        self._futures.append(self._pool.submit(_typeset_job, key, data, pdf_path))

    def results(self) -> Iterator[tuple[str, str | None]]:
        """(key, error or None) of every submitted package, as they finish."""
        for future in as_completed(self._futures):
            yield future.result()

    def __enter__(self) -> Typesetter:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(cancel_futures=exc[0] is not None)


def write_pdfs(jobs: list[tuple[str, str, Path]], workers: int = 2) -> Iterator[tuple[str, str | None]]:
    """Typeset (key, package JSON, pdf path) jobs; yields (key, error or None) as they finish."""
    with Typesetter(workers) as typesetter:
        for job in jobs:
            typesetter.submit(*job)
        yield from typesetter.results()
