"""The planning marts (issue 24, docs/planning.md) on the tiny synthetic municipality: published with their
contracts and plausible values, and safe against a differencing attack.

The attack plays a reader who holds only the published file and the sums docs/planning.md ("Disclosure")
names: a daycare's children who started school (transition_outcomes) = Σ its transitions rows, and a
district's enrolled children of a type at a month end (capacity_by_district) = Σ its institutions'
children that day (property_by_institution: play area / play area per child).
"""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.slow

MIN_N = 5

# The columns first, in its order; the columns after them are ours (docs/planning.md).
PLANNING_COLUMNS = {
    "capacity_by_district": [
        "district",
        "institution_type",
        "month",
        "normed_places",
        "enrolled_children",
        "enrolled_places",
        "utilization_pct",
        "waiting_children",
        "median_days_to_offer",
        "guarantee_kept_pct",
        "is_enrolled_suppressed",
        "is_waiting_suppressed",
        "is_offer_suppressed",
        "is_guarantee_suppressed",
    ],
    "capacity_forecast": [
        "district",
        "age_band",
        "year",
        "children_expected",
        "coverage_pct",
        "places_needed",
        "places_available",
        "gap",
        "forecast_made_year",
        "reference_date",
        "is_suppressed",
    ],
    "property_by_institution": [
        "institution_id",
        "year",
        "gross_m2",
        "play_area_m2_per_child",
        "legal_minimum_m2_per_child",
        "condition_score",
        "backlog_dkk_per_child",
        "pressure",
        "reference_date",
        "play_area_m2",
        "backlog_dkk",
        "capacity_presses",
        "building_presses",
        "is_suppressed",
    ],
    "transitions": [
        "from_institution_id",
        "to_school_id",
        "school_start_year",
        "children",
        "is_suppressed",
        "suppression_reason",
    ],
    "transition_outcomes": [
        "from_institution_id",
        "school_start_year",
        "children",
        "grade0_absence_pct",
        "wellbeing_0_3_mean",
        "is_suppressed",
        "suppression_reason",
        "is_absence_suppressed",
        "is_wellbeing_suppressed",
    ],
}


def _rows(pipeline, sql: str) -> list[tuple]:
    with duckdb.connect(str(pipeline.published_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_planning_tables_are_published_with_their_contracts(tiny_pipeline):
    for table, columns in PLANNING_COLUMNS.items():
        assert [r[0] for r in _rows(tiny_pipeline, f"describe marts.{table}")] == columns, table
        n_rows = _rows(tiny_pipeline, f"select count(*) from marts.{table}")[0][0]
        assert n_rows > 0, table
        files = list((tiny_pipeline.published / table).glob("*.parquet"))
        assert sum(pq.ParquetFile(f).metadata.num_rows for f in files) == n_rows, table


def test_planning_values_are_plausible(tiny_pipeline):
    (months, types, places, util_lo, util_hi, published_util, guarantee_lo, guarantee_hi) = _rows(
        tiny_pipeline,
        "select count(distinct month), count(distinct institution_type), sum(normed_places), "
        "min(utilization_pct), max(utilization_pct), count(utilization_pct), "
        "min(guarantee_kept_pct), max(guarantee_kept_pct) from marts.capacity_by_district",
    )[0]
    assert months >= 12 and types == 4 and places > 0
    assert published_util > 0 and 0 <= util_lo <= util_hi <= 300
    assert guarantee_lo is None or 0 <= guarantee_lo <= guarantee_hi <= 100
    # the forecast: three years, both bands, places needed near children x coverage
    forecast = _rows(
        tiny_pipeline,
        "select year, age_band, children_expected, coverage_pct, places_needed, places_available, gap "
        "from marts.capacity_forecast",
    )
    assert len({r[0] for r in forecast}) == 3 and {r[1] for r in forecast} == {"0-2", "3-5"}
    for _, _, expected, coverage, needed, available, gap in forecast:
        assert expected > 0 and available >= 0
        if coverage is not None:
            assert 0 < coverage < 200
            assert needed == pytest.approx(expected * coverage / 100, abs=1.05)
            assert gap == pytest.approx(needed - available)
    # property: the legal minimum lies between the two bands' minimums, pressure needs both halves
    prop = _rows(
        tiny_pipeline,
        "select gross_m2, play_area_m2_per_child, legal_minimum_m2_per_child, condition_score, pressure, "
        "capacity_presses, building_presses from marts.property_by_institution",
    )
    assert prop
    for gross, per_child, minimum, condition, pressure, cap, bld in prop:
        assert gross > 0 and 1 <= condition <= 5
        if per_child is not None:
            assert 2 <= minimum <= 3 and per_child > 0
            assert pressure == (cap and bld)
    # transitions: a published count is at least 5; outcomes in range
    assert _rows(tiny_pipeline, "select count(*) from marts.transitions where children < 5")[0][0] == 0
    assert _rows(tiny_pipeline, "select count(*) from marts.transitions where is_suppressed")[0][0] > 0
    out = _rows(tiny_pipeline, "select grade0_absence_pct, wellbeing_0_3_mean from marts.transition_outcomes")
    assert all(a is None or 0 <= a <= 100 for a, _ in out)
    assert all(w is None or 1 <= w <= 3 for _, w in out)


def recoverable_transitions(totals: dict[tuple, int | None], parts: dict[tuple, list[int | None]]) -> list:
    """The attack on transitions: for each daycare and year whose total is published, the withheld parts
    are total - Σ published parts. One withheld part gives its count; several withheld parts of fewer than
    5 children together give a small group. Returns (key, what the reader learns)."""
    found = []
    for key, total in totals.items():
        if total is None:
            continue
        cells = parts.get(key, [])
        hidden = [c for c in cells if c is None]
        rest = total - sum(c for c in cells if c is not None)
        if len(hidden) == 1 or (len(hidden) > 1 and rest < MIN_N) or (not hidden and rest != 0):
            found.append((key, rest))
    return found


def test_the_transitions_attack_sees_a_lone_or_small_withheld_group():
    parts = {("D1", 2025): [9, None], ("D2", 2025): [None, None, 17], ("D3", 2025): [None, None]}
    totals = {("D1", 2025): 12, ("D2", 2025): 20, ("D3", 2025): 10}
    # D1: 12 - 9 = 3 children to the hidden school; D2: two hidden parts of 3 children together
    assert recoverable_transitions(totals, parts) == [(("D1", 2025), 3), (("D2", 2025), 3)]


def test_no_withheld_transition_can_be_recovered(tiny_pipeline):
    totals = {
        (d, y): c
        for d, y, c in _rows(
            tiny_pipeline,
            "select from_institution_id, school_start_year, children from marts.transition_outcomes",
        )
    }
    parts: dict[tuple, list] = {}
    for d, y, c in _rows(
        tiny_pipeline, "select from_institution_id, school_start_year, children from marts.transitions"
    ):
        parts.setdefault((d, y), []).append(c)
    assert set(parts) == set(totals)  # every daycare with transitions has its outcome row
    assert recoverable_transitions(totals, parts) == []
    # a school's intake is no published total, but a lone withheld cell among published ones is still
    # partnered (docs/planning.md, "Disclosure")
    lone = _rows(
        tiny_pipeline,
        "select to_school_id, school_start_year from marts.transitions group by all "
        "having count(*) filter (where is_suppressed) = 1 and count(*) filter (where not is_suppressed) > 0",
    )
    assert lone == []


def test_no_withheld_enrolled_count_can_be_recovered_from_property(tiny_pipeline):
    """A district's enrolled children of a type at a month end minus the children property_by_institution
    gives back for its institutions (play area / play area per child) must not reveal one hidden
    institution, nor hidden institutions of fewer than 5 children together."""
    rows = _rows(
        tiny_pipeline,
        """
        select i.district, i.institution_type, p.reference_date, c.enrolled_children,
               p.institution_id, p.play_area_m2, p.play_area_m2_per_child
        from marts.property_by_institution as p
        inner join marts.institutions as i
            on p.institution_id = i.institution_id
            and i.valid_from <= p.reference_date and (i.valid_to is null or i.valid_to >= p.reference_date)
        inner join marts.capacity_by_district as c
            on c.district = i.district and c.institution_type = i.institution_type
            and c.month = date_trunc('month', p.reference_date)
        """,
    )
    assert rows
    groups: dict[tuple, list] = {}
    for district, typ, ref, total, _inst, area, per_child in rows:
        children = round(area / per_child) if per_child else None
        groups.setdefault((district, typ, ref, total), []).append(children)
    for (district, typ, ref, total), children in groups.items():
        if total is None:  # a withheld district count must not be the sum of published institutions
            assert None in children, (district, typ, ref)
            continue
        hidden = [c for c in children if c is None]
        rest = total - sum(c for c in children if c is not None)
        assert len(hidden) != 1, (district, typ, ref)
        assert not hidden or rest >= MIN_N, (district, typ, ref)


def test_daycare_packages_have_a_planning_section(tiny_pipeline):
    packages = list(tiny_pipeline.reports.rglob("*.html"))
    daycare = [p for p in packages if p.name.startswith("D")]
    schools = [p for p in packages if p.name.startswith("S")]
    assert daycare and schools
    with_section = [p for p in daycare if 'id="planlaegning"' in p.read_text(encoding="utf-8")]
    assert with_section
    text = with_section[0].read_text(encoding="utf-8")
    assert ("normerede pladser" in text and "Bygninger" in text) or "Skolestart" in text
    assert not any('id="planlaegning"' in p.read_text(encoding="utf-8") for p in schools)
