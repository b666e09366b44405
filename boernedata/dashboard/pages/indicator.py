"""`/indikator/<code>`: one indicator across the institutions of one benchmark group for one period: the
definition from the catalogue, the ranking, the distribution and the districts against the municipality.
`?institution=<id>` marks one institution in the ranking (the link from an institution's page does).
Withheld institutions are listed as withheld, at the end of the ranking's table, never as a bar.
"""

from __future__ import annotations

from dash import dcc, html

from boernedata.dashboard import components as ui
from boernedata.dashboard import data, figures, filters
from boernedata.dashboard.pages import NotFound, Page, Request
from boernedata.dashboard.publication import Snapshot
from boernedata.datapakke import formatting as fmt
from boernedata.datapakke import withheld
from boernedata.datapakke.content import SECTOR_DA
from boernedata.datapakke.periods import label as period_label

DIMENSION_DA = {"struktur": "Strukturel kvalitet", "proces": "Proceskvalitet", "resultat": "Resultatkvalitet"}
PERIOD_TYPE_DA = {"half_year": "halvår", "school_year": "skoleår", "calendar_year": "kalenderår"}


def check(snap: Snapshot, request: Request) -> dict:
    code = request.params["code"]
    catalogue = data.catalogue(snap)
    if code not in catalogue:
        raise NotFound(f"Indikatoren »{code}« findes ikke i indikatorkataloget.")
    own = data.indicator_periods(snap).get(code, [])
    wanted = request.query.get("periode")
    if wanted is None:
        primary = (catalogue[code]["period_type_list"] or [None])[0]
        candidates = [p for p in own if p.period_type == primary] or own
        period = candidates[-1] if candidates else None
    else:
        period = next((p for p in reversed(own) if p.period_id == wanted), None)
        if period is None:
            raise NotFound(
                f"Indikatoren har ingen publicerede tal for »{wanted}«. Publicerede perioder: "
                + (", ".join(period_label(p.period_type, p.period_id) for p in reversed(own)) or "ingen")
                + "."
            )
    sector = catalogue[code]["sector"]
    highlight = request.query.get("institution")
    if highlight is not None and highlight not in data.institutions(snap):
        raise NotFound(f"Institutionen »{highlight}« findes ikke i de publicerede data.")
    return {
        "code": code,
        "period": period,
        "gruppe": filters.group(snap, request.query, sector),
        "institution": highlight,
    }


def render(snap: Snapshot, args: dict) -> Page:
    code, period, group, highlight = args["code"], args["period"], args["gruppe"], args["institution"]
    c = data.catalogue(snap)[code]
    unit = c["unit"] or ""
    names = data.group_names(snap)
    path = ui.indicator_href(code)
    query = {"periode": period.period_id if period else None, "gruppe": group, "institution": highlight}
    body = [
        ui.header(
            c["name_da"],
            f"{SECTOR_DA.get(c['sector'], c['sector'])} · {DIMENSION_DA.get(c['quality_dimension'], '')} · "
            f"{fmt.unit_label(unit)} · {fmt.direction_text(c['higher_is_better'])}",
            crumbs=[("Overblik", ui.href("/", {"sektor": c["sector"]}))],
        ),
        html.Div(
            [
                ui.pills("gruppe", filters.group_options(snap, c["sector"]), group, path, query),
                ui.period_menu(
                    [
                        (p.period_id, period_label(p.period_type, p.period_id).capitalize())
                        for p in reversed(data.indicator_periods(snap).get(code, []))
                    ],
                    period.period_id if period else "",
                ),
            ],
            className="filters",
        ),
        _definition(c),
    ]
    if period is None:
        body.append(html.P("Indikatoren har endnu ingen publicerede tal."))
        return Page(c["name_da"], body, query=query)

    cells = [r for r in data.indicator_cells(snap, code, period) if r["benchmark_group"] == group]
    bench = data.benchmarks(snap)
    kommune = bench.get((data.KOMMUNE, group, code, period.period_type, period.period_id))
    reference = ui.shown(kommune)
    published = [r for r in cells if ui.shown(r) is not None]
    hidden = [r for r in cells if r.get("reason")]
    published.sort(key=lambda r: r["value"], reverse=c["higher_is_better"] is not False)
    who = ui.who(code, c["sector"])
    group_name = names.get(group, group or "").lower()
    highlight_name = data.institutions(snap)[highlight]["name"] if highlight else None
    label = period_label(period.period_type, period.period_id)

    body.append(
        html.P(
            [
                f"{label.capitalize()}: kommunens {group_name} samlet ",
                html.Strong(ui.value_text(kommune, unit, benchmark=True)),
                f" · {len(published)} institutioner med tal, {len(hidden)} skjulte.",
            ],
            className="summary",
        )
    )
    body.append(
        html.Section(
            [
                html.H2("Rangordning"),
                html.P(
                    "Bedste øverst." if c["higher_is_better"] is not None else "Højeste øverst.",
                    className="intro",
                ),
                ui.graph(
                    figures.ranking(
                        [r["institution_name"] for r in published],
                        [r["value"] for r in published],
                        unit,
                        reference,
                        highlight_name,
                    ),
                    f"{c['name_da']}: institutionerne rangordnet",
                ),
                ui.numbers_table(
                    f"{c['name_da']}, {group_name}, {label}",
                    ["Nr.", "Institution", "Område", "Værdi", f"Antal {who}"],
                    [
                        [str(i), ui_link(r), r["district"] or "", ui.cell(r, unit), ui.n_text(r)]
                        for i, r in enumerate(published, start=1)
                    ]
                    + [["–", ui_link(r), r["district"] or "", ui.cell(r, unit), ""] for r in hidden],
                ),
                _hidden_note(hidden, who),
            ],
            className="ranking",
        )
    )
    body.append(
        html.Section(
            [
                html.H2("Fordeling"),
                ui.graph(
                    figures.distribution([r["value"] for r in published], unit, reference),
                    f"{c['name_da']}: fordelingen af institutionernes værdier",
                ),
                ui.numbers_table(
                    f"Fordeling af {c['name_da'].lower()}",
                    ["Mål", "Værdi"],
                    _summary_rows(published, unit),
                ),
            ],
            className="distribution",
        )
    )
    districts = [
        (d, bench.get((d, group, code, period.period_type, period.period_id))) for d in data.districts(snap)
    ]
    districts = [(d, r) for d, r in districts if r is not None]
    body.append(
        html.Section(
            [
                html.H2("Områderne mod kommunen"),
                ui.graph(
                    figures.district_bars(
                        [d for d, _ in districts], [ui.shown(r) for _, r in districts], unit, reference
                    ),
                    f"{c['name_da']}: områderne og kommunen",
                ),
                ui.numbers_table(
                    f"{c['name_da']}: områder, {group_name}, {label}",
                    ["Område", "Værdi", "Institutioner", f"Antal {who}"],
                    [[d, ui.cell(r, unit, True), _count(r), ui.n_text(r)] for d, r in districts]
                    + [["Kommunen", ui.cell(kommune, unit, True), _count(kommune), ui.n_text(kommune)]],
                ),
                html.P(
                    f"Et område vises kun, når mindst {withheld.MIN_INSTITUTIONS} institutioner bidrager.",
                    className="intro",
                ),
            ],
            className="districts",
        )
    )
    return Page(c["name_da"], body, query=query)


def ui_link(r: dict) -> dcc.Link:
    return dcc.Link(r["institution_name"], href=ui.institution_href(r["institution_id"]))


def _definition(c: dict) -> html.Details:
    types = ", ".join(PERIOD_TYPE_DA.get(t, t) for t in c["period_type_list"])
    return html.Details(
        [
            html.Summary("Definition"),
            html.P(c.get("definition_da") or ""),
            html.Dl(
                [
                    html.Dt("Opgøres pr."),
                    html.Dd(types),
                    html.Dt("Kilder"),
                    html.Dd(", ".join((c.get("source_extracts") or "").split(","))),
                    html.Dt("Kode"),
                    html.Dd(html.Code(c["indicator_code"])),
                ]
            ),
        ],
        open=True,
        className="definition",
    )


def _hidden_note(hidden: list[dict], who: str):
    if not hidden:
        return ""
    counts = {
        reason: sum(1 for r in hidden if r["reason"] == reason) for reason in {r["reason"] for r in hidden}
    }
    parts = [
        f"{n} {'institution' if n == 1 else 'institutioner'}: {ui.why(reason, who)}"
        for reason, n in sorted(counts.items())
    ]
    return html.Ul([html.Li(p) for p in parts], className="withheld-list")


def _count(r: dict | None) -> str:
    if r is None or not fmt.is_number(r.get("n_institutions")):
        return ""
    return fmt.number(float(r["n_institutions"]), 0)


def _summary_rows(published: list[dict], unit: str) -> list[list[str]]:
    values = sorted(r["value"] for r in published)
    if not values:
        return [["Institutioner med tal", "0"]]

    def quantile(q: float) -> float:
        pos = (len(values) - 1) * q
        low = int(pos)
        high = min(low + 1, len(values) - 1)
        return values[low] + (values[high] - values[low]) * (pos - low)

    return [
        ["Institutioner med tal", fmt.number(len(values), 0)],
        ["Laveste", fmt.value(values[0], unit)],
        ["Nedre kvartil", fmt.value(quantile(0.25), unit)],
        ["Median", fmt.value(quantile(0.5), unit)],
        ["Øvre kvartil", fmt.value(quantile(0.75), unit)],
        ["Højeste", fmt.value(values[-1], unit)],
    ]
