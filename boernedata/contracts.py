"""The raw extract contracts as data, and the landed schema they map to.

One place describes every extract the source systems deliver: where its files live under the raw folder
(`<raw>/<system>/<extract>/<prefix>_<period>.<ext>`, raw_dir and Extract.file_name), how they are
encoded, every column with its type and allowed values. The generator writes these files, the landing
step reads and validates them (its Great Expectations suites are built from this module), and the dbt
sources read the landed Parquet whose schema `landed_schema()` derives from it. Change a contract here
and all three follow. The summary for people: docs/raw_extracts.md; where the landed files live:
landing_zone.py.

Landed schema rules (the interface between `boernedata land` and the dbt sources):
- a `cpr` column `<p>cpr` becomes `<p>person_key` (int64: the first 8 bytes of the person's pseudonym),
  e.g. `cpr` -> `person_key`, `child_cpr` -> `child_person_key`; the pseudonym HMAC-SHA256(key, CPR),
  the birth date and the sex are in the person register (PERSONS_SCHEMA), once per person.
- every landed row carries `_source_file` (path under the raw folder), `_source_line` (1-based line
  number of the row in the file, header = line 1; row number for Parquet), `_period` (the period token of
  the file name) and `_loaded_at` (timestamp of the landing run, for dbt source freshness).
- other columns keep their source names and get the Arrow type of their kind (see KIND_ARROW_TYPES).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

# ---------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------

SECTORS: dict[str, tuple[str, ...]] = {
    "dagtilbud": ("dagpleje", "vuggestue", "boernehave", "integreret"),
    "skole": ("folkeskole", "specialskole"),
    "fritid": ("sfo", "fritidshjem", "klub"),
}
INSTITUTION_TYPES: tuple[str, ...] = tuple(t for types in SECTORS.values() for t in types)
SECTOR_OF_TYPE: dict[str, str] = {t: s for s, types in SECTORS.items() for t in types}

POSITIONS = (
    "Leder",
    "Pædagog",
    "Pædagogisk assistent",
    "Pædagogmedhjælper",
    "Dagplejer",
    "Lærer",
    "Køkkenmedarbejder",
    "Administration",
    "Teknisk serviceleder",
)
EXAM_GRADES = ("12", "10", "7", "4", "02", "00", "-3")
COMPULSORY_EXAM_CODES = ("DA_LAES", "DA_RET", "DA_SKR", "DA_MDT", "MA_UDEN", "MA_MED", "EN_MDT", "FKBG")

# Column kinds and the Arrow type each lands as.
KIND_ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),  # free or coded text
    "enum": pa.string(),  # one of Column.values
    "int": pa.int64(),
    "decimal": pa.float64(),  # plain `1234.5` or Danish `1.234,50` per Extract.decimal
    "date": pa.date32(),  # format per Extract.date_format
    "timestamp": pa.timestamp("us"),  # naive local time `YYYY-MM-DD HH:MM:SS` (or ISO `T`)
    "timestamp_tz": pa.timestamp("us"),  # ISO 8601 with offset, landed as naive Europe/Copenhagen time
    "time": pa.time32("ms"),  # `HH:MM`; ms, not s: Parquet has no seconds time unit (s reads back as ms)
    "month": pa.string(),  # `YYYY-MM`
    "bool_jn": pa.bool_(),  # `J`/`N`
    "cpr": pa.string(),  # replaced at landing, see module docstring
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = True  # False: an empty value is allowed (lands as NULL)
    values: tuple[str, ...] | None = None  # allowed values for kind enum
    min: float | None = None
    max: float | None = None
    pattern: str | None = None  # regular expression the raw text must match in full
    free_text: bool = False  # redacted of CPR numbers, e-mail addresses and phone numbers at landing
    unique: bool = False  # unique within one delivery (file)
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KIND_ARROW_TYPES:
            raise ValueError(f"unknown column kind {self.kind!r} for {self.name}")
        if self.kind == "enum" and not self.values:
            raise ValueError(f"enum column {self.name} needs values")


@dataclass(frozen=True)
class Extract:
    system: str
    name: str
    period: str  # month | date | school_year | year: what the file name's suffix covers
    fmt: str  # csv | parquet | jsonl
    columns: tuple[Column, ...]
    description: str
    delimiter: str | None = None  # csv only
    encoding: str = "utf-8"  # utf-8 (a BOM is allowed) or windows-1252
    decimal: str = "plain"  # plain | danish
    date_format: str = "%Y-%m-%d"
    snapshot: bool = False  # a full snapshot: the latest delivery is the current truth
    restricted: bool = False  # child-welfare/household data: restricted use even after pseudonymization
    file_prefix: str = ""  # defaults to name
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return f"{self.system}/{self.name}"

    @property
    def prefix(self) -> str:
        return self.file_prefix or self.name

    @property
    def extension(self) -> str:
        return {"csv": "csv", "parquet": "parquet", "jsonl": "jsonl"}[self.fmt]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def file_name(self, period_token: str) -> str:
        return f"{self.prefix}_{period_token}.{self.extension}"

    def period_regex(self) -> re.Pattern[str]:
        token = PERIOD_PATTERNS[self.period]
        return re.compile(rf"^{re.escape(self.prefix)}_(?P<period>{token})\.{self.extension}$")

    def parse_file_name(self, file_name: str) -> str | None:
        """The period token of a file name of this extract, or None when the name does not match."""
        m = self.period_regex().match(file_name)
        return m.group("period") if m else None


PERIOD_PATTERNS = {
    "month": r"\d{4}-(0[1-9]|1[0-2])",
    "date": r"\d{4}-\d{2}-\d{2}",
    "school_year": r"\d{4}-\d{2}",
    "year": r"\d{4}",
}


def school_year_token(start_year: int) -> str:
    """2025 -> '2025-26' (the file-name form); the period id in the marts is '2025/26'."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


# ---------------------------------------------------------------------------------------------------
# Column helpers (kept short so the table below reads like the contract)
# ---------------------------------------------------------------------------------------------------


# The contract gives institution ids and exam codes by example only (D1001, S2001; DA_LAES, HI_MDT), so
# their patterns admit any code of letters, digits and _ . -: a stray blank, a class name or a note in the
# field is quarantined, while another municipality's id scheme lands.
INSTITUTION_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}"
EXAM_CODE = r"[A-Z0-9]+(_[A-Z0-9]+)*"
# `art`: the first digit is the hovedart (1 salaries ... 9 internal); KL writes arter as 22 or 2.29
ACCOUNT_TYPE = r"\d[\d.]{0,9}"


def cpr(name: str = "cpr", required: bool = True) -> Column:
    return Column(name, "cpr", required=required, description="CPR number, DDMMYY-SSSS or DDMMYYSSSS")


def inst(name: str = "institution_id") -> Column:
    return Column(name, "text", pattern=INSTITUTION_ID, description="an institution_id of the register")


def enum(name: str, *values: str, required: bool = True) -> Column:
    return Column(name, "enum", values=values, required=required)


def date(name: str, required: bool = True) -> Column:
    return Column(name, "date", required=required)


def text(name: str, required: bool = True, **kw) -> Column:
    return Column(name, "text", required=required, **kw)


def integer(name: str, lo: float | None = None, hi: float | None = None, required: bool = True) -> Column:
    return Column(name, "int", min=lo, max=hi, required=required)


def decimal(name: str, lo: float | None = None, hi: float | None = None, required: bool = True) -> Column:
    return Column(name, "decimal", min=lo, max=hi, required=required)


COST_CENTRE = r"\d{10}"
FUNCTION_CODE = r"\d\.\d{2}\.\d{2}"

# ---------------------------------------------------------------------------------------------------
# The contracts, one per extract, in the order of docs/raw_extracts.md
# ---------------------------------------------------------------------------------------------------

EXTRACTS: tuple[Extract, ...] = (
    Extract(
        "institutionsregister",
        "institutioner",
        "date",
        "csv",
        delimiter=",",
        snapshot=True,
        description="Institution master data, a full snapshot each delivery.",
        columns=(
            Column("institution_id", "text", pattern=INSTITUTION_ID, unique=True),
            text("name"),
            enum("institution_type", *INSTITUTION_TYPES),
            enum("ownership", "kommunal", "selvejende", "privat", "udliciteret"),
            text("district"),
            text("postal_code", pattern=r"\d{4}"),
            date("opened_date"),
            date("closed_date", required=False),
            integer("normed_places", 0),
            decimal("play_area_m2", 0),
            text("cost_centre", pattern=COST_CENTRE),
            text("parent_institution_id", required=False, pattern=INSTITUTION_ID),
        ),
    ),
    Extract(
        "kbhbarn",
        "indskrivninger",
        "date",
        "csv",
        delimiter=";",
        date_format="%d-%m-%Y",
        snapshot=True,
        description="Daycare and leisure enrollments overlapping the last 5 years, a full snapshot.",
        columns=(
            cpr(),
            inst(),
            text("group_name"),
            enum("place_type", "fuldtid", "deltid30", "deltid25"),
            date("start_date"),
            date("end_date", required=False),
        ),
    ),
    Extract(
        "kbhbarn",
        "fremmoede",
        "month",
        "parquet",
        description="Check-in and check-out events in daycare and leisure (KBH Barn), one file per month.",
        columns=(
            Column("event_id", "int", unique=True),
            cpr(),
            inst(),
            Column("event_time", "timestamp"),
            enum("event_type", "IND", "UD"),
            enum("registered_by", "foraelder", "personale", "system"),
        ),
    ),
    Extract(
        "kbhbarn",
        "fravaer",
        "month",
        "csv",
        delimiter=",",
        description="Absence registered by parents in daycare and leisure.",
        columns=(cpr(), inst(), date("from_date"), date("to_date"), enum("reason", "ferie", "syg", "andet")),
    ),
    Extract(
        "kbhbarn",
        "lukkedage",
        "year",
        "csv",
        delimiter=",",
        description="Institution closing days.",
        columns=(inst(), date("date"), text("reason", required=False)),
    ),
    Extract(
        "skoleadm",
        "elever",
        "date",
        "csv",
        delimiter=",",
        snapshot=True,
        description="School enrollments, a full snapshot.",
        columns=(
            cpr(),
            inst("school_id"),
            integer("grade", 0, 10),
            text("class_id"),
            enum("class_type", "normal", "special", "modtagelse"),
            date("start_date"),
            date("end_date", required=False),
        ),
    ),
    Extract(
        "skoleadm",
        "fravaer",
        "month",
        "csv",
        delimiter=",",
        description="Pupil absence, one row per pupil per absent school day; corrections re-registered.",
        columns=(
            cpr(),
            inst("school_id"),
            date("date"),
            enum("absence_type", "S", "L", "U"),
            Column("registered_at", "timestamp"),
        ),
    ),
    Extract(
        "skoleadm",
        "skolekalender",
        "school_year",
        "csv",
        delimiter=",",
        description="Every school day of the school year in the municipal school calendar.",
        columns=(Column("date", "date", unique=True),),
    ),
    Extract(
        "hr",
        "personale",
        "month",
        "csv",
        delimiter=";",
        encoding="windows-1252",
        decimal="danish",
        description="Monthly staff snapshot.",
        columns=(
            Column("month", "month", pattern=r"\d{4}-(0[1-9]|1[0-2])"),
            text("employee_id"),
            inst(),
            enum("position", *POSITIONS),
            Column("paedagoguddannet", "bool_jn"),
            decimal("weekly_hours", 0, 80),
            Column("on_leave", "bool_jn"),
            enum("funding", "drift", "statspulje"),
            decimal("sick_days", 0, 31),
            decimal("planned_days", 0, 31),
        ),
    ),
    Extract(
        "hr",
        "vagtplan",
        "month",
        "csv",
        delimiter=";",
        encoding="windows-1252",
        date_format="%d-%m-%Y",
        description="Rota: planned shifts.",
        columns=(
            text("employee_id"),
            inst(),
            date("shift_date"),
            Column("start_time", "time"),
            Column("end_time", "time"),
        ),
    ),
    Extract(
        "kvantum",
        "posteringer",
        "month",
        "csv",
        delimiter=";",
        encoding="windows-1252",
        decimal="danish",
        date_format="%d.%m.%Y",
        description="Finance actuals from the general ledger (Kvantum).",
        columns=(
            date("bilagsdato"),
            text("omkostningssted", pattern=COST_CENTRE),
            text("funktion", pattern=FUNCTION_CODE),
            text("art", pattern=ACCOUNT_TYPE),
            decimal("beloeb"),
            # Posting texts are typed by hand ("refusion forælder 010115-4001"): redacted like notes
            Column("tekst", "text", required=False, free_text=True),
        ),
    ),
    Extract(
        "kvantum",
        "budget",
        "year",
        "csv",
        delimiter=";",
        encoding="windows-1252",
        decimal="danish",
        date_format="%d.%m.%Y",
        description="Budgets per cost centre and function, original and corrected.",
        columns=(
            integer("aar", 2000, 2100),
            text("omkostningssted", pattern=COST_CENTRE),
            text("funktion", pattern=FUNCTION_CODE),
            enum("budget_type", "oprindeligt", "korrigeret"),
            decimal("beloeb"),
        ),
    ),
    Extract(
        "aula",
        "brugsdata",
        "month",
        "jsonl",
        description="Parent portal usage per guardian per child per month.",
        columns=(
            Column("month", "month", pattern=r"\d{4}-(0[1-9]|1[0-2])"),
            inst(),
            cpr("child_cpr"),
            text("guardian_id"),
            integer("logins", 0),
            integer("messages_read", 0),
            integer("messages_sent", 0),
        ),
    ),
    Extract(
        "aula",
        "kommegaa",
        "month",
        "jsonl",
        description="Check-in/out through Aula's Komme/gå module (institutions outside KBH Barn).",
        columns=(
            cpr("child_cpr"),
            inst(),
            Column("timestamp", "timestamp_tz"),
            enum("status", "kommet", "gaaet"),
            enum("changed_by", "forælder", "personale", "automatisk"),
        ),
    ),
    Extract(
        "kbhbarn",
        "sprogvurdering",
        "year",
        "csv",
        delimiter=",",
        description="Language assessments at age 3 and at school start.",
        columns=(
            cpr(),
            inst(),
            date("assessment_date"),
            enum("assessment_type", "3aar", "skolestart"),
            enum("result_group", "generel", "fokuseret", "saerlig"),
        ),
    ),
    Extract(
        "nationaletest",
        "resultater",
        "school_year",
        "csv",
        delimiter=";",
        description="National test results (confidential).",
        columns=(
            cpr(),
            inst("school_id"),
            integer("grade", 0, 10),
            enum("subject", "dansk_laesning", "matematik"),
            date("test_date"),
            integer("score", 1, 100),
            integer("level", 1, 6),
        ),
    ),
    Extract(
        "trivsel",
        "svar",
        "year",
        "csv",
        delimiter=";",
        description="National wellbeing survey answers, one row per pupil per question.",
        columns=(
            cpr(),
            inst("school_id"),
            integer("grade", 0, 10),
            enum("survey_version", "0-3", "4-9"),
            integer("question_no", 1, 40),
            integer("answer", 1, 5, required=False),
        ),
        notes=("question_no ≤ 20 and answer ≤ 3 for survey_version 0-3",),
    ),
    Extract(
        "prover",
        "karakterer",
        "school_year",
        "csv",
        delimiter=",",
        description="Leaving exam grades (folkeskolens afgangsprøve).",
        columns=(
            cpr(),
            inst("school_id"),
            text("exam_code", pattern=EXAM_CODE),
            enum("grade", *EXAM_GRADES),
            date("exam_date"),
        ),
    ),
    Extract(
        "sundhed",
        "maalinger",
        "year",
        "csv",
        delimiter=",",
        description="School health measurements.",
        columns=(
            cpr(),
            inst("school_id"),
            date("measurement_date"),
            decimal("height_cm", 40, 230),
            decimal("weight_kg", 5, 250),
        ),
    ),
    Extract(
        "social",
        "underretninger",
        "year",
        "csv",
        delimiter=",",
        restricted=True,
        description="Child-welfare notifications (restricted).",
        columns=(
            cpr(),
            date("received_date"),
            enum("reporter_category", "skole", "dagtilbud", "sundhed", "politi", "anonym", "andet"),
            enum("reason_category", "fravaer", "omsorgssvigt", "vold", "misbrug", "trivsel", "andet"),
        ),
    ),
    Extract(
        "social",
        "ppr",
        "year",
        "csv",
        delimiter=",",
        restricted=True,
        description="Referrals to the educational psychology service (restricted).",
        columns=(
            cpr(),
            date("referral_date"),
            enum("reason", "sprog", "adfaerd", "indlaering", "trivsel", "andet"),
            enum("status", "aaben", "afsluttet"),
        ),
    ),
    Extract(
        "social",
        "foranstaltninger",
        "date",
        "csv",
        delimiter=",",
        snapshot=True,
        restricted=True,
        description="Child-welfare measures, a full snapshot (restricted).",
        columns=(
            cpr(),
            enum("measure_type", "forebyggende", "anbringelse"),
            date("start_date"),
            date("end_date", required=False),
        ),
    ),
    Extract(
        "beskaeftigelse",
        "foraeldre",
        "month",
        "csv",
        delimiter=";",
        restricted=True,
        description="Parents, household and employment (restricted).",
        columns=(
            cpr("child_cpr"),
            cpr("parent_cpr", required=False),
            enum("relation", "mor", "far"),
            Column("lives_with_child", "bool_jn"),
            enum("employment_status", "beskaeftiget", "ledig", "kontanthjaelp", "uden_for_arbejdsstyrken"),
        ),
    ),
    Extract(
        "kapacitet",
        "venteliste",
        "date",
        "csv",
        delimiter=",",
        snapshot=True,
        description="Daycare waiting list, a full snapshot.",
        columns=(
            cpr(),
            text("district"),
            enum("requested_type", "dagpleje", "vuggestue", "boernehave", "integreret"),
            date("request_date"),
            date("desired_start_date"),
            date("offered_date", required=False),
        ),
    ),
    Extract(
        "prognose",
        "befolkning",
        "year",
        "csv",
        delimiter=",",
        description="The municipality's population forecast made in the file's year.",
        columns=(
            text("district"),
            integer("year", 2000, 2100),
            integer("age", 0, 17),
            integer("children", 0),
        ),
    ),
    Extract(
        "ejendom",
        "bygninger",
        "date",
        "csv",
        delimiter=",",
        snapshot=True,
        description="Buildings, a full snapshot.",
        columns=(
            text("building_id"),
            inst(),
            decimal("gross_m2", 0),
            integer("build_year", 1600, 2100),
            integer("condition_score", 1, 5),
            decimal("maintenance_backlog_dkk", 0),
        ),
    ),
    Extract(
        "kvalitativ",
        "observationer",
        "year",
        "csv",
        delimiter=",",
        description="Learning-environment observations; notes are redacted at landing.",
        columns=(
            inst(),
            date("observation_date"),
            enum(
                "theme",
                "relationer",
                "leg_og_aktivitet",
                "rutiner",
                "fysiske_rammer",
                "inklusion",
                "forældresamarbejde",
            ),
            integer("score", 1, 5),
            Column("note", "text", required=False, free_text=True),
        ),
    ),
    Extract(
        "kvalitativ",
        "dialoghjul",
        "year",
        "csv",
        delimiter=",",
        description="Per-child development dialogue ratings.",
        columns=(
            cpr(),
            inst(),
            date("assessment_date"),
            enum("area", "sprog", "sociale", "motorik", "personlige", "natur", "kultur"),
            integer("score", 1, 5),
        ),
    ),
    Extract(
        "kvalitativ",
        "laeringssamtaler",
        "year",
        "csv",
        delimiter=",",
        description="Learning conversations held.",
        columns=(
            inst(),
            date("held_date"),
            Column("participants", "text", free_text=True),
            Column("focus_area", "text", free_text=True),
            Column("decision", "text", required=False, free_text=True),
        ),
    ),
)

EXTRACTS_BY_KEY: dict[str, Extract] = {e.key: e for e in EXTRACTS}


def extract(key: str) -> Extract:
    """The contract of `system/extract`, e.g. extract('skoleadm/fravaer')."""
    return EXTRACTS_BY_KEY[key]


# ---------------------------------------------------------------------------------------------------
# Landed schema
# ---------------------------------------------------------------------------------------------------

METADATA_FIELDS: tuple[pa.Field, ...] = (
    pa.field("_source_file", pa.string(), nullable=False),
    pa.field("_source_line", pa.int64(), nullable=False),
    pa.field("_period", pa.string(), nullable=False),
    pa.field("_loaded_at", pa.timestamp("us"), nullable=False),
)


def person_key_name(column_name: str) -> str:
    """The landed column of a CPR column: `cpr` -> person_key, `child_cpr` -> child_person_key."""
    return f"{column_name[: -len('cpr')]}person_key"


# The person register (`<landing>/_persons/`, landing_zone.py): one row per person ever landed. A landed
# CPR column holds the person's key (the first 8 bytes of the pseudonym as a signed integer: the same
# person, the same key in every run and file); the pseudonym HMAC-SHA256(key, CPR) and what the CPR
# number says (birth date, sex) are stored here once, not on every row (a third of the landed Parquet:
# docs/benchmarks.md).
PERSONS_SCHEMA = pa.schema(
    [
        pa.field("person_key", pa.int64(), nullable=False),
        pa.field("pseudonym", pa.string(), nullable=False),  # 64 hex characters
        pa.field("birth_date", pa.date32(), nullable=False),
        pa.field("sex", pa.string(), nullable=False),  # K or M
    ]
)


def landed_schema(ex: Extract) -> pa.Schema:
    """The landed columns; a required column is not nullable (a row missing it is quarantined, and the
    Parquet writer then stores no definition levels, and writes the check-in file faster)."""
    fields: list[pa.Field] = []
    for col in ex.columns:
        if col.kind == "cpr":
            fields.append(pa.field(person_key_name(col.name), pa.int64(), not col.required))
        else:
            fields.append(pa.field(col.name, KIND_ARROW_TYPES[col.kind], not col.required))
    return pa.schema([*fields, *METADATA_FIELDS])


def raw_dir(raw: Path, ex: Extract) -> Path:
    return Path(raw) / ex.system / ex.name
