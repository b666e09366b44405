"""The generator's writing steps, each independent of the others (generate.parallel runs them on every
core). A step reads the world (generate.build) and writes its extracts; it draws only from its own random
stream, numbered as before the steps ran in parallel, with the month added for the monthly ones."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from boernedata.generate import finance, health_social, institutions, qualitative, school, staff


def rng(world: SimpleNamespace, *stream: int) -> np.random.Generator:
    """One independent stream per step (and month): changing one step does not reshuffle the others."""
    return np.random.default_rng([world.seed, *stream])


def register_and_enrollments(world, w) -> None:
    institutions.write_register(w, world.inst, world.names, world.cal, rng(world, 6))
    institutions.write_buildings(w, world.inst, world.cal, rng(world, 7))
    institutions.write_forecast(w, world.pop, world.names, world.cal)
    institutions.write_closing_days(w, world.inst, world.closing_rows)
    school.write_leisure_daycare_enrollments(w, rng(world, 9), world.pop, world.inst, world.spells, world.cal)
    school.write_enrollments(w, rng(world, 10), world.pop, world.inst, world.ss, world.cal)
    school.write_calendar(w, world.cal)


def attendance_month(world, w, y: int, m: int) -> None:
    world.attendance.month(w, rng(world, 11, y, m), y, m)


def absence_month(world, w, y: int, m: int) -> None:
    school.write_absence_month(w, rng(world, 12, y, m), world.pop, world.inst, world.ss, world.cal, y, m)


def school_outcomes(world, w) -> None:
    args = (world.pop, world.inst, world.ss, world.cal)
    school.write_tests(w, rng(world, 13), *args)
    school.write_wellbeing(w, rng(world, 14), *args)
    school.write_exams(w, rng(world, 15), *args)
    school.write_health(w, rng(world, 16), *args)
    school.write_language(w, rng(world, 17), world.pop, world.inst, world.spells, world.ss, world.cal)


def staff_and_finance(world, w) -> None:
    salary = staff.write_staff(w, rng(world, 18), world.inst, world.weighted, world.closed, world.cal)
    finance.write_finance(w, rng(world, 19), world.inst, world.children, salary, world.cal)


def social_and_household(world, w) -> None:
    health_social.write_notifications(w, rng(world, 20), world.pop, world.cal)
    health_social.write_ppr(w, rng(world, 21), world.pop, world.cal)
    health_social.write_measures(w, rng(world, 22), world.pop, world.cal)
    health_social.write_parents(w, rng(world, 23), world.pop, world.cal)


def qualitative_data(world, w) -> None:
    qualitative.write_observations(w, rng(world, 24), world.pop, world.inst, world.cal)
    qualitative.write_dialogue(w, rng(world, 25), world.pop, world.inst, world.spells, world.cal)
    qualitative.write_learning_conversations(w, rng(world, 26), world.inst, world.cal)
    qualitative.write_waiting_list(w, rng(world, 28), world.pop, world.inst, world.spells, world.cal)


def portal_usage(world, w) -> None:
    qualitative.write_portal(w, rng(world, 27), world.pop, world.inst, world.spells, world.ss, world.cal)
