"""Days as integers (days since 1970-01-01) with their properties: weekday, Danish public holidays,
municipal open days, school days and the Copenhagen UTC offset, for the generator's whole window."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

EPOCH = dt.date(1970, 1, 1)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def calendar_year(days: np.ndarray) -> np.ndarray:
    """The calendar year of each day number (days since 1970-01-01)."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970


def by_calendar_year(days: np.ndarray):
    """(year, mask) for each calendar year the day numbers fall in, in ascending order: the yearly files."""
    years = calendar_year(days)
    for y in np.unique(years):
        yield int(y), years == y


def day(d: dt.date) -> int:
    return (d - EPOCH).days


def date_of(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    return dt.date(year, month, (h + ll - 7 * m + 114) % 31 + 1)


def public_holidays(year: int) -> dict[dt.date, str]:
    """Daycare is closed on these (docs/raw_extracts.md §5, the seed danish_public_holidays), store
    bededag until 2023 inclusive."""
    e = easter(year)
    days = {
        dt.date(year, 1, 1): "Nytårsdag",
        e - dt.timedelta(days=3): "Skærtorsdag",
        e - dt.timedelta(days=2): "Langfredag",
        e + dt.timedelta(days=1): "2. påskedag",
        e + dt.timedelta(days=39): "Kristi himmelfartsdag",
        e + dt.timedelta(days=50): "2. pinsedag",
        dt.date(year, 6, 5): "Grundlovsdag",
        dt.date(year, 12, 24): "Juleaftensdag",
        dt.date(year, 12, 25): "Juledag",
        dt.date(year, 12, 26): "2. juledag",
        dt.date(year, 12, 31): "Nytårsaftensdag",
    }
    if year <= 2023:
        days[e + dt.timedelta(days=26)] = "Store bededag"
    return days


class Calendar:
    """All days of the data window with their properties as numpy arrays (index 0 = first day)."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        self.day0 = day(first)
        self.days = np.arange(day(first), day(last) + 1, dtype=np.int64)
        dates = self.days.astype("datetime64[D]")
        self.weekday = ((self.days + 3) % 7).astype(np.int8)  # 1970-01-01 was a Thursday: Monday = 0
        self.year = dates.astype("datetime64[Y]").astype(int) + 1970
        self.month_index = dates.astype("datetime64[M]").astype(int)  # months since 1970-01
        self.month = self.month_index % 12 + 1
        self.dom = (dates - dates.astype("datetime64[M]")).astype(int) + 1
        holidays: dict[int, str] = {}
        for y in range(first.year, last.year + 1):
            holidays.update({day(d): n for d, n in public_holidays(y).items()})
        self.holiday = np.isin(self.days, np.array(list(holidays), dtype=np.int64))
        self.open = (self.weekday < 5) & ~self.holiday  # municipal open day before closing days
        self.iso_week = np.array([date_of(d).isocalendar()[1] for d in self.days], dtype=np.int8)
        self.school_day = self._school_days()
        self.utc_offset_h = np.array([self._offset(d) for d in self.days], dtype=np.int8)

    @staticmethod
    def _offset(n: int) -> int:
        d = date_of(n)
        noon = dt.datetime(d.year, d.month, d.day, 12, tzinfo=COPENHAGEN)
        return int(noon.utcoffset().total_seconds() // 3600)

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month in the window."""
        out, y, m = [], self.first.year, self.first.month
        while (y, m) <= (self.last.year, self.last.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def month_slice(self, y: int, m: int) -> slice:
        pos = np.flatnonzero(self.month_index == (y - 1970) * 12 + m - 1)
        return slice(int(pos[0]), int(pos[-1]) + 1)

    def school_years(self) -> list[int]:
        first = self.first.year if self.first.month >= 8 else self.first.year - 1
        last = self.last.year if self.last.month >= 8 else self.last.year - 1
        return list(range(first, last + 1))

    def _school_days(self) -> np.ndarray:
        """~200 days: from the second Monday of August to the Friday before the last Saturday of June,
        without week 42 (autumn), week 7 (winter), Christmas and Easter holidays."""
        sd = np.zeros(len(self.days), dtype=bool)
        for y in range(self.first.year - 1, self.last.year + 1):
            start = dt.date(y, 8, 8)
            start += dt.timedelta(days=(7 - start.weekday()) % 7)
            end = dt.date(y + 1, 6, 30)
            while end.weekday() != 5:
                end -= dt.timedelta(days=1)
            e = easter(y + 1)
            mask = (self.days >= day(start)) & (self.days <= day(end)) & self.open
            mask &= ~np.isin(self.iso_week, (42, 7))
            mask &= ~((self.days >= day(dt.date(y, 12, 21))) & (self.days <= day(dt.date(y + 1, 1, 2))))
            mask &= ~(
                (self.days >= day(e - dt.timedelta(days=6))) & (self.days <= day(e + dt.timedelta(days=1)))
            )
            sd |= mask
        return sd
