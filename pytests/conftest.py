"""Shared fixtures: the whole pipeline on the tiny synthetic municipality, run once per test session.

`tiny_pipeline` drives the product exactly as an analyst does, through the CLI: generate → land (with a
test pseudonym key from the environment, never the demo key) → build (dbt build + publish) → datapakke.
Tests then read what each step left behind. It is the suite's `dbt build` on synthetic data: every model,
data test and unit test of the project runs here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from boernedata import releases
from boernedata.build import unit_tests

TEST_KEY = "boernedata-test-key-not-a-secret"


@dataclass(frozen=True)
class Pipeline:
    root: Path
    raw: Path
    truth: Path
    landing: Path
    warehouse: Path
    published: Path
    reports: Path
    env: dict
    outputs: dict  # step -> CompletedProcess

    @property
    def published_db(self) -> Path:
        return releases.published_db(self.warehouse)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return run_cli(self.env, *args)


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "boernedata.cli", *args], env=env, capture_output=True, text=True, timeout=900
    )


def cli_env(raw: Path, landing: Path, warehouse: Path) -> dict:
    """The environment of a CLI run on these folders, with the test pseudonym key."""
    env = {
        **os.environ,
        "BOERNEDATA_PSEUDONYM_KEY": TEST_KEY,
        "BOERNEDATA_RAW": str(raw),
        "BOERNEDATA_LANDING": str(landing),
        "BOERNEDATA_WAREHOUSE": str(warehouse),
    }
    for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
        env.pop(name, None)
    return env


def run_pipeline(root: Path, scale: str, seed: int, *, datapakke: bool, run_unit_tests: bool) -> Pipeline:
    """generate -> land -> build (-> datapakke) through the CLI into `root`; fail the test on any step."""
    raw, landing, reports = root / "raw", root / "landing", root / "reports"
    truth = root / "truth.json"
    warehouse = root / "warehouse" / "boernedata.duckdb"
    env = cli_env(raw, landing, warehouse)
    generate = ["--scale", scale, "--seed", str(seed), "--truth", str(truth), "--no-progress"]
    steps = {
        "generate": ["generate", *generate],
        "land": ["land", "--no-progress"],
        "build": ["build"] if run_unit_tests else ["build", "--", *unit_tests.dbt_arguments(skip=True)],
    }
    if datapakke:
        steps["datapakke"] = ["datapakke", "--out", str(reports), "--no-pdf"]
    outputs = {}
    for step, args in steps.items():
        outputs[step] = proc = run_cli(env, *args)
        if proc.returncode != 0:
            pytest.fail(
                f"`boernedata {' '.join(args)}` ({scale}) exited {proc.returncode}\n"
                f"--- stdout (tail)\n{proc.stdout[-6000:]}\n--- stderr (tail)\n{proc.stderr[-6000:]}"
            )
    return Pipeline(
        root=root,
        raw=raw,
        truth=truth,
        landing=landing,
        warehouse=warehouse,
        published=releases.Paths.of(warehouse).published,
        reports=reports,
        env=env,
        outputs=outputs,
    )


SESSION_PIPELINES = ("tiny_pipeline", "small_pipeline")
# The longest work units, longest first (durations of a `make test` run, 2026-12-07: 170-190 s each for
# the first three, 110 s for the small pipeline): started first, so neither worker is left with one of
# them at the end while the other idles. The rest follow in file order.
LONGEST_UNITS = ("tiny_pipeline", "test_incremental", "test_publish", "small_pipeline", "test_datapakke")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Work units for pytest-xdist (`make test` runs `-n 2 --dist loadgroup --no-loadscope-reorder`): the
    tests that read one session pipeline are one unit, so each pipeline is built once; every other test
    file is one unit, so its module fixtures are set up once. The longest units go first."""
    groups = {}
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = [v for v in callspec.params.values() if isinstance(v, str)] if callspec else []
        used = [*item.fixturenames, *params]  # a parametrized fixture names its pipeline in its param
        groups[item] = next((name for name in SESSION_PIPELINES if name in used), item.module.__name__)
        item.add_marker(pytest.mark.xdist_group(groups[item]))
    rank = {name: i for i, name in enumerate(LONGEST_UNITS)}
    items.sort(key=lambda item: rank.get(groups[item], len(rank)))


@pytest.fixture(scope="session")
def tiny_pipeline(tmp_path_factory) -> Pipeline:
    # the suite's one run of the unit tests (fixtures, not landed data: one run per code is enough)
    return run_pipeline(tmp_path_factory.mktemp("pipeline"), "tiny", 7, datapakke=True, run_unit_tests=True)


@pytest.fixture(scope="session")
def small_pipeline(tmp_path_factory) -> Pipeline:
    """The `small` scale (the issue's bar for plausible values of every indicator); no data packages."""
    return run_pipeline(
        tmp_path_factory.mktemp("pipeline_small"), "small", 3, datapakke=False, run_unit_tests=False
    )


# --- the browser for pytest-playwright: Debian's Chromium, never a downloaded one ----------------------

# What a browser test waits for (a chart drawn, a title set) may take more than Playwright's default 5 s
# on a busy machine: the suite runs on two workers beside dbt builds. A wait ends as soon as it holds.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    from boernedata import chromium

    executable = chromium.find()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI: {chromium.INSTALL_HINT}")
        pytest.skip(chromium.INSTALL_HINT)
    return {**browser_type_launch_args, **chromium.launch_options(executable)}
