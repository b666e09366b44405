"""Paths and secrets: command-line flags win, then environment variables, then the defaults.

Everything the CLI reads from the environment is named here, so a reader sees the whole surface.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_RAW = "BOERNEDATA_RAW"
ENV_LANDING = "BOERNEDATA_LANDING"
ENV_WAREHOUSE = "BOERNEDATA_WAREHOUSE"
ENV_PSEUDONYM_KEY = "BOERNEDATA_PSEUDONYM_KEY"

DEFAULT_RAW = Path("data/raw")
DEFAULT_LANDING = Path("data/landing")
DEFAULT_WAREHOUSE = Path("warehouse/boernedata.duckdb")
DEFAULT_REPORTS = Path("reports/datapakker")

# A fixed, public key for synthetic demo data only. It is printed when used and never protects real data.
DEMO_PSEUDONYM_KEY = b"boernedata-demo-key-public-not-secret"

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


def pseudonym_key(demo: bool) -> tuple[bytes, bool]:
    """Return (key, is_demo_key). Raises MissingKeyError when no key is set and --demo is not given."""
    value = os.environ.get(ENV_PSEUDONYM_KEY)
    if value:
        return value.encode("utf-8"), False
    if demo:
        return DEMO_PSEUDONYM_KEY, True
    raise MissingKeyError(
        f"{ENV_PSEUDONYM_KEY} is not set. The landing step replaces every CPR number by a keyed "
        "pseudonym and will not run without the key. Set it from your secret store, e.g. "
        f"`export {ENV_PSEUDONYM_KEY}=...`, or pass --demo for synthetic data (a public demo key is used)."
    )


class MissingKeyError(RuntimeError):
    pass
