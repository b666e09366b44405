"""Validating a landing run's parsed rows with the extracts' suites, and cross-checking the quarantine.

GE 1.x validates pandas frames only, and a validation takes far too long for every row of tens of millions
of check-in events (docs/benchmarks.md). So the vectorized checks of parse.py read every row and decide
the quarantine, and the suite of each extract runs on the *parsed* frames (typed values, unparseable
values null, before quarantine) of every file landed in the run: all rows of a small file, the first
sample_rows() rows of a large one (~100 000 rows per extract and run), in a worker process beside the
landing (ge_worker.py), each extract as soon as its last file has landed. Its results are shown per file
in the report, and each expectation is cross-checked against the quarantine: on the same rows GE must
count exactly as many unexpected values as the vectorized checks flagged for that column and reason. A
disagreement is reported as an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from boernedata import settings
from boernedata.contracts import Extract
from boernedata.landing.ge_worker import shared_worker
from boernedata.landing.suites import suite_specs
from boernedata.landing.validation import validate

SAMPLE_ROWS = 10_000  # at most, per file
EXTRACT_SAMPLE_ROWS = 100_000  # per extract and run: many files of one extract get smaller samples
MIN_SAMPLE_ROWS = 1_000
FLUSH_ROWS = 100_000  # validate when this many sample rows of an extract are waiting


def sample_rows(files_of_extract: int) -> int:
    """Rows of each file the suite validates: all of a small file, the first rows of a large one."""
    return max(MIN_SAMPLE_ROWS, min(SAMPLE_ROWS, EXTRACT_SAMPLE_ROWS // max(files_of_extract, 1)))


@dataclass
class ExpectationResult:
    expectation: str
    column: str | None
    success: bool
    unexpected: dict[str, int]  # per source file
    checked: dict[str, int]  # rows validated per file
    quarantine: dict[str, int] | None  # the vectorized checks' count on the same rows, when comparable
    cross_check_ok: bool


@dataclass
class _Pending:
    tables: list[pa.Table] = field(default_factory=list)  # Arrow: pickled much faster than pandas
    # per file: {(source column, reason): count on the sampled rows}
    counts: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    rows: int = 0


class SuiteRunner:
    """Collects parsed sample frames per extract and validates them with the extract's suite."""

    def __init__(self, in_process: bool = False) -> None:
        self.pending: dict[str, _Pending] = {}
        self.results: dict[str, dict[str, ExpectationResult]] = {}
        self.errors: list[str] = []
        self.in_process = in_process or os.environ.get(settings.ENV_GE_IN_PROCESS) == "1"
        self._jobs: list[tuple[Extract, _Pending, _Files, pa.Table, int]] = []
        self._w = None

    def start(self) -> None:
        """Start the worker when a file is about to land: it imports GE while the file is parsed."""
        if self.in_process or self._w is not None:
            return
        try:
            self._w = shared_worker()
        except OSError:
            self.in_process = True

    def add(self, ex: Extract, table: pa.Table, counts: dict[tuple[str, str], int], file: str) -> None:
        p = self.pending.setdefault(ex.key, _Pending())
        p.tables.append(table)
        agg = p.counts.setdefault(file, {})
        for k, v in counts.items():
            agg[k] = agg.get(k, 0) + v
        p.rows += table.num_rows
        if p.rows >= FLUSH_ROWS:
            self.flush(ex)

    def flush(self, ex: Extract) -> None:
        p = self.pending.pop(ex.key, None)
        if not p or not p.tables:
            return
        table = pa.concat_tables(p.tables)
        # Rows by source file as codes: counting per file is then a bincount (np.unique on the file
        # names sorted Python strings, slowly, at the end of a run)
        files = _Files.of(table.column("_source_file"))
        self.start()
        if self.in_process:
            self._merge(ex, p, files, validate(ex.key, table))
        else:
            self._jobs.append((ex, p, files, table, self._w.submit(ex.key, table)))

    def finish(self, extracts: dict[str, Extract]) -> None:
        """Validate what is pending and collect every result."""
        for key in list(self.pending):
            self.flush(extracts[key])
        jobs, self._jobs = self._jobs, []
        for ex, p, files, table, job in jobs:
            results = self._w.result(job)
            if isinstance(results, str):  # the worker failed: validate here, and say so
                self.errors.append(f"{ex.key}: {results}; validated in process instead")
                results = validate(ex.key, table)
            self._merge(ex, p, files, results)

    def _merge(self, ex: Extract, p: _Pending, files: _Files, results) -> None:
        checked = files.count()
        merged = self.results.setdefault(ex.key, {})
        specs = suite_specs(ex)
        for spec_no, label, success, idx, err in sorted(results):
            spec = specs[spec_no]
            if err:
                self.errors.append(f"{ex.key}: {label} raised {err}")
            per_file = files.count(np.asarray(idx, dtype=np.int64)) if idx else {}
            if spec.type == "columns" and not success:
                per_file = dict(checked)
            quarantine = None
            if spec.reasons:
                quarantine = {
                    f: sum(
                        n
                        for (c, reason), n in p.counts.get(f, {}).items()
                        if c == spec.source_column and reason in spec.reasons
                    )
                    for f in checked
                }
            ok = quarantine is None or all(quarantine[f] == per_file.get(f, 0) for f in quarantine)
            if not ok:
                self.errors.append(
                    f"{ex.key}: GE {label} on {spec.column} counts {per_file} but the quarantine flagged "
                    f"{quarantine} (reasons {sorted(spec.reasons)}): the checks and the suite disagree"
                )
            key = f"{label}:{spec.column or ''}"
            old = merged.get(key)
            if old is None:
                merged[key] = ExpectationResult(
                    label, spec.column, success, per_file, checked, quarantine, ok
                )
                continue
            # A later flush of the same extract (files can span flushes): add up
            old.success = old.success and success
            old.cross_check_ok = old.cross_check_ok and ok
            old.unexpected = _add(old.unexpected, per_file)
            old.checked = _add(old.checked, checked)
            if old.quarantine is not None and quarantine is not None:
                old.quarantine = _add(old.quarantine, quarantine)


@dataclass
class _Files:
    """The source file of each validated row: codes into the file names."""

    codes: np.ndarray
    names: list[str]

    @classmethod
    def of(cls, column: pa.ChunkedArray) -> _Files:
        encoded = pc.dictionary_encode(column.combine_chunks())
        return cls(encoded.indices.to_numpy(), encoded.dictionary.to_pylist())

    def count(self, rows: np.ndarray | None = None) -> dict[str, int]:
        """Rows per file (of `rows` when given), files without any left out."""
        codes = self.codes if rows is None else self.codes[rows]
        counts = np.bincount(codes, minlength=len(self.names))
        return {self.names[k]: int(counts[k]) for k in np.flatnonzero(counts)}


def _add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in {**a, **b}}
