"""Reading CSV exports of analytics tools: rows with their line numbers, columns found by their
usual headers, counts with thousands separators, and touchpoints matched by id, name or alias.
Every problem is an :class:`ExportError` that names the file, line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from journeymap.errors import UsageError, did_you_mean
from journeymap.io.files import require_regular
from journeymap.model import MAX_MAGNITUDE, JourneyMap
from journeymap.source import Position, undecodable


class ExportError(UsageError):
    """An export that cannot be turned into an overlay; carries the file position."""


@dataclass(frozen=True)
class Row:
    """One data row of a CSV export: its 1-based line in the file and its cells by header."""

    line: int
    cells: Mapping[str, str]


# ------------------------------------------------------------------------------ reading CSV


def read_csv(
    path: str | Path, *, text: str | None = None
) -> tuple[list[str], list[Row], list[str]]:
    """Header, data rows and ``#`` comment lines of a CSV export (UTF-8, BOM allowed).

    Lines starting with ``#`` (GA4 writes the report's name and dates that way) and blank lines
    are skipped; the first other line is the header.

    >>> header, rows, comments = read_csv("f.csv", text="# Start date: 20260701\\nStep,Users\\nA,10\\n")
    >>> header, rows[0].line, dict(rows[0].cells), comments
    (['Step', 'Users'], 3, {'Step': 'A', 'Users': '10'}, ['# Start date: 20260701'])
    """
    if text is None:
        try:
            require_regular(path, str(path), "report")  # a FIFO would block
            data = Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf")
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ExportError(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
                position=undecodable(str(path), data, exc),
                hint="export the report as UTF-8 CSV",
            ) from None
        except OSError as exc:
            raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from exc
    comments: list[str] = []
    header: list[str] | None = None
    rows: list[Row] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            comments.append(line.strip())
            continue
        cells = next(csv.reader(io.StringIO(line)))
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if len(cells) != len(header):
            raise ExportError(
                f"the row has {len(cells)} cells, the header {len(header)}",
                position=Position(str(path), number, 1),
                hint="quote cells that contain commas",
            )
        rows.append(Row(number, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    if header is None:
        raise ExportError(f"{path} has no header line", position=Position(str(path), 1, 1))
    return header, rows, comments


def find_column(
    header: Sequence[str], wanted: Sequence[str], path: str, what: str, given: str | None
) -> str:
    by_lower = {h.lower(): h for h in header}
    if given is not None:
        if given in header:
            return given
        raise ExportError(
            f"{path} has no column '{given}'",
            position=Position(path, 1, 1),
            hint=did_you_mean(given, list(header)) or f"columns: {', '.join(header)}",
        )
    for name in wanted:
        if name in by_lower:
            return by_lower[name]
    raise ExportError(
        f"{path} has no {what} column",
        position=Position(path, 1, 1),
        hint=f"name it with the {what} column option; columns: {', '.join(header)}",
    )


BOUND_HINT = "an export's counts and amounts lie within 10^15, where sums stay exact and finite"


def whole_count(row: Row, column: str, header: Sequence[str], path: str) -> int:
    """A whole, non-negative number up to ``MAX_MAGNITUDE`` (10^15); thousands separators
    (``1,234``, ``1 234``) allowed.

    Read exactly (``int``, never through a float, which rounds beyond 2^53); the bound keeps
    the sums over rows exact in the analysis' floats and within the overlay reader's 40 digits.

    >>> row = Row(2, {"Users": "1,234"})
    >>> whole_count(row, "Users", ["Users"], "f.csv")
    1234
    """
    raw = row.cells[column]
    text = re.sub(r"[\s,\u00a0\u202f']", "", raw)
    col = column_of(row, column, header)
    if re.fullmatch(r"\d+(\.0+)?", text):
        value = int(text.partition(".")[0])
        if value <= MAX_MAGNITUDE:
            return value
        raise ExportError(
            f"'{raw}' in column '{column}' is more than 10^15 customers",
            position=Position(path, row.line, col),
            hint=BOUND_HINT,
        )
    raise ExportError(
        f"'{raw}' in column '{column}' is not a whole number of customers",
        position=Position(path, row.line, col),
    )


def amount(row: Row, column: str, header: Sequence[str], path: str) -> float:
    """A non-negative amount up to ``MAX_MAGNITUDE`` (10^15), so a sum over rows stays finite."""
    raw = row.cells[column]
    text = re.sub(r"[\s,\u00a0\u202f']", "", raw)
    try:
        value = float(text) if text else 0.0
    except ValueError:
        value = -1.0
    if 0 <= value <= MAX_MAGNITUDE:  # NaN compares false
        return value
    raise ExportError(
        f"'{raw}' in column '{column}' is not an amount",
        position=Position(path, row.line, column_of(row, column, header)),
        hint=BOUND_HINT if value > MAX_MAGNITUDE else None,
    )


def column_of(row: Row, column: str, header: Sequence[str]) -> int:
    """The 1-based column where a cell starts (approximate for quoted cells)."""
    col = 1
    for h in header:
        if h == column:
            return col
        col += len(row.cells[h]) + 1
    return 1


# ------------------------------------------------------------------------------- touchpoints


def touchpoint_names(
    jm: JourneyMap, aliases: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Names an export may use for a touchpoint: its id, its name, and the aliases given."""
    names: dict[str, str] = {}
    for _, tp in jm.iter_touchpoints():
        names.setdefault(tp.name.casefold(), tp.id)
    for _, tp in jm.iter_touchpoints():
        names[tp.id.casefold()] = tp.id
    ids = [tp.id for _, tp in jm.iter_touchpoints()]
    for alias, tid in aliases.items():
        if tid not in ids:
            raise ExportError(
                f"'{alias}={tid}': the map has no touchpoint '{tid}'",
                hint=did_you_mean(tid, ids) or f"touchpoints: {', '.join(ids)}",
            )
        names[alias.casefold()] = tid
    return names, ids


def touchpoint_named(
    name: str, names: Mapping[str, str], ids: Sequence[str], what: str, position: Position | None
) -> str:
    tid = names.get(name.casefold())
    if tid is not None:
        return tid
    known = sorted(set(ids) | {n for n in names if n not in {i.casefold() for i in ids}})
    raise ExportError(
        f"the {what} '{name}' is no touchpoint of the map",
        position=position,
        hint=did_you_mean(name, known)
        or f"map it with NAME=ID, or name a touchpoint id: {', '.join(ids)}",
    )
