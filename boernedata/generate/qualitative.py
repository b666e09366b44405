"""The broad data concept: observations (kvalitativ/observationer, free text that sometimes holds a CPR
number, an e-mail address or a phone number), development dialogue ratings, learning conversations,
parent portal usage (aula/brugsdata) and the daycare waiting list (kapacitet/venteliste)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from boernedata.generate.enrollments import SchoolSpells, Spells
from boernedata.generate.institutions import Institutions, district_names, snapshot_dates
from boernedata.generate.population import Population
from boernedata.generate.school import ramp
from boernedata.generate.timeline import Calendar, by_calendar_year, day

NULL_DAY = -(10**7)
THEMES = np.array(
    ["relationer", "leg_og_aktivitet", "rutiner", "fysiske_rammer", "inklusion", "forældresamarbejde"]
)
NOTES = np.array(
    [
        "Personalet var nærværende og fulgte børnenes initiativer.",
        "God stemning i garderoben, men lang ventetid før frokost.",
        "Børnene legede selvstændigt; de voksne var mest optaget af praktiske opgaver.",
        "Tydelig struktur i overgangene, børnene vidste hvad der skulle ske.",
        "Udeområdet bruges godt, men indretningen inde er trang.",
        "Forældrene blev inddraget i planlægningen af sommerfesten.",
        "Et barn sad meget alene; personalet fik øje på det efter et stykke tid.",
        "Læringsmiljøet er roligt, og der er mange sproglige samtaler.",
        "",
    ]
)
SENSITIVE = (
    "Opfølgning på barn {cpr}, aftalt med forældrene.",
    "Kontakt pædagogisk leder på {mail} for referat.",
    "Forælder ønsker opringning på {phone} om sprogindsats.",
)
FOCUS = np.array(
    [
        "Sprog og kommunikation",
        "Overgange mellem dagtilbud og skole",
        "Fravær og trivsel",
        "Inklusion i fællesskabet",
        "Forældresamarbejde",
        "Ro og orden i undervisningen",
    ]
)
DECISIONS = np.array(
    [
        "Handleplan udarbejdes inden næste samtale",
        "Fortsætter nuværende indsats",
        "Følges op med pædagogisk konsulent",
        "Ekstra observation i næste halvår",
        "",
    ]
)
PARTICIPANTS = np.array(
    [
        "Leder, BU-chef, pædagogisk konsulent",
        "Leder, souschef, BU-chef",
        "Skoleleder, afdelingsleder, BU-chef, datakonsulent",
    ]
)


def half_years(cal: Calendar) -> list[tuple[int, int]]:
    """(start day, end day) of each half-year part inside the window."""
    out = []
    for y in range(cal.first.year, cal.last.year + 1):
        for a, b in ((dt.date(y, 1, 1), dt.date(y, 6, 30)), (dt.date(y, 7, 1), dt.date(y, 12, 31))):
            lo, hi = max(day(a), day(cal.first)), min(day(b), day(cal.last))
            if lo <= hi:
                out.append((lo, hi))
    return out


def _open_day(rng, cal: Calendar, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    d = lo + (rng.random(len(lo)) * (hi - lo + 1)).astype(np.int64)
    wd = (d + 3) % 7
    return np.where(wd >= 5, d - (wd - 4), d)  # weekend -> the Friday before


def write_observations(w, rng, pop: Population, inst: Institutions, cal: Calendar) -> None:
    rows = {k: [] for k in ("inst", "date", "theme", "score", "note")}
    quality = rng.normal(0, 0.45, inst.n)
    for lo, hi in half_years(cal):
        ok = (inst.opened <= hi) & (inst.type != "dagpleje")
        per = np.where(ok, rng.integers(2, 5, inst.n), 0)
        idx = np.repeat(np.arange(inst.n), per)
        k = len(idx)
        date = np.maximum(_open_day(rng, cal, np.full(k, lo), np.full(k, hi)), lo)
        det = np.where(inst.deteriorating[idx], ramp(cal, date), 0)
        score = np.clip(np.round(3.5 + quality[idx] - 1.3 * det + rng.normal(0, 0.7, k)), 1, 5).astype(int)
        note = NOTES[rng.integers(0, len(NOTES), k)].astype(object)
        sens = np.flatnonzero(rng.random(k) < 0.07)
        for j in sens:
            kind = rng.integers(0, 3)
            child = int(rng.integers(0, pop.n))
            text = SENSITIVE[kind].format(
                cpr=pop.cpr_dash[child] if rng.random() < 0.5 else pop.cpr[child],
                mail=f"leder{int(idx[j])}@kk.dk",
                phone=f"{int(rng.integers(20, 99))} {int(rng.integers(10, 99))} {int(rng.integers(10, 99))} "
                f"{int(rng.integers(10, 99))}",
            )
            note[j] = f"{note[j]} {text}".strip()
        rows["inst"].append(idx)
        rows["date"].append(date)
        rows["theme"].append(THEMES[rng.integers(0, len(THEMES), k)])
        rows["score"].append(score)
        rows["note"].append(note.astype(str))
    _by_year(
        w,
        "kvalitativ/observationer",
        rows,
        "date",
        lambda r: {
            "institution_id": inst.ids[r["inst"]],
            "observation_date": r["date"],
            "theme": r["theme"],
            "score": r["score"],
            "note": r["note"],
        },
    )


def _by_year(w, key: str, rows: dict, date_col: str, build) -> None:
    cols = {k: np.concatenate(v) if v else np.zeros(0) for k, v in rows.items()}
    if not len(cols[date_col]):
        return
    for y, m in by_calendar_year(cols[date_col]):
        order = np.argsort(cols[date_col][m], kind="stable")
        w.csv(key, str(y), build({k: v[m][order] for k, v in cols.items()}))


def write_dialogue(w, rng, pop: Population, inst: Institutions, sp: Spells, cal: Calendar) -> None:
    """Development dialogue ratings (dialoghjul) for daycare children from age 2.9, about once a half-year."""
    areas = np.array(["sprog", "sociale", "motorik", "personlige", "natur", "kultur"])
    rows = {k: [] for k in ("child", "inst", "date", "score")}
    daycare = np.flatnonzero(inst.sector[sp.inst] == "dagtilbud")
    for lo, hi in half_years(cal):
        e = daycare[(sp.start[daycare] <= hi) & (sp.end[daycare] >= lo)]
        a, b = np.maximum(sp.start[e], lo), np.minimum(sp.end[e], hi)
        date = np.clip(_open_day(rng, cal, a, b), a, b)
        age = (date - pop.birth[sp.child[e]]) / 365.25
        keep = (age >= 2.9) & (rng.random(len(e)) < 0.82)
        e, date = e[keep], date[keep]
        child = np.repeat(sp.child[e], 6)
        latent = np.repeat(np.where(pop.bilingual[sp.child[e]], -0.5, 0) + 0.5 * pop.ability[sp.child[e]], 6)
        rows["child"].append(child)
        rows["inst"].append(np.repeat(sp.inst[e], 6))
        rows["date"].append(np.repeat(date, 6))
        rows["score"].append(
            np.clip(np.round(3.4 + latent + rng.normal(0, 0.8, len(child))), 1, 5).astype(int)
        )
    area = [np.tile(areas, len(c) // 6) for c in rows["child"]]
    rows["area"] = area
    _by_year(
        w,
        "kvalitativ/dialoghjul",
        rows,
        "date",
        lambda r: {
            "cpr": pop.cpr_mixed(rng, r["child"]),
            "institution_id": inst.ids[r["inst"]],
            "assessment_date": r["date"],
            "area": r["area"],
            "score": r["score"],
        },
    )


def write_learning_conversations(w, rng, inst: Institutions, cal: Calendar) -> None:
    rows = {k: [] for k in ("inst", "date", "who", "focus", "decision")}
    for lo, hi in half_years(cal):
        idx = np.flatnonzero((inst.opened <= hi) & (inst.type != "dagpleje"))
        k = len(idx)
        rows["inst"].append(idx)
        rows["date"].append(_open_day(rng, cal, np.full(k, lo + 30), np.full(k, hi)).clip(lo, hi))
        who = np.where(inst.sector[idx] == "skole", PARTICIPANTS[2], PARTICIPANTS[rng.integers(0, 2, k)])
        rows["who"].append(who)
        rows["focus"].append(FOCUS[rng.integers(0, len(FOCUS), k)])
        dec = DECISIONS[rng.integers(0, len(DECISIONS), k)]
        rows["decision"].append(
            np.where(inst.deteriorating[idx] & (hi > day(cal.last) - 400), DECISIONS[0], dec)
        )
    _by_year(
        w,
        "kvalitativ/laeringssamtaler",
        rows,
        "date",
        lambda r: {
            "institution_id": inst.ids[r["inst"]],
            "held_date": r["date"],
            "participants": r["who"],
            "focus_area": r["focus"],
            "decision": r["decision"],
        },
    )


def write_portal(
    w, rng, pop: Population, inst: Institutions, sp: Spells, ss: SchoolSpells, cal: Calendar
) -> None:
    """Aula usage per guardian per child per institution and month; a few families never log in."""
    child = np.concatenate([sp.child, ss.child])
    ins = np.concatenate([sp.inst, ss.school])
    start = np.concatenate([sp.start, ss.start])
    end = np.concatenate([sp.end, ss.end])
    activity = rng.gamma(2.0, 4.0, pop.n) * np.where(rng.random(pop.n) < 0.06, 0, 1)
    for y, m in cal.months():
        sl = cal.month_slice(y, m)
        lo, hi = cal.days[sl.start], cal.days[sl.stop - 1]
        e = np.flatnonzero((start <= hi) & (end >= lo))
        pair = np.unique(child[e].astype(np.int64) * 100_000 + ins[e])  # one row per child and institution
        c, i = pair // 100_000, pair % 100_000
        guardians = np.where(pop.parent_unknown[c], 1, 2)
        c2, i2 = np.repeat(c, guardians), np.repeat(i, guardians)
        g = np.concatenate([np.arange(k) for k in guardians]) if len(guardians) else np.zeros(0, int)
        keep = rng.random(len(c2)) < 0.93
        c2, i2, g = c2[keep], i2[keep], g[keep]
        lam = activity[c2] * np.where(g == 0, 1.0, 0.6) * np.where(m == 7, 0.4, 1.0)
        logins = rng.poisson(lam)
        read = rng.poisson(logins * 1.8)
        sent = rng.poisson(logins * 0.15)
        period = f"{y:04d}-{m:02d}"
        w.jsonl(
            "aula/brugsdata",
            period,
            {
                "month": np.full(len(c2), period),
                "institution_id": inst.ids[i2],
                "child_cpr": pop.cpr_mixed(rng, c2),
                "guardian_id": np.char.add("G", (c2 * 2 + g + 1_000_000).astype(str)),
                "logins": logins,
                "messages_read": read,
                "messages_sent": sent,
            },
        )


def write_waiting_list(w, rng, pop: Population, inst: Institutions, sp: Spells, cal: Calendar) -> None:
    daycare = np.flatnonzero(inst.sector[sp.inst] == "dagtilbud")
    order = daycare[np.lexsort((sp.start[daycare], sp.child[daycare]))]
    first = order[np.r_[True, sp.child[order][1:] != sp.child[order][:-1]]] if len(order) else order
    first = first[sp.start[first] > day(cal.first) + 30]  # placements made inside the window
    child = sp.child[first]
    offered = sp.start[first] - rng.integers(20, 75, len(first))
    desired = sp.start[first] - rng.integers(0, 45, len(first))
    request = np.maximum(desired - rng.integers(90, 300, len(first)), pop.birth[child] + 7)
    typ = inst.type[sp.inst[first]]
    # some never get a place in the window (moved away, private care): no offered date
    extra = np.flatnonzero(rng.random(pop.n) < 0.01)
    extra = extra[(pop.birth[extra] > day(cal.first) - 200) & (pop.birth[extra] < day(cal.last) - 200)]
    ereq = pop.birth[extra] + rng.integers(30, 200, len(extra))
    child = np.concatenate([child, extra])
    request = np.concatenate([request, ereq])
    desired = np.concatenate([desired, ereq + rng.integers(120, 300, len(extra))])
    offered = np.concatenate([offered, np.full(len(extra), NULL_DAY)])
    typ = np.concatenate([typ, rng.choice(["vuggestue", "integreret", "dagpleje"], len(extra))])
    names = np.array(district_names(int(pop.district.max()) + 1))
    for snap in snapshot_dates(cal):
        s = day(snap)
        live = (request <= s) & ((offered == NULL_DAY) | (offered >= s - 365))
        shown = np.where((offered != NULL_DAY) & (offered <= s), offered, NULL_DAY)
        w.csv(
            "kapacitet/venteliste",
            snap.isoformat(),
            {
                "cpr": pop.cpr_mixed(rng, child[live]),
                "district": names[pop.district[child[live]]],
                "requested_type": typ[live],
                "request_date": request[live],
                "desired_start_date": desired[live],
                "offered_date": shown[live],
            },
        )
