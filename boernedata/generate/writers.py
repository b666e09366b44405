"""The one place that formats values and writes files, driven by boernedata.contracts.

Generator modules hand over typed columns (numpy arrays: day numbers for dates, epoch seconds for
timestamps, minutes for times, floats, ints, bools, strings); this module turns them into the bytes the
contract describes: file name, column order, delimiter, encoding, Danish numbers, date format, J/N.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from boernedata.contracts import Extract, extract, raw_dir

# utf-8 extracts some of whose deliveries carry a byte order mark (allowed by the contract)
BOM_EXTRACTS = frozenset({"sundhed/maalinger", "kapacitet/venteliste", "kvalitativ/observationer"})
PLAIN_DECIMALS = {
    "height_cm": 1,
    "weight_kg": 1,
    "gross_m2": 0,
    "maintenance_backlog_dkk": 0,
    "play_area_m2": 1,
}


def _strings(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        return values.cast(pa.string())
    return pa.array(np.asarray(values).astype(str) if not isinstance(values, list) else values, pa.string())


def _format_unique(values: np.ndarray, fn) -> pa.Array:
    """fn applied to the distinct values only."""
    uniq, inv = np.unique(values, return_inverse=True)
    return pa.array([fn(v) for v in uniq.tolist()], pa.string()).take(pa.array(inv.ravel()))


def danish(v: float, decimals: int = 2) -> str:
    s = f"{v:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def _null_mask(values: np.ndarray) -> np.ndarray | None:
    if values.dtype.kind == "f":
        return np.isnan(values)
    return None


def format_column(ex: Extract, name: str, values) -> pa.Array:
    """One column as text exactly per contract (see _format)."""
    out = _format(ex, name, values)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _format(ex: Extract, name: str, values) -> pa.Array:
    """One column as text exactly per contract; NaN / negative day sentinels (< -10**6) become empty."""
    col = next(c for c in ex.columns if c.name == name)
    k = col.kind
    if k in ("cpr", "text", "enum", "month"):
        return pc.fill_null(_strings(values), "")
    arr = np.asarray(values)
    if k == "date":
        nulls = arr < -(10**6)
        days = pa.array(np.where(nulls, 0, arr).astype(np.int32), pa.date32())
        text = pc.strftime(days.cast(pa.timestamp("s")), format=ex.date_format)
        return pc.if_else(pa.array(nulls), "", text) if nulls.any() else text
    if k == "timestamp":
        ts = pa.array(arr.astype(np.int64), pa.timestamp("s"))
        return pc.strftime(ts, format="%Y-%m-%d %H:%M:%S")
    if k == "time":
        arr = arr.astype(np.int64)
        h = pc.utf8_lpad(pa.array(arr // 60).cast(pa.string()), 2, "0")
        m = pc.utf8_lpad(pa.array(arr % 60).cast(pa.string()), 2, "0")
        return pc.binary_join_element_wise(h, m, ":")
    if k == "bool_jn":
        return pa.array(np.where(arr.astype(bool), "J", "N"), pa.string())
    if k == "int":
        nulls = _null_mask(arr)
        if nulls is None:
            return pa.array(arr.astype(np.int64)).cast(pa.string())
        txt = pa.array(np.where(nulls, 0, arr).astype(np.int64)).cast(pa.string())
        return pc.if_else(pa.array(nulls), "", txt)
    if k == "decimal":
        arr = arr.astype(float)
        if ex.decimal == "danish":
            return _format_unique(np.round(arr, 2), danish)
        places = PLAIN_DECIMALS.get(name, 2)
        return _format_unique(np.round(arr, places), lambda v: f"{v:.{places}f}")
    raise AssertionError(k)


def _quote(s: pa.Array, delimiter: str) -> pa.Array:
    """CSV quoting only where a value needs it (what spreadsheet exports do)."""
    needs = pc.match_substring_regex(s, f'[{delimiter}"\\n\\r]')
    if not pc.any(needs).as_py():
        return s
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(s, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, s)


def joined_bytes(lines: pa.Array, newline: bool = True) -> bytes:
    """All strings of an array as one byte string (the value buffer itself: no per-row Python)."""
    if newline:
        lines = pc.binary_join_element_wise(lines, pa.scalar("\n"), "")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    lines = lines.cast(pa.large_string()) if len(lines) > 5_000_000 else lines
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width)[lines.offset : lines.offset + len(lines) + 1]
    return lines.buffers()[2].to_pybytes()[int(offsets[0]) : int(offsets[-1])]


class Writer:
    """Writes deliveries under <out>/<system>/<extract>/ and counts rows and bytes per extract."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.rows: dict[str, int] = defaultdict(int)
        self.files: dict[str, int] = defaultdict(int)
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._started: set[Path] = set()

    def path(self, key: str, period: str) -> Path:
        ex = extract(key)
        folder = raw_dir(self.out, ex)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / ex.file_name(period)

    def _count(self, key: str, path: Path, rows: int) -> None:
        self.rows[key] += rows
        self.files[key] += 1

    def csv(
        self, key: str, period: str, columns: dict, bom: bool | None = None, append: bool = False
    ) -> None:
        """One delivery; with append=True later calls add rows to the file this run started (streaming)."""
        ex = extract(key)
        if set(columns) != set(ex.column_names):
            raise ValueError(f"{key}: columns {sorted(columns)} are not the contract's {ex.column_names}")
        n = len(next(iter(columns.values())))
        if n == 0:
            return
        path = self.path(key, period)
        fresh = not append or path not in self._started
        self._started.add(path)
        cols = [_quote(format_column(ex, c, columns[c]), ex.delimiter) for c in ex.column_names]
        lines = pc.binary_join_element_wise(*cols, ex.delimiter) if len(cols) > 1 else cols[0]
        buf = io.BytesIO()
        if fresh:
            buf.write((ex.delimiter.join(ex.column_names) + "\n").encode("utf-8"))
        buf.write(joined_bytes(lines))
        data = buf.getvalue()
        if ex.encoding == "windows-1252":
            data = data.decode("utf-8").encode("cp1252")
        elif fresh and (bom if bom is not None else key in BOM_EXTRACTS):
            data = b"\xef\xbb\xbf" + data
        with path.open("wb" if fresh else "ab") as f:
            f.write(data)
        self.rows[key] += n
        if fresh:
            self.files[key] += 1

    def jsonl(self, key: str, period: str, columns: dict, append: bool = False) -> None:
        """JSON Lines built column-wise (no per-row json.dumps); values hold no quotes or backslashes."""
        ex = extract(key)
        n = len(next(iter(columns.values())))
        if n == 0:
            return
        parts: list = []
        for i, c in enumerate(ex.columns):
            sep = "{" if i == 0 else ", "
            if c.kind == "int":
                val = pa.array(np.asarray(columns[c.name]).astype(np.int64)).cast(pa.string())
                parts += [f'{sep}"{c.name}": ', val]
            else:
                val = (
                    format_column(ex, c.name, columns[c.name])
                    if c.kind != "timestamp_tz"
                    else _strings(columns[c.name])
                )
                parts += [f'{sep}"{c.name}": "', val, '"']
        parts.append("}\n")
        arrays = [
            p.combine_chunks()
            if isinstance(p, pa.ChunkedArray)
            else p
            if isinstance(p, pa.Array)
            else pa.array([p] * n, pa.string())
            for p in parts
        ]
        lines = pc.binary_join_element_wise(*arrays, "")
        path = self.path(key, period)
        fresh = not append or path not in self._started
        self._started.add(path)
        with path.open("wb" if fresh else "ab") as f:
            f.write(joined_bytes(lines, newline=False))
        self.rows[key] += n
        if fresh:
            self.files[key] += 1

    def jsonl_close(self, key: str, period: str) -> None:
        """The end of an appended JSON Lines file (bytes are counted in summary())."""

    def parquet_append(self, key: str, period: str, table: pa.Table) -> None:
        """Stream a month file in batches (the attendance extract never sits whole in memory)."""
        if table.num_rows == 0:
            return
        name = f"{key}|{period}"
        w = self._parquet.get(name)
        if w is None:
            w = pq.ParquetWriter(self.path(key, period), table.schema, compression="zstd")
            self._parquet[name] = w
        w.write_table(table, row_group_size=1_000_000)
        self.rows[key] += table.num_rows

    def parquet_close(self, key: str, period: str) -> None:
        w = self._parquet.pop(f"{key}|{period}", None)
        if w is not None:
            w.close()
            self.files[key] += 1

    def summary(self) -> dict[str, dict[str, int]]:
        out = {}
        for k in sorted(self.rows):
            folder = raw_dir(self.out, extract(k))
            size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
            out[k] = {"files": self.files[k], "rows": self.rows[k], "bytes": size}
        return out
