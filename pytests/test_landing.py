"""`boernedata land` against the project's bad-input corpus.

The corpus is written here, programmatically, from contracts.py: one valid file per extract, then faults
planted in several files of every family (CSV `,` utf-8, CSV `;` windows-1252 with Danish numbers,
JSON Lines, Parquet). Every fault must end as a clear rejection of its file or as a quarantined row with
the right reason, the good rows of the file must land, and row counts must reconcile.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from boernedata import landing_zone as zone
from boernedata.contracts import (
    ACCOUNT_TYPE,
    EXTRACTS,
    INSTITUTION_ID,
    Extract,
    extract,
    landed_schema,
    person_key_name,
    raw_dir,
)
from boernedata.landing import land
from boernedata.landing.cpr import Pseudonymizer, parse_cpr
from boernedata.landing.hold import HoldRules

KEY = b"test-key"
PERIOD = {"month": "2025-03", "date": "2025-03-31", "school_year": "2024-25", "year": "2025"}
N = 12  # valid rows per file


# ------------------------------------------------------------------------------------ corpus writer


def cpr_value(i: int) -> str:
    """Children born 2015-2024 (7th digit 4: 2000s when YY <= 36); both spellings occur."""
    dd, mm, yy = i % 28 + 1, i % 12 + 1, 15 + i % 10
    return f"{dd:02d}{mm:02d}{yy:02d}{'-' if i % 2 else ''}4{i % 1000:03d}"


def value(ex: Extract, col, i: int) -> str:
    k = col.kind
    if k == "cpr":
        return cpr_value(i)
    if k == "enum":
        return col.values[i % len(col.values)]
    if k == "int":
        return str(1_000_000 + i) if col.unique else str(int(col.min if col.min is not None else 1))
    if k == "decimal":
        v = (col.min or 0) + (1234.5 if col.max is None else 1.5)
        if ex.decimal == "danish":
            return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        return str(v)
    if k == "date":
        return (dt.date(2025, 3, 1) + dt.timedelta(days=i if col.unique else i % 28)).strftime(ex.date_format)
    if k == "timestamp":
        return f"2025-03-{i % 28 + 1:02d} 07:42:{i % 60:02d}"
    if k == "timestamp_tz":
        return f"2025-03-{i % 28 + 1:02d}T07:42:10+01:00"
    if k == "time":
        return f"{7 + i % 3:02d}:30"
    if k == "bool_jn":
        return "JN"[i % 2]
    if k == "month":
        return "2025-03"
    pattern = col.pattern or ""
    if pattern == INSTITUTION_ID:
        return f"D{1000 + i}" if col.unique else "D1001"
    if pattern:
        return {
            r"\d{10}": "4711000001",
            r"\d\.\d{2}\.\d{2}": "5.25.14",
            ACCOUNT_TYPE: "2210",
            r"\d{4}": "2300",
        }.get(pattern, "DA_LAES")
    return "Børnene legede godt på stuen" if col.free_text else f"tekst æøå {i}"


def rows(ex: Extract, n: int = N) -> list[dict[str, str | None]]:
    return [{c.name: value(ex, c, i) for c in ex.columns} for i in range(n)]


def write(
    raw: Path, ex: Extract, records, period=None, *, delimiter=None, encoding=None, columns=None
) -> Path:
    folder = raw_dir(raw, ex)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ex.file_name(period or PERIOD[ex.period])
    columns = columns or ex.column_names
    if ex.fmt == "csv":
        buf = io.StringIO()
        out = csv.writer(buf, delimiter=delimiter or ex.delimiter, lineterminator="\n")
        out.writerow(columns)
        out.writerows([["" if r.get(c) is None else str(r.get(c)) for c in columns] for r in records])
        path.write_bytes(buf.getvalue().encode(encoding or ex.encoding))
    elif ex.fmt == "jsonl":
        text = "".join(
            json.dumps({c: r[c] for c in columns if c in r}, ensure_ascii=False) + "\n" for r in records
        )
        path.write_text(text, encoding="utf-8")
    else:
        pq.write_table(parquet_table(ex, records, columns), path, row_group_size=5)
    return path


def parquet_table(ex: Extract, records, columns=None, as_text=()) -> pa.Table:
    columns = columns or ex.column_names
    arrays = {}
    for c in ex.columns:
        if c.name not in columns:
            continue
        vals = [r.get(c.name) for r in records]
        if c.kind == "int" and c.name not in as_text:
            arrays[c.name] = pa.array([None if v is None else int(v) for v in vals], pa.int64())
        elif c.kind == "timestamp" and c.name not in as_text:
            ts = [None if v is None else dt.datetime.fromisoformat(v) for v in vals]
            arrays[c.name] = pa.array(ts, pa.timestamp("us"))
        else:
            arrays[c.name] = pa.array(vals, pa.string())
    return pa.table(arrays)


def read_landed(landing: Path, key: str, period: str | None = None) -> pa.Table:
    ex = extract(key)
    return pq.read_table(zone.landed_file(landing, ex, period or PERIOD[ex.period]))


def ledger(landing: Path) -> list[dict]:
    path = zone.ledger_file(landing)
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def register(landing: Path) -> dict[int, dict]:
    """The person register: person key -> {person_key, pseudonym, birth_date, sex}."""
    return {r["person_key"]: r for r in pq.read_table(zone.persons_dir(landing)).to_pylist()}


class Persons(dict):
    """The persons a Pseudonymizer has handed over so far, by person key."""

    def __init__(self, pseudo: Pseudonymizer) -> None:
        super().__init__()
        self.pseudo = pseudo

    def of(self, key: int | None) -> tuple:
        """(pseudonym, birth date, sex) of a person key, (None, None, None) for none."""
        new = self.pseudo.new_persons()
        self.update({r["person_key"]: r for r in new.to_pylist()} if new is not None else {})
        return (
            (None, None, None)
            if key is None
            else tuple(self[key][c] for c in ("pseudonym", "birth_date", "sex"))
        )


def quarantine(landing: Path) -> list[dict]:
    files = sorted(zone.quarantine_root(landing).rglob("*.parquet"))
    return [r for f in files for r in pq.read_table(f).to_pylist()]


# ----------------------------------------------------------------------------------- the corpus

# Row faults: (extract, row index, {column: raw value}, expected reason, expected column)
ROW_FAULTS = [
    # CSV , utf-8
    ("kbhbarn/fravaer", 1, {"from_date": "2025-02-30"}, "bad_date", "from_date"),
    ("kbhbarn/fravaer", 2, {"to_date": "31/03/2025"}, "bad_date", "to_date"),
    ("kbhbarn/fravaer", 3, {"cpr": "12345"}, "bad_cpr", "cpr"),
    ("kbhbarn/fravaer", 4, {"cpr": "320125-4123"}, "bad_cpr", "cpr"),  # 32nd day: impossible birth date
    ("kbhbarn/fravaer", 5, {"reason": "Ferie"}, "not_in_enum", "reason"),
    ("kbhbarn/fravaer", 6, {"institution_id": ""}, "missing_value", "institution_id"),
    ("skoleadm/elever", 1, {"grade": "11"}, "out_of_range", "grade"),
    ("skoleadm/elever", 2, {"grade": "3.0"}, "bad_number", "grade"),
    ("skoleadm/elever", 3, {"school_id": "S2001 3B"}, "pattern_mismatch", "school_id"),  # class in the id
    ("skoleadm/fravaer", 1, {"registered_at": "2025-03-01 25:00:00"}, "bad_timestamp", "registered_at"),
    ("institutionsregister/institutioner", 3, {"institution_id": "D1001"}, "duplicate_key", "institution_id"),
    ("institutionsregister/institutioner", 4, {"postal_code": "23OO"}, "pattern_mismatch", "postal_code"),
    ("institutionsregister/institutioner", 5, {"play_area_m2": "1.234,5"}, "bad_number", "play_area_m2"),
    ("institutionsregister/institutioner", 6, {"normed_places": "-1"}, "out_of_range", "normed_places"),
    ("sundhed/maalinger", 1, {"height_cm": "1400"}, "out_of_range", "height_cm"),
    ("skoleadm/skolekalender", 4, {"date": "2025-03-01"}, "duplicate_key", "date"),
    # CSV ; utf-8
    (
        "kbhbarn/indskrivninger",
        1,
        {"start_date": "2025-03-01"},
        "bad_date",
        "start_date",
    ),  # ISO, not DD-MM-YYYY
    ("trivsel/svar", 1, {"survey_version": "0-3", "answer": "5"}, "inconsistent", "answer"),
    ("trivsel/svar", 2, {"question_no": "41"}, "out_of_range", "question_no"),
    ("beskaeftigelse/foraeldre", 1, {"lives_with_child": "Ja"}, "bad_boolean", "lives_with_child"),
    ("beskaeftigelse/foraeldre", 2, {"parent_cpr": "0101AB-1234"}, "bad_cpr", "parent_cpr"),
    # CSV ; windows-1252, Danish numbers
    ("hr/personale", 1, {"weekly_hours": "37.00"}, "bad_number", "weekly_hours"),  # a plain number
    ("hr/personale", 6, {"weekly_hours": "3.700,00"}, "out_of_range", "weekly_hours"),
    ("hr/personale", 2, {"sick_days": "1,234.5"}, "bad_number", "sick_days"),
    ("hr/personale", 3, {"paedagoguddannet": "Y"}, "bad_boolean", "paedagoguddannet"),
    ("hr/personale", 4, {"month": "2025-13"}, "pattern_mismatch", "month"),
    ("hr/personale", 5, {"position": "Paedagog"}, "not_in_enum", "position"),
    ("hr/vagtplan", 1, {"start_time": "25:00"}, "bad_time", "start_time"),
    ("hr/vagtplan", 2, {"end_time": "7.30"}, "bad_time", "end_time"),
    ("kvantum/posteringer", 1, {"bilagsdato": "31.02.2025"}, "bad_date", "bilagsdato"),
    ("kvantum/posteringer", 2, {"beloeb": "12,34,5"}, "bad_number", "beloeb"),
    ("kvantum/posteringer", 3, {"funktion": "5.2514"}, "pattern_mismatch", "funktion"),
    ("kvantum/budget", 1, {"aar": "1999"}, "out_of_range", "aar"),
    # JSON Lines
    ("aula/brugsdata", 1, {"logins": -1}, "out_of_range", "logins"),
    ("aula/brugsdata", 2, {"logins": "mange"}, "bad_number", "logins"),
    ("aula/brugsdata", 3, {"child_cpr": "311399-4123"}, "bad_cpr", "child_cpr"),
    ("aula/kommegaa", 1, {"timestamp": "2025-03-04 07:42:10"}, "bad_timestamp", "timestamp"),  # no offset
    ("aula/kommegaa", 2, {"status": "kommet "}, "not_in_enum", "status"),
    ("aula/kommegaa", 3, {"child_cpr": None}, "missing_value", "child_cpr"),
    # Parquet
    ("kbhbarn/fremmoede", 1, {"event_type": "UD?"}, "not_in_enum", "event_type"),  # check-out text garbage
    ("kbhbarn/fremmoede", 2, {"registered_by": ""}, "missing_value", "registered_by"),
    ("kbhbarn/fremmoede", 3, {"event_id": "1000000"}, "duplicate_key", "event_id"),
    ("kbhbarn/fremmoede", 7, {"cpr": "010203-X234"}, "bad_cpr", "cpr"),  # second row group
    ("kbhbarn/fremmoede", 9, {"event_id": "1000004"}, "duplicate_key", "event_id"),  # of row 4, group 1
]

# CPR numbers that fail modulus 11 are valid and land (none of cpr_value's numbers is checked either).
MOD11_FAILING = "010115-4001"

# File faults: (relative raw path, writer, words the message must contain)
FILE_FAULTS: list[tuple[str, str]] = [
    ("kbhbarn/lukkedage/lukkedage_2024.csv", "misses required column(s) reason"),
    ("kbhbarn/sprogvurdering/sprogvurdering_2025.csv", "wrong delimiter"),
    ("prognose/befolkning/befolkning_2025.csv", "is empty"),
    ("prognose/befolkning/befolkning_2024.csv", "header but no data rows"),
    ("ejendom/bygninger/bygninger_2025-03-31.csv", "truncated"),
    ("skoleadm/elever/elever_2025-02-28.csv", "looks truncated: the last line 13"),
    ("kapacitet/venteliste/venteliste_2025-03-31.csv", "not valid UTF-8"),
    ("kvantum/budget/budget_2024.csv", "UTF-8 encoded, but the contract says windows-1252"),
    ("kbhbarn/fremmoede/fremmoede_2025-02.parquet", "not a readable Parquet file"),
    ("kbhbarn/fremmoede/fremmoede_2025-01.parquet", "misses required column(s) event_type"),
    ("aula/brugsdata/brugsdata_2025-02.jsonl", "truncated"),
    ("aula/kommegaa/kommegaa_2025-02.jsonl", "not valid UTF-8: undecodable byte 0xe6 on line 2"),
    ("kbhbarn/indskrivninger/indskrivninger_2025-02-28.csv", "header but no data rows"),
    ("social/ppr/ppr_2025-extra.csv", "does not match the contract's file name"),
    ("ukendt/system/fil.csv", "not in any contract's folder"),
]


def write_corpus(raw: Path) -> None:
    faults_by_extract: dict[str, list] = {}
    for key, i, change, _, _ in ROW_FAULTS:
        faults_by_extract.setdefault(key, []).append((i, change))
    for ex in EXTRACTS:
        recs = rows(ex)
        for i, change in faults_by_extract.get(ex.key, []):
            recs[i].update(change)
        if ex.key == "social/underretninger":
            recs[0]["cpr"] = MOD11_FAILING
        if ex.key == "institutionsregister/institutioner":
            recs[0]["closed_date"] = None
        if ex.key == "kvalitativ/observationer":
            recs[1]["note"] = (
                "Ring til mor på 12 34 56 78 eller +4587654321, mail mor@example.dk (barn 150619-4321)"
            )
            recs[2]["note"] = "Barnet 1506194321 var glad"
        if ex.key == "kvantum/posteringer":
            recs[4]["tekst"] = "Refusion forældrebetaling 150619-4321, tlf. 33 66 33 66"
        write(raw, ex, recs)

    # Row faults found while reading: a CSV line with a field too many, a quoted line break, a JSON line
    ex = extract("kbhbarn/fravaer")
    path = raw_dir(raw, ex) / ex.file_name(PERIOD["month"])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(8, lines[8] + ",ekstra")  # becomes line 9
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ex = extract("kvalitativ/laeringssamtaler")
    path = raw_dir(raw, ex) / ex.file_name(PERIOD["year"])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Børnene legede godt på stuen", '"To linjer,\nmed komma"', 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ex = extract("aula/brugsdata")
    path = raw_dir(raw, ex) / ex.file_name(PERIOD["month"])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(5, '{"month": "2025-03", "institution_id": ')  # line 6
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # UTF-8 with BOM is allowed where the contract says utf-8
    ex = extract("kbhbarn/fravaer")
    write(raw, ex, rows(ex), "2025-04")
    path = raw_dir(raw, ex) / ex.file_name("2025-04")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    # a Parquet column stored as text, parsed value by value
    ex = extract("kbhbarn/fremmoede")
    recs = rows(ex)
    recs[4]["event_id"] = "fire"
    pq.write_table(
        parquet_table(ex, recs, as_text=("event_id", "event_time")),
        raw_dir(raw, ex) / ex.file_name("2025-04"),
    )

    # File faults
    ex = extract("kbhbarn/lukkedage")
    write(raw, ex, rows(ex), "2024", columns=["institution_id", "date", "aarsag"])  # renamed column
    ex = extract("kbhbarn/sprogvurdering")
    write(raw, ex, rows(ex), delimiter=";")
    ex = extract("prognose/befolkning")
    (raw_dir(raw, ex) / ex.file_name("2025")).write_bytes(b"")
    write(raw, ex, [], "2024")
    ex = extract("ejendom/bygninger")
    path = raw_dir(raw, ex) / ex.file_name(PERIOD["date"])
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b",", 0, len(data) - 12)])  # cut inside the last row
    ex = extract("skoleadm/elever")
    write(raw, ex, rows(ex), "2025-02-28")
    path = raw_dir(raw, ex) / ex.file_name("2025-02-28")
    path.write_bytes(path.read_bytes()[:-4])  # cut inside the last date, all fields still there
    ex = extract("kbhbarn/lukkedage")  # no line break after the last row is fine when the row is whole
    path = raw_dir(raw, ex) / ex.file_name("2025")
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    ex = extract("kapacitet/venteliste")
    write(raw, ex, rows(ex), encoding="windows-1252")  # æøå as cp1252 bytes in a utf-8 extract
    ex = extract("kvantum/budget")
    write(raw, ex, [*rows(ex), {**rows(ex)[0], "budget_type": "oprindeligt æ"}], "2024", encoding="utf-8")
    ex = extract("kbhbarn/fremmoede")
    good = raw_dir(raw, ex) / ex.file_name("2025-03")
    (raw_dir(raw, ex) / ex.file_name("2025-02")).write_bytes(good.read_bytes()[:-200])
    pq.write_table(
        parquet_table(ex, rows(ex), [c for c in ex.column_names if c != "event_type"]),
        raw_dir(raw, ex) / ex.file_name("2025-01"),
    )
    ex = extract("aula/brugsdata")
    text = "".join(json.dumps(r) + "\n" for r in rows(ex))
    (raw_dir(raw, ex) / ex.file_name("2025-02")).write_text(text[:-30], encoding="utf-8")
    ex = extract("aula/kommegaa")  # a JSON line with a windows-1252 "æ" in a UTF-8 extract
    recs = [{**r, "changed_by": "personale"} for r in rows(ex)]
    recs[1]["changed_by"] = "forælder"
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
    (raw_dir(raw, ex) / ex.file_name("2025-02")).write_bytes(text.encode("cp1252"))
    ex = extract("kbhbarn/indskrivninger")  # only Unicode whitespace (a no-break space) after the header
    path = write(raw, ex, [], "2025-02-28")
    path.write_bytes(path.read_bytes() + "\u00a0\n".encode())
    ex = extract("social/ppr")
    write(raw, ex, rows(ex))
    (raw_dir(raw, ex) / "ppr_2025-extra.csv").write_bytes(
        (raw_dir(raw, ex) / ex.file_name("2025")).read_bytes()
    )
    (raw / "ukendt" / "system").mkdir(parents=True)
    (raw / "ukendt" / "system" / "fil.csv").write_text("a,b\n1,2\n")


def expected_line(key: str, i: int) -> int:
    ex = extract(key)
    if ex.fmt == "parquet" or ex.fmt == "jsonl":
        line = i + 1
        if key == "aula/brugsdata" and line >= 6:
            line += 1  # the broken JSON line inserted at line 6
        return line
    line = i + 2
    if key == "kbhbarn/fravaer" and line >= 9:
        line += 1
    return line


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpus")
    raw, landing = base / "raw", base / "landing"
    write_corpus(raw)
    rc = land(raw, landing, KEY, progress=False)
    return raw, landing, rc


# --------------------------------------------------------------------------------------- the tests


def test_rejected_files_named_and_exit_non_zero(corpus, capsys):
    _, landing, rc = corpus
    assert rc == 1
    rejected = {d["file"]: d["message"] for d in ledger(landing) if d["status"] == "rejected"}
    assert set(rejected) == {f for f, _ in FILE_FAULTS}
    for file, words in FILE_FAULTS:
        assert words in rejected[file], (file, rejected[file])


def test_every_row_fault_quarantined_with_reason(corpus):
    _, landing, _ = corpus
    q = quarantine(landing)
    got = {(r["_source_file"], r["_source_line"]): (r["reason"], r["column"]) for r in q}
    want = {}
    for key, i, _, reason, column in ROW_FAULTS:
        ex = extract(key)
        want[(f"{key}/{ex.file_name(PERIOD[ex.period])}", expected_line(key, i))] = (reason, column)
    want[("kbhbarn/fravaer/fravaer_2025-03.csv", 9)] = ("bad_field_count", None)
    want[("aula/brugsdata/brugsdata_2025-03.jsonl", 6)] = ("bad_json", None)
    want[("kbhbarn/fremmoede/fremmoede_2025-04.parquet", 5)] = ("bad_number", "event_id")
    assert got == want


def test_row_counts_reconcile_and_good_rows_land(corpus):
    _, landing, _ = corpus
    deliveries = [d for d in ledger(landing) if d["status"] != "rejected"]
    raw_files = [p for p in corpus[0].rglob("*") if p.is_file()]
    assert len(deliveries) == len(raw_files) - len(FILE_FAULTS)
    q = quarantine(landing)
    for d in deliveries:
        assert d["rows_read"] == d["rows_landed"] + d["rows_quarantined"], d
        ex = extract(d["extract"])
        landed = pq.read_table(zone.landed_file(landing, ex, d["period"]))
        assert landed.num_rows == d["rows_landed"]
        assert sum(r["_source_file"] == d["file"] for r in q) == d["rows_quarantined"]
        faults = sum(k == d["extract"] for k, *_ in ROW_FAULTS) if d["period"] == PERIOD[ex.period] else 0
        extra = (
            {"kbhbarn/fravaer": 1, "aula/brugsdata": 1}.get(d["extract"], 0) if faults else 0
        )  # read faults
        assert d["rows_read"] == N + extra, d
        extra += 1 if d["file"] == "kbhbarn/fremmoede/fremmoede_2025-04.parquet" else 0
        assert d["rows_quarantined"] == faults + extra, d


def test_landed_schema_is_the_contract(corpus):
    _, landing, _ = corpus
    for ex in EXTRACTS:
        files = list(zone.landed_dir(landing, ex).glob("*.parquet"))
        assert files, ex.key
        for f in files:
            assert pq.read_schema(f).equals(landed_schema(ex)), (f, pq.read_schema(f))


def test_values_parsed_per_contract(corpus):
    _, landing, _ = corpus
    hr = read_landed(landing, "hr/personale").to_pylist()
    assert hr[0]["weekly_hours"] == 1.5 and hr[0]["position"] == "Leder" and hr[0]["paedagoguddannet"] is True
    assert {r["position"] for r in hr} >= {"Pædagog", "Pædagogisk assistent"}  # windows-1252 decoded
    fin = read_landed(landing, "kvantum/posteringer").to_pylist()
    assert fin[0]["beloeb"] == 1234.5 and fin[0]["bilagsdato"] == dt.date(2025, 3, 1)
    rota = read_landed(landing, "hr/vagtplan").to_pylist()
    assert rota[0]["start_time"] == dt.time(7, 30) and rota[0]["shift_date"] == dt.date(2025, 3, 1)
    kg = read_landed(landing, "aula/kommegaa").to_pylist()
    assert kg[0]["timestamp"] == dt.datetime(2025, 3, 1, 7, 42, 10)  # +01:00 -> Copenhagen local
    enr = read_landed(landing, "kbhbarn/indskrivninger").to_pylist()
    assert enr[0]["end_date"] == dt.date(2025, 3, 1) and enr[0]["_source_line"] == 2
    bom = read_landed(landing, "kbhbarn/fravaer", "2025-04").to_pylist()
    assert len(bom) == N and bom[0]["institution_id"] == "D1001"
    # CPR: a person key into the register, which has the pseudonym, the birth date from the century
    # rules and the sex from the last digit; mod-11 failures land
    persons = register(landing)
    notif = [persons[r["person_key"]] for r in read_landed(landing, "social/underretninger").to_pylist()]
    assert (notif[0]["birth_date"], notif[0]["sex"], len(notif)) == (dt.date(2015, 1, 1), "M", N)
    ev = read_landed(landing, "kbhbarn/fremmoede").to_pylist()
    child = [persons[r["person_key"]] for r in ev]
    assert (child[0]["birth_date"], child[0]["sex"], child[2]["sex"]) == (dt.date(2015, 1, 1), "K", "M")
    assert child[0]["pseudonym"] == Pseudonymizer(KEY).pseudonym(parse_cpr(cpr_value(0))[0])
    # the key is the pseudonym's first 8 bytes, signed
    assert ev[0]["person_key"] == int.from_bytes(
        bytes.fromhex(child[0]["pseudonym"][:16]), "big", signed=True
    )
    assert [r["_source_line"] for r in ev] == [1, 5, 6, 7, 9, 11, 12]  # row numbers across row groups
    # optional empty value -> NULL, quoted line break keeps the physical line numbers
    inst = read_landed(landing, "institutionsregister/institutioner").to_pylist()
    assert inst[0]["closed_date"] is None and inst[1]["closed_date"] == dt.date(2025, 3, 2)
    talks = read_landed(landing, "kvalitativ/laeringssamtaler").to_pylist()
    assert talks[1]["participants"] == "To linjer,\nmed komma"
    assert [r["_source_line"] for r in talks][:4] == [2, 3, 5, 6]


def test_mod11_failing_cpr_is_valid():
    assert parse_cpr(MOD11_FAILING) == ("0101154001", dt.date(2015, 1, 1), "M")
    assert parse_cpr("0101374001")[1] == dt.date(1937, 1, 1)  # 7th digit 4, YY > 36: 1900s
    assert parse_cpr("0101585001")[1] == dt.date(1858, 1, 1)  # 7th digit 5-8, YY > 57: 1800s
    assert parse_cpr("010157-9002")[1] == dt.date(1957, 1, 1)  # 9 with YY > 36: 1900s
    assert parse_cpr("290223-4001") is None  # 29 Feb 2023 does not exist
    assert parse_cpr("290224-4001")[1] == dt.date(2024, 2, 29)


def test_vectorized_cpr_agrees_with_parse_cpr():
    """The Arrow/numpy path (every landed CPR) against the one-value parse, on spellings and near misses."""
    import random

    rnd = random.Random(7)
    values: list[str | None] = [None, "", "  ", "0101154001", "010115-4001", " 0101154001 ", "\t010115-4001"]
    values += ["290223-4001", "290224-4001", "3113154001", "0013154001", "010115+4001", "010115-40011"]
    values += ["01011540O1", "０１０１１５４００１", "010115 4001", "0101-154001", "1234567890", "123456789"]
    for _ in range(3000):
        digits = "".join(rnd.choice("0123456789") for _ in range(10))
        if rnd.random() < 0.5:
            digits = f"{rnd.randint(1, 31):02d}{rnd.randint(1, 12):02d}" + digits[4:]
        text = digits[:6] + rnd.choice(["", "-", "-", " ", "/"]) + digits[6:]
        values.append(rnd.choice(["", "", " "]) + text + rnd.choice(["", "", " ", "x"]))
    pseudo = Pseudonymizer(KEY)
    persons = Persons(pseudo)
    words = pa.array(values, pa.string())
    all_valid = pa.array(["0101154001", "010115-4001", "290224-4001"] * 3).dictionary_encode()
    for arr in (words, words.slice(3), words.dictionary_encode(), all_valid):
        key, invalid, missing = pseudo.apply(arr)
        texts = arr.to_pylist()
        for k, text in enumerate(texts):
            got = persons.of(key[k].as_py())
            hit = parse_cpr(text) if text is not None else None
            assert got == ((pseudo.pseudonym(hit[0]), hit[1], hit[2]) if hit else (None, None, None)), text
            assert bool(missing[k]) == (text is None or not text.strip()), text
            assert bool(invalid[k]) == (hit is None and text is not None and bool(text.strip())), text


LONG_KEY = b"a key longer than SHA-256's block of 64 bytes is hashed first" * 2


@pytest.mark.parametrize("key", [KEY, b"k" * 64, LONG_KEY])
def test_batched_hmac_is_hmac_sha256(key):
    """The run's batched HMAC (keyed states copied per number) against the standard library's, for a
    short key, one of exactly a block and one longer than a block."""
    import hashlib
    import hmac

    import numpy as np

    from boernedata.landing.cpr import _ascii_numbers, _hmac_sha256_many, _hmac_states

    numbers = np.array([101154001, 3112999999, 1, 9999999999], np.int64)
    assert _ascii_numbers(numbers) == [b"0101154001", b"3112999999", b"0000000001", b"9999999999"]
    got = _hmac_sha256_many(_hmac_states(key), _ascii_numbers(numbers))
    want = b"".join(hmac.new(key, f"{k:010d}".encode(), hashlib.sha256).digest() for k in numbers.tolist())
    assert got == want
    assert Pseudonymizer(key).pseudonym("0101154001") == want[:32].hex()


def test_pseudonyms_cached_across_batches_and_threads():
    """The run's cache (hash index, recent numbers, merges) gives every number its own HMAC, from any
    thread, and hands each person to the register once; person keys that repeat on 8 rows or more come
    dictionary-encoded, one entry per number, others plain."""
    from concurrent.futures import ThreadPoolExecutor

    dates = [f"{d:02d}{m:02d}{y:02d}" for y in (15, 16) for m in (1, 6) for d in (1, 28)]
    numbers = [d + str(s) for d in dates for s in range(4000, 6500)]  # 20 000 distinct, born 2015-16
    spelled = [n if i % 3 else n[:6] + "-" + n[6:] for i, n in enumerate(numbers)]
    pseudo = Pseudonymizer(KEY)
    batches = [spelled[i : i + 3000] for i in range(0, len(spelled), 3000)]

    def land_batch(batch):
        return batch, pseudo.apply(pa.array(batch + batch[:100], pa.string()))[0]

    persons = Persons(pseudo)
    with ThreadPoolExecutor(4) as pool:
        for batch, key in pool.map(land_batch, batches + batches[::-1]):
            assert pa.types.is_int64(key.type)  # numbers that hardly repeat: plain
            want = [pseudo.pseudonym(parse_cpr(t)[0]) for t in batch + batch[:100]]
            assert [persons.of(k)[0] for k in key.to_pylist()] == want
    assert len(persons) == len(numbers) and pseudo.new_persons() is None  # each handed over once
    repeated = [numbers[k % 500] if k % 2 else spelled[k % 500] for k in range(10_000)] + ["1"]
    key = pseudo.apply(pa.array(repeated, pa.string()))[0]
    assert pa.types.is_dictionary(key.type) and len(key.dictionary) == 500
    want = [pseudo.pseudonym(parse_cpr(t)[0]) for t in repeated[:-1]] + [None]
    assert [persons.of(k)[0] for k in key.to_pylist()] == want


def test_free_text_redacted(corpus):
    _, landing, _ = corpus
    notes = [r["note"] for r in read_landed(landing, "kvalitativ/observationer").to_pylist()]
    assert notes[1] == "Ring til mor på [TELEFON] eller [TELEFON], mail [EMAIL] (barn [CPR])"
    assert notes[2] == "Barnet [CPR] var glad"
    d = next(d for d in ledger(landing) if d["extract"] == "kvalitativ/observationer")
    assert "redacted 2 cpr, 1 email, 2 phone" in d["message"]
    postings = {r["_source_line"]: r for r in read_landed(landing, "kvantum/posteringer").to_pylist()}
    text = postings[expected_line("kvantum/posteringer", 4)]["tekst"]
    assert text == "Refusion forældrebetaling [CPR], tlf. [TELEFON]"


CPR_LIKE = re.compile(r"(?<![\d+])\d{6}-?\d{4}(?!\d)")


def cpr_like_strings(text: str) -> list[str]:
    text = re.sub(r"[0-9a-f]{64}", "", text)  # pseudonyms and hashes are hex: digit runs in them are no CPRs
    return [m for m in CPR_LIKE.findall(text) if parse_cpr(m)]


def test_no_cpr_number_anywhere_in_landing(corpus):
    _, landing, _ = corpus
    raw_cprs = {cpr_value(i).replace("-", "") for i in range(N)} | {MOD11_FAILING.replace("-", "")}
    for f in landing.rglob("*.parquet"):
        for col in pq.read_table(f).columns:
            if pa.types.is_string(col.type):
                for v in col.drop_null().to_pylist():
                    assert not cpr_like_strings(v), (f, v)
    for f in [*landing.rglob("*.jsonl"), *landing.rglob("*.html")]:
        text = f.read_text(encoding="utf-8")
        assert not cpr_like_strings(text), f
        assert not any(c in re.sub(r"[0-9a-f]{64}", "", text).replace("-", "") for c in raw_cprs), f
    q = quarantine(landing)
    assert any("pseudonym:" in r["row"] for r in q) and any("XXXXXX-XXXX" in r["row"] for r in q)


def test_report_and_great_expectations(corpus):
    _, landing, _ = corpus
    html = zone.latest_report(landing).read_text(encoding="utf-8")
    assert "kbhbarn/fravaer/fravaer_2025-03.csv" in html and "bad_field_count" in html
    assert "expect_column_values_to_be_in_set" in html and "AFVIGER" not in html
    assert "Fejl i krydskontrollen" not in html
    # a failing expectation counts its unexpected rows per file (GE runs it again for them), agreeing
    # with the quarantine: the not_in_enum row of the fravaer file, among the corpus' N rows
    row = re.search(r"<td>expect_column_values_to_be_in_set</td><td>reason</td>(.*?)</tr>", html).group(1)
    assert "fejlet" in row and "kbhbarn/fravaer/fravaer_2025-03.csv: 1 af" in row and "stemmer" in row


def test_report_in_danish_with_the_problems_first(corpus):
    """Rejected files and quarantined rows are named at the top, with what to do and links to the rows;
    then the totals per extract, in which rows read = landed + quarantined + held."""
    _, landing, _ = corpus
    html = zone.latest_report(landing).read_text(encoding="utf-8")
    assert "<html lang='da'>" in html and "Modtagelse af udtræk" in html
    top = html[: html.index("<h2>Totaler pr. udtræk</h2>")]
    assert "<h2>Problemer</h2>" in top and f"{len(FILE_FAULTS)} afviste filer" in top
    for file, _ in FILE_FAULTS:
        assert f"<code>{file}</code>" in top, file
    assert "Flyt filen til den rigtige mappe" in top and "Omdøb filen" in top
    assert "lever den igen" in top
    quarantined = {d["file"] for d in ledger(landing) if d["rows_quarantined"]}
    for file in quarantined:
        assert f"<code>{file}</code>" in top, file
    # the fravaer file: reasons in Danish with the first lines, an anchor and a relative link to its rows
    assert "reason: ikke en af kontraktens tilladte værdier (1; linje 7)" in top
    assert "href='#fil-kbhbarn-fravaer-fravaer-2025-03-csv'" in top
    assert "id='fil-kbhbarn-fravaer-fravaer-2025-03-csv'" in html
    links = set(re.findall(r"href='(\.\./_quarantine/[^']+)'", html))
    assert "../_quarantine/kbhbarn/fravaer/2025-03.parquet" in links
    assert all((zone.reports_dir(landing) / link).resolve().is_file() for link in links), links
    totals = re.search(r"<tr><td>kbhbarn/fravaer</td>(.*?)</tr>", html).group(1)
    files, rejected, read, landed, quarantined_rows, held = (
        int(x.replace(".", "")) for x in re.findall(r"<td class='n'>([\d.]+)</td>", totals)
    )
    assert (files, rejected, held) == (2, 0, 0) and read == landed + quarantined_rows == 2 * N + 1


def test_schema_files_for_every_extract(corpus):
    _, landing, _ = corpus
    for ex in EXTRACTS:
        assert any(zone.landed_dir(landing, ex).glob("*.parquet")), ex.key


def test_idempotent_and_replacement(tmp_path):
    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("kbhbarn/fravaer")
    recs = rows(ex)
    recs[3]["reason"] = "?"
    write(raw, ex, recs)
    write(raw, extract("hr/personale"), rows(extract("hr/personale")))
    assert land(raw, landing, KEY, progress=False) == 0
    target = zone.landed_file(landing, ex, "2025-03")
    qfile = zone.quarantine_file(landing, "kbhbarn/fravaer", "2025-03")
    before = (target.read_bytes(), target.stat().st_mtime_ns, qfile.read_bytes())

    assert land(raw, landing, KEY, progress=False) == 0  # the same bytes again
    assert (target.read_bytes(), target.stat().st_mtime_ns, qfile.read_bytes()) == before
    assert [d["status"] for d in ledger(landing)[-2:]] == ["unchanged", "unchanged"]

    recs[3]["reason"] = "syg"  # the corrected delivery of the same month
    recs = recs[:-2]
    write(raw, ex, recs)
    assert land(raw, landing, KEY, progress=False) == 0
    d = ledger(landing)[-1]
    assert (d["file"], d["status"], d["rows_landed"], d["rows_quarantined"]) == (
        "kbhbarn/fravaer/fravaer_2025-03.csv",
        "replaced",
        N - 2,
        0,
    )
    assert pq.read_table(target).num_rows == N - 2 and not qfile.exists()
    assert len(list(target.parent.glob("*.parquet"))) == 1

    # a rejected re-delivery keeps the last good rows
    (raw_dir(raw, ex) / ex.file_name("2025-03")).write_bytes(b"")
    assert land(raw, landing, KEY, progress=False) == 1
    assert pq.read_table(target).num_rows == N - 2


def test_a_run_is_never_stamped_before_the_ledgers_latest(tmp_path, capsys):
    """The models take a row's latest landed delivery as the one with the latest `_loaded_at` (a late
    correction supersedes what it corrects). With the landing machine's clock behind the ledger's latest
    run (here: the ledger says the first run was in 2030), a correction landed now must still be later."""
    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("kbhbarn/fravaer")
    write(raw, ex, rows(ex))
    assert land(raw, landing, KEY, progress=False) == 0
    path = zone.ledger_file(landing)
    records = [
        {**json.loads(line), "landed_at": "2030-01-01T00:00:00Z"}
        for line in path.read_text("utf-8").splitlines()
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    capsys.readouterr()

    recs = rows(ex)
    recs[3]["reason"] = "syg"  # the corrected month
    write(raw, ex, recs)
    assert land(raw, landing, KEY, progress=False) == 0
    assert (
        "is not after the latest landing run in the ledger (2030-01-01 00:00:00 UTC)"
        in capsys.readouterr().err
    )
    last = ledger(landing)[-1]
    assert (last["status"], last["landed_at"]) == ("replaced", "2030-01-01T00:00:01Z")
    loaded = set(pq.read_table(zone.landed_file(landing, ex, "2025-03"))["_loaded_at"].to_pylist())
    assert loaded == {dt.datetime(2030, 1, 1, 0, 0, 1)}


def test_land_warns_of_files_of_another_version(tmp_path, capsys):
    """A landed file without a column this version lands (an older version's): `build` refuses the folder
    (pytests/test_publish.py), and `land` says so at once."""
    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("kbhbarn/fravaer")
    write(raw, ex, rows(ex))
    assert land(raw, landing, KEY, progress=False) == 0
    assert "do not have the columns" not in capsys.readouterr().err
    old = zone.landed_file(landing, ex, "2024-12")
    pq.write_table(pq.read_table(zone.landed_file(landing, ex, "2025-03")).drop_columns(["reason"]), old)

    assert land(raw, landing, KEY, progress=False) == 0  # nothing new: the same bytes again
    err = capsys.readouterr().err
    assert "WARNING: 1 landed file(s)" in err and "kbhbarn/fravaer/2024-12.parquet: missing reason" in err
    assert "refuses this folder" in err


def test_run_time_follows_the_clock_unless_it_is_behind():
    from boernedata.landing.run import run_time

    last = dt.datetime(2026, 11, 20, 6, 0, 0)
    assert run_time(dt.datetime(2026, 11, 21, 6, 0, 0, 5), last) == (
        dt.datetime(2026, 11, 21, 6, 0, 0, 5),
        "",
    )
    assert run_time(dt.datetime(2026, 11, 21), None) == (dt.datetime(2026, 11, 21), "")
    # within the latest run's second (the ledger keeps whole seconds): one second on, no clock fault
    assert run_time(dt.datetime(2026, 11, 20, 6, 0, 0, 400), last) == (dt.datetime(2026, 11, 20, 6, 0, 1), "")
    stamped, note = run_time(dt.datetime(2026, 11, 19, 23, 0), last)
    assert stamped == dt.datetime(2026, 11, 20, 6, 0, 1) and "Check the clock" in note


def test_person_register(tmp_path):
    """Every landed person key is in the register, once, across runs; a new delivery adds its new
    persons; a missing register makes every delivery land again; another pseudonym key and two
    pseudonyms on one person key are refused."""
    from boernedata.landing import persons

    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex, notif = extract("kbhbarn/fravaer"), extract("social/underretninger")
    write(raw, ex, rows(ex))
    write(raw, notif, rows(notif))  # the same children
    assert land(raw, landing, KEY, progress=False) == 0
    files = sorted(p.name for p in zone.persons_dir(landing).iterdir())
    assert files == ["persons.parquet"]  # the run's parts compacted
    first = register(landing)
    keys = set(read_landed(landing, ex.key)["person_key"].to_pylist())
    assert keys == set(read_landed(landing, notif.key)["person_key"].to_pylist()) == set(first)
    assert len(first) == N

    recs = rows(ex, N + 3)  # a corrected month with three more children
    write(raw, ex, recs)
    assert land(raw, landing, KEY, progress=False) == 0
    second = register(landing)
    assert len(second) == N + 3 and all(second[k] == first[k] for k in first)
    assert sorted(p.name for p in zone.persons_dir(landing).iterdir()) == [zone.REGISTER_FILE]

    (zone.persons_dir(landing) / zone.REGISTER_FILE).unlink()
    assert land(raw, landing, KEY, progress=False) == 0  # the same bytes, but the register is gone
    assert [d["status"] for d in ledger(landing)[-2:]] == ["replaced", "replaced"]
    assert register(landing) == second

    before = ledger(landing)
    assert land(raw, landing, b"another key", progress=False) == 2  # would split every child in two
    assert ledger(landing) == before and register(landing) == second

    row = next(iter(second.values()))
    clash = pa.Table.from_pylist([{**row, "pseudonym": "0" * 64}], schema=persons.PERSONS_SCHEMA)
    persons.write_part(landing, clash, "part-clash")
    with pytest.raises(persons.PersonKeyCollision, match=str(row["person_key"])):
        persons.compact(landing)


def test_extra_and_reordered_columns_land_with_a_warning(tmp_path):
    """Extra columns are ignored and columns are read by name; the ledger says so, in words for a
    column without a name (an export that ends every line with the delimiter)."""
    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("kbhbarn/fravaer")
    path = write(raw, ex, rows(ex))
    path.write_bytes(b"".join(line + b",\n" for line in path.read_bytes().splitlines()))
    other = extract("hr/personale")
    write(raw, other, rows(other), columns=[*reversed(other.column_names), "note"])
    assert land(raw, landing, KEY, progress=False) == 0
    d = {x["file"]: x for x in ledger(landing)}
    fravaer, personale = (
        d[f"kbhbarn/fravaer/{ex.file_name('2025-03')}"],
        d[f"hr/personale/{other.file_name('2025-03')}"],
    )
    assert (fravaer["status"], fravaer["rows_landed"]) == ("landed", N)
    assert "ignored: an unnamed column (a delimiter at the end of the line?)" in fravaer["message"]
    assert (personale["status"], personale["rows_landed"]) == ("landed", N)
    assert "ignored: note" in personale["message"] and "not in the contract's order" in personale["message"]
    assert read_landed(landing, "hr/personale").column_names == landed_schema(other).names


def test_cli_refuses_without_key(tmp_path, monkeypatch, capsys):
    from boernedata.cli import main

    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("kbhbarn/fravaer")
    write(raw, ex, rows(ex))
    monkeypatch.delenv("BOERNEDATA_PSEUDONYM_KEY", raising=False)
    assert main(["land", "--raw", str(raw), "--landing", str(landing), "--no-progress"]) == 2
    assert "BOERNEDATA_PSEUDONYM_KEY" in capsys.readouterr().err
    assert not landing.exists()
    assert main(["land", "--demo", "--raw", str(raw), "--landing", str(landing), "--no-progress"]) == 0
    monkeypatch.setenv("BOERNEDATA_PSEUDONYM_KEY", "a-secret-from-the-secret-store-32")
    assert main(["land", "--raw", str(raw), "--landing", str(tmp_path / "l2"), "--no-progress"]) == 0
    a = read_landed(landing, ex.key).column("person_key").to_pylist()
    b = read_landed(tmp_path / "l2", ex.key).column("person_key").to_pylist()
    assert a != b and set(register(landing)) != set(register(tmp_path / "l2"))  # they depend on the key


def test_large_file_parses_distinct_values_once(tmp_path):
    """Above 4096 rows codes and dates are checked on their distinct values: same reasons, same lines."""
    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("skoleadm/fravaer")
    recs = rows(ex, 6000)
    faults = {
        100: ({"date": "2025-02-29"}, "bad_date"),
        2000: ({"absence_type": "X"}, "not_in_enum"),
        3000: ({"registered_at": "2025-02-30 10:00:00"}, "bad_timestamp"),
        4000: ({"school_id": ""}, "missing_value"),
        5000: ({"cpr": "999999-9999"}, "bad_cpr"),
    }
    for i, (change, _) in faults.items():
        recs[i].update(change)
    recs[10]["cpr"] = recs[11]["cpr"] = "150619-4321"
    recs[12]["cpr"] = "1506194321"  # the same child, the other spelling
    write(raw, ex, recs)
    assert land(raw, landing, KEY, progress=False) == 0
    got = {(r["_source_line"], r["reason"]) for r in quarantine(landing)}
    assert got == {(i + 2, reason) for i, (_, reason) in faults.items()}
    landed = read_landed(landing, ex.key)
    assert landed.num_rows == 6000 - len(faults)
    by_line = {r["_source_line"]: r for r in landed.to_pylist() if r["_source_line"] in (12, 13, 14)}
    assert by_line[12]["person_key"] == by_line[13]["person_key"] == by_line[14]["person_key"]
    person = register(landing)[by_line[14]["person_key"]]
    assert person["birth_date"] == dt.date(2019, 6, 15) and person["sex"] == "M"
    html = zone.latest_report(landing).read_text(encoding="utf-8")
    assert "AFVIGER" not in html and "Fejl i krydskontrollen" not in html


def test_every_contract_has_a_suite(tmp_path):
    from boernedata.landing.suites import export_suites

    paths = export_suites(tmp_path)
    assert len(paths) == len(EXTRACTS)
    suite = json.loads((tmp_path / "raw.hr.personale.json").read_text(encoding="utf-8"))
    types = {e["type"] for e in suite["expectations"]}
    assert {"expect_column_values_to_be_in_set", "expect_column_values_to_be_between"} <= types
    assert {"expect_table_columns_to_match_ordered_list", "expect_column_values_to_not_be_null"} <= types


def test_timestamp_fast_cast_agrees_with_exact_parse():
    """Valid files take Arrow's ISO cast; a file with one bad value takes the exact parse: same values."""
    import pyarrow.compute as pc

    from boernedata.landing import parse

    naive = ["2025-03-30 02:30:00", "2024-02-29T23:59:59.5", "2025-10-26 02:30:00.123456", ""]
    aware = ["2025-03-04T07:42:10+01:00", "2025-07-04T05:42:10Z", "2025-10-26T02:30:00.25+0100", ""]
    for kind, values, bad in (("timestamp", naive, "2025-02-29 10:00:00"), ("timestamp_tz", aware, "x")):
        col = parse.Column("t", kind, required=False)
        ex = extract("aula/kommegaa")

        def parsed(vals, col=col, ex=ex):
            s = pa.array(vals)
            missing = pc.equal(s, "")
            out = parse.Parsed(columns={})
            return parse._parse_text(col, s, missing, pc.invert(missing), ex, out).to_pylist(), out

        fast, out = parsed(values)
        exact, out_bad = parsed([*values, bad])
        assert not out.checks and exact[:-1] == fast and exact[-1] is None, (kind, fast, exact)
        assert [r for _, r, _ in out_bad.checks] == ["bad_timestamp"]
    assert fast[:3] == [
        dt.datetime(2025, 3, 4, 7, 42, 10),
        dt.datetime(2025, 7, 4, 7, 42, 10),
        dt.datetime(2025, 10, 26, 2, 30, 0, 250000),
    ]


def test_signed_numbers_parse_per_contract():
    """A single leading sign is part of the contract's number format; a doubled one is a bad number."""
    import pyarrow.compute as pc

    from boernedata.landing import parse

    cases = [
        ("int", "skoleadm/elever", ["+5", "-5", "7", "++5", "+-5", ""], [5, -5, 7, None, None, None]),
        ("int", "hr/personale", ["+1.234", "-12", "+", ""], [1234, -12, None, None]),
        ("decimal", "hr/personale", ["+1.234,50", "-0,5", "++1", ""], [1234.5, -0.5, None, None]),
        ("decimal", "sundhed/maalinger", ["+12.5", "-.5", "+-1", ""], [12.5, -0.5, None, None]),
        ("int", "skoleadm/elever", ["1", "2"], [1, 2]),  # no plus anywhere: nothing trimmed
    ]
    for kind, key, values, want in cases:
        col = parse.Column("n", kind, required=False)
        s = pa.array(values)
        missing = pc.equal(s, "")
        out = parse.Parsed(columns={})
        got = parse._parse_text(col, s, missing, pc.invert(missing), extract(key), out).to_pylist()
        assert got == want, (key, values, got)
        bad = [v for v, w in zip(values, want, strict=True) if w is None and v]
        flagged = [values[i] for _, r, m in out.checks if r == "bad_number" for i in m.nonzero()[0]]
        assert flagged == bad, (key, flagged)


def test_fixed_width_timestamps_checked_in_place_as_by_the_regex():
    """A column whose values all have one fixed-width spelling skips the regex: the same values and the
    same faults as the value-by-value parse, near misses of every separator included."""
    import pyarrow.compute as pc

    from boernedata.landing import parse

    good_tz = ["2025-03-04T07:42:10+01:00", "2025-07-04T05:42:10-02:00", "2025-10-26T02:30:00+01:00"]
    bad_tz = ["2025-03-04T07:42:10,01:00", "2025-03-04 07:42:10+01:00", "2025-03-04T07:42:1a+01:00"]
    bad_tz += ["2025-03-04T07:42:10+01.00", "2025-02-29T07:42:10+01:00", "2025-03-04T24:00:00+01:00"]
    good = ["2025-03-30 02:30:00", "2024-02-29T23:59:59", "2025-10-26 02:30:00"]
    bad = ["2025-03-30X02:30:00", "2025-03-30 02:30:60", "2025-03-30 2:30:00 ", "2025/03/30 02:30:00"]
    offset, utc = parse.TIMESTAMP_TZ_WIDE
    assert parse._fixed_shape(pa.array(good_tz), offset)
    assert parse._fixed_shape(pa.array(good_tz).slice(1), offset)
    assert not parse._fixed_shape(pa.array([*good_tz[:1], "2025-07-04T05:42:10Z"]), offset)
    assert parse._fixed_shape(pa.array(["2025-07-04T05:42:10Z"]), utc)
    assert not parse._fixed_shape(pa.array(["2025-07-04T05:42:10+01:00", None]), offset)
    for kind, valid, faults in (("timestamp_tz", good_tz, bad_tz), ("timestamp", good, bad)):
        col = parse.Column("t", kind, required=False)
        for fault in faults:
            values = [*valid, fault]
            s = pa.array(values)
            missing = pc.equal(s, "")
            out = parse.Parsed(columns={})
            got = parse._parse_text(col, s, missing, pc.invert(missing), extract("aula/kommegaa"), out)
            assert got.to_pylist()[-1] is None and got.null_count == 1, (kind, fault, got)
            assert [r for _, r, _ in out.checks] == ["bad_timestamp"], (kind, fault)
        s = pa.array(valid)
        out = parse.Parsed(columns={})
        none = pa.array([False] * len(valid))
        assert parse._parse_text(col, s, none, pc.invert(none), extract("aula/kommegaa"), out).null_count == 0
        assert not out.checks


def test_repeating_cpr_column_parsed_on_its_spellings(monkeypatch):
    """A CSV or JSON CPR column in which children repeat is parsed on its distinct spellings: the same
    persons and faults as row by row."""
    from boernedata.landing import parse

    numbers = [f"{d:02d}0619{s}" for d in range(1, 29) for s in (4321, 4322)]  # 56 children
    values = [n if i % 3 else n[:6] + "-" + n[6:] for i, n in enumerate(numbers * 80)]
    values[7], values[99], values[500] = "999999-9999", "", " 0101154001 "
    seen = []
    pseudo = Pseudonymizer(KEY)
    real = pseudo.apply
    monkeypatch.setattr(pseudo, "apply", lambda arr: seen.append(arr.type) or real(arr))
    col = parse.Column("cpr", "cpr")
    out = parse.Parsed(columns={})
    parse.parse_column(col, pa.array(values), extract("skoleadm/fravaer"), pseudo, out)
    assert pa.types.is_dictionary(seen[0])
    assert {r: set(m.nonzero()[0]) for _, r, m in out.checks} == {"bad_cpr": {7}, "missing_value": {99}}
    persons = Persons(pseudo)
    keys = out.columns[person_key_name("cpr")].to_pylist()
    for k, text in enumerate(values):
        hit = parse_cpr(text)
        want = (pseudo.pseudonym(hit[0]), hit[1], hit[2]) if hit else (None, None, None)
        assert persons.of(keys[k]) == want, k


def test_cli_refuses_a_weak_key(tmp_path, monkeypatch, capsys):
    """A key shorter than 32 characters can be guessed, and with it every pseudonym traced back: exit 2,
    nothing landed, and how to make a good one."""
    from boernedata.cli import main

    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("kbhbarn/fravaer")
    write(raw, ex, rows(ex))
    for weak in ("short", "x" * 31):
        monkeypatch.setenv("BOERNEDATA_PSEUDONYM_KEY", weak)
        assert main(["land", "--raw", str(raw), "--landing", str(landing), "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert f"BOERNEDATA_PSEUDONYM_KEY is {len(weak)} characters long; at least 32" in err
        assert "secrets.token_urlsafe(48)" in err and "secret store" in err and "Nothing was landed" in err
        assert not landing.exists()
    monkeypatch.setenv("BOERNEDATA_PSEUDONYM_KEY", "x" * 32)
    assert main(["land", "--raw", str(raw), "--landing", str(landing), "--no-progress"]) == 0


def test_shrunken_redelivery_is_held_until_accepted(tmp_path, capsys):
    """A re-delivered month with far fewer rows lands nothing, keeps its rows in the held quarantine, exits
    1 and is held again on the next run; --accept-shrink lands it, and the ledger records both."""
    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("skoleadm/fravaer")
    rel = f"skoleadm/fravaer/{ex.file_name('2025-03')}"
    write(raw, ex, rows(ex, 50))
    assert land(raw, landing, KEY, progress=False) == 0
    target = zone.landed_file(landing, ex, "2025-03")
    before = target.read_bytes()

    recs = rows(ex, 19)
    recs[3]["absence_type"] = "X"  # one bad row: 18 to land
    write(raw, ex, recs)
    capsys.readouterr()
    for _ in range(2):  # the same held bytes are held again, not "unchanged"
        assert land(raw, landing, KEY, progress=False) == 1
        err = capsys.readouterr().err
        assert f"HELD {rel}: not landed, because it has 18 rows to land (of 19 read)" in err
        assert "the landed 2025-03 has 50: 64 % fewer, more than the 20 % allowed" in err
        assert f"`boernedata land --accept-shrink {rel}`" in err and "Exit status 1" in err
        assert target.read_bytes() == before
        d = ledger(landing)[-1]
        assert (d["status"], d["rows_read"], d["rows_landed"], d["rows_quarantined"], d["rows_held"]) == (
            "held_shrunk",
            19,
            0,
            0,
            19,
        )
        assert d["shrunk_from"] == 50 and d["accepted_shrink"] is False
        held, held_q = zone.held_files(landing, ex.key, "2025-03")
        assert pq.read_table(held).num_rows == 18 and pq.read_table(held_q).num_rows == 1
        assert "person_key" in pq.read_schema(held).names  # pseudonymized like landed rows
        assert not zone.quarantine_file(landing, ex, "2025-03").exists()
    html = zone.latest_report(landing).read_text(encoding="utf-8")
    top = html[: html.index("<h2>Totaler pr. udtræk</h2>")]
    assert "Tilbageholdte leverancer" in top and f"--accept-shrink {rel}" in top
    assert "../_quarantine/_held/skoleadm/fravaer/2025-03.parquet" in top

    assert land(raw, landing, KEY, progress=False, rules=HoldRules(accept=(str(raw / rel),))) == 0
    d = ledger(landing)[-1]
    assert (d["status"], d["rows_landed"], d["rows_quarantined"], d["rows_held"]) == ("replaced", 18, 1, 0)
    assert d["accepted_shrink"] is True and d["shrunk_from"] == 50
    assert "--accept-shrink: 18 rows landed where 50 were" in d["message"]
    assert pq.read_table(target).num_rows == 18
    assert not any(p.exists() for p in zone.held_files(landing, ex.key, "2025-03"))
    assert land(raw, landing, KEY, progress=False) == 0  # landed now: unchanged
    assert ledger(landing)[-1]["status"] == "unchanged"

    # a small correction is no shrink
    write(raw, ex, rows(ex, 15))
    assert land(raw, landing, KEY, progress=False) == 0
    assert ledger(landing)[-1]["status"] == "replaced"


def test_much_smaller_new_snapshot_is_held(tmp_path):
    """A full snapshot replaces the extract's truth under a new date: a much smaller one is held against
    the newest snapshot landed before it. Snapshots of one run are not compared with each other."""
    raw, landing = tmp_path / "raw", tmp_path / "landing"
    ex = extract("skoleadm/elever")
    write(raw, ex, rows(ex, 40), "2025-08-31")
    assert land(raw, landing, KEY, progress=False) == 0
    write(raw, ex, rows(ex, 10), "2025-09-30")
    assert land(raw, landing, KEY, progress=False) == 1
    d = ledger(landing)[-1]
    assert (d["file"], d["status"], d["shrunk_from"]) == (
        "skoleadm/elever/elever_2025-09-30.csv",
        "held_shrunk",
        40,
    )
    assert "the newest landed snapshot 2025-08-31 has 40" in d["message"]
    assert sorted(p.name for p in zone.landed_dir(landing, ex).glob("*.parquet")) == ["2025-08-31.parquet"]
    write(raw, ex, rows(ex, 35), "2025-09-30")  # 12.5 % fewer
    assert land(raw, landing, KEY, progress=False) == 0
    assert ledger(landing)[-1]["status"] == "landed"

    # a first load of the whole history in one run holds nothing
    assert land(raw, tmp_path / "fresh", KEY, progress=False) == 0
    write(raw, ex, rows(ex, 10), "2025-09-30")
    assert land(raw, tmp_path / "fresh2", KEY, progress=False) == 0


def test_shrink_settings(monkeypatch):
    from boernedata import settings
    from boernedata.cli import _parser

    env = settings.ENV_MAX_DELIVERY_SHRINK
    monkeypatch.delenv(env, raising=False)
    assert settings.resolve_percent(None, env, 20.0) == 20.0
    monkeypatch.setenv(env, "35")
    assert settings.resolve_percent(None, env, 20.0) == 35.0 and settings.resolve_percent(5, env, 20.0) == 5
    for bad in ("many", "150"):
        monkeypatch.setenv(env, bad)
        with pytest.raises(settings.SettingError, match=env):
            settings.resolve_percent(None, env, 20.0)
    assert _parser().parse_args(["land", "--accept-shrink"]).accept_shrink == []
    assert _parser().parse_args(["land"]).accept_shrink is None
    assert _parser().parse_args(["land", "--accept-shrink", "a/b/c.csv"]).accept_shrink == ["a/b/c.csv"]
