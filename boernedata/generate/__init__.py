"""`boernedata generate`: a synthetic municipality's raw extracts, exactly per the contracts.

The world (children, institutions, enrollments) is built once in memory as numpy arrays; the extracts
are then written by independent steps (generate.steps) on every core (generate.parallel): a month of
check-in events, a month of pupil absence, staff and finance, ... The large extracts are written in
batches of enrollments, so memory stays bounded at national scale. Every random stream is seeded from
`seed` (numpy Generator per step and month): the same seed gives byte-identical files, whatever the number
of workers. No wall-clock time is written.

Module layout: config (scales), timeline (days, holidays, school days), population (children, CPR,
households, planted traits), institutions (register, buildings, closing days, forecast), enrollments,
daycare (attendance events and parent absences), school, staff, finance, health_social, qualitative,
truth, writers (the only module that formats and writes files), steps and parallel (the writing steps and
the pool that runs them).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from boernedata.contracts import EXTRACTS, raw_dir
from boernedata.exit_codes import ExitCode
from boernedata.generate import daycare, enrollments, institutions, parallel, steps
from boernedata.generate.config import SCALES, Scale
from boernedata.generate.parallel import Step
from boernedata.generate.population import make_population
from boernedata.generate.timeline import Calendar
from boernedata.generate.truth import write_truth
from boernedata.generate.writers import Writer

__all__ = ["build", "generate"]


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[{time.perf_counter() - self.t0:7.1f}s] {message}", file=sys.stderr, flush=True)


def _rng(seed: int, stream: int) -> np.random.Generator:
    """One independent stream per step: changing one step does not reshuffle the others."""
    return np.random.default_rng([seed, stream])


def generate(scale: str, seed: int, out: Path, truth: Path, progress: bool) -> int:
    out, truth = Path(out), Path(truth)
    if scale not in SCALES:
        print(
            f"boernedata generate: unknown scale {scale!r}; choose one of {', '.join(SCALES)}",
            file=sys.stderr,
        )
        return ExitCode.CANNOT_RUN
    if truth.resolve().is_relative_to(out.resolve()):
        print(
            f"boernedata generate: the truth file {truth} must be outside the raw folder {out} "
            "(land would read it as an unknown delivery); pass --truth elsewhere",
            file=sys.stderr,
        )
        return ExitCode.CANNOT_RUN
    writer = build(scale, seed, out, truth, _Progress(progress))
    if progress:
        total = sum(v["rows"] for v in writer.summary().values())
        print(f"boernedata generate: {total:,} rows in {out}; ground truth in {truth}", file=sys.stderr)
    return ExitCode.OK


def build(
    scale: str | Scale, seed: int, out: Path, truth: Path, say=None, workers: int | None = None
) -> Writer:
    """Generate everything; returns the writer with its row/byte counts per extract.

    `scale` is a preset name or a Scale (the benchmark shortens a preset's window with it); `workers`
    is the number of processes the writing steps run on (default: every core; the files are the same)."""
    say = say or (lambda _m: None)
    cfg = SCALES[scale] if isinstance(scale, str) else scale
    scale = cfg.name
    # The generator owns the contract folders of the raw tree it writes: stale deliveries go first.
    for ex in EXTRACTS:
        shutil.rmtree(raw_dir(out, ex), ignore_errors=True)
    w = Writer(out)
    cal = Calendar(cfg.first_date, cfg.last_date)
    say(f"scale {scale}: {cal.first} to {cal.last}")
    pop = make_population(_rng(seed, 1), cfg, cal)
    inst = institutions.make_institutions(_rng(seed, 2), cfg, cal)
    names = institutions.district_names(cfg.districts)
    say(f"{pop.n:,} children, {inst.n:,} institutions")

    r = _rng(seed, 3)
    day_sp = enrollments.make_daycare(r, pop, inst, cal)
    ss = enrollments.make_school(r, pop, inst, cal)
    lei = enrollments.make_leisure(r, pop, inst, ss)
    spells = enrollments.concat(day_sp, lei)
    say(f"{len(day_sp.child):,} daycare, {len(lei.child):,} leisure, {len(ss.child):,} school enrollments")

    # capacity and area follow the children actually enrolled
    under, over = enrollments.age_split(spells, pop)
    pf = enrollments.PLACE_FACTOR
    daycare_w = np.where(inst.sector[under.inst] == "dagtilbud", 2.0, 1.0) * pf[under.place]
    weighted = enrollments.daily_counts(under, inst.n, cal, daycare_w) + enrollments.daily_counts(
        over, inst.n, cal, pf[over.place]
    )
    school_sp = enrollments.Spells(
        ss.child, ss.school, ss.start, ss.end, np.zeros(len(ss.child), int), ss.class_id
    )
    heads = enrollments.daily_counts(spells, inst.n, cal) + enrollments.daily_counts(school_sp, inst.n, cal)
    weighted += enrollments.daily_counts(school_sp, inst.n, cal)
    peak = heads.max(axis=1)
    inst.normed_places = np.ceil(peak * _rng(seed, 4).uniform(1.0, 1.12, inst.n)).astype(np.int64)
    per_place = np.select(
        [np.isin(inst.type, ["vuggestue", "dagpleje"]), inst.sector == "dagtilbud", inst.sector == "skole"],
        [3.6, 2.9, 4.5],
        2.4,
    )
    inst.play_area = np.round(
        np.maximum(inst.normed_places, 4) * per_place * _rng(seed, 5).uniform(0.9, 1.3, inst.n), 1
    )

    closed, closing_rows = institutions.closing_days(_rng(seed, 8), inst, cal)
    months = cal.months()
    children = np.zeros((inst.n, len(months)))
    for j, (y, m) in enumerate(months):
        sl = cal.month_slice(y, m)
        o = cal.open[sl]
        children[:, j] = heads[:, sl][:, o].mean(axis=1) if o.any() else 0
    world = SimpleNamespace(
        seed=seed,
        pop=pop,
        inst=inst,
        names=names,
        cal=cal,
        ss=ss,
        spells=spells,
        closed=closed,
        closing_rows=closing_rows,
        weighted=weighted,
        children=children,
        attendance=daycare.Attendance(_rng(seed, 11), pop, inst, spells, cal, closed),
    )
    world.attendance.batch_size = cfg.enrollment_batch

    # The writing steps, every one on its own random stream: run on every core, same files for a seed.
    todo = [
        Step("register, buildings, closing days, enrollments", steps.register_and_enrollments, cost=2),
        Step("staff, rota and finance", steps.staff_and_finance, cost=12),
        Step("portal usage", steps.portal_usage, cost=8),
        Step("social and household", steps.social_and_household, cost=6),
        Step("tests, wellbeing, exams, health, language", steps.school_outcomes, cost=3),
        Step("observations, dialoghjul, conversations, waiting list", steps.qualitative_data, cost=2),
    ]
    todo += [Step(f"attendance {y}-{m:02d}", steps.attendance_month, (y, m), cost=6) for y, m in months]
    todo += [Step(f"school absence {y}-{m:02d}", steps.absence_month, (y, m), cost=0.5) for y, m in months]
    workers = workers or parallel.default_workers()
    say(f"{len(todo)} writing steps on {workers} worker(s)")
    for done, (label, rows, files) in enumerate(parallel.run(todo, world, out, workers), start=1):
        for key, n in rows.items():
            w.rows[key] += n
        for key, n in files.items():
            w.files[key] += n
        say(f"{done}/{len(todo)} {label}")

    write_truth(truth, scale, seed, pop, inst, ss, cal)
    say("truth")
    return w
