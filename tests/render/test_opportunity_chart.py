"""The value-versus-effort matrix: labels never meet, quadrants are named, every point left
out is counted, and the same portfolio gives the same bytes."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from journeymap.analysis.opportunities import portfolio
from journeymap.analysis.run import Options
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.model import JourneyMap
from journeymap.render import build_scene, render
from journeymap.render.mpl import style
from journeymap.render.opportunity_chart import Box, matrix_figure, place_labels
from journeymap.render.scene import Scene
from tests.support import ROOT, run_cli

MAP = ROOT / "maps" / "first-purchase.yaml"


def _crowded_scene(n: int = 24) -> Scene:
    """n opportunities on two touchpoints with few distinct (effort, value) points."""
    opps = [
        {
            "id": f"idea-{k:02d}",
            "text": f"Idea {k}",
            "owner": "Team",
            "effort": 1 + k % 3,
            "addresses": ["cart" if k % 2 else "home"],
            "expected": {"close_exits": f"{10 + 10 * (k % 2)}%"},
        }
        for k in range(n)
    ]
    doc: dict[str, Any] = {
        "journeymap": 1,
        "id": "m",
        "title": "Crowded",
        "value_per_conversion": 50,
        "stages": [
            {
                "id": "s",
                "name": "S",
                "touchpoints": [
                    {"id": "home", "name": "Home", "entries": 1000, "next": {"cart": 400}},
                    {"id": "cart", "name": "Cart", "next": {"paid": 100, "home": 100}},
                    {"id": "paid", "name": "Paid", "goal": True},
                ],
            }
        ],
        "opportunities": opps,
    }
    jm = JourneyMap.model_validate(doc)
    scene = build_scene(jm)
    scene.portfolio = portfolio(jm, build_graph(jm), options=Options(samples=0))
    return scene


def _label_boxes(scene: Scene) -> tuple[list[Any], list[str]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with style(scene):
        fig, drawn = matrix_figure(scene)
        renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
        texts = [t for ax in fig.axes for t in ax.texts if t.get_gid() == "jm-label"]
        boxes = [t.get_window_extent(renderer) for t in texts]
    return boxes, drawn


def test_no_two_drawn_labels_meet_even_when_crowded() -> None:
    boxes, drawn = _label_boxes(_crowded_scene())
    assert len(boxes) == len(drawn) >= 6  # the test is not vacuous: several labels drawn
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)


def test_the_example_map_labels_every_point_without_overlap() -> None:
    loaded = load_map(MAP)
    jm = loaded.map
    graphs = {"to-be": build_graph(load_map(MAP, scenario="to-be").map)}
    scene = build_scene(jm)
    scene.portfolio = portfolio(jm, build_graph(jm), graphs, Options(samples=0))
    boxes, drawn = _label_boxes(scene)
    ranked = [p for p in scene.portfolio.opportunities if p.rank is not None]
    assert drawn == [f"#{p.rank} {p.id}" for p in ranked]  # 6 ranked, 6 labels
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)


def test_place_labels_is_greedy_and_deterministic() -> None:
    points = [(100.0, 100.0)] * 12
    sizes = [(40.0, 12.0)] * 12
    bounds = Box(0, 0, 300, 300)
    a = place_labels(points, sizes, bounds)
    assert a == place_labels(points, sizes, bounds)
    placed = [b for b in a if b is not None]
    assert len(placed) >= 8
    assert all(b.inside(bounds) for b in placed)
    assert not any(x.meets(y) for x, y in itertools.combinations(placed, 2))
    # the first label goes to the first candidate: right of the point, centred on it
    assert a[0] == Box(110.0, 94.0, 150.0, 106.0)
    # in a box too small for any label, none is placed (and the chart counts it)
    assert place_labels([(5.0, 5.0)], [(40.0, 12.0)], Box(0, 0, 20, 20)) == [None]


def test_quadrants_and_footnote_counts(tmp_path: Any) -> None:
    svg = tmp_path / "m.svg"
    r = run_cli("render", str(MAP), "--view", "opportunities", "-o", str(svg), "--samples", "0")
    assert r.code == 0, r.err
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    loaded = load_map(MAP)
    scene = build_scene(loaded.map)
    graphs = {"to-be": build_graph(load_map(MAP, scenario="to-be").map)}
    scene.portfolio = portfolio(loaded.map, build_graph(loaded.map), graphs, Options(samples=0))
    with style(scene):
        fig, _ = matrix_figure(scene)
        FigureCanvasAgg(fig)
        words = [t.get_text() for ax in fig.axes for t in ax.texts] + [
            t.get_text() for t in fig.texts
        ]
    for name in ("Quick wins", "Big bets", "Fill-ins", "Money pits"):
        assert name in words
    assert any("1 not drawn: done." in w and "1 not drawn: dropped." in w for w in words)


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_same_portfolio_same_bytes(fmt: str) -> None:
    a = render(_crowded_scene(8), "opportunities", fmt)
    b = render(_crowded_scene(8), "opportunities", fmt)
    assert a == b and len(a) > 1000


def test_without_a_portfolio_the_view_says_what_it_needs() -> None:
    from journeymap.errors import UsageError

    scene = _crowded_scene(2)
    scene.portfolio = None
    with pytest.raises(UsageError, match="needs the map's opportunity portfolio"):
        render(scene, "opportunities", "svg")
