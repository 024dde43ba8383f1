"""User text in Markdown and CSV output renders as written: no injected HTML, headings, links or
table cells, and no spreadsheet formula (issue 17, "Injection in text formats").

One helper per format in :mod:`journeymap.report.formats`: :func:`escape_markdown` and
:func:`escape_csv` (through :class:`CsvWriter`). Each case is checked on the helper, then end to
end on a map whose names attack both formats.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from journeymap.report.formats import CsvWriter, escape_csv, escape_markdown
from tests.checks.inproc import run_inproc

# ----------------------------------------------------------------------------- Markdown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cart", "Cart"),
        ("a | b", "a \\| b"),  # would end the table cell
        ("one\ntwo", "one two"),  # would start a block of its own
        ("one\r\ntwo\rthree\u2028four\u2029five\x85six", "one two three four five six"),
        ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),  # raw HTML
        ("<http://evil>", "\\<http://evil>"),  # autolink
        ("[click](http://evil)", "\\[click\\](http://evil)"),  # link
        ("![x](http://evil/p.png)", "!\\[x\\](http://evil/p.png)"),  # image
        ("`code`", "\\`code\\`"),
        ("*big* ~gone~", "\\*big\\* \\~gone\\~"),
        ("_em_ and snake_case", "\\_em\\_ and snake_case"),  # intraword _ starts nothing
        ("back\\slash", "back\\\\slash"),
        ("# Heading", "\\# Heading"),
        ("> quote", "\\> quote"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("1. first", "1\\. first"),
        ("12) twelfth", "12\\) twelfth"),
        ("a > b, 3 - 2 = 1, 2. place", "a > b, 3 - 2 = 1, 2. place"),  # harmless inside a line
        ("Корзина подарков", "Корзина подарков"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_escape_markdown_cannot_start_a_line_whatever_it_holds() -> None:
    hostile = "x\n# h\n\n| a | b |\n|---|---|\n<div>\n[l](u)"
    out = escape_markdown(hostile)
    assert "\n" not in out
    assert re.search(r"(?<!\\)[|<\[]", out) is None


# ---------------------------------------------------------------------------------- CSV


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("-", "'-"),
        ("Cart", "Cart"),
        ("a=b", "a=b"),  # only the first character starts a formula
        ("", ""),
        ("-0.25", "-0.25"),  # plain numbers stay numbers
        ("+3", "+3"),
        ("-1e-05", "-1e-05"),
        ("-12%", "-12%"),
        (-3, -3),
        (-0.5, -0.5),
        (None, None),
    ],
)
def test_escape_csv(cell: object, expected: object) -> None:
    assert escape_csv(cell) == expected


def test_the_csv_writer_escapes_every_cell_and_quotes_as_csv_does() -> None:
    buf = io.StringIO()
    w = CsvWriter(buf)
    w.writerow(["name", "value"])
    w.writerows([["=1+1", -2.5], ['say "hi"\nthere', 3]])
    assert buf.getvalue() == 'name,value\n\'=1+1,-2.5\n"say ""hi""\nthere",3\n'
    assert list(csv.reader(io.StringIO(buf.getvalue()))) == [
        ["name", "value"],
        ["'=1+1", "-2.5"],
        ['say "hi"\nthere', "3"],
    ]


# ----------------------------------------------------------------------------- end to end

HOSTILE = """\
journeymap: 1
id: hostile
title: "Shop\\n## Fake section <img src=x onerror=alert(1)>"
checks:
  drop_off: {max: 0.1}
stages:
  - id: buy
    name: "Buy | <script>alert(1)</script>"
    touchpoints:
      - id: ad
        name: "=HYPERLINK(\\"http://evil\\",\\"win\\")"
        entries: 100
        next: {cart: 60}
      - id: cart
        name: "@SUM(A1)\\n# Injected heading"
        next: {pay: 30}
      - id: pay
        name: "+1 [click](http://evil)"
        next: {paid: 20}
      - id: paid
        name: Paid
        goal: true
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


def _assert_markdown_is_inert(md: str) -> None:
    """No injected heading or HTML, and every row of a table has as many cells as its header."""
    for line in md.splitlines():
        assert not line.startswith(("# Injected", "## Fake")), line
    assert re.search(r"(?<!\\)<(script|img)", md) is None
    cells = None
    for line in md.splitlines():
        if not line.startswith("|"):
            cells = None
            continue
        n = len(re.findall(r"(?<!\\)\|", line))
        cells = n if cells is None else cells
        assert n == cells, line


def test_analyze_markdown_keeps_hostile_names_inert(hostile: Path) -> None:
    r = run_inproc("analyze", str(hostile), "--format", "markdown", "--quiet")
    assert r.code == 0, r.err
    _assert_markdown_is_inert(r.out)
    assert "## Leak analysis: Shop ## Fake section \\<img src=x onerror=alert(1)>" in r.out
    assert "\\[click\\](http://evil)" in r.out
    assert "(http://evil)" not in r.out.replace("\\[click\\](http://evil)", "")
    stage_row = next(line for line in r.out.splitlines() if "Buy" in line and "script" in line)
    assert stage_row.startswith("| Buy \\| \\<script>alert(1)\\</script> |")


def test_analyze_csv_writes_formula_names_as_text(hostile: Path) -> None:
    r = run_inproc("analyze", str(hostile), "--format", "csv", "--quiet")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    names = {row["touchpoint"]: row["name"] for row in rows}
    assert names == {
        "ad": '\'=HYPERLINK("http://evil","win")',
        "cart": "'@SUM(A1)\n# Injected heading",
        "pay": "'+1 [click](http://evil)",
    }
    assert all(float(row["drop_off"]) > 0 for row in rows)  # numbers untouched


def test_check_markdown_keeps_hostile_names_inert(hostile: Path) -> None:
    r = run_inproc("check", str(hostile), "--format", "markdown")
    assert r.code == 1, r.err
    _assert_markdown_is_inert(r.out)
    assert "### Shop ## Fake section \\<img src=x onerror=alert(1)> (`" in r.out
