"""Every row read is accounted for: the reasons rows are left out, where they are, and the limits.

An ingest reads ``rows`` rows and counts ``mapped`` of them onto the map; every other row is
left out for exactly one reason, so ``rows == mapped + sum(left_out.values())``:

| reason | a row that |
|---|---|
| ``no_customer`` | has no customer id (empty or missing) |
| ``bad_timestamp`` | has a customer but no readable timestamp |
| ``no_event`` | has a customer and a timestamp but no event name |
| ``duplicate`` | repeats an earlier row's (customer, timestamp, event) exactly |
| ``unmapped`` | is an event no rule of the map maps (listed by name under ``unmapped``) |
| ``identity`` | is an identity call (Segment's ``identify``): it links ids, it is no journey step |

``identity`` is counted only when the columns name call kinds (``Columns.naming``); such a row
has a customer and a timestamp, and counts under ``identity`` before ``no_event``.

The first three make a row unusable: more of them than the limit (1% of the rows read by
default), or every row unusable, stops the ingest with the count per reason and the first
rows. A timestamp column whose epoch numbers read in two units (seconds here, milliseconds
there) stops it too, naming a row of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journeymap.events.inputs import InputFile
from journeymap.events.settings import Engine, IngestOptions, SettingError
from journeymap.events.sql import EPOCH_UNITS, KEY_SPAN

UNUSABLE = ("no_customer", "bad_timestamp", "no_event")
REASONS = (*UNUSABLE, "duplicate", "unmapped", "identity")
"""Why a row is left out, in the order a row is tested (a row counts under its first reason)."""
_TEXT = {
    "no_customer": "without a customer id",
    "bad_timestamp": "with an unreadable timestamp",
    "no_event": "without an event name",
    "duplicate": "duplicates",
    "unmapped": "unmapped events",
    "identity": "identity calls",
}
_ONE = {"duplicate": "duplicate", "unmapped": "unmapped event", "identity": "identity call"}
"""The words for one row where they differ from the words for several."""
_UNIT_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}


def left_out_text(left_out: dict[str, int]) -> str:
    """The reasons rows were left out, for a summary line (reasons with no rows are not named).

    >>> left_out_text({"no_customer": 2, "bad_timestamp": 0, "duplicate": 1})
    '2 without a customer id, 1 duplicate'
    >>> left_out_text({})
    'none'
    """
    parts = [
        f"{left_out[r]:,} {_ONE.get(r, _TEXT[r]) if left_out[r] == 1 else _TEXT[r]}"
        for r in REASONS
        if left_out.get(r)
    ]
    return ", ".join(parts) or "none"


def location(f: InputFile, row: int, engine: Engine) -> str:
    """Where a row is: ``line N`` in CSV (after the header) and JSON lines, ``row N`` (from 1) in Parquet.

    Spark numbers rows itself (``row id N``), not by position in the file.

    >>> location(InputFile(0, "a.csv", "csv"), 1, "duckdb"), location(InputFile(0, "e.jsonl", "json"), 1, "duckdb")
    ('line 2', 'line 1')
    >>> location(InputFile(0, "p.parquet", "parquet"), 0, "duckdb")
    'row 1'
    """
    if engine == "spark":
        return f"row id {row}"
    if f.format == "parquet":
        return f"row {row + 1}"  # file_row_number counts from 0
    return f"line {row + 1}" if f.format in ("csv", "tsv") else f"line {row}"


@dataclass(frozen=True)
class BadRow:
    """One row left out as unusable: where it is and why."""

    path: str
    where: str
    reason: str
    timestamp: str | None

    def __str__(self) -> str:
        what = {
            "no_customer": "no customer id",
            "no_event": "no event name",
            "bad_timestamp": f"unreadable timestamp {self.timestamp!r}",
        }[self.reason]
        return f"{self.path}: {self.where}: {what}"


def first_bad(files: list[InputFile], rows: list[tuple[Any, ...]], engine: Engine) -> list[BadRow]:
    """The first unusable rows (file rank, then row), as the engines return them."""
    return [
        BadRow(
            files[int(file)].shown,
            location(files[int(file)], int(row), engine),
            str(reason),
            None if ts is None else str(ts),
        )
        for file, row, reason, ts in rows
    ]


def check_rows(
    files: list[InputFile],
    opts: IngestOptions,
    rows: dict[str, list[tuple[Any, ...]]],
    left_out: dict[str, int],
    total: int,
    engine: Engine,
) -> None:
    """Raise a :class:`SettingError` when the rows cannot be trusted (see the module docstring)."""
    bad = first_bad(files, rows["first_bad"], engine)
    if opts.strict and bad:
        raise SettingError(
            "strict",
            lambda s: f"{bad[0]} ({s} refuses incomplete rows)",
            hint=lambda s: f"fix the row, or leave out {s} to count such rows instead",
        )
    unusable = sum(left_out.get(r, 0) for r in UNUSABLE)
    if not opts.max_bad_rows.allows(unusable, total):
        reasons = left_out_text({r: left_out.get(r, 0) for r in UNUSABLE})
        quoted = "".join(f"\n  {b}" for b in bad)
        limit = opts.max_bad_rows
        raise SettingError(
            "max_bad_rows",
            lambda s: (
                f"{unusable:,} of {total:,} rows cannot be used ({reasons}); "
                + ("no row is usable" if unusable == total else f"{s} allows {limit}")
                + f"; the first {len(bad)}:{quoted}"
            ),
            hint=lambda s: (
                f"check the column names and the timestamp format, fix the rows, or raise {s} "
                "(a count, or a share such as 5%)"
            ),
        )
    units = sorted(rows.get("epoch_units", []), key=lambda u: -int(u[1]))
    if opts.timestamp_unit is None and len(units) > 1:
        (ua, _, ka, ta), (ub, _, kb, tb) = units[0], units[1]

        def where(key: int) -> str:
            f = files[int(key) // KEY_SPAN]
            return f"{f.shown}: {location(f, int(key) % KEY_SPAN, engine)}"

        na, nb = (_UNIT_NAMES[EPOCH_UNITS[int(u)][0]] for u in (ua, ub))
        raise SettingError(
            "timestamp_unit",
            lambda _: (
                f"the timestamp column mixes epoch units: {where(ka)} reads as {na} ({ta}), "
                f"{where(kb)} as {nb} ({tb})"
            ),
            hint=lambda s: f"give {s} (s, ms, us or ns) to read every number in one unit",
        )
