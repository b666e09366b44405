"""The pieces every page is made of, in Danish: numbers as text, withheld cells, the table behind each
chart, the filters (period and sector) and links that keep the filters.

Filters live in the URL's query string (`?periode=2025-H2&sektor=skole`), so every view a leader sees can
be bookmarked and sent on: the pills are plain links, the period menu rewrites the query (app.py).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from dash import dcc, html

from boernedata.dashboard import figures
from boernedata.datapakke import formatting as fmt
from boernedata.datapakke import withheld
from boernedata.datapakke.content import SECTOR_DA, TYPE_DA
from boernedata.datapakke.periods import label as period_label

NO_DATA = "ingen data"


def href(path: str, query: dict[str, str | None] | None = None) -> str:
    """A link to a page with the filters given (empty ones left out)."""
    kept = {k: v for k, v in (query or {}).items() if v}
    return path + ("?" + urlencode(kept) if kept else "")


def institution_href(institution_id: str, query: dict | None = None) -> str:
    return href(f"/institution/{quote(institution_id, safe='')}", query)


def district_href(district: str, query: dict | None = None) -> str:
    return href(f"/distrikt/{quote(district, safe='')}", query)


def indicator_href(code: str, query: dict | None = None) -> str:
    return href(f"/indikator/{quote(code, safe='')}", query)


# --- numbers ---------------------------------------------------------------------------------------


def value_text(row: dict | None, unit: str, benchmark: bool = False) -> str:
    """'93,2 %', 'skjult', 'for få institutioner' or 'ingen data'."""
    if row is None:
        return NO_DATA
    if row.get("reason"):
        return withheld.short_text(row["reason"], benchmark=benchmark)
    return fmt.value(row.get("value"), unit)


def shown(row: dict | None) -> float | None:
    """The number a chart may draw: None for a withheld or missing cell."""
    if row is None or row.get("reason") or not fmt.is_number(row.get("value")):
        return None
    return round(float(row["value"]), 4)  # enough for a chart; shorter pages


def n_text(row: dict | None) -> str:
    if row is None or row.get("reason") or not fmt.is_number(row.get("n")):
        return ""
    return fmt.number(float(row["n"]), 0)


def why(reason: str | None, who: str) -> str:
    """Why a cell is withheld, in one Danish sentence (docs/publication_rules.md)."""
    if reason == withheld.N_LT_5:
        return f"Tallet er skjult, fordi det bygger på færre end 5 {who}, så den enkelte kunne genkendes."
    if reason == withheld.COMPLEMENTARY:
        return (
            f"Tallet er skjult, selv om det bygger på mindst 5 {who}, fordi et andet skjult tal ellers kunne "
            "regnes ud ved at trække fra."
        )
    if reason == withheld.TOO_FEW:
        return (
            f"Tallet vises ikke, fordi færre end {withheld.MIN_INSTITUTIONS} institutioner bidrager til det."
        )
    return "Tallet er skjult i de publicerede data."


def withheld_note(reason: str, who: str) -> html.Span:
    """The word 'skjult' and why, for a withheld cell (its figures are never on the page)."""
    return html.Span(
        [
            html.Strong(withheld.short_text(reason), className="withheld-word"),
            " ",
            why(reason, who),
        ],
        className="withheld",
        **{"data-reason": reason},
    )


def cell(row: dict | None, unit: str, benchmark: bool = False) -> html.Td:
    """A table cell: the number, or 'skjult' with the reason as its tooltip and data attribute."""
    if row is not None and row.get("reason"):
        reason = row["reason"]
        return html.Td(
            value_text(row, unit, benchmark),
            className="withheld-cell",
            title=why(reason, "personer"),
            **{"data-reason": reason},
        )
    return html.Td(value_text(row, unit, benchmark), className="number")


# --- the table behind a chart -----------------------------------------------------------------------


def numbers_table(caption: str, header: list[str], rows: list[list], open_: bool = False) -> html.Details:
    """A chart's numbers as a table, one click away (also for screen readers and copy-paste to a report)."""
    body = [html.Tr([c if isinstance(c, html.Td) else html.Td(c) for c in row]) for row in rows]
    return html.Details(
        [
            html.Summary("Vis tallene som tabel"),
            html.Table(
                [
                    html.Caption(caption),
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
                    html.Tbody(body),
                ],
                className="numbers",
            ),
        ],
        open=open_,
        className="numbers-details",
    )


def legend_key(lines: list[tuple[str, str, str]]) -> html.P:
    """The lines of the page's trend charts, once: [(name, colour, 'solid'|'dot'|'dash')]."""
    return html.P(
        [
            html.Span(
                [html.Span(className=f"key-line key-{dash}", style={"borderTopColor": colour}), name],
                className="key",
            )
            for name, colour, dash in lines
        ],
        className="legend-key",
        **{"aria-label": "Signaturforklaring"},
    )


def graph(figure: dict, label: str) -> html.Figure:
    return html.Figure(
        dcc.Graph(figure=figure, config=figures.GRAPH_CONFIG, className="graph"),
        **{"aria-label": label},
        className="chart",
    )


# --- filters ---------------------------------------------------------------------------------------


def pills(
    param: str, options: list[tuple[str, str]], current: str | None, path: str, query: dict
) -> html.Nav:
    """Links that set one filter and keep the others: [(value, label)]."""
    return html.Nav(
        [
            dcc.Link(
                text,
                href=href(path, query | {param: value}),
                className="pill active" if value == current else "pill",
                title=f"Valgt: {text}" if value == current else f"Vis {text}",
            )
            for value, text in options
        ],
        className="pills",
        **{"aria-label": param},
    )


def sector_pills(sectors: list[str], current: str, path: str, query: dict) -> html.Nav:
    """The sectors that have data, in the usual order (dagtilbud, skole, fritid)."""
    ordered = [s for s in SECTOR_DA if s in sectors]
    return pills("sektor", [(s, SECTOR_DA[s]) for s in ordered], current, path, query)


def period_menu(options: list[tuple[str, str]], current: str, label: str = "Periode") -> html.Label:
    """The period filter: a menu that rewrites `?periode=` (app.py)."""
    return html.Label(
        [
            html.Span(label, className="filter-label"),
            dcc.Dropdown(
                id={"type": "filter", "param": "periode"},
                options=[{"label": text, "value": value} for value, text in options],
                value=current,
                clearable=False,
                searchable=False,
                className="period-menu",
            ),
        ],
        className="filter",
    )


def half_year_options(half_years: list[str]) -> list[tuple[str, str]]:
    return [(h, period_label("half_year", h).capitalize()) for h in reversed(half_years)]


def header(title: str, subtitle: str | None = None, crumbs: list[tuple[str, str]] | None = None) -> html.Div:
    parts = []
    if crumbs:
        links: list = []
        for text, link in crumbs:
            links += [dcc.Link(text, href=link), " › "]
        parts.append(html.Nav(links[:-1], className="crumbs", **{"aria-label": "Brødkrummer"}))
    parts.append(html.H1(title))
    if subtitle:
        parts.append(html.P(subtitle, className="subtitle"))
    return html.Div(parts, className="page-header")


def who(code: str, sector: str) -> str:
    return withheld.persons(code, sector)


def type_da(institution_type: str | None) -> str:
    return TYPE_DA.get(institution_type or "", institution_type or "")
