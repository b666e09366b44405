"""`/institution/<id>`: every indicator of one institution over time, against its benchmark group in its
district and in the municipality; a withheld cell shown as withheld with the reason; the latest data
package linked. The period filter says up to which half-year the trends run and which value is "now".
"""

from __future__ import annotations

from collections import defaultdict

from dash import dcc, html

from boernedata.dashboard import components as ui
from boernedata.dashboard import data, datapakker, figures, filters
from boernedata.dashboard.pages import NotFound, Page, Request
from boernedata.dashboard.publication import Snapshot
from boernedata.datapakke import formatting as fmt
from boernedata.datapakke import withheld
from boernedata.datapakke.content import DIMENSIONS, OWNERSHIP_DA, SECTOR_DA, THEME_DA, redact
from boernedata.datapakke.periods import label as period_label
from boernedata.datapakke.periods import short_label

TREND_PERIODS = 6


def check(snap: Snapshot, request: Request) -> dict:
    iid = request.params["institution_id"]
    if iid not in data.institutions(snap):
        raise NotFound(f"Institutionen »{iid}« findes ikke i de publicerede data.")
    return {"institution_id": iid, "periode": filters.half_year(snap, request.query)}


def render(snap: Snapshot, args: dict) -> Page:
    iid, half_year = args["institution_id"], args["periode"]
    packages: datapakker.Folder | None = args.get("packages")
    inst = data.institutions(snap)[iid]
    names = data.group_names(snap)
    query = {"periode": half_year}
    cells: dict[tuple[str, str, str], dict] = {}
    groups: dict[tuple[str, str], str] = {}
    districts: dict[tuple[str, str], str] = {}
    for r in data.institution_cells(snap, iid):
        key = (r["indicator_code"], r["period_type"], r["period_id"])
        cells[key] = r
        groups[(r["period_type"], r["period_id"])] = r["benchmark_group"]
        districts[(r["period_type"], r["period_id"])] = r["district"]
    shown = data.as_of(snap, half_year)
    group = inst.get("benchmark_group")
    group_name = names.get(group, group or "").lower()

    by_dimension: dict[str, list] = defaultdict(list)
    for code, c in data.catalogue(snap).items():
        if c["sector"] != inst["sector"] or code not in shown:
            continue
        period = shown[code]
        series = data.series(snap, code, period.period_type, period.end, TREND_PERIODS)
        if not any((code, p.period_type, p.period_id) in cells for p in series):
            continue
        by_dimension[c["quality_dimension"]].append(
            _card(snap, inst, c, period, series, cells, groups, districts, query)
        )
    sections = [
        html.Section(
            [html.H2(heading), html.P(intro, className="intro"), html.Div(by_dimension[d], className="cards")]
        )
        for d, heading, intro in DIMENSIONS
        if by_dimension.get(d)
    ]
    if not sections:
        sections = [html.P("Der er ingen publicerede tal for institutionen op til den valgte periode.")]

    facts = [
        ui.type_da(inst.get("institution_type")),
        SECTOR_DA.get(inst.get("sector"), inst.get("sector") or ""),
        OWNERSHIP_DA.get(inst.get("ownership") or "", inst.get("ownership") or ""),
        f"{fmt.number(float(inst['normed_places']), 0)} normerede pladser"
        if inst.get("normed_places")
        else "",
    ]
    district = inst.get("district") or ""
    body = [
        ui.header(
            inst["name"],
            " · ".join(f for f in facts if f),
            crumbs=[("Overblik", ui.href("/", {"sektor": inst["sector"], "periode": half_year}))]
            + (
                [(district, ui.district_href(district, {"sektor": inst["sector"], "periode": half_year}))]
                if district
                else []
            ),
        ),
        html.Div(
            [
                ui.period_menu(
                    ui.half_year_options(data.published_half_years(snap)), half_year, "Til og med"
                ),
                ui.legend_key(
                    [
                        (inst["name"], figures.INSTITUTION, "solid"),
                        (f"{group_name.capitalize()} i {district}", figures.DISTRICT, "dot"),
                        (f"{group_name.capitalize()} i hele kommunen", figures.MUNICIPALITY, "dash"),
                    ]
                ),
                html.P(
                    f"Sammenlignes kun med {group_name}: like med like." if group else "",
                    className="compare-note",
                ),
            ],
            className="filters",
        ),
        _package_link(packages, inst, half_year),
        *sections,
        _observations(snap, iid, half_year),
    ]
    return Page(inst["name"], body, query=query)


def _card(snap, inst, c, period, series, cells, groups, districts, query) -> html.Article:
    code, unit = c["indicator_code"], c["unit"] or ""
    who = ui.who(code, c["sector"])
    bench = data.benchmarks(snap)
    own = [cells.get((code, p.period_type, p.period_id)) for p in series]
    district_rows, kommune_rows = [], []
    for p in series:
        group = groups.get((p.period_type, p.period_id)) or inst.get("benchmark_group")
        district = districts.get((p.period_type, p.period_id)) or inst.get("district")
        district_rows.append(bench.get((district, group, code, p.period_type, p.period_id)))
        kommune_rows.append(bench.get((data.KOMMUNE, group, code, p.period_type, p.period_id)))
    labels = [short_label(p.period_type, p.period_id) for p in series]
    marks = {
        label: withheld.trend_label(r["reason"])
        for label, r in zip(labels, own, strict=True)
        if r and r.get("reason")
    }
    figure = figures.trend(
        labels,
        [
            figures.Line(inst["name"], [ui.shown(r) for r in own], figures.INSTITUTION),
            figures.Line("Området", [ui.shown(r) for r in district_rows], figures.DISTRICT, "dot"),
            figures.Line("Kommunen", [ui.shown(r) for r in kommune_rows], figures.MUNICIPALITY, "dash"),
        ],
        unit,
        marks,
    )
    now = cells.get((code, period.period_type, period.period_id))
    now_district = bench.get(
        (
            districts.get((period.period_type, period.period_id)) or inst.get("district"),
            groups.get((period.period_type, period.period_id)) or inst.get("benchmark_group"),
            code,
            period.period_type,
            period.period_id,
        )
    )
    if now is not None and now.get("reason"):
        headline = ui.withheld_note(now["reason"], who)
    else:
        comparison = fmt.compare(ui.shown(now), ui.shown(now_district), unit, c["higher_is_better"])
        headline = html.Span(
            [
                html.Span(ui.value_text(now, unit), className="card-value"),
                html.Span(comparison.text, className=f"verdict verdict-{comparison.verdict}")
                if comparison.text
                else "",
            ]
        )
    table = ui.numbers_table(
        f"{c['name_da']} ({fmt.unit_label(unit)})",
        ["Periode", inst["name"], f"Antal {who}", "Området", "Kommunen"],
        [
            [
                period_label(p.period_type, p.period_id),
                ui.cell(r, unit),
                ui.n_text(r),
                ui.cell(d, unit, True),
                ui.cell(k, unit, True),
            ]
            for p, r, d, k in zip(series, own, district_rows, kommune_rows, strict=True)
        ],
    )
    return html.Article(
        [
            html.H3(
                dcc.Link(
                    c["name_da"],
                    href=ui.indicator_href(
                        code, {"periode": period.period_id, "institution": inst["institution_id"]}
                    ),
                )
            ),
            html.P([headline], className="card-main"),
            html.P(
                f"{period_label(period.period_type, period.period_id).capitalize()} · "
                f"{fmt.direction_text(c['higher_is_better'])}",
                className="card-period",
            ),
            ui.graph(figure, f"{c['name_da']} over tid: institutionen, området og kommunen"),
            table,
        ],
        className="card",
        **{"data-indicator": code},
    )


def _package_link(packages: datapakker.Folder | None, inst: dict, half_year: str) -> html.P:
    found = packages.latest(inst["institution_id"], inst["name"], half_year) if packages else None
    if found is None:
        return html.P(
            "Der er ingen datapakke for institutionen til og med den valgte periode.",
            className="package-link",
        )
    period, url = found
    return html.P(
        [
            html.A(
                f"Seneste datapakke ({period_label('half_year', period)})",
                href=url,
                target="_blank",
                rel="noopener",
            )
        ],
        className="package-link",
    )


def _observations(snap: Snapshot, iid: str, half_year: str) -> html.Section | str:
    rows = data.observations(snap, iid, half_year)
    if not rows:
        return ""
    return html.Section(
        [
            html.H2(f"Observationer af læringsmiljøet, {period_label('half_year', half_year)}"),
            html.Table(
                [
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in ("Dato", "Tema", "Score", "Note")])),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(
                                        r["observation_date"].strftime("%d.%m.%Y")
                                        if r["observation_date"]
                                        else ""
                                    ),
                                    html.Td(THEME_DA.get(r["theme"], r["theme"])),
                                    html.Td(
                                        fmt.number(float(r["score"]), 1) if fmt.is_number(r["score"]) else ""
                                    ),
                                    html.Td(redact(r["note"])),
                                ]
                            )
                            for r in rows
                        ]
                    ),
                ],
                className="numbers",
            ),
        ],
        className="observations",
    )
