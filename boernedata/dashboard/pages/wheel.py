"""`/aarshjul`: the data year wheel (dataårshjul): in which months each kind of data is updated, so a
district chief can plan follow-ups along it. The wheel draws the data that arrive in some months only;
the monthly ones are listed beside it; the month grid is the table behind the chart.
"""

from __future__ import annotations

from dash import html

from boernedata.dashboard import components as ui
from boernedata.dashboard import data, figures
from boernedata.dashboard.pages import Page, Request
from boernedata.dashboard.publication import Snapshot

KIND_DA = {"struktur": "Struktur", "proces": "Proces", "resultat": "Resultat"}


def check(snap: Snapshot, request: Request) -> dict:
    return {}


def _months(text: str | None) -> list[int]:
    out = []
    for part in (text or "").split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= 12:
            out.append(int(part))
    return sorted(set(out))


def render(snap: Snapshot, args: dict) -> Page:
    rows = [r | {"months": _months(r.get("months_available"))} for r in data.wheel(snap)]
    seasonal = [r for r in rows if 0 < len(r["months"]) < 12]
    monthly = [r for r in rows if len(r["months"]) == 12]
    body = [
        ui.header(
            "Dataårshjulet",
            "Hvornår hver slags data opdateres: planlæg opfølgningen efter, hvornår tallene er nye.",
            crumbs=[("Overblik", "/")],
        ),
        html.Section(
            [
                html.H2("Data, der kommer på bestemte tidspunkter"),
                ui.graph(
                    figures.year_wheel([(r["source_extract"], r["months"]) for r in seasonal]),
                    "Dataårshjulet: en ring pr. datakilde, udfyldt i de måneder, hvor data opdateres",
                ),
                ui.numbers_table(
                    "Måneder med nye data pr. datakilde",
                    ["Datakilde", "Kvalitet", *figures.MONTHS_DA, "Hvad"],
                    [
                        [r["source_extract"], KIND_DA.get(r["data_kind"], r["data_kind"] or "")]
                        + ["●" if m in r["months"] else "" for m in range(1, 13)]
                        + [r.get("description_da") or ""]
                        for r in rows
                    ],
                ),
            ]
        ),
        html.Section(
            [
                html.H2("Data, der opdateres hver måned"),
                html.Ul(
                    [
                        html.Li(
                            [
                                html.Code(r["source_extract"]),
                                f" ({KIND_DA.get(r['data_kind'], '')}): ",
                                r.get("description_da") or "",
                            ]
                        )
                        for r in monthly
                    ]
                ),
            ]
        ),
    ]
    return Page("Dataårshjulet", body)
