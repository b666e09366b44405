"""What one data package says: the institution's indicators against its benchmark group in the district and
the municipality (indicators.py), the trend, the observations, the data year wheel and a reflection guide
written for this package (guide.py), all in Danish.

A package holds data about one institution and the aggregates it is compared to, nothing else: values of
other institutions never enter the context built here.
"""

from __future__ import annotations

import re
from collections import defaultdict

from markupsafe import Markup

from boernedata.cpr_pattern import redact_cpr_like
from boernedata.datapakke import charts, guide, indicators, periods, planning
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


def css_string(text: str) -> Markup:
    """A quoted CSS string that is safe inside <style>: no quote, backslash or '<' can end it early."""
    escaped = "".join(c if c.isalnum() or c in " ·.,-/()" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


def redact(note: str | None) -> str:
    """Belt and braces: notes are redacted at landing; anything CPR-like that slipped through is masked
    here (what counts: boernedata/cpr_pattern.py)."""
    return redact_cpr_like(note)


def package_context(marts: Marts, inst: dict) -> dict:
    """Everything the package template shows for one institution."""
    sector = inst["sector"]
    group = indicators.benchmark_group(marts, inst)
    shown = indicators.indicator_periods(marts, sector)
    items = [indicators.indicator_item(marts, inst, group, cat, ptype, pid) for cat, ptype, pid in shown]
    by_dimension = defaultdict(list)
    for item, (cat, _, _) in zip(items, shown, strict=True):
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
    counts["withheld"] = sum(1 for i in items if i["status"] == "withheld")
    counts["missing"] = sum(1 for i in items if i["status"] == "missing")
    counts["total"] = len(items)

    loop_number, position = periods.loop_position(marts.period)
    loop = periods.loop_periods(marts.period)
    period_label = periods.label("half_year", marts.period)
    observations = _observations(marts.observations.get(inst["institution_id"], []))
    return {
        "inst": inst,
        "group": group,
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
        "overview": charts.overview(overview_groups, against=group.against) if overview_groups else None,
        "counts": counts,
        "not_available": indicators.not_available(marts, sector),
        "observations": observations,
        "wheel": _wheel(marts, sector),
        "guide": guide.reflection(items, sector, group, position, loop),
        "few_figures": guide.few_figures(items, inst, group, observations["count"], period_label),
        "circle": charts.learning_circle(),
        "watch": watch(marts, inst),
        "planning": planning.section(
            marts.planning.get(inst["institution_id"]), TYPE_DA.get(inst["institution_type"], "")
        ),
        "day_curve": _day_curve(marts, inst["institution_id"]),
    }


# One sentence per domain in reasons_da; a sentence starts with an indicator name (upper case), so
# "Generel trivsel 0.-3. klasse" stays whole.
_REASON_BREAK = re.compile(r"(?<=\.) (?=[A-ZÆØÅ])")


def watch_reasons(reasons_da: str | None) -> list[str]:
    return [r for r in _REASON_BREAK.split(reasons_da or "") if r]


def watch(marts: Marts, inst: dict) -> dict | None:
    """The institution's place on the watch list of the period (marts.institution_watch_list), or None
    when it is not on it or the publication has no watch list."""
    row = (marts.watch_list or {}).get(inst["institution_id"])
    if row is None:
        return None
    return _watch_entry(row)


def _watch_entry(row: dict) -> dict:
    since = row.get("first_flagged_period")
    return {
        "score": fmt.number(row["watch_score"], 2) if fmt.is_number(row.get("watch_score")) else "",
        "count": row.get("indicators_worsening"),
        "reasons": watch_reasons(row.get("reasons_da")),
        "since": periods.label("half_year", since) if since else "",
        "is_new": since == row.get("period_id"),
    }


def watch_index(marts: Marts, stems: dict[str, str]) -> list[dict] | None:
    """The period's watch list for the index page, highest score first; None without a watch list."""
    if marts.watch_list is None:
        return None
    names = {i["institution_id"]: i for i in marts.all_institutions}
    out = []
    for iid, row in marts.watch_list.items():  # already highest score first
        inst = names.get(iid, {})
        out.append(
            _watch_entry(row)
            | {
                "institution_id": iid,
                "name": inst.get("name") or iid,
                "district": inst.get("district") or "uden område",
                "sector": SECTOR_DA.get(row.get("sector"), row.get("sector") or ""),
                "html": f"{stems[iid]}.html" if iid in stems else None,
            }
        )
    return out


def _day_curve(marts: Marts, institution_id: str) -> dict | None:
    """The day curve section: None when the institution has no day profile in the period."""
    if institution_id not in marts.day_profiles:
        return None
    rows = marts.day_profiles[institution_id]
    if rows is None:
        return {"withheld": True, "chart": None}
    slots = [charts.DaySlot(r["minutes"], r["children"], r["adults"]) for r in rows]
    return {"withheld": False, "chart": charts.day_curve(slots)}


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
