"""Every option of the command line, declared once: its flag, environment variable, default and help, and
how its value is found (as dbt-core declares its options in core/dbt/cli/params.py).

A subcommand lists the options it takes (cli.py) and asks each for its value: the flag when given, else
the environment variable, else the default (settings.py reads and checks them). The help text names the
environment variable and the default from the same declaration, so they cannot drift apart.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from boernedata import settings
from boernedata.generate.config import SCALES
from boernedata.releases import PUBLISHED_DIR, published_db


@dataclass(frozen=True)
class Option:
    """One option. `help` may name `{env}` and `{default}`; `resolve(option, args)` gives its value from
    the parsed arguments. Without `resolve`, the value is what argparse parsed, and `default` is
    argparse's default."""

    flags: tuple[str, ...]
    help: str
    env: str | None = None
    default: Any = None
    resolve: Callable[[Option, argparse.Namespace], Any] | None = None
    argparse: dict[str, Any] = field(default_factory=dict)  # action, type, choices, metavar, nargs

    @property
    def dest(self) -> str:
        flag = self.flags[0]
        return flag.lstrip("-").replace("-", "_") if flag.startswith("-") else flag

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        text = self.help.format(env=f"${self.env}" if self.env else "", default=_shown(self.default))
        kwargs = dict(self.argparse)
        if self.resolve is None and self.default is not None:
            kwargs["default"] = self.default
        parser.add_argument(*self.flags, help=text, **kwargs)

    def given(self, args: argparse.Namespace) -> Any:
        """The value on the command line (None, or argparse's default, when the flag is not given)."""
        return getattr(args, self.dest)

    def value(self, args: argparse.Namespace) -> Any:
        return self.resolve(self, args) if self.resolve else self.given(args)

    def with_flags(self, *flags: str) -> Option:
        """The same option under other flags (the raw folder is `--out` of `generate`, `--raw` of `land`)."""
        return replace(self, flags=flags)


def _shown(default: Any) -> str:
    return f"{default:g}" if isinstance(default, float) else str(default)


# --- how values are found --------------------------------------------------------------------------


def _path(option: Option, args: argparse.Namespace) -> Path:
    return settings.resolve_path(option.given(args), option.env, option.default)


def _percent(option: Option, args: argparse.Namespace) -> float:
    return settings.resolve_percent(option.given(args), option.env, option.default)


def _listed(option: Option, args: argparse.Namespace) -> tuple[str, ...]:
    return tuple(settings.resolve_list(option.given(args), option.env))


def _path_or_default(option: Option, args: argparse.Namespace) -> Path:
    given = option.given(args)
    return Path(given) if given else option.default


def _published_file(option: Option, args: argparse.Namespace) -> Path:
    """The file given, else the published file beside the internal warehouse (releases.py)."""
    given = option.given(args)
    return Path(given) if given else published_db(settings.resolve_path(None, option.env, option.default))


def _truth_file(option: Option, args: argparse.Namespace) -> Path:
    given = option.given(args)
    return Path(given) if given else RAW_OUT.value(args).parent / "truth.json"


def _accepted(option: Option, args: argparse.Namespace) -> tuple[str, ...] | None:
    given = option.given(args)
    return None if given is None else tuple(given)


def _dbt_args(option: Option, args: argparse.Namespace) -> list[str]:
    return [a for a in option.given(args) if a != "--"]


# --- the options -----------------------------------------------------------------------------------

RAW = Option(
    ("--raw",), "raw folder (default {env} or {default})", settings.ENV_RAW, settings.DEFAULT_RAW, _path
)
RAW_OUT = RAW.with_flags("--out")  # `generate` writes the raw folder
LANDING = Option(
    ("--landing",),
    "landing folder (default {env} or {default})",
    settings.ENV_LANDING,
    settings.DEFAULT_LANDING,
    _path,
)
WAREHOUSE = Option(
    ("--warehouse",),
    f"internal DuckDB file; the publication is beside it in {PUBLISHED_DIR}/ "
    "(default {env} or {default})",
    settings.ENV_WAREHOUSE,
    settings.DEFAULT_WAREHOUSE,
    _path,
)
PUBLISHED_WAREHOUSE = Option(
    ("--warehouse",),
    "DuckDB file to read the published marts from (default: the published file beside {env} or {default})",
    settings.ENV_WAREHOUSE,
    settings.DEFAULT_WAREHOUSE,
    _published_file,
)
NO_PROGRESS = Option(("--no-progress",), "no progress bar", argparse={"action": "store_true"})

# generate
SCALE = Option(
    ("--scale",),
    "size of the municipality (default {default})",
    default="tiny",
    argparse={"choices": tuple(SCALES)},
)
SEED = Option(
    ("--seed",),
    "random seed; same seed, same bytes (default {default})",
    default=42,
    argparse={"type": int},
)
TRUTH = Option(
    ("--truth",),
    "write the planted ground truth (JSON) here; keep it outside the raw folder "
    "(default: <out>/../truth.json)",
    resolve=_truth_file,
)

# land
DEMO = Option(
    ("--demo",),
    f"synthetic data only: use the public demo key when ${settings.ENV_PSEUDONYM_KEY} is unset",
    argparse={"action": "store_true"},
)
ACCEPT_SHRINK = Option(
    ("--accept-shrink",),
    "land re-deliveries that were held because they have far fewer rows than what they replace "
    "(all held ones, or only the FILEs named, as paths under the raw folder)",
    resolve=_accepted,
    argparse={"nargs": "*", "metavar": "FILE"},
)
MAX_DELIVERY_SHRINK = Option(
    ("--max-shrink",),
    "hold a re-delivery with more than PCT %% fewer rows than what it replaces (default {env} or {default})",
    settings.ENV_MAX_DELIVERY_SHRINK,
    settings.DEFAULT_MAX_DELIVERY_SHRINK_PCT,
    _percent,
    argparse={"type": float, "metavar": "PCT"},
)

# build
ALLOW_SHRINK = Option(
    ("--allow-shrink",),
    "publish even when a published table shrank by more than --max-shrink against the current one",
    argparse={"action": "store_true"},
)
FULL_REFRESH = Option(
    ("--full-refresh",),
    "recompute every model from all landed data, even where an incremental build would do "
    "(build chooses by itself and says why: boernedata/build/incremental.py)",
    argparse={"action": "store_true"},
)
MAX_TABLE_SHRINK = Option(
    ("--max-shrink",),
    "refuse to publish a table with more than PCT %% fewer rows than in the current publication "
    "(default {env} or {default})",
    settings.ENV_MAX_TABLE_SHRINK,
    settings.DEFAULT_MAX_TABLE_SHRINK_PCT,
    _percent,
    argparse={"type": float, "metavar": "PCT"},
)
TARGET = Option(
    ("--target",),
    "the engine dbt builds on: duckdb (default: the internal warehouse, then publish), postgres (the "
    "landed Parquet loaded into $BOERNEDATA_PG_* first; scripts/postgres.sh start runs a local server) "
    "or spark (in-process pyspark on the landed Parquet folders); docs/engines.md",
    default="duckdb",
    argparse={"choices": ["duckdb", "postgres", "spark"]},
)
ALLOW_EMPTY = Option(
    ("--allow-empty",),
    "an extract the municipality does not deliver, allowed to have no rows (repeatable; also {env}, "
    "comma-separated); any other empty extract stops the build",
    settings.ENV_ALLOW_EMPTY,
    resolve=_listed,
    argparse={"action": "append", "metavar": "SYSTEM/EXTRACT"},
)
DBT_ARGS = Option(
    ("dbt_args",),
    "after --: extra arguments passed to dbt build",
    resolve=_dbt_args,
    argparse={"nargs": argparse.REMAINDER},
)

# rollback
TO = Option(("--to",), "restore this release id (see `boernedata status`)", argparse={"metavar": "RELEASE"})

# datapakke
PERIOD = Option(("--period",), "YYYY-H1 or YYYY-H2 (default: the latest half-year with data)")
INSTITUTION = Option(("--institution",), "one institution_id (default: all)")
REPORTS_OUT = Option(
    ("--out",),
    "output folder (default {default})",
    default=settings.DEFAULT_REPORTS,
    resolve=_path_or_default,
)
NO_PDF = Option(("--no-pdf",), "HTML only (faster)", argparse={"action": "store_true"})

# dashboard (--warehouse is PUBLISHED_WAREHOUSE, as for datapakke: the published file, read-only)
HOST = Option(
    ("--host",),
    "address to listen on (default {default}: this machine only; anyone who can reach another address "
    "sees the published figures)",
    default=settings.DEFAULT_DASHBOARD_HOST,
)
PORT = Option(
    ("--port",),
    "port to listen on (default {default})",
    default=settings.DEFAULT_DASHBOARD_PORT,
    argparse={"type": int},
)
DATAPAKKER = Option(
    ("--datapakker",),
    "folder of the data packages to link to, as `datapakke --out` wrote it (default {env} or {default})",
    settings.ENV_DATAPAKKER,
    settings.DEFAULT_REPORTS,
    _path,
    argparse={"metavar": "DIR"},
)

# analyse (--warehouse is WAREHOUSE: the INTERNAL file; the report holds aggregates only)
SCHOOL_YEAR = Option(
    ("--school-year",), "school year of the cause segments, YYYY/YY (default: the latest with pupils)"
)
ANALYSE_OUT = Option(
    ("--out",),
    "output folder (default {default})",
    default=Path("reports/analyse"),
    resolve=_path_or_default,
)
# rota-whatif (--warehouse is WAREHOUSE: the internal file, as the shifts are staff data)
WHATIF_INSTITUTION = Option(
    ("--institution",), "the daycare or leisure institution_id", argparse={"required": True}
)
WHATIF_PERIOD = Option(("--period",), "YYYY-H1 or YYYY-H2 (default: the latest half-year with a day profile)")
WHATIF_SHIFT = Option(
    ("--shift",),
    "move shifts this many minutes later (negative: earlier)",
    argparse={"type": int, "required": True, "metavar": "MINUTES"},
)
WHATIF_SHARE = Option(
    ("--share",),
    "share of the shifts moved, 0-1 (default {default}: all)",
    default=1.0,
    argparse={"type": float},
)
