"""The command line is a contract: its flags, environment variables, defaults and exit codes.

These tests pin it from the outside: the usage line of every subcommand (flags, their arguments and
arity), that each option's help names its environment variable and default, and what a subcommand hands
to the function behind it when a setting comes from the flag, the environment or the default. The
functions behind the commands are replaced by recorders, so nothing is generated, landed or built.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from boernedata import cli

ENV = (
    "BOERNEDATA_RAW",
    "BOERNEDATA_LANDING",
    "BOERNEDATA_WAREHOUSE",
    "BOERNEDATA_PSEUDONYM_KEY",
    "BOERNEDATA_MAX_TABLE_SHRINK_PCT",
    "BOERNEDATA_MAX_DELIVERY_SHRINK_PCT",
    "BOERNEDATA_ALLOW_EMPTY",
    "BOERNEDATA_DATAPAKKER",
)

USAGE = {
    "generate": "usage: boernedata generate [-h] [--scale {tiny,small,copenhagen,national}] [--seed SEED] "
    "[--out OUT] [--truth TRUTH] [--no-progress]",
    "land": "usage: boernedata land [-h] [--raw RAW] [--landing LANDING] [--demo] "
    "[--accept-shrink [FILE ...]] [--max-shrink PCT] [--no-progress]",
    "build": "usage: boernedata build [-h] [--landing LANDING] [--warehouse WAREHOUSE] [--allow-shrink] "
    "[--max-shrink PCT] [--allow-empty SYSTEM/EXTRACT] [--full-refresh] "
    "[--target {duckdb,postgres,spark}] ...",
    "status": "usage: boernedata status [-h] [--warehouse WAREHOUSE]",
    "rollback": "usage: boernedata rollback [-h] [--warehouse WAREHOUSE] [--to RELEASE]",
    "datapakke": "usage: boernedata datapakke [-h] [--warehouse WAREHOUSE] [--period PERIOD] "
    "[--institution INSTITUTION] [--out OUT] [--no-pdf] [--no-progress]",
    "dashboard": "usage: boernedata dashboard [-h] [--warehouse WAREHOUSE] [--host HOST] [--port PORT] "
    "[--datapakker DIR]",
}

# subcommand -> option -> what its help must name (environment variable and default)
HELP_NAMES = {
    "generate": {"--out": ("$BOERNEDATA_RAW", "data/raw"), "--scale": ("tiny",), "--seed": ("42",)},
    "land": {
        "--raw": ("$BOERNEDATA_RAW", "data/raw"),
        "--landing": ("$BOERNEDATA_LANDING", "data/landing"),
        "--demo": ("$BOERNEDATA_PSEUDONYM_KEY",),
        "--max-shrink": ("$BOERNEDATA_MAX_DELIVERY_SHRINK_PCT", "20"),
    },
    "build": {
        "--landing": ("$BOERNEDATA_LANDING", "data/landing"),
        "--warehouse": ("$BOERNEDATA_WAREHOUSE", "warehouse/boernedata.duckdb"),
        "--max-shrink": ("$BOERNEDATA_MAX_TABLE_SHRINK_PCT", "20"),
        "--allow-empty": ("$BOERNEDATA_ALLOW_EMPTY",),
    },
    "status": {"--warehouse": ("$BOERNEDATA_WAREHOUSE", "warehouse/boernedata.duckdb")},
    "rollback": {"--warehouse": ("$BOERNEDATA_WAREHOUSE", "warehouse/boernedata.duckdb")},
    "datapakke": {
        "--warehouse": ("$BOERNEDATA_WAREHOUSE", "warehouse/boernedata.duckdb"),
        "--out": ("reports/datapakker",),
    },
    "dashboard": {
        "--warehouse": ("$BOERNEDATA_WAREHOUSE", "warehouse/boernedata.duckdb"),
        "--host": ("127.0.0.1",),
        "--port": ("8050",),
        "--datapakker": ("$BOERNEDATA_DATAPAKKER", "reports/datapakker"),
    },
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "1000")  # argparse wraps at the terminal width: one line per option
    monkeypatch.chdir(tmp_path)


def help_text(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        cli.main([*args, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", sorted(USAGE))
def test_usage_of_every_subcommand(command, capsys):
    assert help_text(capsys, command).splitlines()[0] == USAGE[command]


def test_the_subcommands(capsys):
    text = help_text(capsys)
    assert text.splitlines()[0] == "usage: boernedata [-h] [--version] COMMAND ..."
    for command in USAGE:
        assert f"    {command}" in text


@pytest.mark.parametrize("command", sorted(HELP_NAMES))
def test_help_names_environment_variable_and_default(command, capsys):
    text = help_text(capsys, command)
    for option, names in HELP_NAMES[command].items():
        # an option's entry: its line and the indented lines its help wraps onto
        entry = re.search(rf"^  {option} .*\n(?:   +\S.*\n)*", text, re.MULTILINE).group(0)
        for name in names:
            assert name in entry, (command, option, entry)


class Recorder:
    """Stands in for the function behind a subcommand: records its arguments, returns `code`."""

    def __init__(self, code: int = 0) -> None:
        self.code, self.kwargs = code, None

    def __call__(self, **kwargs):
        self.kwargs = kwargs
        if isinstance(self.code, BaseException):
            raise self.code
        return self.code


@pytest.fixture
def record(monkeypatch):
    def install(module: str, name: str, code=0) -> Recorder:
        recorder = Recorder(code)
        monkeypatch.setattr(f"{module}.{name}", recorder)
        return recorder

    return install


def test_generate_settings(record, monkeypatch):
    gen = record("boernedata.generate", "generate")
    assert cli.main(["generate"]) == 0
    assert gen.kwargs == {
        "scale": "tiny",
        "seed": 42,
        "out": Path("data/raw"),
        "truth": Path("data/truth.json"),
        "progress": True,
    }
    monkeypatch.setenv("BOERNEDATA_RAW", "/srv/raw")
    assert cli.main(["generate", "--scale", "small", "--seed", "3", "--no-progress"]) == 0
    assert gen.kwargs == {
        "scale": "small",
        "seed": 3,
        "out": Path("/srv/raw"),
        "truth": Path("/srv/truth.json"),
        "progress": False,
    }
    assert cli.main(["generate", "--out", "r", "--truth", "t.json"]) == 0
    assert (gen.kwargs["out"], gen.kwargs["truth"]) == (Path("r"), Path("t.json"))


def test_land_settings(record, monkeypatch, capsys):
    from boernedata import settings
    from boernedata.landing.hold import HoldRules

    land = record("boernedata.landing", "land")
    assert cli.main(["land", "--demo"]) == 0
    assert "PUBLIC demo pseudonym key" in capsys.readouterr().err
    assert land.kwargs == {
        "raw": Path("data/raw"),
        "landing": Path("data/landing"),
        "key": settings.DEMO_PSEUDONYM_KEY,
        "progress": True,
        "rules": HoldRules(max_shrink_pct=20.0, accept=None),
    }
    monkeypatch.setenv("BOERNEDATA_PSEUDONYM_KEY", "k" * 32)
    monkeypatch.setenv("BOERNEDATA_RAW", "/srv/raw")
    monkeypatch.setenv("BOERNEDATA_LANDING", "/srv/landing")
    monkeypatch.setenv("BOERNEDATA_MAX_DELIVERY_SHRINK_PCT", "35")
    assert cli.main(["land", "--no-progress", "--accept-shrink"]) == 0
    assert land.kwargs == {
        "raw": Path("/srv/raw"),
        "landing": Path("/srv/landing"),
        "key": b"k" * 32,
        "progress": False,
        "rules": HoldRules(max_shrink_pct=35.0, accept=()),
    }
    args = ["land", "--raw", "r", "--landing", "l", "--max-shrink", "5", "--accept-shrink", "a.csv", "b.csv"]
    assert cli.main(args) == 0
    assert (land.kwargs["raw"], land.kwargs["landing"]) == (Path("r"), Path("l"))
    assert land.kwargs["rules"] == HoldRules(max_shrink_pct=5.0, accept=("a.csv", "b.csv"))


def test_build_settings(record, monkeypatch):
    from boernedata.build import Checks

    build = record("boernedata.build", "build")
    assert cli.main(["build"]) == 0
    assert build.kwargs == {
        "landing": Path("data/landing"),
        "warehouse": Path("warehouse/boernedata.duckdb"),
        "dbt_args": [],
        "checks": Checks(max_shrink_pct=20.0, allow_shrink=False, allow_empty=()),
        "full_refresh": False,
        "target": "duckdb",
    }
    monkeypatch.setenv("BOERNEDATA_LANDING", "/srv/landing")
    monkeypatch.setenv("BOERNEDATA_WAREHOUSE", "/srv/wh/internal.duckdb")
    monkeypatch.setenv("BOERNEDATA_MAX_TABLE_SHRINK_PCT", "10")
    monkeypatch.setenv("BOERNEDATA_ALLOW_EMPTY", "aula/kommegaa, x/y")
    args = ["build", "--allow-shrink", "--allow-empty", "z/w", "--", "--select", "+institution_indicators"]
    assert cli.main(args) == 0
    assert build.kwargs == {
        "landing": Path("/srv/landing"),
        "warehouse": Path("/srv/wh/internal.duckdb"),
        "dbt_args": ["--select", "+institution_indicators"],
        "checks": Checks(max_shrink_pct=10.0, allow_shrink=True, allow_empty=("aula/kommegaa", "x/y", "z/w")),
        "full_refresh": False,
        "target": "duckdb",
    }
    assert cli.main(["build", "--full-refresh"]) == 0
    assert build.kwargs["full_refresh"] is True
    assert cli.main(["build", "--target", "postgres"]) == 0
    assert build.kwargs["target"] == "postgres"
    assert cli.main(["build", "--landing", "l", "--warehouse", "w.duckdb", "--max-shrink", "0"]) == 0
    assert (build.kwargs["landing"], build.kwargs["warehouse"]) == (Path("l"), Path("w.duckdb"))
    assert build.kwargs["checks"].max_shrink_pct == 0.0


def test_status_and_rollback_settings(record, monkeypatch):
    status = record("boernedata.build.manifest", "status", code=1)
    rollback = record("boernedata.build.rollback", "rollback")
    assert cli.main(["status"]) == 1
    assert status.kwargs == {"warehouse": Path("warehouse/boernedata.duckdb")}
    assert cli.main(["rollback"]) == 0
    assert rollback.kwargs == {"warehouse": Path("warehouse/boernedata.duckdb"), "to": None}
    monkeypatch.setenv("BOERNEDATA_WAREHOUSE", "/srv/wh/internal.duckdb")
    assert cli.main(["status"]) == 1
    assert status.kwargs == {"warehouse": Path("/srv/wh/internal.duckdb")}
    assert cli.main(["rollback", "--warehouse", "w.duckdb", "--to", "R1"]) == 0
    assert rollback.kwargs == {"warehouse": Path("w.duckdb"), "to": "R1"}


def test_datapakke_settings(record, monkeypatch):
    render = record("boernedata.datapakke", "render")
    assert cli.main(["datapakke"]) == 0
    assert render.kwargs == {
        "warehouse": Path("warehouse/published/boernedata.duckdb"),
        "period": None,
        "institution": None,
        "out": Path("reports/datapakker"),
        "pdf": True,
        "progress": None,  # a bar on a terminal, else a line per tenth of the packages
    }
    monkeypatch.setenv("BOERNEDATA_WAREHOUSE", "/srv/wh/internal.duckdb")
    args = ["datapakke", "--period", "2025-H1", "--institution", "S1", "--no-pdf", "--no-progress"]
    assert cli.main(args) == 0
    assert render.kwargs == {
        # the file `build` publishes beside the internal one, whatever the internal one is called
        "warehouse": Path("/srv/wh/published/boernedata.duckdb"),
        "period": "2025-H1",
        "institution": "S1",
        "out": Path("reports/datapakker"),
        "pdf": False,
        "progress": False,
    }
    assert cli.main(["datapakke", "--warehouse", "p.duckdb", "--out", "o"]) == 0
    assert (render.kwargs["warehouse"], render.kwargs["out"]) == (Path("p.duckdb"), Path("o"))


def test_dashboard_settings(record, monkeypatch):
    serve = record("boernedata.dashboard", "serve")
    assert cli.main(["dashboard"]) == 0
    assert serve.kwargs == {
        # the published file, as for datapakke: the dashboard never opens the internal warehouse
        "published": Path("warehouse/published/boernedata.duckdb"),
        "host": "127.0.0.1",  # this machine only, unless told otherwise
        "port": 8050,
        "packages": Path("reports/datapakker"),
    }
    monkeypatch.setenv("BOERNEDATA_WAREHOUSE", "/srv/wh/internal.duckdb")
    monkeypatch.setenv("BOERNEDATA_DATAPAKKER", "/srv/pakker")
    assert cli.main(["dashboard", "--host", "0.0.0.0", "--port", "9000"]) == 0
    assert serve.kwargs == {
        "published": Path("/srv/wh/published/boernedata.duckdb"),
        "host": "0.0.0.0",
        "port": 9000,
        "packages": Path("/srv/pakker"),
    }
    assert cli.main(["dashboard", "--warehouse", "p.duckdb", "--datapakker", "d"]) == 0
    assert (serve.kwargs["published"], serve.kwargs["packages"]) == (Path("p.duckdb"), Path("d"))


def test_exit_codes_pass_through_and_settings_errors_are_2(record, monkeypatch, capsys):
    build = record("boernedata.build", "build", code=3)
    assert cli.main(["build"]) == 3
    monkeypatch.setenv("BOERNEDATA_MAX_TABLE_SHRINK_PCT", "many")
    assert cli.main(["build"]) == 2
    assert "BOERNEDATA_MAX_TABLE_SHRINK_PCT='many' is not a number" in capsys.readouterr().err
    monkeypatch.delenv("BOERNEDATA_MAX_TABLE_SHRINK_PCT")
    build.code = KeyboardInterrupt()
    assert cli.main(["build"]) == 130
    assert "boernedata build: interrupted" in capsys.readouterr().err
    assert cli.main(["land"]) == 2  # no key and no --demo
    assert "BOERNEDATA_PSEUDONYM_KEY is not set" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        cli.main(["build", "--max-shrink", "lots"])  # argparse: a usage error
    assert exit_.value.code == 2


def test_readme_names_every_exit_code():
    from boernedata.exit_codes import ExitCode
    from boernedata.settings import PROJECT_DIR

    readme = (PROJECT_DIR / "README.md").read_text("utf-8")
    for code in ExitCode:
        assert f"\n| {int(code)} | " in readme, code
