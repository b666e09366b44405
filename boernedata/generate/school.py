"""School extracts: enrollments (skoleadm/elever), absence (skoleadm/fravaer), the calendar
(skoleadm/skolekalender), national tests (nationaletest/resultater), the wellbeing survey (trivsel/svar),
leaving exams (prover/karakterer), health measurements (sundhed/maalinger) and language assessments
(kbhbarn/sprogvurdering)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from boernedata.contracts import school_year_token
from boernedata.generate.enrollments import OPEN_END, SchoolSpells, Spells
from boernedata.generate.institutions import Institutions, snapshot_dates
from boernedata.generate.population import Population
from boernedata.generate.timeline import Calendar, by_calendar_year, day

NULL_DAY = -(10**7)
SNAPSHOT_CHUNK = 500_000  # rows formatted at a time in the full-snapshot files
TYPE_SHARES = {  # sick / authorized / unauthorized shares of a pupil's absent days
    "base": (0.66, 0.25, 0.09),
    "bilingual": (0.48, 0.42, 0.10),
    "substance_abuse": (0.40, 0.15, 0.45),
    "wellbeing": (0.62, 0.10, 0.28),
    "academic": (0.56, 0.16, 0.28),
}
EXAMS = (
    ("DA_LAES", 5, 6),
    ("DA_RET", 5, 7),
    ("DA_SKR", 5, 8),
    ("MA_UDEN", 5, 12),
    ("MA_MED", 5, 13),
    ("DA_MDT", 6, 10),
    ("EN_MDT", 6, 14),
    ("FKBG", 5, 20),
)
OPTIONAL_EXAMS = (("HI_MDT", 6, 16), ("TY_SKR", 5, 22), ("KRI_MDT", 6, 18))
STEP_SCALE = np.array([-3, 0, 2, 4, 7, 10, 12])
STEP_TEXT = np.array(["-3", "00", "02", "4", "7", "10", "12"])


def phi(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))


def ramp(cal: Calendar, days: np.ndarray) -> np.ndarray:
    """0 before the last three half-years of the window, rising to 1 at its end (deterioration)."""
    last = cal.last
    h_start = dt.date(last.year, 1 if last.month <= 6 else 7, 1)
    t0 = day(dt.date(h_start.year - 1, h_start.month, 1))
    return np.clip((days - t0) / max(day(last) - t0, 1), 0, 1)


def write_calendar(w, cal: Calendar) -> None:
    for y in cal.school_years():
        lo, hi = day(dt.date(y, 8, 1)), day(dt.date(y + 1, 7, 31))
        m = cal.school_day & (cal.days >= lo) & (cal.days <= hi)
        if m.any():
            w.csv("skoleadm/skolekalender", school_year_token(y), {"date": cal.days[m]})


def write_enrollments(w, rng, pop: Population, inst: Institutions, ss: SchoolSpells, cal: Calendar) -> None:
    for snap in snapshot_dates(cal):
        s = day(snap)
        rows = np.flatnonzero(ss.start <= s)
        for b in range(0, len(rows), SNAPSHOT_CHUNK):  # appended in chunks: bounded memory
            m = rows[b : b + SNAPSHOT_CHUNK]
            end = np.where(ss.end[m] <= s, ss.end[m], NULL_DAY)
            w.csv(
                "skoleadm/elever",
                snap.isoformat(),
                {
                    "cpr": pop.cpr_mixed(rng, ss.child[m]),
                    "school_id": inst.ids[ss.school[m]],
                    "grade": ss.grade[m],
                    "class_id": ss.class_id[m],
                    "class_type": ss.class_type[m],
                    "start_date": ss.start[m],
                    "end_date": end,
                },
                append=True,
            )


def write_leisure_daycare_enrollments(w, rng, pop: Population, inst: Institutions, sp: Spells, cal) -> None:
    from boernedata.generate.enrollments import PLACE_TYPES

    for snap in snapshot_dates(cal):
        s = day(snap)
        rows = np.flatnonzero(sp.start <= s)
        for b in range(0, len(rows), SNAPSHOT_CHUNK):
            m = rows[b : b + SNAPSHOT_CHUNK]
            end = np.where(sp.end[m] <= s, sp.end[m], NULL_DAY)
            w.csv(
                "kbhbarn/indskrivninger",
                snap.isoformat(),
                {
                    "cpr": pop.cpr_mixed(rng, sp.child[m]),
                    "institution_id": inst.ids[sp.inst[m]],
                    "group_name": sp.group[m],
                    "place_type": np.array(PLACE_TYPES)[sp.place[m]],
                    "start_date": sp.start[m],
                    "end_date": end,
                },
                append=True,
            )


def pupil_type_shares(pop: Population) -> np.ndarray:
    shares = np.tile(np.array(TYPE_SHARES["base"]), (pop.n, 1))
    for name, flag in (
        ("academic", pop.academic),
        ("bilingual", pop.bilingual),
        ("wellbeing", pop.low_wellbeing),
        ("substance_abuse", pop.substance_abuse),
    ):
        shares[flag] = TYPE_SHARES[name]
    return shares


def grade_factor(grade: np.ndarray) -> np.ndarray:
    return 0.72 + 0.065 * grade  # absence rises with grade


def absence_probability(
    pop, inst, ss: SchoolSpells, cal: Calendar, e: np.ndarray, di: np.ndarray
) -> np.ndarray:
    child = ss.child[e]
    p = pop.absence_propensity[child] * grade_factor(ss.grade[e])
    season = np.array([1, 1.25, 1.2, 1.1, 1.0, 0.95, 0.9, 0.85, 0.85, 0.95, 1.05, 1.1, 1.2])
    p = p * season[cal.month[di]]
    det = inst.deteriorating[ss.school[e]]
    p = np.where(det, p * (1 + 0.9 * ramp(cal, cal.days[di])), p)
    return np.minimum(p, 0.85)


def write_absence_month(
    w, rng, pop: Population, inst: Institutions, ss: SchoolSpells, cal: Calendar, y: int, m: int
) -> None:
    """One month's absence registrations (a month without school days has no file). Each month draws from
    its own random stream, so months can be generated in any order or in parallel."""
    shares = np.cumsum(pupil_type_shares(pop), axis=1)
    sl = cal.month_slice(y, m)
    days = np.arange(sl.start, sl.stop)
    days = days[cal.school_day[days]]
    if not len(days):
        return
    lo, hi = cal.days[days[0]], cal.days[days[-1]]
    act = np.flatnonzero((ss.start <= hi) & (ss.end >= lo))
    cols: dict[str, list] = {k: [] for k in ("e", "d", "t", "at")}
    for b in range(0, len(act), 100_000):
        batch = act[b : b + 100_000]
        e = np.repeat(batch, len(days))
        di = np.tile(days, len(batch))
        dn = cal.days[di]
        keep = (dn >= ss.start[e]) & (dn <= ss.end[e])
        e, di, dn = e[keep], di[keep], dn[keep]
        p = absence_probability(pop, inst, ss, cal, e, di)
        absent = rng.random(len(e)) < p
        e, di, dn = e[absent], di[absent], dn[absent]
        u = rng.random(len(e))
        sh = shares[ss.child[e]]
        t = np.where(u < sh[:, 0], 0, np.where(u < sh[:, 1], 1, 2))
        at = dn * 86400 + rng.integers(8 * 3600 + 5 * 60, 9 * 3600 + 40 * 60, len(e))
        # corrections: a day first registered as unauthorized, later changed when parents call in
        corr = np.flatnonzero(rng.random(len(e)) < 0.04)
        first_t = t.copy()
        first_t[corr] = 2
        new_t = np.where(t[corr] == 2, 0, t[corr])
        later = at[corr] + rng.integers(1, 8, len(corr)) * 86400 + rng.integers(3600, 6 * 3600, len(corr))
        cols["e"] += [e, e[corr]]
        cols["d"] += [dn, dn[corr]]
        cols["t"] += [first_t, new_t]
        cols["at"] += [at, later]
    if not cols["e"]:
        return
    e, dn, t, at = (np.concatenate(cols[k]) for k in ("e", "d", "t", "at"))
    order = np.lexsort((at, dn, ss.school[e]))
    e, dn, t, at = e[order], dn[order], t[order], at[order]
    w.csv(
        "skoleadm/fravaer",
        f"{y:04d}-{m:02d}",
        {
            "cpr": pop.cpr_mixed(rng, ss.child[e]),
            "school_id": inst.ids[ss.school[e]],
            "date": dn,
            "absence_type": np.array(["S", "L", "U"])[t],
            "registered_at": at,
        },
    )


def enrolled_on(ss: SchoolSpells, d: int) -> np.ndarray:
    return np.flatnonzero((ss.start <= d) & (ss.end >= d))


def _school_day_between(rng, cal: Calendar, lo: dt.date, hi: dt.date, k: int) -> np.ndarray:
    m = cal.school_day & (cal.days >= day(lo)) & (cal.days <= day(hi))
    cand = cal.days[m]
    if not len(cand):
        return np.full(k, NULL_DAY)
    return cand[rng.integers(0, len(cand), k)]


def write_tests(w, rng, pop: Population, inst: Institutions, ss: SchoolSpells, cal: Calendar) -> None:
    plan = (("dansk_laesning", (2, 4, 6, 8)), ("matematik", (3, 6, 8)))
    for y in cal.school_years():
        if day(dt.date(y + 1, 2, 1)) > day(cal.last):
            continue
        cols = {k: [] for k in ("cpr", "school_id", "grade", "subject", "test_date", "score", "level")}
        for subject, grades in plan:
            test_day = _school_day_between(rng, cal, dt.date(y + 1, 1, 15), dt.date(y + 1, 4, 25), 1)[0]
            if test_day == NULL_DAY:
                continue
            e = enrolled_on(ss, test_day)
            e = e[np.isin(ss.grade[e], grades)]
            e = e[(ss.class_type[e] == "normal") | (rng.random(len(e)) < 0.4)]  # exemptions
            e = e[rng.random(len(e)) < 0.95]  # absent on test day
            z = 0.85 * pop.ability[ss.child[e]] + rng.normal(0, 0.5, len(e))
            score = np.clip(np.round(phi(z / 0.99) * 100), 1, 100).astype(int)
            level = 1 + np.searchsorted(np.array([8, 18, 32, 62, 87]), score, side="left")
            dates = test_day + rng.integers(0, 15, len(e))
            cols["cpr"].append(pop.cpr_mixed(rng, ss.child[e]))
            cols["school_id"].append(inst.ids[ss.school[e]])
            cols["grade"].append(ss.grade[e])
            cols["subject"].append(np.full(len(e), subject))
            cols["test_date"].append(dates)
            cols["score"].append(score)
            cols["level"].append(level)
        if cols["cpr"]:
            w.csv(
                "nationaletest/resultater",
                school_year_token(y),
                {k: np.concatenate(v) for k, v in cols.items()},
            )


ITEM_MEANS_49 = np.array([4.15] * 8 + [3.9] * 7 + [3.5] * 8 + [3.75] * 6 + [3.7] * 11)


def write_wellbeing(w, rng, pop: Population, inst: Institutions, ss: SchoolSpells, cal: Calendar) -> None:
    for y in range(cal.first.year, cal.last.year + 1):
        survey_day = day(dt.date(y, 2, 1))
        if survey_day < day(cal.first) or survey_day > day(cal.last):
            continue
        pupils = enrolled_on(ss, survey_day)
        # written in chunks of pupils appended to the year's file: bounded memory at national scale
        for b in range(0, len(pupils), 40_000):
            _wellbeing_chunk(w, rng, pop, inst, ss, cal, pupils[b : b + 40_000], survey_day, str(y))


def _wellbeing_chunk(
    w, rng, pop, inst, ss: SchoolSpells, cal: Calendar, e, survey_day: int, period: str
) -> None:
    high = pop.absence_propensity[ss.child[e]] > 0.12
    e = e[rng.random(len(e)) < np.where(high, 0.75, 0.9)]
    grade = ss.grade[e]
    wb = pop.wellbeing[ss.child[e]] + rng.normal(0, 0.3, len(e))
    wb = np.where(inst.deteriorating[ss.school[e]], wb - 1.0 * ramp(cal, np.full(len(e), survey_day)), wb)
    cols = {k: [] for k in ("cpr", "school_id", "grade", "survey_version", "question_no", "answer")}
    for version, nq, sel in (("0-3", 20, grade <= 3), ("4-9", 40, (grade >= 4) & (grade <= 9))):
        idx = np.flatnonzero(sel)
        if not len(idx):
            continue
        k = len(idx)
        if version == "4-9":
            mu = ITEM_MEANS_49[None, :] + 0.55 * wb[idx, None]
            ans = np.clip(np.round(mu + rng.normal(0, 0.8, (k, nq))), 1, 5)
        else:
            mu = 2.45 + 0.35 * wb[idx, None]
            ans = np.clip(np.round(mu + rng.normal(0, 0.55, (k, nq))), 1, 3)
        ans[rng.random((k, nq)) < 0.03] = np.nan  # not answered
        child = np.repeat(ss.child[e][idx], nq)
        cols["cpr"].append(pop.cpr_mixed(rng, child))
        cols["school_id"].append(np.repeat(inst.ids[ss.school[e][idx]], nq))
        cols["grade"].append(np.repeat(grade[idx], nq))
        cols["survey_version"].append(np.full(k * nq, version))
        cols["question_no"].append(np.tile(np.arange(1, nq + 1), k))
        cols["answer"].append(ans.ravel())
    if cols["cpr"]:
        w.csv("trivsel/svar", period, {k: np.concatenate(v) for k, v in cols.items()}, append=True)


def write_exams(w, rng, pop: Population, inst: Institutions, ss: SchoolSpells, cal: Calendar) -> None:
    for y in cal.school_years():
        exam_day = day(dt.date(y + 1, 5, 2))
        if exam_day > day(cal.last):
            continue
        e = enrolled_on(ss, exam_day)
        e = e[ss.grade[e] == 9]
        e = e[(ss.class_type[e] == "normal") | (rng.random(len(e)) < 0.3)]
        cols = {k: [] for k in ("cpr", "school_id", "exam_code", "grade", "exam_date")}
        ability = pop.ability[ss.child[e]]
        for code, month, dom in EXAMS + OPTIONAL_EXAMS:
            optional = (code, month, dom) in OPTIONAL_EXAMS
            take = rng.random(len(e)) < (0.3 if optional else 0.975)
            ee = e[take]
            z = 0.8 * ability[take] + rng.normal(0, 0.6, len(ee))
            g = 7.65 + 2.7 * z
            step = np.abs(g[:, None] - STEP_SCALE[None, :]).argmin(axis=1)
            base = day(dt.date(y + 1, month, dom))
            dates = base + (rng.integers(0, 10, len(ee)) if month == 6 else np.zeros(len(ee), np.int64))
            cols["cpr"].append(pop.cpr_mixed(rng, ss.child[ee]))
            cols["school_id"].append(inst.ids[ss.school[ee]])
            cols["exam_code"].append(np.full(len(ee), code))
            cols["grade"].append(STEP_TEXT[step])
            cols["exam_date"].append(dates)
            # a few re-sit an oral exam later in June: the latest exam_date counts
            re = np.flatnonzero(rng.random(len(ee)) < 0.005)
            if len(re) and month == 6:
                cols["cpr"].append(pop.cpr_mixed(rng, ss.child[ee[re]]))
                cols["school_id"].append(inst.ids[ss.school[ee[re]]])
                cols["exam_code"].append(np.full(len(re), code))
                cols["grade"].append(STEP_TEXT[np.minimum(step[re] + 1, 6)])
                cols["exam_date"].append(dates[re] + 12)
        if cols["cpr"]:
            w.csv("prover/karakterer", school_year_token(y), {k: np.concatenate(v) for k, v in cols.items()})


def write_health(w, rng, pop: Population, inst: Institutions, ss: SchoolSpells, cal: Calendar) -> None:
    """Height and weight at school start (grade 0, autumn) and school end (grade 9, winter)."""
    rows = {k: [] for k in ("child", "school", "date")}
    for y in cal.school_years():
        for grade, lo, hi in (
            (0, dt.date(y, 9, 1), dt.date(y, 11, 30)),
            (9, dt.date(y + 1, 1, 5), dt.date(y + 1, 3, 31)),
        ):
            if day(lo) > day(cal.last):
                continue
            e = enrolled_on(ss, day(lo))
            e = e[(ss.grade[e] == grade) & (rng.random(len(e)) < 0.93)]
            rows["child"].append(ss.child[e])
            rows["school"].append(ss.school[e])
            rows["date"].append(_school_day_between(rng, cal, lo, min(hi, cal.last), len(e)))
    child, school, date = (np.concatenate(rows[k]) for k in ("child", "school", "date"))
    ok = date != NULL_DAY
    child, school, date = child[ok], school[ok], date[ok]
    age = (date - pop.birth[child]) / 365.25
    male = pop.male[child]
    h_mean = np.where(male, 80 + 6.4 * age, 79 + 6.0 * age)
    h_mean = np.where(age > 12, np.where(male, 155 + 6 * (age - 12), 152 + 4 * (age - 12)), h_mean)
    height = h_mean + rng.normal(0, 5.5, len(child))
    bmi_med = 15.3 + np.maximum(age - 6, 0) * 0.55
    bmi = bmi_med * np.exp(rng.normal(0, 0.12, len(child)) + rng.gamma(1.2, 0.06, len(child)) - 0.06)
    weight = bmi * (height / 100) ** 2
    for y, m in by_calendar_year(date):
        w.csv(
            "sundhed/maalinger",
            str(y),
            {
                "cpr": pop.cpr_mixed(rng, child[m]),
                "school_id": inst.ids[school[m]],
                "measurement_date": date[m],
                "height_cm": height[m],
                "weight_kg": weight[m],
            },
        )


def write_language(
    w, rng, pop: Population, inst: Institutions, sp: Spells, ss: SchoolSpells, cal: Calendar
) -> None:
    """3-year assessments in daycare and `skolestart` assessments in børnehaveklasse (at the school)."""
    rows = {k: [] for k in ("child", "inst", "date", "type")}
    daycare = inst.sector[sp.inst] == "dagtilbud"
    at3 = pop.birth[sp.child] + 1096 + rng.integers(20, 120, len(sp.child))
    m = (
        daycare
        & (at3 >= sp.start)
        & (at3 <= np.minimum(sp.end, day(cal.last)))
        & (rng.random(len(at3)) < 0.9)
    )
    m &= cal.open[np.clip(at3 - cal.day0, 0, len(cal.days) - 1)]
    rows["child"].append(sp.child[m])
    rows["inst"].append(sp.inst[m])
    rows["date"].append(at3[m])
    rows["type"].append(np.full(m.sum(), "3aar"))
    for y in cal.school_years():
        lo = dt.date(y, 8, 15)
        if day(lo) > day(cal.last):
            continue
        e = enrolled_on(ss, day(lo))
        e = e[(ss.grade[e] == 0) & (rng.random(len(e)) < 0.95)]
        rows["child"].append(ss.child[e])
        rows["inst"].append(ss.school[e])
        rows["date"].append(_school_day_between(rng, cal, lo, min(dt.date(y, 10, 31), cal.last), len(e)))
        rows["type"].append(np.full(len(e), "skolestart"))
    child, ins, date, typ = (np.concatenate(rows[k]) for k in ("child", "inst", "date", "type"))
    ok = date != NULL_DAY
    child, ins, date, typ = child[ok], ins[ok], date[ok], typ[ok]
    u = rng.random(len(child))
    bil = pop.bilingual[child]
    p_gen = np.where(bil, 0.48, 0.84) + np.where(typ == "skolestart", 0.05, 0)
    p_fok = p_gen + np.where(bil, 0.28, 0.08)
    result = np.where(u < p_gen, "generel", np.where(u < p_fok, "fokuseret", "saerlig"))
    for y, m in by_calendar_year(date):
        w.csv(
            "kbhbarn/sprogvurdering",
            str(y),
            {
                "cpr": pop.cpr_mixed(rng, child[m]),
                "institution_id": inst.ids[ins[m]],
                "assessment_date": date[m],
                "assessment_type": typ[m],
                "result_group": result[m],
            },
        )


__all__ = ["OPEN_END"]
