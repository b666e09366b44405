"""Render the data packages of one half-year: HTML per institution, the period index, the root index and
(optionally) a PDF of each package, typeset by Typst from the same context (pdf.py).

Output: <out>/<period>/<institution_id>_<name>.html (+ .pdf; `file_stem`), <out>/<period>/index.html,
<out>/index.html. The HTML is self-contained (inline CSS and SVG, no scripts, no external references), so a
package opens from a file share or an e-mail attachment without network access.

Progress goes to stderr for both steps: a tqdm bar on a terminal, else a line every tenth of the packages
(at least every 10), so a log shows that the PDF step is moving too.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import jinja2
from tqdm import tqdm

from boernedata.datapakke import content, periods
from boernedata.datapakke import pdf as pdf_typesetting
from boernedata.datapakke.data import DatapakkeError, connect, load
from boernedata.exit_codes import ExitCode

TEMPLATES = Path(__file__).parent / "templates"
SECTOR_ORDER = {"dagtilbud": 0, "skole": 1, "fritid": 2}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", "ß": "ss"})
NAME_CHARS = 60  # of the name in a file name: long enough to recognise, short enough for any file system


def _ascii(text: str) -> str:
    """'Skolen på Højen' -> 'Skolen_paa_Hoejen': Danish letters spelled out, accents dropped, every run of
    other characters one underscore."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_DANISH))
    text = "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def file_stem(institution_id: str, name: str = "") -> str:
    """A package's file name without suffix: the institution id, then its name, ASCII only
    ('S2001_Valby_Skole'). The id comes first, so a listing sorts by id and the stem stays unique."""
    stem = re.sub(r"[^A-Za-z0-9-]", "_", institution_id)
    name = _ascii(name)[:NAME_CHARS].rstrip("_")
    return f"{stem}_{name}" if name else stem


def file_stems(institutions: list[dict]) -> dict[str, str]:
    """institution_id -> file stem for every institution of a period. Two ids that spell the same in ASCII
    (e.g. 'A/1' and 'A 1') each get a short hash of the id, so no package overwrites another."""
    stems = {i["institution_id"]: file_stem(i["institution_id"], i["name"]) for i in institutions}
    seen: dict[str, int] = defaultdict(int)
    for stem in stems.values():
        seen[stem.lower()] += 1  # case-insensitive file systems
    return {
        iid: stem if seen[stem.lower()] == 1 else f"{stem}_{hashlib.sha1(iid.encode()).hexdigest()[:8]}"
        for iid, stem in stems.items()
    }


def progress_mode(progress: bool | None) -> str:
    """'bar' (tqdm), 'lines' (a line now and then, for logs) or 'off'. None: a bar on a terminal, else
    lines."""
    if progress is None:
        return "bar" if sys.stderr.isatty() else "lines"
    return "bar" if progress else "off"


def _progress(items: Iterable, total: int, desc: str, unit: str, mode: str) -> Iterator:
    if mode == "bar":
        yield from tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr)
        return
    step = max(10, -(-total // 10))
    if mode == "lines":
        print(f"{desc}: 0/{total}", file=sys.stderr, flush=True)
    for done, item in enumerate(items, start=1):
        yield item
        if mode == "lines" and (done % step == 0 or done == total):
            print(f"{desc}: {done}/{total}", file=sys.stderr, flush=True)


def render(
    warehouse: Path,
    period: str | None,
    institution: str | None,
    out: Path,
    pdf: bool,
    progress: bool | None = None,
    workers: int = 2,
) -> int:
    """Render packages; returns the exit status (0 ok, 1 some PDFs failed, 2 nothing rendered)."""
    started = time.perf_counter()
    try:
        con = connect(Path(warehouse))
        try:
            marts = load(con, period, institution, source=str(warehouse))
        finally:
            con.close()
    except DatapakkeError as exc:
        print(f"boernedata datapakke: {exc}", file=sys.stderr)
        return ExitCode.CANNOT_RUN
    if not marts.institutions:
        print(f"boernedata datapakke: no institutions in {marts.period}; nothing to render.", file=sys.stderr)
        return ExitCode.CANNOT_RUN
    mode = progress_mode(progress)
    stems = file_stems(marts.all_institutions)

    env = _environment()
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    package_tpl = env.get_template("package.html.j2")
    period_dir = Path(out) / marts.period
    period_dir.mkdir(parents=True, exist_ok=True)

    summaries = []
    n = len(marts.institutions)
    # the PDFs are typeset in worker processes while this one writes the HTML of the next packages
    with contextlib.ExitStack() as stack:
        typesetter = stack.enter_context(pdf_typesetting.Typesetter(workers)) if pdf else None
        for inst in _progress(marts.institutions, n, "datapakker (HTML)", "pakke", mode):
            ctx = content.package_context(marts, inst)
            stem = stems[inst["institution_id"]]
            (period_dir / f"{stem}.html").write_text(package_tpl.render(css=css, **ctx), encoding="utf-8")
            summaries.append(_summary(inst, ctx, stem))
            if typesetter:
                typesetter.submit(
                    f"{stem}.pdf", pdf_typesetting.package_data(ctx), period_dir / f"{stem}.pdf"
                )
        html_seconds = time.perf_counter() - started
        failures = _report_pdfs(typesetter, n, mode) if typesetter else 0
    pdf_seconds = time.perf_counter() - started - html_seconds

    _write_period_index(env, css, marts, period_dir, summaries, stems)
    _write_root_index(env, css, Path(out))
    print(
        f"boernedata datapakke: {len(summaries)} datapakker for {marts.period} i {period_dir} "
        f"(HTML {html_seconds:.1f} s" + (f", PDF {pdf_seconds:.1f} s" if pdf else "") + ")",
        file=sys.stderr,
    )
    if failures:
        print(f"boernedata datapakke: {failures} PDF(s) failed; see the messages above.", file=sys.stderr)
        return ExitCode.FAILED
    return ExitCode.OK


def _report_pdfs(typesetter: pdf_typesetting.Typesetter, n: int, mode: str) -> int:
    failures = 0
    for name, error in _progress(typesetter.results(), n, "datapakker (PDF)", "pdf", mode):
        if error:
            failures += 1
            print(f"boernedata datapakke: {name}: PDF failed: {error}", file=sys.stderr)
    return failures


def _summary(inst: dict, ctx: dict, stem: str) -> dict:
    return {
        "institution_id": inst["institution_id"],
        "name": inst["name"],
        "district": inst["district"] or "uden område",
        "sector": inst["sector"],
        "type_da": ctx["type_da"],
        "better": ctx["counts"]["better"],
        "worse": ctx["counts"]["worse"],
        "withheld": ctx["counts"]["withheld"],
        "html": f"{stem}.html",
        "pdf_name": f"{stem}.pdf",
    }


def _write_period_index(
    env, css: str, marts, period_dir: Path, summaries: list[dict], stems: dict[str, str]
) -> None:
    """Index of the period, grouped by district and sector. With --institution, the packages rendered
    earlier for the period stay listed: every institution of the period whose HTML file exists."""
    rendered = {s["institution_id"]: s for s in summaries}
    listed = []
    for inst in marts.all_institutions:
        s = rendered.get(inst["institution_id"])
        if s is None:
            stem = stems[inst["institution_id"]]
            if not (period_dir / f"{stem}.html").exists():
                continue
            s = {
                "institution_id": inst["institution_id"],
                "name": inst["name"],
                "district": inst["district"] or "uden område",
                "sector": inst["sector"],
                "type_da": content.TYPE_DA.get(inst["institution_type"], inst["institution_type"]),
                "better": "",
                "worse": "",
                "withheld": "",
                "html": f"{stem}.html",
                "pdf_name": f"{stem}.pdf",
            }
        s = dict(s, pdf=s["pdf_name"] if (period_dir / s["pdf_name"]).exists() else None)
        listed.append(s)
    grouped: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for s in sorted(listed, key=lambda s: (s["district"], SECTOR_ORDER.get(s["sector"], 9), s["name"])):
        grouped[s["district"]][s["sector"]].append(s)
    groups = [
        (
            district,
            [(content.SECTOR_DA.get(sector, sector), packages) for sector, packages in sectors.items()],
        )
        for district, sectors in grouped.items()
    ]
    html = env.get_template("index.html.j2").render(
        css=css,
        period_label=periods.label("half_year", marts.period),
        position=periods.loop_position(marts.period)[1],
        total=len(listed),
        groups=groups,
        watch_list=content.watch_index(marts, stems),
    )
    (period_dir / "index.html").write_text(html, encoding="utf-8")


def _write_root_index(env, css: str, out: Path) -> None:
    """<out>/index.html: every half-year folder that has an index, newest first."""
    entries = []
    for d in sorted(out.iterdir(), reverse=True):
        try:
            periods.parse_half_year(d.name)
        except ValueError:
            continue
        if (d / "index.html").is_file():
            entries.append(
                {
                    "href": f"{d.name}/index.html",
                    "label": periods.label("half_year", d.name).capitalize(),
                    "count": sum(1 for p in d.glob("*.html") if p.name != "index.html"),
                    "position": periods.loop_position(d.name)[1],
                }
            )
    (out / "index.html").write_text(
        env.get_template("periods.html.j2").render(css=css, periods=entries), encoding="utf-8"
    )
