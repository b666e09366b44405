"""Typed parsing of one batch of an extract, exactly per contract, with a reason for every bad value.

Everything is vectorized with pyarrow.compute: a batch becomes the landed columns plus a list of checks
(source column, reason code, boolean mask). A row with any failing check is quarantined by the caller.
Values that do not parse become null in the parsed columns, so the Great Expectations suite run on the
parsed frame sees them as nulls (see suite_runner.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from boernedata.contracts import KIND_ARROW_TYPES, Column, Extract, person_key_name
from boernedata.landing.cpr import Pseudonymizer
from boernedata.landing.masks import dictionary_array, one_array, per_row
from boernedata.landing.redact import redact

# Reason codes of quarantined rows, with the landing report's explanation (in Danish: its readers are the
# municipality's data stewards). Reasons starting with "bad_" (and missing_value) leave the parsed value
# null; the others keep the value, which breaks the contract.
REASONS = {
    "missing_value": "en påkrævet værdi er tom",
    "bad_cpr": "ikke et muligt CPR-nummer (forkert længde eller umulig fødselsdato)",
    "bad_date": "ikke en gyldig dato i kontraktens format",
    "bad_timestamp": "ikke et gyldigt tidspunkt i kontraktens format",
    "bad_time": "ikke et gyldigt klokkeslæt (TT:MM)",
    "bad_number": "ikke et tal i kontraktens format",
    "bad_boolean": "ikke J eller N",
    "not_in_enum": "ikke en af kontraktens tilladte værdier",
    "out_of_range": "uden for kontraktens grænser",
    "pattern_mismatch": "passer ikke til kontraktens format",
    "duplicate_key": "gentager en værdi, der skal være entydig i leverancen",
    "inconsistent": "bryder en regel mellem kontraktens kolonner",
    "bad_field_count": "linjen har et forkert antal felter",
    "bad_json": "linjen er ikke et JSON-objekt",
}
NULLING_REASONS = frozenset(r for r in REASONS if r.startswith("bad_")) | {"missing_value"}

PLAIN_INT = r"^[+-]?\d{1,18}$"
DANISH_INT = r"^[+-]?(\d{1,3}(\.\d{3}){1,5}|\d{1,18})$"
PLAIN_DECIMAL = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"
DANISH_DECIMAL = r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?$"
TIMESTAMP_TZ = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:?\d{2}|Z)$"
TIME_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
# The usual fixed-width spellings of TIMESTAMP and TIMESTAMP_TZ ('9' a digit, '±' a sign): a column of
# one of them is checked in place, not by the regex. Ranges (hour 24, second 60) are the cast's to reject.
TIMESTAMP_WIDE = ("9999-99-99 99:99:99", "9999-99-99T99:99:99")
TIMESTAMP_TZ_WIDE = ("9999-99-99T99:99:99±99:99", "9999-99-99T99:99:99Z")
LOCAL_TZ = "Europe/Copenhagen"
# A CPR column is dictionary-encoded before parsing when at most 1/4 of its first values are distinct
# spellings (check-ins: 0.09; pupils' absence days: 0.6, parents: 0.98).
CPR_REPEAT_SHARE = 4


@dataclass
class Parsed:
    columns: dict[str, pa.Array]
    checks: list[tuple[str, str, np.ndarray]] = field(default_factory=list)
    redactions: Counter = field(default_factory=Counter)

    def check(self, column: str, reason: str, mask: pa.Array | pa.ChunkedArray | np.ndarray) -> None:
        if isinstance(mask, np.ndarray):
            arr = mask
        else:
            arr = one_array(pc.fill_null(mask, False)).to_numpy(zero_copy_only=False)
        if arr.any():
            self.checks.append((column, reason, arr))


def plain(arr: pa.Array) -> pa.Array:
    """A dictionary-encoded array decoded."""
    return arr.cast(arr.type.value_type) if pa.types.is_dictionary(arr.type) else arr


def _strings(arr: pa.Array) -> pa.Array:
    """A string array; dictionary-encoded strings stay encoded (checks then run on the distinct values)."""
    if pa.types.is_dictionary(arr.type):
        if pa.types.is_string(arr.type.value_type):
            return arr
        if pa.types.is_large_string(arr.type.value_type):
            return arr.cast(pa.dictionary(arr.type.index_type, pa.string()))
        arr = arr.cast(arr.type.value_type)
    if not pa.types.is_string(arr.type):
        # A column stored with the wrong physical type is parsed value by value from its text.
        arr = pc.cast(arr, pa.string())
    return arr


def _empty(s: pa.Array) -> pa.Array:
    return pc.or_kleene(pc.is_null(s), pc.equal(pc.utf8_trim_whitespace(s), ""))


def _null_where(arr: pa.Array, mask: pa.Array) -> pa.Array:
    return pc.if_else(pc.fill_null(mask, True), pa.nulls(len(arr), arr.type), arr)


def _full_match(s: pa.Array, regex: str) -> pa.Array:
    return pc.match_substring_regex(s, f"^(?:{regex})$")


def _parse_date(s: pa.Array, fmt: str) -> pa.Array:
    """strptime normalizes 30-02 to 02-03; the round trip rejects such impossible dates."""
    ts = pc.strptime(s, format=fmt, unit="s", error_is_null=True)
    ok = pc.equal(pc.strftime(ts, format=fmt), s)
    return _null_where(ts.cast(pa.date32()), pc.invert(ok))


def _dictionary_map(s: pa.Array, fn) -> pa.Array:
    """fn applied to the distinct values only (dates, codes: few distinct values in many rows)."""
    enc = pc.dictionary_encode(s)
    return pc.take(fn(enc.dictionary), enc.indices)


def _parse_naive_timestamp(s: pa.Array) -> pa.Array:
    """`YYYY-MM-DD HH:MM:SS[.ffffff]` (or `T`); null when the shape, the date or the time is invalid."""
    shaped = pc.match_substring_regex(s, TIMESTAMP)
    date_ok = pc.is_valid(
        _dictionary_map(pc.utf8_slice_codeunits(s, 0, 10), lambda d: _parse_date(d, "%Y-%m-%d"))
    )
    base = pc.replace_substring(pc.utf8_slice_codeunits(s, 0, 19), "T", " ")
    ts = pc.strptime(base, format="%Y-%m-%d %H:%M:%S", unit="us", error_is_null=True)
    frac = pc.utf8_rpad(pc.utf8_slice_codeunits(s, 20, 26), width=6, padding="0")  # after "...HH:MM:SS."
    frac = pc.cast(_null_where(frac, pc.invert(pc.match_substring_regex(frac, r"^\d{6}$"))), pa.int64())
    has_frac = pc.equal(pc.utf8_slice_codeunits(s, 19, 20), ".")
    frac_us = pc.fill_null(pc.if_else(has_frac, frac, 0), 0)
    out = pc.add(ts.cast(pa.int64()), frac_us).cast(pa.timestamp("us"))
    return _null_where(out, pc.invert(pc.and_kleene(shaped, date_ok)))


def _cast_when_all_valid(
    v: pa.Array, present: pa.Array, shape: str, type_: pa.DataType, fixed: tuple[str, ...] = ()
) -> pa.Array | None:
    """Arrow's own ISO 8601 cast (which rejects 30 February and 24:00) when every present value has the
    contract's shape and casts; None otherwise, and the caller's value-by-value parse finds the bad ones.
    Several times faster than that parse on a file without faults, the usual case (docs/benchmarks.md).
    The shape is the regex `shape`, or, when every value has one of the `fixed` spellings, that."""
    if not any(_fixed_shape(v, template) for template in fixed):
        ok = pc.or_(pc.match_substring_regex(v, shape), pc.invert(present))
        if not pc.all(ok).as_py():
            return None
    try:
        return pc.cast(_null_where(v, pc.invert(present)), type_)
    except pa.ArrowInvalid:
        return None


def _fixed_shape(v: pa.Array, template: str) -> bool:
    """Whether every value of `v` is `template` character by character ('9' an ASCII digit, '±' + or -),
    read from Arrow's buffers, faster than RE2 (docs/benchmarks.md)."""
    n, width = len(v), len(template)
    if not n or v.null_count or not pa.types.is_string(v.type):
        return False
    offsets = np.frombuffer(v.buffers()[1], np.int32, n + 1, v.offset * 4)
    if np.any(np.diff(offsets) != width):
        return False
    chars = np.frombuffer(v.buffers()[2], np.uint8, n * width, offsets[0]).reshape(n, width)
    positions = chars.T.copy()  # position by position, each contiguous
    for at, want in zip(positions, template, strict=True):
        if want == "9":
            ok = at - np.uint8(ord("0")) <= 9  # below "0" wraps round to above 9
        elif want == "±":
            ok = (at == ord("+")) | (at == ord("-"))
        else:
            ok = at == ord(want)
        if not ok.all():
            return False
    return True


def parse_column(col: Column, arr: pa.Array, ex: Extract, pseudo: Pseudonymizer, out: Parsed) -> None:
    name, kind, n = col.name, col.kind, len(arr)
    t = arr.type

    if kind == "cpr":
        s = _strings(arr)
        if not pa.types.is_dictionary(s.type) and _repeats(s, share=CPR_REPEAT_SHARE):
            # A check-in or survey extract: a child on many rows. Hashing the spellings (~25 ns a row)
            # is cheaper than reading every row's digits and looking its number up (~130 ns); with
            # a child on every other row or less, it is not (a parents' extract: 157 -> 264 ns a row).
            s = pc.dictionary_encode(s)
        key, invalid, empty = pseudo.apply(s)
        out.columns[person_key_name(name)] = key
        if col.required:
            out.check(name, "missing_value", empty)
        out.check(name, "bad_cpr", invalid)
        return

    # Native Parquet types that already are what the contract says need no text round trip.
    if kind == "int" and pa.types.is_integer(t):
        value = arr.cast(pa.int64())
        missing = pc.is_null(value)
    elif kind == "decimal" and (pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t)):
        value = arr.cast(pa.float64())
        missing = pc.is_null(value)
    elif kind == "date" and pa.types.is_date(t):
        value = arr.cast(pa.date32())
        missing = pc.is_null(value)
    elif kind in ("timestamp", "timestamp_tz") and pa.types.is_timestamp(t):
        if t.tz is not None:
            value = pc.local_timestamp(arr.cast(pa.timestamp(t.unit, tz=LOCAL_TZ))).cast(pa.timestamp("us"))
        else:
            value = arr.cast(pa.timestamp("us"))
        missing = pc.is_null(value)
    elif kind == "bool_jn" and pa.types.is_boolean(t):
        value, missing = arr, pc.is_null(arr)
    else:
        value, missing = _parse_strings(col, _strings(arr), ex, out)

    if col.required:
        out.check(name, "missing_value", missing)
    if col.min is not None or col.max is not None:
        low = pc.less(value, col.min) if col.min is not None else pa.repeat(False, n)
        high = pc.greater(value, col.max) if col.max is not None else pa.repeat(False, n)
        out.check(name, "out_of_range", pc.or_(low, high))
    out.columns[name] = value


def _parse_strings(
    col: Column, s: pa.Array, ex: Extract, out: Parsed
) -> tuple[pa.Array, pa.Array | np.ndarray]:
    """Parse and check the distinct values only when they are few (codes, dates), else every value."""
    if pa.types.is_dictionary(s.type) and not col.free_text:
        enc = s  # already encoded (Parquet string columns are read as dictionaries)
    else:
        s = plain(s)
        enc = pc.dictionary_encode(s) if _repeats(s) and not col.free_text else None  # free text: counts
    if enc is None or (len(enc.dictionary) > len(s) // 8 and not pa.types.is_dictionary(s.type)):
        missing = _empty(s)
        return _parse_text(col, s, missing, pc.invert(missing), ex, out), missing
    sub = Parsed(columns={})
    d_missing = _empty(enc.dictionary)
    d_value = _parse_text(col, enc.dictionary, d_missing, pc.invert(d_missing), ex, sub)
    for c, r, m in sub.checks:
        out.check(c, r, per_row(m, enc.indices, False))
    missing = per_row(d_missing, enc.indices, True)
    if pa.types.is_string(d_value.type):  # stays dictionary-encoded up to the Parquet writer
        return dictionary_array(enc.indices, d_value), missing
    return pc.take(d_value, enc.indices), missing


def _repeats(s: pa.Array, share: int = 8, probe: int = 4096) -> bool:
    """Whether values repeat enough to parse the distinct ones only: at most 1/`share` of the first
    `probe` values distinct (an id per row would be hashed for nothing; either way the result is the
    same)."""
    return len(s) >= probe and pc.count_distinct(s.slice(0, probe)).as_py() <= probe // share


def _without_plus(v: pa.Array) -> pa.Array:
    """The values without a leading plus, which Arrow's casts do not take (rows where one remains, or
    where the plus was doubled, fail the shape check and are not cast). Trimmed only when a value has
    one: a scan is cheaper than rewriting every value."""
    return pc.utf8_ltrim(v, characters="+") if pc.any(pc.starts_with(v, "+")).as_py() else v


def _parse_text(col: Column, s: pa.Array, missing, present, ex: Extract, out: Parsed) -> pa.Array:
    name, kind = col.name, col.kind
    danish = ex.decimal == "danish"
    if kind in ("text", "month", "enum"):
        value = _null_where(s, missing)
        if col.free_text:
            value, counts = redact(value)
            out.redactions.update({k: v for k, v in counts.items() if v})
        if kind == "enum":
            out.check(name, "not_in_enum", pc.and_(present, pc.invert(pc.is_in(s, pa.array(col.values)))))
        if col.pattern:
            out.check(name, "pattern_mismatch", pc.and_(present, pc.invert(_full_match(s, col.pattern))))
        return value
    v = pc.utf8_trim_whitespace(s)
    if kind == "int":
        ok = pc.match_substring_regex(v, DANISH_INT if danish else PLAIN_INT)
        num = _without_plus(v)
        clean = pc.replace_substring(num, ".", "") if danish else num
        value = pc.cast(_null_where(clean, pc.invert(ok)), pa.int64())
        out.check(name, "bad_number", pc.and_(present, pc.invert(ok)))
        return value
    if kind == "decimal":
        ok = pc.match_substring_regex(v, DANISH_DECIMAL if danish else PLAIN_DECIMAL)
        num = _without_plus(v)
        clean = pc.replace_substring(pc.replace_substring(num, ".", ""), ",", ".") if danish else num
        value = pc.cast(_null_where(clean, pc.invert(ok)), pa.float64())
        out.check(name, "bad_number", pc.and_(present, pc.invert(ok)))
        return value
    if kind == "date":
        value = _parse_date(v, ex.date_format)
        out.check(name, "bad_date", pc.and_(present, pc.is_null(value)))
        return value
    if kind == "timestamp":
        value = _cast_when_all_valid(v, present, TIMESTAMP, pa.timestamp("us"), TIMESTAMP_WIDE)
        if value is None:
            value = _parse_naive_timestamp(v)
        out.check(name, "bad_timestamp", pc.and_(present, pc.is_null(value)))
        return value
    if kind == "timestamp_tz":
        value = _cast_when_all_valid(
            v, present, TIMESTAMP_TZ, pa.timestamp("us", tz=LOCAL_TZ), TIMESTAMP_TZ_WIDE
        )
        if value is not None:
            return pc.local_timestamp(value).cast(pa.timestamp("us"))
        shaped = pc.match_substring_regex(v, TIMESTAMP_TZ)
        # the wall clock part (with its fraction) validates date and time; strptime applies the offset
        wall = _parse_naive_timestamp(pc.replace_substring_regex(v, r"([+-]\d{2}:?\d{2}|Z)$", ""))
        stamp = pc.strptime(
            pc.replace_substring_regex(v, r"\.\d+", ""),
            format="%Y-%m-%dT%H:%M:%S%z",
            unit="us",
            error_is_null=True,
        )
        whole = pc.local_timestamp(stamp.cast(pa.timestamp("us", tz=LOCAL_TZ))).cast(pa.int64())
        fraction = pc.subtract(wall.cast(pa.int64()), pc.floor_temporal(wall, unit="second").cast(pa.int64()))
        value = pc.add(whole, fraction).cast(pa.timestamp("us"))
        value = _null_where(value, pc.or_kleene(pc.invert(shaped), pc.is_null(wall)))
        out.check(name, "bad_timestamp", pc.and_(present, pc.is_null(value)))
        return value
    if kind == "time":
        ok = pc.match_substring_regex(v, TIME_HHMM)
        hh = pc.cast(_null_where(pc.utf8_slice_codeunits(v, 0, 2), pc.invert(ok)), pa.int32())
        mm = pc.cast(_null_where(pc.utf8_slice_codeunits(v, 3, 5), pc.invert(ok)), pa.int32())
        ms = pc.add(pc.multiply(hh, 3_600_000), pc.multiply(mm, 60_000)).cast(pa.int32())
        value = ms.view(KIND_ARROW_TYPES["time"])
        out.check(name, "bad_time", pc.and_(present, pc.invert(ok)))
        return value
    if kind == "bool_jn":
        ok = pc.is_in(v, pa.array(["J", "N"]))
        value = _null_where(pc.equal(v, "J"), pc.invert(ok))
        out.check(name, "bad_boolean", pc.and_(present, pc.invert(ok)))
        return value
    raise AssertionError(kind)


def parse_batch(ex: Extract, table: pa.Table, pseudo: Pseudonymizer) -> Parsed:
    out = Parsed(columns={})
    for col in ex.columns:
        parse_column(col, one_array(table.column(col.name)), ex, pseudo, out)
    for rule in CROSS_COLUMN_RULES.get(ex.key, ()):
        rule(out)
    return out


def _trivsel_0_3(out: Parsed) -> None:
    """docs/raw_extracts.md §16 (and the notes of trivsel/svar in contracts.py): question_no ≤ 20 and
    answer ≤ 3 for survey_version 0-3."""
    young = pc.equal(plain(out.columns["survey_version"]), "0-3")
    bad = pc.and_(
        young, pc.or_kleene(pc.greater(out.columns["question_no"], 20), pc.greater(out.columns["answer"], 3))
    )
    out.check("answer", "inconsistent", bad)


CROSS_COLUMN_RULES = {"trivsel/svar": (_trivsel_0_3,)}
