"""Lint the dbt SQL with sqlfluff's dbt templater, against a throwaway warehouse and landing folder.

The templater compiles every model, so it needs a profile target and landed schemas; neither should be
the analyst's real warehouse, so both are temporary here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["models", "tests", "analyses", "snapshots"]


def main() -> int:
    from boernedata.landing_zone import write_schema_files

    with tempfile.TemporaryDirectory(prefix="boernedata-lint-") as tmp:
        landing = Path(tmp) / "landing"
        write_schema_files(landing)
        env = {
            **os.environ,
            "BOERNEDATA_LANDING": str(landing),
            "BOERNEDATA_WAREHOUSE": str(Path(tmp) / "lint.duckdb"),
            "DBT_PROFILES_DIR": str(ROOT),
            "DBT_TARGET_PATH": str(Path(tmp) / "target"),
            "DBT_LOG_PATH": str(Path(tmp) / "logs"),
        }
        paths = [p for p in PATHS if any((ROOT / p).rglob("*.sql"))]
        cmd = [sys.executable, "-m", "sqlfluff", "lint", *paths, "--processes", "2", *sys.argv[1:]]
        return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
