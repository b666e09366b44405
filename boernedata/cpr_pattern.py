"""What a CPR number looks like in text: the one pattern that redaction, quarantine masking and the data
packages use.

A CPR number is `DDMMYY-SSSS`: six digits of birth date and a four-digit serial (docs/raw_extracts.md,
"Conventions"; docs/architecture.md, "CPR numbers"). In text it is written with the hyphen, without it,
or with a space, so all three count: `010203-1234`, `0102031234`, `010203 1234`. What does not count:

- ten digits inside a longer run of digits (an account, EAN or invoice number of 11 digits or more);
- ten digits right after `+`: `+4512345678` is a phone number with its country code, which free-text
  redaction (landing/redact.py) names as a phone number, not as a CPR number.

The pattern does not check the date. Free text is redacted on the shape alone (a ten-digit number in a
note may be a mistyped CPR number); a caller that must keep other ten-digit codes readable, such as a cost
centre in a quarantined posting, checks each match with `landing.cpr.parse_cpr` (a cost centre
1234567890 has month 34 and is kept). The landing step's contract for a CPR *column* is stricter
(`DDMMYY-SSSS` or `DDMMYYSSSS`, landing/cpr.py): a column holds CPR numbers only, text holds anything.

One pattern, two regular-expression engines, built from the same pieces:
- `CPR_IN_TEXT`: Python's `re`, with look-around; groups `date` and `serial` hold the digits.
- `CPR_IN_TEXT_RE2`: Arrow's RE2 (`pyarrow.compute.replace_substring_regex`), which has no look-around:
  the neighbouring characters are captured as groups 1 and 2, and a replacement puts them back
  (`REDACT_RE2`).
"""

from __future__ import annotations

import re

DATE = r"\d{6}"
SEPARATOR = r"[- ]?"
SERIAL = r"\d{4}"
# Characters that may not stand right before the number (as the inside of a character class): a digit
# (part of a longer number) or `+` (a phone number's country code).
NOT_BEFORE = r"\d+"

REDACTED = "[CPR]"  # what a redacted CPR number reads as, in landed free text and in the data packages

CPR_IN_TEXT = re.compile(rf"(?<![{NOT_BEFORE}])(?P<date>{DATE}){SEPARATOR}(?P<serial>{SERIAL})(?!\d)")
CPR_IN_TEXT_RE2 = rf"(^|[^{NOT_BEFORE}]){DATE}{SEPARATOR}{SERIAL}([^\d]|$)"
REDACT_RE2 = rf"\1{REDACTED}\2"


def digits(match: re.Match) -> str:
    """The ten digits of a match of CPR_IN_TEXT, without a separator."""
    return match["date"] + match["serial"]


def redact_cpr_like(text: str | None) -> str:
    """`text` with every CPR-like number replaced by REDACTED (empty for None)."""
    return CPR_IN_TEXT.sub(REDACTED, text or "")
