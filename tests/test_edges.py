"""Numbers at the edge (issue 17): what a float cannot hold is refused with its position, what
validates is computed without a traceback or a NumPy warning."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from journeymap import facts
from journeymap.analysis import NonAbsorbingChainError, analyze
from journeymap.analysis.business_service import service_time
from journeymap.errors import MapError
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.model import MAX_MAGNITUDE, Durations
from journeymap.stats import NpsCounts, nps_interval
from tests.support import Result

MAP = """journeymap: 1
id: shop
title: Shop
emotion_scale: [{low}, {high}]
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        entries: 100
        business:
          resolution_time: {{unit: days, samples: [{sample}, {sample}, 0]}}
"""


def test_the_largest_numbers_are_accepted_and_computed(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(MAP.format(low="-1e15", high="1e15", sample="1e15"), encoding="utf-8")
    m = load_map(path).map
    assert m.emotion_scale == (-MAX_MAGNITUDE, MAX_MAGNITUDE)
    lo, hi = m.emotion_scale
    assert math.isfinite(hi - lo)
    durations = m.touchpoints["cart"].business
    assert durations is not None and durations.resolution_time is not None
    t = service_time(durations.resolution_time)
    # mean of [1e15, 1e15, 0] = 2e15 / 3; median 1e15 (type 7 on 3 samples: the middle one)
    assert t.mean == pytest.approx(2e15 / 3)
    assert t.median == 1e15


def test_one_step_beyond_is_refused_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(MAP.format(low="-1e15", high="1.5e15", sample="1"), encoding="utf-8")
    with pytest.raises(MapError) as info:
        load_map(path)
    d = info.value.diagnostics[0]
    assert d.position is not None and (d.position.line, d.position.col) == (4, 24)
    assert d.message == "emotion_scale[1] must be at most 1,000,000,000,000,000, got 1.5e+15"


def test_service_time_of_the_largest_samples_is_finite() -> None:
    t = service_time(Durations(samples=[MAX_MAGNITUDE] * 1000))
    assert t.mean == MAX_MAGNITUDE
    assert t.p90 == MAX_MAGNITUDE


LOOP = """journeymap: 1
id: shop
title: Shop
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: ad, name: Ad, entries: 100, next: {paid: 20}, exits: 80}
      - {id: a, name: A, next: {b: 50}, exits: 0}
      - {id: b, name: B, next: {a: 50}, exits: 0}
      - {id: paid, name: Paid, goal: true}
"""

NEAR = """journeymap: 1
id: shop
title: Shop
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        entries: 10
        next: {{cart: {loops}, paid: 4}}
        exits: 6
      - {{id: paid, name: Paid, goal: true}}
"""

LOOP_MESSAGE = (
    "the journey cannot end from {ids}: customers there only move between these touchpoints"
    " (no exit, conversion or transition out of the loop); give one of them exits, unknown"
    " departures or a transition that leaves the loop (an outcome of fewer than one in"
    " 1,000,000,000 departures counts as none)"
)


def test_analyze_points_at_a_closed_loop_where_check_does(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    path = write("loop.yaml", LOOP)
    check = cli("check", str(path))
    jm209 = next(
        line for line in check.err.splitlines() + check.out.splitlines() if "JM209" in line
    )
    assert jm209.startswith(f"{path}:9:9: JM209 error:")
    for command in (
        ["analyze"],
        ["render", "--view", "canvas", "-o", str(path.with_suffix(".svg"))],
    ):
        r = cli(*command, str(path))
        assert r.code == 2
        assert r.err.rstrip("\n") == (
            f"{path}:9:9: " + LOOP_MESSAGE.format(ids="'a', 'b'") + "\n"
            "    9 |       - {id: a, name: A, next: {b: 50}, exits: 0}\n"
            "      |         ^"
        )
        assert not path.with_suffix(".svg").exists()


def test_a_self_transition_that_rounds_to_one_is_a_closed_loop(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    # 10^20 self-transitions beside 10 departures: q = 1 - 1e-19 rounds to 1.0 and I - Q is
    # singular; below NEGLIGIBLE (1e-9) the loop is closed, for check and analyze alike
    path = write("near.yaml", NEAR.format(loops=10**20))
    r = cli("analyze", str(path))
    assert r.code == 2
    assert r.err.splitlines()[0] == f"{path}:8:9: " + LOOP_MESSAGE.format(ids="'cart'")
    assert "Warning" not in r.err and "Traceback" not in r.err
    check = cli("check", str(path))
    assert check.code == 1
    assert f"{path}:8:9: JM209 error" in check.err + check.out
    loaded = load_map(path)
    G = build_graph(loaded.map, loaded.overlay)
    assert facts.closed_loops(G, ["paid"]) == ["cart"]
    with pytest.raises(NonAbsorbingChainError) as info:
        analyze(G, samples=0)
    assert info.value.touchpoints == ["cart"]


def test_a_loop_left_once_in_a_hundred_million_is_solved(tmp_path: Path) -> None:
    # escape 10 / (10^8 + 10) = 1e-7 > NEGLIGIBLE: solved. Hand-worked: a departure from cart
    # that leaves the loop converts 4 times in 10, so conversion is exactly 0.4; cart's
    # expected visits per entry are 1 / (1 - q) = (10^8 + 10) / 10 (geometric series)
    path = tmp_path / "near.yaml"
    path.write_text(NEAR.format(loops=10**8), encoding="utf-8")
    loaded = load_map(path)
    G = build_graph(loaded.map, loaded.overlay)
    assert facts.closed_loops(G, ["paid"]) == []
    a = analyze(G, samples=0)
    assert a.summary.conversion_probability == pytest.approx(0.4, rel=1e-6)
    q = 10**8 / (10**8 + 10)
    assert 1 / (1 - q) == pytest.approx(
        (10**8 + 10) / 10, rel=1e-7
    )  # the precision NEGLIGIBLE keeps


ONE_ANSWER = """journeymap: 1
id: shop
title: Shop
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        entries: 100
        next: {pay: 60}
        scores:
          nps: {responses: {9: 1}}
      - {id: pay, name: Pay, goal: true}
"""


def test_scores_chart_of_one_nps_answer(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    # one promoter: NPS +100; the adjusted Wald interval (Rocks 2016) adds 3/4 promoter and 3/4
    # detractor to n + 3 = 4: centre 0.25, half 1.96 * sqrt((0.625 - 0.0625) / 4) = 0.735, so
    # -48.5..98.5, which does not contain +100 (matplotlib refused the negative arm)
    low, high = nps_interval(NpsCounts(promoters=1, detractors=0, responses=1)) or (0.0, 0.0)
    assert (round(low, 1), round(high, 1)) == (-48.5, 98.5)
    path = write("one.yaml", ONE_ANSWER)
    out = path.with_suffix(".svg")
    r = cli("render", str(path), "--view", "scores", "-o", str(out))
    assert r.code == 0, r.err
    assert out.read_text(encoding="utf-8").startswith("<?xml")
