"""The canvas' shortcuts of issue 14 (`canvas`) give the same sizes and lines as the long way."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.render import linebreak
from journeymap.render.canvas_writer import Box, Writer
from journeymap.render.mpl import Measurer, fit, new_figure

texts = st.text(alphabet="Touchpint 12(web)•\u00a0\nмаршрут", min_size=0, max_size=60)
"""Latin and Cyrillic (the measurer outside a style has DejaVu Sans only)."""
boxes = st.builds(Box, st.just(1.0), st.just(5.0), st.floats(0.05, 1.5), st.floats(0.1, 1.0))


def _writer() -> Writer:
    return Writer(new_figure(16.54, 11.69), (16.54, 11.69), "en")


@given(st.lists(st.tuples(boxes, texts), max_size=12), st.sampled_from([6.5, 9.5, 10.5]))
@settings(max_examples=150, deadline=None)
def test_a_lanes_size_is_the_smallest_size_of_its_cells(
    cells: list[tuple[Box, str]], size: float
) -> None:
    wr = _writer()
    every = min([wr.size_for(b, t, size, pad=0.07) for b, t in cells] or [size])
    assert wr.lane_size(cells, size, pad=0.07) == every


def _width(m: Measurer, text: str, size: float) -> float:
    return m.width(text, size)


def _fit_the_long_way(
    m: Measurer, text: str, width: float, height: float, size: float, min_size: float
) -> tuple[list[str], float, bool]:
    """`fit` as it was before issue 14: the whole wrap at each size tried."""
    s = size
    while True:
        w = linebreak.wrap(text, width, functools.partial(_width, m, size=s), lang=m.lang)
        lines = w.texts
        if ((len(lines) - 1) * s * 1.22 + 1.25 * s <= height and not w.broke) or s <= min_size:
            break
        s = max(round(s - 0.5, 2), min_size)
    max_lines = 1
    while max_lines * s * 1.22 + 1.25 * s <= height:
        max_lines += 1
    if len(lines) <= max_lines:
        return lines, s, False
    kept = lines[:max_lines]
    last = kept[-1]
    while last and m.width(last + "…", s) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept, s, True


@given(texts, st.floats(2.0, 120.0), st.floats(4.0, 80.0), st.sampled_from([5.5, 9.5]))
@settings(max_examples=200, deadline=None)
def test_fit_wraps_only_the_lines_a_box_holds_and_finds_the_same(
    text: str, width: float, height: float, size: float
) -> None:
    m = Measurer(new_figure(4, 4), lang="en")
    assert fit(m, text, width, height, size) == _fit_the_long_way(m, text, width, height, size, 5.5)


def test_a_poster_of_hundreds_of_columns_cuts_each_cell_after_the_lines_it_holds() -> None:
    # a 3.5-point column holds one character a line: the first lines, then "…"
    m = Measurer(new_figure(4, 4), lang="en")
    lines, size, cut = fit(m, "Touchpoint 12 (web)", 3.5, 40.0, 10.5)
    assert (size, cut) == (5.5, True)
    assert len(lines) == 5 and lines[-1].endswith("…")
