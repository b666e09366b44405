"""Small hand-built SVG charts, inlined in the package (no scripts, no fonts, no network).

Presentation attributes rather than CSS classes, so Chromium and WeasyPrint draw them alike.
Withheld values are never drawn: a chart gets no number for them (content.py passes None), a trend
shows a gap labelled "<5" or "skjult", a comparison bar the words "skjult" or "for få institutioner".
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from boernedata.datapakke import formatting as fmt

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
INSTITUTION = "#1d4ed8"
DISTRICT = "#6b7280"
MUNICIPALITY = "#a8a29e"
VERDICT_COLOURS = {
    "better": "#0f766e",
    "worse": "#c2410c",
    "same": "#9ca3af",
    "higher": "#9ca3af",
    "lower": "#9ca3af",
}
FONT = 'font-family="Boernedata Sans, DejaVu Sans, Liberation Sans, Arial, sans-serif"'


def _svg(width: float, height: float, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}" {FONT}>'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(
    x: float, y: float, text: str, size: float = 9, anchor: str = "start", fill: str = INK, extra: str = ""
):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {extra}>'
        f"{escape(text)}</text>"
    )


@dataclass(frozen=True)
class TrendPoint:
    label: str  # axis label, e.g. '2025 H1'
    value: float | None  # None when withheld or missing
    status: str  # 'value' | 'withheld' | 'missing'
    district: float | None  # None when withheld or missing
    text: str  # the value as text, for the chart's title
    mark: str = "–"  # drawn in a gap: '<5' or 'skjult' for a withheld period, '–' for a missing one


def trend(points: list[TrendPoint], unit: str, width: int = 190, height: int = 74) -> Markup:
    """The last four periods: the institution as a solid line with labelled dots, the district dashed.

    A withheld period is a gap with its mark ("<5", "skjult") where the dot would be, never a zero.
    """
    left, right, top, bottom = 22, 22, 16, 16
    values = [p.value for p in points if p.value is not None]
    values += [p.district for p in points if p.district is not None]
    if values:
        lo, hi = min(values), max(values)
    else:
        lo, hi = 0.0, 1.0
    if hi - lo < 1e-9:
        pad = abs(hi) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
    step = (width - left - right) / max(len(points) - 1, 1)
    xs = [left + i * step for i in range(len(points))]

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    body = [
        f'<line x1="0" x2="{width}" y1="{height - bottom + 2}" y2="{height - bottom + 2}" stroke="{GRID}"/>'
    ]
    body += _polyline(
        [(x, p.district) for x, p in zip(xs, points, strict=True)], y, DISTRICT, 'stroke-dasharray="3 2"'
    )
    body += _polyline(
        [(x, p.value) for x, p in zip(xs, points, strict=True)], y, INSTITUTION, 'stroke-width="2"'
    )
    mid = (top + height - bottom) / 2
    for i, (x, p) in enumerate(zip(xs, points, strict=True)):
        body.append(_text(x, height - 4, p.label, 8, "middle", MUTED))
        if p.value is not None:
            last = i == len(points) - 1
            radius = 3.2 if last else 2.4
            body.append(f'<circle cx="{x:.1f}" cy="{y(p.value):.1f}" r="{radius}" fill="{INSTITUTION}"/>')
            label_y = y(p.value) - 5 if y(p.value) - 5 > 8 else y(p.value) + 12
            anchor = "start" if i == 0 else ("end" if last else "middle")
            shift = -4 if i == 0 else (4 if last else 0)
            shown = round(p.value, -2) if (unit or "").startswith("kr") else p.value  # as in the value column
            body.append(_text(x + shift, label_y, fmt.number(shown, fmt.decimals_for(unit)), 8, anchor, INK))
        elif p.status == "withheld":
            body.append(_text(x, mid + 3, p.mark, 8, "middle", MUTED, 'font-style="italic"'))
        else:
            body.append(_text(x, mid + 3, "–", 9, "middle", MUTED))
    title = "Udvikling: " + "; ".join(f"{p.label}: {p.text}" for p in points)
    return _svg(width, height, body, title)


def _polyline(points, y, colour: str, extra: str) -> list[str]:
    """Segments between consecutive known values only: a missing period breaks the line."""
    out, run = [], []
    for x, v in [*points, (None, None)]:
        if v is None:
            if len(run) > 1:
                coords = " ".join(f"{px:.1f},{y(pv):.1f}" for px, pv in run)
                out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" {extra}/>')
            run = []
        else:
            run.append((x, v))
    return out


@dataclass(frozen=True)
class Bar:
    label: str  # beside the bar: 'Jer', 'Området', 'Kommunen'
    value: float | None  # None: not drawn, `text` instead
    text: str
    colour: str
    name: str = ""  # in the chart's title, when it says more than the label ('Specialskoler i området')


def comparison_bars(bars: list[Bar], width: int = 190) -> Markup:
    """Institution, district and municipality side by side, from a common zero."""
    label_w, text_w, row_h = 52, 62, 17
    area = width - label_w - text_w
    numbers = [b.value for b in bars if b.value is not None]
    lo, hi = min([0.0, *numbers]), max([0.0, *numbers])
    if hi - lo < 1e-9:
        hi = lo + 1.0

    def x(v: float) -> float:
        return label_w + area * (v - lo) / (hi - lo)

    body = []
    for i, b in enumerate(bars):
        top = i * row_h + 2
        body.append(_text(0, top + 11, b.label, 9, "start", MUTED))
        if b.value is None:
            body.append(_text(label_w + 2, top + 11, b.text, 9, "start", MUTED, 'font-style="italic"'))
            continue
        x0, x1 = sorted((x(0.0), x(b.value)))
        body.append(
            f'<rect x="{x0:.1f}" y="{top + 2}" width="{max(x1 - x0, 1):.1f}" height="{row_h - 6}" '
            f'rx="1.5" fill="{b.colour}"/>'
        )
        body.append(_text(label_w + area + 4, top + 11, b.text, 9, "start", INK))
    if lo < 0:
        body.append(
            f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="0" y2="{len(bars) * row_h}" stroke="{MUTED}"/>'
        )
    title = "Sammenligning: " + "; ".join(f"{b.name or b.label}: {b.text}" for b in bars)
    return _svg(width, len(bars) * row_h + 2, body, title)


@dataclass(frozen=True)
class OverviewRow:
    name: str
    verdict: str
    score: float  # difference in multiples of the meaningful threshold, + = better
    diff_text: str
    value_text: str


def overview(
    groups: list[tuple[str, list[OverviewRow]]], width: int = 680, against: str = "området"
) -> list[Markup]:
    """All comparable indicators at a glance: bars to the right are better than the district (of the
    institution's benchmark group: `against`), to the left worse; grey = no meaningful difference.
    One chart per quality dimension, the same width and scale, the first with the direction header: a
    printed page can break between them (one chart of every row would not fit beside the front page)."""
    parts = enumerate(groups)
    return [_overview_part(heading, rows, width, against, header=i == 0) for i, (heading, rows) in parts]


def _overview_part(heading: str, rows: list[OverviewRow], width: int, against: str, header: bool) -> Markup:
    name_w, value_w, diff_w, row_h = 250, 78, 92, 19
    area_left = name_w + value_w
    area_right = width - diff_w
    centre = (area_left + area_right) / 2
    half = (area_right - area_left) / 2 - 4
    body = []
    if header:
        body += [
            _text(centre - 6, 12, f"← dårligere end {against}", 9, "end", VERDICT_COLOURS["worse"]),
            _text(centre + 6, 12, f"bedre end {against} →", 9, "start", VERDICT_COLOURS["better"]),
        ]
    top = line_top = 0
    if header:
        top, line_top = 22, 16
    body.append(
        _text(0, top + 12, heading.upper(), 9, "start", MUTED, 'font-weight="bold" letter-spacing="0.5"')
    )
    top += row_h
    for i, r in enumerate(rows):
        if i % 2 == 0:
            body.append(f'<rect x="0" y="{top}" width="{width}" height="{row_h}" fill="#f9fafb"/>')
        name = r.name if len(r.name) <= 44 else r.name[:42] + "…"
        body.append(_text(4, top + 13, name, 9.5, "start", INK))
        body.append(_text(area_left - 8, top + 13, r.value_text, 9.5, "end", INK))
        length = max(min(r.score, 4.0), -4.0) / 4.0 * half
        if abs(length) < 2:
            length = 2 if length >= 0 else -2
        x0 = min(centre, centre + length)
        colour = VERDICT_COLOURS.get(r.verdict, VERDICT_COLOURS["same"])
        body.append(
            f'<rect x="{x0:.1f}" y="{top + 4}" width="{abs(length):.1f}" height="{row_h - 8}" rx="2" '
            f'fill="{colour}"/>'
        )
        body.append(
            _text(
                area_right + 6,
                top + 13,
                r.diff_text,
                9,
                "start",
                colour if r.verdict in ("better", "worse") else MUTED,
            )
        )
        top += row_h
    top += 4
    body.insert(0, f'<line x1="{centre:.1f}" x2="{centre:.1f}" y1="{line_top}" y2="{top}" stroke="{MUTED}"/>')
    title = f"Overblik, {heading.lower()}: bedre eller dårligere end {against}"
    return _svg(width, top + 2, body, title)


def theme_scores(rows: list[tuple[str, float, int]], width: int = 420) -> Markup:
    """Mean observation score per theme on the 1–5 scale, with the number of observations."""
    name_w, row_h, text_w = 140, 20, 90
    area = width - name_w - text_w
    body = []
    for i, (name, mean, count) in enumerate(rows):
        top = i * row_h
        body.append(_text(0, top + 14, name, 10, "start", INK))
        body.append(
            f'<rect x="{name_w}" y="{top + 5}" width="{area}" height="{row_h - 9}" fill="{GRID}" rx="2"/>'
        )
        w = area * (mean - 1) / 4
        body.append(
            f'<rect x="{name_w}" y="{top + 5}" width="{max(w, 1):.1f}" height="{row_h - 9}" '
            f'fill="{INSTITUTION}" rx="2"/>'
        )
        text = f"{fmt.number(mean, 1)}  ({count} obs.)"
        body.append(_text(name_w + area + 6, top + 14, text, 9.5, "start", INK))
    for tick in range(1, 6):
        tx = name_w + area * (tick - 1) / 4
        body.append(_text(tx, len(rows) * row_h + 10, str(tick), 8, "middle", MUTED))
    title = "Gennemsnitlig score pr. tema (1–5): " + "; ".join(f"{n}: {fmt.number(m, 1)}" for n, m, _ in rows)
    return _svg(width, len(rows) * row_h + 14, body, title)


def learning_loop(current: int, periods: list[str], width: int = 640) -> Markup:
    """The four learning conversations of the two-year loop, the current one filled."""
    steps = ["Vælg fokusområder", "Første opfølgning", "Anden opfølgning", "Opsamling"]
    height, r = 78, 15
    step = (width - 120) / 3
    body = [f'<line x1="60" x2="{width - 60}" y1="24" y2="24" stroke="{GRID}" stroke-width="4"/>']
    for i, name in enumerate(steps):
        cx = 60 + i * step
        active = i + 1 == current
        fill = INSTITUTION if active else "#ffffff"
        stroke = INSTITUTION if active or i + 1 < current else GRID
        body.append(
            f'<circle cx="{cx:.1f}" cy="24" r="{r}" fill="{fill}" stroke="{stroke}" stroke-width="3"/>'
        )
        body.append(
            _text(cx, 29, str(i + 1), 13, "middle", "#ffffff" if active else INK, 'font-weight="bold"')
        )
        weight = 'font-weight="bold"' if active else ""
        body.append(_text(cx, 56, name, 10.5, "middle", INK if active else MUTED, weight))
        body.append(_text(cx, 71, _period_caption(periods[i]), 9, "middle", MUTED))
    title = f"Læringsløkken: samtale {current} af 4"
    return _svg(width, height, body, title)


def _period_caption(period_id: str) -> str:
    year, half = period_id.split("-H")
    return f"{half}. halvår {year}"


def learning_circle(width: int = 640) -> Markup:
    """Data → refleksion → beslutning, and back to data at the next package."""
    height = 96
    boxes = [
        ("1. Data", "Hvad viser tallene?"),
        ("2. Refleksion", "Hvorfor ser det sådan ud?"),
        ("3. Beslutning", "Hvad gør vi nu?"),
    ]
    box_w, box_h = 170, 48
    gap = (width - 3 * box_w) / 2
    body = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{MUTED}"/></marker></defs>'
    ]
    for i, (head, sub) in enumerate(boxes):
        x = i * (box_w + gap)
        body.append(
            f'<rect x="{x:.1f}" y="4" width="{box_w}" height="{box_h}" rx="8" fill="#eff6ff" '
            f'stroke="{INSTITUTION}" stroke-width="1.5"/>'
        )
        body.append(_text(x + box_w / 2, 24, head, 12, "middle", INK, 'font-weight="bold"'))
        body.append(_text(x + box_w / 2, 41, sub, 9.5, "middle", MUTED))
        if i < 2:
            body.append(
                f'<line x1="{x + box_w + 4:.1f}" x2="{x + box_w + gap - 4:.1f}" y1="28" y2="28" '
                f'stroke="{MUTED}" stroke-width="1.5" marker-end="url(#arrow)"/>'
            )
    last_x = 2 * (box_w + gap) + box_w / 2
    body.append(
        f'<path d="M{last_x:.1f},{box_h + 6} V{box_h + 26} H{box_w / 2:.1f} V{box_h + 10}" fill="none" '
        f'stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="4 3" marker-end="url(#arrow)"/>'
    )
    body.append(
        _text(width / 2, box_h + 40, "næste datapakke: følg op på beslutningerne", 9.5, "middle", MUTED)
    )
    return _svg(width, height, body, "Læringscirklen: data, refleksion, beslutning")


@dataclass(frozen=True)
class DaySlot:
    minutes: int  # slot start, minutes after midnight
    children: float  # mean children present
    adults: float  # mean staff on shift


def day_curve(slots: list[DaySlot], width: int = 640, height: int = 170) -> Markup:
    """The day curve (issue 24): children present (solid) and adults on shift (dashed) per quarter hour
    of the mean day, with the hours on the x axis. Only drawn for a profile that is not withheld."""
    left, right, top, bottom = 30, 10, 12, 22
    first, last = slots[0].minutes, slots[-1].minutes + 15
    hi = max([s.children for s in slots] + [s.adults for s in slots] + [1.0]) * 1.1

    def x(minutes: float) -> float:
        return left + (width - left - right) * (minutes - first) / (last - first)

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / hi)

    body = []
    for tick in _ticks(hi):
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 4, y(tick) + 3, fmt.number(tick, 0), 8, "end", MUTED))
    for hour in range(first // 60, last // 60 + 1, 2):
        body.append(_text(x(hour * 60), height - 6, f"{hour:02d}", 8, "middle", MUTED))
    middle = [(x(s.minutes + 7.5), s) for s in slots]  # each slot drawn at its middle
    children = " ".join(f"{px:.1f},{y(s.children):.1f}" for px, s in middle)
    adults = " ".join(f"{px:.1f},{y(s.adults):.1f}" for px, s in middle)
    body.append(f'<polyline points="{children}" fill="none" stroke="{INSTITUTION}" stroke-width="2"/>')
    body.append(
        f'<polyline points="{adults}" fill="none" stroke="{VERDICT_COLOURS["worse"]}" stroke-width="2" '
        'stroke-dasharray="4 2"/>'
    )
    body.append(_text(left + 4, top + 8, "— børn til stede", 9, "start", INSTITUTION))
    body.append(_text(left + 110, top + 8, "- - voksne på vagt", 9, "start", VERDICT_COLOURS["worse"]))
    peak = max(slots, key=lambda s: s.children)
    title = (
        f"Dagens kurve: flest børn kl. {peak.minutes // 60:02d}.{peak.minutes % 60:02d} "
        f"({fmt.number(peak.children, 1)} børn, {fmt.number(peak.adults, 1)} voksne)"
    )
    return _svg(width, height, body, title)


def _ticks(hi: float) -> list[float]:
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if hi / s <= 5)
    return [step * i for i in range(int(hi // step) + 1)]
