"""URL -> page: the path table, the decoding of path parts and filters, and the Danish 404 page.

`check` is what the server runs on a direct page load to answer an unknown URL with HTTP 404 before any
page is drawn; `page` is what the router callback runs to draw it (app.py).
"""

from __future__ import annotations

import re
from types import ModuleType
from urllib.parse import parse_qsl, unquote

from dash import dcc, html

from boernedata.dashboard.pages import (
    NotFound,
    Page,
    Request,
    district,
    indicator,
    institution,
    overview,
    watch_list,
    wheel,
)
from boernedata.dashboard.publication import Snapshot

ROUTES: tuple[tuple[re.Pattern, ModuleType], ...] = (
    (re.compile(r"^/$"), overview),
    # A district may hold a slash ('Vesterbro/Kongens Enghave'): links encode it (%2F), but a server may
    # hand over the path decoded, so the rest of the path is the name either way.
    (re.compile(r"^/distrikt/(?P<district>.+)$"), district),
    (re.compile(r"^/institution/(?P<institution_id>.+)$"), institution),
    (re.compile(r"^/indikator/(?P<code>[^/]+)$"), indicator),
    (re.compile(r"^/aarshjul$"), wheel),
    (re.compile(r"^/opmaerksomhed$"), watch_list),
)
FILTERS = ("periode", "sektor", "gruppe", "institution")


def request(pathname: str | None, search: str | None) -> tuple[ModuleType, Request]:
    """The page module and the decoded request; NotFound for a path no page has."""
    path = pathname or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    for pattern, module in ROUTES:
        match = pattern.match(path)
        if match:
            params = {k: unquote(v) for k, v in match.groupdict().items()}
            return module, Request(unquote(path), params, parse_query(search))
    raise NotFound(f"Siden »{unquote(path)}« findes ikke.")


def parse_query(search: str | None) -> dict[str, str]:
    """The known filters of a query string (last one wins; others are ignored)."""
    return {k: v for k, v in parse_qsl((search or "").lstrip("?"), keep_blank_values=False) if k in FILTERS}


def check(snap: Snapshot, pathname: str | None, search: str | None) -> None:
    """Raise NotFound when the URL names nothing published (no page is drawn)."""
    module, req = request(pathname, search)
    module.check(snap, req)


def page(snap: Snapshot, pathname: str | None, search: str | None, context: dict | None = None) -> Page:
    try:
        module, req = request(pathname, search)
        args = module.check(snap, req)
    except NotFound as exc:
        return not_found(exc.message)
    return module.render(snap, args | (context or {}))


def not_found(message: str) -> Page:
    return Page(
        "Siden findes ikke",
        html.Div(
            [
                html.H1("Siden findes ikke"),
                html.P(message, className="not-found-message"),
                html.P(
                    "Måske er adressen skrevet forkert, eller også er institutionen, indikatoren, området "
                    "eller perioden ikke med i de publicerede data."
                ),
                html.P([dcc.Link("Gå til overblikket", href="/")]),
            ],
            className="not-found",
            id="not-found",
        ),
        status=404,
    )
