"""Event-log files: expand globs, recognise formats, give each file its rank."""

from __future__ import annotations

import contextlib
import glob
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from journeymap.errors import UsageError, did_you_mean
from journeymap.events.settings import Columns, SettingError, missing_column
from journeymap.io.files import require_regular

Format = Literal["csv", "tsv", "parquet", "json", "zip"]

_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
    ".zip": "zip",
}
_COMPRESSED = (".gz", ".zst", ".bz2")


@dataclass(frozen=True)
class InputFile:
    rank: int
    path: str
    format: Format
    origin: str | None = None
    """The archive the file was unpacked from (``path`` is then a temporary copy)."""
    member: str | None = None

    @property
    def shown(self) -> str:
        """The file as the user knows it: ``export.zip/member.json.gz`` for an archive's member."""
        return self.path if self.origin is None else f"{self.origin}/{self.member}"

    @property
    def source(self) -> str:
        """The file the user named (the archive, for its members)."""
        return self.origin or self.path


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
            hint="use .csv, .tsv, .parquet, .jsonl/.ndjson/.json (CSV and JSON may be .gz), "
            "or a .zip of them",
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


MAX_UNPACKED = 4 * 2**30
"""Bytes a .zip may unpack to (4 GiB): a larger archive is refused, so a zip bomb fills no disk."""


@contextlib.contextmanager
def unpacked(files: list[InputFile], limit: int = MAX_UNPACKED) -> Iterator[list[InputFile]]:
    """The files with every .zip replaced by its log members, unpacked into a temporary folder.

    Members are taken in name order, each under a fresh name (no member path reaches the disk);
    members of another format (a README, a folder) are skipped. The folder is removed on exit,
    also after an error.
    """
    import tempfile

    if not any(f.format == "zip" for f in files):
        yield files
        return
    with tempfile.TemporaryDirectory(prefix="journeymap-zip-") as tmp:
        out: list[InputFile] = []
        for f in files:
            if f.format != "zip":
                out.append(replace(f, rank=len(out)))
                continue
            try:
                with zipfile.ZipFile(f.path) as archive:
                    members = _log_members(archive)
                    if not members:
                        raise UsageError(f"{f.path}: the archive holds no event-log file")
                    for info, fmt in members:
                        target = os.path.join(
                            tmp, f"{len(out):06d}-{os.path.basename(info.filename)}"
                        )
                        _copy_bounded(archive, info, target, limit, f.path)
                        out.append(InputFile(len(out), target, fmt, f.path, info.filename))
            except (zipfile.BadZipFile, OSError) as exc:
                raise UsageError(f"{f.path}: cannot unpack it: {exc}") from None
        yield out


@contextlib.contextmanager
def log_files(paths: tuple[str, ...] | list[str]) -> Iterator[list[InputFile]]:
    """The one reader of event-log arguments for every command (``ingest``, ``cohorts``,
    ``trend --events``, ``experiment --events``): globs expanded, files ranked, each .zip
    unpacked into its log members for the duration of the block (:func:`unpacked`)."""
    with unpacked(expand(list(paths))) as files:
        yield files


def _log_members(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, Format]]:
    found: list[tuple[zipfile.ZipInfo, Format]] = []
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        if info.is_dir():
            continue
        try:
            fmt = file_format(info.filename)
        except UsageError:
            continue
        if fmt != "zip":
            found.append((info, fmt))
    return found


def _copy_bounded(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: str, limit: int, path: str
) -> None:
    """Copy one member, counting the bytes written against ``limit`` (declared sizes may lie)."""
    total = sum(i.file_size for i in archive.infolist())
    if total > limit:
        raise UsageError(
            f"{path}: the archive unpacks to {total:,} bytes, more than {limit:,}",
            hint="unpack it yourself and give the files",
        )
    written = 0
    with archive.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise UsageError(f"{path}: {info.filename} unpacks to more than {limit:,} bytes")
            dst.write(chunk)


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


TYPED_VALUES = ("string_value", "int_value", "double_value", "float_value")
"""A dotted name ``head.key`` on a list of key/value records (GA4's ``event_params``) reads the
record whose ``key`` is ``key``: the first of these members of its ``value`` that is set, else
``value`` itself when it is a plain value. Only one key below such a list is read."""


def require_columns(
    f: InputFile,
    names: list[str],
    columns: Columns,
    segment: str | None,
    where_columns: list[str],
) -> None:
    """Raise an error naming the setting that asked for a column the file does not have.

    Both engines call this on the columns they found, so their messages are the same.
    """
    wanted: list[tuple[str, str | None]] = [(columns.timestamp, "columns.timestamp")]
    if not columns.ids_optional:
        wanted.insert(0, (columns.customer, "columns.customer"))
        wanted += [(c, "columns.identities") for c in columns.identities]
    if columns.naming is None:  # with call kinds, a file may hold no call the event column names
        wanted.append((columns.event, "columns.event"))
    if columns.session:
        wanted.append((columns.session, "columns.session"))
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
                    f"{f.shown}: no column '{col}' (named by an event rule's 'where')", hint=hint
                )
            raise SettingError(setting, missing_column(f.shown, col), hint=hint)
