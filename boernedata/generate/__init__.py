"""`boernedata generate`: a synthetic municipality's raw extracts, exactly per the contracts.

The world (children, institutions, enrollments) is built once in memory as numpy arrays; the large
extracts (check-in events, pupil absence, rota) are generated and written month by month, in batches
of enrollments, so memory stays bounded at national scale. Every random stream is seeded from `seed`
(numpy Generator per step): the same seed gives byte-identical files. No wall-clock time is written.

Module layout: config (scales), timeline (days, holidays, school days), population (children, CPR,
households, planted traits), institutions (register, buildings, closing days, forecast), enrollments,
daycare (attendance events and parent absences), school, staff, finance, health_social, qualitative,
truth, writers (the only module that formats and writes files).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np

from boernedata.contracts import EXTRACTS, raw_dir
from boernedata.exit_codes import ExitCode
from boernedata.generate import (
    daycare,
    enrollments,
    finance,
    health_social,
    institutions,
    qualitative,
    school,
    staff,
)
from boernedata.generate.config import SCALES, Scale
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


def build(scale: str | Scale, seed: int, out: Path, truth: Path, say=None) -> Writer:
    """Generate everything; returns the writer with its row/byte counts per extract.

    `scale` is a preset name or a Scale (the benchmark shortens a preset's window with it)."""
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

    institutions.write_register(w, inst, names, cal, _rng(seed, 6))
    institutions.write_buildings(w, inst, cal, _rng(seed, 7))
    institutions.write_forecast(w, pop, names, cal)
    closed, closing_rows = institutions.closing_days(_rng(seed, 8), inst, cal)
    institutions.write_closing_days(w, inst, closing_rows)
    say("register, buildings, forecast, closing days")

    school.write_leisure_daycare_enrollments(w, _rng(seed, 9), pop, inst, spells, cal)
    school.write_enrollments(w, _rng(seed, 10), pop, inst, ss, cal)
    school.write_calendar(w, cal)
    say("enrollments and school calendar")

    att = daycare.Attendance(_rng(seed, 11), pop, inst, spells, cal, closed, w)
    att.batch_size = cfg.enrollment_batch
    for y, m in cal.months():
        att.month(y, m)
        if m in (1, 7):
            say(f"attendance {y}-{m:02d}")
    say("attendance events and parent absences")

    school.write_absence(w, _rng(seed, 12), pop, inst, ss, cal)
    say("school absence")
    school.write_tests(w, _rng(seed, 13), pop, inst, ss, cal)
    school.write_wellbeing(w, _rng(seed, 14), pop, inst, ss, cal)
    school.write_exams(w, _rng(seed, 15), pop, inst, ss, cal)
    school.write_health(w, _rng(seed, 16), pop, inst, ss, cal)
    school.write_language(w, _rng(seed, 17), pop, inst, spells, ss, cal)
    say("tests, wellbeing, exams, health, language")

    salary = staff.write_staff(w, _rng(seed, 18), inst, weighted, closed, cal)
    say("staff and rota")
    months = cal.months()
    children = np.zeros((inst.n, len(months)))
    for j, (y, m) in enumerate(months):
        sl = cal.month_slice(y, m)
        o = cal.open[sl]
        children[:, j] = heads[:, sl][:, o].mean(axis=1) if o.any() else 0
    finance.write_finance(w, _rng(seed, 19), inst, children, salary, cal)
    say("finance")

    health_social.write_notifications(w, _rng(seed, 20), pop, cal)
    health_social.write_ppr(w, _rng(seed, 21), pop, cal)
    health_social.write_measures(w, _rng(seed, 22), pop, cal)
    health_social.write_parents(w, _rng(seed, 23), pop, cal)
    say("social and household")

    qualitative.write_observations(w, _rng(seed, 24), pop, inst, cal)
    qualitative.write_dialogue(w, _rng(seed, 25), pop, inst, spells, cal)
    qualitative.write_learning_conversations(w, _rng(seed, 26), inst, cal)
    qualitative.write_portal(w, _rng(seed, 27), pop, inst, spells, ss, cal)
    qualitative.write_waiting_list(w, _rng(seed, 28), pop, inst, spells, cal)
    say("qualitative, portal usage, waiting list")

    write_truth(truth, scale, seed, pop, inst, ss, cal)
    say("truth")
    return w
