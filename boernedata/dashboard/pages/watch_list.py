"""`/opmaerksomhed`: the institutions on the watch list (`marts.institution_watch_list`, issue 22) with
their reasons, highest score first; or, while the publication has no such table, a Danish page that
says the list is not available yet. The list holds only published, non-withheld figures (issue 22).
"""

from __future__ import annotations

from dash import dcc, html

from boernedata.dashboard import components as ui
from boernedata.dashboard import data, figures, filters
from boernedata.dashboard.pages import NotFound, Page, Request
from boernedata.dashboard.publication import Snapshot
from boernedata.datapakke import formatting as fmt
from boernedata.datapakke.content import SECTOR_DA
from boernedata.datapakke.periods import label as period_label

PATH = "/opmaerksomhed"
ALL = "alle"


def check(snap: Snapshot, request: Request) -> dict:
    rows = data.watch_list(snap)
    sector = request.query.get("sektor", ALL)
    if sector != ALL:
        sector = filters.sector(snap, request.query)
    if rows is None:
        return {"rows": None, "sektor": sector, "periode": None}
    periods = sorted({r["period_id"] for r in rows if r.get("period_id")})
    wanted = request.query.get("periode")
    if wanted is not None and wanted not in periods:
        raise NotFound(
            f"Opmærksomhedslisten har ingen liste for »{wanted}«. Lister: "
            + (", ".join(_label(p) for p in reversed(periods)) or "ingen")
            + "."
        )
    return {
        "rows": rows,
        "sektor": sector,
        "periode": wanted or (periods[-1] if periods else None),
        "periods": periods,
    }


def _text(value, separator: str) -> str:
    """A cell's text whether issue 22 publishes a text, a number or a list."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return separator.join(str(v) for v in value if v is not None)
    return str(value)


def _label(period_id: str) -> str:
    try:
        return period_label("half_year", period_id)
    except ValueError:
        return period_id


def render(snap: Snapshot, args: dict) -> Page:
    header = ui.header(
        "Opmærksomhedslisten",
        "Institutioner, hvor flere indikatorer er blevet dårligere samtidig over de seneste tre halvår, "
        "både i forhold til egen udvikling og til sammenlignelige institutioner.",
        crumbs=[("Overblik", "/")],
    )
    if args["rows"] is None:
        return Page(
            "Opmærksomhedslisten",
            [
                header,
                html.Div(
                    [
                        html.H2("Ikke tilgængelig endnu"),
                        html.P(
                            "De publicerede data indeholder endnu ingen opmærksomhedsliste. Den kommer med, "
                            "når en kørsel af boernedata publicerer tabellen marts.institution_watch_list; "
                            "siden viser den så af sig selv."
                        ),
                        html.P(dcc.Link("Tilbage til overblikket", href="/")),
                    ],
                    className="notice",
                    id="watch-list-unavailable",
                ),
            ],
        )
    sector, period = args["sektor"], args["periode"]
    institutions = data.institutions(snap)
    rows = [
        r
        for r in args["rows"]
        if r.get("period_id") == period and (sector == ALL or r.get("sector") == sector)
    ]
    query = {"sektor": None if sector == ALL else sector, "periode": period}
    names = [institutions.get(r["institution_id"], {}).get("name") or r["institution_id"] for r in rows]
    scores = [float(r["watch_score"]) if fmt.is_number(r.get("watch_score")) else None for r in rows]
    table_rows = [
        [
            dcc.Link(name, href=ui.institution_href(r["institution_id"])),
            SECTOR_DA.get(r.get("sector"), r.get("sector") or ""),
            institutions.get(r["institution_id"], {}).get("district") or "",
            fmt.number(score, 2) if score is not None else "",
            _text(r.get("indicators_worsening"), ", "),
            _text(r.get("reasons_da"), "; "),
            _label(r["first_flagged_period"]) if r.get("first_flagged_period") else "",
        ]
        for r, name, score in zip(rows, names, scores, strict=True)
    ]
    options = [(ALL, "Alle")] + [(s, SECTOR_DA[s]) for s in data.SECTORS]
    body = [
        header,
        html.Div(
            [
                ui.pills("sektor", options, sector, PATH, {"periode": period}),
                ui.period_menu(
                    [(p, _label(p).capitalize()) for p in reversed(args["periods"])], period or ""
                ),
            ],
            className="filters",
        ),
    ]
    if not rows:
        body.append(html.P("Ingen institutioner på listen med de valgte filtre."))
    else:
        body += [
            ui.graph(
                figures.watch_scores(names, [s or 0 for s in scores]), "Opmærksomhedsscore pr. institution"
            ),
            ui.numbers_table(
                f"Opmærksomhedslisten, {_label(period or '')}",
                [
                    "Institution",
                    "Sektor",
                    "Område",
                    "Score",
                    "Indikatorer i tilbagegang",
                    "Hvorfor",
                    "På listen siden",
                ],
                table_rows,
                open_=True,
            ),
        ]
    return Page("Opmærksomhedslisten", body, query=query)
