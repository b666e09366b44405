"""The landing zone's layout: every folder and file name under the landing folder, its lock, and reading
its delivery ledger. `boernedata land` writes the zone, `boernedata build` (and the dbt sources) read it;
both take the names from here, so the layout has one home.

    <landing>/
      <system>/<extract>/<period>.parquet        the typed rows of the period's latest delivery
      <system>/<extract>/_schema.parquet         no rows, the landed schema: an extract with no delivery
      _persons/persons.parquet                   the person register (part-*.parquet while a run lands)
      _quarantine/<system>/<extract>/<period>.parquet
                                                 the quarantined rows of the period's landed delivery
      _quarantine/_held/<system>/<extract>/<period>.parquet, <period>.quarantine.parquet
                                                 a held re-delivery's rows and its bad rows
      _ledger/deliveries.jsonl                   the ledger: one JSON line per delivered file and run
      _ledger/key_check.txt                      the pseudonym key's check value (landing/persons.py)
      _ledger/.land.lock                         held by a landing run, and by a build while dbt reads
      _reports/land_<run id>.html, latest.html   the data-quality report of each run, and the latest

The raw folder's layout (`<raw>/<system>/<extract>/<file>`, the file names per period) is part of the
contracts with the source systems: boernedata/contracts.py. What each landed column holds: the same
module, `landed_schema`.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa
    from filelock import FileLock

    from boernedata.contracts import Extract

PARQUET = ".parquet"
EMPTY_SCHEMA_FILE = "_schema.parquet"
PERSONS_DIR = "_persons"
REGISTER_FILE = "persons.parquet"
QUARANTINE_DIR = "_quarantine"
HELD_DIR = "_held"
HELD_QUARANTINE_SUFFIX = ".quarantine.parquet"
LEDGER_DIR = "_ledger"
LEDGER_FILE = "deliveries.jsonl"
KEY_CHECK_FILE = "key_check.txt"
LOCK_FILE = ".land.lock"
REPORTS_DIR = "_reports"
LATEST_REPORT = "latest.html"

# A delivery's status in the ledger (landing/ledger.py, Delivery.status).
LANDED = "landed"
REPLACED = "replaced"
UNCHANGED = "unchanged"
REJECTED = "rejected"
HELD = "held_shrunk"  # a shrunken re-delivery, not landed (landing/hold.py)
ACCEPTED = (LANDED, REPLACED, UNCHANGED)  # statuses whose rows are the landed ones of the period


def _key(ex: Extract | str) -> str:
    """`system/extract` of an extract or its key."""
    return ex if isinstance(ex, str) else ex.key


def period_file_name(period: str) -> str:
    """The landed (or quarantined, or held) rows of a period: `<period>.parquet`."""
    return f"{period}{PARQUET}"


# --- landed rows and the person register -----------------------------------------------------------


def landed_dir(landing: Path, ex: Extract | str) -> Path:
    return Path(landing) / _key(ex)


def landed_file(landing: Path, ex: Extract | str, period: str) -> Path:
    return landed_dir(landing, ex) / period_file_name(period)


def persons_dir(landing: Path) -> Path:
    return Path(landing) / PERSONS_DIR


def data_files(folder: Path) -> list[Path]:
    """The folder's Parquet files but its empty schema file, in name order."""
    return sorted(p for p in Path(folder).glob(f"*{PARQUET}") if p.name != EMPTY_SCHEMA_FILE)


def source_folders(landing: Path) -> list[tuple[Path, str, pa.Schema]]:
    """(folder, name, landed schema) of every folder the dbt sources read: the person register and each
    extract (named `system/extract`)."""
    from boernedata.contracts import EXTRACTS, PERSONS_SCHEMA, landed_schema

    folders = [(persons_dir(landing), PERSONS_DIR, PERSONS_SCHEMA)]
    return folders + [(landed_dir(landing, ex), ex.key, landed_schema(ex)) for ex in EXTRACTS]


def write_schema_files(landing: Path) -> list[Path]:
    """Give every extract with no landed data, and the person register when empty, a zero-row Parquet
    file of its landed schema.

    dbt sources read `<landing>/<system>/<extract>/*.parquet`; an extract a municipality does not deliver
    (e.g. Aula Komme/gå where all check-in goes through KBH Barn) then reads as an empty table instead of
    failing the build. Files named `_schema.parquet` hold no rows and are replaced by real deliveries.
    """
    return [
        p for folder, _, schema in source_folders(landing) if (p := _schema_file(folder, schema)) is not None
    ]


def _schema_file(folder: Path, schema) -> Path | None:
    """Write the folder's empty schema file when it has no data (remove it when it has), or rewrite one of
    another version's schema; the path when written."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / EMPTY_SCHEMA_FILE
    if data_files(folder):
        target.unlink(missing_ok=True)
    elif not target.exists() or not pq.read_schema(target).equals(schema, check_metadata=False):
        pq.write_table(schema.empty_table(), target)
        return target
    return None


@dataclass(frozen=True)
class SchemaMismatch:
    """A landed file whose columns differ from the landed schema of its extract."""

    file: Path
    folder: str  # `system/extract`, or the person register's folder
    problem: str  # e.g. "missing registered_by; institution_id is int64, expected string"


def foreign_schemas(landing: Path) -> list[SchemaMismatch]:
    """The landed files (person register included) whose column names or types differ from what this
    version lands, from the Parquet footers. Nullability is not compared: it does not change a read."""
    import pyarrow.parquet as pq

    out = []
    for folder, name, expected in source_folders(landing):
        for f in data_files(folder):
            problem = schema_difference(pq.read_schema(f), expected)
            if problem:
                out.append(SchemaMismatch(f, name, problem))
    return out


def schema_difference(found, expected) -> str:
    """What differs between two Arrow schemas by column name and type ("" when nothing)."""
    found_types = {f.name: f.type for f in found}
    expected_types = {f.name: f.type for f in expected}
    missing = [n for n in expected_types if n not in found_types]
    extra = [n for n in found_types if n not in expected_types]
    retyped = [
        f"{n} is {found_types[n]}, expected {t}"
        for n, t in expected_types.items()
        if n in found_types and found_types[n] != t
    ]
    parts = ([f"missing {', '.join(missing)}"] if missing else []) + retyped
    parts += [f"unknown column(s) {', '.join(extra)}"] if extra else []
    return "; ".join(parts)


# --- quarantine and held deliveries ----------------------------------------------------------------


def quarantine_root(landing: Path) -> Path:
    return Path(landing) / QUARANTINE_DIR


def quarantine_dir(landing: Path, ex: Extract | str) -> Path:
    return quarantine_root(landing) / _key(ex)


def quarantine_file(landing: Path, ex: Extract | str, period: str) -> Path:
    return quarantine_dir(landing, ex) / period_file_name(period)


def held_root(landing: Path) -> Path:
    return quarantine_root(landing) / HELD_DIR


def held_files(landing: Path, ex: Extract | str, period: str) -> tuple[Path, Path]:
    """(held rows, held quarantined rows) of a period."""
    folder = held_root(landing) / _key(ex)
    return folder / period_file_name(period), folder / f"{period}{HELD_QUARANTINE_SUFFIX}"


# --- ledger, key check, lock, reports --------------------------------------------------------------


def ledger_dir(landing: Path) -> Path:
    return Path(landing) / LEDGER_DIR


def ledger_file(landing: Path) -> Path:
    return ledger_dir(landing) / LEDGER_FILE


def key_check_file(landing: Path) -> Path:
    return ledger_dir(landing) / KEY_CHECK_FILE


def lock(landing: Path, timeout: float) -> FileLock:
    """The landing zone's lock (not yet acquired): a landing run holds it while it writes, a build while
    dbt reads. Acquiring raises filelock.Timeout after `timeout` seconds; the caller says what to do."""
    from filelock import FileLock

    ledger_dir(landing).mkdir(parents=True, exist_ok=True)
    return FileLock(ledger_dir(landing) / LOCK_FILE, timeout=timeout)


def read_ledger(landing: Path, *, tolerant: bool = False) -> list[dict]:
    """The ledger's records, oldest first (none when there is no ledger). A line that is not a JSON
    object raises ValueError, or with `tolerant` is skipped (for a reader that must not fail over it)."""
    path = ledger_file(landing)
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace" if tolerant else "strict").splitlines():
        if not line.strip():
            continue
        if not tolerant:
            records.append(json.loads(line))
            continue
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict):
                records.append(record)
    return records


def reports_dir(landing: Path) -> Path:
    return Path(landing) / REPORTS_DIR


def report_file(landing: Path, run_id: str) -> Path:
    return reports_dir(landing) / f"land_{run_id}.html"


def latest_report(landing: Path) -> Path:
    return reports_dir(landing) / LATEST_REPORT
