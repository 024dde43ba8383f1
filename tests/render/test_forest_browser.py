"""The report's experiment section in headless Chromium: no console message, the forest plot
decodes and is visible, and so are the experiment tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from journeymap.render import render
from tests.render.cdp import Browser
from tests.render.support import scene_of
from tests.render.test_browser import VISIBLE
from tests.render.test_forest import rail, small

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_experiment_section_loads_and_shows(
    browser: Browser, tmp_path: Path, theme: str
) -> None:
    s = scene_of("shop.yaml", theme=theme)
    s.experiment = replace(small(), guardrails=(rail("ces", -0.4, "holds", worse="lower"),))
    page = tmp_path / "report.html"
    page.write_bytes(render(s, "report", "html"))
    browser.open(page.as_uri())
    state = browser.evaluate(VISIBLE)
    assert browser.problems() == []
    forest = [i for i in state["imgs"] if i["alt"].startswith("Forest plot")]
    assert len(forest) == 1 and forest[0]["ok"] and forest[0]["visible"], state["imgs"]
    tables = {t["id"]: t for t in state["tables"]}
    for tid, rows in (
        ("experiment-arms", 3),
        ("experiment-comparisons", 2),
        ("experiment-guardrails", 2),
    ):
        assert tables[tid]["visible"] and tables[tid]["rows"] == rows, tables
