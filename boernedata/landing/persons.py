"""The person register, `<landing>/_persons/`: one row per person ever landed (contracts.PERSONS_SCHEMA).

A landed CPR column holds the person key only; the pseudonym, birth date and sex are here. During a run
the persons new to it are written as part files before the ledger records the first delivery that needs
them (a file landed but not recorded lands again next run, so no landed row can lack its person); at the
end of the run the parts and the register are compacted into one `persons.parquet`. A person in two
files is the same row twice (keys are derived from the pseudonym), which compaction removes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from boernedata.contracts import EXTRACTS, PERSONS_SCHEMA
from boernedata.landing_zone import (
    PARQUET,
    REGISTER_FILE,
    data_files,
    key_check_file,
    landed_dir,
    persons_dir,
)

# HMAC-SHA256 of a fixed text with the landing key, beside the ledger (landing_zone.key_check_file):
# tells whether a run uses the key the landing zone was pseudonymized with. It reveals no more of the key
# than any pseudonym of a known CPR number does.
KEY_CHECK_TEXT = "boernedata landing key check"


class PersonKeyCollision(Exception):
    """Two pseudonyms with the same person key (probability ~2e-7 at 3 million persons)."""


def write_part(landing: Path, table: pa.Table, name: str) -> Path:
    """Write new persons as `<name>.parquet` in the register (atomically)."""
    target = persons_dir(landing) / f"{name}{PARQUET}"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, target)
    return target


def compact(landing: Path) -> int:
    """Merge the register's parts into one file of distinct persons; the number of persons. Raises
    PersonKeyCollision when one key stands for two pseudonyms (the parts are then left as they are)."""
    parts = data_files(persons_dir(landing))
    if not parts:
        return 0
    table = pa.concat_tables([pq.read_table(p, schema=PERSONS_SCHEMA) for p in parts])
    if pc.count_distinct(table["person_key"]).as_py() != table.num_rows:  # a person in two parts
        g = table.group_by("person_key", use_threads=False).aggregate(
            [("pseudonym", "min"), ("pseudonym", "max"), ("birth_date", "min"), ("sex", "min")]
        )
        collided = pc.not_equal(g["pseudonym_min"], g["pseudonym_max"])
        if pc.any(collided).as_py():
            key = g.filter(collided)["person_key"][0].as_py()
            raise PersonKeyCollision(
                f"two different CPR numbers share the person key {key} in {persons_dir(landing)}; the landed "
                "rows cannot tell them apart. Report this (expected once in ~5 million registers of 3 "
                "million persons) and keep the landing folder as it is"
            )
        columns = [g["person_key"], g["pseudonym_min"], g["birth_date_min"], g["sex_min"]]
        distinct = pa.table(columns, schema=PERSONS_SCHEMA)
    else:
        distinct = table
    if len(parts) == 1 and parts[0].name == REGISTER_FILE and distinct.num_rows == table.num_rows:
        return distinct.num_rows  # nothing new
    write_part(landing, distinct, REGISTER_FILE.removesuffix(PARQUET))
    for p in parts:
        if p.name != REGISTER_FILE:
            p.unlink()
    return distinct.num_rows


def missing(landing: Path) -> bool:
    """Whether rows are landed but the register holds no one (deleted, or landed before it existed)."""
    if data_files(persons_dir(landing)):
        return False
    return any(
        data_files(landed_dir(landing, ex)) for ex in EXTRACTS if any(c.kind == "cpr" for c in ex.columns)
    )


def key_matches(landing: Path, fingerprint: str) -> bool:
    """Whether `fingerprint` (the key's HMAC of KEY_CHECK_TEXT) is the landing zone's; a zone without one
    takes this one."""
    path = key_check_file(landing)
    if path.exists():
        return path.read_text(encoding="ascii").strip() == fingerprint
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(fingerprint + "\n", encoding="ascii")
    return True
