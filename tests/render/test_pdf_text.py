"""journeymap.render.pdf writes the bytes matplotlib's own PDF writer writes, faster.

Each figure is saved twice, through matplotlib's writer (``PDF_BACKEND = None``) and through
journeymap's (lines of the same text, font, size and angle replayed), and the files compared.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from journeymap.io import load_map
from journeymap.render import mpl, pdf
from journeymap.render.build import render_loaded
from journeymap.render.fonts import plan_fonts
from journeymap.render.mpl import new_figure, save, themed
from journeymap.render.theme import THEMES

ROOT = Path(__file__).resolve().parents[2]


def _both(monkeypatch: pytest.MonkeyPatch, make: object) -> tuple[bytes, bytes]:
    """The PDF of `make()` through matplotlib's writer, then through journeymap's."""
    monkeypatch.setattr(mpl, "PDF_BACKEND", None)
    stock = make()  # type: ignore[operator]
    monkeypatch.undo()
    assert mpl.PDF_BACKEND is not None
    return stock, make()  # type: ignore[operator]


def _tricky() -> bytes:
    """Repeated lines in other colours, alpha, angles, sizes and clip boxes, fallback fonts
    (Latin, Cyrillic, CJK), ligatures, a link, math text, font features and a language."""
    with themed(THEMES["light"], plan_fonts("Кошик 購物車 office", "zh-Hant")):
        fig = new_figure(6, 4)
        ax = fig.add_axes((0.1, 0.1, 0.5, 0.5))
        ax.set_xlim(0, 1)
        for i, color in enumerate(["black", "#d55e00", (0, 0.4, 0.6, 0.5)]):
            for angle in (0, 30, 90):
                fig.text(0.05 + 0.1 * i, 0.9 - 0.02 * angle / 30, "T", color=color, rotation=angle)
                fig.text(0.4 + 0.1 * i, 0.9, "office\nfi fl\nКошик 購物車", color=color, fontsize=7)
            ax.text(0.9, 0.5 + 0.1 * i, "clipped T", clip_on=True, alpha=0.3 * (i + 1))
            fig.text(0.7, 0.2 + 0.1 * i, "office", fontweight="bold", fontstyle="italic")
        linked = fig.text(0.1, 0.05, "office", url="https://example.org/")
        fig.text(0.3, 0.05, "office", url="https://example.org/")
        fig.text(0.5, 0.05, "$x^2$ office", parse_math=True)
        fig.text(0.7, 0.05, "office", fontfeatures=["-liga"], language="zh-Hant")
        fig.text(0.8, 0.05, "office", fontsize=5.5)
        assert linked.get_url()
        ax.set_yticks([0, 1], ["−2", "+2"])
        return save(fig, "pdf")


def test_a_figure_of_tricky_texts_is_the_same_file(monkeypatch: pytest.MonkeyPatch) -> None:
    stock, ours = _both(monkeypatch, _tricky)
    assert b"/URI (https://example.org/)" in ours  # the links are there, drawn by matplotlib
    assert ours == stock


def test_most_lines_of_the_tricky_figure_are_replayed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The proof above is about replayed lines: of 55 lines, 3 are drawn by matplotlib (two
    links, one math text), 18 are the first of their kind and 34 are replayed."""
    calls = {"lines": 0, "kinds": 0}
    draw, keep = pdf._Renderer.draw_text, pdf._Renderer._draw_and_keep

    def counted_draw(self: pdf._Renderer, *args: Any, **kwargs: Any) -> None:
        calls["lines"] += 1
        draw(self, *args, **kwargs)

    def counted_keep(self: pdf._Renderer, *args: Any) -> bytes | None:
        calls["kinds"] += 1
        return keep(self, *args)

    monkeypatch.setattr(pdf._Renderer, "draw_text", counted_draw)
    monkeypatch.setattr(pdf._Renderer, "_draw_and_keep", counted_keep)
    _tricky()
    assert calls == {"lines": 55, "kinds": 18}


def test_type_1_core_fonts_are_left_to_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    def core() -> bytes:
        with matplotlib.rc_context({"pdf.use14corefonts": True, "font.family": "Helvetica"}):
            fig = new_figure(3, 2)
            for y in (0.2, 0.5, 0.8):
                fig.text(0.1, y, "office T")
            return save(fig, "pdf")

    stock, ours = _both(monkeypatch, core)
    assert b"/Helvetica" in ours and ours == stock


MAPS = [
    "maps/first-purchase.yaml",
    "maps/support.yaml",
    "maps/ru/first-purchase.ru.yaml",
    "maps/zh-Hant/first-purchase.zh-Hant.yaml",
    "tests/render/data/hostile.yaml",
]


@pytest.mark.slow
@pytest.mark.parametrize("path", MAPS)
def test_every_pdf_view_of_a_map_is_the_same_file(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    loaded = load_map(ROOT / path)
    for view in ("canvas", "funnel", "emotions"):
        stock, ours = _both(monkeypatch, lambda v=view: render_loaded(loaded, v, "pdf", samples=0))
        assert ours == stock, view


@pytest.mark.slow
def test_a_poster_of_hundreds_of_columns_is_the_same_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The poster the replay is for: hundreds of cells cut to a character a line."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    bench = importlib.import_module("bench_render")  # the benchmark's own generated map
    path = tmp_path / "g150.yaml"
    path.write_text(bench.generated_map(150), encoding="utf-8")
    loaded = load_map(path)
    stock, ours = _both(monkeypatch, lambda: render_loaded(loaded, "canvas", "pdf"))
    assert ours == stock
