"""A real browser opens a data package and the index (GitHub issue 6).

Headless Debian Chromium (scripts/install_chromium.sh; `make test` installs it) is driven over the DevTools
pipe: no console errors, no network requests other than the file itself, the page parsed as expected, and
screenshots in artifacts/ (CI's artefacts folder). The browser's own PDF of the package has the expected
pages.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixtures.published_marts import build_published_marts

from boernedata.datapakke import render
from boernedata.datapakke.cdp import Browser, find_chromium

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def browser():
    if not find_chromium():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: scripts/install_chromium.sh should have installed it")
        pytest.skip("Chromium is not installed (run scripts/install_chromium.sh)")
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    marts = tmp_path_factory.mktemp("marts") / "published.duckdb"
    build_published_marts(marts)
    out = tmp_path_factory.mktemp("datapakker")
    assert render(marts, None, None, out, pdf=False) == 0
    return out


def _open(browser, path: Path):
    page = browser.open_page()
    browser.call("Network.enable", session=page.session)
    page.goto(path)
    return page


def _requests(browser, page) -> list[str]:
    return [
        e["params"]["request"]["url"]
        for e in browser.events(page.session)
        if e["method"] == "Network.requestWillBeSent"
    ]


def test_package_opens_without_errors(browser, out):
    path = out / "2025-H2" / "S2001_Engskolen.html"
    page = _open(browser, path)
    try:
        assert page.console_errors() == []
        assert page.evaluate("document.documentElement.lang") == "da"
        assert page.evaluate("document.querySelector('h1').textContent") == "Engskolen"
        assert page.evaluate("document.querySelectorAll('svg').length") > 40
        assert page.evaluate("document.querySelectorAll('section').length") == 7
        # every SVG was laid out with a size (a broken SVG renders 0 x 0)
        assert page.evaluate(
            "[...document.querySelectorAll('svg')].every(s => s.getBoundingClientRect().width > 50)"
        )
        assert _requests(browser, page) == [path.resolve().as_uri()]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(ARTIFACTS / "datapakke.png", width=1280)
        assert (ARTIFACTS / "datapakke.png").stat().st_size > 50_000

        pypdf = pytest.importorskip("pypdf")
        pdf = out / "browser-S2001.pdf"
        page.pdf(pdf)
        texts = [p.extract_text() for p in pypdf.PdfReader(pdf).pages]
        assert 6 <= len(texts) <= 12  # the parts flow: no page left nearly empty by a forced break
        assert "Engskolen" in texts[0]
        assert "Side 1 af" in texts[0]  # the running footer from the print stylesheet
    finally:
        page.close()


def test_index_opens_without_errors(browser, out):
    path = out / "2025-H2" / "index.html"
    page = _open(browser, path)
    try:
        assert page.console_errors() == []
        links = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
        assert "S2001_Engskolen.html" in links and "D1001_Boernehuset_Maelkeboetten.html" in links
        assert page.evaluate("document.querySelectorAll('h2').length") == 2  # two districts
        page.screenshot(ARTIFACTS / "datapakke_index.png", width=1280)
    finally:
        page.close()
