"""The dbt side's copies of the raw-extract contracts stay in step with boernedata/contracts.py."""

from __future__ import annotations

import csv
import re

import yaml

from boernedata import contracts, settings

COVERAGE_OF_PERIOD = {
    "month": {"month"},
    "date": {"snapshot"},
    "school_year": {"school_year"},
    "year": {"calendar_year", "school_year_ending"},
}


def test_source_extract_coverage_seed_matches_the_contracts():
    path = settings.PROJECT_DIR / "seeds" / "source_extract_coverage.csv"
    with path.open(encoding="utf-8") as f:
        seed = {row["source_extract"]: row["coverage"] for row in csv.DictReader(f)}
    assert set(seed) == {e.key for e in contracts.EXTRACTS}
    for extract in contracts.EXTRACTS:
        assert seed[extract.key] in COVERAGE_OF_PERIOD[extract.period], extract.key


def test_delivered_periods_reads_every_landed_extract():
    sql = (settings.PROJECT_DIR / "models/staging/landing/stg_landing__delivered_periods.sql").read_text(
        "utf-8"
    )
    listed = {f"{system}/{extract}" for system, extract in re.findall(r"\('(\w+)', '(\w+)'\)", sql)}
    assert listed == {e.key for e in contracts.EXTRACTS}


def test_every_extract_is_the_dbt_source_of_its_name():
    """An incremental build selects `source:<system>.<extract>+` for each changed extract
    (boernedata/build/incremental.py): each must name a declared dbt source table."""
    declared = set()
    for path in (settings.PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text("utf-8"))["sources"]:
            declared |= {f"{source['name']}/{table['name']}" for table in source["tables"]}
    assert {e.key for e in contracts.EXTRACTS} <= declared
