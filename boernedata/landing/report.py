"""The data-quality report of a landing run: one self-contained HTML page per run, plus latest.html.

In Danish (its readers are the municipality's data stewards), problems first: rejected files, held
deliveries and quarantined rows, each with the file, the lines, the reason and what to do, and relative
links to the quarantined (or held) rows under `<landing>/_quarantine/`. Then the totals per extract (rows
read = landed + quarantined + held), every file, redactions and the Great Expectations cross-check. The
file-level messages of the landing step (why a file was rejected) are shown as it wrote them.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from collections import Counter
from pathlib import Path

from boernedata import landing_zone as zone
from boernedata.landing.outcome import FileOutcome
from boernedata.landing.parse import REASONS
from boernedata.landing.suite_runner import EXTRACT_SAMPLE_ROWS, MIN_SAMPLE_ROWS, SAMPLE_ROWS, SuiteRunner

SAMPLE_QUARANTINE_ROWS = 5  # quarantined rows shown per file (all of them are in its Parquet file)

CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}
.landed,.replaced,.pass{color:#176b2c}.unchanged{color:#666}.rejected,.fail{color:#b00020;font-weight:bold}
.held_shrunk,.warn{color:#8a5a00;font-weight:bold}small{color:#666}
.problems{border:2px solid #b00020;padding:0 1em;margin-bottom:2em}
.ok{border:2px solid #176b2c;padding:.5em 1em}
code.row{font-size:.85em;word-break:break-all}
"""

STATUS_DA = {
    zone.LANDED: "indlæst",
    zone.REPLACED: "erstattet",
    zone.UNCHANGED: "uændret",
    zone.REJECTED: "afvist",
    zone.HELD: "tilbageholdt",
}


def _e(x: object) -> str:
    return html.escape(str(x))


def _n(x: int) -> str:
    return f"{x:,}".replace(",", ".")  # Danish thousands separator


def write_report(
    landing: Path, raw: Path, run_id: str, outcomes: list[FileOutcome], suites: SuiteRunner
) -> Path:
    """Write the run's report and copy it to latest.html; the report's path."""
    target = zone.report_file(landing, run_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(landing, raw, run_id, outcomes, suites), encoding="utf-8")
    shutil.copyfile(target, zone.latest_report(landing))
    return target


def render(landing: Path, raw: Path, run_id: str, outcomes: list[FileOutcome], suites: SuiteRunner) -> str:
    links = _Links(landing)
    outs = outcomes
    rejected = [o for o in outs if o.delivery.status == zone.REJECTED]
    held = [o for o in outs if o.delivery.status == zone.HELD]
    flagged = [o for o in outs if o.reasons and o.delivery.status in (zone.LANDED, zone.REPLACED)]
    statuses = sorted(Counter(o.delivery.status for o in outs).items())
    h = [
        "<!doctype html><html lang='da'><meta charset='utf-8'>",
        f"<title>boernedata land {run_id}</title><style>{CSS}</style>",
        f"<h1>Modtagelse af udtræk, kørsel {run_id}</h1>",
        f"<p>Rå mappe <code>{_e(raw)}</code> → landingszone <code>{_e(landing)}</code>. "
        + ", ".join(f"{n} {STATUS_DA.get(s, s)}" for s, n in statuses)
        + ".</p>",
    ]
    h += _problems(rejected, held, flagged, links)
    h += _totals(outs)
    h += _quarantine_details(flagged, links)
    h += _files(outs)
    h += _redactions(outs)
    h += _suites(suites)
    h.append("</html>")
    return "\n".join(h)


class _Links:
    """Relative links from the report folder to a file's quarantined or held rows."""

    def __init__(self, landing: Path) -> None:
        self.landing, self.reports = landing, zone.reports_dir(landing)

    def quarantined(self, o: FileOutcome) -> Path:
        return zone.quarantine_file(self.landing, o.delivery.extract, o.delivery.period)

    def held_rows(self, o: FileOutcome) -> Path:
        return zone.held_files(self.landing, o.delivery.extract, o.delivery.period)[0]

    def a(self, path: Path, text: str) -> str:
        return f"<a href='{_e(os.path.relpath(path, self.reports))}'>{_e(text)}</a>"


def _count(n: int, one: str, many: str) -> str:
    return f"{_n(n)} {one if n == 1 else many}"


def _header(*columns: str) -> str:
    """A table's opening with its header row."""
    return "<table><tr>" + "".join(f"<th>{c}</th>" for c in columns) + "</tr>"


def _anchor(o: FileOutcome) -> str:
    return "fil-" + "".join(c if c.isalnum() else "-" for c in o.delivery.file)


def _problems(rejected, held, flagged, links: _Links) -> list[str]:
    rows_q = sum(o.delivery.rows_quarantined for o in flagged)
    if not (rejected or held or flagged):
        return [
            "<section class='ok'><h2>Ingen problemer</h2><p>Alle filer blev læst og indlæst, ingen "
            "leverance er tilbageholdt, og ingen rækker er sat i karantæne i denne kørsel.</p></section>"
        ]
    h = [
        "<section class='problems' id='problemer'><h2>Problemer</h2>",
        f"<p><b>{_count(len(rejected), 'afvist fil', 'afviste filer')}, "
        f"{_count(len(held), 'tilbageholdt leverance', 'tilbageholdte leverancer')}, "
        f"{_count(rows_q, 'række', 'rækker')} i karantæne i {_count(len(flagged), 'fil', 'filer')}.</b> "
        "Kørslen slutter med exit-status 1, når en fil er afvist "
        "eller tilbageholdt.</p>",
    ]
    if rejected:
        h.append(
            "<h3>Afviste filer</h3><p>Intet fra disse filer er indlæst; en tidligere leverance for samme "
            "periode er stadig indlæst.</p><table><tr><th>fil</th><th>hvad er galt (fra kontrollen)</th>"
            "<th>hvad du skal gøre</th></tr>"
        )
        h += [
            f"<tr><td><code>{_e(o.delivery.file)}</code></td><td>{_e(o.delivery.message)}</td>"
            f"<td>{_e(_rejected_advice(o.delivery.message))}</td></tr>"
            for o in rejected
        ]
        h.append("</table>")
    if held:
        h.append(
            "<h3>Tilbageholdte leverancer</h3><p>En genlevering, der har langt færre rækker end det, den "
            "ville erstatte, indlæses ikke: de indlæste rækker bliver stående, og leverancens rækker "
            "(pseudonymiseret) gemmes i karantænen, indtil nogen har taget stilling.</p>"
            + _header("fil", "rækker indlæst nu", "rækker i leverancen", "hvad du skal gøre")
        )
        for o in held:
            d = o.delivery
            h.append(
                f"<tr><td><code>{_e(d.file)}</code></td><td class='n'>{_n(d.shrunk_from or 0)}</td>"
                f"<td class='n'>{_n(d.rows_read)}</td><td>Spørg kildesystemet, om leverancen er komplet. Er "
                f"den rigtig: <code>boernedata land --accept-shrink {_e(d.file)}</code>. Ellers: lever hele "
                f"filen igen. Rækkerne: {links.a(links.held_rows(o), 'tilbageholdte rækker (Parquet)')}"
                "</td></tr>"
            )
        h.append("</table>")
    if flagged:
        h.append(
            "<h3>Rækker i karantæne</h3><p>Filens gode rækker er indlæst; de fejlbehæftede står i "
            "karantænen med fil, linje og årsag. Ret linjerne ved kilden og lever filen igen.</p>"
            "<table><tr><th>fil</th><th>rækker i karantæne</th><th>årsager (første linjer)</th>"
            "<th>rækkerne</th></tr>"
        )
        for o in flagged:
            reasons = "<br>".join(
                f"{_e(col or 'linjen')}: {_e(REASONS.get(reason, reason))} ({_n(n)}; linje "
                + ", ".join(str(x) for x in o.examples.get((col, reason), [])[:3])
                + ")"
                for (col, reason), n in o.reasons.most_common()
            )
            h.append(
                f"<tr><td><code>{_e(o.delivery.file)}</code></td>"
                f"<td class='n'>{_n(o.delivery.rows_quarantined)} af {_n(o.delivery.rows_read)}</td>"
                f"<td>{reasons}</td><td><a href='#{_anchor(o)}'>vis</a> · "
                f"{links.a(links.quarantined(o), 'alle (Parquet)')}</td></tr>"
            )
        h.append("</table>")
    h.append("</section>")
    return h


def _rejected_advice(message: str) -> str:
    if "not in any contract's folder" in message:
        return "Flyt filen til den rigtige mappe <system>/<udtræk>/ under den rå mappe, eller fjern den."
    if "does not match the contract's file name" in message:
        return "Omdøb filen, så navnet følger kontrakten (se beskeden), og kør land igen."
    return "Ret filen ved kilden (se beskeden) og lever den igen under samme navn."


def _totals(outs) -> list[str]:
    """Rows per extract; an unchanged file counts its earlier delivery (its rows are the landed ones)."""
    keys = ("rows_read", "rows_landed", "rows_quarantined", "rows_held")
    per: dict[str, Counter] = {}
    for o in outs:
        c = per.setdefault(o.delivery.extract or "(intet udtræk)", Counter())
        c["files"] += 1
        c["rejected"] += o.delivery.status == zone.REJECTED
        for k in keys:
            c[k] += getattr(o.delivery, k)
    h = [
        "<h2>Totaler pr. udtræk</h2><p><small>Læst = indlæst + karantæne + tilbageholdt, for hver fil. En "
        "uændret fil tæller med sin tidligere leverance.</small></p>"
        + _header("udtræk", "filer", "afviste filer", "rækker læst", "indlæst", "karantæne", "tilbageholdt")
    ]
    for key, c in sorted(per.items()):
        h.append(
            f"<tr><td>{_e(key)}</td><td class='n'>{c['files']}</td><td class='n'>{c['rejected']}</td>"
            + "".join(f"<td class='n'>{_n(c[k])}</td>" for k in keys)
            + "</tr>"
        )
    total = Counter()
    for c in per.values():
        total.update(c)
    h.append(
        f"<tr><th>i alt</th><th class='n'>{total['files']}</th><th class='n'>{total['rejected']}</th>"
        + "".join(f"<th class='n'>{_n(total[k])}</th>" for k in keys)
        + "</tr></table>"
    )
    return h


def _quarantine_details(flagged, links: _Links) -> list[str]:
    if not flagged:
        return []
    h = [
        "<h2>Karantæne pr. fil</h2><p><small>De første rækker af hver fil; CPR-numre er pseudonymiseret "
        "eller maskeret, fritekst renset. Alle rækker står i karantænefilen (Parquet, åbnes fx med "
        "DuckDB).</small></p>"
    ]
    for o in flagged:
        h.append(
            f"<h3 id='{_anchor(o)}'><code>{_e(o.delivery.file)}</code></h3><table><tr><th>kolonne</th>"
            "<th>årsag</th><th>rækker</th><th>første linjer</th></tr>"
        )
        for (col, reason), n in o.reasons.most_common():
            lines = ", ".join(str(x) for x in o.examples.get((col, reason), []))
            h.append(
                f"<tr><td>{_e(col or '(linjen)')}</td><td><b>{_e(reason)}</b>: {_e(REASONS.get(reason, ''))}"
                f"</td><td class='n'>{_n(n)}</td><td>{lines}</td></tr>"
            )
        h.append("</table>")
        h += _sample_rows(links.quarantined(o))
        h.append(f"<p>{links.a(links.quarantined(o), 'Alle karantænerækker for filen (Parquet)')}</p>")
    return h


def _sample_rows(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        batch = next(pq.ParquetFile(path).iter_batches(batch_size=SAMPLE_QUARANTINE_ROWS), None)
    except OSError:
        return []
    if batch is None:
        return []
    h = ["<table><tr><th>linje</th><th>årsager</th><th>værdier</th></tr>"]
    for r in batch.to_pylist():
        values = ", ".join(f"{k}={v}" for k, v in json.loads(r["row"] or "{}").items())
        h.append(
            f"<tr><td class='n'>{r['_source_line']}</td><td>{_e(r['reasons'])}</td>"
            f"<td><code class='row'>{_e(values)}</code></td></tr>"
        )
    h.append("</table>")
    return h


def _files(outs) -> list[str]:
    h = [
        "<h2>Alle filer</h2><table><tr><th>fil</th><th>status</th><th>læst</th><th>indlæst</th>"
        "<th>karantæne</th><th>tilbageholdt</th><th>besked</th></tr>"
    ]
    for o in outs:
        d = o.delivery
        flag = " <small>(mindre, indlæst med --accept-shrink)</small>" if d.accepted_shrink else ""
        h.append(
            f"<tr><td><code>{_e(d.file)}</code></td>"
            f"<td class='{d.status}'>{STATUS_DA.get(d.status, d.status)}{flag}</td>"
            f"<td class='n'>{_n(d.rows_read)}</td><td class='n'>{_n(d.rows_landed)}</td>"
            f"<td class='n'>{_n(d.rows_quarantined)}</td><td class='n'>{_n(d.rows_held)}</td>"
            f"<td>{_e(d.message)}</td></tr>"
        )
    h.append("</table>")
    return h


def _redactions(outs) -> list[str]:
    red = [o for o in outs if o.redactions]
    if not red:
        return []
    h = ["<h2>Renset fritekst</h2><table><tr><th>fil</th><th>erstatninger</th></tr>"]
    for o in red:
        txt = ", ".join(f"{n} {k}" for k, n in sorted(o.redactions.items()))
        h.append(f"<tr><td><code>{_e(o.delivery.file)}</code></td><td>{_e(txt)}</td></tr>")
    h.append("</table>")
    return h


def _suites(suites: SuiteRunner) -> list[str]:
    h = []
    if suites.errors:
        h.append("<h2 class='fail'>Fejl i krydskontrollen (Great Expectations)</h2><ul>")
        h += [f"<li>{_e(e)}</li>" for e in suites.errors]
        h.append("</ul>")
    h.append(
        "<h2>Great Expectations-kontrol</h2><p><small>En suite pr. udtræk, bygget fra "
        "<code>boernedata/contracts.py</code>, kørt på de fortolkede rækker (typede, før karantæne) i "
        "filerne fra denne kørsel: alle rækker i en lille fil, ellers dens første "
        f"{_n(MIN_SAMPLE_ROWS)} til {_n(SAMPLE_ROWS)} rækker (omkring {_n(EXTRACT_SAMPLE_ROWS)} rækker pr. "
        "udtræk og kørsel). Landingens egne kontroller læser hver række og afgør karantænen; suiten er "
        "kontraktens maskinlæsbare kopi. Værdier, der ikke kan fortolkes, er tomme dér, så <i>not null</i> "
        "tæller både manglende og ufortolkelige værdier. 'Krydskontrol' sammenligner GE's antal med "
        "karantænens antal for samme rækker, kolonne og årsag.</small></p>"
    )
    for key, results in sorted(suites.results.items()):
        h.append(
            f"<h3>{_e(key)}</h3><table><tr><th>forventning</th><th>kolonne</th><th>resultat</th>"
            "<th>uventede rækker (pr. fil)</th><th>krydskontrol</th></tr>"
        )
        for r in results.values():
            per_file = "<br>".join(
                f"{_e(f)}: {_n(n)} af {_n(r.checked.get(f, 0))}" for f, n in r.unexpected.items()
            )
            cc = (
                "—"
                if r.quarantine is None
                else ("stemmer" if r.cross_check_ok else "<b class='fail'>AFVIGER</b>")
            )
            h.append(
                f"<tr><td>{_e(r.expectation)}</td><td>{_e(r.column or '')}</td>"
                f"<td class='{'pass' if r.success else 'fail'}'>{'bestået' if r.success else 'fejlet'}</td>"
                f"<td>{per_file or '0'}</td><td>{cc}</td></tr>"
            )
        h.append("</table>")
    return h
