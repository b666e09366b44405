"""What one data package says: the institution's indicators against district and municipality, the trend,
the observations, the data year wheel and a reflection guide written for this package (all in Danish).

A package holds data about one institution and the aggregates it is compared to, nothing else: values of
other institutions never enter the context built here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from markupsafe import Markup

from boernedata.datapakke import charts, periods
from boernedata.datapakke import formatting as fmt
from boernedata.datapakke.data import Marts

SECTOR_DA = {"dagtilbud": "Dagtilbud", "skole": "Skole", "fritid": "Fritidstilbud"}
TYPE_DA = {
    "dagpleje": "Dagpleje",
    "vuggestue": "Vuggestue",
    "boernehave": "Børnehave",
    "integreret": "Integreret institution",
    "folkeskole": "Folkeskole",
    "specialskole": "Specialskole",
    "sfo": "SFO",
    "fritidshjem": "Fritidshjem",
    "klub": "Klub",
}
OWNERSHIP_DA = {
    "kommunal": "Kommunal",
    "selvejende": "Selvejende",
    "privat": "Privat",
    "udliciteret": "Udliciteret",
}
THEME_DA = {
    "relationer": "Relationer",
    "leg_og_aktivitet": "Leg og aktivitet",
    "rutiner": "Rutiner",
    "fysiske_rammer": "Fysiske rammer",
    "inklusion": "Inklusion",
    "forældresamarbejde": "Forældresamarbejde",
    "foraeldresamarbejde": "Forældresamarbejde",
}
DIMENSIONS = [
    ("struktur", "Strukturel kvalitet", "Rammerne for arbejdet: normering, personale, plads og økonomi."),
    (
        "proces",
        "Proceskvalitet",
        "Det, der sker mellem voksne og børn: læringsmiljø, forældresamarbejde og dokumentation.",
    ),
    (
        "resultat",
        "Resultatkvalitet",
        "Det, børnene får ud af det: fremmøde, sprog, trivsel, læring og sundhed.",
    ),
]
SECTOR_NOTES = {
    ("dagtilbud", "struktur"): "Minimumsnormeringen (1 voksen pr. 3 børn på 0-2 år og pr. 6 børn på 3-5 år) "
    "svarer til 6 børn pr. voksen, når vuggestuebørn tæller dobbelt. Kommunens gennemsnit over året er det, "
    "loven måler.",
    (
        "skole",
        "resultat",
    ): "Bekymrende fravær er mere end 10 % af skoledagene. Har en elev mindst 15 % ulovligt "
    "fravær i et kvartal, skal skolelederen underrette kommunen.",
    ("fritid", "resultat"): "Fremmødet viser, hvor stor en del af de forventede dage børnene faktisk kommer.",
}
PERIOD_TYPE_ORDER = {"half_year": 0, "school_year": 1, "calendar_year": 2}
# Belt and braces: notes are redacted at landing; anything CPR-like that slipped through is masked here.
_CPR_LIKE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")


def css_string(text: str) -> Markup:
    """A quoted CSS string that is safe inside <style>: no quote, backslash or '<' can end it early."""
    escaped = "".join(c if c.isalnum() or c in " ·.,-/()" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


def redact(note: str | None) -> str:
    return _CPR_LIKE.sub("[CPR]", note or "")


def indicator_periods(marts: Marts, sector: str) -> list[tuple[dict, str, str]]:
    """(catalogue row, period_type, period_id) shown for the sector, in catalogue order."""
    out = []
    for cat in marts.catalogue:
        if cat["sector"] != sector:
            continue
        for ptype in sorted(cat["period_type_list"], key=lambda p: PERIOD_TYPE_ORDER.get(p, 9)):
            pid = marts.selected.get((cat["indicator_code"], ptype))
            if pid is not None:
                out.append((cat, ptype, pid))
    return out


def not_available(marts: Marts, sector: str) -> list[str]:
    """Catalogue indicators of the sector with no data for this package (e.g. not built yet)."""
    shown = {c["indicator_code"] for c, _, _ in indicator_periods(marts, sector)}
    return [
        c["name_da"] for c in marts.catalogue if c["sector"] == sector and c["indicator_code"] not in shown
    ]


def _status(row: dict | None) -> str:
    if row is None:
        return "missing"
    if row["is_suppressed"]:
        return "suppressed"
    return "value" if fmt.is_number(row["value"]) else "missing"


def _status_text(status: str, value: object, unit: str) -> str:
    if status == "suppressed":
        return fmt.SUPPRESSED_TEXT
    if status == "missing":
        return fmt.MISSING_TEXT
    return fmt.value(value, unit)


def _benchmark_text(x: object, unit: str) -> str:
    if not fmt.is_number(x):
        return "for få institutioner"  # benchmarks are withheld when fewer than 3 institutions contribute
    return fmt.value(x, unit) + (" i alt" if unit in fmt.COUNT_UNITS else "")


def indicator_item(marts: Marts, inst: dict, cat: dict, ptype: str, pid: str) -> dict:
    iid, code, unit = inst["institution_id"], cat["indicator_code"], cat.get("unit") or ""
    hib = cat["higher_is_better"]
    row = marts.rows.get((iid, code, ptype, pid))
    status = _status(row)
    value = row["value"] if status == "value" else None
    district_bench = marts.benchmarks.get((inst["district"], code, ptype, pid)) or {}
    kommune_bench = marts.benchmarks.get(("kommune", code, ptype, pid)) or {}
    district = row["district_value"] if row is not None else district_bench.get("value")
    municipality = row["municipality_value"] if row is not None else kommune_bench.get("value")
    comparison = fmt.compare(value, district, unit, hib)
    previous = row["previous_value"] if row is not None else None
    change = fmt.compare(value, previous, unit, hib)

    trend_points = []
    for tp in periods.previous_periods(ptype, pid):
        trow = marts.rows.get((iid, code, ptype, tp))
        tstatus = _status(trow)
        tdistrict = (marts.benchmarks.get((inst["district"], code, ptype, tp)) or {}).get("value")
        trend_points.append(
            charts.TrendPoint(
                label=periods.short_label(ptype, tp),
                value=float(trow["value"]) if tstatus == "value" else None,
                status=tstatus,
                district=float(tdistrict)
                if fmt.is_number(tdistrict) and unit not in fmt.COUNT_UNITS
                else None,
                text=_status_text(tstatus, trow["value"] if trow else None, unit),
            )
        )

    bars = None
    if unit not in fmt.COUNT_UNITS:
        bars = charts.comparison_bars(
            [
                charts.Bar("Jer", value, _status_text(status, value, unit), charts.INSTITUTION),
                charts.Bar(
                    "Området",
                    float(district) if fmt.is_number(district) else None,
                    _benchmark_text(district, unit),
                    charts.DISTRICT,
                ),
                charts.Bar(
                    "Kommunen",
                    float(municipality) if fmt.is_number(municipality) else None,
                    _benchmark_text(municipality, unit),
                    charts.MUNICIPALITY,
                ),
            ]
        )
    return {
        "code": code,
        "name": cat["name_da"],
        "definition": cat.get("definition_da") or "",
        "unit": fmt.unit_label(unit),
        "direction": fmt.direction_text(hib),
        "higher_is_better": hib,
        "period_type": ptype,
        "period_label": periods.label(ptype, pid),
        "period_note": _period_note(marts, ptype, pid),
        "status": status,
        "value_text": _status_text(status, value, unit),
        "district_text": _benchmark_text(district, unit),
        "municipality_text": _benchmark_text(municipality, unit),
        "previous_text": fmt.value(previous, unit) if fmt.is_number(previous) else "",
        "change": change,
        "n_text": f"n = {fmt.number(row['n'], 0)}" if status == "value" and fmt.is_number(row["n"]) else "",
        "comparison": comparison,
        "bars": bars,
        "trend": charts.trend(trend_points, unit),
        "is_count": unit in fmt.COUNT_UNITS,
    }


def _period_note(marts: Marts, ptype: str, pid: str) -> str:
    if ptype == "school_year" and date(int(pid[:4]) + 1, 7, 31) > marts.period_end:
        return "Undervisningen sluttede i juni; skoleåret slutter formelt 31. juli."
    return ""


def package_context(marts: Marts, inst: dict) -> dict:
    """Everything the package template shows for one institution."""
    sector = inst["sector"]
    items = [
        indicator_item(marts, inst, cat, ptype, pid) for cat, ptype, pid in indicator_periods(marts, sector)
    ]
    by_dimension = defaultdict(list)
    for item, (cat, _, _) in zip(items, indicator_periods(marts, sector), strict=True):
        by_dimension[cat["quality_dimension"]].append(item)
    dimensions = [
        {
            "key": key,
            "title": title,
            "intro": intro,
            "note": SECTOR_NOTES.get((sector, key), ""),
            "items": by_dimension.get(key, []),
        }
        for key, title, intro in DIMENSIONS
    ]

    overview_groups = []
    for d in dimensions:
        rows = [
            charts.OverviewRow(
                name=i["name"]
                + (" (skoleår)" if i["period_type"] == "school_year" and _has_twin(i, items) else ""),
                verdict=i["comparison"].verdict,
                score=i["comparison"].score,
                diff_text=i["comparison"].diff_text,
                value_text=i["value_text"],
            )
            for i in d["items"]
            if i["comparison"].verdict in ("better", "worse", "same") and i["higher_is_better"] is not None
        ]
        if rows:
            overview_groups.append((d["title"], rows))

    counts = {k: sum(1 for i in items if i["comparison"].verdict == k) for k in ("better", "worse", "same")}
    counts["suppressed"] = sum(1 for i in items if i["status"] == "suppressed")
    counts["missing"] = sum(1 for i in items if i["status"] == "missing")
    counts["total"] = len(items)

    loop_number, position = periods.loop_position(marts.period)
    loop = periods.loop_periods(marts.period)
    period_label = periods.label("half_year", marts.period)
    return {
        "inst": inst,
        "footer_css": css_string(f"{inst['name']} · Datapakke {period_label}"),
        "sector_da": SECTOR_DA.get(sector, sector),
        "type_da": TYPE_DA.get(inst["institution_type"], inst["institution_type"]),
        "ownership_da": OWNERSHIP_DA.get(inst.get("ownership"), inst.get("ownership") or ""),
        "period": marts.period,
        "period_label": periods.label("half_year", marts.period),
        "learning_loop": {
            "number": loop_number,
            "position": position,
            "periods": loop,
            "text": _loop_text(position, loop),
            "chart": charts.learning_loop(position, loop),
        },
        "dimensions": dimensions,
        "overview": charts.overview(overview_groups) if overview_groups else None,
        "counts": counts,
        "not_available": not_available(marts, sector),
        "observations": _observations(marts.observations.get(inst["institution_id"], [])),
        "wheel": _wheel(marts, sector),
        "guide": _guide(items, sector, position, loop),
        "circle": charts.learning_circle(),
    }


def _has_twin(item: dict, items: list[dict]) -> bool:
    return sum(1 for i in items if i["code"] == item["code"]) > 1


def _loop_text(position: int, loop: list[str]) -> str:
    first = periods.label("half_year", loop[0])
    if position == 1:
        return (
            f"Dette er læringssamtale 1 af 4 i læringsløkken {first} – "
            f"{periods.label('half_year', loop[-1])}. "
            "I vælger de lokale fokusområder, som I arbejder med og følger op på de næste to år."
        )
    if position == LAST:
        nxt = periods.half_year_from_index(periods.half_year_index(loop[-1]) + 1)
        return (
            "Dette er læringssamtale 4 af 4, den sidste i læringsløkken. I samler op på de fokusområder, I "
            f"valgte i {first}, og forbereder valget af nye fokusområder i {periods.label('half_year', nxt)}."
        )
    return (
        f"Dette er læringssamtale {position} af 4. I følger op på de fokusområder, I valgte i {first}: "
        "hvad er sket, hvad virker, og skal noget justeres?"
    )


LAST = periods.LOOP_LENGTH


def _observations(rows: list[dict]) -> dict:
    by_theme = defaultdict(list)
    for r in rows:
        if fmt.is_number(r["score"]):
            by_theme[r["theme"]].append(float(r["score"]))
    themes = sorted(
        (
            (THEME_DA.get(t, t.replace("_", " ").capitalize()), sum(s) / len(s), len(s))
            for t, s in by_theme.items()
        ),
        key=lambda x: x[0],
    )
    notes = [
        {
            "date": r["observation_date"].strftime("%d.%m.%Y") if r["observation_date"] else "",
            "theme": THEME_DA.get(r["theme"], r["theme"]),
            "score": r["score"],
            "note": redact(r["note"]),
        }
        for r in rows
    ]
    return {"count": len(rows), "chart": charts.theme_scores(themes) if themes else None, "notes": notes}


MONTHS_DA = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
WHEEL_ALWAYS = {
    "kvalitativ/observationer",
    "kvalitativ/laeringssamtaler",
    "institutionsregister/institutioner",
}
DATA_KIND_DA = {"struktur": "Struktur", "proces": "Proces", "resultat": "Resultat"}


def _wheel(marts: Marts, sector: str) -> dict:
    """The data year wheel for the extracts behind this sector's indicators: which months data arrive."""
    used: dict[str, list[str]] = defaultdict(list)
    for cat in marts.catalogue:
        if cat["sector"] == sector:
            for extract in (cat.get("source_extracts") or "").split(","):
                used[extract.strip()].append(cat["name_da"])
    months_in_period = set(range(marts.period_start.month, marts.period_end.month + 1))
    rows = []
    for w in marts.wheel:
        extract = w["source_extract"]
        if extract not in used and extract not in WHEEL_ALWAYS:
            continue
        months = {int(m) for m in str(w.get("months_available") or "").split(",") if m.strip().isdigit()}
        rows.append(
            {
                "extract": extract,
                "kind": DATA_KIND_DA.get(w.get("data_kind"), w.get("data_kind") or ""),
                "description": w.get("description_da") or "",
                "cells": [{"on": m in months, "in_period": m in months_in_period} for m in range(1, 13)],
                "monthly": len(months) == 12,
            }
        )
    rows.sort(key=lambda r: (r["monthly"], r["extract"]))
    return {"months": MONTHS_DA, "rows": rows, "period_months": sorted(months_in_period)}


REFLECTION = {
    "dagtilbud": [
        "Hvad fortæller normering, fremmøde og timer pr. dag om børnenes hverdag hos jer?",
        "Hvordan passer observationerne af læringsmiljøet med det, I selv oplever på stuerne?",
        "Hvilke børn ser vi ikke i tallene – fx grupper, der er skjult, fordi de er færre end 5?",
    ],
    "skole": [
        "Hvad ligger bag fraværet – sygdom, lovligt eller ulovligt fravær – og på hvilke årgange?",
        "Hvordan hænger trivsel og ro og orden sammen med elevernes faglige resultater?",
        "Hvad kan I lære af skoler i området, der lykkes med det, I gerne vil forbedre?",
    ],
    "fritid": [
        "Hvornår og hvorfor kommer børnene – og hvornår bliver de væk?",
        "Hvad siger forældrekontakten via Aula om samarbejdet med forældrene?",
        "Hvordan bruger I normeringen på de tidspunkter, hvor flest børn er her?",
    ],
}


def _guide(items: list[dict], sector: str, position: int, loop: list[str]) -> dict:
    """The learning circle, written for this package: which numbers to start from, questions, decisions."""
    worse = sorted(
        (i for i in items if i["comparison"].verdict == "worse"), key=lambda i: i["comparison"].score
    )
    better = sorted(
        (i for i in items if i["comparison"].verdict == "better"), key=lambda i: -i["comparison"].score
    )
    moved = [i for i in items if i["change"].verdict in ("better", "worse")]
    moved.sort(key=lambda i: -abs(i["change"].score))
    suppressed = [i["name"] for i in items if i["status"] == "suppressed"]
    first = periods.label("half_year", loop[0])
    if position == 1:
        decision = [
            "Vælg 1-3 lokale fokusområder for de næste to år – gerne hvor tallene og jeres egen "
            "oplevelse peger samme vej.",
            "Skriv for hvert fokusområde, hvilke indikatorer I vil følge, og hvad I forventer at se "
            "ved næste datapakke.",
            "Aftal, hvem der gør hvad, og hvornår I ser på det igen.",
        ]
    elif position == LAST:
        decision = [
            f"Saml op på de fokusområder, I valgte i {first}: hvad er lykkedes, og hvad har I lært?",
            "Beslut, hvad der skal fortsætte som en del af hverdagen.",
            "Forbered valget af nye fokusområder til den næste læringsløkke.",
        ]
    else:
        decision = [
            f"Fortsæt, justér eller afslut hvert af de fokusområder, I valgte i {first}.",
            "Er der tal, der har flyttet sig uventet? Aftal, hvordan I undersøger det.",
            "Aftal, hvem der gør hvad, og hvornår I ser på det igen.",
        ]
    return {
        "worse": [(i["name"], i["value_text"], i["district_text"], i["period_label"]) for i in worse[:3]],
        "better": [(i["name"], i["value_text"], i["district_text"], i["period_label"]) for i in better[:3]],
        "moved": [
            (
                i["name"],
                i["previous_text"],
                i["value_text"],
                "forbedret" if i["change"].verdict == "better" else "forværret",
            )
            for i in moved[:3]
        ],
        "suppressed": suppressed,
        "questions": REFLECTION.get(sector, []),
        "decision": decision,
    }
