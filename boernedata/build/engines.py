"""`boernedata build --target postgres|spark`: the same dbt project on another engine (docs/engines.md).

DuckDB (target `dev`, the default) reads the landed Parquet in place and publishes a DuckDB file. On the
other engines the landed Parquet reaches the engine the way its users would load it, and dbt builds the
same models there:

- PostgreSQL: a load step copies every landed extract (and the person register) into the server, one
  table a source (`<system>.<extract>`, `landing.persons`), with the columns the Parquet files hold, by
  COPY from CSV that DuckDB writes (DuckDB's postgres extension cannot be installed offline).
- Spark: every landed folder becomes an external Parquet table over the folder itself
  (`create table <system>.<extract> using parquet location '<folder>'`) in the Hive metastore that dbt's
  Spark session opens; nothing is copied.

Publishing on these engines means the schema `marts` on the server: the same disclosure-controlled tables
and columns (their contracts are enforced on every engine); there is no release folder, manifest or
rollback there, which stay a DuckDB-file feature. `preflight` tells in one line what to start or install
when the engine cannot be reached (exit 2).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from boernedata import contracts
from boernedata import landing_zone as zone

DUCKDB, POSTGRES, SPARK = "duckdb", "postgres", "spark"
TARGETS = (DUCKDB, POSTGRES, SPARK)
# The dbt target of each engine in profiles.yml (DuckDB's is the default target, `dev`).
DBT_TARGET = {DUCKDB: "dev", POSTGRES: POSTGRES, SPARK: SPARK}
ENGINE_PACKAGES_HINT = "install the engine packages: .venv/bin/pip install -r requirements-engines.lock"


class EngineUnavailable(Exception):
    """The engine cannot be reached or started; the message is one line saying what to do."""


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    @classmethod
    def from_env(cls) -> PostgresServer:
        # The same environment variables and defaults as profiles.yml's `postgres` target.
        return cls(
            host=os.environ.get("BOERNEDATA_PG_HOST", "127.0.0.1"),
            port=int(os.environ.get("BOERNEDATA_PG_PORT", "55432")),
            user=os.environ.get("BOERNEDATA_PG_USER", "boernedata"),
            password=os.environ.get("BOERNEDATA_PG_PASSWORD", ""),
            dbname=os.environ.get("BOERNEDATA_PG_DATABASE", "boernedata"),
        )

    def connect(self):
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=self.dbname,
            connect_timeout=5,
        )


def sources(landing: Path) -> list[tuple[str, str, Path]]:
    """(schema, table, folder) of every dbt source: the extracts of the contracts and the person register."""
    out = [(ex.system, ex.name, zone.landed_dir(landing, ex)) for ex in contracts.EXTRACTS]
    return [*out, ("landing", "persons", zone.persons_dir(landing))]


def preflight(target: str) -> None:
    """Raise EngineUnavailable with one line saying what to start or install."""
    if target == POSTGRES:
        try:
            import psycopg2
        except ImportError as exc:
            raise EngineUnavailable(f"dbt-postgres is not installed: {ENGINE_PACKAGES_HINT}") from exc
        server = PostgresServer.from_env()
        try:
            server.connect().close()
        except psycopg2.OperationalError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EngineUnavailable(
                f"PostgreSQL is not reachable at {server.host}:{server.port} ({reason}): start it with "
                "`scripts/postgres.sh start`, or set BOERNEDATA_PG_HOST/BOERNEDATA_PG_PORT to your server"
            ) from exc
    elif target == SPARK:
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailable(f"dbt-spark/pyspark is not installed: {ENGINE_PACKAGES_HINT}") from exc
        java = _java()
        if java is None:
            raise EngineUnavailable(
                "Java is missing (Spark runs in a JVM): install Debian's OpenJDK with "
                "`apt-get install default-jre-headless`, or set JAVA_HOME"
            )
        probe = subprocess.run([java, "-version"], capture_output=True, text=True)
        if probe.returncode != 0:
            raise EngineUnavailable(
                f"`{java} -version` failed: install `default-jre-headless` or fix JAVA_HOME"
            )


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")


# --- PostgreSQL: the load step --------------------------------------------------------------------------

# DuckDB's types of the landed columns -> PostgreSQL's.
_PG_TYPES = {
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


def _pg_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return duck_type.replace("DECIMAL", "numeric")
    if duck_type not in _PG_TYPES:
        raise ValueError(f"no PostgreSQL type for the landed DuckDB type {duck_type}")
    return _PG_TYPES[duck_type]


def load_postgres(landing: Path, server: PostgresServer, tmp_dir: Path) -> dict[str, int]:
    """Replace every source table on the server by the landed Parquet; returns rows per source."""
    rows: dict[str, int] = {}
    duck = duckdb.connect()
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with server.connect() as pg, pg.cursor() as cur, tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
        for schema in sorted({s for s, _, _ in sources(landing)}):
            # Dropping the schema drops the staging views on it: dbt creates them again.
            cur.execute(f'drop schema if exists "{schema}" cascade; create schema "{schema}"')
        for schema, table, folder in sources(landing):
            relation = f"read_parquet('{folder}/*.parquet', union_by_name = true)"
            columns = duck.execute(f"describe select * from {relation}").fetchall()
            ddl = ", ".join(f'"{name}" {_pg_type(dtype)}' for name, dtype, *_ in columns)
            cur.execute(f'create table "{schema}"."{table}" ({ddl})')
            csv = Path(tmp) / f"{schema}.{table}.csv"
            duck.execute(f"copy (select * from {relation}) to '{csv}' (format csv, header false)")
            with csv.open("rb") as f:
                cur.copy_expert(f'copy "{schema}"."{table}" from stdin with (format csv)', f)
            rows[f"{schema}/{table}"] = cur.rowcount
            csv.unlink()
            cur.execute(f'analyze "{schema}"."{table}"')
        pg.commit()
    duck.close()
    return rows


# --- Spark: external tables over the landed folders --------------------------------------------------------


def spark_ddl(landing: Path) -> tuple[list[str], list[str]]:
    """(the relations to replace, the statements that make every landed folder an external Parquet
    table). A folder with a TIME column stored as milliseconds (pyarrow's time32, which the landing
    writes) becomes a table `<extract>__files` that reads it as an integer and a view `<extract>` that
    turns it into a TIME: Spark reads only microsecond TIME columns as TIME."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    duck = duckdb.connect()
    statements, names = [], []
    for schema in sorted({s for s, _, _ in sources(landing)}):
        statements.append(f"create database if not exists {schema}")
    for schema, table, folder in sources(landing):
        # The column list is given, not inferred: Spark skips files named _* (the empty schema files).
        relation = f"read_parquet('{folder}/*.parquet', union_by_name = true)"
        cols = duck.execute(f"describe select * from {relation}").fetchall()
        files = sorted(folder.glob("*.parquet"), key=lambda f: (f.name.startswith("_"), f.name))
        arrow = pq.read_schema(files[0])  # a delivery's file, as Spark reads them (it skips _schema)
        millis = {
            name
            for name, dtype, *_ in cols
            if dtype == "TIME" and name in arrow.names and arrow.field(name).type == pa.time32("ms")
        }
        ddl = ", ".join(
            f"`{name}` {'int' if name in millis else _spark_type(dtype)}" for name, dtype, *_ in cols
        )
        table_files = f"{schema}.{table}__files" if millis else f"{schema}.{table}"
        names += [f"{schema}.{table}", f"{schema}.{table}__files"]
        statements.append(
            f"create table {table_files} ({ddl}) using parquet location '{folder}' "
            "options (mergeSchema 'true')"
        )
        if millis:
            select = ", ".join(
                f"time_from_millis(`{name}`) as `{name}`" if name in millis else f"`{name}`"
                for name, *_ in cols
            )
            statements.append(f"create view {schema}.{table} as select {select} from {table_files}")
    duck.close()
    return names, statements


_SPARK_TYPES = {
    "BIGINT": "bigint",
    "INTEGER": "int",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "DOUBLE": "double",
    "FLOAT": "float",
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp_ntz",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
}


def _spark_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return duck_type.lower()
    if duck_type not in _SPARK_TYPES:
        raise ValueError(f"no Spark type for the landed DuckDB type {duck_type}")
    return _SPARK_TYPES[duck_type]


def spark_conf() -> dict[str, str]:
    """The Spark settings of profiles.yml's `spark` target that locate its catalog (the same env vars)."""
    warehouse = os.environ.get("BOERNEDATA_SPARK_WAREHOUSE", "warehouse/spark-warehouse")
    metastore = os.environ.get("BOERNEDATA_SPARK_METASTORE", "warehouse/spark-metastore")
    return {
        "spark.sql.warehouse.dir": str(Path(warehouse).absolute()),
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={metastore};create=true",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        # hr/vagtplan's shift times are Parquet TIME columns; Spark 4 reads them as TIME only when enabled
        "spark.sql.timeType.enabled": "true",
    }


def register_spark(landing: Path) -> None:
    """Make the landed folders external tables in the Spark catalog that dbt's session opens. Runs in a
    child process: its JVM (and the embedded metastore's lock) is gone before dbt starts its own."""
    import sys

    code = "import sys; from pathlib import Path; from boernedata.build import engines; "
    code += "engines._register_spark(Path(sys.argv[1]))"
    proc = subprocess.run([sys.executable, "-c", code, str(landing)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"registering the landed folders in Spark failed:\n{proc.stderr[-4000:]}")


def _register_spark(landing: Path) -> None:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf().items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        names, statements = spark_ddl(landing)
        for name in names:
            # a view and a table are dropped by different statements; an external table's files stay
            if spark.catalog.tableExists(name):
                kind = "view" if spark.catalog.getTable(name).tableType == "VIEW" else "table"
                spark.sql(f"drop {kind} {name}")
        for statement in statements:
            spark.sql(statement)
    finally:
        spark.stop()


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started
