"""Reading raw files exactly per contract into batches of raw values with their line numbers.

File-level faults raise FileRejected with a message naming what is wrong and what to do. Row-level
faults found while reading (a CSV line with the wrong number of fields, a JSON Lines line that is not
an object) are returned as ReadFaults, so the rest of the file can land.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from boernedata.contracts import Extract

_NON_SPACE = re.compile(r"\S")  # search, not strip(): no copy of a large file
_NON_SPACE_BYTES = re.compile(rb"\S")

BATCH_ROWS = 500_000  # rows parsed at a time: bounds memory on the largest files


class FileRejected(Exception):
    """The file cannot be read as its contract says; nothing of it lands."""


@dataclass
class ReadFault:
    line: int
    reason: str  # bad_field_count | bad_json
    text: str  # the raw line (CPR-like numbers are masked before it is stored)


@dataclass
class RawBatch:
    table: pa.Table  # the contract's columns in contract order
    lines: np.ndarray  # 1-based line (CSV, JSONL) or row (Parquet) number of each row


@dataclass
class RawFile:
    batches: Iterator[RawBatch]
    faults: list[ReadFault] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_expected: int | None = None
    open_last_line: int | None = None  # line number of the last row when the file lacks a final line break


def _decode(data: bytes, ex: Extract) -> str:
    if ex.encoding == "windows-1252":
        if _looks_utf8(data):
            raise FileRejected(
                "is UTF-8 encoded, but the contract says windows-1252 (æ, ø, å would land garbled); "
                "re-export it as windows-1252 (ANSI)"
            )
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FileRejected(_decode_message(data, exc, "windows-1252")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = " (it looks windows-1252/ANSI encoded)" if _decodes(data, "cp1252") else ""
        raise FileRejected(_decode_message(data, exc, "UTF-8") + hint) from None


def _looks_utf8(data: bytes) -> bool:
    """True when the bytes hold non-ASCII text that is valid UTF-8 (never so for real Danish cp1252)."""
    if data.isascii():
        return False
    return _decodes(data, "utf-8")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decode_message(data: bytes, exc: UnicodeDecodeError, name: str) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    byte = data[exc.start]
    return f"is not valid {name}: undecodable byte 0x{byte:02x} on line {line}; re-export it as {name}"


def _check_header(names: list[str], ex: Extract, raw_header: str, kind: str) -> list[str]:
    """Raise on missing or duplicated contract columns; return warnings (extra columns, order)."""
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise FileRejected(f"has duplicated column(s) {_labels(dupes)} in the {kind}")
    missing = [c for c in ex.column_names if c not in names]
    if missing:
        if ex.fmt == "csv":
            other = ";" if ex.delimiter == "," else ","
            alt = [n.strip() for n in next(csv.reader([raw_header], delimiter=other))]
            if all(c in alt for c in ex.column_names):
                raise FileRejected(
                    f"uses the wrong delimiter {other!r}; the contract says {ex.delimiter!r} "
                    f"(CSV {ex.delimiter}). Re-export with {ex.delimiter!r} as separator"
                )
        extra = [n for n in names if n not in ex.column_names]
        found = f"; found unexpected {_labels(extra)} (renamed?)" if extra else ""
        raise FileRejected(
            f"misses required column(s) {', '.join(missing)}{found}. Expected {kind}: "
            f"{', '.join(ex.column_names)}"
        )
    warnings = []
    extra = [n for n in names if n not in ex.column_names]
    if extra:
        warnings.append(f"extra column(s) not in the contract were ignored: {_labels(extra)}")
    if [n for n in names if n in ex.column_names] != ex.column_names:
        warnings.append("columns are not in the contract's order (read by name)")
    return warnings


def _labels(names: list[str]) -> str:
    """Column names for a message; an empty one is said in words (a `;` at the end of every line, say)."""
    return ", ".join(n or "an unnamed column (a delimiter at the end of the line?)" for n in names)


# ------------------------------------------------------------------------------------------- CSV


def read_csv(path: Path, ex: Extract, data: bytes | None = None) -> RawFile:
    """`data`: the file's bytes when the caller has read them already (to hash them)."""
    data = path.read_bytes() if data is None else data
    if not _NON_SPACE_BYTES.search(data):
        raise FileRejected("is empty (no header, no rows); deliver the extract again")
    body, text = _utf8_body(data, ex)
    first_nl = body.find(b"\n")
    raw_header = (body if first_nl < 0 else body[:first_nl]).decode("utf-8").rstrip("\r")
    names = [n.strip() for n in next(csv.reader([raw_header], delimiter=ex.delimiter))]
    warnings = _check_header(names, ex, raw_header, "header")
    if first_nl < 0 or not _has_text_after(body, first_nl + 1):
        raise FileRejected("has a header but no data rows (empty or truncated); deliver the extract again")

    table = _fast_csv(body, names, ex)
    if table is not None:
        faults: list[ReadFault] = []
        lines = np.arange(2, table.num_rows + 2, dtype=np.int64)
    else:  # quoted line breaks, blank lines or broken lines: the exact (slower) reader finds every line
        table, lines, faults = _exact_csv(text if text is not None else body.decode("utf-8"), names, ex)
    table = table.select(ex.column_names)
    last = max([*(int(x) for x in lines[-1:]), *(f.line for f in faults[-1:])], default=0)
    open_last = None if body.endswith(b"\n") else last
    return RawFile(_slices(table, lines), faults, warnings, table.num_rows + len(faults), open_last)


def _utf8_body(data: bytes, ex: Extract) -> tuple[bytes, str | None]:
    """(the file as UTF-8 bytes without a byte order mark, its decoded text when decoding was needed).

    A UTF-8 file is only validated (Arrow, in place: much faster than decoding it); a
    windows-1252 file is decoded and encoded again. Undecodable bytes raise FileRejected."""
    if ex.encoding == "windows-1252":
        text = _decode(data, ex)
        return text.encode("utf-8"), text
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not _valid_utf8(body):
        _decode(data, ex)  # raises, naming the line
    return body, None


def _valid_utf8(data: bytes) -> bool:
    offsets = pa.py_buffer(np.array([0, len(data)], np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _has_text_after(body: bytes, start: int) -> bool:
    """Whether anything but whitespace (Unicode's, as str.strip() sees it) follows `start`."""
    m = _NON_SPACE_BYTES.search(body, start)
    if m is None:
        return False
    if body[m.start()] < 0x80 and not 0x1C <= body[m.start()] <= 0x1F:  # ASCII, not a separator
        return True
    return bool(_NON_SPACE.search(body[m.start() :].decode("utf-8")))  # rare: decode the rest


def _fast_csv(body: bytes, names: list[str], ex: Extract) -> pa.Table | None:
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(use_threads=True, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=ex.delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                # `body` is valid UTF-8 as a whole (_utf8_body), so is every field cut from it at ASCII
                # delimiters, quotes and line breaks: checking each field again slows the read
                check_utf8=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if _physical_lines(body) != table.num_rows + 1:  # a row per line after the header, or lines shift
        return None
    return table.rename_columns(names)


def _physical_lines(body: bytes) -> int:
    """Lines in the file, the last one counted also without a line break (numpy, 1 MB at a time so the
    comparison stays in cache; faster than bytes.count or numpy on the whole file: docs/benchmarks.md)."""
    data = np.frombuffer(body, np.uint8)
    step = 1 << 20
    breaks = sum(int(np.count_nonzero(data[i : i + step] == ord("\n"))) for i in range(0, len(data), step))
    return breaks + (0 if body.endswith(b"\n") else 1)


def _exact_csv(text: str, names: list[str], ex: Extract) -> tuple[pa.Table, np.ndarray, list[ReadFault]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=ex.delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    faults: list[ReadFault] = []
    ends_with_newline = text.endswith("\n")
    try:
        records = list(_numbered(reader))
    except csv.Error as exc:
        raise FileRejected(
            f"is not valid CSV at line {reader.line_num}: {exc} (an unclosed quote usually means a "
            "truncated file); deliver the extract again"
        ) from None
    for i, (start, _end, record) in enumerate(records):
        if i == 0 or not record:  # the header; blank lines are not rows
            continue
        if len(record) != len(names):
            last = i == len(records) - 1
            if last and not ends_with_newline and len(record) < len(names):
                raise FileRejected(
                    f"is truncated: the last line {start} ends after {len(record)} of {len(names)} fields "
                    "with no line break; deliver the complete extract again"
                )
            faults.append(ReadFault(start, "bad_field_count", ex.delimiter.join(record)))
            continue
        rows.append(record)
        lines.append(start)
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    table = pa.table({n: pa.array(list(c), pa.string()) for n, c in zip(names, cols, strict=True)})
    return table, np.asarray(lines, dtype=np.int64), faults


def _numbered(reader) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, record) of each CSV record."""
    end = 0
    for record in reader:
        start = end + 1
        end = reader.line_num
        yield start, end, record


def _slices(table: pa.Table, lines: np.ndarray) -> Iterator[RawBatch]:
    for offset in range(0, max(table.num_rows, 1), BATCH_ROWS):
        chunk = table.slice(offset, BATCH_ROWS)
        yield RawBatch(chunk, lines[offset : offset + BATCH_ROWS])


# ----------------------------------------------------------------------------------------- JSONL


def _json_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def read_jsonl(path: Path, ex: Extract, data: bytes | None = None) -> RawFile:
    """`data`: the file's bytes when the caller has read them already (to hash them)."""
    data = path.read_bytes() if data is None else data
    if not _NON_SPACE_BYTES.search(data):
        raise FileRejected("is empty (no lines); deliver the extract again")
    body, text = _utf8_body(data, ex)
    fast = _fast_jsonl(body, ex)
    if fast is not None:
        return fast
    text = text if text is not None else body.decode("utf-8")
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    objects: list[dict] = []
    lines: list[int] = []
    faults: list[ReadFault] = []
    for i, line in enumerate(physical, start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            if i == len(physical) and not text.endswith("\n"):
                raise FileRejected(
                    f"is truncated: the last line {i} is incomplete JSON with no line break; "
                    "deliver the complete extract again"
                ) from None
            faults.append(ReadFault(i, "bad_json", line))
            continue
        if not isinstance(obj, dict):
            faults.append(ReadFault(i, "bad_json", line))
            continue
        objects.append(obj)
        lines.append(i)
    if not objects:
        raise FileRejected("has no JSON object lines; deliver the extract again")
    keys: dict[str, None] = {}
    for obj in objects[:1000]:
        keys.update(dict.fromkeys(obj))
    present = set(keys) | {c for c in ex.column_names if any(c in o for o in objects)}
    names = list(keys) + [c for c in ex.column_names if c in present and c not in keys]
    warnings = _check_header(names, ex, "", "keys")
    table = pa.table(
        {c: pa.array([_json_text(o.get(c)) for o in objects], pa.string()) for c in ex.column_names}
    )
    last = max([*lines[-1:], *(f.line for f in faults[-1:])], default=0)
    open_last = None if text.endswith("\n") else last
    rows = len(objects) + len(faults)
    return RawFile(_slices(table, np.asarray(lines, dtype=np.int64)), faults, warnings, rows, open_last)


def _fast_jsonl(body: bytes, ex: Extract) -> RawFile | None:
    """pyarrow's JSON reader when every line is a well-typed object (JSON numbers for int columns,
    strings for the rest) and there are no blank lines; anything else takes the exact Python path.
    `body`: valid UTF-8 without a byte order mark."""
    import pyarrow.json as pajson

    first_nl = body.find(b"\n")
    try:
        first = json.loads(body if first_nl < 0 else body[:first_nl])
    except json.JSONDecodeError:
        return None
    if not isinstance(first, dict) or any(c not in first for c in ex.column_names):
        return None
    schema = pa.schema([(c.name, pa.int64() if c.kind == "int" else pa.string()) for c in ex.columns])
    try:
        table = pajson.read_json(
            io.BytesIO(body),
            parse_options=pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if _physical_lines(body) != table.num_rows:  # blank lines: line numbers would shift
        return None
    extra = [k for k in first if k not in ex.column_names]
    warnings = [f"extra key(s) not in the contract were ignored: {', '.join(extra)}"] if extra else []
    table = table.select(ex.column_names)
    open_last = None if body.endswith(b"\n") else table.num_rows
    lines = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return RawFile(_slices(table, lines), [], warnings, table.num_rows, open_last)


# --------------------------------------------------------------------------------------- Parquet


def read_parquet(path: Path, ex: Extract, data: bytes | None = None) -> RawFile:
    """Streamed from the file, row group by row group (`data` is not used: see read_csv)."""
    try:
        probe = pq.ParquetFile(path)
        names = probe.schema_arrow.names
        # String columns come as dictionaries: no strings materialized, checks run on distinct values
        strings = [
            f.name for f in probe.schema_arrow if f.name in ex.column_names and pa.types.is_string(f.type)
        ]
        pf = pq.ParquetFile(path, read_dictionary=strings) if strings else probe
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise FileRejected(f"is not a readable Parquet file ({exc}); deliver the extract again") from None
    warnings = _check_header(list(names), ex, "", "columns")
    if pf.metadata.num_rows == 0:
        raise FileRejected("has no rows; deliver the extract again")

    def batches() -> Iterator[RawBatch]:
        row = 1
        try:
            # Row group by row group: memory stays bounded by one group, not the file.
            for rg in range(pf.num_row_groups):
                group = pf.read_row_group(rg, columns=ex.column_names)
                for offset in range(0, group.num_rows, BATCH_ROWS):
                    chunk = group.slice(offset, BATCH_ROWS)
                    yield RawBatch(chunk, np.arange(row, row + chunk.num_rows, dtype=np.int64))
                    row += chunk.num_rows
        except (OSError, pa.ArrowException) as exc:
            raise FileRejected(
                f"is not a readable Parquet file: reading failed near row {row} ({exc}); "
                "deliver the extract again"
            ) from None

    return RawFile(batches(), [], warnings, pf.metadata.num_rows)


READERS = {"csv": read_csv, "jsonl": read_jsonl, "parquet": read_parquet}
