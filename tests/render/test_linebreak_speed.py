"""The shortcuts of issue 14 give the same lines: the bisected cut point is the one the
character-by-character scan found, and `fits` answers what a whole `wrap` would."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.render import linebreak
from journeymap.render.linebreak import _Breaker, cells, fits, wrap


def _advance(text: str) -> float:
    """A proportional measure: narrow i/l, wide m/w and CJK, as a font's advances differ."""
    return sum(
        0.3 if c in "il.," else 1.2 if c in "mwMW" else 2.0 if ord(c) > 0x2E80 else 0.7
        for c in text
    )


words = st.text(alphabet="abcilmw-. 客户旅程触点", min_size=1, max_size=40)


@given(words, st.floats(min_value=0.5, max_value=12))
@settings(max_examples=300, deadline=None)
def test_the_bisected_cut_is_the_last_head_that_fits(line: str, width: float) -> None:
    breaker = _Breaker(width, _advance, None, True)
    end = len(line.rstrip())
    scan = end
    while scan > 1 and _advance(line[:scan] + "-") > width:
        scan -= 1
    assert breaker._last_fit(line, end) == scan


@pytest.mark.parametrize("measure", [_advance, cells])
@given(text=st.text(alphabet="abcilmw -.\n客户旅程", max_size=80), width=st.floats(1, 20))
@settings(max_examples=300, deadline=None)
def test_fits_is_what_the_whole_wrap_says(
    measure: linebreak.Measure, text: str, width: float
) -> None:
    full = wrap(text, width, measure)
    for max_lines in range(0, 6):
        expected = len(full.lines) <= max_lines and not full.broke
        assert fits(text, width, measure, max_lines=max_lines) == expected


@pytest.mark.parametrize("measure", [_advance, cells])
@given(text=st.text(alphabet="abcilmw -.\n客户旅程", max_size=80), width=st.floats(0.5, 20))
@settings(max_examples=300, deadline=None)
def test_the_first_lines_are_those_of_the_whole_wrap(
    measure: linebreak.Measure, text: str, width: float
) -> None:
    full = wrap(text, width, measure)
    for first in range(1, 6):
        assert wrap(text, width, measure, first=first).lines == full.lines[:first]


def test_a_word_far_wider_than_its_line_stops_at_the_lines_asked_for() -> None:
    # 3 cells wide: 'Touchpoint' is cut into 'To-', 'uc-', ... (5 lines); two are asked for
    assert wrap("Touchpoint 12", 3, cells).texts == ["To-", "uc-", "hp-", "oi-", "nt", "12"]
    assert wrap("Touchpoint 12", 3, cells, first=2).texts == ["To-", "uc-"]
