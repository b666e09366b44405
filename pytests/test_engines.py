"""The same project on PostgreSQL (and Spark) as on DuckDB (issue 25; docs/engines.md).

Marker `engines`: not part of `make test` (pyproject's addopts deselect it); `make test-engines` installs
requirements-engines.lock, starts the project-local PostgreSQL server (scripts/postgres.sh) and runs
these. The tiny municipality is built through the CLI on DuckDB (the suite's tiny_pipeline) and again with
`boernedata build --target postgres` and `--target spark` from the same landing zone; every published
table must hold the same rows on each engine as on DuckDB (doubles within 1e-9), and `dbt build` there
runs every unit test and data test of the project on that engine.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli

from boernedata.build import engines
from boernedata.build.publish import DUCKDB_ONLY_TABLES, PUBLISHED_TABLES

pytestmark = [pytest.mark.engines, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-9


def _normal(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sort_key(row: tuple) -> tuple:
    # floats by 9 significant digits, so two engines' last-bit differences sort alike
    return tuple(
        (0, "") if v is None else (1, f"{v:.9g}") if isinstance(v, float) else (1, str(v)) for v in row
    )


def same_rows(left: list[tuple], right: list[tuple]) -> list[str]:
    """The differences of two multisets of rows, doubles within TOLERANCE (relative or absolute)."""
    if len(left) != len(right):
        return [f"{len(left)} rows != {len(right)} rows"]
    problems = []
    a = sorted((tuple(_normal(v) for v in r) for r in left), key=_sort_key)
    b = sorted((tuple(_normal(v) for v in r) for r in right), key=_sort_key)
    for x, y in zip(a, b, strict=True):
        for i, (u, v) in enumerate(zip(x, y, strict=True)):
            if isinstance(u, float) and isinstance(v, float | int):
                if not math.isclose(u, v, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
                    problems.append(f"column {i}: {u!r} != {v!r} in {x}")
            elif u != v:
                problems.append(f"column {i}: {u!r} != {v!r} in {x}")
        if len(problems) > 5:
            break
    return problems


def test_same_rows_tells_differences():
    assert same_rows([(1, 0.1 + 0.2, None)], [(1, 0.3, None)]) == []
    assert same_rows([(1, 0.3)], [(1, 0.31)]) != []
    assert same_rows([(1, "a")], [(1, "b")]) != []
    assert same_rows([(1,)], [(1,), (2,)]) == ["1 rows != 2 rows"]


@pytest.fixture(scope="session")
def postgres_build(tiny_pipeline):
    try:
        engines.preflight(engines.POSTGRES)
    except engines.EngineUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    warehouse = tiny_pipeline.root / "postgres" / "boernedata.duckdb"
    proc = run_cli(tiny_pipeline.env, "build", "--target", "postgres", "--warehouse", str(warehouse))
    assert proc.returncode == 0, f"{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
    return proc


def test_postgres_publishes_what_duckdb_publishes(tiny_pipeline, postgres_build):
    assert "built on postgres" in postgres_build.stdout
    con = duckdb.connect(str(tiny_pipeline.published_db), read_only=True)
    pg = engines.PostgresServer.from_env().connect()
    problems = {}
    with pg, pg.cursor() as cur:
        for table in (t for t in PUBLISHED_TABLES if t not in DUCKDB_ONLY_TABLES):
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'marts' "
                    "and table_name = ? order by column_index",
                    [table],
                ).fetchall()
            ]
            cur.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = %s order by ordinal_position",
                (table,),
            )
            assert [r[0] for r in cur.fetchall()] == columns, f"marts.{table}: columns differ"
            cur.execute(f"select * from marts.{table}")
            found = same_rows(con.execute(f"select * from marts.{table}").fetchall(), cur.fetchall())
            if found:
                problems[table] = found
    assert problems == {}


def _duckdb_columns(con, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'marts' "
            "and table_name = ? order by column_index",
            [table],
        ).fetchall()
    ]


@pytest.fixture(scope="session")
def spark_build(tiny_pipeline):
    """`boernedata build --target spark` of the tiny landing zone, then a Spark session on its catalog."""
    try:
        engines.preflight(engines.SPARK)
    except engines.EngineUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    root = tiny_pipeline.root / "spark"
    catalog = {
        "BOERNEDATA_SPARK_WAREHOUSE": str(root / "spark-warehouse"),
        "BOERNEDATA_SPARK_METASTORE": str(root / "spark-metastore"),
        "BOERNEDATA_SPARK_DRIVER_MEMORY": "2g",
    }
    env = {**tiny_pipeline.env, **catalog}
    proc = run_cli(env, "build", "--target", "spark", "--warehouse", str(root / "boernedata.duckdb"))
    assert proc.returncode == 0, f"{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
    from pyspark.sql import SparkSession

    saved = {k: os.environ.get(k) for k in catalog}
    os.environ.update(catalog)  # spark_conf reads the catalog's place from the environment, as dbt does
    try:
        builder = SparkSession.builder.enableHiveSupport().config("spark.driver.memory", "1g")
        for key, value in engines.spark_conf().items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    yield proc, spark
    spark.stop()


def test_spark_publishes_what_duckdb_publishes(tiny_pipeline, spark_build):
    proc, spark = spark_build
    assert "built on spark" in proc.stdout
    con = duckdb.connect(str(tiny_pipeline.published_db), read_only=True)
    problems = {}
    for table in (t for t in PUBLISHED_TABLES if t not in DUCKDB_ONLY_TABLES):
        frame = spark.table(f"marts.{table}")
        assert frame.columns == _duckdb_columns(con, table), f"marts.{table}: columns differ"
        found = same_rows(
            con.execute(f"select * from marts.{table}").fetchall(), [tuple(r) for r in frame.collect()]
        )
        if found:
            problems[table] = found
    assert problems == {}
    assert not spark.catalog.tableExists("marts.absence_risk_factors")  # a Python model: DuckDB only


def test_unreachable_postgres_is_one_line_and_exit_2(tiny_pipeline):
    env = {**tiny_pipeline.env, "BOERNEDATA_PG_PORT": "1"}
    proc = run_cli(env, "build", "--target", "postgres", "--warehouse", str(tiny_pipeline.root / "x.duckdb"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "scripts/postgres.sh start" in lines[0]


def test_missing_java_is_one_line_and_exit_2(tiny_pipeline, tmp_path):
    pytest.importorskip("pyspark")
    env = {**tiny_pipeline.env, "PATH": str(tmp_path), "JAVA_HOME": str(tmp_path)}
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "boernedata.cli", "build", "--target", "spark"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "default-jre-headless" in lines[0]


def test_exact_sum_on_postgres_rounds_as_duckdb_does(postgres_build):
    """macros/engines.sql's duckdb_decimal and duckdb_double give DuckDB's exact_sum to the last bit."""
    import random

    rng = random.Random(5)
    draws = (
        lambda: rng.random(),
        lambda: rng.uniform(-1e6, 1e6),
        lambda: rng.randint(0, 100) / rng.randint(1, 97),
        lambda: -rng.randint(0, 100) / rng.randint(1, 97),
        lambda: rng.random() * 1e-3,
        lambda: rng.uniform(-1e12, 1e12),
    )
    sums = [[rng.choice(draws)() for _ in range(3)] for _ in range(500)]
    con = duckdb.connect()
    duck = [
        con.execute(
            "select cast(sum(cast(v as decimal(38, 18))) as double) from unnest(?::double[]) as t (v)",
            [terms],
        ).fetchone()[0]
        for terms in sums
    ]
    with engines.PostgresServer.from_env().connect() as pg, pg.cursor() as cur:
        found = []
        for terms in sums:
            cur.execute(
                "select public.duckdb_double(sum(public.duckdb_decimal(v, 18)), 18) "
                "from unnest(%s::float8[]) as t (v)",
                (terms,),
            )
            found.append(cur.fetchone()[0])
    assert found == duck


def test_exact_sum_on_spark_rounds_as_duckdb_does(spark_build):
    """macros/exact_sum.sql's spark__exact_sum gives DuckDB's exact_sum to the last bit (Spark's own
    decimal sum of the same terms differs in the last bits of many groups)."""
    import random

    import jinja2

    _, spark = spark_build
    macros = (ROOT / "macros" / "exact_sum.sql").read_text()
    decimals = 18  # dbt_project.yml's boernedata:sum_decimals
    expr = (
        jinja2.Environment()
        .from_string(macros + "{{ spark__exact_sum('v') }}")
        .render(var=lambda _: decimals)
    )
    rng = random.Random(5)
    draws = (
        lambda: rng.random(),
        lambda: rng.uniform(-1e6, 1e6),
        lambda: rng.randint(0, 100) / rng.randint(1, 97),
        lambda: -rng.randint(0, 100) / rng.randint(1, 97),
        lambda: rng.random() * 1e-3,
        lambda: rng.uniform(-1e9, 1e9),
        lambda: rng.randint(0, 250) * 0.5825242718446602,
    )
    rows = [(g, rng.choice(draws)()) for g in range(2000) for _ in range(rng.randint(1, 4))]
    con = duckdb.connect()
    con.execute("create table t (g integer, v double)")
    con.executemany("insert into t values (?, ?)", rows)
    duck = dict(
        con.execute(
            f"select g, cast(sum(cast(v as decimal(38, {decimals}))) as double) from t group by g"
        ).fetchall()
    )
    spark.createDataFrame(rows, "g int, v double").createOrReplaceTempView("exact_sum_terms")
    found = {r[0]: r[1] for r in spark.sql(f"select g, {expr} from exact_sum_terms group by g").collect()}
    assert {g: (duck[g], found[g]) for g in duck if found[g] != duck[g]} == {}
