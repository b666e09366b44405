"""Daycare and leisure days: check-in/out events (kbhbarn/fremmoede and aula/kommegaa) and the absences
parents register (kbhbarn/fravaer), generated month by month and in batches of enrollments (bounded
memory).

Per (enrollment, open day) pair: parent-registered holiday (ferie) weeks, sick episodes (mostly
registered as `syg`), other days off, then arrival and pick-up times. Quirks at low rates: no check-out,
the system closing the day, double taps, a visit at an institution the child is not enrolled in, and a
check-in on a registered holiday.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from boernedata.generate.enrollments import Spells
from boernedata.generate.institutions import Institutions
from boernedata.generate.population import Population
from boernedata.generate.school import ramp
from boernedata.generate.timeline import Calendar

EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.int64()),
        ("cpr", pa.string()),
        ("institution_id", pa.string()),
        ("event_time", pa.timestamp("s")),
        ("event_type", pa.string()),
        ("registered_by", pa.string()),
    ]
)
RATE_NO_CHECKOUT = 0.012
RATE_SYSTEM_CHECKOUT = 0.02
RATE_DOUBLE_TAP = 0.01
RATE_VISIT = 0.0005
RATE_HOLIDAY_CHECKIN = 0.003


@dataclass
class Holidays:
    """Per child and calendar year: which holiday blocks the family registers."""

    first_year: int
    summer: np.ndarray
    summer_week: np.ndarray
    autumn: np.ndarray
    winter: np.ndarray
    xmas: np.ndarray


def make_holidays(rng: np.random.Generator, n: int, cal: Calendar) -> Holidays:
    years = cal.last.year - cal.first.year + 1
    shape = (n, years)
    return Holidays(
        first_year=cal.first.year,
        summer=rng.random(shape) < 0.8,
        summer_week=rng.integers(27, 30, shape),
        autumn=rng.random(shape) < 0.3,
        winter=rng.random(shape) < 0.3,
        xmas=rng.random(shape) < 0.55,
    )


def _keyed_random(rng: np.random.Generator, keys: np.ndarray, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Random draws shared by all pairs with the same key (e.g. one sick episode per child-week)."""
    uniq, inv = np.unique(keys, return_inverse=True)
    return rng.random((len(uniq), k))[inv.ravel()], inv.ravel()


# Event ids grow with time: month i of the calendar numbers its events from FIRST_EVENT_ID + i x
# EVENT_ID_STRIDE, so each month is generated on its own (in parallel) and ids never collide (a national
# month has ~15 M events).
FIRST_EVENT_ID = 10_000_001
EVENT_ID_STRIDE = 1_000_000_000


# Event attributes as small codes while events are made and sorted; the text each file spells is taken
# from these arrays when it is written (Arrow's take: no numpy string arrays of millions of rows).
PARENT, STAFF, SYSTEM = 0, 1, 2
REGISTERED_BY = pa.array(["foraelder", "personale", "system"])
AULA_CHANGED_BY = pa.array(["forælder", "personale", "automatisk"])
EVENT_TYPES = pa.array(["IND", "UD"])
AULA_STATUSES = pa.array(["kommet", "gaaet"])
UTC_OFFSETS = pa.array(["+01:00", "+02:00"])


class Attendance:
    """Check-in events and parent-registered absence, month by month. The children's holiday plans are
    drawn once (`rng`); each month then draws from its own stream (`month`), so months are independent."""

    def __init__(self, rng, pop: Population, inst: Institutions, spells: Spells, cal: Calendar, closed):
        self.pop, self.inst, self.sp, self.cal, self.closed = pop, inst, spells, cal, closed
        self.hol = make_holidays(rng, pop.n, cal)
        self.closing_min = np.where(inst.type == "dagpleje", 16 * 60 + 30, 17 * 60)
        self.leisure = inst.sector == "fritid"
        self.dict_ids = pa.array(inst.ids)
        self.batch_size = 60_000

    def month(self, w, rng, y: int, m: int) -> None:
        """Write month (y, m): its fremmoede/kommegaa events and its parent absences, drawn from `rng`."""
        self.w, self.rng = w, rng
        self.next_event_id = FIRST_EVENT_ID + self.cal.months().index((y, m)) * EVENT_ID_STRIDE
        cal, sp = self.cal, self.sp
        sl = cal.month_slice(y, m)
        days = np.arange(sl.start, sl.stop)
        days = days[cal.open[days]]
        period = f"{y:04d}-{m:02d}"
        lo, hi = cal.days[sl.start], cal.days[sl.stop - 1]
        active = np.flatnonzero((sp.start <= hi) & (sp.end >= lo))
        absences = []
        for b in range(0, len(active), self._batch()):
            batch = active[b : b + self._batch()]
            absences.append(self._batch_month(batch, days, period))
        self.w.parquet_close("kbhbarn/fremmoede", period)
        self.w.jsonl_close("aula/kommegaa", period)
        cols = {k: np.concatenate([a[k] for a in absences]) for k in absences[0]} if absences else {}
        if cols and len(cols["from_date"]):
            order = np.lexsort((cols["from_date"], cols["inst"]))
            self.w.csv(
                "kbhbarn/fravaer",
                period,
                {
                    "cpr": self.pop.cpr_mixed(self.rng, cols["child"][order]),
                    "institution_id": self.inst.ids[cols["inst"][order]],
                    "from_date": cols["from_date"][order],
                    "to_date": cols["to_date"][order],
                    "reason": cols["reason"][order],
                },
            )

    def _batch(self) -> int:
        return self.batch_size

    def _batch_month(self, batch: np.ndarray, days: np.ndarray, period: str) -> dict:
        rng, cal, sp, inst, pop = self.rng, self.cal, self.sp, self.inst, self.pop
        ee = np.repeat(batch, len(days))
        di = np.tile(days, len(batch))
        dn = cal.days[di]
        keep = (dn >= sp.start[ee]) & (dn <= sp.end[ee]) & ~self.closed[sp.inst[ee], di]
        ee, di, dn = ee[keep], di[keep], dn[keep]
        child, ins = sp.child[ee], sp.inst[ee]
        yi = cal.year[di] - self.hol.first_year
        week = cal.iso_week[di]
        month = cal.month[di]
        h = self.hol
        in_summer = (
            h.summer[child, yi] & (week >= h.summer_week[child, yi]) & (week <= h.summer_week[child, yi] + 2)
        )
        in_summer &= (month >= 6) & (month <= 8)
        in_xmas = ((month == 12) & (cal.dom[di] >= 20)) | ((month == 1) & (cal.dom[di] <= 3))
        xmas_year = np.where(month == 1, yi - 1, yi).clip(0)
        in_xmas &= h.xmas[child, xmas_year]
        ferie = (
            in_summer | in_xmas | ((week == 42) & h.autumn[child, yi]) | ((week == 7) & h.winter[child, yi])
        )
        block = np.where(in_summer, 1, np.where(in_xmas, 2, np.where(week == 42, 3, 4)))
        # sick episodes: one draw per (enrollment, week); younger children are sick more often
        age = (dn - pop.birth[child]) / 365.25
        p_ep = np.where(age < 3, 0.14, np.where(age < 6, 0.10, 0.06))
        wk_key = ee.astype(np.int64) * 10_000 + (cal.year[di] % 100) * 100 + week
        draws, wk_inv = _keyed_random(rng, wk_key, 4)
        ep_start = (draws[:, 1] * 5).astype(int)
        ep_len = 1 + (draws[:, 2] * 3.2).astype(int)
        wd = cal.weekday[di]
        sick = (draws[:, 0] < p_ep) & (wd >= ep_start) & (wd < ep_start + ep_len) & ~ferie
        sick_registered = draws[:, 3] < 0.65
        # deteriorating houses: more unexplained days away in the last three half-years
        p_other = 0.03 + np.where(inst.deteriorating[ins], 0.06 * ramp(cal, dn), 0.0)
        other = (rng.random(len(ee)) < p_other) & ~ferie & ~sick
        is_leisure = self.leisure[ins]
        is_klub = inst.type[ins] == "klub"
        school_day = cal.school_day[di]
        skip = np.where(
            is_klub, 0.45, np.where(is_leisure & school_day, 0.12, np.where(is_leisure, 0.35, 0.0))
        )
        skip_day = (rng.random(len(ee)) < skip) & ~ferie & ~sick & ~other
        attend = ~ferie & ~sick & ~other & ~skip_day
        attend |= ferie & (rng.random(len(ee)) < RATE_HOLIDAY_CHECKIN)

        absences = self._absence_rows(ee, dn, ferie, block, sick & sick_registered, wk_inv, other)
        self._events(np.flatnonzero(attend), ee, di, dn, child, ins, is_leisure, is_klub, school_day, period)
        return absences

    def _absence_rows(self, ee, dn, ferie, block, sick, wk_inv, other) -> dict:
        rng, sp = self.rng, self.sp
        out = {"child": [], "inst": [], "from_date": [], "to_date": [], "reason": []}

        def blocks(mask, key, reason):
            idx = np.flatnonzero(mask)
            if not len(idx):
                return
            uniq, inv = np.unique(key[idx], return_inverse=True)
            first = np.full(len(uniq), np.iinfo(np.int64).max)
            last = np.full(len(uniq), np.iinfo(np.int64).min)
            np.minimum.at(first, inv, dn[idx])
            np.maximum.at(last, inv, dn[idx])
            rep = np.zeros(len(uniq), dtype=np.int64)
            rep[inv] = ee[idx]
            out["child"].append(sp.child[rep])
            out["inst"].append(sp.inst[rep])
            out["from_date"].append(first)
            out["to_date"].append(last)
            out["reason"].append(np.full(len(uniq), reason))

        blocks(ferie, ee.astype(np.int64) * 10 + block, "ferie")
        blocks(sick, wk_inv.astype(np.int64), "syg")
        blocks(other & (rng.random(len(ee)) < 0.2), ee.astype(np.int64) * 100_000 + dn, "andet")
        return {k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64)) for k, v in out.items()}

    def _events(self, a, ee, di, dn, child, ins, is_leisure, is_klub, school_day, period) -> None:
        rng, cal, sp = self.rng, self.cal, self.sp
        n = len(a)
        if not n:
            return
        ch, it, d = child[a], ins[a], dn[a]
        place = sp.place[ee[a]]
        fri = cal.weekday[di[a]] == 4
        close = self.closing_min[it] - np.where(fri, 45, 0)
        arrive = rng.normal(7.7 * 60, 35, n).clip(6 * 60 + 32, 9 * 60 + 45)
        hours = np.select(
            [place == 1, place == 2],
            [rng.normal(6.0, 0.6, n), rng.normal(5.0, 0.5, n)],
            rng.normal(8.3, 0.95, n),
        )
        # leisure: after school on school days, a daycare-like day in the school holidays
        sd = school_day[a] & is_leisure[a]
        arrive = np.where(sd, rng.uniform(12 * 60 + 10, 14 * 60 + 40, n), arrive)
        arrive = np.where(is_klub[a], rng.uniform(13 * 60 + 50, 15 * 60 + 30, n), arrive)
        leave_sd = rng.normal(16 * 60, 40, n)
        depart = np.where(is_leisure[a] & (sd | is_klub[a]), leave_sd, arrive + hours * 60)
        depart = np.minimum(depart, close - 1)
        depart = np.maximum(depart, arrive + 45)
        arr_s = d * 86400 + (arrive * 60).astype(np.int64) + rng.integers(0, 60, n)
        dep_s = d * 86400 + (depart * 60).astype(np.int64) + rng.integers(0, 60, n)
        r = rng.random(n)
        no_ud = r < RATE_NO_CHECKOUT
        system_ud = (r >= RATE_NO_CHECKOUT) & (r < RATE_NO_CHECKOUT + RATE_SYSTEM_CHECKOUT)
        dep_s = np.where(system_ud, d * 86400 + close * 60, dep_s)
        # who registered an event, as codes into REGISTERED_BY (strings only when a file is written)
        by_in = np.where(rng.random(n) < 0.85, PARENT, STAFF).astype(np.int8)
        by_out = np.where(system_ud, SYSTEM, np.where(rng.random(n) < 0.8, PARENT, STAFF)).astype(np.int8)
        tap = np.flatnonzero(rng.random(n) < RATE_DOUBLE_TAP)
        visit = np.flatnonzero(rng.random(n) < RATE_VISIT)
        by_sector = {s: np.flatnonzero(self.inst.sector == s) for s in np.unique(self.inst.sector)}
        visit_inst = np.array(
            [by_sector[s][rng.integers(len(by_sector[s]))] for s in self.inst.sector[it[visit]]],
            dtype=np.int64,
        )
        ud = np.flatnonzero(~no_ud)
        ev_child = np.concatenate([ch, ch[tap], ch[ud], ch[visit], ch[visit]])
        ev_inst = np.concatenate([it, it[tap], it[ud], visit_inst, visit_inst])
        ev_time = np.concatenate(
            [
                arr_s,
                arr_s[tap] + rng.integers(3, 55, len(tap)),
                dep_s[ud],
                arr_s[visit] + 1800,
                arr_s[visit] + 5400,
            ]
        )
        ev_type = np.concatenate(
            [
                np.zeros(n + len(tap), np.int8),
                np.ones(len(ud), np.int8),
                np.zeros(len(visit), np.int8),
                np.ones(len(visit), np.int8),
            ]
        )
        ev_by = np.concatenate([by_in, by_in[tap], by_out[ud], np.full(2 * len(visit), STAFF, np.int8)])
        ev_day_idx = np.concatenate([di[a], di[a][tap], di[a][ud], di[a][visit], di[a][visit]])
        order = np.lexsort((ev_type, ev_time, ev_inst))
        ev_child, ev_inst, ev_time, ev_type, ev_by, ev_day_idx = (
            x[order] for x in (ev_child, ev_inst, ev_time, ev_type, ev_by, ev_day_idx)
        )
        aula = self.inst.aula[ev_inst]
        k = ~aula
        if k.any():
            ids = np.arange(self.next_event_id, self.next_event_id + int(k.sum()), dtype=np.int64)
            self.next_event_id += int(k.sum())
            table = pa.table(
                {
                    "event_id": ids,
                    "cpr": self.pop.cpr_mixed(rng, ev_child[k]),
                    "institution_id": pa.DictionaryArray.from_arrays(
                        pa.array(ev_inst[k].astype(np.int32)), self.dict_ids
                    ),
                    "event_time": pa.array(ev_time[k], pa.timestamp("s")),
                    "event_type": EVENT_TYPES.take(pa.array(ev_type[k])),
                    "registered_by": REGISTERED_BY.take(pa.array(ev_by[k])),
                }
            )
            self.w.parquet_append("kbhbarn/fremmoede", period, table)
        if aula.any():
            local = pc.strftime(pa.array(ev_time[aula], pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%S")
            offset = UTC_OFFSETS.take(
                pa.array((self.cal.utc_offset_h[ev_day_idx[aula]] == 2).astype(np.int8))
            )
            self.w.jsonl(
                "aula/kommegaa",
                period,
                {
                    "child_cpr": self.pop.cpr_mixed(rng, ev_child[aula]),
                    "institution_id": self.inst.ids[ev_inst[aula]],
                    "timestamp": pc.binary_join_element_wise(local, offset, ""),
                    "status": AULA_STATUSES.take(pa.array(ev_type[aula])),
                    "changed_by": AULA_CHANGED_BY.take(pa.array(ev_by[aula])),
                },
                append=True,
            )
