"""`/distrikt/<district>`: one district for a district chief: its institutions of a sector with their
values for the chosen half-year (a table to scan and copy), and for every indicator the district
against the municipality over time, like with like (one benchmark group at a time).
"""

from __future__ import annotations

from collections import defaultdict

from dash import dcc, html

from boernedata.dashboard import components as ui
from boernedata.dashboard import data, figures, filters
from boernedata.dashboard.pages import NotFound, Page, Request
from boernedata.dashboard.publication import Snapshot
from boernedata.datapakke.content import DIMENSIONS, SECTOR_DA
from boernedata.datapakke.periods import label as period_label
from boernedata.datapakke.periods import short_label

TREND_PERIODS = 6


def check(snap: Snapshot, request: Request) -> dict:
    district = request.params["district"]
    if district not in data.districts(snap):
        raise NotFound(f"Området »{district}« findes ikke i de publicerede data.")
    sector = filters.sector(snap, request.query)
    return {
        "district": district,
        "periode": filters.half_year(snap, request.query),
        "sektor": sector,
        "gruppe": filters.group(snap, request.query, sector),
    }


def render(snap: Snapshot, args: dict) -> Page:
    district, half_year, sector, group = args["district"], args["periode"], args["sektor"], args["gruppe"]
    query = {"periode": half_year, "sektor": sector, "gruppe": group}
    path = ui.district_href(district)
    names = data.group_names(snap)
    group_name = names.get(group, group or "").lower()
    shown = data.as_of(snap, half_year)
    catalogue = [
        c for c in data.catalogue(snap).values() if c["sector"] == sector and c["indicator_code"] in shown
    ]
    body = [
        ui.header(
            district,
            f"{SECTOR_DA.get(sector, sector)}: {group_name} i området mod {group_name} i hele kommunen",
            crumbs=[("Overblik", ui.href("/", {"sektor": sector, "periode": half_year}))],
        ),
        filters.bar(
            snap,
            path,
            sector,
            group,
            half_year,
            ui.legend_key(
                [
                    (f"{group_name.capitalize()} i {district}", figures.DISTRICT, "solid"),
                    (f"{group_name.capitalize()} i hele kommunen", figures.MUNICIPALITY, "dash"),
                ]
            ),
        ),
        _institutions(snap, district, sector, group, catalogue, shown, query),
    ]
    bench = data.benchmarks(snap)
    by_dimension: dict[str, list] = defaultdict(list)
    for c in catalogue:
        code, unit = c["indicator_code"], c["unit"] or ""
        period = shown[code]
        series = data.series(snap, code, period.period_type, period.end, TREND_PERIODS)
        own = [bench.get((district, group, code, p.period_type, p.period_id)) for p in series]
        kommune = [bench.get((data.KOMMUNE, group, code, p.period_type, p.period_id)) for p in series]
        if not any(r is not None for r in own):
            continue
        labels = [short_label(p.period_type, p.period_id) for p in series]
        marks = {
            lab: "skjult" for lab, r in zip(labels, own, strict=True) if r is not None and r.get("reason")
        }
        by_dimension[c["quality_dimension"]].append(
            html.Article(
                [
                    html.H3(
                        dcc.Link(
                            c["name_da"],
                            href=ui.indicator_href(code, {"periode": period.period_id, "gruppe": group}),
                        )
                    ),
                    html.P(
                        [
                            html.Span(ui.value_text(own[-1], unit, True), className="card-value"),
                            f" · kommunen {ui.value_text(kommune[-1], unit, True)} · "
                            f"{period_label(period.period_type, period.period_id)}",
                        ],
                        className="card-main",
                    ),
                    ui.graph(
                        figures.trend(
                            labels,
                            [
                                figures.Line(district, [ui.shown(r) for r in own], figures.DISTRICT),
                                figures.Line(
                                    "Kommunen", [ui.shown(r) for r in kommune], figures.MUNICIPALITY, "dash"
                                ),
                            ],
                            unit,
                            marks,
                        ),
                        f"{c['name_da']}: {district} og kommunen over tid",
                    ),
                    ui.numbers_table(
                        f"{c['name_da']}: {district} og kommunen, {group_name}",
                        ["Periode", district, "Kommunen"],
                        [
                            [
                                period_label(p.period_type, p.period_id),
                                ui.cell(o, unit, True),
                                ui.cell(k, unit, True),
                            ]
                            for p, o, k in zip(series, own, kommune, strict=True)
                        ],
                    ),
                ],
                className="card",
                **{"data-indicator": code},
            )
        )
    for d, heading, _intro in DIMENSIONS:
        if by_dimension.get(d):
            body.append(
                html.Section(
                    [
                        html.H2(f"{heading}: området mod kommunen"),
                        html.Div(by_dimension[d], className="cards"),
                    ]
                )
            )
    if not by_dimension:
        body.append(
            html.P(
                f"Området har ingen egne tal for {group_name}: en områdeværdi kræver mindst 3 institutioner.",
                className="intro",
            )
        )
    return Page(f"{district} – {SECTOR_DA.get(sector, sector)}", body, query=query)


def _institutions(snap, district, sector, group, catalogue, shown, query) -> html.Section:
    """The district's institutions of the group, with their value of every indicator as of the period."""
    wanted = sorted({shown[c["indicator_code"]] for c in catalogue}, key=lambda p: (p.end, p.period_id))
    cells: dict[str, dict[str, dict]] = defaultdict(dict)
    names: dict[str, str] = {}
    for r in data.district_cells(snap, district, sector, wanted):
        p = shown.get(r["indicator_code"])
        if (
            r["benchmark_group"] != group
            or p is None
            or (r["period_type"], r["period_id"]) != (p.period_type, p.period_id)
        ):
            continue
        cells[r["institution_id"]][r["indicator_code"]] = r
        names[r["institution_id"]] = r["institution_name"]
    present = [c for c in catalogue if any(c["indicator_code"] in row for row in cells.values())]
    keep = {"periode": query["periode"]}
    rows = [
        html.Tr(
            [html.Th(dcc.Link(names[iid], href=ui.institution_href(iid, keep)), scope="row")]
            + [ui.cell(cells[iid].get(c["indicator_code"]), c["unit"] or "") for c in present]
        )
        for iid in sorted(cells, key=lambda i: names[i])
    ]
    if not rows:
        return html.Section(
            [html.H2("Institutioner"), html.P("Ingen institutioner med publicerede tal i perioden.")]
        )
    return html.Section(
        [
            html.H2(f"Institutioner i {district}"),
            html.P(
                "Hver institutions værdi pr. den valgte periode; »skjult« er et tal, der ikke må vises "
                "(hold musen over for grunden).",
                className="intro",
            ),
            html.Div(
                html.Table(
                    [
                        html.Caption(f"Institutioner i {district}: {len(rows)}"),
                        html.Thead(
                            html.Tr(
                                [html.Th("Institution", scope="col")]
                                + [
                                    html.Th(
                                        dcc.Link(
                                            c["name_da"],
                                            href=ui.indicator_href(
                                                c["indicator_code"],
                                                {
                                                    "periode": shown[c["indicator_code"]].period_id,
                                                    "gruppe": group,
                                                },
                                            ),
                                        ),
                                        scope="col",
                                    )
                                    for c in present
                                ]
                            )
                        ),
                        html.Tbody(rows),
                    ],
                    className="numbers matrix",
                ),
                className="scroll",
            ),
        ],
        className="institutions",
    )
