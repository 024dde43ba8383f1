"""matplotlib charts: determinism and pictures checked as images where text cannot say it."""

from __future__ import annotations

import io
from typing import Any

import pytest

from journeymap.analysis.survey_figures import SurveyFigures
from journeymap.render import render
from journeymap.render.theme import THEMES
from tests.render.support import analysis_of, ces, csat, nps, scene_of

ANALYSIS = analysis_of(
    "shop.yaml",
    stages={"awareness": 1.0, "consideration": 0.62, "purchase": 0.25},
    leaks=[
        {
            "rank": 1,
            "touchpoint": "checkout",
            "exits": 1000,
            "lost_conversions": 128.0,
            "lost_conversions_interval": [110.0, 150.0],
            "lost_value": 6144.0,
        },
        {
            "rank": 2,
            "touchpoint": "cart",
            "exits": 1000,
            "lost_conversions": 60.0,
            "lost_conversions_interval": [50.0, 70.0],
            "lost_value": 2880.0,
        },
    ],
    surveys={
        "checkout": SurveyFigures(nps=nps(23.5, (17.6, 29.3), n=1000), ces=ces(4.7, 68.1, n=1000)),
        "product-page": SurveyFigures(csat=csat(74.0, 3.9, n=500)),
    },
)


def _image(png: bytes) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def _has_color(img: Any, hex_color: str, tolerance: int = 6) -> int:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    count = 0
    for pr, pg, pb in img.get_flattened_data():
        if abs(pr - r) <= tolerance and abs(pg - g) <= tolerance and abs(pb - b) <= tolerance:
            count += 1
    return count


@pytest.mark.parametrize("view", ["funnel", "leaks", "scores", "emotions"])
def test_charts_are_deterministic_in_svg_and_pdf(view: str) -> None:
    for fmt in ("svg", "pdf") if view == "funnel" else ("svg",):
        a = render(scene_of("shop.yaml", analysis=ANALYSIS), view, fmt)
        b = render(scene_of("shop.yaml", analysis=ANALYSIS), view, fmt)
        assert a == b, (view, fmt)


def test_leaks_chart_draws_the_top_leaks_in_the_strong_colour() -> None:
    img = _image(render(scene_of("shop.yaml", analysis=ANALYSIS), "leaks", "png"))
    assert _has_color(img, THEMES["light"].leak_strong) > 2000  # two bars
    assert _has_color(img, THEMES["light"].accent) > 50  # the cumulative line


def test_funnel_bar_lengths_follow_reach() -> None:
    """Bars are centred, so each row's accent-coloured width is proportional to its reach."""
    img = _image(render(scene_of("shop.yaml", analysis=ANALYSIS), "funnel", "png"))
    accent = THEMES["light"].accent
    r, g, b = (int(accent[i : i + 2], 16) for i in (1, 3, 5))
    widths = []
    for y in range(img.height):
        row = [img.getpixel((x, y)) for x in range(img.width)]
        n = sum(1 for p in row if abs(p[0] - r) < 6 and abs(p[1] - g) < 6 and abs(p[2] - b) < 6)
        widths.append(n)
    bands = sorted({w for w in widths if w > 20}, reverse=True)
    full = bands[0]
    assert any(abs(w / full - 0.62) < 0.05 for w in bands)
    assert any(abs(w / full - 0.25) < 0.05 for w in bands)


def test_dark_theme_background() -> None:
    img = _image(render(scene_of("shop.yaml", theme="dark"), "emotions", "png"))
    assert img.getpixel((2, 2)) == (0x1E, 0x1F, 0x24)


def test_views_that_need_the_analysis_say_so() -> None:
    from journeymap.errors import UsageError

    with pytest.raises(UsageError, match="the funnel view needs the analysis"):
        render(scene_of("shop.yaml"), "funnel", "svg")
