"""Every persona on the poster, and an emotion curve per persona with the share-weighted curve
across them (issue 15)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from matplotlib.lines import Line2D

from journeymap.model import JourneyMap
from journeymap.render import build_scene, render
from journeymap.render.canvas import draw_canvas
from journeymap.render.mpl import new_figure, style
from journeymap.render.persona_cards import card_boxes, header_height, persona_grid
from journeymap.render.persona_curves import emotion_axes
from journeymap.render.scene import PAGES, Scene

NAMES = (
    "Anna",
    "Boris",
    "Chen",
    "Dace",
    "Elif",
    "Femi",
    "Goran",
    "Hana",
    "Ivo",
    "Jun",
    "Kaja",
    "Liang",
    "Maris",
)


def persona_map(n: int, **extra: Any) -> JourneyMap:
    personas = [{"id": f"p{i}", "name": NAMES[i], "goals": ["Pay less"]} for i in range(n)]
    return JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "personas",
            "title": "Personas",
            "personas": personas,
            "stages": [
                {
                    "id": "buy",
                    "name": "Buy",
                    "touchpoints": [
                        {"id": "cart", "name": "Cart", "emotion": 1},
                        {"id": "checkout", "name": "Checkout", "emotion": -1},
                    ],
                }
            ],
            **extra,
        }
    )


def svg_texts(svg: bytes) -> list[str]:
    """The texts of a poster: matplotlib writes each text as a comment before its glyphs."""
    return [html.unescape(t) for t in re.findall(r"<!-- (.*?) -->", svg.decode(), re.S)]


@pytest.mark.parametrize("page", ["A3", "A4"])
@pytest.mark.parametrize("n", [1, 3, 4, 7, 13])
def test_every_persona_is_drawn_or_named_in_the_footer(n: int, page: str) -> None:
    svg = render(build_scene(persona_map(n), page=page), "canvas", "svg")
    texts = svg_texts(svg)
    drawn = [name for name in NAMES[:n] if name in texts]
    footer = [t for t in texts if "not shown" in t]
    # 12 fit on A4 (two rows of six), 18 on A3 (three rows): only 13 personas on A4 overflow
    if (n, page) == (13, "A4"):
        assert drawn == list(NAMES[:12])
        assert len(footer) == 1 and "1 more persona not shown: Maris" in footer[0]
    else:
        assert drawn == list(NAMES[:n]) and footer == []


@pytest.mark.parametrize(
    ("n", "page", "rows", "cols", "shown"),
    [
        (1, "A3", 0, 1, 1),
        (3, "A4", 0, 3, 3),
        (4, "A3", 1, 4, 4),
        (7, "A3", 2, 4, 7),
        (12, "A4", 2, 6, 12),
        (13, "A4", 2, 6, 12),
        (13, "A3", 3, 5, 13),
    ],
)
def test_persona_grid_by_hand(n: int, page: str, rows: int, cols: int, shown: int) -> None:
    grid = persona_grid(n, page)
    assert (grid.rows, grid.cols, grid.shown, grid.hidden) == (rows, cols, shown, n - shown)


@pytest.mark.parametrize(("n", "page"), [(3, "A3"), (7, "A3"), (13, "A3"), (13, "A4")])
def test_cards_stay_on_the_page_apart_and_above_the_lanes(n: int, page: str) -> None:
    W, H = PAGES[page]
    k = W / PAGES["A3"][0]
    margin = 0.35 * k
    grid = persona_grid(n, page)
    boxes = card_boxes(grid, (W, H), margin, k)
    assert len(boxes) == grid.shown
    stage_row = H - margin - header_height(grid, k)
    for b in boxes:
        assert margin - 1e-9 <= b.x and b.x + b.w <= W - margin + 1e-9
        assert b.y <= H - margin + 1e-9 and b.y - b.h >= stage_row - 1e-9
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart_x = a.x + a.w <= b.x + 1e-9 or b.x + b.w <= a.x + 1e-9
            apart_y = a.y - a.h >= b.y - 1e-9 or b.y - b.h >= a.y - 1e-9
            assert apart_x or apart_y


def test_the_header_grows_and_the_lanes_move_down() -> None:
    def stage_top(n: int) -> float:
        scene = build_scene(persona_map(n))
        with style(scene):
            fig = draw_canvas(scene)
        # the stage heading "Buy" is the first text under the header
        (buy,) = [t for t in fig.texts if t.get_text() == "Buy"]
        return float(buy.get_position()[1])

    one, seven, thirteen = stage_top(1), stage_top(7), stage_top(13)
    # two rows of cards (0.95 in each on A3) push the stage row down by 1.9 in, three by 2.85
    H = PAGES["A3"][1]
    assert (one - seven) * H == pytest.approx(2 * 0.95, abs=1e-6)
    assert (one - thirteen) * H == pytest.approx(3 * 0.95, abs=1e-6)


# ------------------------------------------------------------------------ curves per persona


def two_personas(shares: tuple[float, float] | None = (0.25, 0.75)) -> Scene:
    personas: list[dict[str, Any]] = [{"id": "a", "name": "Anna"}, {"id": "b", "name": "Boris"}]
    if shares is not None:
        for p, s in zip(personas, shares, strict=True):
            p["share"] = s
    m = JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "two",
            "title": "Two",
            "personas": personas,
            "stages": [
                {
                    "id": "buy",
                    "name": "Buy",
                    "touchpoints": [
                        {"id": "cart", "name": "Cart", "emotion": {"a": 2, "b": -2}},
                        {"id": "pay", "name": "Pay", "emotion": {"a": 1, "b": 1}},
                    ],
                }
            ],
        }
    )
    return build_scene(m)


def drawn_curves(lines: list[Line2D]) -> dict[str, list[tuple[float, float]]]:
    return {
        str(ln.get_label()): list(zip(ln.get_xdata(), ln.get_ydata(), strict=True))  # type: ignore[arg-type]
        for ln in lines
        if not str(ln.get_label()).startswith("_")
    }


def test_average_curve_is_share_weighted_on_the_poster() -> None:
    scene = two_personas()
    with style(scene):
        fig = draw_canvas(scene)
        legend = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    (ax,) = fig.axes
    curves = drawn_curves(ax.get_lines())
    # by hand: 0.25 * 2 + 0.75 * (-2) = -1 at the cart (the shares add up to 1), 1 at pay
    assert curves["all personas, weighted by share"] == [(0.0, -1.0), (1.0, 1.0)]
    assert curves["Anna (25%)"] == [(0.0, 2.0), (1.0, 1.0)]
    assert curves["Boris (75%)"] == [(0.0, -2.0), (1.0, 1.0)]
    assert legend[:3] == ["Anna (25%)", "Boris (75%)", "all personas, weighted by share"]


def test_average_curve_on_the_emotion_chart_and_plain_mean_without_shares() -> None:
    for shares, label, at_cart in [
        ((0.25, 0.75), "all personas, weighted by share", -1.0),
        ((0.5, 0.5), "all personas, weighted by share", 0.0),
        (None, "all personas, plain mean", 0.0),  # no shares: (2 + -2) / 2
    ]:
        scene = two_personas(shares)
        with style(scene):
            ax = new_figure(6, 4).add_axes((0.1, 0.1, 0.8, 0.8))
            emotion_axes(ax, scene, {"cart": 0.0, "pay": 1.0})
        curves = drawn_curves(ax.get_lines())
        assert curves[label][0] == (0.0, at_cart), shares
        # the drawn average is the model's one definition
        assert scene.map.emotion("cart") == at_cart


def test_a_chosen_persona_draws_its_own_curve_only() -> None:
    m = two_personas().map
    scene = build_scene(m, persona="b")
    assert [(c.label, c.average) for c in scene.curves] == [("Boris", False)]


def test_the_example_chart_names_the_personas_with_their_share() -> None:
    from pathlib import Path

    from journeymap.io import load_map

    root = Path(__file__).resolve().parents[2]
    loaded = load_map(root / "maps" / "first-purchase.yaml")
    svg = render(build_scene(loaded.map, loaded.overlay), "emotions", "svg")
    texts = svg_texts(svg)
    # maps/shared/personas.yaml: shares 0.45, 0.35 and 0.20
    for label in (
        "Bargain hunter (45%)",
        "Busy parent (35%)",
        "Gift buyer (20%)",
        "all personas, weighted by share",
    ):
        assert label in texts
