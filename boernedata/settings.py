"""Paths, thresholds and secrets: command-line flags win, then environment variables, then the defaults.

Everything the CLI reads from the environment is named here, so a reader sees the whole surface.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_RAW = "BOERNEDATA_RAW"
ENV_LANDING = "BOERNEDATA_LANDING"
ENV_WAREHOUSE = "BOERNEDATA_WAREHOUSE"
ENV_PSEUDONYM_KEY = "BOERNEDATA_PSEUDONYM_KEY"
# `build` refuses to publish when a published table has shrunk by more than this share (percent) against
# the current publication; `--allow-shrink` accepts it on purpose.
ENV_MAX_TABLE_SHRINK = "BOERNEDATA_MAX_TABLE_SHRINK_PCT"
# `build` refuses to publish when a landed extract has no rows, except the extracts named here
# (comma-separated `system/extract`): those a municipality does not deliver, e.g. `aula/kommegaa`.
ENV_ALLOW_EMPTY = "BOERNEDATA_ALLOW_EMPTY"
# `land` holds a re-delivery that would replace landed rows with fewer than (100 - this) percent of
# them; `--accept-shrink` lands it on purpose.
ENV_MAX_DELIVERY_SHRINK = "BOERNEDATA_MAX_DELIVERY_SHRINK_PCT"
# `land` validates its GE samples in its own process instead of a worker process when this is "1" (for
# debugging the suites; landing/suite_runner.py).
ENV_GE_IN_PROCESS = "BOERNEDATA_GE_IN_PROCESS"
# DuckDB's resources during `build` (profiles.yml reads them): how much memory its buffers may use before
# they spill to the temp directory, where they spill, and how many threads a query runs on. Defaults:
# default_memory_limit() of this machine, `<warehouse>.tmp` beside the internal file, all cores.
ENV_MEMORY_LIMIT = "BOERNEDATA_MEMORY_LIMIT"
ENV_TEMP_DIR = "BOERNEDATA_TEMP_DIR"
ENV_THREADS = "BOERNEDATA_THREADS"
# How far before the period of a re-delivered event file an incremental build recomputes (days): a
# replaced file may have held late corrections dated that far back (boernedata/build/incremental.py).
ENV_INCREMENTAL_LOOKBACK_DAYS = "BOERNEDATA_INCREMENTAL_LOOKBACK_DAYS"
DEFAULT_INCREMENTAL_LOOKBACK_DAYS = 92
# The first day an incremental build recomputes (ISO date): set by `boernedata build` for its dbt process
# only (macros/incremental.sql), never read from the caller's environment.
ENV_INCREMENTAL_SINCE = "BOERNEDATA_INCREMENTAL_SINCE"
# Share of the machine's memory the build lets DuckDB use by default: leaves room for the Python and dbt
# processes, the page cache and a laptop's other programs.
DEFAULT_MEMORY_SHARE = 0.6
# The allocator the data packages' typesetting workers preload (a shared library's name or path; empty
# for none). Default: jemalloc when the machine has it (datapakke/pdf.py).
ENV_PDF_MALLOC = "BOERNEDATA_PDF_MALLOC"
# The folder of the data packages that `boernedata dashboard` links to (what `datapakke --out` wrote).
ENV_DATAPAKKER = "BOERNEDATA_DATAPAKKER"

DEFAULT_RAW = Path("data/raw")
DEFAULT_LANDING = Path("data/landing")
DEFAULT_WAREHOUSE = Path("warehouse/boernedata.duckdb")
DEFAULT_REPORTS = Path("reports/datapakker")
DEFAULT_DASHBOARD_HOST = "127.0.0.1"  # localhost only, unless told otherwise
DEFAULT_DASHBOARD_PORT = 8050
DEFAULT_MAX_TABLE_SHRINK_PCT = 20.0
DEFAULT_MAX_DELIVERY_SHRINK_PCT = 20.0

# A fixed, public key for synthetic demo data only. It is printed when used and never protects real data.
DEMO_PSEUDONYM_KEY = b"boernedata-demo-key-public-not-secret"
# HMAC-SHA256 takes keys of any length, but a short one can be guessed: with the key, every pseudonym of
# a known CPR number can be recomputed. 32 characters of a random token carry ≥ 190 bits.
MIN_KEY_LENGTH = 32
MAKE_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"

# The dbt project lives at the repository root, next to this package.
PROJECT_DIR = Path(__file__).resolve().parent.parent


def resolve_path(flag_value: str | os.PathLike[str] | None, env_name: str, default: Path) -> Path:
    """Flag, else environment variable, else default."""
    if flag_value:
        return Path(flag_value)
    env_value = os.environ.get(env_name)
    if env_value:
        return Path(env_value)
    return default


def resolve_percent(flag_value: float | None, env_name: str, default: float) -> float:
    """A percentage between 0 and 100: flag, else environment variable, else default."""
    if flag_value is not None:
        value, source = flag_value, "the flag"
    elif os.environ.get(env_name):
        try:
            value, source = float(os.environ[env_name]), f"${env_name}"
        except ValueError:
            given = os.environ[env_name]
            raise SettingError(f"${env_name}={given!r} is not a number: set a percentage") from None
    else:
        return default
    if not 0 <= value <= 100:
        raise SettingError(f"{source} is {value}: a percentage between 0 and 100 is needed")
    return value


def default_memory_limit() -> str:
    """DEFAULT_MEMORY_SHARE of the machine's physical memory, in whole GB (at least 1), as DuckDB takes it."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return "8GB"
    return f"{max(1, int(total * DEFAULT_MEMORY_SHARE / 2**30))}GB"


def duckdb_resources(warehouse: Path) -> dict[str, str]:
    """The environment that gives a build's DuckDB its memory limit, temp directory and threads: the
    caller's settings where set, else the defaults."""
    return {
        ENV_MEMORY_LIMIT: os.environ.get(ENV_MEMORY_LIMIT) or default_memory_limit(),
        ENV_TEMP_DIR: os.environ.get(ENV_TEMP_DIR) or f"{warehouse}.tmp",
        ENV_THREADS: os.environ.get(ENV_THREADS) or str(os.cpu_count() or 2),
    }


def resolve_list(flag_values: list[str] | None, env_name: str) -> list[str]:
    """Flag values (repeatable) plus the comma-separated environment variable, without duplicates."""
    values = [*(flag_values or []), *os.environ.get(env_name, "").split(",")]
    return sorted({v.strip() for v in values if v.strip()})


def pseudonym_key(demo: bool) -> tuple[bytes, bool]:
    """Return (key, is_demo_key). Raises MissingKeyError when no key is set and --demo is not given, and
    WeakKeyError when the key is shorter than MIN_KEY_LENGTH characters."""
    value = os.environ.get(ENV_PSEUDONYM_KEY)
    if value and len(value) < MIN_KEY_LENGTH:
        raise WeakKeyError(
            f"{ENV_PSEUDONYM_KEY} is {len(value)} characters long; at least {MIN_KEY_LENGTH} are needed, "
            "because a short key can be guessed and every pseudonym then traced back to its CPR number. "
            f"Make a good key once with `{MAKE_KEY}`, keep it in your secret store (never in a file under "
            f"version control), and set it from there. Nothing was landed."
        )
    if value:
        return value.encode("utf-8"), False
    if demo:
        return DEMO_PSEUDONYM_KEY, True
    raise MissingKeyError(
        f"{ENV_PSEUDONYM_KEY} is not set. The landing step replaces every CPR number by a keyed "
        "pseudonym and will not run without the key. Set it from your secret store, e.g. "
        f"`export {ENV_PSEUDONYM_KEY}=...` (make one with `{MAKE_KEY}`), or pass --demo for synthetic "
        "data (a public demo key is used)."
    )


class SettingError(ValueError):
    """A setting (flag or environment variable) has a value the command cannot use."""


class MissingKeyError(RuntimeError):
    pass


class WeakKeyError(MissingKeyError):
    """The pseudonym key is too short to protect the pseudonyms."""
