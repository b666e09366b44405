"""Row masks of dictionary-encoded columns, computed once per distinct value."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def per_row(mask: np.ndarray | pa.Array, indices: pa.Array, null_is: bool) -> np.ndarray:
    """A mask over the distinct values, spread to every row by the dictionary indices (a null index is
    a null value: `null_is`). Nothing is looked up per row when no value is flagged and no null index
    would be: the usual case of a file without faults."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any() and not (null_is and indices.null_count):
        return np.zeros(len(indices), dtype=bool)
    return np.asarray(pc.fill_null(pc.take(pa.array(mask), indices), null_is))
