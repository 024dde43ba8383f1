"""Fonts: the CJK, Cyrillic and Latvian maps use fonts that cover their characters."""

from __future__ import annotations

from pathlib import Path

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


# ------------------------------------------------------------------ the example maps, zh-Hant

EXAMPLE_MAPS = Path(__file__).resolve().parents[2] / "maps"
LOCALISED = [
    EXAMPLE_MAPS / "ru" / "first-purchase.ru.yaml",
    EXAMPLE_MAPS / "lv" / "first-purchase.lv.yaml",
    EXAMPLE_MAPS / "zh" / "first-purchase.zh.yaml",
    EXAMPLE_MAPS / "zh-Hant" / "first-purchase.zh-Hant.yaml",
]


@pytest.mark.parametrize("path", LOCALISED, ids=lambda p: p.name)
def test_every_character_of_the_localised_example_maps_has_a_glyph(path: Path) -> None:
    journey_map = load_map(path).map
    text = map_text(journey_map)
    plan = plan_fonts(text, journey_map.language)
    assert plan.missing == set()
    covered: set[int] = set()
    for f in plan.files:
        covered |= cmap(f.path, f.index)
    assert {ord(c) for c in text if not c.isspace()} <= covered


def test_a_traditional_chinese_map_asks_for_a_traditional_family_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from journeymap.render import fonts

    installed = {"DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK TC"}
    monkeypatch.setattr(
        fonts,
        "find_family",
        lambda family: [fonts.FontFile(f"/f/{family}.ttc", family)] if family in installed else [],
    )
    monkeypatch.setattr(fonts, "covers", lambda _font, _chars: set())
    assert plan_fonts("購物車結帳", "zh-Hant").families == ["Noto Sans CJK TC", "DejaVu Sans"]
    assert plan_fonts("购物车结账", "zh-Hans").families == ["Noto Sans CJK SC", "DejaVu Sans"]
    installed.discard("Noto Sans CJK TC")  # no Traditional family: the Simplified list
    assert plan_fonts("購物車結帳", "zh-Hant").families == ["Noto Sans CJK SC", "DejaVu Sans"]


def test_the_traditional_chinese_canvas_draws_glyphs_not_boxes() -> None:
    """Each Traditional character drawn with the map's fonts differs from the others: real
    glyphs (a missing glyph draws the same box for every character)."""
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from journeymap.render.mpl import style
    from journeymap.render.scene import build_scene

    s = build_scene(load_map(LOCALISED[-1]).map)

    def draw(text: str) -> bytes:
        with style(s):
            fig = Figure(figsize=(0.6, 0.6))
            fig.text(0.1, 0.3, text, fontsize=14)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=80)
        return Image.open(io.BytesIO(buf.getvalue())).convert("L").tobytes()

    pictures = {draw(c) for c in "購車結帳運費網會員顧"}
    assert len(pictures) == 10
