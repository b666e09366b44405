"""Compare the published tables (schema marts) of two DuckDB files, row for row.

    .venv/bin/python scripts/compare_published.py BEFORE.duckdb AFTER.duckdb [--tolerance 1e-9]

Used to show that a refactoring changed no published number: every table of schema `marts` in either
file must exist in both with the same columns and the same rows (as multisets). Doubles are compared
exactly unless --tolerance is given, then within that relative tolerance after rounding both sides to
12 significant digits (float sums in another order). Exit 0 when identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys

import duckdb


def tables(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = 'marts' order by table_name, column_index",
        [db],
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        out.setdefault(table, []).append((column, data_type))
    return out


def compare(before: str, after: str, tolerance: float | None) -> list[str]:
    con = duckdb.connect()
    con.execute(f"attach '{before}' as before (read_only)")
    con.execute(f"attach '{after}' as after (read_only)")
    left, right = tables(con, "before"), tables(con, "after")
    problems = [f"only in {before}: marts.{t}" for t in sorted(set(left) - set(right))]
    problems += [f"only in {after}: marts.{t}" for t in sorted(set(right) - set(left))]
    for table in sorted(set(left) & set(right)):
        if left[table] != right[table]:
            problems.append(f"marts.{table}: columns differ: {left[table]} != {right[table]}")
            continue
        select = ", ".join(
            f'round("{c}", 12 - cast(ceil(log10(abs("{c}") + 1e-300)) as integer))'
            if tolerance is not None and t == "DOUBLE"
            else f'"{c}"'
            for c, t in left[table]
        )
        for a, b in (("before", "after"), ("after", "before")):
            missing = con.execute(
                f"select count(*) from (select {select} from {a}.marts.{table} "
                f"except all select {select} from {b}.marts.{table})"
            ).fetchone()[0]
            if missing:
                problems.append(f"marts.{table}: {missing} row(s) of {a} are not in {b}")
        counts = [
            con.execute(f"select count(*) from {db}.marts.{table}").fetchone()[0]
            for db in ("before", "after")
        ]
        print(f"marts.{table:<34} {counts[0]:>9} rows before, {counts[1]:>9} after")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--tolerance", type=float, help="compare doubles to 12 significant digits")
    args = parser.parse_args()
    problems = compare(args.before, args.after, args.tolerance)
    for p in problems:
        print(p, file=sys.stderr)
    print("identical" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
