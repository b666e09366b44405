"""One pattern says what a CPR number looks like in text (boernedata/cpr_pattern.py): its two spellings
(Python's re, Arrow's RE2) agree, and each caller gets what it relies on: free-text redaction at landing,
masking in quarantine text (which keeps cost centres readable) and the data packages' last-line mask."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from boernedata.cpr_pattern import CPR_IN_TEXT, CPR_IN_TEXT_RE2, REDACT_RE2, REDACTED, redact_cpr_like
from boernedata.datapakke import content
from boernedata.landing.quarantine import mask_cpr_like
from boernedata.landing.redact import redact_text

CAUGHT = {
    "barn 010203-1234 kom": "barn [CPR] kom",  # DDMMYY-SSSS
    "barn 0102031234 kom": "barn [CPR] kom",  # DDMMYYSSSS
    "barn 010203 1234 kom": "barn [CPR] kom",  # DDMMYY SSSS
    "0102031234": "[CPR]",  # the whole text
    "(0102031234)": "([CPR])",
    "a 010203-1234 og 150619-4321": "a [CPR] og [CPR]",
    "1234567890": "[CPR]",  # a cost centre has the shape too: the shape alone does not know
}
NOT_CAUGHT = [
    "01020312345",  # 11 digits: a longer number
    "123456789012",  # 12 digits (EAN, account)
    "x01020312345x",
    "+4512345678",  # a phone number with its country code
    "010203123",  # 9 digits
    "01020-31234",  # the hyphen in the wrong place
    "010203--1234",
    "2025-03-31",
    "tlf. 33 66 33 66",
]


@pytest.mark.parametrize(("text", "want"), CAUGHT.items())
def test_both_spellings_catch_cpr_numbers(text, want):
    assert redact_cpr_like(text) == want
    arrow = pc.replace_substring_regex(pa.array([text]), CPR_IN_TEXT_RE2, REDACT_RE2)[0].as_py()
    assert arrow == want


@pytest.mark.parametrize("text", NOT_CAUGHT)
def test_both_spellings_leave_longer_numbers_and_phone_numbers(text):
    assert CPR_IN_TEXT.search(text) is None
    assert redact_cpr_like(text) == text
    assert pc.replace_substring_regex(pa.array([text]), CPR_IN_TEXT_RE2, REDACT_RE2)[0].as_py() == text


def test_free_text_redaction_at_landing():
    assert redact_text("barn 010203-1234, 0102031234 og 010203 1234") == "barn [CPR], [CPR] og [CPR]"
    assert redact_text("ring +4512345678") == "ring [TELEFON]"  # a phone number, not a CPR number
    assert redact_text("bilag 01020312345") == "bilag 01020312345"


def test_quarantine_masks_only_numbers_that_parse():
    """Quarantine text is for diagnosis: a ten-digit cost centre stays readable, a CPR number does not."""
    assert mask_cpr_like('{"omkostningssted": "1234567890"}') == '{"omkostningssted": "1234567890"}'
    for spelled in ("150619-4321", "1506194321", "150619 4321"):
        assert mask_cpr_like(f'{{"x": "{spelled}"}}') == '{"x": "XXXXXX-XXXX"}'
    assert mask_cpr_like("15061943210") == "15061943210"


def test_data_package_mask():
    assert content.redact("barn 010203-1234 og 010203 1234") == f"barn {REDACTED} og {REDACTED}"
    assert content.redact("konto 01020312345") == "konto 01020312345"
    assert content.redact(None) == ""
