"""Staffing by the hour (issue 24, part 3) on the tiny build: the published day profile keeps its
contract and plausible values, and `boernedata rota-whatif` moves slot-hours as a rota change would.
The formulas themselves are dbt unit tests (models/intermediate/day_profile/_day_profile__models.yml)."""

from __future__ import annotations

import re

import duckdb
import pytest

from boernedata.exit_codes import ExitCode


@pytest.fixture(scope="module")
def published(tiny_pipeline):
    con = duckdb.connect(str(tiny_pipeline.published_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def profiled(tiny_pipeline):
    """(institution_id, period_id) of a published, unwithheld profile with slots below the norm."""
    with duckdb.connect(str(tiny_pipeline.warehouse), read_only=True) as con:
        row = con.execute(
            "select institution_id, period_id from marts.institution_day_summary "
            "where not is_suppressed and hours_below_norm_per_day > 0 "
            "order by hours_below_norm_per_day desc, institution_id, period_id limit 1"
        ).fetchone()
    assert row, "the tiny build should have a published day profile with slots below the norm"
    return row


def test_profile_contract_and_grid(published):
    columns = [r[0] for r in published.execute("describe marts.institution_day_profile").fetchall()]
    assert columns[:9] == [
        "institution_id",
        "period_id",
        "weekday",
        "slot_start",
        "children_present",
        "children_present_weighted",
        "staff_on_shift",
        "children_per_adult",
        "below_norm",
    ]
    slots = published.execute(
        "select count(distinct slot_start), min(slot_start)::varchar, max(slot_start)::varchar, "
        "min(weekday), max(weekday) from marts.institution_day_profile"
    ).fetchone()
    assert slots == (48, "06:00:00", "17:45:00", 1, 5)
    # every institution-period-weekday has the full day of slots
    assert published.execute(
        "select count(*) from (select institution_id, period_id, weekday from marts.institution_day_profile "
        "group by all having count(*) != 48)"
    ).fetchone() == (0,)


def test_profile_values_are_plausible(published, tiny_pipeline):
    # presence never above the children enrolled in the half-year, never negative; ratio as defined
    with duckdb.connect(str(tiny_pipeline.warehouse), read_only=True) as con:
        over = con.execute(
            "select count(*) from marts.institution_day_profile p "
            "join intermediate.int_daycare_leisure_period_children c "
            "on p.institution_id = c.institution_id and p.period_id = c.period_id "
            "and c.period_type = 'half_year' "
            "where p.children_present > c.distinct_children"
        ).fetchone()[0]
    assert over == 0
    bad = published.execute(
        "select count(*) from marts.institution_day_profile where not is_suppressed and ("
        "children_present < 0 or staff_on_shift < 0 or children_present_weighted < 0 "
        # the ratio is rounded from unrounded means: compare where rounding staff moves it little
        "or (staff_on_shift >= 1 "
        "and abs(children_per_adult - children_present_weighted / staff_on_shift) "
        "> 0.01 * children_per_adult + 0.01) "
        "or below_norm is null)"
    ).fetchone()[0]
    assert bad == 0
    # a daycare morning: children are there at 10:00
    assert (
        published.execute(
            "select min(children_present) from marts.institution_day_profile "
            "where not is_suppressed and slot_start = time '10:00' and institution_id like 'D%'"
        ).fetchone()[0]
        > 0
    )
    # withheld rows show nothing
    assert published.execute(
        "select count(*) from marts.institution_day_profile where is_suppressed and "
        "(children_present is not null or staff_on_shift is not null or below_norm is not null)"
    ).fetchone() == (0,)


def _hours(stdout: str) -> tuple[float, float]:
    before = float(re.search(r"before:\s+([\d.]+) hours a day", stdout).group(1))
    after = float(re.search(r"after:\s+([\d.]+) hours a day", stdout).group(1))
    return before, after


def test_whatif_shift_zero_changes_nothing(tiny_pipeline, profiled, published):
    institution, period = profiled
    proc = tiny_pipeline.run("rota-whatif", "--institution", institution, "--period", period, "--shift", "0")
    assert proc.returncode == ExitCode.OK, proc.stderr
    before, after = _hours(proc.stdout)
    assert before == after
    published_hours = published.execute(
        "select hours_below_norm_per_day from marts.institution_day_summary "
        "where institution_id = ? and period_id = ?",
        [institution, period],
    ).fetchone()[0]
    assert before == pytest.approx(published_hours, abs=0.01)


def test_whatif_moves_slot_hours(tiny_pipeline, profiled):
    institution, period = profiled
    results = {}
    for shift in ("-120", "120"):
        proc = tiny_pipeline.run(
            "rota-whatif", "--institution", institution, "--period", period, "--shift", shift, "--share", "1"
        )
        assert proc.returncode == ExitCode.OK, proc.stderr
        results[shift] = _hours(proc.stdout)
    # moving every shift two hours changes the hours below the norm, and within the 12-hour day
    for _, after in results.values():
        assert 0 <= after <= 12
    assert any(before != after for before, after in results.values())
    # a share of 0 moves no shift
    proc = tiny_pipeline.run(
        "rota-whatif", "--institution", institution, "--period", period, "--shift", "120", "--share", "0"
    )
    assert proc.returncode == ExitCode.OK
    before, after = _hours(proc.stdout)
    assert before == after


def test_whatif_unknown_institution_exits_2(tiny_pipeline):
    proc = tiny_pipeline.run("rota-whatif", "--institution", "X9999", "--shift", "30")
    assert proc.returncode == ExitCode.CANNOT_RUN
    assert "X9999" in proc.stderr and "no day profile" in proc.stderr


def test_whatif_bad_share_exits_2(tiny_pipeline, profiled):
    proc = tiny_pipeline.run("rota-whatif", "--institution", profiled[0], "--shift", "30", "--share", "1.5")
    assert proc.returncode == ExitCode.CANNOT_RUN
