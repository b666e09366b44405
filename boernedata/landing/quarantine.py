"""The quarantine: rows that failed a check, stored with the file, the line and the reasons, never with a
CPR number in clear.

A delivery's quarantined rows go to `<landing>/_quarantine/<system>/<extract>/<period>.parquet`
(landing_zone.quarantine_file) with the schema below; the file is made for the first bad row only
(QuarantineWriter). Quarantine text is diagnostic, not landed data: CPR columns are pseudonymized (or
masked when they do not parse), free text is redacted, and anything else that parses as a CPR number is
masked (mask_cpr_like; what looks like one: boernedata/cpr_pattern.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from boernedata.contracts import Extract
from boernedata.cpr_pattern import CPR_IN_TEXT, digits
from boernedata.landing.cpr import MASK, Pseudonymizer, parse_cpr
from boernedata.landing.readers import ReadFault
from boernedata.landing.redact import redact_text

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("_source_file", pa.string(), nullable=False),
        pa.field("_source_line", pa.int64(), nullable=False),
        pa.field("_period", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),  # the first failing check
        pa.field("column", pa.string()),
        pa.field("reasons", pa.string()),  # every failing check, "column:reason; ..."
        pa.field("row", pa.string()),  # the raw values as JSON, CPR numbers pseudonymized or masked
        pa.field("_loaded_at", pa.timestamp("us"), nullable=False),
    ]
)


def mask_cpr_like(text: str) -> str:
    """Mask every CPR-like number (cpr_pattern.py) that parses as a CPR number: quarantine text is
    diagnostic, not landed data, so another ten-digit code (a cost centre) stays readable."""
    return CPR_IN_TEXT.sub(lambda m: MASK if parse_cpr(digits(m)) else m.group(0), text)


class QuarantineWriter:
    """A delivery's quarantined rows, written to `path` (a temporary name); the file is made for the first
    bad row only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, QUARANTINE_SCHEMA)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def rows_table(
    ex: Extract, batch, checks, first, bad, rel: str, period: str, pseudo: Pseudonymizer, loaded_at
) -> pa.Table:
    """The bad rows of a batch (`bad`), each with its first failing check (`first`, an index into
    `checks`) and every failing one, its raw values as JSON: CPR columns pseudonymized (or masked when
    they do not parse), free text redacted, anything CPR-like masked."""
    rows = np.flatnonzero(bad)
    raw_rows = batch.table.take(pa.array(rows)).to_pylist()
    cpr_cols = {c.name for c in ex.columns if c.kind == "cpr"}
    values = []
    for rec in raw_rows:
        clean = {}
        for k, v in rec.items():
            text = None if v is None else str(v)
            if text is not None:
                text = (
                    pseudo.text(text)
                    if k in cpr_cols
                    else mask_cpr_like(redact_text(text) if _free(ex, k) else text)
                )
            clean[k] = text
        values.append(json.dumps(clean, ensure_ascii=False))
    all_reasons = [[] for _ in rows]
    for c, r, m in checks:
        for j in np.flatnonzero(m[rows]):
            all_reasons[j].append(f"{c}:{r}")
    n = len(rows)
    return pa.table(
        {
            "_source_file": pa.repeat(rel, n),
            "_source_line": pa.array(batch.lines[rows], pa.int64()),
            "_period": pa.repeat(period, n),
            "reason": pa.array([checks[k][1] for k in first[rows]], pa.string()),
            "column": pa.array([checks[k][0] for k in first[rows]], pa.string()),
            "reasons": pa.array(["; ".join(x) for x in all_reasons], pa.string()),
            "row": pa.array(values, pa.string()),
            "_loaded_at": pa.repeat(pa.scalar(loaded_at, pa.timestamp("us")), n),
        },
        schema=QUARANTINE_SCHEMA,
    )


def faults_table(faults: list[ReadFault], rel: str, period: str, loaded_at) -> pa.Table:
    """The lines the reader could not split into a row (read faults), the raw line redacted and masked."""
    n = len(faults)
    return pa.table(
        {
            "_source_file": pa.repeat(rel, n),
            "_source_line": pa.array([f.line for f in faults], pa.int64()),
            "_period": pa.repeat(period, n),
            "reason": pa.array([f.reason for f in faults]),
            "column": pa.nulls(n, pa.string()),
            "reasons": pa.array([f":{f.reason}" for f in faults]),
            "row": pa.array(
                [json.dumps({"line": mask_cpr_like(redact_text(f.text))}, ensure_ascii=False) for f in faults]
            ),
            "_loaded_at": pa.repeat(pa.scalar(loaded_at, pa.timestamp("us")), n),
        },
        schema=QUARANTINE_SCHEMA,
    )


def _free(ex: Extract, name: str) -> bool:
    return any(c.name == name and c.free_text for c in ex.columns)
