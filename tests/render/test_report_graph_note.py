"""A touchpoint a scenario adds has no node in the report's graph (drawn once, for the page's
own scenario): the scenario's view says so, with the count and the names.

first-purchase's ``to-be`` adds one touchpoint (express checkout) and removes one (payment):
on the page of the map as written, the to-be view names the first; on the to-be page, the
views of the map as written and of ``as-is`` name the second.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeymap.io import load_map
from journeymap.render.build import render_loaded
from tests.support import MAPS

FIRST = MAPS / "first-purchase.yaml"


def _island(**kw: Any) -> dict[str, Any]:
    html = render_loaded(load_map(FIRST, **kw), "report", "html", samples=0).decode("utf-8")
    [text] = re.findall(r'<script type="application/json" id="jm-data">(.*?)</script>', html, re.S)
    data: dict[str, Any] = json.loads(text)
    return data


def _names(scenario: str | None) -> dict[str, str]:
    return {tp.id: tp.name for _, tp in load_map(FIRST, scenario=scenario).map.iter_touchpoints()}


def test_the_view_of_a_scenario_names_the_touchpoints_the_graph_lacks() -> None:
    written, to_be = _names(None), _names("to-be")
    added = [to_be[t] for t in to_be if t not in written]  # independent: the two maps' ids
    assert added == ["Express checkout (Apple Pay, Google Pay, PayPal)"]
    data = _island()
    notes = {k: v["not_drawn"] for k, v in data["views"].items()}
    assert data["scenarios"][2] == "To be (2027-Q1 plan)"
    assert {k for k, v in notes.items() if v is not None} == {f"2:{p}" for p in range(4)}
    assert notes["2:0"] == (
        "1 touchpoint of this scenario is not in the graph (it is drawn for “As written”): "
        + added[0]
    )


def test_on_a_scenario_page_the_map_as_written_names_what_the_scenario_removed() -> None:
    data = _island(scenario="to-be")
    notes = {k: v["not_drawn"] for k, v in data["views"].items() if k.endswith(":0")}
    removed = "1 touchpoint of this scenario is not in the graph (it is drawn for “To be (2027-Q1 plan)”): Payment"
    assert notes == {"0:0": removed, "1:0": removed, "2:0": None}


def test_the_note_is_translated() -> None:
    data = _island()
    ru = render_loaded(
        load_map(MAPS / "ru" / "first-purchase.ru.yaml"), "report", "html", samples=0
    ).decode("utf-8")
    assert "1 точка соприкосновения этого сценария не показана на графе" in ru
    assert data["views"]["0:0"]["not_drawn"] is None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.render.cdp import Browser

    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_browser_shows_the_note_with_its_scenario_only(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "first.html"
    page.write_bytes(render_loaded(load_map(FIRST), "report", "html", samples=0))
    browser.open(page.as_uri())
    note = "(() => { const p = document.getElementById('jm-graph-note'); return [p.hidden, p.textContent]; })()"
    assert browser.evaluate(note) == [True, ""]

    def choose(index: int) -> None:
        browser.evaluate(
            "(() => { const s = document.getElementById('jm-scenario');"
            f" s.value = '{index}'; s.dispatchEvent(new Event('change')); }})()"
        )

    choose(2)
    hidden, text = browser.evaluate(note)
    assert not hidden and text.startswith("1 touchpoint of this scenario is not in the graph")
    assert "Express checkout" in text
    choose(0)
    assert browser.evaluate(note) == [True, ""]
    assert browser.problems() == []
