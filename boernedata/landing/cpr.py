"""CPR numbers: validate, derive birth date and sex, and replace by a keyed pseudonym.

Work is done on the distinct values of an Arrow array only (dictionary encoding) and cached for the
run: the check-in extract has tens of millions of rows but only tens of thousands of children.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import threading

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CPR_SHAPE = re.compile(r"^(\d{6})-?(\d{4})$", re.ASCII)  # ASCII digits only
MASK = "XXXXXX-XXXX"


def century(yy: int, digit7: int) -> int | None:
    """The birth century from the two-digit year and the 7th digit (domain.md)."""
    if digit7 <= 3:
        return 1900
    if digit7 in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800  # 5-8


def parse_cpr(value: str) -> tuple[str, dt.date, str] | None:
    """(normalized 10 digits, birth date, sex M/K), or None when it cannot be a CPR number.

    The modulus-11 check is deliberately not applied (numbers issued since 2007 need not pass it).
    """
    m = CPR_SHAPE.match(value.strip())
    if not m:
        return None
    digits = m.group(1) + m.group(2)
    dd, mm, yy, d7 = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    try:
        birth = dt.date(century(yy, d7) + yy, mm, dd)
    except ValueError:
        return None
    return digits, birth, "M" if int(digits[9]) % 2 else "K"


class Pseudonymizer:
    """HMAC-SHA256(key, normalized CPR), cached for the run by normalized number.

    Validation, birth date and sex are vectorized over the distinct spellings of a batch (Arrow compute);
    only numbers never seen before in the run go through Python, for the HMAC.
    """

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("an empty pseudonym key is not allowed")
        self._key = key
        # The run's known numbers and their pseudonyms as two aligned Arrow arrays: a batch is looked up
        # with one hash join in C (index_in); only numbers never seen before reach Python, for the HMAC.
        self._known = (pa.array([], pa.string()), pa.array([], pa.string()))
        self._lock = threading.Lock()

    def pseudonym(self, normalized: str) -> str:
        return hmac.digest(self._key, normalized.encode("ascii"), "sha256").hex()  # OpenSSL one-shot

    def _pseudonym_array(self, digits: pa.Array) -> pa.Array:
        """Pseudonyms for an array of normalized numbers (null stays null)."""
        known_digits, known_pseudo = self._known
        pos = pc.index_in(digits, value_set=known_digits)
        if pc.sum(pc.and_(pc.is_null(pos), pc.is_valid(digits))).as_py() or 0:
            with self._lock:
                known_digits, known_pseudo = self._known
                pos = pc.index_in(digits, value_set=known_digits)
                new = pc.unique(digits.filter(pc.and_(pc.is_null(pos), pc.is_valid(digits)))).to_pylist()
                if new:
                    known_digits = pa.concat_arrays([known_digits, pa.array(new, pa.string())])
                    fresh = pa.array([self.pseudonym(d) for d in new], pa.string())
                    known_pseudo = pa.concat_arrays([known_pseudo, fresh])
                    self._known = (known_digits, known_pseudo)
                    pos = pc.index_in(digits, value_set=known_digits)
        return pc.take(known_pseudo, pos)

    def _lookup(self, raw: str) -> tuple[str, dt.date, str] | None:
        parsed = parse_cpr(raw)
        if parsed is None:
            return None
        # one value (a quarantined row): the HMAC itself is cheaper than a look-up in the batch cache
        return self.pseudonym(parsed[0]), parsed[1], parsed[2]

    def apply(self, values: pa.Array) -> tuple[pa.Array, ...]:
        """(pseudonym, birth_date, sex, invalid, missing) for a string array.

        Pseudonym and sex come back dictionary-encoded (one entry per distinct spelling of the batch),
        which the Parquet writer stores without hashing 64-character strings row by row.
        """
        from boernedata.landing.parse import dictionary_array

        enc = (
            values if pa.types.is_dictionary(values.type) else pc.dictionary_encode(values.cast(pa.string()))
        )
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        if enc.indices.type != pa.int32():
            enc = enc.cast(pa.dictionary(pa.int32(), pa.string()))
        digits, birth, sex = parse_cpr_array(enc.dictionary)
        empty = pc.equal(pc.utf8_trim_whitespace(enc.dictionary), "")
        bad = pc.and_not(pc.is_null(birth), empty)
        pseudo = self._pseudonym_array(digits)
        idx = enc.indices
        missing = pc.fill_null(pc.take(empty, idx), True)
        invalid = pc.fill_null(pc.take(bad, idx), False)
        return (
            dictionary_array(idx, pseudo),
            pc.take(birth, idx),
            dictionary_array(idx, sex),
            invalid,
            missing,
        )

    def text(self, value: str) -> str:
        """A CPR value for a quarantine record: its pseudonym, or masked when it does not parse."""
        hit = self._lookup(value) if value else None
        return f"pseudonym:{hit[0]}" if hit else (MASK if value else "")


def parse_cpr_array(words: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """parse_cpr over an Arrow string array: (normalized digits, birth date, sex), null where invalid."""
    trimmed = pc.utf8_trim_whitespace(words)
    shaped = pc.match_substring_regex(trimmed, CPR_SHAPE.pattern)  # RE2's \d is ASCII only
    digits = pc.replace_substring_regex(trimmed, "-", "")
    n = len(words)
    filled = pc.if_else(pc.fill_null(shaped, False), digits, "0000000000")
    d = np.frombuffer(
        np.asarray(filled.to_numpy(zero_copy_only=False), dtype="S10").tobytes(), dtype=np.uint8
    ).reshape(n, 10).astype(np.int64) - ord("0")
    dd, mm, yy, d7 = d[:, 0] * 10 + d[:, 1], d[:, 2] * 10 + d[:, 3], d[:, 4] * 10 + d[:, 5], d[:, 6]
    # century(): 0-3 -> 1900; 4 and 9 -> 2000 up to yy 36 else 1900; 5-8 -> 2000 up to yy 57 else 1800
    cent = np.where(
        d7 <= 3,
        1900,
        np.where(np.isin(d7, (4, 9)), np.where(yy <= 36, 2000, 1900), np.where(yy <= 57, 2000, 1800)),
    )
    year = cent + yy
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(mm, 0, 12)]
    month_days = month_days + ((mm == 2) & leap)
    valid = np.asarray(pc.fill_null(shaped, False)) & (mm >= 1) & (mm <= 12) & (dd >= 1) & (dd <= month_days)
    months = (year - 1970) * 12 + np.clip(mm, 1, 12) - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]") + (np.clip(dd, 1, 31) - 1)
    mask = pa.array(~valid)
    birth = pa.array(days.astype("datetime64[D]"), pa.date32(), mask=~valid)
    sex = pc.if_else(pa.array(d[:, 9] % 2 == 1), "M", "K")
    none = pa.scalar(None, pa.string())
    return pc.if_else(mask, none, digits), birth, pc.if_else(mask, none, sex)
