"""The canvas poster: page sizes, lanes, wrapping without overlap, emotion curves."""

from __future__ import annotations

import re

import pytest

from journeymap.render import render
from journeymap.render.canvas import LANES, draw_canvas
from journeymap.render.mpl import Measurer, fit, new_figure, style, wrap
from tests.render.support import scene_of


@pytest.mark.parametrize(("page", "size"), [("A3", (1190.88, 841.68)), ("A4", (841.68, 595.44))])
def test_pdf_page_is_landscape_a3_or_a4(page: str, size: tuple[float, float]) -> None:
    pdf = render(scene_of("shop.yaml", page=page), "canvas", "pdf")
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    assert (float(box.group(1)), float(box.group(2))) == pytest.approx(size, abs=0.5)


def test_lanes_and_cells_carry_the_qualitative_content() -> None:
    s = scene_of("shop.yaml")
    with style(s):
        fig = draw_canvas(s)
        texts = [" ".join(t.get_text().split()) for t in fig.texts]
    for _, title, _ in LANES:
        assert title in texts
    joined = "\n".join(t.get_text() for t in fig.texts)
    assert "Bargain hunter" in joined and "Goals: Find the lowest price" in joined
    assert "“Looks cheap — is it legit?”" in joined
    assert "•\u00a0Guest checkout" in joined
    assert "12,000 visits" in joined and "drop-off 44%" in joined


def _boxes(fig: object) -> list[tuple[str, tuple[float, float, float, float]]]:
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    out = []
    for t in fig.texts:  # type: ignore[attr-defined]
        if not t.get_text().strip():
            continue
        bb = t.get_window_extent(renderer)
        out.append((t.get_text(), (bb.x0, bb.y0, bb.x1, bb.y1)))
    return out


def test_long_texts_wrap_shrink_or_cut_and_never_overlap() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    s = scene_of("long.yaml", page="A4")
    with style(s):
        fig = draw_canvas(s)
        FigureCanvasAgg(fig)
        boxes = _boxes(fig)
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1 :]:
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (ta[:40], tb[:40])
    assert any("shortened to fit" in t for t, _ in boxes)


def test_fit_respects_width_and_height() -> None:
    s = scene_of("zh.yaml")
    with style(s):
        m = Measurer(new_figure(4, 4))
        text = "Why do I have to create an account before I can pay for one rain jacket? " * 4
        lines = wrap(m, text, 100, 9)
        assert len(lines) > 3 and all(m.width(ln, 9) <= 100 for ln in lines)
        lines2, size, cut = fit(m, text, 100, 40, 9)
        assert cut and lines2[-1].endswith("…") and len(lines2) * size * 1.22 <= 40 + size
        cjk = wrap(m, "为什么必须注册账号才能付款呢我只想买一件雨衣", 60, 10)
        assert len(cjk) > 1 and all(m.width(ln, 10) <= 60 for ln in cjk)


def test_scenario_curves_overlay_as_is_and_to_be() -> None:
    s = scene_of("shop.yaml", curves="scenario")
    assert [c.label for c in s.curves] == ["as-is", "to-be"]
    assert s.curves[0].emotions["checkout"] == -2 and s.curves[1].emotions["checkout"] == 0.5
    with style(s):
        fig = draw_canvas(s)
        labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert labels == ["as-is", "to-be", "pain point"]


def test_persona_curves_by_default_when_emotions_are_per_persona() -> None:
    s = scene_of("shop.yaml")
    assert [c.label for c in s.curves] == ["Bargain hunter", "Busy parent", "all personas"]
    assert [c.average for c in s.curves] == [False, False, True]
    one = scene_of("shop.yaml", persona="busy-parent")
    assert [c.label for c in one.curves] == ["Busy parent"]
    assert one.curves[0].emotions["instagram-ad"] == 0


def test_svg_and_pdf_bytes_are_deterministic() -> None:
    for fmt in ("svg", "png"):  # PDF determinism: see the graph and chart tests
        assert render(scene_of("shop.yaml"), "canvas", fmt) == render(
            scene_of("shop.yaml"), "canvas", fmt
        ), fmt
    svg = render(scene_of("shop.yaml"), "canvas", "svg")
    assert b"<dc:date>" not in svg
