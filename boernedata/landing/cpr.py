"""CPR numbers: validate, derive birth date and sex, and replace by a keyed pseudonym.

Work is done on the distinct values of an Arrow array only (dictionary encoding) and cached for the
run: the check-in extract has tens of millions of rows but only tens of thousands of children.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import threading

import pyarrow as pa
import pyarrow.compute as pc

CPR_SHAPE = re.compile(r"^(\d{6})-?(\d{4})$")
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
    """HMAC-SHA256(key, normalized CPR) with a per-run cache keyed by the raw spelling."""

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("an empty pseudonym key is not allowed")
        self._key = key
        self._cache: dict[str, tuple[str, dt.date, str] | None] = {}
        self._arrays: tuple[pa.Array, ...] | None = None
        self._lock = threading.Lock()

    def pseudonym(self, normalized: str) -> str:
        return hmac.new(self._key, normalized.encode("ascii"), hashlib.sha256).hexdigest()

    def _lookup(self, raw: str) -> tuple[str, dt.date, str] | None:
        hit = self._cache.get(raw, ...)
        if hit is ...:
            parsed = parse_cpr(raw)
            hit = None if parsed is None else (self.pseudonym(parsed[0]), parsed[1], parsed[2])
            self._cache[raw] = hit
        return hit

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
        words = enc.dictionary
        empty = pc.equal(pc.utf8_trim_whitespace(words), "")
        # Distinct spellings of this batch -> positions in the run's table of known spellings; only
        # spellings never seen before go through Python (HMAC, date check).
        with self._lock:
            known = self._known_arrays()
            pos = pc.index_in(words, value_set=known[0]) if len(known[0]) else None
            if pos is None or pos.null_count:
                new = words if pos is None else words.filter(pc.is_null(pos))
                for raw in new.to_pylist():
                    self._lookup(raw)
                known = self._known_arrays()
                pos = pc.index_in(words, value_set=known[0])
        _, pseudo, birth, sex, bad = (pc.take(a, pos) for a in known)
        pseudo = pc.if_else(empty, pa.scalar(None, pa.string()), pseudo)
        idx = enc.indices
        missing = pc.fill_null(pc.take(empty, idx), True)
        invalid = pc.fill_null(pc.take(pc.and_not(bad, empty), idx), False)
        return (
            dictionary_array(idx, pseudo),
            pc.take(birth, idx),
            dictionary_array(idx, sex),
            invalid,
            missing,
        )

    def _known_arrays(self) -> tuple[pa.Array, ...]:
        if self._arrays is None or len(self._arrays[0]) != len(self._cache):
            items = list(self._cache.items())
            raws = [k for k, _ in items]
            hits = [h for _, h in items]
            self._arrays = (
                pa.array(raws, pa.string()),
                pa.array([h[0] if h else None for h in hits], pa.string()),
                pa.array([h[1] if h else None for h in hits], pa.date32()),
                pa.array([h[2] if h else None for h in hits], pa.string()),
                pa.array([h is None for h in hits], pa.bool_()),
            )
        return self._arrays

    def text(self, value: str) -> str:
        """A CPR value for a quarantine record: its pseudonym, or masked when it does not parse."""
        hit = self._lookup(value) if value else None
        return f"pseudonym:{hit[0]}" if hit else (MASK if value else "")
