"""The planted ground truth, written as JSON outside the raw folder (never read by land or dbt).

It holds no CPR numbers. Children are named by the generator's child index and by `demo_pseudonym`:
HMAC-SHA256 of the CPR number under the PUBLIC demo key (settings.DEMO_PSEUDONYM_KEY), i.e. the
pseudonym `boernedata land --demo` gives the child, so an analyst can join the truth to a demo warehouse.
All of it is synthetic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import numpy as np

from boernedata import settings
from boernedata.generate.enrollments import SchoolSpells
from boernedata.generate.institutions import Institutions
from boernedata.generate.population import CAUSE_MULTIPLIER, RATE_RATIO, Population
from boernedata.generate.school import grade_factor
from boernedata.generate.timeline import Calendar

CAUSE_SIGNALS = {
    "bilingual": "language assessments more often fokuseret/saerlig; some pupils in modtagelse classes; "
    "absence skewed to authorized leave (L); PPR referrals for sprog",
    "substance_abuse": "child-welfare notifications with reason misbrug; preventive measures "
    "(foranstaltninger); absence skewed to unauthorized (U); slightly lower wellbeing",
    "wellbeing": "low wellbeing survey answers; PPR referrals for trivsel; more notifications; "
    "lower survey participation; absence with more U",
    "academic": "low national test levels and exam grades; PPR referrals for indlaering; more special "
    "classes/special schools",
}


def demo_pseudonym(cpr: str) -> str:
    return hmac.new(settings.DEMO_PSEUDONYM_KEY, cpr.encode("ascii"), hashlib.sha256).hexdigest()


def write_truth(
    path: Path, scale: str, seed: int, pop: Population, inst: Institutions, ss: SchoolSpells, cal: Calendar
) -> dict:
    expected = pop.absence_propensity[ss.child] * grade_factor(ss.grade)
    high = np.flatnonzero(expected > 0.10)
    causes = {
        "bilingual": pop.bilingual,
        "substance_abuse": pop.substance_abuse,
        "wellbeing": pop.low_wellbeing,
        "academic": pop.academic,
    }
    pupils = []
    for j in high.tolist():
        c = int(ss.child[j])
        found = [k for k, flag in causes.items() if flag[c]]
        # the main planted cause: the one with the largest rate multiplier
        main = max(found, key=lambda k: CAUSE_MULTIPLIER[k]) if found else None
        pupils.append(
            {
                "child": c,
                "demo_pseudonym": demo_pseudonym(str(pop.cpr[c])),
                "school_year": f"{int(ss.year[j])}/{(int(ss.year[j]) + 1) % 100:02d}",
                "school_id": str(inst.ids[ss.school[j]]),
                "grade": int(ss.grade[j]),
                "planted_absence_rate": round(float(expected[j]), 4),
                "cause": main,
                "causes": found,
                "household": [
                    k
                    for k, flag in (
                        ("parents_apart", pop.parents_apart[c] and not pop.parent_unknown[c]),
                        ("parent_unknown", pop.parent_unknown[c]),
                        ("no_parent_in_work", pop.no_parent_in_work[c]),
                    )
                    if flag
                ],
            }
        )
    last = cal.last
    h_start = dt.date(last.year, 1 if last.month <= 6 else 7, 1)
    ramp_from = dt.date(h_start.year - 1, h_start.month, 1)
    det = np.flatnonzero(inst.deteriorating)
    truth = {
        "about": "Planted ground truth of the synthetic municipality (boernedata generate). Synthetic data "
        "only; no CPR numbers. Children: generator index and demo_pseudonym = HMAC-SHA256(public demo key, "
        "CPR), the pseudonym `boernedata land --demo` produces.",
        "scale": scale,
        "seed": seed,
        "window": {"first_date": cal.first.isoformat(), "last_date": cal.last.isoformat()},
        "absence": {
            "rate_ratios": RATE_RATIO,
            "rate_ratio_definitions": {
                "parents_apart": "the parents do not live together (one of them has lives_with_child = N), "
                "both known",
                "parent_unknown": "the father is unknown (far row with empty parent_cpr; the source records "
                "his employment_status as uden_for_arbejdsstyrken)",
                "no_parent_in_work": "no known parent has employment_status beskaeftiget",
            },
            "multiplicative": True,
            "no_effect": ["school_size", "class_size", "school_change"],
            "other_planted_effects": {
                "grade": "rate x (0.72 + 0.065 x grade)",
                "season": "winter months higher (up to x1.25 in January), June/July lower",
                "causes": CAUSE_MULTIPLIER,
                "type_shares": "sick/authorized/unauthorized about 62/24/14 %, shifted per cause",
            },
            "high_absence_threshold": 0.10,
            "high_absence_pupils": pupils,
        },
        "cause_signals": CAUSE_SIGNALS,
        "deteriorating_institutions": [
            {
                "institution_id": str(inst.ids[i]),
                "institution_type": str(inst.type[i]),
                "from": ramp_from.isoformat(),
                "to": cal.last.isoformat(),
                "effects": (
                    [
                        "absence x(1 + 0.9 r)",
                        "staff sickness x(1 + 1.6 r)",
                        "wellbeing latent -1.0 r",
                        "spending x(1 + 0.15 r) over budget",
                        "observation scores -1.3 r",
                    ]
                    if inst.sector[i] == "skole"
                    else [
                        "unexplained days away +6 r percentage points (attendance falls)",
                        "staff sickness x(1 + 1.6 r)",
                        "spending x(1 + 0.15 r) over budget",
                        "observation scores -1.3 r",
                    ]
                ),
                "r": "rises linearly from 0 to 1 over the last three half-years",
            }
            for i in det
        ],
        "quirks": {
            "fremmoede_no_checkout": 0.012,
            "fremmoede_system_checkout": 0.02,
            "fremmoede_double_tap": 0.01,
            "fremmoede_visit_not_enrolled": 0.0005,
            "fremmoede_checkin_on_holiday": 0.003,
            "skole_absence_corrections": 0.04,
            "cpr_failing_modulus_11": 0.04,
            "cpr_spellings": "DDMMYY-SSSS and DDMMYYSSSS about half each, per row",
            "observation_notes_with_cpr_email_or_phone": 0.07,
            "aula_institutions": [str(x) for x in inst.ids[inst.aula]],
        },
        "counts": {
            "children": int(pop.n),
            "institutions": int(inst.n),
            "high_absence_pupil_years": len(pupils),
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth
