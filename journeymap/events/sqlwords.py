"""The words every pipeline statement is written with: literals, identifiers, the time unit."""

from __future__ import annotations

MICROS = 1_000_000
"""Microseconds in a second: every timestamp of the pipeline is whole epoch microseconds."""


def lit(text: str) -> str:
    """A SQL string literal (DuckDB dialect: quotes doubled, backslashes literal).

    >>> lit("it's")
    "'it''s'"
    """
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier.

    >>> print(ident('my "id'))
    "my ""id"
    """
    return '"' + name.replace('"', '""') + '"'


def anchored(pattern: str) -> str:
    """A pattern that matches the whole value (re.fullmatch semantics) under partial-match functions."""
    return f"^(?:{pattern})$"
