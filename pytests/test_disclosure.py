"""Disclosure control, attacked: a reader who holds only the published file must not recover any withheld
value, numerator, denominator or n by adding and subtracting published cells (docs/publication_rules.md,
"No disclosure by differencing"), and most cells with n >= 5 must stay published.

The attacks (pytests/disclosure_attack.py) are played on the published DuckDB file of a real build. To show
they have teeth, the same attacks are played on the cells the warehouse would publish with primary
suppression alone: there they recover suppressed figures, which equal the true ones.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from disclosure_attack import determined_cells, propagate, publication

pytestmark = pytest.mark.slow

MIN_PUBLISHED_SHARE = 0.85


def _additive_codes(con) -> set[str]:
    rows = con.execute(
        "select indicator_code from marts.indicator_catalogue where period_types like '%,%'"
    ).fetchall()
    return {code for (code,) in rows}


def _published(path: Path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        institutions = con.execute(
            "select institution_id, district, indicator_code, benchmark_group, period_id, numerator, "
            "denominator, n, is_suppressed from marts.institution_indicators_labelled where n is not null "
            "or is_suppressed"
        ).df()
        benchmarks = con.execute(
            "select scope, indicator_code, benchmark_group, period_id, numerator, denominator, n, "
            "is_suppressed from marts.municipality_indicators where n is not null or is_suppressed"
        ).df()
        additive = _additive_codes(con)
    finally:
        con.close()
    return publication(institutions, benchmarks, additive)


def _primary_only(internal: Path):
    """What the warehouse would publish with primary suppression only (the defect of issue 21)."""
    con = duckdb.connect(str(internal), read_only=True)
    try:
        institutions = con.execute(
            "select institution_id, district, indicator_code, benchmark_group, period_id, numerator, "
            "denominator, n, is_small_cell from intermediate.int_institution_indicator_values "
            "where has_value and is_whole_period and n is not null"
        ).df()
        benchmarks = con.execute(
            "select scope, indicator_code, benchmark_group, period_id, numerator, denominator, n, "
            "is_small_cell from intermediate.int_indicator_benchmarks where n is not null"
        ).df()
        additive = {
            code
            for (code,) in con.execute(
                "select indicator_code from reference.seed_indicator_catalogue where is_period_additive"
            ).fetchall()
        }
    finally:
        con.close()
    truth = {
        ("institution", r.institution_id, r.indicator_code, r.benchmark_group, r.period_id): r
        for r in institutions.itertuples(index=False)
    }
    pub = publication(institutions, benchmarks, additive, withheld_column="is_small_cell")
    return pub, truth


@pytest.fixture(scope="module", params=["tiny_pipeline", "small_pipeline"])
def pipeline(request):
    return request.getfixturevalue(request.param)


def test_no_withheld_figure_can_be_recovered(pipeline):
    pub = _published(pipeline.published_db)
    assert pub.withheld, "the synthetic municipality has withheld cells to protect"
    findings = propagate(pub)
    assert not findings, "differencing recovers withheld figures:\n" + "\n".join(
        f"  {f.kind} via {f.relation}: {f.cells} {f.quantity} = {f.value}" for f in findings[:20]
    )
    determined = determined_cells(pub)
    assert not determined, (
        f"the relations together determine {len(determined)} withheld cells: {sorted(determined)[:10]}"
    )


def test_primary_suppression_alone_is_recovered_by_the_same_attack(pipeline):
    """The attack is real: on primary suppression alone it recovers suppressed figures, and they are true."""
    pub, truth = _primary_only(pipeline.warehouse)
    recovered = [f for f in propagate(pub) if f.kind == "recovered" and f.cells[0][0] == "institution"]
    assert recovered, "the attack should break primary suppression alone"
    for finding in recovered:
        row = truth[finding.cells[0]]
        actual = getattr(row, finding.quantity)
        assert actual == pytest.approx(finding.value, rel=1e-9, abs=1e-6), finding


def test_most_cells_with_five_or_more_persons_stay_published(pipeline):
    con = duckdb.connect(str(pipeline.warehouse), read_only=True)
    try:
        cells = con.execute(
            "select n, is_withheld, suppression_reason from intermediate.int_disclosure_withheld_cells"
        ).df()
    finally:
        con.close()
    large = cells[cells.n >= 5]
    share = 1 - large.is_withheld.mean()
    assert share >= MIN_PUBLISHED_SHARE, f"only {share:.1%} of cells with n >= 5 are published"
    assert set(cells.suppression_reason.dropna()) <= {"n_lt_5", "complementary"}
    # primary suppression is exactly n < 5
    assert ((cells.n < 5) == (cells.suppression_reason == "n_lt_5")).all()


def test_withheld_cells_hide_every_figure_and_say_why(pipeline):
    con = duckdb.connect(str(pipeline.published_db), read_only=True)
    try:
        for table in ("institution_indicators", "municipality_indicators", "institution_indicators_labelled"):
            leaks = con.execute(
                f"select count(*) from marts.{table} where is_suppressed and (value is not null or numerator "
                "is not null or denominator is not null or n is not null or suppression_reason is null)"
            ).fetchone()[0]
            assert leaks == 0, table
        reasons = dict(
            con.execute(
                "select suppression_reason, count(*) from marts.institution_indicators group by all"
            ).fetchall()
        )
    finally:
        con.close()
    assert reasons.get("n_lt_5", 0) > 0 and reasons.get("complementary", 0) > 0, reasons


def test_the_attack_sees_a_single_withheld_cell():
    """The attack itself: a district with one withheld cell of three is recovered; with two it is not."""
    rows = pd.DataFrame(
        [
            ("A", "Nord", "x", "g", "2025", 1.0, 10.0, 3, True),
            ("B", "Nord", "x", "g", "2025", 2.0, 20.0, 10, False),
            ("C", "Nord", "x", "g", "2025", 3.0, 30.0, 20, False),
        ],
        columns=[
            "institution_id",
            "district",
            "indicator_code",
            "benchmark_group",
            "period_id",
            "numerator",
            "denominator",
            "n",
            "is_suppressed",
        ],
    )
    bench = pd.DataFrame(
        [("Nord", "x", "g", "2025", 6.0, 60.0, 33, False)],
        columns=[
            "scope",
            "indicator_code",
            "benchmark_group",
            "period_id",
            "numerator",
            "denominator",
            "n",
            "is_suppressed",
        ],
    )
    one = propagate(publication(rows, bench, set()))
    assert {(f.quantity, f.value) for f in one} == {("numerator", 1.0), ("denominator", 10.0), ("n", 3.0)}
    rows.loc[rows.institution_id == "B", "is_suppressed"] = True
    pub = publication(rows, bench, set())
    assert propagate(pub) == []
    assert determined_cells(pub) == set()
