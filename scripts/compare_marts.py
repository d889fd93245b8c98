"""Compare every mart of two warehouses: ``EXCEPT`` both ways per table (issue 10: outputs unchanged).

Usage: ``python scripts/compare_marts.py BEFORE.duckdb AFTER.duckdb``; exits 1 when a table differs or is missing.
"""

from __future__ import annotations

import sys

import duckdb


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def main(before: str, after: str) -> int:
    con = duckdb.connect()
    con.execute(f"attach '{before}' as b (read_only)")
    con.execute(f"attach '{after}' as a (read_only)")
    query = "select table_name from information_schema.tables where table_catalog = ? and table_schema = 'marts'"
    tables_b = {r[0] for r in con.execute(query, ["b"]).fetchall()}
    tables_a = {r[0] for r in con.execute(query, ["a"]).fetchall()}
    failed = 0
    for table in sorted(tables_b | tables_a):
        if table not in tables_a or table not in tables_b:
            print(f"{table}: only in {'before' if table in tables_b else 'after'}")
            failed += 1
            continue
        gone = _count(con, f"select count(*) from (from b.marts.{table} except all from a.marts.{table})")
        new = _count(con, f"select count(*) from (from a.marts.{table} except all from b.marts.{table})")
        print(f"{table}: {gone} rows only before, {new} rows only after")
        failed += bool(gone or new)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
