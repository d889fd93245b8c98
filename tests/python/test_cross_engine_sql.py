"""No model holds DuckDB-only SQL outside the dispatched macros of ``macros/cross_engine`` (issue 16).

Every model and every macro outside ``macros/cross_engine/`` is scanned for constructs DuckDB has and Spark does
not (Spark 4.3's SQL, measured: README "Outgrowing one machine"). Jinja and SQL comments and Jinja expressions are
removed first: a comment naming a construct is not a finding, and what a macro renders is checked on Spark. A
construct that must differ between engines is written once as a dispatched macro
(``adapter.dispatch('<name>', 'oversight')``) with a ``default__`` (DuckDB) and a ``spark__`` implementation in
``macros/cross_engine/``. The Spark parity test (tests/python/test_spark_parity.py) runs the same patterns over the
SQL dbt compiled for the ``spark`` target, and proves the macros' Spark forms run.

``OPEN_FINDINGS`` lists what is still DuckDB-only and must match the findings exactly, so a fix removes its entry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: DuckDB-only constructs: name -> pattern over lower-cased SQL without comments.
DUCKDB_ONLY: dict[str, str] = {
    "union by name": r"\bunion\s+(all\s+)?by\s+name\b",
    "* exclude": r"\bexclude\s*\(",
    "list_ functions": r"\blist_[a-z_]+\s*\(",
    "list() aggregate": r"(?<![\w.])list\s*\(",
    "len()": r"(?<![\w.])len\s*\(",
    "unnest()": r"\bunnest\s*\(",
    # an aggregate ordered inside its parentheses (string_agg(x, ', ' order by y), any_value(x order by y)):
    # Spark orders only ordered-set aggregates, with within group (order by ...)
    "ordered aggregate": r"\b(?!over\b|group\b|in\b|exists\b)[a-z_]+\s*\((?:[^()]|\([^()]*\))*\border\s+by\b",
    "quantile functions": r"\bquantiles?(_cont|_disc)?\s*\(",
    "strftime()": r"\bstrftime\s*\(",
    "strptime()": r"\b(try_)?strptime\s*\(",
    "regexp_full_match / regexp_matches": r"\bregexp_(full_match|matches)\s*\(",
    "starts_with()": r"\bstarts_with\s*\(",
    "hash()": r"(?<![\w.])hash\s*\(",
    "generate_series()": r"\bgenerate_series\s*\(",
    "range() table function": r"\bfrom\s+range\s*\(",
    "columns() star expression": r"\bcolumns\s*\(",
    "glob()": r"\bglob\s*\(",
    "read_parquet / read_csv": r"\bread_(parquet|csv(_auto)?)\s*\(",
    "array_to_string()": r"\barray_to_string\s*\(",
    "list literal": r"(?:select|,|\(|=|\bin)\s*\[\s*['\d]",
    "interval (expression)": r"\binterval\s*\(",
    "to_months / to_days": r"\bto_(months|days|years)\s*\(",
    "first_value(... ignore nulls)": r"\b(first|last)_value\s*\([^()]*\bignore\s+nulls\s*\)",
    "struct literal": r"\{\s*'[a-z_]+'\s*:",
    "unsized varchar": r"\bvarchar\b(?!\s*\()",
    "// integer division": r"//",
    "* replace": r"\*\s*replace\s*\(",
    "date_diff with a quoted unit": r"\bdate_?diff\s*\(\s*'",
    # on both engines, but a null prints 'nu' on Spark and the last digit rounds differently: fixed_decimals, whose
    # Spark form is format_string guarded against null
    "printf()": r"\bprintf\s*\(",
    # DuckDB lists count from 1, Spark arrays from 0 under [] (element_at counts from 1 on both)
    "list index": r"[a-z0-9_)\]]\s*\[\s*[a-z0-9_(-]",
}

#: Still DuckDB-only: (file relative to the repository, construct) -> why it is left.
OPEN_FINDINGS: dict[tuple[str, str], str] = {}


_TOKENS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)


def _strip_comments(sql: str) -> str:
    """``sql`` lower-cased without Jinja comments and expressions, SQL comments, and string literals' contents (a
    regular expression's ``[A-Z]`` or a date format is not SQL)."""
    sql = re.sub(r"\{#.*?#\}", " ", sql, flags=re.S)
    sql = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " jinja ", sql, flags=re.S)
    sql = _TOKENS.sub(lambda m: "''" if m.group(0).startswith("'") else " ", sql)
    return sql.lower()


#: A backslash in a string literal is itself on DuckDB, an escape on Spark ('\d' reads 'd'): a regular expression
#: says [0-9], a white-space class lists its characters with chr().
BACKSLASH_IN_LITERAL = "backslash in a string literal"


def _literals(sql: str) -> list[str]:
    """The string literals of ``sql`` outside comments and Jinja."""
    sql = re.sub(r"\{#.*?#\}", " ", sql, flags=re.S)
    sql = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " jinja ", sql, flags=re.S)
    return [m.group(0) for m in _TOKENS.finditer(sql) if m.group(0).startswith("'")]


def findings_in(sql: str) -> set[str]:
    """The DuckDB-only constructs in ``sql`` (comments removed)."""
    text = _strip_comments(sql)
    found = {name for name, pattern in DUCKDB_ONLY.items() if re.search(pattern, text)}
    if any("\\" in literal for literal in _literals(sql)):
        found.add(BACKSLASH_IN_LITERAL)
    return found


def _scanned_files() -> list[Path]:
    files = sorted((ROOT / "models").rglob("*.sql"))
    files += sorted(p for p in (ROOT / "macros").rglob("*.sql") if "cross_engine" not in p.parts)
    return files


def test_models_and_macros_hold_no_duckdb_only_sql() -> None:
    found = {
        (str(path.relative_to(ROOT)), name): "" for path in _scanned_files() for name in findings_in(path.read_text())
    }
    new = sorted(set(found) - set(OPEN_FINDINGS))
    fixed = sorted(set(OPEN_FINDINGS) - set(found))
    assert not new, "DuckDB-only SQL outside macros/cross_engine (write a dispatched macro):\n" + "\n".join(
        f"  {f}: {n}" for f, n in new
    )
    assert not fixed, "fixed, remove from OPEN_FINDINGS: " + ", ".join(f"{f}: {n}" for f, n in fixed)


@pytest.mark.parametrize(
    ("sql", "construct"),
    [
        ("select a from x union all by name select a from y", "union by name"),
        ("select * exclude (a) from x", "* exclude"),
        ("select list_contains(a, 1) from x", "list_ functions"),
        ("select list(a order by b) from x", "list() aggregate"),
        ("select string_agg(a, ', ' order by b) from x", "ordered aggregate"),
        ("select any_value(a order by b) from x", "ordered aggregate"),
        ("select a // 3 from x", "// integer division"),
        ("select * replace (a + 1 as a) from x", "* replace"),
        ("select date_diff('month', a, b) from x", "date_diff with a quoted unit"),
        ("select quantile_cont(a, 0.5) from x", "quantile functions"),
        ("select strftime(d, '%Y') from x", "strftime()"),
        ("select try_strptime(s, '%d/%m/%Y') from x", "strptime()"),
        ("select regexp_full_match(s, '[0-9]+') from x", "regexp_full_match / regexp_matches"),
        ("select hash(a) from x", "hash()"),
        ("select range as r from range(10)", "range() table function"),
        ("select * from glob('x/*.parquet')", "glob()"),
        ("select a in ['x', 'y'] from t", "list literal"),
        ("select d + interval (n) month from x", "interval (expression)"),
        ("select cast(a as varchar) from x", "unsized varchar"),
        ("select scores[1] from x", "list index"),
        ("select printf('%.2f', a) from x", "printf()"),
        ("select regexp_extract(s, '(\\d{4})', 1) from x", BACKSLASH_IN_LITERAL),
    ],
)
def test_each_pattern_finds_its_construct(sql: str, construct: str) -> None:
    assert construct in findings_in(sql)


def test_portable_sql_and_comments_are_not_findings() -> None:
    portable = """
        -- a comment may say union all by name, list(x order by y) or strftime(d, '%Y'); it's a comment
        /* a block comment too: hash(x) */
        {# so may a Jinja comment: hash(x) #}
        select
            string_agg(a, ', ') within group (order by b) as names,
            percentile_cont(0.5) within group (order by v) as median_value,
            cast(a as string) as a_text,
            element_at(arr, 1) as first_item,
            {{ some_macro(['a', 'b'])[0] }} as rendered,
            d + interval 3 month as later,
            count(*) over (partition by a order by b) as running,
            a in (select b from y) as found,
            regexp_extract(s, '^([a-z]{3})[- ]([0-9]{2}) -- not a comment', 2) as month_text -- '\\d' in a comment
        from x
        qualify row_number() over (partition by a order by b) = 1
    """
    assert findings_in(portable) == set()
