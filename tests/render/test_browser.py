"""The HTML report in headless Chromium: loads, no console errors, pictures and tables visible."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from journeymap.io import load_map
from journeymap.render.build import render_loaded
from tests.render.cdp import Browser
from tests.render.support import DATA

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


def _report(tmp: Path, name: str) -> Path:
    out = tmp / f"{name}.html"
    out.write_bytes(render_loaded(load_map(DATA / name), "report", "html", samples=100))
    return out


VISIBLE = """(() => {
  const vis = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const imgs = [...document.images].map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0,
                                               visible: vis(i)}));
  const tables = [...document.querySelectorAll('table')].map(t => ({id: t.id, visible: vis(t),
                                                                 rows: t.rows.length}));
  return {imgs, tables, title: document.title, scripts: document.scripts.length,
          h1: document.querySelector('h1').textContent};
})()"""


@pytest.mark.parametrize("name", ["shop.yaml", "hostile.yaml", "zh.yaml"])
def test_report_loads_cleanly_and_shows_its_pictures(
    browser: Browser, tmp_path: Path, name: str
) -> None:
    page = _report(tmp_path, name)
    browser.open(page.as_uri())
    state = browser.evaluate(VISIBLE)
    assert browser.problems() == []
    assert state["scripts"] == 2  # the JSON island of the views and the one hashed script
    assert state["h1"] == load_map(DATA / name).map.title  # hostile title shown as written
    assert len(state["imgs"]) >= 3
    assert all(i["ok"] and i["visible"] for i in state["imgs"]), state["imgs"]
    assert all(t["visible"] and t["rows"] > 1 for t in state["tables"]), state["tables"]
    expected = {
        "shop.yaml": ["leak-table", "stage-survey-table", "survey-table"],
        "hostile.yaml": ["leak-table"],
        "zh.yaml": ["leak-table"],
    }[name]
    assert [t["id"] for t in state["tables"]] == expected
    from PIL import Image

    shot = Image.open(io.BytesIO(browser.screenshot())).convert("RGB")
    colors = shot.getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 500  # not blank


def test_the_console_check_can_fail(browser: Browser, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' "
        "content=\"default-src 'none'\"></head><body><script>alert(1)</script>"
        "</body></html>",
        encoding="utf-8",
    )
    browser.open(bad.as_uri())
    problems = browser.problems()
    assert problems and "Content Security Policy" in " ".join(problems)
