"""CPR numbers: validate, derive birth date and sex, and replace by a keyed pseudonym.

Work is vectorized (numpy on the Arrow buffers), done on the distinct spellings of a dictionary-encoded
array, and the pseudonyms are cached for the run: the check-in extract has tens of millions of rows but
only tens of thousands of children.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import threading

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from boernedata.contracts import PERSONS_SCHEMA
from boernedata.landing.masks import dictionary_array, one_array, per_row

CPR_SHAPE = re.compile(r"^(\d{6})-?(\d{4})$", re.ASCII)  # ASCII digits only
MASK = "XXXXXX-XXXX"
SEXES = pa.array(["K", "M"])  # by the parity of the 10th digit: even K, odd M


def century(yy: int, digit7: int) -> int | None:
    """The birth century from the two-digit year and the 7th digit (docs/raw_extracts.md, "Conventions")."""
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


HEX_WIDTH = 64  # characters of a pseudonym: SHA-256 in hex
# Person keys come dictionary-encoded from apply() only when a person is on 8 rows of a batch or more
# (check-ins, survey answers): a dictionary page costs more to write than a plain one, worth it where it
# makes the column several times smaller (docs/benchmarks.md).
KEY_DICTIONARY_SHARE = 8


class Pseudonymizer:
    """HMAC-SHA256(key, normalized CPR), cached for the run by normalized number.

    Validation is vectorized over a batch (parse_cpr_array); only numbers never seen before in the run
    go through Python, for the HMAC. A landed CPR column holds the person key (contracts.PERSONS_SCHEMA);
    the persons first seen since the last call of new_persons() go to the register.
    """

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("an empty pseudonym key is not allowed")
        self._key = key
        self._hmac_states = _hmac_states(key)
        # The run's person keys by slot, in a buffer that doubles when full. Slots are looked up in a
        # hash index of the numbers of the first slots, the later ones kept sorted for binary search and
        # merged into a new index when they pass a quarter of it (building one is cheap but not free).
        # Only new numbers reach Python, for the HMAC.
        self._keys = np.empty(1024, np.int64)
        self._count = 0
        self._numbers: list[np.ndarray] = []  # by slot, in chunks
        self._index = _hash_index(np.empty(0, np.int64))
        self._recent = (np.empty(0, np.int64), np.empty(0, np.int64))  # (sorted numbers, their slots)
        # New persons not yet handed to the register: (numbers, digests) chunks
        self._unregistered: list[tuple[np.ndarray, bytes]] = []
        self._lock = threading.Lock()

    def pseudonym(self, normalized: str) -> str:
        return hmac.digest(self._key, normalized.encode("ascii"), "sha256").hex()  # OpenSSL one-shot

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        """The slot of each number's person key (int64), HMAC-ing the numbers new to the run."""
        slots = self._find(keys, self._index, self._recent)  # lock-free: the index only grows
        miss = np.flatnonzero(slots < 0)
        if not len(miss):
            return slots
        unknown = keys[miss]
        with self._lock:  # another thread may have added some meanwhile: look again, then add
            found = self._find(unknown, self._index, self._recent)
            new = np.unique(unknown[found < 0])
            if len(new):
                self._add(new)
                found = self._find(unknown, self._index, self._recent)
        slots[miss] = found
        return slots

    @staticmethod
    def _find(keys: np.ndarray, index, recent: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        slots = index.get_indexer(keys)
        miss = np.flatnonzero(slots < 0)
        numbers, their_slots = recent
        if len(miss) and len(numbers):
            pos = np.minimum(np.searchsorted(numbers, keys[miss]), len(numbers) - 1)
            hit = numbers[pos] == keys[miss]
            slots[miss[hit]] = their_slots[pos[hit]]
        return slots

    def _add(self, new: np.ndarray) -> None:
        """Person keys for new numbers (sorted, distinct, none known); the caller holds the lock."""
        digests = _hmac_sha256_many(self._hmac_states, _ascii_numbers(new))
        first, count = self._count, self._count + len(new)
        if count > len(self._keys):  # readers keep the old buffer, which holds their slots
            grown = np.empty(max(count, 2 * len(self._keys)), np.int64)
            grown[:first] = self._keys[:first]
            self._keys = grown
        self._keys[first:count] = person_keys(digests)
        self._count = count
        self._numbers.append(new)
        self._unregistered.append((new, digests))
        numbers, slots = self._recent
        if len(numbers) + len(new) > max(len(self._index) // 4, 4096):
            self._numbers = [np.concatenate(self._numbers)]
            self._index = _hash_index(self._numbers[0])  # published ready to use: lock-free look-ups
            self._recent = (np.empty(0, np.int64), np.empty(0, np.int64))
            return
        at = np.searchsorted(numbers, new)
        new_slots = np.arange(first, count, dtype=np.int64)
        self._recent = (np.insert(numbers, at, new), np.insert(slots, at, new_slots))

    def new_persons(self) -> pa.Table | None:
        """The persons first seen in this run since the last call (contracts.PERSONS_SCHEMA), or None."""
        with self._lock:
            chunks, self._unregistered = self._unregistered, []
        if not chunks:
            return None
        numbers = np.concatenate([n for n, _ in chunks])
        digests = b"".join(d for _, d in chunks)
        n = len(numbers)
        hexed = digests.hex().encode("ascii")
        offsets = np.arange(0, HEX_WIDTH * (n + 1), HEX_WIDTH, dtype=np.int32)
        pseudonyms = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(hexed))
        days = _birth_days(_number_digits(numbers))
        return pa.table(
            [
                pa.array(person_keys(digests)),
                pseudonyms,
                pa.array(days, pa.int32()).cast(pa.date32()),
                pc.take(SEXES, pa.array((numbers % 2).astype(np.int32))),
            ],
            schema=PERSONS_SCHEMA,
        )

    def _key_column(self, slots: np.ndarray, rows: int, indices: pa.Array | None = None) -> pa.Array:
        """The person keys of `slots` (-1 for none: null), one slot per row or, with `indices`, per
        dictionary entry; dictionary-encoded with one entry per person when persons repeat enough
        (KEY_DICTIONARY_SHARE; the Parquet writer then writes the dictionary as it is, where hashing every
        row's key costs more than a plain page), else plain."""
        valid = slots >= 0
        counts = np.bincount(slots[valid], minlength=1)
        used = np.flatnonzero(counts)
        if len(used) * KEY_DICTIONARY_SHARE > rows:
            keys = pa.array(self._keys[np.where(valid, slots, 0)], mask=~valid)
            return keys if indices is None else pc.take(keys, indices)
        rank = np.zeros(len(counts), dtype=np.int32)
        rank[used] = np.arange(len(used), dtype=np.int32)
        number = pa.array(rank[np.where(valid, slots, 0)], mask=~valid)
        if indices is not None:
            number = pc.take(number, indices)
        return dictionary_array(number, pa.array(self._keys[used]))

    def _lookup(self, raw: str) -> tuple[str, dt.date, str] | None:
        parsed = parse_cpr(raw)
        if parsed is None:
            return None
        # one value (a quarantined row): the HMAC itself is cheaper than a look-up in the batch cache
        return self.pseudonym(parsed[0]), parsed[1], parsed[2]

    def apply(self, values: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """(person key, invalid, missing) for a string array (or a dictionary-encoded one, whose
        distinct spellings only are parsed); invalid and missing as numpy masks."""
        values = one_array(values)
        encoded = pa.types.is_dictionary(values.type)
        words = values.dictionary.cast(pa.string()) if encoded else values.cast(pa.string())
        keys, valid = parse_cpr_array(words)
        missing = ~np.asarray(words.is_valid())  # null or blank, per distinct spelling (or per row)
        odd = np.flatnonzero(~valid & ~missing)  # a valid number is never blank: trim only the others
        if len(odd):
            trimmed = pc.utf8_trim_whitespace(words.take(pa.array(odd)))
            missing[odd] = np.asarray(pc.equal(trimmed, ""))
        bad = ~valid & ~missing
        slots = np.full(len(keys), -1, dtype=np.int64)
        slots[valid] = self._slots(keys[valid])
        idx = values.indices if encoded else None
        person_key = self._key_column(slots, len(values), idx)
        if encoded:
            missing, bad = per_row(missing, idx, True), per_row(bad, idx, False)
        return person_key, bad, missing

    def text(self, value: str) -> str:
        """A CPR value for a quarantine record: its pseudonym, or masked when it does not parse."""
        hit = self._lookup(value) if value else None
        return f"pseudonym:{hit[0]}" if hit else (MASK if value else "")


def person_keys(digests: bytes) -> np.ndarray:
    """The person key of each HMAC-SHA256 digest (32 bytes each, concatenated): its first 8 bytes as a
    big-endian signed integer. Keys of different persons collide with probability ~n^2/2^65 (3 million
    persons: 2e-7); the register's compaction refuses a collision rather than merging two persons."""
    return np.frombuffer(digests, ">i8").reshape(-1, 4)[:, 0].astype(np.int64)


def _hmac_states(key: bytes) -> tuple:
    """The SHA-256 states after the inner and the outer padded key of HMAC-SHA256 (RFC 2104)."""
    block = hashlib.sha256().block_size
    key = hashlib.sha256(key).digest() if len(key) > block else key
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


def _hmac_sha256_many(states: tuple, messages: list[bytes]) -> bytes:
    """HMAC-SHA256 of each message, the digests concatenated: the keyed states are copied per message,
    not rebuilt from the key (less than half the time of hmac.digest per number: docs/benchmarks.md).
    Pseudonymizer.pseudonym() is the one-value reference."""
    inner, outer = states

    def digest(message: bytes, inner_copy=inner.copy, outer_copy=outer.copy) -> bytes:
        h = inner_copy()
        h.update(message)
        o = outer_copy()
        o.update(h.digest())
        return o.digest()

    return b"".join(map(digest, messages))


def _ascii_numbers(numbers: np.ndarray) -> list[bytes]:
    """Each normalized number (int64) as its ten ASCII digits."""
    raw = (_number_digits(numbers).T + np.uint8(ord("0"))).tobytes()
    return [raw[i : i + 10] for i in range(0, len(raw), 10)]


def _number_digits(numbers: np.ndarray) -> np.ndarray:
    """The ten digits of each normalized number (int64) as a 10 x n uint8 array, as _cpr_digits gives."""
    digits = np.empty((10, len(numbers)), np.uint8)
    rest = numbers.copy()
    for k in range(9, -1, -1):
        digits[k] = rest % 10
        rest //= 10
    return digits


_NO_DAY = np.iinfo(np.int32).min


def _cpr_digits(words: pa.StringArray, trim: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(the ten digits of each value as a 10 x n uint8 array, shaped): shaped where the value, with
    surrounding whitespace trimmed, is DDMMYYSSSS or DDMMYY-SSSS in ASCII digits (CPR_SHAPE). Read
    straight from the Arrow buffers, digit by digit; only values of another shape are trimmed and read
    again."""
    n = len(words)
    present = np.asarray(words.is_valid(), dtype=bool)
    offsets = np.frombuffer(words.buffers()[1], np.int32, n + 1, words.offset * 4)
    start, length = offsets[:-1], np.diff(offsets)
    ten, eleven = present & (length == 10), present & (length == 11)
    fits = ten | eleven
    d = np.zeros((10, n), dtype=np.uint8)
    shaped = np.zeros(n, dtype=bool)
    if fits.any():
        data = np.frombuffer(words.buffers()[2], np.uint8)
        at = np.where(fits, start, 0)
        eleven &= data[at + 6 * eleven] == ord("-")
        shaped = ten | eleven
        for k in range(10):  # the last four digits start at 6, or at 7 after the dash
            d[k] = data[at + k + (eleven if k >= 6 else 0)]
            d[k] -= ord("0")
            shaped &= d[k] <= 9  # below "0" wrapped round to above 9
    retry = np.flatnonzero(present & ~shaped & (length > 0)) if trim else ()
    if len(retry):  # e.g. " 0101085490" (str.strip() and this trim both take Unicode whitespace)
        d2, shaped2 = _cpr_digits(pc.utf8_trim_whitespace(words.take(pa.array(retry))), trim=False)
        d[:, retry], shaped[retry] = d2, shaped2
    d[:, ~shaped] = 0
    return d, shaped


def _hash_index(numbers: np.ndarray):
    """A pandas index of distinct numbers with its hash table built, so threads only read it."""
    import pandas as pd

    index = pd.Index(numbers, dtype=np.int64)
    if not index.is_unique:  # also builds the table
        raise AssertionError("pseudonym numbers must be distinct")
    return index


@functools.cache
def _birth_tables() -> tuple[np.ndarray, np.ndarray]:
    """(year by YY and 7th digit, per century(); days since 1970 by year - 1800, month and day, or
    _NO_DAY where that date does not exist, month 13 and day 32 standing for any larger number)."""
    years = np.array([[century(yy, d7) + yy for d7 in range(10)] for yy in range(100)], dtype=np.int64)
    days = np.arange(np.datetime64("1800-01-01"), np.datetime64("2100-01-01"))
    month = days.astype("datetime64[M]")
    table = np.full((300, 14, 33), _NO_DAY, dtype=np.int32)
    y = month.astype("datetime64[Y]").astype(np.int64) + 1970 - 1800
    table[y, month.astype(np.int64) % 12 + 1, (days - month.astype("datetime64[D]")).astype(np.int64) + 1] = (
        days.astype(np.int64)
    )
    return years, table


def parse_cpr_array(words: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """parse_cpr's validation over an Arrow string array: (normalized number as int64, valid). The birth
    date and sex follow from the number (new_persons)."""
    d, shaped = _cpr_digits(words.cast(pa.string()))
    return _number(d), shaped & (_birth_days(d) != _NO_DAY)


def _birth_days(d: np.ndarray) -> np.ndarray:
    """The birth date (days since 1970, int32) of each number's ten digits (10 x n), _NO_DAY where that
    date does not exist."""
    years, table = _birth_tables()
    dd, mm, yy = (d[k] * np.uint8(10) + d[k + 1] for k in (0, 2, 4))  # at most 99: fits uint8
    return table[years[yy, d[6]] - 1800, np.minimum(mm, 13), np.minimum(dd, 32)]


def _number(d: np.ndarray) -> np.ndarray:
    """The ten digits as one int64, by Horner's rule on the two halves in uint32 (faster than an int64
    matrix product, which numpy does without BLAS)."""
    halves = []
    for digits in (d[:6], d[6:]):
        acc = np.zeros(d.shape[1], dtype=np.uint32)
        for row in digits:
            acc *= 10
            acc += row
        halves.append(acc)
    return halves[0].astype(np.int64) * 10_000 + halves[1]
