"""The interactive report in headless Chromium: tooltips, persona and scenario switch, sorting,
filtering, zoom, print styles, no request off the page, and the static page without scripting."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeymap.figures import integer, number
from journeymap.i18n import language_for, translator
from journeymap.io import is_map_document, load_map
from journeymap.render.build import render_loaded
from journeymap.render.report_data import CTX
from tests.render.cdp import Browser
from tests.support import MAPS, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXAMPLES = sorted(p for p in [*MAPS.glob("*.yaml"), *MAPS.glob("*/*.yaml")] if is_map_document(p))
"""Every example map in every language (a new maps/<lang>/ map is picked up by the glob)."""
FIRST = MAPS / "first-purchase.yaml"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


def _page(tmp: Path, path: Path) -> Path:
    out = tmp / f"{path.stem}.html"
    out.write_bytes(render_loaded(load_map(path), "report", "html", samples=50))
    return out


def _open(b: Browser, page: Path, *, scripts: bool = True) -> None:
    """:meth:`Browser.open` with the Network domain on (every request is recorded) and,
    with ``scripts=False``, JavaScript disabled before the page loads."""
    target = b.send("Target.createTarget", {"url": "about:blank"}, session=False)
    attached = b.send(
        "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False
    )
    b.session = attached["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        b.send(f"{domain}.enable")
    b.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
    )
    if not scripts:
        b.send("Emulation.setScriptExecutionDisabled", {"value": True})
    b.events.clear()
    b.send("Page.navigate", {"url": page.as_uri()})
    b.wait_event("Page.loadEventFired")


def _analysis(path: Path, *args: str) -> dict[str, Any]:
    r = run_cli("analyze", str(path), "--format", "json", "--samples", "50", *args)
    assert r.code in (0, 1), r.err
    data: dict[str, Any] = json.loads(r.out)
    return data


def _first_number(text: str, lang: str = "en") -> float:
    """The first number of a figure as written in `lang` (its separators read from figures.py:
    ``38,000`` and ``75.5%`` in English, ``38 000`` and ``75,5 %`` where CLDR says so)."""
    group, decimal = integer(1000, lang=lang)[1:-3], number(1.5, 1, lang=lang)[1]
    m = re.search(rf"\d(?:[\d{re.escape(group)}]*\d)?(?:{re.escape(decimal)}\d+)?", text)
    assert m is not None, text
    return float(m.group().replace(group, "").replace(decimal, "."))


HOVER = """((tid) => {
  const D = JSON.parse(document.getElementById('jm-data').textContent);
  const name = Object.keys(D.nodes).find(k => D.nodes[k] === tid);
  const g = [...document.querySelectorAll('#graph-view g.node')]
    .find(n => n.querySelector('title').textContent === name);
  g.scrollIntoView({block: 'center', inline: 'center'});
  const r = g.querySelector('polygon, path, ellipse, text').getBoundingClientRect();
  return {x: r.left + r.width / 2, y: r.top + r.height / 2};
})"""

TIP = """(() => { const t = document.getElementById('jm-tip');
  const dt = [...t.querySelectorAll('dt')].map(e => e.textContent);
  const dd = [...t.querySelectorAll('dd')].map(e => e.textContent);
  return {hidden: t.hidden, title: t.querySelector('strong').textContent,
          fields: Object.fromEntries(dt.map((k, i) => [k, dd[i]]))}; })()"""

CURVE = """[...document.querySelectorAll('#jm-curve circle')].map(
  c => [c.dataset.touchpoint, Number(c.dataset.emotion)])"""


def _hover(b: Browser, tid: str) -> dict[str, Any]:
    at = b.evaluate(f"{HOVER}({json.dumps(tid)})")
    b.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": at["x"], "y": at["y"]})
    tip: dict[str, Any] = b.evaluate(TIP)
    return tip


def _choose(b: Browser, select: str, index: int) -> None:
    b.evaluate(
        f"(() => {{ const s = document.getElementById('{select}'); s.value = '{index}';"
        " s.dispatchEvent(new Event('change')); })()"
    )


def _written_emotions(path: Path, persona: str | None) -> dict[str, float]:
    """The emotions as the YAML writes them: the persona's own number, else the one number."""
    loaded = load_map(path)  # includes resolved (personas may come from a shared file)
    out = {}
    for _, tp in loaded.map.iter_touchpoints():
        e = tp.emotion
        if isinstance(e, dict):
            if persona in e:
                out[tp.id] = float(e[persona])
        elif e is not None:
            out[tp.id] = float(e)
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(MAPS)))
def test_hover_shows_the_figures_of_analyze_and_the_persona_switch_moves_the_curve(
    browser: Browser, tmp_path: Path, path: Path
) -> None:
    _open(browser, _page(tmp_path, path))
    doc = _analysis(path)
    lang = language_for(None, load_map(path).map.language)
    t = translator(lang)
    top = doc["leaks"][0]["touchpoint"]
    figures = next(x for x in doc["touchpoints"] if x["id"] == top)
    tip = _hover(browser, top)
    assert not tip["hidden"] and tip["title"] == figures["name"]
    fields = tip["fields"]
    assert _first_number(fields[t.pgettext(CTX, "Visits")], lang) == figures["visits"]
    assert _first_number(fields[t.pgettext(CTX, "Exits")], lang) == figures["exits"]
    drop = _first_number(fields[t.pgettext(CTX, "Drop-off (95% interval)")], lang)
    assert drop == pytest.approx(100 * figures["drop_off"], abs=0.05)
    lost = _first_number(fields[t.pgettext(CTX, "Conversions lost")], lang)
    assert lost == pytest.approx(doc["leaks"][0]["lost_conversions"], abs=0.05)

    personas = [p.id for p in load_map(path).map.personas]
    for i, persona in enumerate(personas, start=1):
        _choose(browser, "jm-persona", i)
        shown = dict(browser.evaluate(CURVE))
        assert shown == _written_emotions(path, persona), persona
    if not personas:
        assert dict(browser.evaluate(CURVE)) == _written_emotions(path, None)
    assert browser.problems() == []


def _requests(b: Browser) -> list[str]:
    return [
        e["params"]["request"]["url"]
        for e in b.events
        if e.get("method") == "Network.requestWillBeSent"
    ]


LEAK_NAMES = (
    "[...document.querySelectorAll('#leak-table tbody tr')].map(r => r.cells[1].textContent)"
)


def test_scenario_switch_sorting_filtering_zoom_print_and_no_request_off_the_page(
    browser: Browser, tmp_path: Path
) -> None:
    page = _page(tmp_path, FIRST)
    _open(browser, page)
    assert browser.evaluate(LEAK_NAMES) == [x["name"] for x in _analysis(FIRST)["leaks"]]
    _choose(browser, "jm-scenario", 2)  # To be
    to_be = _analysis(FIRST, "--scenario", "to-be")
    assert browser.evaluate(LEAK_NAMES) == [x["name"] for x in to_be["leaks"]]
    # the graph is the map as written: a touchpoint the scenario removes says so
    assert _hover(browser, "payment")["fields"] == {"Not in this scenario": ""}
    summary = browser.evaluate("document.querySelector('#summary dd').textContent")
    assert _first_number(summary) == to_be["summary"]["entries"]

    # sort by exits (column 3), numeric by data-value: ascending, then descending
    exits = "[...document.querySelectorAll('#leak-table tbody tr')].map(r => Number(r.cells[3].dataset.value))"
    browser.evaluate("document.querySelectorAll('#leak-table th')[3].click()")
    shown = browser.evaluate(exits)
    assert shown == sorted(x["exits"] for x in to_be["leaks"])
    browser.evaluate("document.querySelectorAll('#leak-table th')[3].click()")
    assert browser.evaluate(exits) == sorted(shown, reverse=True)
    assert (
        browser.evaluate("document.querySelectorAll('#leak-table th')[3].getAttribute('aria-sort')")
        == "descending"
    )

    # the survey table sorts NPS by value (a signed number with an interval), missing ones last
    browser.evaluate("document.querySelectorAll('#survey-table th')[1].click()")
    nps = browser.evaluate(
        "[...document.querySelectorAll('#survey-table tbody tr')].map(r => r.cells[1].dataset.value)"
    )
    known = [float(v) for v in nps if v is not None]
    surveys = _analysis(FIRST)["surveys"].values()  # the survey table is the map's, not switched
    want = [s["nps"]["value"] for s in surveys if s.get("nps", {}).get("value") is not None]
    assert known == pytest.approx(sorted(want)) and nps[len(known) :] == [None] * (
        len(nps) - len(known)
    )

    # the filter hides the rows without the text
    browser.evaluate(
        "(() => { const f = document.querySelector('#leak-table').previousElementSibling;"
        " f.value = 'email'; f.dispatchEvent(new Event('input')); })()"
    )
    visible = browser.evaluate(
        "[...document.querySelectorAll('#leak-table tbody tr')].filter(r => !r.hidden)"
        ".map(r => r.cells[1].textContent)"
    )
    assert visible and all("email" in name.lower() for name in visible)
    assert len(visible) < len(to_be["leaks"])

    # zoom: the + button narrows the viewBox, an arrow key pans it, fit restores it
    box = "document.querySelector('#graph-view svg').getAttribute('viewBox').split(' ').map(Number)"
    full = browser.evaluate(box)
    browser.evaluate("document.querySelectorAll('#jm-zoom button')[0].click()")
    zoomed = browser.evaluate(box)
    assert zoomed[2] == pytest.approx(full[2] * 0.8, rel=1e-3)
    browser.evaluate(
        "document.querySelector('#graph-view svg').dispatchEvent("
        "new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}))"
    )
    assert browser.evaluate(box)[0] == pytest.approx(zoomed[0] + 0.1 * zoomed[2], rel=1e-3)
    browser.evaluate("document.querySelectorAll('#jm-zoom button')[2].click()")
    assert browser.evaluate(box) == pytest.approx(full)

    # print: no controls, no tooltip, a page break before every section but the first
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    printed = browser.evaluate(
        "(() => ({controls: getComputedStyle(document.getElementById('jm-controls')).display,"
        " zoom: getComputedStyle(document.getElementById('jm-zoom')).display,"
        " filter: getComputedStyle(document.querySelector('.jm-filter')).display,"
        " breaks: [...document.querySelectorAll('main > section')].map(s => getComputedStyle(s).breakBefore)}))()"
    )
    browser.send("Emulation.setEmulatedMedia", {"media": ""})
    assert printed["controls"] == printed["zoom"] == printed["filter"] == "none"
    assert printed["breaks"][0] == "auto" and set(printed["breaks"][1:]) == {"page"}

    requests = _requests(browser)
    assert requests and all(u == page.as_uri() or u.startswith("data:") for u in requests), requests
    assert browser.problems() == []


def test_without_javascript_the_page_is_the_static_report(browser: Browser, tmp_path: Path) -> None:
    _open(browser, _page(tmp_path, FIRST), scripts=False)
    state = browser.evaluate(
        "(() => ({controls: document.getElementById('jm-controls').hidden,"
        " inputs: document.querySelectorAll('input, select, button').length,"
        " rows: document.querySelectorAll('#leak-table tbody tr').length,"
        " summary: [...document.querySelectorAll('#summary dd')].map(d => d.textContent),"
        " curve: getComputedStyle(document.getElementById('jm-curve')).display,"
        " sections: [...document.querySelectorAll('main > section')].map(s => s.id),"
        " graph: document.querySelector('#graph-view svg').getBoundingClientRect().width}))()"
    )
    doc = _analysis(FIRST)
    assert state["controls"] is True and state["inputs"] == 0 and state["curve"] == "none"
    assert state["rows"] == len(doc["leaks"])
    assert _first_number(state["summary"][0]) == doc["summary"]["entries"]
    assert state["sections"][:3] == ["graph", "leaks", "figures"] or state["sections"][:2] == [
        "graph",
        "leaks",
    ]
    assert state["graph"] > 1000  # the graph at its own size, scrolled sideways as before
    assert browser.problems() == []
