"""Event-log files: expand globs, recognise formats, give each file its rank."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from journeymap.errors import UsageError, did_you_mean
from journeymap.events.settings import SettingError, missing_column
from journeymap.io.files import require_regular

Format = Literal["csv", "tsv", "parquet", "json"]

_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
}
_COMPRESSED = (".gz", ".zst", ".bz2")


@dataclass(frozen=True)
class InputFile:
    rank: int
    path: str
    format: Format


def file_format(path: str) -> Format:
    """The format of a log file by its name (compressed CSV / JSON lines allowed).

    >>> file_format("a/b.csv.gz"), file_format("x.parquet"), file_format("e.jsonl")
    ('csv', 'parquet', 'json')
    """
    name = path.lower()
    for comp in _COMPRESSED:
        if name.endswith(comp):
            name = name[: -len(comp)]
            break
    fmt = _SUFFIXES.get(os.path.splitext(name)[1])
    if fmt is None:
        raise UsageError(
            f"{path}: unknown event-log format",
            hint="use .csv, .tsv, .parquet, .jsonl/.ndjson/.json (CSV and JSON may be .gz)",
        )
    return fmt


def expand(patterns: tuple[str, ...] | list[str]) -> list[InputFile]:
    """Files and globs -> files in sorted path order, each with its rank (the first order key)."""
    found: set[str] = set()
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = [m for m in glob.glob(pattern, recursive=True) if os.path.isfile(m)]
            if not matches:
                raise UsageError(f"no files match {pattern}")
            found.update(matches)
        elif Path(pattern).is_dir():
            raise UsageError(
                f"{pattern} is a folder", hint=f"give files or a glob such as '{pattern}/*.csv'"
            )
        elif not Path(pattern).exists():
            raise UsageError(f"no such file: {pattern}")
        else:
            found.add(pattern)
    paths = sorted(found)
    for p in paths:
        require_regular(p, p, "log")
    return [InputFile(i, p, file_format(p)) for i, p in enumerate(paths)]


def nested(name: str, columns: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """A dotted name read inside a column: (the column, the keys below it); None for a column itself.

    The longest column the name starts with wins; a column whose own name holds dots is read whole.

    >>> nested("properties.plan", ["event", "properties"]), nested("page.url", ["page.url"])
    (('properties', ('plan',)), None)
    >>> nested("event_params.page.location", ["event_params", "event_params.page"])
    ('event_params.page', ('location',))
    """
    if name in columns:
        return None
    heads = [c for c in columns if name.startswith(c + ".") and len(name) > len(c) + 1]
    if not heads:
        return None
    head = max(heads, key=len)
    return head, tuple(name[len(head) + 1 :].split("."))


def require_columns(
    f: InputFile,
    names: list[str],
    customer: str,
    timestamp: str,
    event: str,
    session: str | None,
    segment: str | None,
    where_columns: list[str],
) -> None:
    """Raise an error naming the setting that asked for a column the file does not have.

    Both engines call this on the columns they found, so their messages are the same.
    """
    wanted: list[tuple[str, str | None]] = [
        (customer, "columns.customer"),
        (timestamp, "columns.timestamp"),
        (event, "columns.event"),
    ]
    if session:
        wanted.append((session, "columns.session"))
    if segment:
        wanted.append((segment, "segment_by"))
    wanted += [(c, None) for c in where_columns]
    require(f, names, wanted)


def require(f: InputFile, names: list[str], wanted: list[tuple[str, str | None]]) -> None:
    """Raise an error for the first column of ``wanted`` (column, the setting naming it, or None
    for an event rule's ``where``) that the file does not have."""
    present = set(names)
    for col, setting in wanted:
        if col not in present and nested(col, names) is None:
            hint = did_you_mean(col, names) or f"columns: {', '.join(names[:20])}"
            if setting is None:
                raise UsageError(
                    f"{f.path}: no column '{col}' (named by an event rule's 'where')", hint=hint
                )
            raise SettingError(setting, missing_column(f.path, col), hint=hint)
