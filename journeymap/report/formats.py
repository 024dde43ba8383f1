"""The output formats of each command family: one enum each, which the CLI's choices list.

Kept free of heavy imports so that building the command line reads no analysis code.
The overlay formats (YAML, JSON) belong to the files themselves: :class:`journeymap.io.OverlayFormat`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import IO


class Format(StrEnum):
    """Findings (``check``, ``conform``): :func:`journeymap.report.checks.render`."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"
    JUNIT = "junit"
    SARIF = "sarif"


class DiffFormat(StrEnum):
    """The changes between two maps (``diff``)."""

    TEXT = "text"
    MARKDOWN = "markdown"


class ValidateFormat(StrEnum):
    """The result of ``validate``."""

    TEXT = "text"
    JSON = "json"


def choices(enum: type[StrEnum]) -> list[str]:
    """The values of a format enum, in declaration order (for ``click.Choice``).

    >>> choices(DiffFormat)
    ['text', 'markdown']
    """
    return [member.value for member in enum]


# ------------------------------------------------------------------- user text in text formats


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal: two for a wide or fullwidth character (East
    Asian Width W or F, Unicode Standard Annex 11), none for a combining mark, one otherwise.

    >>> display_width("visits"), display_width("訪問次數"), display_width("й")
    (6, 8, 1)
    """
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (:func:`display_width`), on the
    left when ``right`` (numbers), else on the right.

    >>> pad("接觸點", 8) + "|", pad("12", 4, right=True)
    ('接觸點  |', '  12')
    """
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def text_table(rows: Sequence[Sequence[str]], align: str, *, rule: bool = True) -> list[str]:
    """A plain-text table as a terminal shows it, the one layout of every text report.

    ``rows[0]`` is the header. Each column is padded to its widest cell in terminal columns
    (:func:`display_width`, so a Chinese name lines up), ``l`` or ``r`` in ``align`` per
    column (its last letter holds for the columns after it), two spaces between columns and
    no trailing space; a rule of dashes under the header when ``rule``. A row may be shorter
    than the header (a retention triangle).

    >>> for line in text_table([["stage", "n"], ["接觸點", "12"], ["pay", "3"]], "lr"):
    ...     print(line + "|")
    stage    n|
    ------  --|
    接觸點  12|
    pay      3|
    """
    n = len(rows[0])
    sides = (align + align[-1] * n)[:n]
    widths = [max(display_width(r[i]) for r in rows if i < len(r)) for i in range(n)]
    out = []
    for k, r in enumerate(rows):
        cells = [pad(c, widths[i], right=sides[i] == "r") for i, c in enumerate(r)]
        out.append("  ".join(cells).rstrip())
        if k == 0 and rule:
            out.append("  ".join("-" * w for w in widths))
    return out


def markdown_table(rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """A Markdown table of cells already escaped (:func:`escape_markdown`): ``rows[0]`` is
    the header, ``align`` as in :func:`text_table` (``r`` is ``---:``); a short row is filled
    with empty cells.

    >>> markdown_table([["stage", "n"], ["cart"]], "lr")
    ['| stage | n |', '|---|---:|', '| cart |  |']
    """
    n = len(rows[0])
    sides = (align + align[-1] * n)[:n]
    rule = "|" + "|".join("---:" if a == "r" else "---" for a in sides) + "|"
    lines = ["| " + " | ".join([*r, *[""] * (n - len(r))]) + " |" for r in rows]
    return [lines[0], rule, *lines[1:]]


_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_MD_INLINE = re.compile(r"[\\`*\[\]<|~]|(?<!\w)_|_(?!\w)")
_MD_BLOCK = re.compile(r"^(\s*)(?:([#>+\-=])|(\d+)([.)]))")


def escape_markdown(text: object) -> str:
    r"""User text (a name, a title, a message) as inline Markdown that renders as written.

    Line breaks become spaces, so the text cannot start a heading, a list or a table row of its
    own; a backslash escapes what would start code, emphasis, strikethrough, a link or image
    (``[``), raw HTML or an autolink (``<``), or end a table cell (``|``); an underscore inside
    a word (``snake_case``) starts no emphasis in GitHub Markdown and stays as it is. A leading
    ``#``, ``>``, ``+``, ``-``, ``=`` or ``1.`` is escaped too, for text at the start of a line.
    The escapes are CommonMark's backslash escapes of ASCII punctuation (spec 0.31, 2.4), which
    every renderer removes.

    >>> escape_markdown("Cart | <b>bold</b>\n# Heading [link](http://x) *big* snake_case")
    'Cart \\| \\<b>bold\\</b> # Heading \\[link\\](http://x) \\*big\\* snake_case'
    >>> escape_markdown("1. first"), escape_markdown("- item"), escape_markdown("_x_")
    ('1\\. first', '\\- item', '\\_x\\_')
    """
    s = _LINE_BREAKS.sub(" ", str(text))
    s = _MD_INLINE.sub(lambda m: "\\" + m.group(0), s)
    m = _MD_BLOCK.match(s)
    if m is None:
        return s
    if m.group(2) is not None:
        return f"{m.group(1)}\\{s[m.end(1) :]}"
    return f"{m.group(1)}{m.group(3)}\\{s[m.end(3) :]}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$")


def escape_csv(cell: object) -> object:
    r"""A CSV cell that a spreadsheet shows as text, never runs as a formula.

    OWASP's rule for CSV injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a
    tab or a carriage return gets a leading ``'`` (quoting and doubled quotes are the csv
    module's). Numbers, and text that is a plain number such as ``-0.25`` or ``-12%``, are left
    as they are: a spreadsheet reads them as the numbers they are.

    >>> escape_csv("=HYPERLINK(\"http://x\")"), escape_csv("@SUM(A1)"), escape_csv("-1+2")
    ('\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-1+2")
    >>> escape_csv("-0.25"), escape_csv(-3), escape_csv("Cart"), escape_csv("")
    ('-0.25', -3, 'Cart', '')
    """
    if isinstance(cell, str) and cell.startswith(_FORMULA_START) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


class CsvWriter:
    r"""``csv.writer`` with ``\n`` line ends whose every cell goes through :func:`escape_csv`."""

    def __init__(self, buf: IO[str]) -> None:
        self._writer = csv.writer(buf, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([escape_csv(c) for c in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
