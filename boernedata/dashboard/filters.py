"""The filters of the query string, read and checked: an unknown value is a Danish 404, never a guess.

`periode` is a published half-year on the overview, district, institution and watch-list pages (the
indicators are shown "as of" it, data.as_of) and one of the indicator's own periods on the indicator
page; `sektor` is dagtilbud, skole or fritid; `gruppe` a benchmark group of the sector.
"""

from __future__ import annotations

from dash import html

from boernedata.dashboard import components as ui
from boernedata.dashboard import data
from boernedata.dashboard.pages import NotFound
from boernedata.dashboard.publication import Snapshot
from boernedata.datapakke.content import SECTOR_DA
from boernedata.datapakke.periods import label as period_label


def half_year(snap: Snapshot, query: dict[str, str]) -> str:
    published = data.published_half_years(snap)
    if not published:
        raise NotFound("Der er endnu ikke publiceret data for et helt halvår.")
    wanted = query.get("periode")
    if wanted is None:
        return published[-1]
    if wanted not in published:
        raise NotFound(
            f"Perioden »{wanted}« er ikke publiceret. Vælg et af de publicerede halvår: "
            + ", ".join(period_label("half_year", h) for h in reversed(published))
            + "."
        )
    return wanted


def sector(snap: Snapshot, query: dict[str, str], default: str | None = None) -> str:
    available = [s for s in data.SECTORS if s in data.sector_groups(snap)]
    wanted = query.get("sektor") or default or (available[0] if available else data.SECTORS[0])
    if wanted not in data.SECTORS:
        raise NotFound(
            f"Sektoren »{wanted}« findes ikke. Vælg "
            + ", ".join(SECTOR_DA[s].lower() for s in data.SECTORS)
            + "."
        )
    return wanted


def group(snap: Snapshot, query: dict[str, str], sector: str) -> str | None:
    groups = data.sector_groups(snap).get(sector, [])
    wanted = query.get("gruppe")
    if wanted is None:
        return groups[0] if groups else None
    if wanted not in groups:
        names = data.group_names(snap)
        raise NotFound(
            f"Sammenligningsgruppen »{wanted}« findes ikke i {SECTOR_DA.get(sector, sector).lower()}. "
            "Vælg " + ", ".join(names.get(g, g).lower() for g in groups) + "."
        )
    return wanted


def group_options(snap: Snapshot, sector: str) -> list[tuple[str, str]]:
    names = data.group_names(snap)
    return [(g, names.get(g, g)) for g in data.sector_groups(snap).get(sector, [])]


def bar(snap: Snapshot, path: str, sector: str, group: str | None, half_year: str, *extra) -> html.Div:
    """The filters of the overview and district pages: sector, benchmark group, half-year (and `extra`)."""
    return html.Div(
        [
            ui.sector_pills(list(data.sector_groups(snap)), sector, path, {"periode": half_year}),
            ui.pills(
                "gruppe", group_options(snap, sector), group, path, {"periode": half_year, "sektor": sector}
            ),
            ui.period_menu(ui.half_year_options(data.published_half_years(snap)), half_year, "Opgjort pr."),
            *extra,
        ],
        className="filters",
    )
