"""Redaction of free text before it lands: CPR-like numbers, e-mail addresses, Danish phone numbers."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from boernedata.cpr_pattern import CPR_IN_TEXT_RE2, REDACT_RE2

# CPR numbers first (10 digits would otherwise partly look like a phone number); what counts as one:
# boernedata/cpr_pattern.py. RE2 (Arrow's regex engine) has no look-around, so digit boundaries are
# captured neighbours put back in the replacement.
PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("cpr", CPR_IN_TEXT_RE2, REDACT_RE2),
    ("email", r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", "[EMAIL]"),
    (
        "phone",
        r"(^|[^\d+])(?:(?:\+|00)45[ \-]?)?(?:\d{8}|\d{2}[ \-]\d{2}[ \-]\d{2}[ \-]\d{2}|\d{4} \d{4})([^\d]|$)",
        r"\1[TELEFON]\2",
    ),
)


def redact(values: pa.Array) -> tuple[pa.Array, dict[str, int]]:
    """Redacted copy of a string array and the number of redactions of each kind."""
    counts: dict[str, int] = {}
    out = values
    for kind, pattern, repl in PATTERNS:
        token = repl.replace("\\1", "").replace("\\2", "")
        before = pc.sum(pc.count_substring(out, token)).as_py() or 0
        # Adjacent matches share a boundary character, so a second pass catches "12345678 87654321".
        for _ in range(2):
            out = pc.replace_substring_regex(out, pattern, repl)
        counts[kind] = (pc.sum(pc.count_substring(out, token)).as_py() or 0) - before
    return out, counts


def redact_text(value: str) -> str:
    out, _ = redact(pa.array([value], pa.string()))
    return out[0].as_py()
