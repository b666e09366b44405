"""Restricted cross-sector data: notifications, PPR referrals and measures (social/underretninger, social/ppr,
social/foranstaltninger), parents and household (beskaeftigelse/foraeldre). Planted signals: substance abuse
at home shows as `misbrug` notifications and preventive measures, low wellbeing and academic difficulties as
PPR referrals, high absence as `fravaer` notifications."""

from __future__ import annotations

import datetime as dt

import numpy as np

from boernedata.generate.institutions import snapshot_dates
from boernedata.generate.population import EMPLOYMENT, Population
from boernedata.generate.timeline import Calendar, day

NULL_DAY = -(10**7)
REPORTERS = np.array(["skole", "dagtilbud", "sundhed", "politi", "anonym", "andet"])
REASONS = np.array(["fravaer", "omsorgssvigt", "vold", "misbrug", "trivsel", "andet"])


def _age_years(pop: Population, d: int) -> np.ndarray:
    return (d - pop.birth) / 365.25


def _days_in(rng, lo: int, hi: int, k: int) -> np.ndarray:
    return rng.integers(lo, hi + 1, k)


def write_notifications(w, rng, pop: Population, cal: Calendar) -> None:
    for y in range(cal.first.year, cal.last.year + 1):
        lo, hi = max(day(dt.date(y, 1, 1)), day(cal.first)), min(day(dt.date(y, 12, 31)), day(cal.last))
        age = _age_years(pop, hi)
        alive = (age >= 0) & (age < 18)
        high_abs = pop.absence_propensity > 0.12
        p = 0.035 * np.where(pop.substance_abuse, 6, 1) * np.where(pop.low_wellbeing, 2, 1)
        p = p * np.where(high_abs & (age >= 6), 2.2, 1) * np.where(pop.no_parent_in_work, 1.6, 1)
        p = p * (hi - lo + 1) / 365
        kids = np.flatnonzero(alive & (rng.random(pop.n) < np.minimum(p, 0.9)))
        count = 1 + rng.poisson(0.75, len(kids))
        child = np.repeat(kids, count)
        k = len(child)
        school_age = _age_years(pop, hi)[child] >= 6
        rep_p = np.where(
            school_age[:, None], [0.24, 0.02, 0.2, 0.2, 0.14, 0.2], [0.0, 0.2, 0.3, 0.2, 0.1, 0.2]
        )
        reporter = REPORTERS[(rng.random(k)[:, None] > np.cumsum(rep_p, axis=1)).sum(axis=1).clip(0, 5)]
        reason = REASONS[rng.choice(6, k, p=[0.08, 0.35, 0.15, 0.07, 0.15, 0.20])]
        reason = np.where(pop.substance_abuse[child] & (rng.random(k) < 0.6), "misbrug", reason)
        abs_reason = high_abs[child] & school_age & (rng.random(k) < 0.45)
        reason = np.where(abs_reason, "fravaer", reason)
        reporter = np.where(abs_reason, "skole", reporter)
        reason = np.where((reason == "fravaer") & ~school_age, "omsorgssvigt", reason)
        received = _days_in(rng, lo, hi, k)
        received = np.maximum(received, pop.birth[child] + 1)
        order = np.argsort(received, kind="stable")
        w.csv(
            "social/underretninger",
            str(y),
            {
                "cpr": pop.cpr_mixed(rng, child[order]),
                "received_date": received[order],
                "reporter_category": reporter[order],
                "reason_category": reason[order],
            },
        )


def write_ppr(w, rng, pop: Population, cal: Calendar) -> None:
    for y in range(cal.first.year, cal.last.year + 1):
        lo, hi = max(day(dt.date(y, 1, 1)), day(cal.first)), min(day(dt.date(y, 12, 31)), day(cal.last))
        age = _age_years(pop, hi)
        p = (
            0.025
            * np.where(pop.academic, 4, 1)
            * np.where(pop.low_wellbeing, 3, 1)
            * np.where(pop.bilingual, 1.4, 1)
        )
        kids = np.flatnonzero(
            (age >= 2) & (age < 17) & (rng.random(pop.n) < np.minimum(p * (hi - lo + 1) / 365, 0.9))
        )
        k = len(kids)
        reason = np.array(["adfaerd", "andet"])[rng.integers(0, 2, k)]
        reason = np.where(pop.bilingual[kids] & (rng.random(k) < 0.5), "sprog", reason)
        reason = np.where(pop.academic[kids] & (rng.random(k) < 0.7), "indlaering", reason)
        reason = np.where(pop.low_wellbeing[kids] & (rng.random(k) < 0.7), "trivsel", reason)
        ref = _days_in(rng, lo, hi, k)
        status = np.where(ref < hi - 180, np.where(rng.random(k) < 0.85, "afsluttet", "aaben"), "aaben")
        order = np.argsort(ref, kind="stable")
        w.csv(
            "social/ppr",
            str(y),
            {
                "cpr": pop.cpr_mixed(rng, kids[order]),
                "referral_date": ref[order],
                "reason": reason[order],
                "status": status[order],
            },
        )


def write_measures(w, rng, pop: Population, cal: Calendar) -> None:
    p = np.where(pop.substance_abuse, 0.45, 0.015) + np.where(pop.low_wellbeing, 0.02, 0)
    kids = np.flatnonzero(rng.random(pop.n) < p)
    k = len(kids)
    kind = np.where(rng.random(k) < 0.2, "anbringelse", "forebyggende")
    lo = day(cal.first) - 3 * 365
    start = np.maximum(_days_in(rng, lo, day(cal.last), k), pop.birth[kids] + 30)
    end = np.where(rng.random(k) < 0.6, start + rng.integers(180, 720, k), NULL_DAY)
    for snap in snapshot_dates(cal):
        s = day(snap)
        m = (start <= s) & ((end == NULL_DAY) | (end >= s - 5 * 365))
        shown_end = np.where((end != NULL_DAY) & (end <= s), end, NULL_DAY)
        w.csv(
            "social/foranstaltninger",
            snap.isoformat(),
            {
                "cpr": pop.cpr_mixed(rng, kids[m]),
                "measure_type": kind[m],
                "start_date": start[m],
                "end_date": shown_end[m],
            },
        )


def write_parents(w, rng, pop: Population, cal: Calendar) -> None:
    """One row per child per parent each month. An unknown father has an empty parent_cpr (his employment
    status is then recorded as `uden_for_arbejdsstyrken` by the source; the truth file says so)."""
    lives_with_mother = ~pop.parents_apart | (rng.random(pop.n) < 0.8)
    lives_with_father = ~pop.parents_apart | ~lives_with_mother
    lives_with_father &= ~pop.parent_unknown
    emp = np.array(EMPLOYMENT)

    def dashed(c: np.ndarray) -> np.ndarray:
        return np.char.add(np.char.add(c.astype("U6"), "-"), np.array([x[6:] for x in c], dtype="U4"))

    mother_dash, father_dash = dashed(pop.mother_cpr), dashed(pop.father_cpr)
    for y, m in cal.months():
        age = _age_years(pop, day(dt.date(y, m, 1)))
        alive = np.flatnonzero((age >= 0) & (age < 18))
        for b in range(0, len(alive), 400_000):  # appended in chunks: bounded memory
            kids = alive[b : b + 400_000]
            n = len(kids)
            child = np.repeat(kids, 2)
            rel = np.tile(np.array(["mor", "far"]), n)
            father = rel == "far"
            dash = rng.random(2 * n) < 0.5
            mother = np.where(dash, mother_dash[child], pop.mother_cpr[child])
            parent = np.where(father, np.where(dash, father_dash[child], pop.father_cpr[child]), mother)
            parent = np.where(father & pop.parent_unknown[child], "", parent)
            lives = np.where(father, lives_with_father[child], lives_with_mother[child])
            status = np.where(father, pop.father_status[child], pop.mother_status[child])
            status = np.where(father & pop.parent_unknown[child], 3, status)
            w.csv(
                "beskaeftigelse/foraeldre",
                f"{y:04d}-{m:02d}",
                {
                    "child_cpr": pop.cpr_mixed(rng, child),
                    "parent_cpr": parent,
                    "relation": rel,
                    "lives_with_child": lives,
                    "employment_status": emp[status],
                },
                append=True,
            )
