"""The dashboard without a browser (GitHub issue 23): every page type from the published file, the Danish
404s, no withheld figure anywhere, the internal warehouse refused, a new release shown on the next page
load, the watch list before and after issue 22's table exists.

Pages are drawn through the Flask test client, as the browser asks for them (the page shell, then the
router callback), on the small planted municipality of fixtures/published_marts.py, laid out as a build
publishes it. test_dashboard_browser.py drives the same app in Chromium.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from fixtures.dashboard import page_response, publish, router_body
from fixtures.published_marts import SENTINELS, build_published_marts

from boernedata.dashboard import data, routes
from boernedata.dashboard.app import create_app
from boernedata.dashboard.publication import NotPublished, Publication
from boernedata.exit_codes import ExitCode

UPDATE = "/_dash-update-component"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """A warehouse folder with one release published (`published` -> .releases/r1)."""
    warehouse = tmp_path_factory.mktemp("dash") / "boernedata.duckdb"
    publish(warehouse, "20260701T050000Z-1", build_published_marts)
    return warehouse


@pytest.fixture(scope="module")
def published(warehouse) -> Path:
    return warehouse.parent / "published" / "boernedata.duckdb"


@pytest.fixture(scope="module")
def client(published):
    return create_app(published).server.test_client()


def get_page(client, path: str, search: str = "") -> dict:
    shell = client.get(path + search)
    response = client.post(UPDATE, data=router_body(path, search), content_type="application/json")
    assert response.status_code == 200, response.data[:500]
    return {
        "status": shell.status_code,
        "shell": shell.get_data(as_text=True),
        **page_response(response.data),
    }


def text_of(node) -> str:
    """All text and attribute values of a component tree (as JSON), data-URI pictures decoded."""
    raw = json.dumps(node, ensure_ascii=False)
    return re.sub(
        r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", lambda m: base64.b64decode(m.group(1)).decode(), raw
    )


PAGES = [
    ("/", "", "Overblik – Dagtilbud"),
    ("/", "?sektor=skole&gruppe=specialskole", "Overblik – Skole"),
    ("/distrikt/Syd", "?sektor=dagtilbud", "Syd – Dagtilbud"),
    ("/institution/S2001", "", "Engskolen"),
    ("/indikator/sk_absence_pct", "?periode=2024/25", "Elevfravær"),
    ("/aarshjul", "", "Dataårshjulet"),
    ("/opmaerksomhed", "", "Opmærksomhedslisten"),
]


@pytest.mark.parametrize(("path", "search", "title"), PAGES)
def test_every_page_type(client, path, search, title):
    page = get_page(client, path, search)
    assert page["status"] == 200
    assert page["title"] == f"{title} · Børnedata"
    assert '<html lang="da">' in page["shell"]
    assert "Udgivelse 20260701T050000Z-1" in text_of(page["footer"])


def test_every_chart_has_its_numbers_as_a_table(client):
    for path, search, _ in PAGES[:5]:
        text = text_of(get_page(client, path, search)["page"])
        graphs = text.count('"type": "Graph"')
        tables = text.count("Vis tallene som tabel")
        assert tables >= graphs, (path, graphs, tables)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/institution/X9999", "Institutionen »X9999« findes ikke"),
        ("/indikator/dt_nonsense", "Indikatoren »dt_nonsense« findes ikke"),
        ("/distrikt/Atlantis", "Området »Atlantis« findes ikke"),
        ("/?periode=2019-H1", "Perioden »2019-H1« er ikke publiceret"),
        ("/institution/S2001?periode=2030-H2", "Perioden »2030-H2« er ikke publiceret"),
        ("/indikator/sk_absence_pct?periode=1999/00", "ingen publicerede tal for »1999/00«"),
        ("/?sektor=plejehjem", "Sektoren »plejehjem« findes ikke"),
        ("/?sektor=skole&gruppe=dagpleje", "Sammenligningsgruppen »dagpleje« findes ikke"),
        ("/noget/andet", "Siden »/noget/andet« findes ikke"),
        # an attempt at SQL in the path is only an unknown name (every query is parameterized)
        ("/institution/" + quote("S2001' or '1'='1", safe=""), "findes ikke"),
    ],
)
def test_unknown_things_are_a_danish_404(client, url, says):
    path, _, search = url.partition("?")
    search = "?" + search if search else ""
    shell = client.get(url)
    assert shell.status_code == 404
    assert says in shell.get_data(as_text=True)  # before any script runs
    page = get_page(client, path, search)
    assert page["title"] == "Siden findes ikke · Børnedata"
    assert says in text_of(page["page"])


def test_a_name_with_a_slash_is_one_path_part():
    # Copenhagen's district 'Vesterbro/Kongens Enghave': the link encodes the slash, a server may decode it
    for path in ("/distrikt/Vesterbro%2FKongens%20Enghave", "/distrikt/Vesterbro/Kongens Enghave"):
        _, request = routes.request(path, "?sektor=skole&x=1")
        assert request.params == {"district": "Vesterbro/Kongens Enghave"}
        assert request.query == {"sektor": "skole"}


def test_a_failing_page_shows_no_stack_trace(published, monkeypatch, caplog):
    app = create_app(published, cache_bytes=0)
    monkeypatch.setattr(routes, "page", lambda *a, **k: 1 / 0)
    response = app.server.test_client().post(UPDATE, data=router_body("/"), content_type="application/json")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Siden kunne ikke vises" in text and "ZeroDivisionError" not in text and "Traceback" not in text
    assert "ZeroDivisionError" in caplog.text  # in the server's log instead


def test_a_withheld_cell_is_shown_as_withheld_with_its_reason(client):
    # D1004, a small dagpleje unit: every person-based figure withheld (n < 5); D1008 or D1009 is withheld
    # as complementary in district Syd.
    page = text_of(get_page(client, "/institution/D1004")["page"])
    assert "færre end 5 børn" in page and '"data-reason": "n_lt_5"' in page
    indicator = text_of(get_page(client, "/indikator/dt_attendance_pct", "?gruppe=dagpleje")["page"])
    assert '"data-reason": "complementary"' in indicator
    assert "et andet skjult tal ellers kunne regnes ud ved at trække fra" in indicator


def _all_urls(snap) -> list[tuple[str, str]]:
    urls = [("/aarshjul", ""), ("/opmaerksomhed", "")]
    for sector, groups in data.sector_groups(snap).items():
        for group in groups:
            urls.append(("/", f"?sektor={sector}&gruppe={group}"))
            urls += [
                (f"/distrikt/{quote(d)}", f"?sektor={sector}&gruppe={group}") for d in data.districts(snap)
            ]
    urls += [(f"/institution/{i}", "") for i in data.institutions(snap)]
    for code, own in data.indicator_periods(snap).items():
        sector = data.catalogue(snap)[code]["sector"]
        for period in own:
            for group in data.sector_groups(snap)[sector]:
                urls.append(
                    (f"/indikator/{code}", f"?periode={quote(period.period_id, safe='')}&gruppe={group}")
                )
    return urls


def test_no_withheld_figure_on_any_page(tmp_path):
    """The leaky file holds a sentinel wherever a withheld cell must be empty; no page may show one, as a
    number in a chart or as text, on any page of any institution, indicator, period or group."""
    warehouse = tmp_path / "boernedata.duckdb"
    published = publish(warehouse, "leaky", lambda p: build_published_marts(p, leak_withheld=True))
    app = create_app(published, cache_bytes=0)
    client = app.server.test_client()
    patterns = [re.compile(r"\D?".join(f"{abs(x):.0f}"[:5])) for x in SENTINELS.values()]
    with app.publication.snapshot() as snap:
        urls = _all_urls(snap)
    assert len(urls) > 300
    withheld_seen = 0
    for path, search in urls:
        page = get_page(client, path, search)["page"]
        numbers: list[float] = []
        strings: list[str] = []
        _walk(page, numbers, strings)
        assert not [n for n in numbers if any(abs(n - s) < 1 for s in SENTINELS.values())], (path, search)
        assert not [s for s in strings for p in patterns if p.search(s)], (path, search)
        withheld_seen += sum("skjult" in s for s in strings)
    assert withheld_seen > 100


def _walk(node, numbers: list, strings: list) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _walk(value, numbers, strings)
    elif isinstance(node, list):
        for value in node:
            _walk(value, numbers, strings)
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, int | float):
        numbers.append(float(node))
    elif isinstance(node, str):
        prefix = "data:image/svg+xml;base64,"
        strings.append(base64.b64decode(node[len(prefix) :]).decode() if node.startswith(prefix) else node)


def test_the_internal_warehouse_is_refused(tmp_path, capsys):
    internal = tmp_path / "boernedata.duckdb"
    build_published_marts(internal)
    con = duckdb.connect(str(internal))
    con.execute("create schema restricted")
    con.execute("create table restricted.fct_child_attendance_days as select 1 as child_key")
    con.close()
    with pytest.raises(NotPublished, match="internal warehouse"), Publication(internal).snapshot():
        pass
    from boernedata.dashboard import serve

    assert serve(internal, "127.0.0.1", 0, None) == ExitCode.CANNOT_RUN
    assert "internal warehouse" in capsys.readouterr().err
    assert serve(tmp_path / "missing.duckdb", "127.0.0.1", 0, None) == ExitCode.CANNOT_RUN


def test_read_only_and_no_other_files(published):
    with Publication(published).snapshot() as snap:
        with pytest.raises(duckdb.Error):
            snap.cursor.execute("create table marts.x as select 1")
        with pytest.raises(duckdb.Error):
            snap.cursor.execute("select * from read_csv('/etc/passwd')")


def test_a_new_release_is_shown_on_the_next_page_load(tmp_path):
    """A build swaps `published` while pages are being drawn: no request fails, the next page load shows
    the new release, the old one's database is closed once no request uses it, and cached pages of the old
    release are not served any more."""
    warehouse = tmp_path / "boernedata.duckdb"
    published = publish(warehouse, "r1", build_published_marts)
    app = create_app(published)
    client = app.server.test_client()
    before = get_page(client, "/institution/S2001")
    assert "Udgivelse r1" in text_of(before["footer"])
    old_release = app.publication._current

    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        own = app.server.test_client()
        while not stop.is_set():
            response = own.post(
                UPDATE, data=router_body("/institution/S2001"), content_type="application/json"
            )
            if response.status_code != 200 or "Siden kunne ikke vises" in response.get_data(as_text=True):
                errors.append(response.get_data(as_text=True)[:300])
            stop.wait(0.02)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()

    def renamed(path: Path) -> None:
        build_published_marts(path)
        con = duckdb.connect(str(path))
        con.execute("update marts.institutions set name = 'Engskolen II' where institution_id = 'S2001'")
        con.execute(
            "update marts.institution_indicators_labelled set institution_name = 'Engskolen II' "
            "where institution_id = 'S2001'"
        )
        con.close()

    publish(warehouse, "r2", renamed)
    after = get_page(client, "/institution/S2001")
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert "Udgivelse r2" in text_of(after["footer"]) and after["title"] == "Engskolen II · Børnedata"
    assert old_release.retired and old_release.users == 0
    with pytest.raises(duckdb.Error):  # closed: the old release's file is not held open any more
        old_release.database.execute("select 1")


def test_watch_list_before_and_after_it_is_published(tmp_path):
    warehouse = tmp_path / "boernedata.duckdb"
    published = publish(warehouse, "r1", build_published_marts)
    client = create_app(published).server.test_client()
    page = text_of(get_page(client, "/opmaerksomhed")["page"])
    assert "Ikke tilgængelig endnu" in page and "marts.institution_watch_list" in page

    def with_watch_list(path: Path) -> None:
        build_published_marts(path)
        con = duckdb.connect(str(path))
        con.execute(
            """
            create table marts.institution_watch_list as select * from (values
                ('S2005', 'skole', '2025-H2', 2.75, 3, 'Fravær steget 2,1 pct.-point', '2025-H1'),
                ('D1005', 'dagtilbud', '2025-H2', 1.5, 2, 'Sygefravær blandt personalet steget', '2025-H2'),
                ('F3001', 'fritid', '2025-H1', 1.0, 2, 'Fremmøde faldet', '2025-H1')
            ) as t(institution_id, sector, period_id, watch_score, indicators_worsening, reasons_da,
                   first_flagged_period)
            """
        )
        con.close()

    publish(warehouse, "r2", with_watch_list)
    page = text_of(get_page(client, "/opmaerksomhed")["page"])
    assert "Ikke tilgængelig endnu" not in page
    assert "Bakkeskolen" in page and "Fravær steget 2,1 pct.-point" in page
    assert page.index("Bakkeskolen") < page.index("Det Integrerede Hus Lærken")  # highest score first
    only_schools = text_of(get_page(client, "/opmaerksomhed", "?sektor=skole")["page"])
    assert "Bakkeskolen" in only_schools and "Det Integrerede Hus Lærken" not in only_schools
    assert "SFO Troldebo" not in page  # an earlier list: under its own period
    assert "SFO Troldebo" in text_of(get_page(client, "/opmaerksomhed", "?periode=2025-H1")["page"])
    assert get_page(client, "/opmaerksomhed", "?periode=2019-H1")["status"] == 404


def test_data_packages_are_linked_and_served(published, tmp_path):
    folder = tmp_path / "datapakker"
    (folder / "2025-H2").mkdir(parents=True)
    (folder / "2025-H2" / "S2001_Engskolen.html").write_text("<html>pakke</html>", encoding="utf-8")
    client = create_app(published, folder).server.test_client()
    page = text_of(get_page(client, "/institution/S2001")["page"])
    assert "/datapakker/2025-H2/S2001_Engskolen.html" in page
    assert (
        client.get("/datapakker/2025-H2/S2001_Engskolen.html").get_data(as_text=True) == "<html>pakke</html>"
    )
    for bad in ("/datapakker/2025-H2/..%2F..%2Fetc%2Fpasswd", "/datapakker/x/S2001_Engskolen.html"):
        assert client.get(bad).status_code == 404
    assert "ingen datapakke" in text_of(get_page(client, "/institution/S2002")["page"])


def test_responses_carry_server_timing_and_cached_pages_are_the_same(published):
    app = create_app(published)
    client = app.server.test_client()
    first = client.post(UPDATE, data=router_body("/institution/S2001"), content_type="application/json")
    second = client.post(UPDATE, data=router_body("/institution/S2001"), content_type="application/json")
    assert first.data == second.data and app.response_cache.hits == 1
    assert re.fullmatch(r"app;dur=\d+\.\d", second.headers["Server-Timing"])
    assert second.headers["X-Content-Type-Options"] == "nosniff"
