"""Periods of a data package: half-years, the school and calendar years shown with them, the learning loop.

A package for half-year P (`YYYY-H1` = Jan–Jun, `YYYY-H2` = Jul–Dec, ending on day E) shows
- half_year indicators of P itself;
- school_year indicators of the latest school year that has ended at P: its teaching ends in late June and
  the school year formally on 31 July, so a school year counts as ended at P when it ends no later than
  one month after E (2024/25 is shown from 2025-H1 on; the running 2025/26 is not shown in 2025-H2). If an
  indicator has no data for that school year, the latest earlier one with data is shown;
- calendar_year indicators of the latest complete calendar year ≤ P with data (2025-H1 → 2024,
  2025-H2 → 2025).
Every value is labelled with the period it is from.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

# The two-year learning loop (læringsløkke): four learning conversations, one per half-year. The loop that
# started with the data packages of 2024-H1 is loop 1; 2024-H1 is conversation 1 (choose focus areas),
# 2024-H2, 2025-H1 and 2025-H2 follow up, 2026-H1 starts a new loop. Change this constant if the
# municipality restarts the loop.
LOOP_START = "2024-H1"
LOOP_LENGTH = 4

_HALF_YEAR = re.compile(r"^(\d{4})-H([12])$")


def parse_half_year(period_id: str) -> tuple[int, int]:
    match = _HALF_YEAR.match(period_id or "")
    if not match:
        raise ValueError(f"not a half-year: {period_id!r} (expected YYYY-H1 or YYYY-H2)")
    return int(match.group(1)), int(match.group(2))


def half_year_index(period_id: str) -> int:
    year, half = parse_half_year(period_id)
    return year * 2 + half - 1


def half_year_from_index(index: int) -> str:
    return f"{index // 2}-H{index % 2 + 1}"


def half_year_bounds(period_id: str) -> tuple[date, date]:
    year, half = parse_half_year(period_id)
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def school_year_cutoff(period_id: str) -> date:
    """School years ending on or before this date have ended at half-year `period_id`."""
    return half_year_bounds(period_id)[1] + timedelta(days=31)


def previous_periods(period_type: str, period_id: str, count: int = 4) -> list[str]:
    """`count` periods of the same type ending with `period_id`, oldest first (2025/26 → 2022/23..2025/26)."""
    if period_type == "half_year":
        last = half_year_index(period_id)
        return [half_year_from_index(i) for i in range(last - count + 1, last + 1)]
    if period_type == "school_year":
        start = int(period_id[:4])
        return [f"{y}/{(y + 1) % 100:02d}" for y in range(start - count + 1, start + 1)]
    year = int(period_id)
    return [str(y) for y in range(year - count + 1, year + 1)]


def loop_position(period_id: str) -> tuple[int, int]:
    """(loop number, conversation 1–4) of the learning conversation that uses the package of `period_id`."""
    offset = half_year_index(period_id) - half_year_index(LOOP_START)
    return offset // LOOP_LENGTH + 1, offset % LOOP_LENGTH + 1


def loop_periods(period_id: str) -> list[str]:
    """The four half-years of the learning loop that `period_id` belongs to."""
    _, position = loop_position(period_id)
    first = half_year_index(period_id) - (position - 1)
    return [half_year_from_index(first + i) for i in range(LOOP_LENGTH)]


def label(period_type: str, period_id: str) -> str:
    """Danish label: '2. halvår 2025', 'skoleåret 2024/25', 'kalenderåret 2024'."""
    if period_type == "half_year":
        year, half = parse_half_year(period_id)
        return f"{half}. halvår {year}"
    if period_type == "school_year":
        return f"skoleåret {period_id}"
    return f"kalenderåret {period_id}"


def short_label(period_type: str, period_id: str) -> str:
    """Axis label for the trend charts: '2025 H1', '24/25', '2024'."""
    if period_type == "half_year":
        return period_id.replace("-", " ")
    if period_type == "school_year":
        return period_id[2:]
    return period_id
