"""The institution register (institutionsregister/institutioner), buildings (ejendom/bygninger), closing
days (kbhbarn/lukkedage) and the population forecast (prognose/befolkning)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from boernedata.contracts import SECTOR_OF_TYPE
from boernedata.generate.population import birth_year
from boernedata.generate.timeline import Calendar, day

DISTRICT_NAMES = (
    "Amager Øst",
    "Vesterbro/Kongens Enghave",
    "Nørrebro",
    "Bispebjerg",
    "Brønshøj-Husum",
    "Valby",
    "Vanløse",
    "Østerbro",
    "Indre By",
    "Amager Vest",
)
POSTAL = ("2300", "1620", "2200", "2400", "2700", "2500", "2720", "2100", "1050", "2450")
NAMES = (
    "Mælkebøtten",
    "Solsikken",
    "Myretuen",
    "Regnbuen",
    "Troldeskoven",
    "Æblehaven",
    "Søstjernen",
    "Bikuben",
    "Kastanjen",
    "Rævehulen",
    "Spiren",
    "Humlebien",
    "Fyrtårnet",
    "Skovbrynet",
    "Engen",
    "Mågen",
    "Lærkereden",
    "Ørnereden",
    "Græshoppen",
    "Blåbærret",
)
SCHOOL_NAMES = (
    "Strandvejens",
    "Kildevældets",
    "Søndermarkens",
    "Lergravsparkens",
    "Ålholm",
    "Hyltebjerg",
    "Tingbjerg",
    "Skolen ved Sundet",
    "Husum",
    "Øresunds",
    "Vigerslev Allés",
    "Randersgades",
    "Nørre Fælled",
    "Katrinedals",
)
TYPE_PREFIX = {"dagtilbud": "D", "skole": "S", "fritid": "F"}
TYPE_LABEL = {
    "dagpleje": "Dagplejen",
    "vuggestue": "Vuggestuen",
    "boernehave": "Børnehaven",
    "integreret": "Børnehuset",
    "folkeskole": "Skole",
    "specialskole": "Specialskolen",
    "sfo": "SFO",
    "fritidshjem": "Fritidshjemmet",
    "klub": "Klubben",
}
DAYCARE_SIZE = {"dagpleje": 11, "vuggestue": 40, "boernehave": 70, "integreret": 75}  # dagpleje: ~4-5 kids


@dataclass
class Institutions:
    ids: np.ndarray
    names: np.ndarray
    type: np.ndarray  # institution_type strings
    sector: np.ndarray
    district: np.ndarray  # index
    ownership: np.ndarray
    postal: np.ndarray
    opened: np.ndarray  # day numbers
    normed_places: np.ndarray
    play_area: np.ndarray
    cost_centre: np.ndarray
    parent: np.ndarray  # index of the parent institution or -1
    aula: np.ndarray  # delivers check-in through Aula Komme/gå
    deteriorating: np.ndarray
    size: np.ndarray  # relative attractiveness when children are placed

    @property
    def n(self) -> int:
        return len(self.ids)

    def of_type(self, *types: str, district: int | None = None) -> np.ndarray:
        """Indices of the institutions of these types (in a district), cached: called per child."""
        cache = self.__dict__.setdefault("_of_type", {})
        key = (types, district)
        if key not in cache:
            m = np.isin(self.type, types)
            if district is not None:
                m &= self.district == district
            cache[key] = np.flatnonzero(m)
        return cache[key]


def district_names(n: int) -> list[str]:
    if n <= len(DISTRICT_NAMES):
        return list(DISTRICT_NAMES[:n])
    return [f"{DISTRICT_NAMES[i % len(DISTRICT_NAMES)]} {i // len(DISTRICT_NAMES) + 1}" for i in range(n)]


def make_institutions(rng: np.random.Generator, scale, cal: Calendar) -> Institutions:
    rows: list[dict] = []
    counters = {"D": 1000, "S": 2000, "F": 3000}
    special_left = scale.special_schools
    for d in range(scale.districts):
        for t, counts in scale.daycare.items():
            for _ in range(scale.per_district(counts, d)):
                rows.append({"type": t, "district": d})
        n_schools = scale.per_district(scale.schools, d)
        for _ in range(n_schools):
            rows.append({"type": "folkeskole", "district": d})
        share = int(np.ceil(special_left / max(scale.districts - d, 1)))
        for _ in range(share):
            rows.append({"type": "specialskole", "district": d})
        special_left -= share
        for t, counts in scale.leisure.items():
            for _ in range(scale.per_district(counts, d)):
                rows.append({"type": t, "district": d})
    n = len(rows)
    types = np.array([r["type"] for r in rows])
    district = np.array([r["district"] for r in rows])
    sector = np.array([SECTOR_OF_TYPE[t] for t in types])
    ids, names = [], []
    for i, t in enumerate(types):
        p = TYPE_PREFIX[sector[i]]
        counters[p] += 1
        ids.append(f"{p}{counters[p]}")
        if t in ("folkeskole", "specialskole"):
            base = SCHOOL_NAMES[i % len(SCHOOL_NAMES)]
            names.append(f"{base} Skole" if t == "folkeskole" else f"Specialskolen {base}")
        else:
            names.append(f"{TYPE_LABEL[t]} {NAMES[i % len(NAMES)]}")
        if i >= len(NAMES):
            names[-1] += f" {i // len(NAMES) + 1}"
    ownership = np.where(
        sector == "dagtilbud",
        rng.choice(["kommunal", "selvejende", "privat", "udliciteret"], n, p=[0.55, 0.36, 0.06, 0.03]),
        "kommunal",
    )
    ownership = np.where(types == "dagpleje", "kommunal", ownership)
    size = np.array([DAYCARE_SIZE.get(t, 1.0) for t in types]) * rng.uniform(0.7, 1.3, n)
    parent = np.full(n, -1)
    # an SFO belongs to a school of its district: the first SFOs take the district's first schools
    for d in range(scale.districts):
        schools = np.flatnonzero((types == "folkeskole") & (district == d))
        for j, f in enumerate(np.flatnonzero((types == "sfo") & (district == d))):
            if j < len(schools):
                parent[f] = schools[j]
    opened = np.array(
        [day(dt.date(int(y), 8, 1)) for y in rng.integers(1950, cal.first.year - 1, n)], dtype=np.int64
    )
    # one daycare unit opens during the window (capacity planning sees it appear)
    newest = np.flatnonzero(types == "integreret")
    if len(newest) > 2:
        opened[newest[-1]] = day(dt.date(cal.first.year + 1, 1, 1))
    cc = np.array([f"47{10_000_000 + 37 * i + 11:08d}" for i in range(n)])
    aula = (sector != "skole") & (rng.random(n) < scale.aula_share)
    dagtilbud_fritid = np.flatnonzero(sector != "skole")
    if not aula.any() and len(dagtilbud_fritid):  # both check-in paths are always exercised
        aula[dagtilbud_fritid[-1]] = True
    deteriorating = np.zeros(n, bool)
    for types_ in (("folkeskole",), ("vuggestue", "boernehave", "integreret")):
        cand = np.flatnonzero(np.isin(types, types_) & (district == 0))
        k = min(scale.deteriorating, len(cand))
        if k:
            deteriorating[rng.choice(cand, k, replace=False)] = True
    return Institutions(
        ids=np.array(ids),
        names=np.array(names),
        type=types,
        sector=sector,
        district=district,
        ownership=ownership,
        postal=np.array([POSTAL[d % len(POSTAL)] for d in district]),
        opened=opened,
        normed_places=np.zeros(n, dtype=np.int64),  # set once enrollments are known
        play_area=np.zeros(n),
        cost_centre=cc,
        parent=parent,
        aula=aula,
        deteriorating=deteriorating,
        size=size,
    )


def snapshot_dates(cal: Calendar) -> list[dt.date]:
    """Full-snapshot deliveries: every 31 December in the window and the window's last day."""
    out = [
        dt.date(y, 12, 31) for y in range(cal.first.year, cal.last.year) if dt.date(y, 12, 31) >= cal.first
    ]
    return [*out, cal.last]


def write_register(w, inst: Institutions, names: list[str], cal: Calendar, rng: np.random.Generator) -> None:
    # normed places grow a little in the last year at some institutions: the snapshot keeps the history
    growth = np.where(rng.random(inst.n) < 0.1, np.round(inst.normed_places * 0.1), 0)
    for snap in snapshot_dates(cal):
        live = inst.opened <= day(snap)
        late = snap.year >= cal.last.year
        places = inst.normed_places + (growth if late else 0)
        w.csv(
            "institutionsregister/institutioner",
            snap.isoformat(),
            {
                "institution_id": inst.ids[live],
                "name": inst.names[live],
                "institution_type": inst.type[live],
                "ownership": inst.ownership[live],
                "district": np.array(names)[inst.district[live]],
                "postal_code": inst.postal[live],
                "opened_date": inst.opened[live],
                "closed_date": np.full(live.sum(), -(10**7)),
                "normed_places": places[live],
                "play_area_m2": inst.play_area[live],
                "cost_centre": inst.cost_centre[live],
                "parent_institution_id": np.where(inst.parent[live] >= 0, inst.ids[inst.parent[live]], ""),
            },
        )


def closing_days(rng: np.random.Generator, inst: Institutions, cal: Calendar) -> tuple[np.ndarray, list]:
    """A (institution x day) mask of closing days and the rows of the lukkedage files.

    The municipality closes between Christmas and New Year and on the Friday after Ascension; units add
    one or two pedagogical days a year (Copenhagen may close up to 7 days a year).
    """
    closed = np.zeros((inst.n, len(cal.days)), dtype=bool)
    rows = []
    holders = np.flatnonzero(inst.sector != "skole")
    for y in range(cal.first.year, cal.last.year + 1):
        common: dict[int, str] = {}
        for dd in (27, 28, 29, 30):
            d = dt.date(y, 12, dd)
            if d.weekday() < 5:
                common[day(d)] = "Lukket mellem jul og nytår"
        from boernedata.generate.timeline import easter

        fri = easter(y) + dt.timedelta(days=40)
        common[day(fri)] = "Fredag efter Kristi himmelfart"
        in_year = np.flatnonzero((cal.year == y) & cal.open)
        for i in holders:
            days = {k: v for k, v in common.items() if 0 <= k - cal.day0 < len(cal.days)}
            for d in rng.choice(in_year, min(len(in_year), rng.integers(0, 3)), replace=False):
                days.setdefault(int(cal.days[d]), "Pædagogisk dag")
            for d, reason in sorted(days.items()):
                closed[i, d - cal.day0] = True
                rows.append((y, i, d, reason))
    return closed, rows


def write_closing_days(w, inst: Institutions, rows: list) -> None:
    years = sorted({r[0] for r in rows})
    for y in years:
        sel = [r for r in rows if r[0] == y]
        w.csv(
            "kbhbarn/lukkedage",
            str(y),
            {
                "institution_id": inst.ids[[r[1] for r in sel]],
                "date": np.array([r[2] for r in sel]),
                "reason": np.array([r[3] for r in sel]),
            },
        )


def write_buildings(w, inst: Institutions, cal: Calendar, rng: np.random.Generator) -> None:
    has = np.flatnonzero(inst.type != "dagpleje")  # childminders work in their own homes
    n_build = np.where(rng.random(len(has)) < 0.2, 2, 1)
    owner = np.repeat(has, n_build)
    k = len(owner)
    gross = np.repeat(inst.play_area[has] * 2.2 / n_build, n_build) * rng.uniform(0.85, 1.15, k)
    build_year = rng.integers(1890, 2020, k)
    age = cal.last.year - build_year
    condition = np.clip(np.round(5 - age / 35 + rng.normal(0, 0.8, k)), 1, 5).astype(int)
    backlog = np.round(gross * (6 - condition) * rng.uniform(300, 900, k), -3)
    bid = np.array([f"B{100_000 + i}" for i in range(k)])
    for snap in snapshot_dates(cal):
        if snap.month != 12 and snap != cal.last:
            continue
        live = inst.opened[owner] <= day(snap)
        drift = 1 + (snap.year - cal.first.year) * 0.04  # the backlog grows while nothing is done
        w.csv(
            "ejendom/bygninger",
            snap.isoformat(),
            {
                "building_id": bid[live],
                "institution_id": inst.ids[owner[live]],
                "gross_m2": gross[live],
                "build_year": build_year[live],
                "condition_score": condition[live],
                "maintenance_backlog_dkk": np.round(backlog[live] * drift, -3),
            },
        )


def write_forecast(w, pop, names: list[str], cal: Calendar) -> None:
    """Each January the municipality forecasts children by district and age for ten years ahead."""
    by = birth_year(pop)
    n_d = len(names)
    for made in range(cal.first.year, cal.last.year + 1):
        rows_d, rows_y, rows_a, rows_n = [], [], [], []
        born = np.bincount(pop.district[by == made - 1], minlength=n_d).astype(float)
        for y in range(made, made + 11):
            for a in range(18):
                b = y - a
                if b < made:
                    counts = np.bincount(pop.district[by == b], minlength=n_d).astype(float)
                    if b < by.min() + 1:
                        counts = born.copy()
                else:
                    counts = born * (1 + 0.01 * (b - made))  # births forecast to grow slowly
                counts = counts * (1 + 0.004 * a)  # net in-migration of families with children
                rows_d += names
                rows_y += [y] * n_d
                rows_a += [a] * n_d
                rows_n += list(np.round(counts).astype(int))
        w.csv(
            "prognose/befolkning",
            str(made),
            {
                "district": np.array(rows_d),
                "year": np.array(rows_y),
                "age": np.array(rows_a),
                "children": np.array(rows_n),
            },
        )
