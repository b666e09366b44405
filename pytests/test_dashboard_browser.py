"""The dashboard in a real browser (GitHub issue 23): pytest-playwright driving Debian's Chromium (the
launch options come from boernedata/chromium.py through conftest.py; no browser is downloaded).

Every page type loads with no console error and no request off the machine; the click path overview ->
district -> institution -> indicator works, with the period filter and the back button; a withheld cell is
shown as withheld with its reason; a chart's table is one click away. Screenshots of every page type go
to artifacts/ (CI's artefacts folder).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from fixtures.dashboard import publish
from fixtures.published_marts import build_published_marts
from playwright.sync_api import Page, expect

from boernedata.dashboard.app import create_app

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory) -> str:
    from waitress import create_server

    warehouse = tmp_path_factory.mktemp("dash-browser") / "boernedata.duckdb"
    published = publish(warehouse, "20260701T050000Z-1", build_published_marts)
    folder = tmp_path_factory.mktemp("datapakker")
    (folder / "2025-H2").mkdir()
    (folder / "2025-H2" / "D1004_Dagplejen_Oest.html").write_text("<html lang=da>pakke</html>", "utf-8")
    server = create_server(create_app(published, folder).server, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def watched(page: Page, dashboard_url):
    """The page, with every console error and every request that leaves the server recorded."""
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((dashboard_url, "data:", "blob:")) else None,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.errors, page.outside = errors, outside
    return page


def _loaded(page: Page, heading: str) -> None:
    expect(page.locator("#page h1")).to_have_text(heading)
    page.wait_for_load_state("networkidle")


PAGE_TYPES = [
    ("overview", "/", "Kvalitet i dagtilbud, skole og fritid"),
    ("district", "/distrikt/Syd?sektor=skole&gruppe=specialskole", "Syd"),
    ("institution", "/institution/S2001", "Engskolen"),
    ("indicator", "/indikator/sk_absence_pct", "Elevfravær"),
    ("year_wheel", "/aarshjul", "Dataårshjulet"),
    ("watch_list", "/opmaerksomhed", "Opmærksomhedslisten"),
]


@pytest.mark.parametrize(("name", "url", "heading"), PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES])
def test_every_page_type_loads_without_console_errors(watched, dashboard_url, name, url, heading):
    response = watched.goto(dashboard_url + url)
    assert response.status == 200
    _loaded(watched, heading)
    assert watched.evaluate("document.documentElement.lang") == "da"
    # the title (a clientside callback) and the charts (plotly.js is loaded lazily) come after the
    # heading: waited for, not read once (both lagged it on a slow machine)
    expect(watched).to_have_title(re.compile(r"· Børnedata$"))
    if name not in ("year_wheel", "watch_list"):
        expect(watched.locator(".js-plotly-plot, img.sparkline").first).to_be_attached()  # charts drawn
    assert watched.errors == [] and watched.outside == []
    ARTIFACTS.mkdir(exist_ok=True)
    watched.screenshot(path=ARTIFACTS / f"dashboard_{name}.png", full_page=True)


def test_an_unknown_page_is_a_danish_404(watched, dashboard_url):
    response = watched.goto(dashboard_url + "/institution/X9999")
    assert response.status == 404
    _loaded(watched, "Siden findes ikke")
    expect(watched.locator(".not-found-message")).to_contain_text("Institutionen »X9999« findes ikke")
    # the browser reports the document's own 404 status; nothing else may fail
    assert [e for e in watched.errors if "status of 404" not in e] == [] and watched.outside == []
    watched.screenshot(path=ARTIFACTS / "dashboard_404.png", full_page=True)


def test_click_path_overview_institution_indicator(watched, dashboard_url):
    watched.goto(dashboard_url + "/?sektor=skole")
    _loaded(watched, "Kvalitet i dagtilbud, skole og fritid")
    watched.locator(".districts").get_by_role("link", name="Nord").click()
    _loaded(watched, "Nord")
    assert "/distrikt/Nord" in watched.url and "sektor=skole" in watched.url
    watched.locator("table.matrix tbody").get_by_role("link", name="Engskolen").click()
    _loaded(watched, "Engskolen")
    assert "/institution/S2001" in watched.url
    card = watched.locator('article.card[data-indicator="sk_absence_pct"]')
    card.get_by_role("link", name="Elevfravær").click()
    _loaded(watched, "Elevfravær")
    assert "/indikator/sk_absence_pct" in watched.url and "institution=S2001" in watched.url
    # the institution is marked in the ranking's table
    expect(watched.locator("section.ranking table")).to_contain_text("Engskolen")

    # the period filter rewrites the URL (bookmarkable) and the page follows it
    watched.locator(".period-menu").click()
    watched.get_by_role("option", name="Skoleåret 2023/24").click()
    expect(watched.locator("p.summary")).to_contain_text("Skoleåret 2023/24")
    assert "periode=2023%2F24" in watched.url
    watched.go_back()
    expect(watched.locator("p.summary")).not_to_contain_text("Skoleåret 2023/24")
    assert watched.errors == [] and watched.outside == []


def test_the_finder_opens_an_institution(watched, dashboard_url):
    watched.goto(dashboard_url + "/aarshjul")
    _loaded(watched, "Dataårshjulet")
    watched.locator("#finder").click()
    watched.keyboard.type("Kastellet")
    watched.get_by_role("option", name="Heldagsskolen Kastellet", exact=False).click()
    _loaded(watched, "Heldagsskolen Kastellet")
    assert watched.url.endswith("/institution/S2004")
    assert watched.errors == []


def test_a_withheld_cell_is_shown_as_withheld(watched, dashboard_url):
    watched.goto(dashboard_url + "/institution/D1004")
    _loaded(watched, "Dagplejen Øst")
    card = watched.locator('article.card[data-indicator="dt_attendance_pct"]')
    expect(card.locator(".withheld")).to_contain_text("færre end 5 børn")
    # the chart marks the withheld periods on its axis instead of drawing a point
    expect(card.locator(".js-plotly-plot .annotation-text").first).to_have_text("<5")
    # the table is one click away, and says "skjult" where the number would be, with the reason
    table = card.locator("table.numbers")
    expect(table).to_be_hidden()
    card.get_by_text("Vis tallene som tabel").click()
    expect(table).to_be_visible()
    withheld = table.locator('td.withheld-cell[data-reason="n_lt_5"]').first
    expect(withheld).to_have_text("skjult")
    assert "færre end 5" in withheld.get_attribute("title")
    # the institution's latest data package is linked
    expect(watched.get_by_role("link", name="Seneste datapakke (2. halvår 2025)")).to_have_attribute(
        "href", "/datapakker/2025-H2/D1004_Dagplejen_Oest.html"
    )
    watched.screenshot(path=ARTIFACTS / "dashboard_withheld.png", full_page=False)
    assert watched.errors == []
