"""Event rules are checked with RE2's semantics where they are written (issue 17): a rule Python
accepts and DuckDB refuses fails ``validate`` with its position, not an ingest half-way."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.portable_regex import unsupported
from tests.support import Result


def duckdb_reads(pattern: str) -> bool:
    """Whether DuckDB compiles ``pattern`` (the independent judge)."""
    try:
        duckdb.execute("SELECT regexp_full_match('x', ?)", [pattern]).fetchall()
    except duckdb.Error:
        return False
    return True


REFUSED = [
    (r"a(?=b)", "a lookahead", 1),
    (r"a(?!b)", "a negative lookahead", 1),
    (r"(?<=a)b", "a lookbehind", 0),
    (r"(?<!a)b", "a negative lookbehind", 0),
    (r"(a)\1", "a backreference", 3),
    (r"(?P<x>a)(?P=x)", "a backreference", 8),
    (r"a++", "a possessive quantifier", 1),
    (r"a*+", "a possessive quantifier", 1),
    (r"a{2}+", "a possessive quantifier", 1),
    (r"(?>ab)", "an atomic group", 0),
    (r"(a)?(?(1)b|c)", "a conditional", 4),
    (r"a\Z", "the escape \\Z (write $)", 1),
    (r"(?x)a b", "the flag 'x'", 0),
    (r"(?a)a", "the flag 'a'", 0),
    (r"(?#c)a", "a comment", 0),
    (r"\u00e9", "the escape \\u (write the character itself)", 0),
    (r"[\1]", "a backreference", 1),
]


@pytest.mark.parametrize(("pattern", "what", "offset"), REFUSED)
def test_each_construct_re2_lacks_is_found_where_it_is(
    pattern: str, what: str, offset: int
) -> None:
    found = unsupported(pattern)
    assert found is not None and (found.what, found.offset) == (what, offset)
    re.compile(pattern)  # Python accepts it ...
    assert not duckdb_reads(pattern)  # ... DuckDB does not


def test_a_bound_without_minimum_reads_differently() -> None:
    # Python: x{,3} is zero to three x; RE2: the literal text 'x{,3}'
    assert re.fullmatch("x{,3}", "xx") is not None
    assert duckdb.execute("SELECT regexp_full_match('xx', 'x{,3}')").fetchone() == (False,)
    found = unsupported("x{,3}")
    assert found is not None and found.offset == 1


@pytest.mark.parametrize(
    "pattern",
    [r"^view_item(_.*)?$", r"(?i)cart", r"[(?=]+", r"\(?=", r"a{2,}?", r"\Aa\b", r"(?P<n>a)",
     r"[]a]", r"[^]\]]", r"\x41\0\07", r"a{2}\+", r"(?s:.)", r"(?m-i:a)"],
)  # fmt: skip
def test_what_both_read_passes(pattern: str) -> None:
    assert unsupported(pattern) is None
    assert duckdb_reads(pattern)


TOKENS = ["a", "b", ".", "*", "+", "?", "(", ")", "(?:", "(?=", "(?!", "(?<=", "(?>", "(?i)",
          "(?x)", "[", "]", "^", "\\", "1", "Z", "d", "{", "}", ",", "2", "|", "$", "-", "P", "<",
          ">", "=", "#", "u"]  # fmt: skip


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=8).map("".join))
def test_whatever_python_compiles_and_the_scan_passes_duckdb_reads(pattern: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Python's FutureWarning on '[[' and '--'
        try:
            re.compile(pattern)
        except (re.error, OverflowError):
            return
    if unsupported(pattern) is None:
        assert duckdb_reads(pattern), pattern


def test_validate_refuses_a_rule_duckdb_cannot_run_with_its_position(
    write: Callable[[str, str], Path], cli: Callable[..., Result]
) -> None:
    path = write(
        "rule.yaml",
        "journeymap: 1\nid: shop\ntitle: Shop\nstages:\n  - id: buy\n    name: Buy\n"
        "    touchpoints:\n      - id: ad\n        name: Ad\n        entries: 10\n"
        "        next: {paid: 2}\n        events:\n          - {pattern: 'ad(?!s)'}\n"
        "      - id: paid\n        name: Paid\n        goal: true\n"
        "        events: [{name: paid, where: {utm: 'x++'}}]\n",
    )
    r = cli("validate", str(path))
    assert r.code == 2
    assert (
        f"{path}:13:23: stages[0].touchpoints[0].events[0].pattern: a negative lookahead at"
        in r.err
    )
    assert "character 3 of 'ad(?!s)' is not supported by the event-log engines (RE2)" in r.err
    assert f"{path}:17:44: stages[0].touchpoints[1].events[0].where.utm: a possessive" in r.err
