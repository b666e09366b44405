"""One indicator in one data package: the institution's value for the period shown, the district and
municipality values of its own benchmark group, the previous value, the trend and the comparison.

Benchmarks are like with like (docs/publication_rules.md, "Benchmarks are pooled, like with like"): a
value is looked up by (scope, benchmark group, indicator, period), so a special school is compared with
special schools only and a childminder with childminders; every verdict (better, worse, the same) is
against the district value of that same group, and says which group it is.

Withheld cells arrive without figures (data.py); here they become 'Skjult' with the sentence that says
why (withheld.py), in the value column, the bars and the trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from boernedata.datapakke import charts, periods, withheld
from boernedata.datapakke import formatting as fmt
from boernedata.datapakke.data import Marts

PERIOD_TYPE_ORDER = {"half_year": 0, "school_year": 1, "calendar_year": 2}


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


GROUP_DA = {
    "dagpleje": "Dagpleje",
    "daginstitution": "Daginstitutioner",
    "folkeskole": "Folkeskoler",
    "specialskole": "Specialskoler",
    "fritid": "Fritidstilbud",
}


@dataclass(frozen=True)
class Group:
    """What the institution is compared with: its own benchmark group, in the district and municipality."""

    code: str | None
    label: str  # 'Specialskoler'
    district: str  # 'Specialskoler i området'
    municipality: str  # 'Specialskoler i kommunen'

    @property
    def plural(self) -> str:  # mid-sentence: 'specialskoler'
        return _lower(self.label)

    @property
    def against(self) -> str:  # mid-sentence: 'specialskoler i området'
        return _lower(self.district)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def benchmark_group(marts: Marts, inst: dict) -> Group:
    code = marts.groups.get(inst["institution_id"])
    if code is None:  # no indicator rows at all: nothing to compare with
        return Group(None, "Institutioner", "Området", "Kommunen")
    label = GROUP_DA.get(code) or marts.group_names.get(code) or code.replace("_", " ").capitalize()
    return Group(code, label, f"{label} i området", f"{label} i kommunen")


def _status(row: dict | None) -> tuple[str, str | None]:
    """('value' | 'withheld' | 'missing', the reason a cell is withheld)."""
    if row is None:
        return "missing", None
    if row["reason"] is not None:
        return "withheld", row["reason"]
    return ("value" if fmt.is_number(row["value"]) else "missing"), None


def _value_text(status: str, reason: str | None, value: object, unit: str) -> str:
    if status == "withheld":
        return withheld.short_text(reason).capitalize()
    if status == "missing":
        return fmt.MISSING_TEXT
    return fmt.value(value, unit)


@dataclass(frozen=True)
class Benchmark:
    value: float | None  # None when withheld or missing: then `reason` says which
    reason: str | None  # withheld.* or None
    text: str  # the value as text, or what stands in its place


def benchmark(
    marts: Marts,
    scope: str | None,
    group: Group,
    key: tuple[str, str, str],
    unit: str,
    row: dict | None,
    flag: str,
) -> Benchmark:
    """The district (scope = district) or municipality value of the institution's benchmark group, from its
    own row in municipality_indicators. Withheld when that row is; also when the institution's row says
    that the cell it repeats (`flag`: has_district_value / has_municipality_value) is withheld."""
    code, ptype, pid = key
    b = marts.benchmarks.get((scope, group.code, code, ptype, pid)) if group.code and scope else None
    if b is None or (b["reason"] is None and not fmt.is_number(b["value"])):
        return Benchmark(None, None, fmt.MISSING_TEXT)
    reason = b["reason"]
    if reason is None and row is not None and row["benchmark_group"] == group.code and not row[flag]:
        reason = withheld.UNKNOWN
    if reason is not None:
        return Benchmark(None, reason, withheld.short_text(reason, benchmark=True))
    text = fmt.value(b["value"], unit) + (" i alt" if unit in fmt.COUNT_UNITS else "")
    return Benchmark(float(b["value"]), None, text)


def indicator_item(marts: Marts, inst: dict, group: Group, cat: dict, ptype: str, pid: str) -> dict:
    iid, code, unit = inst["institution_id"], cat["indicator_code"], cat.get("unit") or ""
    hib = cat["higher_is_better"]
    row = marts.rows.get((iid, code, ptype, pid))
    status, reason = _status(row)
    value = float(row["value"]) if status == "value" else None
    scope = row["district"] if row is not None and row["district"] else inst["district"]
    district = benchmark(marts, scope, group, (code, ptype, pid), unit, row, "has_district_value")
    municipality = benchmark(marts, "kommune", group, (code, ptype, pid), unit, row, "has_municipality_value")
    comparison = fmt.compare(value, district.value, unit, hib, against=group.against)
    previous = _previous(marts, iid, code, ptype, pid, row)
    change = fmt.compare(value, previous, unit, hib)
    who = withheld.persons(code, inst["sector"])

    trend_points = []
    for tp in periods.previous_periods(ptype, pid):
        trow = marts.rows.get((iid, code, ptype, tp))
        tstatus, treason = _status(trow)
        tscope = trow["district"] if trow is not None and trow["district"] else inst["district"]
        tdistrict = benchmark(marts, tscope, group, (code, ptype, tp), unit, trow, "has_district_value")
        text = _value_text(tstatus, treason, trow["value"] if tstatus == "value" else None, unit)
        trend_points.append(
            charts.TrendPoint(
                label=periods.short_label(ptype, tp),
                value=float(trow["value"]) if tstatus == "value" else None,
                status=tstatus,
                district=tdistrict.value if unit not in fmt.COUNT_UNITS else None,
                text=text.lower() + (" (færre end 5)" if treason == withheld.N_LT_5 else ""),
                mark=withheld.trend_label(treason) if tstatus == "withheld" else "–",
            )
        )

    own_text = _value_text(status, reason, value, unit)
    bars = None
    if unit not in fmt.COUNT_UNITS:
        bars = charts.comparison_bars(
            [
                charts.Bar("Jer", value, own_text.lower(), charts.INSTITUTION),
                charts.Bar("Området", district.value, district.text, charts.DISTRICT, group.district),
                charts.Bar(
                    "Kommunen", municipality.value, municipality.text, charts.MUNICIPALITY, group.municipality
                ),
            ]
        )
    bench_why = [
        withheld.sentence(b.reason, who, _lower(name))
        for b, name in ((district, group.district), (municipality, group.municipality))
        if b.reason not in (None, withheld.TOO_FEW)
    ]
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
        "reason": reason,
        "who": who,
        "why": withheld.sentence(reason, who) if status == "withheld" else "",
        "bench_why": bench_why,
        "value_text": own_text,
        "district": district,
        "municipality": municipality,
        "district_text": district.text,
        "municipality_text": municipality.text,
        "previous_text": fmt.value(previous, unit) if previous is not None else "",
        "change": change,
        "about_persons": status == "value" and fmt.is_number(row["n"]),
        "n_text": f"n = {fmt.number(row['n'], 0)}" if status == "value" and fmt.is_number(row["n"]) else "",
        "comparison": comparison,
        "bars": bars,
        "trend": charts.trend(trend_points, unit),
        "is_count": unit in fmt.COUNT_UNITS,
    }


def _previous(marts: Marts, iid: str, code: str, ptype: str, pid: str, row: dict | None) -> float | None:
    """The value of the previous period of the same type, from that period's own row: shown only when it
    is published there and the row's previous_value says so too."""
    if row is None or row["reason"] is not None or not row["has_previous_value"]:
        return None
    before = marts.rows.get((iid, code, ptype, periods.previous_periods(ptype, pid, 2)[0]))
    if before is None or before["reason"] is not None or not fmt.is_number(before["value"]):
        return None
    return float(before["value"])


def _period_note(marts: Marts, ptype: str, pid: str) -> str:
    if ptype == "school_year" and date(int(pid[:4]) + 1, 7, 31) > marts.period_end:
        return "Undervisningen sluttede i juni; skoleåret slutter formelt 31. juli."
    return ""
