"""A real browser opens a data package and the index (GitHub issue 6).

pytest-playwright drives Debian's Chromium (scripts/install_chromium.sh; `make test` installs it; the
launch options come from boernedata/chromium.py through conftest.py): no console errors, no network
requests other than the file itself, the page parsed as expected, and screenshots in artifacts/ (CI's
artefacts folder). The browser's own PDF of the package has the expected pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.published_marts import build_published_marts
from playwright.sync_api import Page

from boernedata.datapakke import render

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    marts = tmp_path_factory.mktemp("marts") / "published.duckdb"
    build_published_marts(marts)
    out = tmp_path_factory.mktemp("datapakker")
    assert render(marts, None, None, out, pdf=False) == 0
    return out


def _open(page: Page, path: Path) -> tuple[list[str], list[str]]:
    """Open a file; return the console errors and the URLs requested, as they come."""
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path.resolve().as_uri(), wait_until="load")
    return errors, requests


def test_package_opens_without_errors(page: Page, out):
    path = out / "2025-H2" / "S2001_Engskolen.html"
    errors, requests = _open(page, path)
    assert errors == []
    assert page.evaluate("document.documentElement.lang") == "da"
    assert page.evaluate("document.querySelector('h1').textContent") == "Engskolen"
    assert page.evaluate("document.querySelectorAll('svg').length") > 40
    assert page.evaluate("document.querySelectorAll('section').length") == 7
    # every SVG was laid out with a size (a broken SVG renders 0 x 0)
    assert page.evaluate(
        "[...document.querySelectorAll('svg')].every(s => s.getBoundingClientRect().width > 50)"
    )
    assert requests == [path.resolve().as_uri()]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "datapakke.png", full_page=True)
    assert (ARTIFACTS / "datapakke.png").stat().st_size > 50_000

    pypdf = pytest.importorskip("pypdf")
    pdf = out / "browser-S2001.pdf"
    page.pdf(path=pdf, print_background=True, prefer_css_page_size=True)
    texts = [p.extract_text() for p in pypdf.PdfReader(pdf).pages]
    assert 6 <= len(texts) <= 12  # the parts flow: no page left nearly empty by a forced break
    assert "Engskolen" in texts[0]
    assert "Side 1 af" in texts[0]  # the running footer from the print stylesheet


def test_index_opens_without_errors(page: Page, out):
    path = out / "2025-H2" / "index.html"
    errors, _ = _open(page, path)
    assert errors == []
    links = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert "S2001_Engskolen.html" in links and "D1001_Boernehuset_Maelkeboetten.html" in links
    assert page.evaluate("document.querySelectorAll('h2').length") == 2  # two districts
    page.screenshot(path=ARTIFACTS / "datapakke_index.png", full_page=True)
