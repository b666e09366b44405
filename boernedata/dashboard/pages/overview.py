"""`/`: the municipality at a glance, per sector and benchmark group: for every indicator a tile with the
municipality's latest value, its trend and the spread of the districts, under struktur, proces and
resultat. Figures are the pooled benchmark rows of `marts.municipality_indicators` (like with like: one
benchmark group at a time), withheld ones shown as withheld.
"""

from __future__ import annotations

from dash import dcc, html

from boernedata.dashboard import components as ui
from boernedata.dashboard import data, figures, filters
from boernedata.dashboard.pages import Page, Request
from boernedata.dashboard.publication import Snapshot
from boernedata.datapakke import formatting as fmt
from boernedata.datapakke.content import DIMENSIONS, SECTOR_DA
from boernedata.datapakke.periods import label as period_label
from boernedata.datapakke.periods import short_label

TREND_PERIODS = 6
PATH = "/"


def check(snap: Snapshot, request: Request) -> dict:
    sector = filters.sector(snap, request.query)
    return {
        "periode": filters.half_year(snap, request.query),
        "sektor": sector,
        "gruppe": filters.group(snap, request.query, sector),
    }


def render(snap: Snapshot, args: dict) -> Page:
    half_year, sector, group = args["periode"], args["sektor"], args["gruppe"]
    query = {"periode": half_year, "sektor": sector, "gruppe": group}
    names = data.group_names(snap)
    shown = data.as_of(snap, half_year)
    catalogue = [c for c in data.catalogue(snap).values() if c["sector"] == sector]
    sections = []
    for dimension, heading, intro in DIMENSIONS:
        tiles = [
            _tile(snap, c, group, shown[c["indicator_code"]], query)
            for c in catalogue
            if c["quality_dimension"] == dimension and c["indicator_code"] in shown
        ]
        if tiles:
            sections.append(
                html.Section(
                    [html.H2(heading), html.P(intro, className="intro"), html.Div(tiles, className="tiles")],
                    className=f"dimension dimension-{dimension}",
                )
            )
    if not sections:
        sections.append(html.P(f"Ingen publicerede tal for {names.get(group, group or '').lower()} endnu."))
    body = [
        ui.header(
            "Kvalitet i dagtilbud, skole og fritid",
            f"Kommunens tal for {names.get(group, group or '').lower()} "
            f"pr. {period_label('half_year', half_year)}"
            ". Hver flise viser seneste værdi, udviklingen og spredningen mellem områderne.",
        ),
        filters.bar(snap, PATH, sector, group, half_year),
        *sections,
        _districts(snap, query),
    ]
    return Page(f"Overblik – {SECTOR_DA.get(sector, sector)}", body, query=query)


def _tile(snap: Snapshot, c: dict, group: str | None, period: data.Period, query: dict) -> html.Article:
    code, unit = c["indicator_code"], c["unit"] or ""
    bench = data.benchmarks(snap)
    trend_periods = data.series(snap, code, period.period_type, period.end, TREND_PERIODS)
    trend_rows = [bench.get((data.KOMMUNE, group, code, p.period_type, p.period_id)) for p in trend_periods]
    latest = bench.get((data.KOMMUNE, group, code, period.period_type, period.period_id))
    district_rows = [
        (d, bench.get((d, group, code, period.period_type, period.period_id))) for d in data.districts(snap)
    ]
    district_values = [v for _, r in district_rows if (v := ui.shown(r)) is not None]
    change = _change(trend_rows, trend_periods, unit)
    label = period_label(period.period_type, period.period_id)
    value_part = (
        ui.withheld_note(latest["reason"], ui.who(code, c["sector"]))
        if latest is not None and latest.get("reason")
        else html.Span(ui.value_text(latest, unit, benchmark=True), className="tile-value")
    )
    spread = (
        f"Områder: {fmt.value(min(district_values), unit)} – {fmt.value(max(district_values), unit)}"
        if district_values
        else "Ingen områdeværdier"
    )
    table = ui.numbers_table(
        f"{c['name_da']}: kommunen og områderne",
        ["Hvad", "Periode", "Værdi"],
        [
            ["Kommunen", period_label(p.period_type, p.period_id), ui.cell(r, unit, True)]
            for p, r in zip(trend_periods, trend_rows, strict=True)
        ]
        + [[f"Område: {d}", label, ui.cell(r, unit, True)] for d, r in district_rows if r is not None],
    )
    return html.Article(
        [
            html.H3(
                dcc.Link(
                    c["name_da"], href=ui.indicator_href(code, {"periode": period.period_id, "gruppe": group})
                )
            ),
            html.P([value_part], className="tile-main"),
            html.P([label, html.Span(f" · {change}" if change else "")], className="tile-period"),
            html.Img(
                src=figures.sparkline([ui.shown(r) for r in trend_rows]),
                alt=f"Udvikling over {len(trend_periods)} perioder: "
                + ", ".join(
                    f"{short_label(p.period_type, p.period_id)} {ui.value_text(r, unit, True)}"
                    for p, r in zip(trend_periods, trend_rows, strict=True)
                ),
                className="sparkline",
            ),
            html.Div(
                [
                    html.Img(
                        src=figures.spread(district_values, ui.shown(latest)), alt=spread, className="spread"
                    ),
                    html.Span(spread, className="spread-text"),
                ],
                className="tile-spread",
            ),
            table,
        ],
        className="tile",
        **{"data-indicator": code},
    )


def _change(rows: list[dict | None], periods: list[data.Period], unit: str) -> str:
    """'+1,2 siden 1. halvår 2025' from the last two published values."""
    if len(rows) < 2:
        return ""
    last, before = ui.shown(rows[-1]), ui.shown(rows[-2])
    if last is None or before is None:
        return ""
    diff = last - before
    decimals = fmt.decimals_for(unit)
    suffix = " pct.-point" if unit == "%" else ""
    since = period_label(periods[-2].period_type, periods[-2].period_id)
    return f"{fmt.number(diff, decimals, sign=True)}{suffix} siden {since}"


def _districts(snap: Snapshot, query: dict) -> html.Section:
    keep = {"periode": query["periode"], "sektor": query["sektor"]}
    return html.Section(
        [
            html.H2("Områder"),
            html.Ul(
                [html.Li(dcc.Link(d, href=ui.district_href(d, keep))) for d in data.districts(snap)],
                className="district-list",
            ),
        ],
        className="districts",
    )
