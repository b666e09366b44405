"""Withheld cells: which published figures a package may show, and the Danish sentence that says why one
is not shown.

The published marts withhold a cell for one of two reasons (docs/publication_rules.md, "Suppression"
and "No disclosure by differencing"): `n_lt_5`, fewer than 5 persons behind it (primary), or `complementary`,
withheld so that another withheld cell cannot be recovered by subtraction (secondary). A district or
municipality value is also withheld when fewer than 3 institutions of the benchmark group contribute.

A package never trusts the numbers of a withheld cell: `cell_reason` and `benchmark_reason` decide from
the flags alone, and data.py blanks every figure of a withheld row as it reads it, so a file that breaks
the contract (a value left beside `is_suppressed = true`) still cannot leak it into any output.
"""

from __future__ import annotations

import pandas as pd

N_LT_5 = "n_lt_5"
COMPLEMENTARY = "complementary"
TOO_FEW = "too_few_institutions"  # not a published reason: a benchmark with < 3 contributing institutions
UNKNOWN = "withheld"  # withheld, by a reason this version does not know: shown as withheld, no more
MIN_INSTITUTIONS = 3  # a benchmark needs at least this many contributing institutions (dbt variable)
MEASURES = ("value", "numerator", "denominator", "n")


def _present(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and pd.isna(x)) and x is not pd.NA


def cell_reason(row: dict) -> str | None:
    """Why an institution cell is withheld, or None when it is published. Either flag withholds it."""
    reason = row.get("suppression_reason")
    if reason in (N_LT_5, COMPLEMENTARY):
        return reason
    if _present(reason) or row.get("is_suppressed") is True:
        return UNKNOWN
    return None


def benchmark_reason(row: dict) -> str | None:
    """Why a district or municipality value is withheld, or None when it is published."""
    n_institutions = row.get("n_institutions")
    if _present(n_institutions) and n_institutions < MIN_INSTITUTIONS:
        return TOO_FEW
    return cell_reason(row)


def blank(row: dict, reason: str | None) -> dict:
    """The row with every figure of a withheld cell removed (value, numerator, denominator, n)."""
    if reason is None:
        return row
    return row | {m: None for m in MEASURES if m in row}


def persons(indicator_code: str, sector: str) -> str:
    """Whom n counts for an indicator (docs/publication_rules.md, "n: the persons behind a value"):
    employees for staff indicators, else pupils or children."""
    if "paedagog_share" in indicator_code or "staff_sick" in indicator_code:
        return "medarbejdere"
    return "elever" if sector == "skole" else "børn"


def short_text(reason: str | None, benchmark: bool = False) -> str:
    """What stands in place of the number: in the value column, a bar or a chart's title."""
    if reason == TOO_FEW:
        return "for få institutioner"
    if reason == N_LT_5 and benchmark:
        return "skjult: færre end 5"
    return "skjult"


def trend_label(reason: str | None) -> str:
    """The label of a withheld point in a trend chart, where the dot would be."""
    return "<5" if reason == N_LT_5 else "skjult"


def sentence(reason: str | None, who: str, subject: str | None = None) -> str:
    """One Danish sentence: why this number is not shown. `who` = børn/elever/medarbejdere; `subject`
    names a benchmark ('specialskoler i området'); None = the institution's own number."""
    what = "Tallet" if subject is None else f"Tallet for {subject}"
    if reason == N_LT_5:
        return (
            f"{what} vises ikke, fordi det bygger på færre end 5 {who} – så få, at den enkelte ville kunne "
            "genkendes."
        )
    if reason == COMPLEMENTARY:
        example = " – fx jeres tal fra områdets samlede tal" if subject is None else ""
        return (
            f"{what} vises ikke, selv om det bygger på mindst 5 {who}, fordi et andet skjult tal ellers "
            f"kunne regnes ud ved at trække fra{example}."
        )
    if reason == TOO_FEW:
        return f"{what} vises ikke, fordi færre end {MIN_INSTITUTIONS} institutioner bidrager til det."
    if reason == UNKNOWN:
        return f"{what} er skjult i de publicerede data og vises derfor heller ikke her."
    return ""
