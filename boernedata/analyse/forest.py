"""The forest plot of the rate ratios: one line per factor, the point estimate and its 95 % interval on
a logarithmic axis with the line of no effect at 1. Inline SVG: the report opens offline, prints, and
needs no JavaScript. A withheld factor is named with the reason instead of a point."""

from __future__ import annotations

import math
from html import escape

from boernedata.analyse.data import Factor

WIDTH, LABEL_W, ROW_H, TOP, BOTTOM, RIGHT = 760, 300, 30, 30, 46, 30
TICKS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
MIN_TICK_GAP = 36  # pixels between tick labels


def _fmt(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def forest_svg(factors: list[Factor]) -> str:
    shown = [f for f in factors if f.rate_ratio is not None]
    lo = min([0.8, *(f.ci_low for f in shown)])
    hi = max([1.25, *(f.ci_high for f in shown)])
    lo, hi = math.log(lo / 1.1), math.log(hi * 1.1)
    plot_w = WIDTH - LABEL_W - RIGHT
    height = TOP + ROW_H * len(factors) + BOTTOM

    def x(v: float) -> float:
        return LABEL_W + (math.log(v) - lo) / (hi - lo) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="Rate ratios med 95 % konfidensinterval" '
        'font-family="sans-serif" font-size="13">'
    ]
    axis_y = TOP + ROW_H * len(factors) + 6
    last = -MIN_TICK_GAP
    for t in TICKS:
        if lo <= math.log(t) <= hi and (x(t) - last >= MIN_TICK_GAP or t == 1.0):
            last = x(t)
            parts.append(
                f'<line x1="{x(t):.1f}" y1="{TOP - 10}" x2="{x(t):.1f}" y2="{axis_y}" '
                f'stroke="{"#333" if t == 1.0 else "#ddd"}" stroke-width="{1.5 if t == 1.0 else 1}"/>'
                f'<text x="{x(t):.1f}" y="{axis_y + 16}" text-anchor="middle" fill="#333">{_fmt(t)}</text>'
            )
    parts.append(
        f'<text x="{LABEL_W + plot_w / 2:.1f}" y="{axis_y + 36}" text-anchor="middle" fill="#333">'
        "Rate ratio (logaritmisk akse; 1 = ingen forskel)</text>"
    )
    for i, f in enumerate(factors):
        y = TOP + ROW_H * i + ROW_H / 2
        label = escape(f"{f.name_da} ({f.unit})")
        parts.append(f'<text x="6" y="{y + 4:.1f}" fill="#111">{label}</text>')
        if f.rate_ratio is None:
            why = "skjult: færre end 5 elever" if f.suppression_reason == "n_lt_5" else "kan ikke estimeres"
            parts.append(
                f'<text x="{LABEL_W + 8}" y="{y + 4:.1f}" fill="#777" font-style="italic">'
                f"{escape(why)}</text>"
            )
            continue
        parts.append(
            f'<line x1="{x(f.ci_low):.1f}" y1="{y:.1f}" x2="{x(f.ci_high):.1f}" y2="{y:.1f}" '
            'stroke="#1f4e79" stroke-width="2"/>'
            f'<rect x="{x(f.rate_ratio) - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#1f4e79">'
            f"<title>{escape(f.name_da)}: {_fmt(f.rate_ratio)} ({_fmt(f.ci_low)}-{_fmt(f.ci_high)})</title>"
            "</rect>"
        )
    parts.append("</svg>")
    return "".join(parts)
