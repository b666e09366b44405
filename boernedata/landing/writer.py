"""The landed rows of a delivery and the Parquet file they are written to.

`landed_table` gives a parsed batch its landed columns (the contract's, then the provenance columns
`_source_file`, `_source_line`, `_period`, `_loaded_at`: contracts.landed_schema); `LandedWriter` writes
the good rows batch by batch into the delivery's temporary file, which the landing step then renames into
place (landing_zone.landed_file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from boernedata.contracts import Extract, person_key_name
from boernedata.landing.masks import dictionary_array

# A string column is landed dictionary-encoded when its distinct values are at most 1/DICTIONARY_SHARE of
# the first batch's rows, else plain (a guardian id per row): the writer hashes every dictionary entry
# but copies plain values cheaply.
DICTIONARY_SHARE = 2


def landed_table(schema: pa.Schema, columns, lines, rel: str, period: str, loaded_at) -> pa.Table:
    """The landed columns of a batch; strings and person keys stay as parsing left them, plain or
    dictionary-encoded."""
    n = len(lines)
    arrays = []
    for f in schema:
        if f.name == "_source_file":
            arr = constant_column(rel, n)
        elif f.name == "_period":
            arr = constant_column(period, n)
        elif f.name == "_source_line":
            arr = pa.array(lines, pa.int64())
        elif f.name == "_loaded_at":
            arr = pa.repeat(pa.scalar(loaded_at, pa.timestamp("us")), n)
        else:
            arr = columns[f.name]
            if (arr.type.value_type if pa.types.is_dictionary(arr.type) else arr.type) != f.type:
                arr = arr.cast(f.type)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=schema.names)


class LandedWriter:
    """The landed Parquet file of one delivery, written batch by batch; the first batch's values choose the
    encodings (store_schema=False: the file reads back as the landed schema, strings as strings).

    Dictionary pages for dates and for strings and person keys that repeat in the first batch (a child's
    key on its check-ins; a parent's key is written plain); delta encoding for other integers and
    timestamps (ids, line numbers and event times mostly grow: the check-in file half the size, and
    written faster than with dictionary or plain pages; docs/benchmarks.md); min/max statistics for all
    but strings (row-group pruning on dates and times). A string column whose values hardly repeat in the
    first batch (a guardian id per row) is written plain. Person keys (random, which snappy cannot shrink)
    and delta-encoded columns (already packed) are not compressed."""

    def __init__(self, path: Path, ex: Extract, schema: pa.Schema) -> None:
        self.path, self.ex, self.schema = path, ex, schema
        self.writer: pq.ParquetWriter | None = None
        self.arrow_schema: pa.Schema | None = None

    def write(self, table: pa.Table, batch: pa.Table) -> None:
        """Write `table`, the good rows of `batch` (whose values choose the encodings on the first call)."""
        if self.writer is None:
            self._open(batch)
        arrays = []
        for arr, f in zip(table.columns, self.arrow_schema, strict=True):
            if arr.type != f.type:
                arr = pc.dictionary_encode(arr) if pa.types.is_dictionary(f.type) else arr.cast(f.type)
            if arr.null_count and not f.nullable:  # a bug, not bad input: such rows are quarantined
                raise AssertionError(f"{self.path.name}: nulls in the required column {f.name}")
            arrays.append(arr)
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.arrow_schema))

    def close(self) -> None:
        if self.writer is None:  # no row parsed: an empty file with the landed schema
            self._open(None)
        self.writer.close()

    def discard(self) -> None:
        """Close without completing (the caller removes the file)."""
        if self.writer is not None:
            self.writer.close()

    def _open(self, first: pa.Table | None) -> None:
        def repeats(name: str) -> bool:
            col = first.column(name)
            if not pa.types.is_dictionary(col.type):
                return False
            # A batch's columns are one chunk each: combine_chunks would copy it. Dictionary entries,
            # not distinct values (counting those costs more)
            entries = sum(len(c.dictionary) for c in col.chunks)
            return entries * DICTIONARY_SHARE <= first.num_rows

        keys = {person_key_name(c.name) for c in self.ex.columns if c.kind == "cpr"}
        candidates = [f.name for f in self.schema if f.type == pa.string() or f.name in keys]
        encoded = {n for n in candidates if first is not None and first.num_rows and repeats(n)}
        fields = [
            pa.field(f.name, pa.dictionary(pa.int32(), f.type), f.nullable) if f.name in encoded else f
            for f in self.schema
        ]
        self.arrow_schema = pa.schema(fields)
        delta = [
            f.name
            for f in self.schema
            if (pa.types.is_integer(f.type) or pa.types.is_timestamp(f.type)) and f.name not in keys
        ]
        dictionary_pages = {f.name for f in self.schema if pa.types.is_date(f.type)} | encoded
        self.writer = pq.ParquetWriter(
            self.path,
            self.arrow_schema,
            store_schema=False,
            use_dictionary=[f.name for f in self.schema if f.name in dictionary_pages],
            compression={
                f.name: "none" if f.name in keys or f.name in delta else "snappy" for f in self.schema
            },
            write_statistics=[f.name for f in self.schema if f.type != pa.string()],
            column_encoding=dict.fromkeys(delta, "DELTA_BINARY_PACKED"),
            dictionary_pagesize_limit=4 << 20,  # the keys of a municipality's children fit: no plain fallback
        )


def constant_column(value: str, n: int) -> pa.Array:
    return dictionary_array(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value], pa.string()))
