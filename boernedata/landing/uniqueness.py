"""Duplicate keys within one delivery: a column the contract marks unique (Column.unique), tracked across
the batches of a file without holding its values as Python objects.

The values seen so far are kept as sorted numpy chunks and each new batch is searched in them; ids that
only grow (the usual export order) are taken as they come. A duplicate is flagged on its second and
later rows (`duplicate_key`), the first one lands.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from boernedata.landing.parse import plain


class UniqueTracker:
    """Seen values of a unique column across the batches of one file (sorted numpy chunks)."""

    def __init__(self) -> None:
        self.seen: list[np.ndarray] = []
        self.top = None  # the largest value seen (integer keys)

    def duplicates(self, values: pa.Array, consider: np.ndarray) -> np.ndarray:
        values = plain(values)
        if pa.types.is_temporal(values.type):
            values = values.cast(pa.int64()) if values.type.bit_width == 64 else values.cast(pa.int32())
        arr = values.to_numpy(zero_copy_only=False)
        valid = consider & ~np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        dup = np.zeros(len(arr), dtype=bool)
        idx = np.flatnonzero(valid)
        if not len(idx):
            return dup
        vals = arr[idx]
        if vals.dtype.kind in "iu" and (not self.seen or vals[0] > self.top) and np.all(vals[1:] > vals[:-1]):
            # Ids that only grow (the usual export order): no duplicates, nothing to sort or search
            self.seen.append(vals)
            self.top = vals[-1]
            return dup
        dup[idx] = _duplicated(vals)
        for chunk in self.seen:
            pos = np.searchsorted(chunk, vals)
            pos[pos >= len(chunk)] = 0
            dup[idx] |= chunk[pos] == vals
        chunk = np.sort(vals)  # duplicates inside are harmless for searchsorted
        self.seen.append(chunk)
        self.top = max(self.top, chunk[-1]) if self.top is not None else chunk[-1]
        return dup


def _duplicated(vals: np.ndarray) -> np.ndarray:
    import pandas as pd

    return pd.Series(vals).duplicated(keep="first").to_numpy()
