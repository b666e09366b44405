"""Who is where when: daycare, leisure and school enrollments (the skeleton every other extract hangs on).

Children age through the system: dagpleje/vuggestue/integreret from about 6-13 months, børnehave (or the
same integreret house) from about 2 years 10 months, school grade 0 in the August of the year they turn 6
(a few a year later), SFO/fritidshjem in grades 0-3 and klub in grades 4-6. Some children move.
The synthetic source systems went live on the window's first day: enrollments start no earlier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from boernedata.generate.institutions import Institutions
from boernedata.generate.population import Population, birth_year
from boernedata.generate.timeline import Calendar, day

PLACE_TYPES = ("fuldtid", "deltid30", "deltid25")
PLACE_FACTOR = np.array([1.0, 30 / 51.5, 25 / 51.5])
GROUPS_UNDER3 = ("Myrestuen", "Bistuen", "Sommerfuglestuen", "Mariehønen")
GROUPS_OVER3 = ("Rævestuen", "Bjørnestuen", "Ugleredet", "Skovgruppen", "Ulvestuen")
OPEN_END = 10**7  # day sentinel: still enrolled


@dataclass
class Spells:
    """Daycare and leisure enrollments (indskrivninger)."""

    child: np.ndarray
    inst: np.ndarray
    start: np.ndarray
    end: np.ndarray  # inclusive; OPEN_END = still enrolled
    place: np.ndarray  # index into PLACE_TYPES
    group: np.ndarray  # group name


@dataclass
class SchoolSpells:
    child: np.ndarray
    school: np.ndarray
    year: np.ndarray  # school year start
    grade: np.ndarray
    class_id: np.ndarray
    class_type: np.ndarray
    start: np.ndarray
    end: np.ndarray


def _month_start_after(days: np.ndarray) -> np.ndarray:
    m = days.astype("datetime64[D]").astype("datetime64[M]")
    first = m.astype("datetime64[D]").astype(np.int64)
    return np.where(first < days, (m + 1).astype("datetime64[D]").astype(np.int64), first)


def _pick(rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    if not len(candidates):
        return np.full(k, -1)
    p = weights / weights.sum()
    return candidates[rng.choice(len(candidates), k, p=p)]


def school_start_year(pop: Population) -> np.ndarray:
    return birth_year(pop) + 6 + pop.defer_school


def make_daycare(rng: np.random.Generator, pop: Population, inst: Institutions, cal: Calendar) -> Spells:
    n = pop.n
    first, last = day(cal.first), day(cal.last)
    start = _month_start_after(pop.birth + rng.integers(185, 400, n))
    to3 = _month_start_after(pop.birth + 1034 + rng.integers(-20, 40, n))
    leave = np.array([day(dt.date(int(y), 7, 31)) for y in school_start_year(pop)])
    enrolled = (rng.random(n) < 0.93) & (leave >= first) & (start <= last)
    child, inst_i, s, e = [], [], [], []
    for d in range(int(pop.district.max()) + 1):
        kids = np.flatnonzero(enrolled & (pop.district == d))
        if not len(kids):
            continue
        under = inst.of_type("dagpleje", "vuggestue", "integreret", district=d)
        over = inst.of_type("boernehave", "integreret", district=d)
        u = _pick(rng, under, inst.size[under], len(kids))
        o = _pick(rng, over, inst.size[over], len(kids))
        stay = (inst.type[np.maximum(u, 0)] == "integreret") & (rng.random(len(kids)) < 0.7)
        o = np.where(stay, u, o)
        late = start[kids] >= to3[kids]  # started after the crèche age: straight to børnehave
        # crèche spell
        m = ~late & (u >= 0)
        child.append(kids[m])
        inst_i.append(u[m])
        s.append(start[kids][m])
        e.append(np.where(stay[m], leave[kids][m], to3[kids][m] - 1))
        # børnehave spell (the integreret stayers already run to school start)
        m = (late | ~stay) & (o >= 0)
        child.append(kids[m])
        inst_i.append(o[m])
        s.append(np.maximum(start[kids][m], to3[kids][m]))
        e.append(leave[kids][m])
    sp_child = np.concatenate(child)
    sp_inst = np.concatenate(inst_i)
    sp_start = np.concatenate(s)
    sp_end = np.concatenate(e)
    # some children move to another house mid-spell
    movers = np.flatnonzero((rng.random(len(sp_child)) < 0.07) & (sp_end - sp_start > 120))
    if len(movers):
        cut = (
            sp_start[movers]
            + (rng.random(len(movers)) * (sp_end[movers] - sp_start[movers] - 60)).astype(int)
            + 30
        )
        cut = _month_start_after(cut)
        new_inst = sp_inst[movers].copy()
        for j, mv in enumerate(movers):
            same = inst.of_type(inst.type[sp_inst[mv]], district=int(inst.district[sp_inst[mv]]))
            same = same[same != sp_inst[mv]]
            if len(same):
                new_inst[j] = same[rng.integers(len(same))]
        moved = new_inst != sp_inst[movers]
        movers, cut, new_inst = movers[moved], cut[moved], new_inst[moved]
        old_end = sp_end[movers].copy()
        sp_end[movers] = cut - 1
        sp_child = np.concatenate([sp_child, sp_child[movers]])
        sp_inst = np.concatenate([sp_inst, new_inst])
        sp_start = np.concatenate([sp_start, cut])
        sp_end = np.concatenate([sp_end, old_end])
    keep = (sp_end >= first) & (sp_start <= last) & (sp_end >= sp_start)
    keep &= sp_start >= inst.opened[sp_inst]
    sp_child, sp_inst, sp_start, sp_end = sp_child[keep], sp_inst[keep], sp_start[keep], sp_end[keep]
    sp_start = np.maximum(sp_start, first)
    sp_end = np.where(sp_end > last, OPEN_END, sp_end)
    place = rng.choice(3, len(sp_child), p=[0.88, 0.07, 0.05])
    place = np.where(inst.type[sp_inst] == "dagpleje", 0, place)
    under3 = (sp_start - pop.birth[sp_child]) < 1034
    names_u = np.array(GROUPS_UNDER3)[rng.integers(0, len(GROUPS_UNDER3), len(sp_child))]
    names_o = np.array(GROUPS_OVER3)[rng.integers(0, len(GROUPS_OVER3), len(sp_child))]
    group = np.where(under3, names_u, names_o)
    group = np.where(inst.type[sp_inst] == "dagpleje", "Dagplejen", group)
    order = np.lexsort((sp_start, sp_child))
    return Spells(sp_child[order], sp_inst[order], sp_start[order], sp_end[order], place[order], group[order])


def make_school(rng: np.random.Generator, pop: Population, inst: Institutions, cal: Calendar) -> SchoolSpells:
    first, last = day(cal.first), day(cal.last)
    s_year = school_start_year(pop)
    rows = {k: [] for k in ("child", "school", "year", "grade", "start", "end", "ctype")}
    n = pop.n
    special = (rng.random(n) < 0.02) | (pop.academic & (rng.random(n) < 0.06))
    home = np.full(n, -1)
    for d in range(int(pop.district.max()) + 1):
        kids = np.flatnonzero(pop.district == d)
        schools = inst.of_type("folkeskole", district=d)
        specials = inst.of_type("specialskole", district=d)
        if not len(specials):
            specials = inst.of_type("specialskole")
        home[kids] = schools[rng.integers(0, len(schools), len(kids))]
        sk = kids[special[kids]]
        home[sk] = specials[rng.integers(0, len(specials), len(sk))]
    for y in cal.school_years():
        grade = y - s_year
        kids = np.flatnonzero((grade >= 0) & (grade <= 9) & pop.municipal_school)
        # a few change school at the start of a year (no effect on absence is planted)
        change = kids[(rng.random(len(kids)) < 0.03) & (grade[kids] > 0)]
        for c in change:
            same = inst.of_type(inst.type[home[c]], district=int(inst.district[home[c]]))
            if len(same) > 1:
                home[c] = same[rng.integers(len(same))]
        y_start = max(day(dt.date(y, 8, 1)), first)
        y_end = np.where(grade[kids] == 9, day(dt.date(y + 1, 6, 30)), day(dt.date(y + 1, 7, 31)))
        sch = home[kids].copy()
        st = np.full(len(kids), y_start)
        en = y_end.copy()
        # 1 % move mid-year to another school of the district
        mid = np.flatnonzero(rng.random(len(kids)) < 0.01)
        extra_c, extra_s, extra_st, extra_en = [], [], [], []
        for j in mid:
            c = kids[j]
            same = inst.of_type(inst.type[sch[j]], district=int(inst.district[sch[j]]))
            same = same[same != sch[j]]
            if not len(same):
                continue
            cut = day(dt.date(y + 1, 1, 1)) + int(rng.integers(0, 90))
            extra_c.append(c)
            extra_s.append(same[rng.integers(len(same))])
            extra_st.append(cut)
            extra_en.append(en[j])
            en[j] = cut - 1
            home[c] = extra_s[-1]
        kk = np.concatenate([kids, np.array(extra_c, dtype=np.int64)])
        rows["child"].append(kk)
        rows["school"].append(np.concatenate([sch, np.array(extra_s, dtype=np.int64)]))
        rows["year"].append(np.full(len(kk), y))
        rows["grade"].append(grade[kk])
        rows["start"].append(np.concatenate([st, np.array(extra_st, dtype=np.int64)]))
        rows["end"].append(np.concatenate([en, np.array(extra_en, dtype=np.int64)]))
    child = np.concatenate(rows["child"])
    school = np.concatenate(rows["school"])
    year = np.concatenate(rows["year"])
    grade = np.concatenate(rows["grade"])
    start = np.concatenate(rows["start"])
    end = np.concatenate(rows["end"])
    keep = start <= last
    child, school, year, grade, start, end = (a[keep] for a in (child, school, year, grade, start, end))
    end = np.where(end > last, OPEN_END, end)
    is_special = inst.type[school] == "specialskole"
    r = rng.random(len(child))
    ctype = np.where(is_special, "special", "normal")
    ctype = np.where(~is_special & (r < 0.012), "special", ctype)
    newly_arrived = pop.bilingual[child] & (grade >= 1) & (grade <= 7) & (rng.random(len(child)) < 0.05)
    ctype = np.where(~is_special & newly_arrived, "modtagelse", ctype)
    # normal classes of about 24 pupils per school, year and grade: letters A, B, ... (vectorized)
    letters = np.array(list("ABCDEFGHIJKLMNOP"))
    key = school.astype(np.int64) * 10_000 + year * 10 + grade
    normal = ctype == "normal"
    _, inv, counts = np.unique(key[normal], return_inverse=True, return_counts=True)
    n_classes = np.maximum(1, np.ceil(counts / 24)).astype(int)[inv.ravel()]
    letter = letters[np.minimum((rng.random(int(normal.sum())) * n_classes).astype(int), len(letters) - 1)]
    g = grade.astype(str)
    class_id = np.where(ctype == "special", np.char.add(g, "S"), np.where(grade < 4, "M1", "M2")).astype("U4")
    class_id[normal] = np.char.add(g[normal], letter)
    order = np.lexsort((start, child))
    return SchoolSpells(
        child[order],
        school[order],
        year[order],
        grade[order],
        class_id[order],
        ctype[order],
        start[order],
        end[order],
    )


def make_leisure(
    rng: np.random.Generator, pop: Population, inst: Institutions, school: SchoolSpells
) -> Spells:
    """SFO (or fritidshjem) in grades 0-3, klub in grades 4-6, per school enrollment."""
    sfo_of_school = {int(p): i for i, p in enumerate(inst.parent) if p >= 0}
    n = len(school.child)
    target = np.full(n, -1)
    r = rng.random(n)
    for j in range(n):
        g = school.grade[j]
        if school.class_type[j] == "special":
            continue
        d = int(inst.district[school.school[j]])
        if g <= 3 and r[j] < 0.78:
            t = sfo_of_school.get(int(school.school[j]))
            if t is None:
                fh = inst.of_type("fritidshjem", district=d)
                t = fh[school.child[j] % len(fh)] if len(fh) else None
            if t is not None:
                target[j] = t
        elif 4 <= g <= 6 and r[j] < 0.4:
            kl = inst.of_type("klub", district=d)
            if len(kl):
                target[j] = kl[school.child[j] % len(kl)]
    m = target >= 0
    grade = school.grade[m]
    group = np.where(grade <= 1, "0.-1. klasse", np.where(grade <= 3, "2.-3. klasse", "Klubben"))
    return Spells(
        school.child[m], target[m], school.start[m], school.end[m], np.zeros(m.sum(), dtype=np.int64), group
    )


def concat(a: Spells, b: Spells) -> Spells:
    return Spells(*(np.concatenate([getattr(a, f), getattr(b, f)]) for f in Spells.__dataclass_fields__))


def daily_counts(spells: Spells, n_inst: int, cal: Calendar, weight: np.ndarray | None = None) -> np.ndarray:
    """(institution x day) sum of weights of enrolled children (difference array, no per-day loop)."""
    n_days = len(cal.days)
    diff = np.zeros((n_inst, n_days + 1))
    s = np.clip(spells.start - cal.day0, 0, n_days)
    e = np.clip(np.minimum(spells.end, cal.days[-1]) - cal.day0 + 1, 0, n_days)
    w = np.ones(len(s)) if weight is None else weight
    np.add.at(diff, (spells.inst, s), w)
    np.add.at(diff, (spells.inst, e), -w)
    return np.cumsum(diff, axis=1)[:, :n_days]


def age_split(spells: Spells, pop: Population) -> tuple[Spells, Spells]:
    """The spells cut at the 3rd birthday: (part under 3, part 3 and over)."""
    b3 = (
        np.array(
            [
                day(dt.date(d.year + 3, d.month, min(d.day, 28)))
                for d in pop.birth[spells.child].astype("datetime64[D]").astype(object)
            ],
            dtype=np.int64,
        )
        if len(spells.child)
        else np.zeros(0, np.int64)
    )
    u = Spells(
        spells.child, spells.inst, spells.start, np.minimum(spells.end, b3 - 1), spells.place, spells.group
    )
    o = Spells(
        spells.child, spells.inst, np.maximum(spells.start, b3), spells.end, spells.place, spells.group
    )
    mu, mo = u.end >= u.start, o.end >= o.start
    pick = lambda s, m: Spells(*(getattr(s, f)[m] for f in Spells.__dataclass_fields__))  # noqa: E731
    return pick(u, mu), pick(o, mo)
