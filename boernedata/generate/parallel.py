"""Running the generator's independent steps on every core.

Once the world is built (children, institutions, enrollments: generate.build), the extracts are written
by steps that share nothing but that world: a month of check-in events, a month of school absence, staff
and finance, the surveys, the social extracts. Each step draws from its own seeded random stream and
writes its own files, so the files are the same whatever the number of workers and whatever order the
steps finish in. Workers are forked after the world is built and read it copy-on-write; each step returns
its writer's row and file counts, which the caller adds up.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from boernedata.generate.writers import Writer

# The world the forked workers read (set before the pool starts, never changed by a step).
_WORLD = None


@dataclass(frozen=True)
class Step:
    label: str
    run: Callable  # run(world, writer, *args): a module-level function, so it pickles by name
    args: tuple = ()
    cost: float = 1.0  # relative work: the largest steps start first, so no core idles at the end


def default_workers() -> int:
    return os.cpu_count() or 1


def run(steps: list[Step], world, out: Path, workers: int) -> Iterator[tuple[str, dict, dict]]:
    """Run every step; yield (label, rows per extract, files per extract) as each one finishes."""
    global _WORLD
    ordered = sorted(steps, key=lambda s: -s.cost)
    _WORLD = world
    try:
        if workers <= 1:
            for step in ordered:
                yield _run_one(step, out)
            return
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap_unordered(_run_in_worker, [(step, out) for step in ordered])
    finally:
        _WORLD = None


def _run_in_worker(job: tuple[Step, Path]) -> tuple[str, dict, dict]:
    return _run_one(*job)


def _run_one(step: Step, out: Path) -> tuple[str, dict, dict]:
    w = Writer(out)
    step.run(_WORLD, w, *step.args)
    return step.label, dict(w.rows), dict(w.files)
