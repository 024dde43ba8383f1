"""Where a CSV log is broken: DuckDB's CSV errors mapped back to ``file:line``.

DuckDB's reader says "Error when sniffing file" for a small file with a broken row, and its
"CSV Error on Line: N" counts from the start of the chunk a thread read; neither is a place a
user can open. On such an error (only then: the happy path reads nothing twice) the file is read
again with Python's ``csv`` module in strict mode, which gives the line where the first row that
breaks the format starts: a quote left open, more or fewer fields than the header, bytes that are
not UTF-8. When that finds nothing the DuckDB line is kept.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from journeymap.errors import UsageError
from journeymap.events.inputs import InputFile

_DUCK_LINE = re.compile(r"CSV Error on Line: (\d+)")
_DUCK_FILE = re.compile(r'(?:file = |sniffing file ")([^"\n]+)')
HINT = "every row needs the header's columns, and a quoted field its closing quote"


def is_csv_error(message: str) -> bool:
    """Whether a DuckDB error is about the CSV format of a file."""
    return "CSV Error" in message or "sniffing file" in message or "Invalid unicode" in message


def csv_error(files: Sequence[InputFile], message: str) -> UsageError:
    """The error for a DuckDB CSV failure: the first broken row of the file it names (or of
    the first CSV file with one), as ``file:line: what``."""
    named = _DUCK_FILE.search(message)
    tables = [f for f in files if f.format in ("csv", "tsv")]
    if named is not None:
        tables = sorted(tables, key=lambda f: f.path != named.group(1).strip())
    for f in tables:
        found = first_broken_row(f)
        if found is not None:
            line, what = found
            utf8 = what.startswith("not UTF-8")
            return UsageError(
                f"{f.shown}:{line}: {what}", hint="save it as UTF-8" if utf8 else HINT
            )
    line_match = _DUCK_LINE.search(message)
    first = message.splitlines()[0] if message else "unreadable CSV"
    if line_match is not None and tables:
        return UsageError(f"{tables[0].shown}:{line_match.group(1)}: {first}", hint=HINT)
    return UsageError(f"cannot read the event log: {first}", hint=HINT)


def _open(path: str) -> gzip.GzipFile | bz2.BZ2File | io.BufferedReader:
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    if path.endswith(".bz2"):
        return bz2.open(path, "rb")
    return open(path, "rb")


def _lines(raw: Iterable[bytes]) -> Iterator[str]:
    for number, line in enumerate(raw, 1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Broken(number, f"not UTF-8 text (byte {exc.start + 1} of the line)") from None


class _Broken(Exception):
    def __init__(self, line: int, what: str) -> None:
        self.line, self.what = line, what


def first_broken_row(f: InputFile) -> tuple[int, str] | None:
    """The line where the first row breaks the CSV format, and what is wrong, or None.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = p.write_text('a,b\\n1,2\\n3,"4\\n5,6\\n')
    >>> first_broken_row(InputFile(0, str(p), "csv"))
    (3, 'a quoted field is never closed')
    >>> _ = p.write_text("a,b\\n1,2\\n3,4,5\\n")
    >>> first_broken_row(InputFile(0, str(p), "csv"))
    (3, '3 fields where the header has 2')
    """
    if f.path.endswith(".zst"):
        return None
    delim = "\t" if f.format == "tsv" else ","
    limit = csv.field_size_limit(2**31 - 1)  # DuckDB reads fields of any length
    try:
        with _open(f.path) as raw:
            return _scan(csv.reader(_lines(raw), delimiter=delim, strict=True))
    except _Broken as exc:
        return exc.line, exc.what
    except OSError:
        return None
    finally:
        csv.field_size_limit(limit)


def _scan(reader: Any) -> tuple[int, str] | None:
    """The first broken row of a ``csv.reader`` (its ``line_num`` counts the lines read)."""
    width: int | None = None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            what = str(exc)
            if "end of data" in what or "EOF" in what:
                return start, "a quoted field is never closed"
            return start, f"not CSV: {what}"
        if not row:
            continue
        if width is None:
            width = len(row)
        elif len(row) != width:
            return start, f"{len(row)} fields where the header has {width}"
