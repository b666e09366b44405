"""The children of the municipality: birth, sex, CPR number, district, household and planted traits.

One CPR number per child is used in every extract (both spellings occur), so the landing step's
pseudonym links the child across systems. Parents get CPR numbers of their own (born 1965-2000).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from boernedata.generate.timeline import EPOCH, Calendar, calendar_year, day

MOD11_WEIGHTS = np.array([4, 3, 2, 7, 6, 5, 4, 3, 2, 1])
MOD11_FAIL_SHARE = 0.04  # numbers issued since 2007 that fail the old check: valid, and must land

# Planted absence rate ratios (truth file): household factors multiply a pupil's absence propensity.
RATE_RATIO = {"parents_apart": 1.6, "parent_unknown": 1.8, "no_parent_in_work": 1.7}
# Causes behind high absence, each a multiplier plus signals in other extracts (see truth.py).
CAUSE_MULTIPLIER = {"bilingual": 1.5, "substance_abuse": 3.0, "wellbeing": 2.6, "academic": 2.0}


def cpr_numbers(
    rng: np.random.Generator, birth: np.ndarray, male: np.ndarray, century2000: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Unique CPR numbers (plain, dashed) for birth days (day numbers) and sexes.

    The 7th digit encodes the century (docs/raw_extracts.md, "Conventions"): 4-9 for 2000-2036 births (we draw
    4-8, valid up to YY <= 57), 0-3 for the 1900s. Most numbers pass modulus 11, a few do not (allowed
    since 2007).
    """
    n = len(birth)
    dates = (birth.astype("datetime64[D]")).astype(object)
    ddmmyy = np.array([f"{d.day:02d}{d.month:02d}{d.year % 100:02d}" for d in dates], dtype="U6")
    prefix_digits = np.array([[int(c) for c in s] for s in ddmmyy], dtype=np.int64).reshape(n, 6)
    serial = np.zeros((n, 4), dtype=np.int64)
    todo = np.arange(n)
    fail = rng.random(n) < MOD11_FAIL_SHARE
    used: set[str] = set()
    out = np.empty(n, dtype="U10")
    yy = prefix_digits[:, 4] * 10 + prefix_digits[:, 5]
    for attempt in range(200):
        if not len(todo):
            break
        if attempt == 20:  # a crowded birthday: the serials passing modulus 11 run out (as in 2007)
            fail[todo] = True
        k = len(todo)
        if century2000:
            d7 = rng.integers(4, 9, k)
        else:  # 0-3 always mean the 1900s; 4 and 9 do too for years 37-99
            d7 = np.where(
                yy[todo] >= 37, np.array([0, 1, 2, 3, 4, 9])[rng.integers(0, 6, k)], rng.integers(0, 4, k)
            )
        d89 = rng.integers(0, 100, k)
        serial[todo, 0], serial[todo, 1], serial[todo, 2] = d7, d89 // 10, d89 % 10
        s9 = (prefix_digits[todo] * MOD11_WEIGHTS[:6]).sum(1) + (serial[todo, :3] * MOD11_WEIGHTS[6:9]).sum(1)
        check = (11 - s9 % 11) % 11  # the last digit that makes the weighted sum divisible by 11
        parity = male[todo].astype(np.int64)
        random_last = rng.integers(0, 5, k) * 2 + parity
        last = np.where(fail[todo], random_last, check)
        ok = (last < 10) & (last % 2 == parity)
        ok &= np.where(fail[todo], (s9 + last) % 11 != 0, True)
        serial[todo, 3] = last
        keep = []
        for j, i in enumerate(todo):
            if not ok[j]:
                keep.append(i)
                continue
            num = ddmmyy[i] + "".join(str(x) for x in serial[i])
            if num in used:
                keep.append(i)
                continue
            used.add(num)
            out[i] = num
        todo = np.array(keep, dtype=np.int64)
    if len(todo):
        raise RuntimeError("could not draw unique CPR numbers")
    dashed = np.char.add(np.char.add(np.char.ljust(out, 6).astype("U6"), "-"), np.array([x[6:] for x in out]))
    return out, dashed


@dataclass
class Population:
    birth: np.ndarray  # day number
    male: np.ndarray
    district: np.ndarray
    cpr: np.ndarray  # plain DDMMYYSSSS
    cpr_dash: np.ndarray  # DDMMYY-SSSS
    bilingual: np.ndarray
    substance_abuse: np.ndarray  # substance abuse in the home
    low_wellbeing: np.ndarray
    academic: np.ndarray  # academic difficulties
    parents_apart: np.ndarray
    parent_unknown: np.ndarray  # father unknown
    no_parent_in_work: np.ndarray
    ability: np.ndarray  # latent school performance, standard normal
    wellbeing: np.ndarray  # latent wellbeing, standard normal
    absence_propensity: np.ndarray  # pupil-level absence rate before grade and school effects
    mother_cpr: np.ndarray
    father_cpr: np.ndarray
    mother_status: np.ndarray  # employment status index into EMPLOYMENT
    father_status: np.ndarray
    defer_school: np.ndarray  # starts school a year late
    municipal_school: np.ndarray  # attends a municipal school (else private, not in our data)
    _spellings: pa.Array | None = field(default=None, repr=False)  # cpr then cpr_dash, built on first use

    @property
    def n(self) -> int:
        return len(self.birth)

    def cpr_mixed(self, rng: np.random.Generator, idx: np.ndarray) -> pa.Array:
        """Both spellings occur, even in one file: taken from the two spellings of every person (Arrow's
        take on a table built once, not a numpy string array per call)."""
        dash = rng.random(len(idx)) < 0.5
        if self._spellings is None:
            self._spellings = pa.array(np.concatenate([self.cpr, self.cpr_dash]), pa.string())
        return self._spellings.take(pa.array(np.asarray(idx, np.int64) + dash * len(self.cpr)))


EMPLOYMENT = ("beskaeftiget", "ledig", "kontanthjaelp", "uden_for_arbejdsstyrken")


def make_population(rng: np.random.Generator, scale, cal: Calendar) -> Population:
    last_year = cal.last.year
    first_birth = day(dt.date(cal.first.year - 16, 1, 1))
    last_birth = day(cal.last) - 150
    years = (last_birth - first_birth) / 365.25
    n = int(scale.cohort * years)
    birth = np.sort(rng.integers(first_birth, last_birth + 1, n))
    male = rng.random(n) < 0.512
    district = rng.integers(0, scale.districts, n)
    plain, dashed = cpr_numbers(rng, birth, male, century2000=True)

    bilingual = rng.random(n) < 0.17
    substance = rng.random(n) < 0.035
    low_wb = rng.random(n) < 0.08
    academic = rng.random(n) < 0.10
    apart = rng.random(n) < 0.30
    unknown = rng.random(n) < 0.03
    apart |= unknown
    # employment: mother and father independently, a little correlated through a household factor
    hh = rng.normal(0, 1, n)
    p_work = 1 / (1 + np.exp(-(2.0 + 0.8 * hh - 0.6 * bilingual)))
    mother_work = rng.random(n) < p_work
    father_work = rng.random(n) < p_work
    mother_status = np.where(mother_work, 0, rng.choice([1, 2, 3], n, p=[0.35, 0.35, 0.30]))
    father_status = np.where(father_work, 0, rng.choice([1, 2, 3], n, p=[0.40, 0.30, 0.30]))
    no_work = (mother_status != 0) & ((father_status != 0) | unknown)

    ability = rng.normal(0, 1, n) - 0.9 * academic - 0.25 * bilingual - 0.2 * substance
    wellbeing = rng.normal(0, 1, n) - 1.6 * low_wb - 0.4 * substance
    base = rng.gamma(0.75, 0.05, n)  # right-skewed: median well below the mean
    mult = np.ones(n)
    mult *= np.where(apart & ~unknown, RATE_RATIO["parents_apart"], 1.0)
    mult *= np.where(unknown, RATE_RATIO["parent_unknown"], 1.0)
    mult *= np.where(no_work, RATE_RATIO["no_parent_in_work"], 1.0)
    for name, flag in (
        ("bilingual", bilingual),
        ("substance_abuse", substance),
        ("wellbeing", low_wb),
        ("academic", academic),
    ):
        mult *= np.where(flag, CAUSE_MULTIPLIER[name], 1.0)
    propensity = base * mult

    parent_birth_m = birth - (rng.normal(30.5, 4.5, n) * 365.25).astype(np.int64)
    parent_birth_f = birth - (rng.normal(33, 5, n) * 365.25).astype(np.int64)
    lo, hi = day(dt.date(1965, 1, 1)), day(dt.date(1999, 12, 31))
    # out-of-range parent births are redrawn uniformly (clipping would pile them on one day)
    parent_birth_m = np.where(
        (parent_birth_m < lo) | (parent_birth_m > hi), rng.integers(lo, hi, n), parent_birth_m
    )
    parent_birth_f = np.where(
        (parent_birth_f < lo) | (parent_birth_f > hi), rng.integers(lo, hi, n), parent_birth_f
    )
    mother, _ = cpr_numbers(rng, parent_birth_m, np.zeros(n, bool), century2000=False)
    father, _ = cpr_numbers(rng, parent_birth_f, np.ones(n, bool), century2000=False)
    del last_year
    return Population(
        birth=birth,
        male=male,
        district=district,
        cpr=plain,
        cpr_dash=dashed,
        bilingual=bilingual,
        substance_abuse=substance,
        low_wellbeing=low_wb,
        academic=academic,
        parents_apart=apart,
        parent_unknown=unknown,
        no_parent_in_work=no_work,
        ability=ability,
        wellbeing=wellbeing,
        absence_propensity=propensity,
        mother_cpr=mother,
        father_cpr=father,
        mother_status=mother_status,
        father_status=father_status,
        defer_school=rng.random(n) < 0.06,
        municipal_school=rng.random(n) < 0.84,
    )


def birth_year(pop: Population) -> np.ndarray:
    return calendar_year(pop.birth)


__all__ = ["EMPLOYMENT", "EPOCH", "Population", "birth_year", "make_population"]
