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
SEXES = pa.array(["K", "M"])  # by the parity of the 10th digit: even K, odd M


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
        # The run's known numbers as sorted int64 keys (10 digits fit), each with the slot of its
        # pseudonym in one Arrow array: a batch is looked up by binary search (numpy), so the cost of a
        # batch does not grow with the numbers seen before it; only new numbers reach Python, for the HMAC.
        self._keys = np.empty(0, np.int64)
        self._slots = np.empty(0, np.int64)
        self._pseudonyms = pa.array([], pa.string())
        self._lock = threading.Lock()

    def pseudonym(self, normalized: str) -> str:
        return hmac.digest(self._key, normalized.encode("ascii"), "sha256").hex()  # OpenSSL one-shot

    def _pseudonym_array(self, keys: np.ndarray) -> pa.Array:
        """Pseudonyms for normalized numbers as int64 keys."""
        with self._lock:
            pos = np.searchsorted(self._keys, keys)
            found = np.zeros(len(keys), dtype=bool)
            if len(self._keys):
                found = self._keys[np.minimum(pos, len(self._keys) - 1)] == keys
            if not found.all():
                new = np.unique(keys[~found])
                fresh = pa.array([self.pseudonym(f"{k:010d}") for k in new.tolist()], pa.string())
                at = np.searchsorted(self._keys, new)
                slots = np.arange(len(self._pseudonyms), len(self._pseudonyms) + len(new), dtype=np.int64)
                self._keys = np.insert(self._keys, at, new)
                self._slots = np.insert(self._slots, at, slots)
                self._pseudonyms = pa.concat_arrays([self._pseudonyms, fresh])
                pos = np.searchsorted(self._keys, keys)
            slots, pseudonyms = self._slots[pos], self._pseudonyms
        return pc.take(pseudonyms, pa.array(slots))

    def _lookup(self, raw: str) -> tuple[str, dt.date, str] | None:
        parsed = parse_cpr(raw)
        if parsed is None:
            return None
        # one value (a quarantined row): the HMAC itself is cheaper than a look-up in the batch cache
        return self.pseudonym(parsed[0]), parsed[1], parsed[2]

    def apply(self, values: pa.Array) -> tuple[pa.Array, ...]:
        """(pseudonym, birth_date, sex, invalid, missing) for a string array.

        Pseudonym and sex come back dictionary-encoded with one entry per distinct number (not per
        spelling: the Parquet writer falls back to plain pages for a dictionary that repeats a value),
        which the writer stores without hashing 64-character strings row by row.
        """
        enc = (
            values if pa.types.is_dictionary(values.type) else pc.dictionary_encode(values.cast(pa.string()))
        )
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        if enc.indices.type != pa.int32():
            enc = enc.cast(pa.dictionary(pa.int32(), pa.string()))
        keys, valid, birth = parse_cpr_array(enc.dictionary)
        empty = pc.equal(pc.utf8_trim_whitespace(enc.dictionary), "")
        bad = pc.and_not(pc.is_null(birth), empty)
        numbers, number_of = np.unique(keys[valid], return_inverse=True)
        spelling_number = np.zeros(len(keys), dtype=np.int32)
        spelling_number[valid] = number_of
        idx = enc.indices
        row_number = pc.take(pa.array(spelling_number, mask=~valid), idx)  # null: missing or invalid
        row_sex = pc.take(pa.array((keys % 2).astype(np.int32), mask=~valid), idx)  # 10th digit odd: M
        missing = pc.fill_null(pc.take(empty, idx), True)
        invalid = pc.fill_null(pc.take(bad, idx), False)
        return (
            pa.DictionaryArray.from_arrays(row_number, self._pseudonym_array(numbers)),
            pc.take(birth, idx),
            pa.DictionaryArray.from_arrays(row_sex, SEXES),
            invalid,
            missing,
        )

    def text(self, value: str) -> str:
        """A CPR value for a quarantine record: its pseudonym, or masked when it does not parse."""
        hit = self._lookup(value) if value else None
        return f"pseudonym:{hit[0]}" if hit else (MASK if value else "")


def parse_cpr_array(words: pa.Array) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """parse_cpr over an Arrow string array: (normalized number as int64, valid, birth date); the birth
    date is null where the value cannot be a CPR number, and the sex is the parity of the number."""
    trimmed = pc.utf8_trim_whitespace(words)
    shaped = pc.fill_null(pc.match_substring_regex(trimmed, CPR_SHAPE.pattern), False)  # RE2's \d: ASCII
    filled = pc.if_else(shaped, pc.replace_substring(trimmed, "-", ""), "0000000000").cast(pa.string())
    # Every value is now exactly 10 ASCII digits: read them straight from the Arrow data buffer.
    n = len(words)
    _, offsets, data = filled.buffers()
    start = int(np.frombuffer(offsets, np.int32, 1, filled.offset * 4)[0]) if n else 0
    d = np.frombuffer(data, np.uint8, n * 10, start).reshape(n, 10).astype(np.int64) - ord("0")
    keys = d @ (10 ** np.arange(9, -1, -1, dtype=np.int64))
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
    valid = np.asarray(shaped) & (mm >= 1) & (mm <= 12) & (dd >= 1) & (dd <= month_days)
    months = (year - 1970) * 12 + np.clip(mm, 1, 12) - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]") + (np.clip(dd, 1, 31) - 1)
    birth = pa.array(days.astype("datetime64[D]"), pa.date32(), mask=~valid)
    return keys, valid, birth
