"""Every view renders for the example maps in maps/ (text views and SVG; all formats elsewhere).

Every view of every map is drawn by ``make gallery`` / ``make demo``; here the translations and
the smaller maps get the views that differ between them, to keep the suite fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from journeymap.io import is_map_document, load_map
from journeymap.render import NEEDS_ARMS, VIEWS
from journeymap.render.build import render_loaded
from tests.support import MAPS

EXAMPLES = sorted(p for p in MAPS.rglob("*.yaml") if is_map_document(p))
CHEAP = {
    "graph": "svg",
    "canvas": "svg",
    "funnel": "svg",
    "leaks": "svg",
    "scores": "svg",
    "emotions": "svg",
    "mermaid": "mmd",
    "mermaid-flow": "mmd",
    "report": "html",
    "opportunities": "svg",
}


def test_the_examples_are_found() -> None:
    names = {p.name for p in EXAMPLES}
    assert {
        "first-purchase.yaml",
        "first-purchase.ru.yaml",
        "first-purchase.zh.yaml",
        "first-purchase.lv.yaml",
        "first-purchase.zh-Hant.yaml",
    } <= names
    # the experiment view: tests/render/test_forest.py; trend: tests/render/test_trend_chart.py;
    # deck: tests/render/test_deck.py; cohorts (a log, no map): tests/events/test_render_cohorts.py
    assert set(CHEAP) == set(VIEWS) - NEEDS_ARMS - {"trend", "deck", "cohorts"}


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(Path(p).relative_to(MAPS)))
def test_every_view_renders(path: Path) -> None:
    loaded = load_map(path)
    full = path.name in (
        "first-purchase.yaml",
        "first-purchase.zh.yaml",
        "first-purchase.zh-Hant.yaml",
        "support.yaml",
    )
    for view, fmt in CHEAP.items():
        if view == "report" and path.name not in (
            "first-purchase.yaml",
            "first-purchase.zh-Hant.yaml",
        ):
            continue  # the report draws every other view again; one map is enough here
        if not full and view in ("canvas", "funnel", "leaks", "scores"):
            continue  # translations share the structure; their glyphs: test_fonts.py
        data = render_loaded(loaded, view, fmt, samples=50)
        assert len(data) > 200, view
        if fmt == "svg":
            assert data.startswith(b"<?xml"), view


def test_scenarios_and_overlay_render() -> None:
    fp = MAPS / "first-purchase.yaml"
    loaded = load_map(fp, scenario="to-be")
    assert render_loaded(loaded, "graph", "dot").startswith(b"digraph")
    overlay = next((MAPS / "overlays").glob("*.yaml"))
    with_data = load_map(fp, data=overlay)
    assert b"numbers from an overlay" in render_loaded(with_data, "graph", "svg")
    curves = render_loaded(load_map(fp), "emotions", "svg", curves="scenario")
    assert curves.startswith(b"<?xml")
