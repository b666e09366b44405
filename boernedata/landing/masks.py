"""Arrow columns as landing parses them: one array from a chunked column, dictionary-encoded columns
built from indices and values, and row masks computed once per distinct value."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def one_array(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The column as one array: a single chunk as it is (combine_chunks would copy it all the same, and
    a batch's columns are mostly one chunk)."""
    if not isinstance(column, pa.ChunkedArray):
        return column
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def per_row(mask: np.ndarray | pa.Array, indices: pa.Array, null_is: bool) -> np.ndarray:
    """A mask over the distinct values, spread to every row by the dictionary indices (a null index is
    a null value: `null_is`). Nothing is looked up per row when no value is flagged and no null index
    would be: the usual case of a file without faults."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any() and not (null_is and indices.null_count):
        return np.zeros(len(indices), dtype=bool)
    return np.asarray(pc.fill_null(pc.take(pa.array(mask), indices), null_is))


def dictionary_array(indices: pa.Array, values: pa.Array) -> pa.DictionaryArray:
    """A DictionaryArray with its nulls in the indices (Parquet cannot write null dictionary values).

    Every caller's indices are in range by construction (taken from an Arrow dictionary array, or
    ranks and codes made below the dictionary's length), so they are not checked again: checking
    every index costs CPU for nothing (docs/benchmarks.md)."""
    if values.null_count:
        indices = pc.if_else(pc.take(pc.is_null(values), indices), pa.scalar(None, indices.type), indices)
        values = pc.fill_null(values, "")
    return pa.DictionaryArray.from_arrays(indices, values, safe=False)
