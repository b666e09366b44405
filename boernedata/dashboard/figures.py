"""The charts: Plotly figures as plain dicts (no plotly.graph_objects: building and validating those costs
milliseconds per figure, and a page has dozens), and two tiny SVG pictures for the overview's tiles.

A chart is never given a withheld number: the pages pass None for a withheld or missing value, and a
trend marks a withheld period on its axis with the word "skjult" (or "<5") instead of a point. Every
chart's numbers are also in a table beside it (components.numbers_table); the charts are for seeing,
the tables for reading and copying.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
INSTITUTION = "#1d4ed8"
DISTRICT = "#b45309"
MUNICIPALITY = "#6b7280"
HIGHLIGHT = "#c2410c"
FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif"

# Danish numbers in hover texts and axes: comma decimals, dot thousands.
_BASE_LAYOUT = {
    "separators": ",.",
    "font": {"family": FONT, "size": 12, "color": INK},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "hovermode": "x unified",
    "legend": {"orientation": "h", "y": -0.25, "x": 0},
}
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}


def _axis(title: str = "", **extra) -> dict:
    return {"title": {"text": title}, "gridcolor": GRID, "zeroline": False, "fixedrange": True, **extra}


def _hover(unit: str) -> str:
    decimals = 0 if unit.startswith("kr") or unit == "elever" else (2 if unit.startswith("point") else 1)
    return f"%{{y:,.{decimals}f}}"


@dataclass(frozen=True)
class Line:
    name: str
    values: list[float | None]  # one per x label; None = no point (withheld or missing)
    colour: str
    dash: str = "solid"


def trend(
    labels: list[str],
    lines: list[Line],
    unit: str,
    withheld: dict[str, str] | None = None,
    height: int = 210,
) -> dict:
    """Lines over periods. `withheld`: x label -> the word written on the axis where a withheld point
    would be ('<5' or 'skjult')."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": line.name,
            "x": labels,
            "y": line.values,
            "line": {"color": line.colour, "width": 3 if i == 0 else 2, "dash": line.dash},
            "marker": {"size": 7 if i == 0 else 5},
            "connectgaps": False,
            "hovertemplate": f"{escape(line.name)}: {_hover(unit)}<extra></extra>",
        }
        for i, line in enumerate(lines)
    ]
    annotations = [
        {
            "x": labels.index(label),  # the category's position: a label such as '2025' would be read as one
            "y": 0,
            "yref": "paper",
            "yanchor": "bottom",
            "text": word,
            "showarrow": False,
            "font": {"color": HIGHLIGHT, "size": 11},
            "bgcolor": "#fff7ed",
        }
        for label, word in (withheld or {}).items()
        if label in labels
    ]
    layout = _BASE_LAYOUT | {
        "height": height,
        "showlegend": False,  # one key for every chart of the page (components.legend_key)
        "margin": {"l": 48, "r": 12, "t": 8, "b": 28},
        # explicit categories: labels such as '2024' must not be read as numbers
        "xaxis": _axis(type="category", categoryorder="array", categoryarray=labels),
        "yaxis": _axis(unit),
        "annotations": annotations,
    }
    return {"data": data, "layout": layout}


def ranking(
    names: list[str], values: list[float], unit: str, reference: float | None, highlight: str | None
) -> dict:
    """A dot per institution, first name on top, on an axis fitted to the values (differences of a few
    points stay visible); `reference` (the municipality) as a dashed line."""
    colours = [HIGHLIGHT if n == highlight else INSTITUTION for n in names]
    sizes = [13 if n == highlight else 9 for n in names]
    shapes = [_reference_line(reference, vertical=True)] if reference is not None else []
    layout = _BASE_LAYOUT | {
        "height": max(200, 16 * len(names) + 80),
        "margin": {"l": 220, "r": 24, "t": 8, "b": 40},
        "xaxis": _axis(unit),
        "yaxis": _axis(autorange="reversed", type="category", automargin=True, showgrid=True),
        "shapes": shapes,
        "hovermode": "closest",
        "showlegend": False,
    }
    data = [_dots(values, names, {"color": colours, "size": sizes}, f"%{{y}}: %{{x:,.{_decimals(unit)}f}}")]
    return {"data": data, "layout": layout}


def distribution(values: list[float], unit: str, reference: float | None) -> dict:
    """A histogram of the institutions' values."""
    shapes = [_reference_line(reference, vertical=True)] if reference is not None else []
    layout = _BASE_LAYOUT | {
        "height": 260,
        "margin": {"l": 48, "r": 12, "t": 8, "b": 48},
        "xaxis": _axis(unit),
        "yaxis": _axis("institutioner"),
        "shapes": shapes,
        "hovermode": "closest",
        "bargap": 0.05,
    }
    data = [
        {
            "type": "histogram",
            "x": values,
            "marker": {"color": INSTITUTION},
            "hovertemplate": "%{x}: %{y} institutioner<extra></extra>",
        }
    ]
    return {"data": data, "layout": layout}


def district_bars(
    districts: list[str], values: list[float | None], unit: str, reference: float | None
) -> dict:
    """A dot per district (None: no dot; the table says why) against the municipality's dashed line."""
    shapes = [_reference_line(reference, vertical=False)] if reference is not None else []
    layout = _BASE_LAYOUT | {
        "height": 300,
        "margin": {"l": 56, "r": 12, "t": 8, "b": 110},
        "xaxis": _axis(type="category", tickangle=-30, automargin=True),
        "yaxis": _axis(unit),
        "shapes": shapes,
        "hovermode": "closest",
        "showlegend": False,
    }
    data = [_dots(districts, values, {"color": DISTRICT, "size": 12}, f"%{{x}}: %{{y:,.{_decimals(unit)}f}}")]
    return {"data": data, "layout": layout}


def _dots(x: list, y: list, marker: dict, hover: str) -> dict:
    return {
        "type": "scatter",
        "mode": "markers",
        "x": x,
        "y": y,
        "marker": marker,
        "hovertemplate": hover + "<extra></extra>",
    }


def watch_scores(names: list[str], scores: list[float]) -> dict:
    layout = _BASE_LAYOUT | {
        "height": max(200, 22 * len(names) + 60),
        "margin": {"l": 220, "r": 24, "t": 8, "b": 40},
        "xaxis": _axis("opmærksomhedsscore"),
        "yaxis": _axis(autorange="reversed", type="category", automargin=True),
        "hovermode": "closest",
    }
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": scores,
            "y": names,
            "marker": {"color": HIGHLIGHT},
            "hovertemplate": "%{y}: %{x:,.2f}<extra></extra>",
        }
    ]
    return {"data": data, "layout": layout}


MONTHS_DA = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def year_wheel(kinds: list[tuple[str, list[int]]]) -> dict:
    """The data year wheel: one ring per kind of data, a filled month where that data is updated."""
    palette = [
        "#1d4ed8", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#4b5563", "#0891b2", "#65a30d", "#db2777",
        "#92400e", "#4338ca", "#15803d",
    ]  # fmt: skip
    data = []
    for ring, (kind, months) in enumerate(kinds):
        data.append(
            {
                "type": "barpolar",
                "name": kind,
                "r": [1] * len(months),
                "base": [ring + 1] * len(months),
                "theta": [MONTHS_DA[m - 1] for m in months],
                "marker": {"color": palette[ring % len(palette)], "line": {"color": "white", "width": 1}},
                "hovertemplate": f"{escape(kind)}: %{{theta}}<extra></extra>",
            }
        )
    layout = _BASE_LAYOUT | {
        "height": 420,
        "margin": {"l": 24, "r": 24, "t": 24, "b": 24},
        "hovermode": "closest",
        "legend": {"orientation": "v", "x": 1.02, "y": 0.5},
        "polar": {
            "radialaxis": {"visible": False, "range": [0, len(kinds) + 1]},
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "type": "category",
                "categoryarray": MONTHS_DA,
            },
        },
    }
    return {"data": data, "layout": layout}


def _reference_line(value: float, vertical: bool) -> dict:
    line = {"type": "line", "line": {"color": MUNICIPALITY, "dash": "dash", "width": 2}}
    if vertical:
        return line | {"x0": value, "x1": value, "y0": 0, "y1": 1, "yref": "paper"}
    return line | {"y0": value, "y1": value, "x0": 0, "x1": 1, "xref": "paper"}


def _decimals(unit: str) -> int:
    return 0 if unit.startswith("kr") or unit == "elever" else (2 if unit.startswith("point") else 1)


# --- the overview's tiles: tiny SVG pictures (no script, drawn by the browser at once) ---------------


def sparkline(values: list[float | None], width: int = 120, height: int = 36) -> str:
    """A data: URI of a line through the values (gaps where None); the last point stands out."""
    known = [v for v in values if v is not None]
    body = []
    if known:
        low, high = min(known), max(known)
        span = (high - low) or 1.0
        step = (width - 8) / max(len(values) - 1, 1)

        def xy(i: int, v: float) -> tuple[float, float]:
            return 4 + i * step, height - 4 - (v - low) / span * (height - 8)

        run: list[str] = []
        for i, v in enumerate(values):
            if v is None:
                body.append(_polyline(run))
                run = []
                continue
            x, y = xy(i, v)
            run.append(f"{x:.1f},{y:.1f}")
        body.append(_polyline(run))
        last = max(i for i, v in enumerate(values) if v is not None)
        x, y = xy(last, values[last])
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{INSTITUTION}"/>')
    return _data_uri(width, height, body)


def spread(values: list[float], reference: float | None, width: int = 120, height: int = 16) -> str:
    """A strip with one tick per district value and the municipality as a longer grey tick."""
    body = [f'<line x1="2" y1="{height / 2}" x2="{width - 2}" y2="{height / 2}" stroke="{GRID}"/>']
    known = [*values, *([reference] if reference is not None else [])]
    if known:
        low, high = min(known), max(known)
        span = (high - low) or 1.0

        def x(v: float) -> float:
            return 4 + (v - low) / span * (width - 8)

        for v in values:
            body.append(
                f'<line x1="{x(v):.1f}" y1="3" x2="{x(v):.1f}" y2="{height - 3}" '
                f'stroke="{DISTRICT}" stroke-width="2"/>'
            )
        if reference is not None:
            body.append(
                f'<line x1="{x(reference):.1f}" y1="0" x2="{x(reference):.1f}" y2="{height}" '
                f'stroke="{MUNICIPALITY}" stroke-width="3"/>'
            )
    return _data_uri(width, height, body)


def _polyline(points: list[str]) -> str:
    if not points:
        return ""
    if len(points) == 1:
        x, y = points[0].split(",")
        return f'<circle cx="{x}" cy="{y}" r="2" fill="{INSTITUTION}"/>'
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{INSTITUTION}" stroke-width="2"/>'


def _data_uri(width: int, height: int, body: list[str]) -> str:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(body)}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
