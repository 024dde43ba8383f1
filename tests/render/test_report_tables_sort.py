"""Every sortable table of the report sorts its numbers by number: each numeric cell carries the
number it sorts by (``data-value``), written by one template macro from the rows' ``Cell``s.

The hand-made map has three service times in mixed units, 90 seconds, 2 minutes and 10
seconds: by their text the Mean column reads 2.0, 10.0, 90.0 (chat, mail, phone), by their
length 10 s, 90 s, 120 s (mail, phone, chat), which is what sorting must give.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from journeymap.figures import MISSING
from journeymap.io import load_map
from journeymap.render.build import render_loaded
from tests.support import MAPS, WriteFile

SERVICE = """\
journeymap: 1
id: help
title: Help
stages:
  - id: ask
    name: Ask
    touchpoints:
      - id: phone
        name: Phone
        entries: 10
        next: {solved: 5}
        business: {first_response_time: {unit: seconds, mean: 90, count: 10}}
      - id: chat
        name: Chat
        entries: 10
        next: {solved: 5}
        business: {first_response_time: {unit: minutes, mean: 2, count: 10}}
      - id: mail
        name: Mail
        entries: 10
        next: {solved: 5}
        business: {first_response_time: {unit: seconds, mean: 10, count: 10}}
      - {id: solved, name: Solved, goal: true}
"""


class _Tables(HTMLParser):
    """The cells of every ``jm-sortable`` table: (table id, class, data-value, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, str | None, str]] = []
        self._table: str | None = None
        self._cell: tuple[str, str | None] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and "jm-sortable" in (a.get("class") or ""):
            self._table = a.get("id") or ""
        elif tag == "td" and self._table is not None:
            self._cell, self._text = (a.get("class") or "", a.get("data-value")), ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "td" and self._cell is not None and self._table is not None:
            self.cells.append((self._table, *self._cell, self._text))
            self._cell = None


def _cells(html: str) -> list[tuple[str, str, str | None, str]]:
    parser = _Tables()
    parser.feed(html)
    return parser.cells


@pytest.mark.parametrize("name", ["support.yaml", "retention.yaml", "first-purchase.yaml"])
def test_every_numeric_cell_of_every_sortable_table_has_its_number(name: str) -> None:
    html = render_loaded(load_map(MAPS / name), "report", "html", samples=20).decode("utf-8")
    cells = _cells(html)
    tables = {t for t, *_ in cells}
    assert {"leak-table", "survey-table"} <= tables
    assert name != "support.yaml" or {"service-table", "stage-survey-table"} <= tables
    assert name != "retention.yaml" or "business-table" in tables
    missing = [
        (t, text)
        for t, cls, value, text in cells
        if cls == "n" and text not in (MISSING, "") and not value
    ]
    assert missing == []
    # and a number in the text where a value is: the value is that cell's figure
    for _, cls, value, text in cells:
        if cls == "n" and value is not None and text != MISSING:
            assert re.search(r"\d", text), text


def test_service_times_sort_by_their_length_in_seconds(write: WriteFile) -> None:
    loaded = load_map(write("help.yaml", SERVICE))
    html = render_loaded(loaded, "report", "html", samples=0).decode("utf-8")
    service = [c for c in _cells(html) if c[0] == "service-table"]
    rows = [service[i : i + 8] for i in range(0, len(service), 8)]
    assert [(r[0][3], r[2][3], r[2][2]) for r in rows] == [
        ("Phone", "90.0", "90.0"),
        ("Chat", "2.0", "120.0"),
        ("Mail", "10.0", "10.0"),
    ]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from tests.render.cdp import Browser

    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_browser_sorts_the_service_table_by_number(browser: object, write: WriteFile) -> None:
    from tests.render.cdp import Browser

    assert isinstance(browser, Browser)
    loaded = load_map(write("help.yaml", SERVICE))
    page = write("help.html", "")
    page.write_bytes(render_loaded(loaded, "report", "html", samples=0))
    browser.open(page.as_uri())
    names = (
        "[...document.querySelectorAll('#service-table tbody tr')].map(r => r.cells[0].textContent)"
    )
    assert browser.evaluate(names) == ["Phone", "Chat", "Mail"]
    browser.evaluate("document.querySelectorAll('#service-table th')[2].click()")  # Mean
    assert browser.evaluate(names) == ["Mail", "Phone", "Chat"]  # 10 s, 90 s, 2 min
    browser.evaluate("document.querySelectorAll('#service-table th')[2].click()")
    assert browser.evaluate(names) == ["Chat", "Phone", "Mail"]
    assert browser.problems() == []
