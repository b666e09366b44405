"""The data-quality report of a landing run: one self-contained HTML page per run, plus latest.html."""

from __future__ import annotations

import html
import shutil
from typing import TYPE_CHECKING

from boernedata.landing.parse import REASONS
from boernedata.landing.suites import EXTRACT_SAMPLE_ROWS, MIN_SAMPLE_ROWS, SAMPLE_ROWS

if TYPE_CHECKING:
    from boernedata.landing.run import Run

CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}
.landed,.replaced,.pass{color:#176b2c}.unchanged{color:#666}.rejected,.fail{color:#b00020;font-weight:bold}
.warn{color:#8a5a00}small{color:#666}
"""


def _e(x: object) -> str:
    return html.escape(str(x))


def write_report(run: Run):
    out_dir = run.landing / "_reports"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"land_{run.run_id}.html"
    target.write_text(render(run), encoding="utf-8")
    shutil.copyfile(target, out_dir / "latest.html")
    return target


def render(run: Run) -> str:
    outs = run.outcomes
    totals = {
        k: sum(getattr(o.delivery, k) for o in outs) for k in ("rows_read", "rows_landed", "rows_quarantined")
    }
    status_counts: dict[str, int] = {}
    for o in outs:
        status_counts[o.delivery.status] = status_counts.get(o.delivery.status, 0) + 1
    h = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>",
        f"<title>boernedata land {run.run_id}</title><style>{CSS}</style>",
        f"<h1>Landing run {run.run_id}</h1>",
        f"<p>Raw folder <code>{_e(run.raw)}</code> → landing <code>{_e(run.landing)}</code>. "
        + ", ".join(f"<span class='{s}'>{n} {s}</span>" for s, n in sorted(status_counts.items()))
        + f". Rows read {totals['rows_read']:,}, landed {totals['rows_landed']:,}, "
        f"quarantined {totals['rows_quarantined']:,} (unchanged files count their earlier delivery).</p>",
        "<p><small>Every file: rows read = rows landed + rows quarantined. Quarantined rows are in "
        "<code>_quarantine/&lt;system&gt;/&lt;extract&gt;/&lt;period&gt;.parquet</code> with file, line and "
        "reason; CPR numbers there are pseudonymized or masked. The ledger of every delivery is "
        "<code>_ledger/deliveries.jsonl</code>.</small></p>",
    ]
    if run.suites.errors:
        h.append("<h2 class='fail'>Great Expectations cross-check errors</h2><ul>")
        h += [f"<li>{_e(e)}</li>" for e in run.suites.errors]
        h.append("</ul>")

    h.append(
        "<h2>Files</h2><table><tr><th>file</th><th>status</th><th>read</th><th>landed</th>"
        "<th>quarantined</th><th>message</th></tr>"
    )
    for o in outs:
        d = o.delivery
        h.append(
            f"<tr><td><code>{_e(d.file)}</code></td><td class='{d.status}'>{d.status}</td>"
            f"<td class='n'>{d.rows_read:,}</td><td class='n'>{d.rows_landed:,}</td>"
            f"<td class='n'>{d.rows_quarantined:,}</td><td>{_e(d.message)}</td></tr>"
        )
    h.append("</table>")

    flagged = [o for o in outs if o.reasons]
    if flagged:
        h.append(
            "<h2>Quarantine reasons</h2><table><tr><th>file</th><th>column</th><th>reason</th>"
            "<th>rows</th><th>example lines</th></tr>"
        )
        for o in flagged:
            for (col, reason), n in o.reasons.most_common():
                lines = ", ".join(str(x) for x in o.examples.get((col, reason), []))
                h.append(
                    f"<tr><td><code>{_e(o.delivery.file)}</code></td><td>{_e(col or '(line)')}</td>"
                    f"<td><b>{_e(reason)}</b> <small>{_e(REASONS.get(reason, ''))}</small></td>"
                    f"<td class='n'>{n:,}</td><td>{lines}</td></tr>"
                )
        h.append("</table>")

    red = [o for o in outs if o.redactions]
    if red:
        h.append("<h2>Redacted free text</h2><table><tr><th>file</th><th>redactions</th></tr>")
        for o in red:
            txt = ", ".join(f"{n} {k}" for k, n in sorted(o.redactions.items()))
            h.append(f"<tr><td><code>{_e(o.delivery.file)}</code></td><td>{_e(txt)}</td></tr>")
        h.append("</table>")

    h.append(
        "<h2>Great Expectations suites</h2><p><small>One suite per extract, built from "
        "<code>boernedata/contracts.py</code>, run on the parsed rows (typed, before quarantine) of the "
        "files landed in this run: all rows of a small file, else its first "
        f"{MIN_SAMPLE_ROWS:,} to {SAMPLE_ROWS:,} "
        f"rows (about {EXTRACT_SAMPLE_ROWS:,} rows per extract and run). The landing's own vectorized checks "
        "read every row and decide the quarantine; the suite is the contract's machine-readable copy. "
        "Unparseable values are null there, so <i>not null</i> counts missing and unparseable values. "
        "'cross-check' compares GE's count with the quarantine's count for the same rows, column and reason."
        "</small></p>"
    )
    for key, results in sorted(run.suites.results.items()):
        h.append(
            f"<h3>{_e(key)}</h3><table><tr><th>expectation</th><th>column</th><th>result</th>"
            "<th>unexpected rows (per file)</th><th>cross-check</th></tr>"
        )
        for r in results.values():
            per_file = "<br>".join(
                f"{_e(f)}: {n:,} of {r.checked.get(f, 0):,}" for f, n in r.unexpected.items()
            )
            cc = (
                "—"
                if r.quarantine is None
                else ("agrees" if r.cross_check_ok else "<b class='fail'>DIFFERS</b>")
            )
            h.append(
                f"<tr><td>{_e(r.expectation)}</td><td>{_e(r.column or '')}</td>"
                f"<td class='{'pass' if r.success else 'fail'}'>{'passed' if r.success else 'failed'}</td>"
                f"<td>{per_file or '0'}</td><td>{cc}</td></tr>"
            )
        h.append("</table>")
    h.append("</html>")
    return "\n".join(h)
