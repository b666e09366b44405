"""HR: the monthly staff snapshot (hr/personale) and the rota (hr/vagtplan).

Staffing follows the enrolled children close to the legal norms (one adult per 3 children under 3 and per
6 over 3, leaders at 85 %), schools about one teacher per 11 pupils, leisure one adult per 11 children.
A roster per institution is filled from the top each month, so the same people stay on; parental leave,
state-pool funded staff, sickness (rising at deteriorating institutions) and part time occur.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from boernedata.generate.institutions import Institutions
from boernedata.generate.school import ramp
from boernedata.generate.timeline import Calendar

PEDAGOGICAL = ("Leder", "Pædagog", "Pædagogisk assistent", "Pædagogmedhjælper", "Dagplejer", "Lærer")
MONTHLY_SALARY = {  # DKK per month at 37 hours, as posted on art 1110
    "Leder": 50_000,
    "Pædagog": 33_000,
    "Pædagogisk assistent": 29_000,
    "Pædagogmedhjælper": 26_000,
    "Dagplejer": 31_000,
    "Lærer": 40_000,
    "Køkkenmedarbejder": 26_000,
    "Administration": 29_000,
    "Teknisk serviceleder": 31_000,
}


@dataclass
class StaffMonth:
    """The personale rows of one month (indices into the roster)."""

    emp: np.ndarray
    fte: np.ndarray
    on_leave: np.ndarray
    sick: np.ndarray
    planned: np.ndarray


class Roster:
    def __init__(self, rng: np.random.Generator, inst: Institutions, need: np.ndarray) -> None:
        """need: (institution x month) pedagogical FTE required."""
        self.rng = rng
        inst_of, pos, trained, hours, funding = [], [], [], [], []
        for i in range(inst.n):
            t, sector = inst.type[i], inst.sector[i]
            peak = float(need[i].max()) if need.shape[1] else 1.0
            if t == "dagpleje":
                # a dagpleje unit is several childminders in their own homes, ~4 children under 3 each
                minders = max(1, int(np.ceil(peak / (48.0 / 37.0))))
                members = [("Dagplejer", rng.random() < 0.1, 48.0, "drift") for _ in range(minders)]
            else:
                size = int(np.ceil(peak * 1.25)) + 3
                members = [("Leder", True, 37.0, "drift")]
                for _ in range(size):
                    h = float(rng.choice([37.0, 34.0, 32.0, 30.0], p=[0.6, 0.1, 0.2, 0.1]))
                    if sector == "skole":
                        members.append(("Lærer", rng.random() < 0.88, h, "drift"))
                        continue
                    r = rng.random()
                    p = (
                        "Pædagog"
                        if r < (0.54 if sector == "dagtilbud" else 0.5)
                        else ("Pædagogisk assistent" if r < 0.72 else "Pædagogmedhjælper")
                    )
                    fund = "statspulje" if sector == "dagtilbud" and rng.random() < 0.03 else "drift"
                    members.append((p, p == "Pædagog" and rng.random() < 0.96, h, fund))
                if sector == "dagtilbud" and peak > 4:
                    members.append(("Køkkenmedarbejder", False, 30.0, "drift"))
                if sector == "skole":
                    members += [
                        ("Administration", False, 37.0, "drift"),
                        ("Teknisk serviceleder", False, 37.0, "drift"),
                    ]
            for m in members:
                inst_of.append(i)
                pos.append(m[0])
                trained.append(m[1])
                hours.append(m[2])
                funding.append(m[3])
        n = len(inst_of)
        self.inst = np.array(inst_of)
        self.position = np.array(pos)
        self.trained = np.array(trained)
        self.hours = np.array(hours)
        self.funding = np.array(funding)
        self.pedagogical = np.isin(self.position, PEDAGOGICAL)
        self.sick_rate = rng.gamma(0.9, 0.055, n)  # ~5 % of planned days, right-skewed
        self.ids = np.array([f"M{200_000 + 7 * i:07d}" for i in range(n)])
        self.leave_start = np.where(rng.random(n) < 0.05, rng.integers(0, max(need.shape[1], 1), n), -100)
        self.leave_len = rng.integers(5, 11, n)
        self.by_inst = [np.flatnonzero(self.inst == i) for i in range(inst.n)]

    def month(self, mi: int, need: np.ndarray, workdays: int, deterioration: np.ndarray) -> StaffMonth:
        rows = []
        for i, members in enumerate(self.by_inst):
            if not len(members):
                continue
            leave = (mi >= self.leave_start[members]) & (
                mi < self.leave_start[members] + self.leave_len[members]
            )
            ped = self.pedagogical[members] & (self.funding[members] == "drift")
            fte = self.hours[members] / 37 * np.where(self.position[members] == "Leder", 0.85, 1.0)
            counted = np.where(ped & ~leave, fte, 0.0)
            counted[0] = max(counted[0], 1e-9)  # the leader (or the childminder) is always there
            k = int(np.searchsorted(np.cumsum(counted), need[i] - 1e-9)) + 1
            chosen = members[: min(k, len(members))]
            extra = members[~self.pedagogical[members]]  # kitchen, administration, technical staff
            rows.append(np.union1d(chosen, extra))
        emp = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        leave = (mi >= self.leave_start[emp]) & (mi < self.leave_start[emp] + self.leave_len[emp])
        planned = np.where(leave, 0.0, np.round(workdays * np.minimum(self.hours[emp], 37) / 37 * 2) / 2)
        rate = self.sick_rate[emp] * (1 + 1.6 * deterioration[self.inst[emp]])
        sick = self.rng.binomial(planned.astype(int), np.minimum(rate, 0.9)).astype(float)
        sick += np.where((sick > 0) & (self.rng.random(len(emp)) < 0.2), 0.5, 0)
        sick = np.minimum(sick, planned)
        return StaffMonth(emp, self.hours[emp] / 37, leave, sick, planned)


def staffing_need(inst: Institutions, weighted: np.ndarray, cal: Calendar, rng) -> np.ndarray:
    """(institution x month) pedagogical FTE (leaders at 85 %) to employ, from enrolled children."""
    months = cal.months()
    need = np.zeros((inst.n, len(months)))
    for j, (y, m) in enumerate(months):
        sl = cal.month_slice(y, m)
        open_ = cal.open[sl]
        mean = weighted[:, sl][:, open_].mean(axis=1) if open_.any() else weighted[:, sl].mean(axis=1)
        need[:, j] = mean
    norm = np.select(
        [inst.sector == "dagtilbud", inst.sector == "fritid", inst.sector == "skole"],
        [
            5.9 * rng.uniform(0.93, 1.07, inst.n),
            13.0 * rng.uniform(0.9, 1.1, inst.n),
            11.0 * rng.uniform(0.9, 1.1, inst.n),
        ],
    )
    return need / norm[:, None]


def write_staff(w, rng, inst: Institutions, weighted: np.ndarray, closed: np.ndarray, cal: Calendar):
    """Writes personale and vagtplan; returns the monthly salary cost per institution (for finance)."""
    need = staffing_need(inst, weighted, cal, rng)
    roster = Roster(rng, inst, need)
    salary = np.zeros((inst.n, len(cal.months())))
    salary_rate = np.array([MONTHLY_SALARY[p] for p in roster.position])
    for j, (y, m) in enumerate(cal.months()):
        sl = cal.month_slice(y, m)
        workdays = int(cal.open[sl].sum())
        mid = cal.days[sl.start] + 14
        det = np.where(inst.deteriorating, ramp(cal, np.full(inst.n, mid)), 0.0)
        sm = roster.month(j, need[:, j], workdays, det)
        e = sm.emp
        period = f"{y:04d}-{m:02d}"
        w.csv(
            "hr/personale",
            period,
            {
                "month": np.full(len(e), period),
                "employee_id": roster.ids[e],
                "institution_id": inst.ids[roster.inst[e]],
                "position": roster.position[e],
                "paedagoguddannet": roster.trained[e],
                "weekly_hours": roster.hours[e],
                "on_leave": sm.on_leave,
                "funding": roster.funding[e],
                "sick_days": sm.sick,
                "planned_days": sm.planned,
            },
        )
        paid = salary_rate[e] * roster.hours[e] / 37 * np.where(sm.on_leave, 0.3, 1.0)  # leave: top-up only
        np.add.at(salary[:, j], roster.inst[e], paid)
        _rota(w, rng, inst, roster, sm, closed, cal, sl, period)
    return salary


def _rota(
    w, rng, inst, roster: Roster, sm: StaffMonth, closed, cal: Calendar, sl: slice, period: str
) -> None:
    """Shifts for daycare and leisure staff on the institution's open days (schools have timetables)."""
    e = sm.emp[(inst.sector[roster.inst[sm.emp]] != "skole") & ~sm.on_leave]
    days = np.arange(sl.start, sl.stop)
    days = days[cal.open[days]]
    if not len(e) or not len(days):
        return
    ee = np.repeat(e, len(days))
    di = np.tile(days, len(e))
    ins = roster.inst[ee]
    keep = ~closed[ins, di] & (rng.random(len(ee)) < 0.86)  # holidays, courses, sick days
    ee, di, ins = ee[keep], di[keep], ins[keep]
    pos = roster.position[ee]
    length = np.round(roster.hours[ee] / 5 * 60 / 15) * 15
    length = np.minimum(length, 9 * 60 + 45)
    leisure = inst.sector[ins] == "fritid"
    school_day = cal.school_day[di]
    start = np.where(
        leisure & school_day,
        rng.choice([11 * 60, 11 * 60 + 30, 12 * 60], len(ee)),
        rng.choice(np.arange(6 * 60 + 30, 9 * 60 + 31, 30), len(ee)),
    )
    start = np.where(pos == "Leder", 8 * 60, start)
    start = np.where(pos == "Dagplejer", 6 * 60 + 45, start)
    start = np.where(pos == "Køkkenmedarbejder", 7 * 60, start)
    end = np.minimum(start + length, 17 * 60)
    w.csv(
        "hr/vagtplan",
        period,
        {
            "employee_id": roster.ids[ee],
            "institution_id": inst.ids[ins],
            "shift_date": cal.days[di],
            "start_time": start,
            "end_time": end,
        },
    )
