"""Scale presets: how big the synthetic municipality is and which period it covers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    districts: int
    cohort: int  # children born per year in the whole municipality
    # institutions per district by type; a tuple holds one count per district and is cycled
    daycare: dict[str, tuple[int, ...]]
    schools: tuple[int, ...]  # folkeskoler per district
    special_schools: int  # in the whole municipality, spread over the districts
    leisure: dict[str, tuple[int, ...]]
    first_school_year: int  # data start 1 August of this year
    last_date: dt.date
    aula_share: float  # share of daycare/leisure units delivering check-in through Aula Komme/gå
    deteriorating: int  # institutions planted to deteriorate (per sector school and daycare)
    enrollment_batch: int = 60_000  # enrollments per attendance batch: bounds memory at any scale

    @property
    def first_date(self) -> dt.date:
        return dt.date(self.first_school_year, 8, 1)

    def per_district(self, counts: tuple[int, ...], d: int) -> int:
        return counts[d % len(counts)]


SCALES: dict[str, Scale] = {
    "tiny": Scale(
        "tiny",
        districts=2,
        cohort=44,
        daycare={"dagpleje": (1, 1), "vuggestue": (1, 0), "boernehave": (1, 1), "integreret": (1, 2)},
        schools=(3, 3),
        special_schools=1,
        leisure={"sfo": (2, 2), "fritidshjem": (1, 0), "klub": (1, 1)},
        first_school_year=2024,
        last_date=dt.date(2026, 6, 30),
        aula_share=0.15,
        deteriorating=1,
    ),
    "small": Scale(
        "small",
        districts=3,
        cohort=330,
        daycare={"dagpleje": (3,), "vuggestue": (2,), "boernehave": (3,), "integreret": (5,)},
        schools=(4, 3, 4),
        special_schools=1,
        leisure={"sfo": (3,), "fritidshjem": (1,), "klub": (1,)},
        first_school_year=2023,
        last_date=dt.date(2026, 6, 30),
        aula_share=0.1,
        deteriorating=2,
    ),
    "copenhagen": Scale(
        "copenhagen",
        districts=10,
        cohort=5600,
        daycare={"dagpleje": (20,), "vuggestue": (9,), "boernehave": (11,), "integreret": (19,)},
        schools=(6, 7, 6, 6, 6, 6, 7, 6, 6, 6),
        special_schools=11,
        leisure={"sfo": (4,), "fritidshjem": (1,), "klub": (1,)},
        first_school_year=2022,
        last_date=dt.date(2026, 10, 31),
        aula_share=0.05,
        deteriorating=3,
    ),
    "national": Scale(
        "national",
        districts=100,
        cohort=56_000,
        daycare={"dagpleje": (20,), "vuggestue": (9,), "boernehave": (11,), "integreret": (19,)},
        schools=(6, 7, 6, 6, 6, 6, 7, 6, 6, 6),
        special_schools=110,
        leisure={"sfo": (4,), "fritidshjem": (1,), "klub": (1,)},
        first_school_year=2022,
        last_date=dt.date(2026, 10, 31),
        aula_share=0.3,
        deteriorating=10,
    ),
}
