"""The dashboard's pages, one module a page type, each with the same two steps:

- `check(snap, request) -> args`: read and validate the path and the filters (cheap, from what is read
  once per release); raises `NotFound` with a Danish sentence for an unknown institution, indicator,
  district, period or filter value. The server runs it on a direct page load too, so a bad URL is
  answered with HTTP 404 (app.py).
- `render(snap, args) -> Page`: the page's content.

- `/`: per sector, struktur/proces/resultat tiles: latest value, trend, district spread (overview)
- `/distrikt/<district>`: a district against the municipality, and its institutions (district)
- `/institution/<id>`: every indicator over time against district and municipality (institution)
- `/indikator/<code>`: one indicator across a sector's institutions for one period (indicator)
- `/aarshjul`: the data year wheel (wheel)
- `/opmaerksomhed`: the watch list of issue 22, once the publication has it (watch_list)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class NotFound(LookupError):
    """An unknown page, institution, indicator, district, period or filter value: HTTP 404, in Danish."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Request:
    path: str  # decoded, without a trailing slash (but "/")
    params: dict[str, str]  # from the path: institution_id, district, code
    query: dict[str, str]  # the filters: periode, sektor, gruppe, institution


@dataclass(frozen=True)
class Page:
    title: str
    body: Any
    status: int = 200
    query: dict[str, str] = field(default_factory=dict)  # the filters in force (for links)
