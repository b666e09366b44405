"""`boernedata datapakke` (GitHub issues 6, 21 and 27): the half-yearly data packages, rendered from the
published marts.

The packages are rendered once per module from the planted fixture (pytests/fixtures/published_marts.py)
and checked for content: the right institution's numbers and periods, withheld cells shown as withheld
with their reason and never their figures (also when the file carries them by mistake), benchmarks of the
institution's own benchmark group, withheld benchmarks, nothing about other institutions, no CPR-like
strings, no external references, only published periods, file names, progress and PDF pages that are
filled.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from html import unescape as html_unescape
from pathlib import Path

import duckdb
import pytest
from fixtures.published_marts import SENTINELS, build_published_marts

from boernedata.datapakke import content, pdf, periods, render, renderer, withheld
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


def load_marts(path: Path, period: str | None, institution: str | None = None):
    """The marts of a period as the package code reads them (data.load), the file closed again."""
    con = connect(path)
    try:
        return load(con, period, institution)
    finally:
        con.close()


def package(out: Path, institution_id: str, period: str = PERIOD, suffix: str = "html") -> Path:
    """The package file of an institution: <id>_<name>.<suffix>."""
    (path,) = [p for p in (out / period).glob(f"{institution_id}_*.{suffix}")]
    return path


def html(out: Path, institution_id: str, period: str = PERIOD) -> str:
    return package(out, institution_id, period).read_text(encoding="utf-8")


def rows(marts_file: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(marts_file), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def one_row(marts_file: Path, sql: str, params: list) -> tuple:
    con = duckdb.connect(str(marts_file), read_only=True)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def test_files_and_indexes(out, institutions):
    files = {p.stem for p in (out / PERIOD).glob("*.html")} - {"index"}
    names = {i["institution_id"]: i["name"] for i in institutions}
    assert files == {renderer.file_stem(i, n) for i, n in names.items()}
    index = (out / PERIOD / "index.html").read_text(encoding="utf-8")
    for stem in files:
        assert f'href="{stem}.html"' in index
    # grouped by district, then sector
    assert index.index("Område Nord") < index.index("Område Syd")
    assert index.index("Dagtilbud") < index.index("Skole") < index.index("Fritidstilbud")
    root = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2025-H2/index.html"' in root


def test_package_files_are_named_by_id_and_name(out):
    """Issue 27.8: <id>_<name>, ASCII only (Danish letters spelled out), unique, the same every run."""
    stems = sorted(p.stem for p in (out / PERIOD).glob("*.html") if p.name != "index.html")
    assert "S2001_Engskolen" in stems
    assert "S2008_Skolen_paa_Hoejen" in stems  # "Skolen på Højen"
    assert "S2009_Aalekistens_Heldagsskole" in stems  # "Ålekistens Heldagsskole"
    assert "D1001_Boernehuset_Maelkeboetten" in stems  # "Børnehuset Mælkebøtten"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", s) for s in stems), stems
    assert len({s.lower() for s in stems}) == len(stems)
    assert renderer.file_stem("S2001", "Valby Skole") == "S2001_Valby_Skole"
    assert renderer.file_stem("X/1", "  Søstrene «Grøn» & Co.  ") == "X_1_Soestrene_Groen_Co"
    assert renderer.file_stem("X1", "") == "X1"
    assert len(renderer.file_stem("X1", "Meget " * 30)) <= len("X1_") + renderer.NAME_CHARS
    # two ids that spell the same in ASCII get different, stable names
    clash = [{"institution_id": "A/1", "name": "Ø"}, {"institution_id": "A 1", "name": "Ø"}]
    stems_once = renderer.file_stems(clash)
    assert len(set(stems_once.values())) == 2 and stems_once == renderer.file_stems(clash)
    assert renderer.file_stems([{"institution_id": "S2001", "name": "Engskolen"}]) == {
        "S2001": "S2001_Engskolen"
    }


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
    h1 = load_marts(marts_file, "2025-H1")
    h2 = load_marts(marts_file, "2025-H2")
    assert h1.selected[("sk_wellbeing_social", "school_year")] == "2024/25"
    assert h2.selected[("sk_pupils", "school_year")] == "2024/25"  # not the running 2025/26
    assert h1.selected[("dt_net_cost_per_child", "calendar_year")] == "2024"
    assert h2.selected[("dt_net_cost_per_child", "calendar_year")] == "2025"
    assert h1.selected[("sk_absence_pct", "half_year")] == "2025-H1"


# The periods a 2025-H2 package shows, for counting its withheld cells.
SHOWN = [PERIOD, "2024/25", "2025"]

N_LT_5_SENTENCE = (
    "Tallet vises ikke, fordi det bygger på færre end 5 {who} – så få, at den enkelte ville kunne genkendes."
)
COMPLEMENTARY_SENTENCE = (
    "Tallet vises ikke, selv om det bygger på mindst 5 {who}, fordi et andet skjult tal ellers kunne regnes "
    "ud ved at trække fra – fx jeres tal fra områdets samlede tal."
)


def test_withheld_cells_are_shown_as_withheld_with_the_reason(out, marts_file):
    """Issue 21.2: a withheld cell says 'Skjult' and one sentence why; the two reasons read differently."""
    page = html(out, "D1004")  # a dagpleje unit with 4 children: every child-based value withheld
    (count,) = one_row(
        marts_file,
        "select count(*) from marts.institution_indicators where institution_id = 'D1004' "
        "and period_id in (?, ?, ?) and suppression_reason = 'n_lt_5'",
        SHOWN,
    )
    assert count > 5
    assert page.count('class="big">Skjult<') == count
    assert (
        page.count(N_LT_5_SENTENCE.format(who="børn"))
        + page.count(N_LT_5_SENTENCE.format(who="medarbejdere"))
        == count
    )
    assert N_LT_5_SENTENCE.format(who="medarbejdere") in page  # staff indicators count employees
    assert "n = " not in page  # never n for a withheld cell (nor any n here: all are withheld)
    assert ">&lt;5<" in page  # the trend marks periods withheld for n < 5 as gaps labelled <5

    # A complementary cell: withheld although n >= 5, and it says so.
    complementary = rows(
        marts_file,
        "select institution_id, indicator_code from marts.institution_indicators "
        "where suppression_reason = 'complementary' and period_id in (?, ?, ?) order by all",
        SHOWN,
    )
    assert len({i for i, _ in complementary}) >= 4
    for institution_id, _ in complementary:
        page = html(out, institution_id)
        who = "elever" if institution_id.startswith("S") else "børn"
        assert (
            COMPLEMENTARY_SENTENCE.format(who=who) in page
            or COMPLEMENTARY_SENTENCE.format(who="medarbejdere") in page
        ), institution_id
        assert "reason-complementary" in page
        assert ">skjult<" in page  # its trend point: "skjult", not "<5" (it is not a small cell)
    assert N_LT_5_SENTENCE != COMPLEMENTARY_SENTENCE


def test_no_n_beside_a_withheld_cell(out, marts_file):
    for (institution_id,) in rows(
        marts_file,
        "select distinct institution_id from marts.institution_indicators "
        "where is_suppressed and period_id in (?, ?, ?)",
        SHOWN,
    ):
        page = html(out, institution_id)
        for row in re.findall(r'<tr class="ind status-withheld.*?</tr>', page, re.S):
            assert "n = " not in row and 'class="n"' not in row, institution_id


def test_withheld_benchmarks(out):
    page = html(out, "S2005")  # Syd has only 2 folkeskoler: their district values are NULL
    assert "for få institutioner" in page
    assert "Bedre end" not in page and "Dårligere end" not in page


def test_a_withheld_benchmark_is_shown_as_withheld_with_the_reason(out):
    """The district rows the fixture withholds on purpose, as complementary and as n_lt_5."""
    page = html(out, "D1005")  # Syd, daginstitution: dt_language_focus_pct 2025 withheld (complementary)
    assert (
        "Tallet for daginstitutioner i området vises ikke, selv om det bygger på mindst 5 børn, fordi et "
        "andet skjult tal ellers kunne regnes ud ved at trække fra." in page
    )
    page = html(out, "D1001")  # Nord, daginstitution: dt_dialoghjul_coverage_pct 2025-H2 (n_lt_5)
    assert "Tallet for daginstitutioner i området vises ikke, fordi det bygger på færre end 5 børn" in page
    assert "skjult: færre end 5" in page  # in the bars, where the district's value would be


def test_benchmarks_are_of_the_institutions_own_group(out, marts_file):
    """Issue 27.2: a special school is compared with special schools only, dagpleje with dagpleje; every
    verdict is against the district value of the same benchmark group."""
    marts = load_marts(marts_file, PERIOD)
    bench = {
        (scope, group, code, pid): (value, suppressed, n_inst)
        for scope, group, code, pid, value, suppressed, n_inst in rows(
            marts_file,
            "select scope, benchmark_group, indicator_code, period_id, value, is_suppressed, n_institutions "
            "from marts.municipality_indicators",
        )
    }
    compared = 0
    for inst in marts.institutions:
        if inst["institution_type"] != "specialskole":
            continue
        ctx = content.package_context(marts, inst)
        assert ctx["group"].code == "specialskole"
        for item in (i for d in ctx["dimensions"] for i in d["items"]):
            pid = marts.selected[(item["code"], item["period_type"])]
            for scope, shown in ((inst["district"], item["district"]), ("kommune", item["municipality"])):
                value, suppressed, n_inst = bench.get((scope, "specialskole", item["code"], pid), (None,) * 3)
                if value is None or suppressed or n_inst < 3:
                    assert shown.value is None
                else:
                    assert shown.value == pytest.approx(value)
            if item["comparison"].verdict:
                compared += 1
                assert "specialskoler i området" in item["comparison"].text
        page = html(out, inst["institution_id"])
        assert "Specialskoler i området" in page and "Specialskoler i kommunen" in page
        assert "folkeskoler i området" not in page.lower() and "folkeskoler i kommunen" not in page.lower()
    assert compared > 10
    # The fixture's special schools differ from ordinary schools (inclusion ≈ 4 % against ≈ 95 %), so a
    # comparison across groups would call them far worse; against their own group they are not.
    (folkeskole,) = one_row(
        marts_file,
        "select value from marts.municipality_indicators where scope = 'kommune' and benchmark_group = "
        "'folkeskole' and indicator_code = 'sk_inclusion_pct' and period_id = '2024/25'",
        [],
    )
    for inst in ("S2004", "S2007", "S2008", "S2009"):
        page = html(out, inst)
        assert fmt.value(folkeskole, "%") not in page
        assert "Dårligere end folkeskoler" not in page
    assert "Dagpleje i kommunen" in html(out, "D1004") and "Dagpleje i området" in html(out, "D1004")
    assert "Daginstitutioner i området" in html(out, "D1001")
    assert "Folkeskoler i området" in html(out, "S2001")
    assert "Fritidstilbud i kommunen" in html(out, "F3001")


def test_few_figures_package_says_why_and_what_to_use(out, marts_file):
    """Issue 27.8: an institution whose figures about persons are all withheld gets a package that says
    why, and what it can still use; not an empty shell."""
    page = html(out, "F3005")  # a tiny club: every indicator withheld
    assert "Hvorfor er der så få tal i jeres datapakke?" in page
    assert (
        "Klub Lillebjørn er en lille institution: jeres tal om børn bygger på færre end 5 personer." in page
    )
    assert "Tallene for fritidstilbud i området og i kommunen" in page
    assert '<table class="fewbench">' in page and "Fritidstilbud i kommunen" in page
    assert "Dataårshjulet: hvornår der kommer nye data" in page
    assert "Overblik: jer sammenlignet" not in page  # no empty comparison chart
    page = html(out, "D1004")  # a small dagpleje unit: withheld too, but it has observations
    assert "Hvorfor er der så få tal i jeres datapakke?" in page
    (observations,) = one_row(
        marts_file,
        "select count(*) from marts.institution_observations where institution_id = 'D1004' "
        "and period_id = ?",
        [PERIOD],
    )
    assert f"Jeres observationer af læringsmiljøet: {observations} i 2. halvår 2025" in page
    assert "jeres tal om børn og medarbejdere bygger på færre end 5 personer" in page
    assert "Tal om institutionen som helhed" in page  # the observation score is not about persons
    # F3001 is no small club, but all its figures are withheld as complementary (to protect F3005's)
    page = html(out, "F3001")
    assert "Hvorfor er der så få tal i jeres datapakke?" in page
    assert (
        "Jeres tal er skjult, selv om de bygger på mindst 5 personer, fordi et andet skjult tal ellers "
        "kunne regnes ud ved at trække fra" in page
    )
    assert "lille institution" not in page
    for other in ("S2001", "D1008", "F3002"):
        assert "Hvorfor er der så få tal" not in html(out, other)


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


# --- No withheld figure anywhere (issue 21.2) -------------------------------------------------------------
# The leaky fixture breaks the contract on purpose: every number that must be NULL because its cell is
# withheld (value, numerator, denominator, n; a repeated district, municipality or previous value; a
# withheld benchmark row's figures) holds a sentinel. None of them may reach any output.


def _sentinel_patterns() -> dict[str, re.Pattern]:
    """The first five digits of each sentinel, with or without a separator between any two of them: finds
    it formatted any way (9.135.724,7 · 9135724.68 · 9.135.700 kr.)."""
    return {name: re.compile(r"\D?".join(f"{abs(x):.0f}"[:5])) for name, x in SENTINELS.items()}


@pytest.fixture(scope="module")
def leaky(tmp_path_factory) -> tuple[Path, Path]:
    path = tmp_path_factory.mktemp("leaky") / "published.duckdb"
    build_published_marts(path, leak_withheld=True)
    out = tmp_path_factory.mktemp("leaky_out")
    assert render(path, None, None, out, pdf=True, progress=False) == 0
    return path, out


def test_the_sentinel_grep_would_catch_a_leak(out):
    patterns = _sentinel_patterns()
    for name, x in SENTINELS.items():
        for text in (
            fmt.value(x, "%"),
            fmt.value(x, "kr. pr. barn"),
            fmt.value(x, "elever"),
            fmt.number(x, 2),
            str(x),
            f"n = {fmt.number(x, 0)}",
        ):
            assert patterns[name].search(text), (name, text)
    for path in out.rglob("*.html"):  # and nothing else matches: the contract-true packages are clean
        text = path.read_text(encoding="utf-8")
        assert not [n for n, p in patterns.items() if p.search(text)], path


def test_no_withheld_figure_in_any_output(leaky):
    """Every HTML file (text, SVG titles and labels, attributes) and the text of every PDF."""
    _, out = leaky
    patterns = _sentinel_patterns()
    htmls = list(out.rglob("*.html"))
    pdfs = list(out.rglob("*.pdf"))
    assert len(htmls) == 25 and len(pdfs) == 23
    for f in htmls:
        text = f.read_text(encoding="utf-8")
        hits = {n: p.search(text).group() for n, p in patterns.items() if p.search(text)}
        assert not hits, (f.name, hits)
    pypdf = pytest.importorskip("pypdf")
    for f in pdfs:
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(f).pages)
        assert "Skjult" in text or "skjult" in text
        hits = {n: p.search(text).group() for n, p in patterns.items() if p.search(text)}
        assert not hits, (f.name, hits)
    # the withheld cells are there, shown as withheld
    assert 'class="big">Skjult<' in html(out, "D1004")
    assert "n = " not in html(out, "D1004")


def test_no_withheld_figure_reaches_the_package_code(leaky):
    """What the charts and texts are built from holds no sentinel: not in a row, not in a benchmark (the
    trend's district line), for any period."""
    path, _ = leaky
    marts = load_marts(path, PERIOD)
    sentinels = set(SENTINELS.values())
    for table in (marts.rows, marts.benchmarks):
        for key, row in table.items():
            assert not [v for v in row.values() if isinstance(v, int | float) and v in sentinels], key
    withheld_rows = [r for r in marts.rows.values() if r["reason"]]
    assert withheld_rows and all(r["value"] is None and r["n"] is None for r in withheld_rows)


# --- Periods -----------------------------------------------------------------------------------------------


def test_one_institution_and_an_earlier_period(marts_file, tmp_path):
    assert render(marts_file, "2025-H1", "D1003", tmp_path, pdf=False) == 0
    assert sorted(p.name for p in (tmp_path / "2025-H1").glob("*.html")) == [
        "D1003_Boernehaven_Regnbuen.html",
        "index.html",
    ]
    page = html(tmp_path, "D1003", "2025-H1")
    assert "Område Nord" in page  # the master-data version valid at the end of the period
    assert "Læringssamtale 3 af 4" in page
    assert render(marts_file, "2024-H2", "D1003", tmp_path, pdf=False) == 0
    assert "Område Syd" in html(tmp_path, "D1003", "2024-H2")  # before it moved
    root = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert root.index("2025-H1/index.html") < root.index("2024-H2/index.html")  # newest first
    index = (tmp_path / "2025-H1" / "index.html").read_text(encoding="utf-8")
    assert 'href="D1003_Boernehaven_Regnbuen.html"' in index


def test_errors_are_exit_status_2(marts_file, tmp_path, capsys):
    assert render(tmp_path / "missing.duckdb", None, None, tmp_path, pdf=False) == 2
    assert render(marts_file, "2025-H3", None, tmp_path, pdf=False) == 2
    assert render(marts_file, None, "X9999", tmp_path, pdf=False) == 2
    err = capsys.readouterr().err
    assert "missing.duckdb" in err and "2025-H3" in err and "X9999" in err


CLI = [sys.executable, "-m", "boernedata.cli"]


@pytest.mark.parametrize("period", ["2030-H1", "2023-H2", "2026-H1"])
def test_an_unpublished_period_is_refused(marts_file, tmp_path, period):
    """Issue 27.5: a half-year without published rows (after the data, before it, the one in progress)
    exits 2 with the published half-years listed, and writes nothing."""
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            *CLI,
            "datapakke",
            "--warehouse",
            str(marts_file),
            "--period",
            period,
            "--out",
            str(out),
            "--no-pdf",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert f"--period {period}: not a published half-year" in proc.stderr
    assert "Published half-years: 2024-H1, 2024-H2, 2025-H1, 2025-H2." in proc.stderr
    assert not out.exists() or not any(out.rglob("*.html"))


def test_an_older_publication_is_refused_with_the_missing_columns(marts_file, tmp_path, capsys):
    """A published file without the columns this version reads (published before benchmark groups and
    suppression reasons): exit 2 and a message that names them, not a traceback or a wrong package."""
    old = tmp_path / "old.duckdb"
    shutil.copy(marts_file, old)
    with duckdb.connect(str(old)) as con:
        con.execute("alter table marts.institution_indicators drop column suppression_reason")
        con.execute("alter table marts.municipality_indicators drop column benchmark_group")
    assert render(old, None, None, tmp_path / "out", pdf=False) == 2
    err = capsys.readouterr().err
    assert "marts.institution_indicators lacks column(s) suppression_reason" in err
    assert "marts.municipality_indicators lacks column(s) benchmark_group" in err
    assert "boernedata build" in err
    assert not (tmp_path / "out").exists()


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
    assert fmt.compare(None, 7.0, "%", True).verdict == ""  # withheld: no verdict
    assert fmt.compare(500, 1800, "elever", None).verdict == ""  # counts: district is a total
    assert fmt.compare(120_000, 100_000, "kr. pr. barn", None).verdict == "higher"
    assert fmt.compare(4.0, 9.5, "%", True, against="specialskoler i området").text == (
        "Dårligere end specialskoler i området"
    )


def test_withheld_reasons():
    row = {"is_suppressed": True, "suppression_reason": "n_lt_5", "value": 1.0, "n": 3}
    assert withheld.cell_reason(row) == withheld.N_LT_5
    assert withheld.blank(row, withheld.N_LT_5) == row | {"value": None, "n": None}
    assert withheld.cell_reason({"is_suppressed": False, "suppression_reason": None}) is None
    # either flag withholds, an unknown reason too
    assert withheld.cell_reason({"is_suppressed": False, "suppression_reason": "complementary"}) == (
        withheld.COMPLEMENTARY
    )
    assert withheld.cell_reason({"is_suppressed": True, "suppression_reason": None}) == withheld.UNKNOWN
    assert withheld.cell_reason({"is_suppressed": True, "suppression_reason": "new"}) == withheld.UNKNOWN
    # a benchmark of fewer than 3 institutions is withheld whatever its flags say
    assert withheld.benchmark_reason({"n_institutions": 2, "is_suppressed": False}) == withheld.TOO_FEW
    assert withheld.persons("sk_staff_sick_pct", "skole") == "medarbejdere"
    assert withheld.persons("sk_absence_pct", "skole") == "elever"
    assert withheld.persons("fr_attendance_pct", "fritid") == "børn"
    assert withheld.sentence(withheld.N_LT_5, "elever") == N_LT_5_SENTENCE.format(who="elever")
    assert withheld.sentence(withheld.COMPLEMENTARY, "elever") == COMPLEMENTARY_SENTENCE.format(who="elever")


# --- PDF -----------------------------------------------------------------------------------------------

MM = 72 / 25.4  # PDF points per millimetre
TOP_MARGIN, BOTTOM_MARGIN = 14 * MM, 16 * MM  # the print stylesheet's @page margins


def page_fill(page) -> float:
    """How far down its body a page's text reaches: 0 = no text above the bottom margin, 1 = down to the
    bottom margin. The running footer sits in the bottom margin and does not count."""
    height = float(page.mediabox.height)
    ys = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            ys.append(tm[5] * cm[3] + cm[5])  # the baseline's y on the page (origin bottom left)

    page.extract_text(visitor_text=visit)
    body = [y for y in ys if BOTTOM_MARGIN + 3 < y < height]
    if not body:
        return 0.0
    return (height - TOP_MARGIN - min(body)) / (height - TOP_MARGIN - BOTTOM_MARGIN)


def assert_pages_are_filled(path: Path) -> list[float]:
    """No near-empty page (issue 27.8): every page but the last is at least half full, the last has more
    than the footer, and there are no more pages than the content needs (+1 for where breaks fall)."""
    pypdf = pytest.importorskip("pypdf")
    fills = [page_fill(p) for p in pypdf.PdfReader(path).pages]
    assert all(f >= 0.5 for f in fills[:-1]), (path.name, [round(f, 2) for f in fills])
    assert fills[-1] > 0.05, (path.name, [round(f, 2) for f in fills])
    assert len(fills) <= math.ceil(sum(fills)) + 1, (path.name, [round(f, 2) for f in fills])
    return fills


@pytest.fixture(scope="module")
def pdfs(marts_file, tmp_path_factory) -> dict[str, Path]:
    """PDFs of a school, a daycare centre, a leisure offer and the two small institutions."""
    target = tmp_path_factory.mktemp("pdfs")
    assert render(marts_file, None, None, target, pdf=True, progress=False) == 0
    chosen = ["S2001", "S2007", "D1001", "D1004", "F3001", "F3005"]
    return {i: package(target, i, suffix="pdf") for i in chosen}


def test_pdf_pages_are_filled(pdfs):
    for path in pdfs.values():
        assert_pages_are_filled(path)


# The opening words of each part after the front page (headings also name indicators in the overview).
LEADS = [
    "Rammerne for arbejdet",
    "Det, der sker mellem voksne og børn",
    "Det, børnene får ud af det",
    "Scoren går fra 1 til 5",
    "De måneder, hvor hver slags data",
    "1. Data: hvad viser tallene?",
]


def test_pdf_has_the_expected_parts_in_order(pdfs):
    pypdf = pytest.importorskip("pypdf")
    texts = [page.extract_text() for page in pypdf.PdfReader(pdfs["S2001"]).pages]
    assert "Engskolen" in texts[0] and "Læringssamtale 4 af 4" in texts[0]
    flat = [" ".join(t.split()) for t in texts]
    first = [next(i for i, t in enumerate(flat) if lead in t) for lead in LEADS]
    assert first == sorted(first)  # every part, in this order (they flow: two may share a page)
    assert 6 <= len(texts) <= 12
    assert "Side 1 af" in texts[0]  # the running footer


def test_pdf_step_shows_progress_and_the_index_links_the_pdf(marts_file, tmp_path, capsys):
    """Issue 27.8: the PDF step reports progress on stderr, also when stderr is not a terminal (a log)."""
    assert render(marts_file, None, "S2001", tmp_path, pdf=True) == 0
    err = capsys.readouterr().err
    assert "datapakker (PDF): 0/1" in err and "datapakker (PDF): 1/1" in err
    assert "datapakker (HTML): 1/1" in err
    assert_pages_are_filled(tmp_path / PERIOD / "S2001_Engskolen.pdf")
    index = (tmp_path / PERIOD / "index.html").read_text(encoding="utf-8")
    assert 'href="S2001_Engskolen.pdf"' in index
    assert render(marts_file, None, "S2001", tmp_path, pdf=True, progress=False) == 0
    assert "datapakker (PDF)" not in capsys.readouterr().err  # progress=False: quiet (benchmarks)


def test_pdf_has_every_heading_of_the_html(pdfs):
    """The PDF is typeset from its own template (package.typ): every part and every indicator the HTML
    shows is in it too, so the two templates cannot drift apart unnoticed."""
    pypdf = pytest.importorskip("pypdf")
    for path in pdfs.values():
        text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(path).pages)
        page = path.with_suffix(".html").read_text(encoding="utf-8")
        headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", page, re.S)]
        headings = [" ".join(html_unescape(h).split()) for h in headings]
        assert len(headings) > 10
        missing = [h for h in headings if h not in text]
        assert not missing, (path.name, missing)


def test_pdf_is_tagged_and_titled(pdfs):
    """Typst writes PDF/UA-1: a structure tree (headings, tables, alt text on every chart), the language
    and the title; a document that breaks the standard is refused instead of written."""
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(pdfs["D1001"])
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "da"
    assert reader.metadata.title == "Datapakke 2. halvår 2025 · Børnehuset Mælkebøtten"
    kinds = set()

    def visit(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                kinds.add(str(node["/S"]))
                if node["/S"] == "/Figure":
                    assert node.get("/Alt"), "a chart without alt text"
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list | pypdf.generic.ArrayObject) else [kids]:
                visit(kid)

    visit(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure", "/L"} <= kinds, kinds


def embedded_fonts(path: Path) -> set[str]:
    """The base names of the fonts a PDF embeds, without the subset tag (ABCDEF+)."""
    pypdf = pytest.importorskip("pypdf")
    names = set()
    for page in pypdf.PdfReader(path).pages:
        xobjects = page["/Resources"].get("/XObject", {}).values()
        charts = [x.get_object().get("/Resources", {}) for x in xobjects]
        for resources in [page["/Resources"], *charts]:  # the page's text and the charts' labels
            for font in resources.get("/Font", {}).values():
                names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def test_pdf_text_is_set_in_the_bundled_font(pdfs):
    """Every letter, figure and arrow of the packages is in Boernedata Sans (fonts/): no glyph falls back to
    a font of the machine, so a PDF looks the same wherever it is made."""
    for path in pdfs.values():
        fonts = embedded_fonts(path)
        assert fonts and all(f.startswith("BoernedataSans-") for f in fonts), (path.name, fonts)


def test_pdf_workers_run_on_the_allocator_they_are_given(monkeypatch):
    """$BOERNEDATA_PDF_MALLOC names the allocator the typesetting workers preload ("" for none); the
    caller's LD_PRELOAD is as it was once the typesetter is done."""
    library = pdf.malloc_library()
    if library is None:
        pytest.skip("no jemalloc on this machine (make test installs Debian's libjemalloc2)")
    monkeypatch.setenv("LD_PRELOAD", "")
    for setting, mapped in ((library, True), ("", False)):
        monkeypatch.setenv("BOERNEDATA_PDF_MALLOC", setting)
        with pdf.Typesetter(workers=1) as typesetter:
            maps = typesetter._pool.submit(_own_memory_map).result()
        assert ("jemalloc" in maps) is mapped, setting
        assert os.environ["LD_PRELOAD"] == ""


def _own_memory_map() -> str:
    return Path("/proc/self/maps").read_text()


def test_a_failing_pdf_is_reported_and_the_others_are_written(marts_file, tmp_path):
    marts = load_marts(marts_file, PERIOD, "F3001")
    good = pdf.package_data(content.package_context(marts, marts.institutions[0]))
    jobs = [
        ("bad.pdf", pdf.package_data({"not": "a package"}), tmp_path / "bad.pdf"),
        ("good.pdf", good, tmp_path / "good.pdf"),
    ]
    results = dict(pdf.write_pdfs(jobs, workers=2))
    assert results["good.pdf"] is None and "TypstError" in results["bad.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.pdf"]  # no half PDF under any name


def test_pdf_of_a_package_with_empty_fields(marts_file, tmp_path):
    """Fields the publication may leave empty (an institution without a district, an observation without
    a score or a note) are shown as absent or '–', never as 'none', and do not fail the PDF."""
    pypdf = pytest.importorskip("pypdf")
    marts = load_marts(marts_file, PERIOD, "F3001")
    ctx = content.package_context(marts, marts.institutions[0])
    ctx["inst"] = dict(ctx["inst"], district=None)
    note = {"date": "", "theme": "Rutiner", "score": None, "note": None}
    ctx["observations"] = {"count": 1, "chart": None, "notes": [note]}
    target = tmp_path / "F3001.pdf"
    assert list(pdf.write_pdfs([("F3001.pdf", pdf.package_data(ctx), target)], workers=1)) == [
        ("F3001.pdf", None)
    ]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    assert "Område" not in text.split("Sammenlignes")[0] and "none" not in text.lower().split()
    assert "Rutiner –" in " ".join(text.split())


# --- the watch list (issue 22): a section in a listed institution's package and on the period index ----


def _with_watch_list(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(
            """
            create table marts.institution_watch_list as select * from (values
                ('S2005', 'skole', '2025-H2', 7.25, 3,
                 'Elevfravær steget fra 6,0 % til 9,4 % (2025-H2 mod gennemsnittet af 2024-H1–2024-H2), '
                 || '3,1 procentpoint mere end hos sammenlignelige institutioner; '
                 || 'i tilbagegang siden 2025-H1. '
                 || 'Generel trivsel 0.-3. klasse faldet fra 2,50 point til 2,30 point '
                 || '(2024/25 mod 2022/23), '
                 || '0,15 point mere end hos sammenlignelige institutioner; i tilbagegang siden 2025-H2.',
                 '2025-H1'),
                ('D1005', 'dagtilbud', '2025-H2', 3.5, 2,
                 'Sygefravær blandt personalet steget fra 4,0 % til 8,0 % (2025-H2 mod 2024-H2), '
                 || '3,5 procentpoint mere end hos sammenlignelige institutioner; '
                 || 'i tilbagegang siden 2025-H2.',
                 '2025-H2'),
                ('F3001', 'fritid', '2025-H1', 2.0, 2, 'Fremmøde faldet.', '2025-H1')
            ) as t(institution_id, sector, period_id, watch_score, indicators_worsening, reasons_da,
                   first_flagged_period)
            """
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def watched_out(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("marts_watch") / "published.duckdb"
    build_published_marts(path)
    _with_watch_list(path)
    out = tmp_path_factory.mktemp("datapakker_watch")
    assert render(path, PERIOD, None, out, pdf=False) == 0
    return out


def test_a_listed_institutions_package_says_why_and_since_when(watched_out):
    page = html(watched_out, "S2005")
    section = page[
        page.index('id="opmaerksomhed"') : page.index("</section>", page.index('id="opmaerksomhed"'))
    ]
    assert "Opmærksomhedslisten" in section
    assert "har været det siden 1. halvår 2025" in section
    assert "3 af de fem" in section and "Opmærksomhedsscore: 7,25" in section
    # one item per reason; "0.-3. klasse" does not split a sentence
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(items) == 2
    assert items[0].startswith("Elevfravær steget fra 6,0 % til 9,4 %") and "siden 2025-H1" in items[0]
    assert items[1].startswith("Generel trivsel 0.-3. klasse faldet")
    assert "skjulte tal indgår ikke" in section
    new = html(watched_out, "D1005")
    assert 'id="opmaerksomhed"' in new and "(ny på listen)" in new
    for other in ("S2001", "F3001"):  # not listed, or listed in another half-year only
        assert 'id="opmaerksomhed"' not in html(watched_out, other)


def test_the_period_index_lists_the_watch_list(watched_out):
    index = (watched_out / PERIOD / "index.html").read_text(encoding="utf-8")
    section = index[index.index('id="opmaerksomhed"') : index.index("</section>")]
    rows = re.findall(r"<tr>(.*?)</tr>", section[section.index("<tbody>") :], re.S)
    assert len(rows) == 2  # this half-year's list only (F3001 was listed in 2025-H1)
    assert "S2005" in rows[0] and "D1005" in rows[1]  # highest score first
    stem = package(watched_out, "S2005").name
    assert f'href="{stem}"' in rows[0] and "7,25" in rows[0] and "1. halvår 2025" in rows[0]
    assert "F3001" not in section


def test_no_watch_list_section_without_the_table_and_an_empty_list_says_so(out, tmp_path):
    index = (out / PERIOD / "index.html").read_text(encoding="utf-8")
    assert 'id="opmaerksomhed"' not in index and 'id="opmaerksomhed"' not in html(out, "S2005")
    path = tmp_path / "published.duckdb"
    build_published_marts(path)
    _with_watch_list(path)
    earlier = tmp_path / "out"
    assert render(path, "2025-H1", None, earlier, pdf=False) == 0
    assert "Ingen institutioner er på opmærksomhedslisten" not in (
        earlier / "2025-H1" / "index.html"
    ).read_text(encoding="utf-8")
    con = duckdb.connect(str(path))
    con.execute("delete from marts.institution_watch_list")
    con.close()
    empty = tmp_path / "empty"
    assert render(path, PERIOD, None, empty, pdf=False) == 0
    text = (empty / PERIOD / "index.html").read_text(encoding="utf-8")
    assert "Ingen institutioner er på opmærksomhedslisten for 2. halvår 2025" in text
