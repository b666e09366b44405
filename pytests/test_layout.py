"""The layouts other tools and people rely on, pinned: the landing zone (README, "What `land` writes")
has one home, boernedata/landing_zone.py, and the publication (README, "Connect a BI tool") has one,
boernedata/releases.py. Renaming a folder there changes the documented layout: this test, the README
and the dbt sources change with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from boernedata import landing_zone as zone
from boernedata import releases
from boernedata.contracts import extract


def test_landing_zone_layout():
    landing, ex = Path("/l"), extract("skoleadm/fravaer")
    assert zone.landed_file(landing, ex, "2025-10") == Path("/l/skoleadm/fravaer/2025-10.parquet")
    assert zone.landed_dir(landing, "skoleadm/fravaer") == Path("/l/skoleadm/fravaer")
    assert zone.landed_dir(landing, ex) / zone.EMPTY_SCHEMA_FILE == Path(
        "/l/skoleadm/fravaer/_schema.parquet"
    )
    assert zone.persons_dir(landing) / zone.REGISTER_FILE == Path("/l/_persons/persons.parquet")
    assert zone.quarantine_file(landing, ex, "2025-10") == Path(
        "/l/_quarantine/skoleadm/fravaer/2025-10.parquet"
    )
    assert zone.held_files(landing, ex, "2025-10") == (
        Path("/l/_quarantine/_held/skoleadm/fravaer/2025-10.parquet"),
        Path("/l/_quarantine/_held/skoleadm/fravaer/2025-10.quarantine.parquet"),
    )
    assert zone.ledger_file(landing) == Path("/l/_ledger/deliveries.jsonl")
    assert zone.key_check_file(landing) == Path("/l/_ledger/key_check.txt")
    assert zone.ledger_dir(landing) / zone.LOCK_FILE == Path("/l/_ledger/.land.lock")
    assert zone.report_file(landing, "20260101T000000Z") == Path("/l/_reports/land_20260101T000000Z.html")
    assert zone.latest_report(landing) == Path("/l/_reports/latest.html")


def test_ledger_reading(tmp_path):
    assert zone.read_ledger(tmp_path) == []
    zone.ledger_file(tmp_path).parent.mkdir(parents=True)
    zone.ledger_file(tmp_path).write_text('{"status": "landed"}\n\nnot json\n[1]\n{"status": "rejected"}\n')
    assert zone.read_ledger(tmp_path, tolerant=True) == [{"status": "landed"}, {"status": "rejected"}]
    with pytest.raises(ValueError):
        zone.read_ledger(tmp_path)  # a broken line fails the landing step's own reader


def test_publication_layout():
    internal = Path("/w/boernedata.duckdb")
    paths = releases.Paths.of(internal)
    assert paths.published == Path("/w/published")
    assert paths.published_db == releases.published_db(internal) == Path("/w/published/boernedata.duckdb")
    assert releases.published_db(Path("warehouse/other.duckdb")) == Path(
        "warehouse/published/boernedata.duckdb"
    )
    assert paths.published / releases.MANIFEST == Path("/w/published/manifest.json")
    assert paths.releases == Path("/w/.releases")
    assert paths.lock == Path("/w/.build.lock")
    assert (paths.dbt_target, paths.dbt_logs) == (Path("/w/.dbt/target"), Path("/w/.dbt/logs"))
    assert releases.PARTIAL_SUFFIX == ".partial"
