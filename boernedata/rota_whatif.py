"""`boernedata rota-whatif`: move a share of an institution's rota shifts earlier or later, and count the
slot-hours below the staffing norm before and after (issue 24, part 3; docs/planning.md).

Reads the INTERNAL warehouse (the shifts are staff data; the published file holds only the aggregated
and possibly withheld profile): int_institution_day_slots (children, staff and below_norm per weekday and
slot, summed over the open days) and int_day_profile_shift_intervals (the shifts in seconds after the
day's first slot). Moving a share p of the shifts by N minutes gives, per slot, staff = (1 - p) x the
rota as it is + p x the rota with every shift moved: the expected staffing when a share p of the shifts,
picked at random, is moved. Moved shifts are cut to the day's slots by the same rule as the dbt models
(macros/day_profile.sql): a shift covers slot k when it starts before the slot ends and ends after it
starts. The children do not move. The norm and the grid are the dbt vars of dbt_project.yml.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import yaml

from boernedata import settings
from boernedata.exit_codes import ExitCode

WEEKDAYS_DA = {1: "man", 2: "tir", 3: "ons", 4: "tor", 5: "fre"}


def project_vars(project_dir: Path = settings.PROJECT_DIR) -> dict:
    return yaml.safe_load((project_dir / "dbt_project.yml").read_text("utf-8"))["vars"]


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


WHATIF_SQL = """
with
slots as (
    select weekday, slot, open_days, weighted_child_days_present as weighted, shift_days_on as staff_before,
        below_norm as below_before
    from intermediate.int_institution_day_slots
    where institution_id = $institution and period_id = $period
),
moved as (
    select weekday,
        cast(greatest(0, least($slot_count, floor((start_offset_seconds + $shift_seconds) / $slot_seconds)))
            as integer) as slot_from,
        cast(greatest(0, least($slot_count, ceil((end_offset_seconds + $shift_seconds) / $slot_seconds)))
            as integer) as slot_until,
        shift_days
    from intermediate.int_day_profile_shift_intervals
    where institution_id = $institution and period_id = $period
),
deltas as (
    select weekday, slot_from as slot, shift_days as delta from moved where slot_from < slot_until
    union all
    select weekday, slot_until as slot, -shift_days as delta from moved where slot_from < slot_until
),
slot_deltas as (
    select weekday, slot, sum(delta) as delta from deltas group by weekday, slot
),
swept as (
    select slots.*,
        sum(coalesce(slot_deltas.delta, 0)) over (
            partition by slots.weekday order by slots.slot rows between unbounded preceding and current row
        ) as staff_moved
    from slots
    left join slot_deltas on slots.weekday = slot_deltas.weekday and slots.slot = slot_deltas.slot
),
after as (
    select *, (1 - $share) * staff_before + $share * staff_moved as staff_after from swept
)
select weekday, max(open_days) as open_days,
    count(case when below_before then 1 end) as below_before,
    count(case when (staff_after = 0 and weighted > 0) or (staff_after > 0 and weighted > $norm * staff_after)
        then 1 end) as below_after
from after
group by weekday
order by weekday
"""


def rota_whatif(*, warehouse: Path, institution: str, period: str | None, shift: int, share: float) -> int:
    """Print the slot-hours below the norm before and after the move; the exit status of exit_codes.py."""
    if not 0 <= share <= 1:
        print(f"boernedata rota-whatif: --share must be between 0 and 1, not {share}", file=sys.stderr)
        return ExitCode.CANNOT_RUN
    if not warehouse.is_file():
        print(
            f"boernedata rota-whatif: no internal warehouse at {warehouse} (run `boernedata build`)",
            file=sys.stderr,
        )
        return ExitCode.CANNOT_RUN
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as exc:
        print(
            f"boernedata rota-whatif: the warehouse is in use by a build ({exc}); try again", file=sys.stderr
        )
        return ExitCode.BUSY
    with con:
        periods = [
            row[0]
            for row in con.execute(
                "select distinct period_id from intermediate.int_institution_day_slots "
                "where institution_id = ? order by period_id",
                [institution],
            ).fetchall()
        ]
        if not periods:
            print(
                f"boernedata rota-whatif: institution {institution!r} has no day profile (not a daycare or "
                "leisure institution, unknown, or without check-ins and rota shifts in a whole half-year)",
                file=sys.stderr,
            )
            return ExitCode.CANNOT_RUN
        period = period or periods[-1]
        if period not in periods:
            print(
                f"boernedata rota-whatif: {institution} has no day profile for {period} "
                f"(half-years with one: {', '.join(periods)})",
                file=sys.stderr,
            )
            return ExitCode.CANNOT_RUN
        dbt_vars = project_vars()
        slot_minutes = dbt_vars["boernedata:day_profile_slot_minutes"]
        first = _minutes(dbt_vars["boernedata:day_profile_first_slot"])
        slot_count = (_minutes(dbt_vars["boernedata:day_profile_day_end"]) - first) // slot_minutes
        norm = dbt_vars["boernedata:day_profile_norm_children_per_adult"]
        rows = con.execute(
            WHATIF_SQL,
            {
                "institution": institution,
                "period": period,
                "shift_seconds": shift * 60,
                "slot_seconds": slot_minutes * 60,
                "slot_count": slot_count,
                "share": share,
                "norm": norm,
            },
        ).fetchall()
    slot_hours = slot_minutes / 60
    open_days = sum(r[1] for r in rows)
    before = slot_hours * sum(r[1] * r[2] for r in rows)
    after = slot_hours * sum(r[1] * r[3] for r in rows)
    direction = "later" if shift >= 0 else "earlier"
    print(
        f"Rota what-if for {institution}, {period}: {share:.0%} of the shifts moved {abs(shift)} minutes "
        f"{direction}."
    )
    print(
        f"Slot-hours below the norm (more than {norm} weighted children per adult, "
        "or children without staff):"
    )
    print(
        f"  before: {before / open_days:5.2f} hours a day "
        f"({before:.1f} slot-hours over {open_days} open days)"
    )
    print(
        f"  after:  {after / open_days:5.2f} hours a day ({after:.1f} slot-hours over {open_days} open days)"
    )
    print(f"  change: {(after - before) / open_days:+5.2f} hours a day")
    per_day = ", ".join(
        f"{WEEKDAYS_DA[r[0]]} {slot_hours * r[2]:.2f} -> {slot_hours * r[3]:.2f}" for r in rows
    )
    print(f"Per weekday (hours a day, before -> after): {per_day}")
    return ExitCode.OK
