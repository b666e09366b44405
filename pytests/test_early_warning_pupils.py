"""Issue 22, capabilities 1 and 3 on the `small` municipality (seed 3, the shared small_pipeline) against
the planted truth (truth.json): the adjusted rate ratios find the planted household effects and nothing
for the no-effect factors; the cause segments agree with the planted cause; the pupil list stays in the
internal warehouse; the analysis report shows aggregates only.

The truth names children by their pseudonym under the public demo key; the pipeline lands with the test
key, so the test links the two through the CPR numbers of the raw school enrollments (synthetic data).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re

import duckdb
import pytest
from conftest import TEST_KEY

from boernedata import settings

EARLY_WARNING_COLUMNS = [
    "child_key",
    "school_id",
    "school_year",
    "school_days",
    "absent_days",
    "absence_pct",
    "sick_pct",
    "authorized_pct",
    "unauthorized_pct",
    "is_concerning",
    "unauthorized_15_quarters",
    "longest_absence_streak",
    "previous_absence_pct",
    "has_notification_12m",
    "has_open_ppr",
    "has_measure",
    "parents_apart",
    "parent_unknown",
    "no_parent_in_work",
    "cause_segment",
    "segment_evidence",
    "has_household_record",
]


@pytest.fixture(scope="module")
def truth(small_pipeline) -> dict:
    return json.loads(small_pipeline.truth.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def factors(small_pipeline) -> dict[str, tuple]:
    with duckdb.connect(str(small_pipeline.published_db), read_only=True) as con:
        rows = con.execute(
            "select factor, rate_ratio, ci_low, ci_high, pupils_exposed, is_suppressed "
            "from marts.absence_risk_factors"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def _test_pseudonyms(raw) -> dict[str, str]:
    """demo pseudonym -> the pipeline's pseudonym, for every pupil of the raw enrollments."""
    out = {}
    for path in sorted((raw / "skoleadm" / "elever").glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                cpr = row["cpr"].replace("-", "").encode("ascii")
                demo = hmac.new(settings.DEMO_PSEUDONYM_KEY, cpr, hashlib.sha256).hexdigest()
                out[demo] = hmac.new(TEST_KEY.encode(), cpr, hashlib.sha256).hexdigest()
    return out


def test_planted_rate_ratios_are_found(truth, factors):
    planted = truth["absence"]["rate_ratios"]
    assert set(planted) <= set(factors)
    for factor, true_ratio in planted.items():
        rate_ratio, ci_low, ci_high, exposed, suppressed = factors[factor]
        assert not suppressed and exposed >= 5, factor
        assert abs(rate_ratio / true_ratio - 1) <= 0.20, (factor, rate_ratio, true_ratio)
        assert ci_low <= true_ratio <= ci_high, (factor, ci_low, ci_high, true_ratio)


def test_no_effect_factors_show_none(truth, factors):
    for factor in truth["absence"]["no_effect"]:
        rate_ratio, ci_low, ci_high, _, suppressed = factors[factor]
        assert not suppressed, factor
        assert 0.85 <= rate_ratio <= 1.18, (factor, rate_ratio)
        assert ci_low <= rate_ratio <= ci_high


def test_cause_segments_agree_with_the_planted_cause(small_pipeline, truth):
    pseudonyms = _test_pseudonyms(small_pipeline.raw)
    with duckdb.connect(str(small_pipeline.warehouse), read_only=True) as con:
        rows = con.execute(
            "select child_key, school_id, school_year, is_concerning, cause_segment "
            "from restricted.pupil_absence_early_warning"
        ).fetchall()
    mart = {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}
    single = [p for p in truth["absence"]["high_absence_pupils"] if len(p["causes"]) == 1]
    found = [
        (p["cause"], mart[key][1])
        for p in single
        if (key := (pseudonyms.get(p["demo_pseudonym"]), p["school_id"], p["school_year"])) in mart
        and mart[key][0]
    ]
    assert len(found) >= 0.8 * len(single), (len(found), len(single))
    agree = sum(planted == segment for planted, segment in found) / len(found)
    assert agree >= 0.60, agree
    # every concerning pupil has a segment and evidence; no other pupil has one
    segments = {r[4] for r in rows if r[3]}
    assert segments <= {"bilingual", "substance_abuse", "wellbeing", "academic", "unknown"}
    assert {r[4] for r in rows if not r[3]} == {None}


def test_pupil_list_is_internal_only(small_pipeline):
    with duckdb.connect(str(small_pipeline.warehouse), read_only=True) as con:
        got = [r[0] for r in con.execute("describe restricted.pupil_absence_early_warning").fetchall()]
        assert got == EARLY_WARNING_COLUMNS
        bad = con.execute(
            "select count(*) from restricted.pupil_absence_early_warning where school_days < 20"
        ).fetchone()[0]
        assert bad == 0
    with duckdb.connect(str(small_pipeline.published_db), read_only=True) as con:
        published = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    assert not [t for t in published if t[0] != "marts"]
    assert ("marts", "absence_risk_factors") in published
    assert not [t for t in published if "early_warning" in t[1] or "cause" in t[1]]
    files = [p.name for p in small_pipeline.published.rglob("*")]
    assert not [f for f in files if "early_warning" in f or "cause_signal" in f]


def test_analyse_report_shows_aggregates_only(small_pipeline, tmp_path):
    out = tmp_path / "analyse"
    proc = small_pipeline.run("analyse", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    (report,) = out.glob("fravaersanalyse_*.html")
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html and "Rate ratio" in html
    assert not re.search(r"[0-9a-f]{64}", html)  # no pseudonym
    segment_table = html.split("fordelt på årsagssegment", 1)[1].split("Reglerne bag segmenterne", 1)[0]
    shown = [int(n) for n in re.findall(r"<td>(\d+)</td>", segment_table)]
    assert shown and all(n == 0 or n >= 5 for n in shown)
    assert "skjult" in segment_table
    again = small_pipeline.run("analyse", "--out", str(out), "--school-year", "1999/00")
    assert again.returncode == 2 and "no school year 1999/00" in again.stderr
