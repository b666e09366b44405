"""PDFs of the packages: Typst (the `typst` wheel, no browser), from the same context as the HTML.

Each package is typeset from templates/package.typ with its context as JSON. The PDF is tagged PDF/UA-1
(headings, tables with header rows, the language, a title, alt text on every chart); Typst checks the
rules it can (a package without a title or a chart without alt text fails instead of being written). A
package costs Typst 60-90 ms of CPU (docs/benchmarks.md), against about 0.28 s for Chromium to load and
print the HTML.

The work is split over worker processes, each with its own compiler (`Typesetter`), which typeset while
the caller writes the HTML of the next packages. The text is set in the bundled Boernedata Sans (fonts/: a
subset of DejaVu Sans, so every machine gives the same PDF), and the workers run on jemalloc when the
machine has it (settings.ENV_PDF_MALLOC).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import json
import os
import re
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

from markupsafe import Markup

from boernedata import settings

TEMPLATE = Path(__file__).parent / "templates" / "package.typ"
FONTS = Path(__file__).parent / "fonts"  # Boernedata Sans; the machine's fonts only for glyphs it lacks
PDF_STANDARDS = ["ua-1"]  # tagged and accessible; Typst refuses a package that breaks a rule it checks

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_AS_IS = frozenset({str, int, float, bool})


def package_data(ctx: dict) -> str:
    """A package context (content.package_context) as the JSON the Typst template reads."""
    return json.dumps(_plain(ctx), ensure_ascii=False)


def _plain(value: object) -> object:
    """JSON-ready: an SVG chart becomes {svg, alt} (alt: its title), a dataclass a dict of its fields and
    properties (Group.plural), a date ISO text."""
    if type(value) in _AS_IS or value is None:  # most values: a type test before the isinstance chain
        return value
    if isinstance(value, Markup) and value.startswith("<svg"):
        title = _TITLE.search(value)
        return {"svg": str(value), "alt": html.unescape(title.group(1)) if title else "Graf"}
    if isinstance(value, str | int | float | bool):  # their subclasses (a Markup that is not a chart)
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
    _compiler = compiler()


def compiler():
    """A Typst compiler for the package template, with the bundled fonts."""
    import typst

    return typst.Compiler(root=str(TEMPLATE.parent), font_paths=[str(FONTS)])


def malloc_library() -> str | None:
    """The allocator the workers preload, or None: $BOERNEDATA_PDF_MALLOC if set ("" for none), else
    jemalloc when the dynamic linker knows it (Linux only). Typst spends about an eighth of its time in
    glibc's malloc and free; on jemalloc all copenhagen packages took about 15 % less time
    (docs/benchmarks.md)."""
    if settings.ENV_PDF_MALLOC in os.environ:
        return os.environ[settings.ENV_PDF_MALLOC] or None
    if not sys.platform.startswith("linux"):
        return None
    import ctypes.util

    return ctypes.util.find_library("jemalloc")


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
    ~65 ms (measured; docs/benchmarks.md). Spawned, not forked, so that they start on the preloaded
    allocator; the environment that carries it is this pool's own and is put back as it was."""

    def __init__(self, workers: int = 2):
        self._preload_before = _preload(malloc_library())
        self._pool = ProcessPoolExecutor(
            max(1, workers), mp_context=get_context("spawn"), initializer=_init_worker
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
        try:
            self._pool.shutdown(cancel_futures=exc[0] is not None)
        finally:
            if self._preload_before is None:
                os.environ.pop("LD_PRELOAD", None)
            else:
                os.environ["LD_PRELOAD"] = self._preload_before


def _preload(library: str | None) -> str | None:
    """Adds a library to LD_PRELOAD for the processes started from now on (a spawned worker starts with
    this process's environment; this process is already running); returns LD_PRELOAD as it was."""
    before = os.environ.get("LD_PRELOAD")
    if library:
        os.environ["LD_PRELOAD"] = " ".join(filter(None, (library, before)))
    return before


def write_pdfs(jobs: list[tuple[str, str, Path]], workers: int = 2) -> Iterator[tuple[str, str | None]]:
    """Typeset (key, package JSON, pdf path) jobs; yields (key, error or None) as they finish."""
    with Typesetter(workers) as typesetter:
        for job in jobs:
            typesetter.submit(*job)
        yield from typesetter.results()
