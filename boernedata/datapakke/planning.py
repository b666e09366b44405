"""The data package's planning section for a daycare institution (docs/planning.md): its district's capacity
and waiting list, its buildings' play area and condition, and where its former children went to school and
how they fare. Read from the published planning marts only, when the publication has them (an older
publication has not: the section is then left out). Withheld figures are shown as withheld, never as
numbers: the marts already hold NULL for them.
"""

from __future__ import annotations

from datetime import date

import duckdb

PLANNING_TABLES = ("capacity_by_district", "property_by_institution", "transitions", "transition_outcomes")
WITHHELD_DA = "skjult (færre end 5 børn, eller så et skjult tal ikke kan regnes ud)"


def available(con: duckdb.DuckDBPyConnection) -> bool:
    have = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    return all(t in have for t in PLANNING_TABLES)


def load(con: duckdb.DuckDBPyConnection, period_end: date, ids: list[str]) -> dict[str, dict]:
    """institution_id -> its planning rows for the half-year ending period_end (daycare institutions)."""
    if not ids or not available(con):
        return {}
    month = period_end.replace(day=1)
    out: dict[str, dict] = {
        i: {"capacity": None, "property": None, "transitions": [], "outcomes": None} for i in ids
    }
    for r in _dicts(
        con,
        "select i.institution_id, c.* from marts.capacity_by_district c inner join marts.institutions i "
        "on c.district = i.district and c.institution_type = i.institution_type "
        "and i.valid_from <= $d and (i.valid_to is null or i.valid_to >= $d) "
        "where c.month = $m and i.institution_id in (select unnest($ids))",
        {"d": period_end, "m": month, "ids": ids},
    ):
        out[r["institution_id"]]["capacity"] = r
    for r in _dicts(
        con,
        "select * from marts.property_by_institution "
        "where year = $y and institution_id in (select unnest($ids))",
        {"y": period_end.year, "ids": ids},
    ):
        out[r["institution_id"]]["property"] = r
    # the newest school start the period has seen
    for r in _dicts(
        con,
        "select o.* from marts.transition_outcomes o where o.school_start_year = ("
        "select max(school_start_year) from marts.transition_outcomes where school_start_year <= $y) "
        "and o.from_institution_id in (select unnest($ids))",
        {"y": period_end.year - (1 if period_end.month < 8 else 0), "ids": ids},
    ):
        out[r["from_institution_id"]]["outcomes"] = r
        out[r["from_institution_id"]]["transitions"] = _dicts(
            con,
            "select t.to_school_id, coalesce(i.name, t.to_school_id) as school_name, t.children, "
            "t.is_suppressed "
            "from marts.transitions t left join marts.institutions i on t.to_school_id = i.institution_id "
            "and i.is_current where t.from_institution_id = $f and t.school_start_year = $y "
            "order by t.is_suppressed, t.children desc, t.to_school_id",
            {"f": r["from_institution_id"], "y": r["school_start_year"]},
        )
    return {k: v for k, v in out.items() if any(v[x] for x in ("capacity", "property", "outcomes"))}


def section(rows: dict | None, type_da: str) -> dict | None:
    """The section's Danish text lines for one institution, or None without planning figures."""
    if not rows:
        return None
    lines: list[str] = []
    c = rows["capacity"]
    if c:
        month = c["month"].strftime("%m.%Y")
        if c["is_enrolled_suppressed"]:
            lines.append(
                f"Kapacitet i distriktet ({type_da}, {month}): {c['normed_places']} normerede pladser; "
                f"indskrevne børn {WITHHELD_DA}."
            )
        else:
            lines.append(
                f"Kapacitet i distriktet ({type_da}, {month}): {c['normed_places']} normerede pladser, "
                f"{c['enrolled_children']} indskrevne børn, belægning {_pct(c['utilization_pct'])}."
            )
        if c["is_waiting_suppressed"]:
            lines.append(f"Børn på venteliste ved månedens udgang: {WITHHELD_DA}.")
        elif c["waiting_children"] is not None:
            lines.append(f"Børn på venteliste ved månedens udgang: {c['waiting_children']}.")
        if c["guarantee_kept_pct"] is not None:
            lines.append(f"Pasningsgarantien overholdt for {_pct(c['guarantee_kept_pct'])} af ansøgningerne.")
    p = rows["property"]
    if p:
        if p["is_suppressed"]:
            lines.append(
                f"Bygninger: {_num(p['gross_m2'])} m², tilstand {_num(p['condition_score'])} (1-5); "
                f"tal pr. barn {WITHHELD_DA}."
            )
        else:
            lines.append(
                f"Bygninger: {_num(p['gross_m2'])} m², tilstand {_num(p['condition_score'])} "
                f"(1-5, 5 er bedst); "
                f"legeareal {_num(p['play_area_m2_per_child'])} m² pr. barn mod lovens minimum "
                f"{_num(p['legal_minimum_m2_per_child'])} m²"
                + ("; institutionen er under pres (kapacitet og bygning)." if p["pressure"] else ".")
            )
    o = rows["outcomes"]
    if o:
        year = o["school_start_year"]
        shown = [t for t in rows["transitions"] if not t["is_suppressed"]]
        hidden = len(rows["transitions"]) - len(shown)
        if o["is_suppressed"]:
            lines.append(f"Skolestart {year}: antal tidligere børn {WITHHELD_DA}.")
        else:
            went = ", ".join(f"{t['school_name']} ({t['children']})" for t in shown)
            lines.append(
                f"Skolestart {year}: {o['children']} tidligere børn startede i skole"
                + (f": {went}" if went else "")
                + (f"; antallet til {hidden} skoler er {WITHHELD_DA}" if hidden else "")
                + "."
            )
        if o["grade0_absence_pct"] is not None:
            lines.append(f"Fravær i 0. klasse: {_pct(o['grade0_absence_pct'])}.")
        if o["wellbeing_0_3_mean"] is not None:
            lines.append(f"Trivsel i 0.-3. klasse: {_num(o['wellbeing_0_3_mean'])} (1-3).")
    return {"lines": lines} if lines else None


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f} %".replace(".", ",")


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:,.1f}".replace(",", " ").replace(".", ",")


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
