"""Running an extract's suite with Great Expectations on a table of parsed rows, in this process.

GE 1.x validates pandas frames only (docs/architecture.md, "Toolchain"); the GE context is suites.py's,
one per process, and each suite is registered in it once per process. The GE worker process
(ge_worker.py) calls validate() for the landing run, and the run calls it itself when the worker fails.
"""

from __future__ import annotations

import warnings

import pyarrow as pa

from boernedata.landing.suites import build_suite, ge_context

_SUITES: dict[str, object] = {}


def validate(key: str, table: pa.Table) -> list[tuple[int, str, bool, list[int], str | None]]:
    """Run the suite of extract `key` on the pandas frame of a table of parsed rows (strings plain, as
    the landing casts its samples); (spec index, type, success, unexpected rows, error).

    The whole suite runs for success only (GE's BOOLEAN_ONLY, the fastest result format:
    docs/benchmarks.md); only an expectation that fails runs again, for its unexpected rows."""
    from boernedata.contracts import extract

    ctx, batch_def = ge_context()
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


def warm_up() -> bool:
    ge_context()
    return True
