"""Great Expectations suites built from contracts.py: the project's machine-readable copy of the contracts.

How they are used, and why: GE 1.x validates pandas frames only and costs ~0.1-0.5 s per validation,
too slow for every row of tens of millions of check-in events. So the vectorized checks of parse.py read
every row and decide the quarantine, and the suite of each extract runs on the *parsed* frames (typed
values, unparseable values null, before quarantine) of every file landed in the run: all rows of a small
file, the first sample_rows() rows of a large one (~100 000 rows per extract and run), in a worker
process beside the landing, each extract as soon as its last file has landed (validating all at the end
kept the worker busy 9 s after the last copenhagen file). Its results are shown per file in the report,
and each expectation is cross-checked against the quarantine: on the same rows GE must count exactly as
many unexpected values as the vectorized checks flagged for that column and reason. A disagreement is
reported as an error.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from boernedata.contracts import Extract, person_key_name

SAMPLE_ROWS = 10_000  # at most, per file
EXTRACT_SAMPLE_ROWS = 100_000  # per extract and run: many files of one extract get smaller samples
MIN_SAMPLE_ROWS = 1_000
FLUSH_ROWS = 100_000  # validate when this many sample rows of an extract are waiting


def sample_rows(files_of_extract: int) -> int:
    """Rows of each file the suite validates: all of a small file, the first rows of a large one."""
    return max(MIN_SAMPLE_ROWS, min(SAMPLE_ROWS, EXTRACT_SAMPLE_ROWS // max(files_of_extract, 1)))


os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


@dataclass(frozen=True)
class Spec:
    """One expectation of a suite and the quarantine reasons it must agree with."""

    type: str
    column: str | None  # landed column the expectation reads
    source_column: str | None  # contract column whose quarantine reasons it mirrors
    reasons: frozenset[str]
    kwargs: dict = field(default_factory=dict, hash=False)


def suite_specs(ex: Extract) -> list[Spec]:
    from boernedata.landing.parse import NULLING_REASONS

    landed_order: list[str] = []
    specs: list[Spec] = []
    for col in ex.columns:
        landed = person_key_name(col.name) if col.kind == "cpr" else col.name
        landed_order.append(landed)
        if col.required:
            specs.append(Spec("not_null", landed, col.name, NULLING_REASONS))
        if col.kind == "enum":
            specs.append(
                Spec("in_set", landed, col.name, frozenset({"not_in_enum"}), {"value_set": col.values})
            )
        if col.pattern:
            specs.append(
                Spec(
                    "regex",
                    landed,
                    col.name,
                    frozenset({"pattern_mismatch"}),
                    {"regex": f"^(?:{col.pattern})$"},
                )
            )
        if col.min is not None or col.max is not None:
            specs.append(
                Spec(
                    "between",
                    landed,
                    col.name,
                    frozenset({"out_of_range"}),
                    {"min_value": col.min, "max_value": col.max},
                )
            )
        if col.unique:
            # Unique within one delivery: compound with the source file, since a run holds many files.
            specs.append(Spec("unique_per_file", landed, None, frozenset(), {}))
    specs.insert(
        0, Spec("columns", None, None, frozenset(), {"column_list": [*landed_order, "_source_file"]})
    )
    return specs


def build_suite(ex: Extract):
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=f"raw.{ex.system}.{ex.name}", meta={"contract": ex.key})
    for i, spec in enumerate(suite_specs(ex)):
        meta = {"spec": i, "reasons": sorted(spec.reasons), "source_column": spec.source_column}
        if spec.type == "columns":
            e = gxe.ExpectTableColumnsToMatchOrderedList(column_list=spec.kwargs["column_list"], meta=meta)
        elif spec.type == "not_null":
            e = gxe.ExpectColumnValuesToNotBeNull(column=spec.column, meta=meta)
        elif spec.type == "in_set":
            e = gxe.ExpectColumnValuesToBeInSet(
                column=spec.column, value_set=list(spec.kwargs["value_set"]), meta=meta
            )
        elif spec.type == "regex":
            e = gxe.ExpectColumnValuesToMatchRegex(column=spec.column, regex=spec.kwargs["regex"], meta=meta)
        elif spec.type == "between":
            e = gxe.ExpectColumnValuesToBeBetween(column=spec.column, **spec.kwargs, meta=meta)
        elif spec.type == "unique_per_file":
            e = gxe.ExpectCompoundColumnsToBeUnique(column_list=["_source_file", spec.column], meta=meta)
        else:
            raise AssertionError(spec.type)
        suite.add_expectation(e)
    return suite


_CONTEXT = None
_SUITES: dict[str, object] = {}


def _context():
    """One ephemeral GE context per process, progress bars and usage statistics off."""
    global _CONTEXT
    if _CONTEXT is None:
        for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
            logging.getLogger(name).setLevel(logging.ERROR)
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
        ds = ctx.data_sources.add_pandas("landing")
        _CONTEXT = (ctx, ds.add_dataframe_asset("parsed").add_batch_definition_whole_dataframe("frame"))
    return _CONTEXT


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
    tables: list[pa.Table] = field(default_factory=list)  # Arrow: pickled 10x faster than pandas
    # per file: {(source column, reason): count on the sampled rows}
    counts: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    rows: int = 0


def _validate(key: str, table: pa.Table) -> list[tuple[int, str, bool, list[int], str | None]]:
    """Run the suite of extract `key` on the pandas frame of a table of parsed rows (strings plain, as
    the landing casts its samples); (spec index, type, success, unexpected rows, error).

    The whole suite runs for success only (GE's BOOLEAN_ONLY: 3.7 s against 5.5 s for the 29
    copenhagen validations); only an expectation that fails runs again, for its unexpected rows."""
    from boernedata.contracts import extract

    ctx, batch_def = _context()
    if key not in _SUITES:  # registered once per process, like the context
        _SUITES[key] = ctx.suites.add(build_suite(extract(key)))
    suite = _SUITES[key]
    frame = table.to_pandas()
    batch = batch_def.get_batch(batch_parameters={"dataframe": frame})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' "pattern has match groups" from GE's regex metric
        results = batch.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"}).results
        by_spec = {e.meta["spec"]: e for e in suite.expectations}
        results = [
            r
            if r.success
            else batch.validate(by_spec[r.expectation_config.meta["spec"]], result_format="COMPLETE")
            for r in results
        ]
    out = []
    for r in results:  # GE does not keep the suite's order: match by the index in meta
        idx = r.result.get("unexpected_index_list") or []
        if idx and isinstance(idx[0], dict):  # compound expectations list index dicts
            idx = [d.get("index", d) for d in idx]
        err = None
        if r.exception_info and r.exception_info.get("raised_exception"):
            err = str(r.exception_info.get("exception_message"))
        out.append((r.expectation_config.meta["spec"], r.expectation_config.type, bool(r.success), idx, err))
    return out


def _warm_up() -> bool:
    _context()
    return True


_WORKER = None


def _worker():
    """One GE worker process per Python process, started on first use and reused by later runs."""
    global _WORKER
    if _WORKER is None or not _WORKER.alive():
        import atexit

        from boernedata.landing.ge_worker import Worker

        _WORKER = Worker()
        atexit.register(_WORKER.close)
    return _WORKER


def stop_worker() -> None:
    """Stop the GE worker and wait for it to exit (a later run starts another)."""
    global _WORKER
    if _WORKER is not None:
        _WORKER.close()  # its input closes: it exits
        _WORKER.proc.wait()
        _WORKER = None


class SuiteRunner:
    """Collects parsed sample frames per extract and validates them with the extract's suite."""

    def __init__(self, in_process: bool = False) -> None:
        self.pending: dict[str, _Pending] = {}
        self.results: dict[str, dict[str, ExpectationResult]] = {}
        self.errors: list[str] = []
        self.in_process = in_process or os.environ.get("BOERNEDATA_GE_IN_PROCESS") == "1"
        self._jobs: list[tuple[Extract, _Pending, _Files, pa.Table, int]] = []
        self._w = None

    def start(self) -> None:
        """Start the worker when a file is about to land: it imports GE while the file is parsed."""
        if self.in_process or self._w is not None:
            return
        try:
            self._w = _worker()
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
        # names sorted Python strings: ~1 s at the end of a copenhagen run)
        files = _Files.of(table.column("_source_file"))
        self.start()
        if self.in_process:
            self._merge(ex, p, files, _validate(ex.key, table))
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
                results = _validate(ex.key, table)
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


def export_suites(folder) -> list:
    """Write every extract's suite as Great Expectations JSON (the contracts in GE's own format)."""
    import json
    from pathlib import Path

    from boernedata.contracts import EXTRACTS

    _context()  # GE builds suites only inside a data context
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in EXTRACTS:
        suite = build_suite(ex)
        path = folder / f"{suite.name}.json"
        path.write_text(
            json.dumps(suite.to_json_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written.append(path)
    return written


if __name__ == "__main__":  # python -m boernedata.landing.suites DIR
    import sys

    for p in export_suites(sys.argv[1] if len(sys.argv) > 1 else "expectations"):
        print(p)
