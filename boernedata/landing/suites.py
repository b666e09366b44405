"""Great Expectations suites built from contracts.py: the project's machine-readable copy of the contracts.

One suite per extract (`raw.<system>.<extract>`), one expectation per rule of the contract (not null,
value set, pattern, range, unique within a file) plus the landed column list, each tagged with the
quarantine reasons it must agree with (Spec). How and when they run on the landed rows:
suite_runner.py; running one suite with GE: validation.py. `python -m boernedata.landing.suites DIR`
writes them as GE's own JSON.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from boernedata.contracts import Extract, person_key_name

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


def ge_context():
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


def export_suites(folder) -> list:
    """Write every extract's suite as Great Expectations JSON (the contracts in GE's own format)."""
    import json
    from pathlib import Path

    from boernedata.contracts import EXTRACTS

    ge_context()  # GE builds suites only inside a data context
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
