"""`boernedata datapakke` (GitHub issue 6): the half-yearly data packages, rendered from the published marts.

The packages are rendered once per module from the planted fixture (pytests/fixtures/published_marts.py)
and checked for content: the right institution's numbers and periods, suppression, benchmarks withheld,
nothing about other institutions, no CPR-like strings, no external references.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from fixtures.published_marts import build_published_marts

from boernedata.datapakke import content, periods, render
from boernedata.datapakke import formatting as fmt
from boernedata.datapakke.data import connect, load

PERIOD = "2025-H2"
HEADINGS = [
    "Strukturel kvalitet",
    "Proceskvalitet",
    "Resultatkvalitet",
    "Observationer af læringsmiljøet",
    "Dataårshjulet",
    "Refleksionsguide",
]


@pytest.fixture(scope="module")
def marts_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("marts") / "published.duckdb"
    build_published_marts(path)
    return path


@pytest.fixture(scope="module")
def out(marts_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("datapakker")
    assert render(marts_file, None, None, out, pdf=False) == 0
    return out


@pytest.fixture(scope="module")
def institutions(marts_file) -> list[dict]:
    con = duckdb.connect(str(marts_file), read_only=True)
    try:
        rows = con.execute("select distinct institution_id, name from marts.institutions").fetchall()
    finally:
        con.close()
    return [{"institution_id": i, "name": n} for i, n in rows]


def html(out: Path, institution_id: str, period: str = PERIOD) -> str:
    return (out / period / f"{institution_id}.html").read_text(encoding="utf-8")


def one_row(marts_file: Path, sql: str, params: list) -> tuple:
    con = duckdb.connect(str(marts_file), read_only=True)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def test_files_and_indexes(out, institutions):
    files = {p.stem for p in (out / PERIOD).glob("*.html")} - {"index"}
    assert files == {i["institution_id"] for i in institutions}
    index = (out / PERIOD / "index.html").read_text(encoding="utf-8")
    for i in institutions:
        assert f'href="{i["institution_id"]}.html"' in index
    # grouped by district, then sector
    assert index.index("Område Nord") < index.index("Område Syd")
    assert index.index("Dagtilbud") < index.index("Skole") < index.index("Fritidstilbud")
    root = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2025-H2/index.html"' in root


def test_front_page(out):
    page = html(out, "S2001")
    assert '<html lang="da">' in page
    assert "Engskolen" in page and "Folkeskole" in page and "Område Nord" in page
    assert "2. halvår 2025" in page
    assert "Læringssamtale 4 af 4" in page  # 2024-H1 is conversation 1 of the loop
    for heading in HEADINGS:
        assert heading in page


def test_the_institutions_own_numbers_with_their_periods(out, marts_file):
    page = html(out, "S2001")
    # a half-year indicator of the package's own period
    value, district, municipality = one_row(
        marts_file,
        "select value, district_value, municipality_value from marts.institution_indicators where "
        "institution_id = 'S2001' and indicator_code = 'sk_absence_pct' and period_id = ?",
        [PERIOD],
    )
    assert fmt.value(value, "%") in page
    assert fmt.value(district, "%") in page and fmt.value(municipality, "%") in page
    # a school-year indicator: 2024/25 (ended in the summer of 2025), never the running 2025/26
    (wellbeing,) = one_row(
        marts_file,
        "select value from marts.institution_indicators where institution_id = 'S2001' "
        "and indicator_code = 'sk_wellbeing_social' and period_id = '2024/25'",
        [],
    )
    assert fmt.value(wellbeing, "point (1-5)") in page
    assert "skoleåret 2024/25" in page
    assert "skoleåret 2025/26" not in page
    # a calendar-year indicator: 2025 is complete at the end of 2025-H2
    assert "kalenderåret 2025" in page


def test_period_selection(marts_file):
    con = connect(marts_file)
    try:
        h1 = load(con, "2025-H1", None)
        h2 = load(con, "2025-H2", None)
    finally:
        con.close()
    assert h1.selected[("sk_wellbeing_social", "school_year")] == "2024/25"
    assert h2.selected[("sk_pupils", "school_year")] == "2024/25"  # not the running 2025/26
    assert h1.selected[("dt_net_cost_per_child", "calendar_year")] == "2024"
    assert h2.selected[("dt_net_cost_per_child", "calendar_year")] == "2025"
    assert h1.selected[("sk_absence_pct", "half_year")] == "2025-H1"


def test_suppressed_values_are_never_shown(out, marts_file):
    page = html(out, "D1004")  # a dagpleje unit with 4 children: every child-based value suppressed
    assert "færre end 5" in page
    assert "n = 4" not in page and "n = " not in page
    assert ">&lt;5<" in page  # the trend marks the suppressed periods as gaps labelled <5
    con = duckdb.connect(str(marts_file), read_only=True)
    try:
        suppressed = con.execute(
            "select count(*) from marts.institution_indicators where institution_id = 'D1004' "
            "and period_id in (?, '2024/25', '2025') and is_suppressed",  # the periods this package shows
            [PERIOD],
        ).fetchone()[0]
    finally:
        con.close()
    assert suppressed > 5
    assert page.count('class="big">færre end 5<') == suppressed


def test_withheld_benchmarks(out):
    page = html(out, "S2004")  # Syd has only 2 schools: its district values are NULL
    assert "for få institutioner" in page
    assert "Bedre end området" not in page and "Dårligere end området" not in page


def test_institution_without_data(out):
    page = html(out, "F3004")
    assert "ingen data" in page
    assert "Der er ingen observationer" in page


def test_nothing_about_other_institutions(out, institutions):
    for inst in institutions:
        page = html(out, inst["institution_id"])
        for other in institutions:
            if other["institution_id"] == inst["institution_id"]:
                continue
            assert other["institution_id"] not in page, (inst, other)
            assert other["name"] not in page, (inst, other)


def test_observations_are_the_institutions_own_and_redacted(out, marts_file):
    page = html(out, "D1001")
    (count,) = one_row(
        marts_file,
        "select count(*) from marts.institution_observations "
        "where institution_id = 'D1001' and period_id = ?",
        [PERIOD],
    )
    notes_table = page[page.index('<table class="notes">') :]
    notes_table = notes_table[: notes_table.index("</table>")]
    assert notes_table.count('<td class="date">') == count


CPR_LIKE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")


def test_no_cpr_like_strings_and_no_external_references(out):
    pages = list(out.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert not CPR_LIKE.search(text), path
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text, re.I), path
        assert "<script" not in text and "<link" not in text and "@import" not in text, path
        assert "url(http" not in text and "url(//" not in text, path


def test_redact_masks_cpr_numbers_that_slipped_through():
    assert content.redact("barn 010203-1234 og 0102031234") == "barn [CPR] og [CPR]"
    assert content.redact(None) == ""


def test_one_institution_and_an_earlier_period(marts_file, tmp_path):
    assert render(marts_file, "2025-H1", "D1003", tmp_path, pdf=False) == 0
    assert sorted(p.name for p in (tmp_path / "2025-H1").glob("*.html")) == ["D1003.html", "index.html"]
    page = html(tmp_path, "D1003", "2025-H1")
    assert "Område Nord" in page  # the master-data version valid at the end of the period
    assert "Læringssamtale 3 af 4" in page
    assert render(marts_file, "2024-H2", "D1003", tmp_path, pdf=False) == 0
    assert "Område Syd" in html(tmp_path, "D1003", "2024-H2")  # before it moved
    root = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert root.index("2025-H1/index.html") < root.index("2024-H2/index.html")  # newest first


def test_errors_are_exit_status_2(marts_file, tmp_path, capsys):
    assert render(tmp_path / "missing.duckdb", None, None, tmp_path, pdf=False) == 2
    assert render(marts_file, "2025-H3", None, tmp_path, pdf=False) == 2
    assert render(marts_file, None, "X9999", tmp_path, pdf=False) == 2
    err = capsys.readouterr().err
    assert "missing.duckdb" in err and "2025-H3" in err and "X9999" in err


def test_learning_loop():
    assert periods.LOOP_START == "2024-H1"
    assert periods.loop_position("2024-H1") == (1, 1)
    assert periods.loop_position("2025-H2") == (1, 4)
    assert periods.loop_position("2026-H1") == (2, 1)
    assert periods.loop_periods("2025-H1") == ["2024-H1", "2024-H2", "2025-H1", "2025-H2"]
    assert periods.previous_periods("half_year", "2025-H1") == ["2023-H2", "2024-H1", "2024-H2", "2025-H1"]
    assert periods.previous_periods("school_year", "2024/25")[0] == "2021/22"


def test_danish_formatting():
    assert fmt.value(7.345, "%") == "7,3 %"
    assert fmt.value(83_012, "kr. pr. barn") == "83.000 kr."
    assert fmt.value(3.654, "point (1-5)") == "3,65"
    assert fmt.value(552, "elever") == "552 elever"
    assert fmt.value(-1.26, "%") == "−1,3 %"
    assert fmt.value(None, "%") == "ingen data"
    assert fmt.direction_text(True) == "↑ højere er bedre"
    assert fmt.direction_text(False) == "↓ lavere er bedre"


def test_better_or_worse_only_when_meaningful():
    assert fmt.compare(7.0, 8.5, "%", False).verdict == "same"  # 1.5 points: not meaningful
    assert fmt.compare(7.0, 9.5, "%", False).verdict == "better"  # lower absence is better
    assert fmt.compare(3.5, 3.7, "point (1-5)", True).verdict == "worse"
    assert fmt.compare(7.0, None, "%", True).verdict == ""  # no district value: no verdict
    assert fmt.compare(None, 7.0, "%", True).verdict == ""  # suppressed: no verdict
    assert fmt.compare(500, 1800, "elever", None).verdict == ""  # counts: district is a total
    assert fmt.compare(120_000, 100_000, "kr. pr. barn", None).verdict == "higher"


def test_pdf_has_the_expected_pages(marts_file, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    assert render(marts_file, None, "S2001", tmp_path, pdf=True) == 0
    reader = pypdf.PdfReader(tmp_path / PERIOD / "S2001.pdf")
    texts = [page.extract_text() for page in reader.pages]
    assert "Engskolen" in texts[0] and "Læringssamtale 4 af 4" in texts[0]
    # every part starts on a page of its own, in this order
    starts = []
    for heading in HEADINGS:
        # the first lines of a page: its heading (and the running footer, which some engines extract first)
        starts.append(next(i for i, t in enumerate(texts) if heading in "\n".join(t.splitlines()[:3])))
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert 7 <= len(texts) <= 16
    assert (tmp_path / PERIOD / "index.html").read_text(encoding="utf-8").count("S2001.pdf") >= 1


def test_weasyprint_fallback_writes_a_pdf(out, tmp_path):
    """Without Chromium the PDFs come from WeasyPrint, with the same print stylesheet."""
    pypdf = pytest.importorskip("pypdf")
    from boernedata.datapakke import pdf

    target = tmp_path / "F3001.pdf"
    results = list(pdf.write_pdfs([(out / PERIOD / "F3001.html", target)], workers=1, engine="weasyprint"))
    assert results == [(out / PERIOD / "F3001.html", None)]
    texts = [p.extract_text() for p in pypdf.PdfReader(target).pages]
    assert "SFO Troldebo" in texts[0] and len(texts) >= 5
