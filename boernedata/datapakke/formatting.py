"""Danish number formatting and the comparison with the district (what counts as a real difference)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MINUS = "−"  # typographic minus: reads better than a hyphen in tables
MISSING_TEXT = "ingen data"

# Units whose district and municipality "values" are totals, not comparable levels (counts are summed).
COUNT_UNITS = {"elever"}


def is_number(x: object) -> bool:
    """True for a real number; False for None, NaN and pandas' NA (NULL in the marts)."""
    return x is not None and not pd.isna(x)


def number(x: float, decimals: int = 1, sign: bool = False) -> str:
    """1234.5 -> '1.234,5' (dot thousands, comma decimals)."""
    text = f"{abs(x):,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if x < 0 and text.strip("0,.") != "":
        return MINUS + text
    return ("+" + text) if sign and text.strip("0,.") != "" else text


def decimals_for(unit: str) -> int:
    unit = unit or ""
    if unit.startswith("kr") or unit in COUNT_UNITS:
        return 0
    if unit.startswith("point"):
        return 2
    return 1


def value(x: object, unit: str) -> str:
    """A value with its unit the way a Danish reader expects: '7,3 %', '83.400 kr.', '3,65', '552 elever'."""
    if not is_number(x):
        return MISSING_TEXT
    x = float(x)
    unit = unit or ""
    if unit == "%":
        return f"{number(x, 1)} %"
    if unit.startswith("kr"):
        return f"{number(round(x, -2), 0)} kr."
    if unit.startswith("m²"):
        return f"{number(x, 1)} m²"
    if unit.startswith("timer"):
        return f"{number(x, 1)} timer"
    if unit in COUNT_UNITS:
        return f"{number(x, 0)} {unit}"
    return number(x, decimals_for(unit))


def unit_label(unit: str) -> str:
    """The unit as a short caption under the indicator name."""
    unit = unit or ""
    if unit == "%":
        return "procent"
    return unit


def direction_text(higher_is_better: object) -> str:
    if higher_is_better is True:
        return "↑ højere er bedre"
    if higher_is_better is False:
        return "↓ lavere er bedre"
    return "hverken højere eller lavere er i sig selv bedre"


@dataclass(frozen=True)
class Comparison:
    """How an institution's value stands against the district value of its own benchmark group."""

    verdict: str  # 'better' | 'worse' | 'same' | 'higher' | 'lower' (no direction) | '' (not comparable)
    text: str  # 'Bedre end specialskoler i området', ...
    diff_text: str  # '+2,3 pct.-point', '−6 %'
    score: float  # the difference in multiples of the meaningful threshold, signed so that + is better


NO_COMPARISON = Comparison("", "", "", 0.0)


def _threshold(unit: str) -> tuple[str, float]:
    """('abs', t) = an absolute difference of t is meaningful; ('rel', t) = a relative difference of t %."""
    unit = unit or ""
    if unit == "%":
        return "abs", 2.0  # percentage points
    if unit.startswith("point"):
        return "abs", 0.1
    if unit == "karakter":
        return "abs", 0.3
    if unit == "børn pr. voksen":
        return "abs", 0.3
    return "rel", 5.0


def compare(
    x: object, district: object, unit: str, higher_is_better: bool | None, against: str = "området"
) -> Comparison:
    """Better/worse than the district only when both exist and the difference is meaningful. `against`
    names what `district` is in the verdict's text ('specialskoler i området'): the caller passes a
    district value of the institution's own benchmark group only."""
    if not is_number(x) or not is_number(district) or (unit or "") in COUNT_UNITS:
        return NO_COMPARISON
    x, district = float(x), float(district)
    kind, threshold = _threshold(unit)
    if kind == "abs":
        diff = x - district
        suffix = " pct.-point" if unit == "%" else (" point" if (unit or "").startswith("point") else "")
        diff_text = number(diff, 2 if (unit or "").startswith("point") else 1, sign=True) + suffix
    else:
        if district == 0:
            return NO_COMPARISON
        diff = (x - district) / abs(district) * 100
        diff_text = f"{number(diff, 0, sign=True)} %"
    meaningful = abs(diff) >= threshold
    if higher_is_better is None:
        if not meaningful:
            return Comparison("same", f"På niveau med {against}", diff_text, 0.0)
        return Comparison(
            "higher" if diff > 0 else "lower",
            f"Over {against}" if diff > 0 else f"Under {against}",
            diff_text,
            0.0,
        )
    signed = diff / threshold if higher_is_better else -diff / threshold
    if not meaningful:
        return Comparison("same", f"På niveau med {against}", diff_text, signed)
    if signed > 0:
        return Comparison("better", f"Bedre end {against}", diff_text, signed)
    return Comparison("worse", f"Dårligere end {against}", diff_text, signed)
