"""Fonts: the CJK, Cyrillic and Latvian maps use fonts that cover their characters."""

from __future__ import annotations

import pytest

from journeymap.io import load_map
from journeymap.render import render
from journeymap.render.fonts import cmap, is_cjk, plan_fonts
from journeymap.render.scene import map_text
from tests.render.support import DATA, scene_of


@pytest.mark.parametrize(
    ("name", "cjk_first"),
    [("zh.yaml", True), ("ru.yaml", False), ("lv.yaml", False), ("shop.yaml", False)],
)
def test_the_font_plan_covers_every_character_of_the_map(name: str, cjk_first: bool) -> None:
    text = map_text(load_map(DATA / name).map)
    plan = plan_fonts(text)
    assert plan.missing == set()
    assert any(is_cjk(c) for c in plan.families[0]) or (
        ("WenQuanYi" in plan.families[0]) == cjk_first
    )
    covered: set[int] = set()
    for f in plan.files:
        covered |= cmap(f.path, f.index)
    needed = {ord(c) for c in text if not c.isspace()}
    assert needed <= covered


def test_matplotlib_resolves_the_planned_families_to_the_planned_files() -> None:
    from matplotlib.font_manager import FontProperties, findfont

    from journeymap.render.fonts import register_with_matplotlib

    plan = plan_fonts(map_text(load_map(DATA / "zh.yaml").map))
    register_with_matplotlib(plan)
    path = findfont(FontProperties(family=plan.families[0]), fallback_to_default=False)
    assert path == plan.files[0].path
    table = cmap(path, plan.files[0].index)
    assert all(ord(c) in table for c in "网店首次购买旅程结算")


@pytest.mark.parametrize(
    ("name", "views"),
    [
        ("zh.yaml", ("graph", "canvas")),
        ("ru.yaml", ("graph", "emotions")),
        ("lv.yaml", ("graph", "emotions")),
    ],
)
def test_pdfs_embed_the_covering_font(name: str, views: tuple[str, ...]) -> None:
    s = scene_of(name)
    family = s.fonts.families[0].replace(" ", "")
    for view in views:
        pdf = render(s, view, "pdf")
        assert family.encode() in pdf, (view, family)


def test_graphviz_svg_names_the_planned_font() -> None:
    svg = render(scene_of("zh.yaml"), "graph", "svg").decode()
    assert 'font-family="WenQuanYi Micro Hei' in svg
    assert "网店首次购买旅程" in svg


def test_matplotlib_png_draws_glyphs_not_boxes() -> None:
    """A CJK label drawn with the plan's fonts differs from the same label drawn as 'tofu'."""
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from journeymap.render.mpl import style

    s = scene_of("zh.yaml")

    def draw(text: str, family: list[str] | None) -> bytes:
        with style(s):
            fig = Figure(figsize=(2, 0.6))
            fig.text(0.05, 0.3, text, fontsize=14, fontfamily=family)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=80)
        return Image.open(io.BytesIO(buf.getvalue())).convert("L").tobytes()

    glyphs_a = draw("结算", None)
    glyphs_b = draw("支付", None)
    assert glyphs_a != glyphs_b  # two different characters look different: real glyphs
