"""Kvantum: general-ledger postings (kvantum/posteringer) and budgets (kvantum/budget).

Net cost lands near 83 000 DKK per daycare child and 80 000 DKK per pupil a year: salaries come from the
staff actually employed, food and materials per child, parent fees as income (hovedart 7, negative), and
services make up the rest. Internal rent (hovedart 9) is posted too and excluded from the indicator.
Deteriorating institutions overspend their corrected budget in the last three half-years.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from boernedata.generate.institutions import Institutions
from boernedata.generate.school import ramp
from boernedata.generate.timeline import Calendar, day

FUNCTION = {
    "dagpleje": "5.25.11",
    "vuggestue": "5.25.12",
    "boernehave": "5.25.13",
    "integreret": "5.25.14",
    "fritidshjem": "5.25.15",
    "klub": "5.25.16",
    "sfo": "3.22.05",
    "folkeskole": "3.22.01",
    "specialskole": "3.22.08",
}
NET_PER_CHILD_YEAR = {"dagtilbud": 83_000, "skole": 80_000, "fritid": 30_000}
FEE_PER_MONTH = {"dagtilbud": 3_600, "skole": 0, "fritid": 1_900}
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def write_finance(
    w, rng, inst: Institutions, children: np.ndarray, salary: np.ndarray, cal: Calendar
) -> None:
    """children: (institution x month) mean enrolled children; salary: (institution x month) DKK."""
    months = cal.months()
    func = np.array([FUNCTION[t] for t in inst.type])
    target = np.array([NET_PER_CHILD_YEAR[s] for s in inst.sector])[:, None] * children / 12
    target *= rng.normal(1, 0.06, inst.n)[:, None]
    fee_rate = np.array([FEE_PER_MONTH[s] for s in inst.sector])
    base_net = np.zeros_like(salary)
    for j, (y, m) in enumerate(months):
        mid = day(dt.date(y, m, 15))
        det = np.where(inst.deteriorating, 1 + 0.15 * ramp(cal, np.full(inst.n, mid)), 1.0)
        fees = -fee_rate * children[:, j]
        goods = children[:, j] * np.where(inst.sector == "skole", 450, 900) * rng.uniform(0.7, 1.3, inst.n)
        services = np.maximum(target[:, j] - salary[:, j] - goods - fees, 0.04 * target[:, j])
        services *= rng.uniform(0.85, 1.15, inst.n)
        base_net[:, j] = salary[:, j] + goods + services + fees
        rent = inst.play_area * 95 + 2_000
        last_bank_day = _last_weekday(y, m)
        rows = []  # (inst, date, art, amount, text)
        for i in range(inst.n):
            if children[i, j] <= 0 and salary[i, j] <= 0:
                continue
            f = det[i]
            rows.append((i, last_bank_day, "1110", salary[i, j] * f, f"Løn {MONTHS[m - 1]}"))
            for part in _split(rng, goods[i] * f, rng.integers(2, 6)):
                rows.append(
                    (
                        i,
                        _random_day(rng, y, m),
                        rng.choice(["2210", "2290"]),
                        part,
                        rng.choice(["Fødevarer", "Legetøj og materialer", "Kontorartikler", ""]),
                    )
                )
            for part in _split(rng, services[i] * f, rng.integers(1, 4)):
                rows.append(
                    (
                        i,
                        _random_day(rng, y, m),
                        rng.choice(["4010", "4050", "4900"]),
                        part,
                        rng.choice(["Rengøring", "Vedligehold", "IT-tjenester", "Vikarbureau", ""]),
                    )
                )
            if fees[i] < 0:
                rows.append((i, day(dt.date(y, m, 1)), "7110", fees[i], "Forældrebetaling"))
            rows.append((i, day(dt.date(y, m, 1)), "9710", float(rent[i]), "Intern husleje"))
            if rng.random() < 0.03:  # a misposting reversed and posted again
                amount = float(np.round(rng.uniform(500, 20_000), 2))
                d = _random_day(rng, y, m)
                rows += [(i, d, "2290", amount, "Fejlpostering"), (i, d, "2290", -amount, "Korrektion")]
        if not rows:
            continue
        idx = np.array([r[0] for r in rows])
        w.csv(
            "kvantum/posteringer",
            f"{y:04d}-{m:02d}",
            {
                "bilagsdato": np.array([r[1] for r in rows]),
                "omkostningssted": inst.cost_centre[idx],
                "funktion": func[idx],
                "art": np.array([r[2] for r in rows]),
                "beloeb": np.round(np.array([r[3] for r in rows], dtype=float), 2),
                "tekst": np.array([r[4] for r in rows]),
            },
        )
    _budgets(w, rng, inst, func, base_net, months)


def _budgets(w, rng, inst, func, base_net, months) -> None:
    years = np.array([y for y, _ in months])
    for y in np.unique(years):
        cols = base_net[:, years == y]
        annual = cols.sum(axis=1) * 12 / cols.shape[1]  # budgets cover the whole year
        orig = np.round(annual * rng.normal(1, 0.02, inst.n), -3)
        corr = np.round(orig * rng.normal(1.01, 0.015, inst.n), -3)
        live = annual > 0
        n = int(live.sum())
        w.csv(
            "kvantum/budget",
            str(int(y)),
            {
                "aar": np.full(2 * n, int(y)),
                "omkostningssted": np.concatenate([inst.cost_centre[live]] * 2),
                "funktion": np.concatenate([func[live]] * 2),
                "budget_type": np.repeat(["oprindeligt", "korrigeret"], n),
                "beloeb": np.concatenate([orig[live], corr[live]]),
            },
        )


def _split(rng, total: float, k: int) -> list[float]:
    if total <= 0:
        return []
    parts = rng.dirichlet(np.ones(int(k))) * total
    return [float(np.round(p, 2)) for p in parts]


def _random_day(rng, y: int, m: int) -> int:
    d = dt.date(y, m, int(rng.integers(1, 29)))
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return day(d)


def _last_weekday(y: int, m: int) -> int:
    d = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return day(d)


__all__ = ["Calendar"]
