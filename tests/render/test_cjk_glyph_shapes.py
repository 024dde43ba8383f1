"""Chinese glyph shapes: Traditional (Noto Sans CJK TC) for a zh-Hant map, Simplified (Noto
Sans CJK SC) for a zh-Hans one, WenQuanYi when they are absent, and never the Japanese or
Korean faces of the same collection (``fonts-noto-cjk`` holds all five regions in one file).

The plan is tested on a fake font list (any machine); the drawing is tested with the fonts
installed (``.ci/system-deps.sh`` installs ``fonts-noto-cjk``), skipped with the reason when
they are not, and a failure under JOURNEYMAP_NO_SKIP=1 as the browser and Spark tests are.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from journeymap.io import load_map
from journeymap.render import fonts, render
from journeymap.render.fonts import FontFile, cjk_families, find_family, plan_fonts
from journeymap.render.scene import build_scene

ROOT = Path(__file__).resolve().parents[2]
HANT = ROOT / "maps" / "zh-Hant" / "first-purchase.zh-Hant.yaml"
HANS = ROOT / "maps" / "zh" / "first-purchase.zh.yaml"


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """A machine whose fonts are the families in the returned set (edit it in the test)."""
    families = {
        "DejaVu Sans",
        "WenQuanYi Micro Hei",
        "Noto Sans CJK JP",
        "Noto Sans CJK KR",
        "Noto Sans CJK SC",
        "Noto Sans CJK TC",
    }
    monkeypatch.setattr(
        fonts,
        "find_family",
        lambda family: [FontFile("/f/NotoSansCJK.ttc", family)] if family in families else [],
    )
    monkeypatch.setattr(fonts, "covers", lambda _font, _chars: set())
    return families


@pytest.mark.usefixtures("installed")
def test_each_chinese_script_gets_its_own_glyph_shapes() -> None:
    assert plan_fonts("購物車結帳", "zh-Hant").families[0] == "Noto Sans CJK TC"
    assert plan_fonts("购物车结账", "zh-Hans").families[0] == "Noto Sans CJK SC"
    # a map that declares no Chinese language keeps WenQuanYi first, as before
    assert plan_fonts("购物车结账", None).families[0] == "WenQuanYi Micro Hei"
    assert plan_fonts("购物车结账", "ru").families[0] == "WenQuanYi Micro Hei"


def test_wenquanyi_is_the_fallback_when_noto_is_absent(installed: set[str]) -> None:
    installed -= {"Noto Sans CJK TC", "Noto Sans CJK SC"}
    assert plan_fonts("購物車結帳", "zh-Hant").families[0] == "WenQuanYi Micro Hei"
    assert plan_fonts("购物车结账", "zh-Hans").families[0] == "WenQuanYi Micro Hei"


def test_japanese_and_korean_faces_are_never_taken(
    installed: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only JP and KR are installed, and fontconfig's fallback offers the JP face: no CJK
    family is planned (the characters are reported missing instead of drawn in Japanese)."""
    installed.intersection_update({"DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK KR"})
    japanese = FontFile("/f/NotoSansCJK.ttc", "Noto Sans CJK JP")
    monkeypatch.setattr(fonts, "_fc_match", lambda _pattern: japanese)
    monkeypatch.setattr(fonts, "covers", lambda _font, chars: {c for c in chars if ord(c) > 0x7F})
    plan = plan_fonts("購物車", "zh-Hant")
    assert plan.families == ["DejaVu Sans"]
    assert plan.missing == set("購物車")
    assert all(not fonts.is_regional(f) for f in cjk_families("zh-Hant") + cjk_families("zh-Hans"))


def _installed_or_skip(family: str) -> FontFile:
    found = find_family(family)
    if not found:
        reason = f"{family} is not installed (.ci/system-deps.sh installs fonts-noto-cjk)"
        if os.environ.get("JOURNEYMAP_NO_SKIP") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found[0]


def _postscript_name(font: FontFile) -> str:
    """The PostScript name (name id 6) of one face of a font file, read with fontTools: the
    name a PDF embeds (``NotoSansCJKtc-Regular``)."""
    from fontTools.ttLib import TTFont

    face = TTFont(font.path, fontNumber=font.index, lazy=True)
    try:
        return str(face["name"].getDebugName(6))
    finally:
        face.close()


@pytest.mark.parametrize(
    ("path", "family"),
    [(HANT, "Noto Sans CJK TC"), (HANS, "Noto Sans CJK SC")],
    ids=["Hant", "Hans"],
)
def test_the_canvas_pdf_and_graph_svg_name_the_script_font(path: Path, family: str) -> None:
    face = _installed_or_skip(family)
    loaded = load_map(path)
    scene = build_scene(loaded.map, loaded.overlay)
    assert scene.fonts.families[0] == family
    assert (scene.fonts.files[0].path, scene.fonts.files[0].index) == (face.path, face.index)
    pdf = render(scene, "canvas", "pdf")
    embedded = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z0-9\-]+)", pdf))
    assert _postscript_name(face).encode() in embedded, embedded
    assert not any(b"jp" in name.lower() or b"kr" in name.lower() for name in embedded)
    svg = render(scene, "graph", "svg").decode()
    assert f'font-family="{family}' in svg
