"""Positions in source files and the code frames shown under error messages."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 64 * 1024 * 1024
TOO_LARGE_HINT = (
    f"journeymap reads files of at most {MAX_BYTES // 2**20} MiB (a map of 2,000 touchpoints is "
    "about 0.5 MB); split a larger map into files with 'include:'"
)
"""The hint of the file size limit, wherever a file is refused by its size."""
"""The largest map, include or overlay read (64 MiB: a map is a few KiB; an overlay of 10,000
touchpoints is about 2 MiB). ``io/files.py`` reads with this bound; a code frame never reads more."""


@dataclass(frozen=True, order=True)
class Position:
    """A place in a file: 1-based line and column.

    >>> str(Position("maps/shop.yaml", 14, 9))
    'maps/shop.yaml:14:9'
    """

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


def at(path: str, text: str, offset: int) -> Position:
    """The position of the character ``text[offset]``: its line, and its column in characters
    of that line, plus 1 (a YAML reader's offset, the first byte that is not UTF-8).

    >>> print(at("m.yaml", "a: 1\\nb: \\x07\\n", 8))
    m.yaml:2:4
    """
    before = text[:offset]
    return Position(path, before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1)


def undecodable(path: str, data: bytes, exc: UnicodeDecodeError) -> Position:
    """Where the first byte of ``data`` that is not UTF-8 lies (``exc`` from decoding ``data``):
    its line, and its column in characters of the line before it, plus 1 (:func:`at` of the
    text before it, which is valid UTF-8 up to ``exc.start``).

    >>> data = b"a,b\\nc\\xffd\\n"
    >>> try:
    ...     data.decode("utf-8")
    ... except UnicodeDecodeError as exc:
    ...     print(undecodable("f.csv", data, exc))
    f.csv:2:2
    """
    before = data[: exc.start].decode("utf-8")
    return at(path, before, len(before))


@dataclass
class SourceText:
    """The text of files read so far, kept to show the offending line of an error."""

    texts: dict[str, str] = field(default_factory=dict)

    def add(self, path: str, text: str) -> None:
        self.texts[path] = text

    def line(self, pos: Position) -> str | None:
        text = self.texts.get(pos.path)
        if text is None:
            try:  # only a regular file within the size limit: never a FIFO, /dev/zero, ...
                st = os.stat(pos.path)
                if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
                    return None
                text = Path(pos.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
            self.texts[pos.path] = text
        lines = text.splitlines()
        if 1 <= pos.line <= len(lines):
            return lines[pos.line - 1]
        return None


def code_frame(line: str, pos: Position) -> str:
    """Two lines: the source line with its number, and a caret under the column.

    >>> print(code_frame("next: {chekout: 900}", Position("m.yaml", 3, 8)))
        3 | next: {chekout: 900}
          |        ^
    """
    shown = line.replace("\t", " ")
    if len(shown) > 160:
        start = max(0, pos.col - 80)
        shown = ("…" if start else "") + shown[start : start + 160]
        caret_col = pos.col - start + (1 if start else 0)
    else:
        caret_col = pos.col
    number = f"{pos.line:>5}"
    gutter = " " * len(number)
    return f"{number} | {shown}\n{gutter} | {' ' * max(caret_col - 1, 0)}^"
