"""journeymap trend (issue 12): the statistics of a proportion over periods, and the trend itself.

Statistics: a value worked by hand in the comment, an independent computation (scipy, a second
formula, a simulation). The trend: the twelve generated overlays of tests/analysis/data/trend
(gen.py plants one shift: drop-off at checkout rises from 2026-05 on) and tiny hand-made graphs.
"""

from __future__ import annotations

import importlib.util
import math
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sst

from journeymap import stats
from journeymap.analysis import analyze, flow_table
from journeymap.analysis.comparison import Metric
from journeymap.analysis.trend import PeriodInput, Rule, Trend, order_periods, trend
from journeymap.errors import AnalysisError, MapError
from journeymap.graph import build_graph
from journeymap.io import load_map
from tests.support import MAPS

DATA = Path(__file__).parent / "data" / "trend"
FILES = sorted(DATA.glob("first-purchase.2026-*.yaml"))


def _inputs(files: list[Path]) -> list[PeriodInput]:
    out = []
    for f in files:
        loaded = load_map(MAPS / "first-purchase.yaml", data=f)
        assert loaded.overlay is not None
        out.append(
            PeriodInput(loaded.overlay.period, f.name, build_graph(loaded.map, loaded.overlay))
        )
    return out


@pytest.fixture(scope="module")
def year() -> list[PeriodInput]:
    return _inputs(FILES)


@pytest.fixture(scope="module")
def year_trend(year: list[PeriodInput]) -> Trend:
    return trend(year)


# ------------------------------------------------------------------------------ statistics


def test_p_chart_by_hand_with_each_periods_n() -> None:
    # pbar = 35/250 = 0.14; sigma_1 = sqrt(0.14 * 0.86 / 50) = 0.049071, 3 sigma = 0.147214
    # (low clipped to 0); sigma_2 = sqrt(0.1204 / 200) = 0.024536, 3 sigma = 0.073607
    c = stats.p_chart([5, 30], [50, 200])
    assert c.centre == pytest.approx(0.14)
    assert list(c.low) == [0.0, pytest.approx(0.066393, abs=1e-6)]
    assert list(c.high) == [pytest.approx(0.287214, abs=1e-6), pytest.approx(0.213607, abs=1e-6)]
    assert c.sigma_z is None
    assert stats.p_chart([1, 0], [10, 0]).low == (0.0, None)
    with pytest.raises(ValueError, match="0 <= x <= n"):
        stats.p_chart([11], [10])


def test_laney_by_hand_and_by_a_second_formula() -> None:
    # pbar = 0.15, sigma = 0.0357071, z = -/+1.400280, moving ranges 2.800560 -> / 1.128
    assert stats.overdispersion_ratio([10, 20, 10, 20], [100] * 4) == pytest.approx(
        2.482766, abs=1e-6
    )
    c = stats.p_chart([10, 20, 10, 20], [100] * 4, laney=True)
    assert c.high[0] == pytest.approx(0.15 + 3 * 0.0357071 * 2.482766, abs=1e-6)
    rng = np.random.default_rng(7)
    n = rng.integers(50, 5000, size=20)
    x = rng.binomial(n, 0.3)
    pbar = x.sum() / n.sum()
    z = (x / n - pbar) / np.sqrt(pbar * (1 - pbar) / n)
    assert stats.overdispersion_ratio(list(x), list(n)) == pytest.approx(
        np.abs(np.diff(z)).mean() / 1.128, rel=1e-12
    )
    # sigma_z < 1 never narrows the limits
    assert stats.p_chart([15, 15, 15], [100] * 3, laney=True).sigma_z is None


def test_laney_ratio_is_about_one_for_binomial_periods() -> None:
    # a simulation: 400 charts of 24 binomial periods, p = 0.2, n from 200 to 20,000
    rng = np.random.default_rng(12)
    ratios = []
    for _ in range(400):
        n = rng.integers(200, 20_000, size=24)
        r = stats.overdispersion_ratio(list(rng.binomial(n, 0.2)), list(n))
        assert r is not None
        ratios.append(r)
    assert 0.95 < float(np.mean(ratios)) < 1.05


def test_dispersion_test_is_pearsons_chi_squared_of_the_table() -> None:
    # by hand: each (x - 15)^2 / 12.75 = 1.960784, four periods: 7.843137 on 3 df
    result = stats.dispersion_test([10, 20, 10, 20], [100] * 4)
    assert result is not None
    assert (round(result[0], 6), result[1]) == (7.843137, 3)
    x, n = [12, 40, 33, 7], [100, 210, 180, 90]
    chi2, pv, dof, _ = sst.chi2_contingency(np.array([x, np.subtract(n, x)]).T, correction=False)
    ours = stats.dispersion_test(x, n)
    assert ours is not None
    assert ours[0] == pytest.approx(chi2, rel=1e-12)
    assert ours[1] == dof
    assert ours[2] == pytest.approx(pv, rel=1e-10)
    assert stats.dispersion_test([0, 0], [5, 5]) is None


@pytest.mark.parametrize("df", [1, 2, 3, 7, 11, 40, 250])
def test_chi2_sf_against_scipy(df: int) -> None:
    for x in [1e-3, 0.3, 1.0, 2.5, 7.0, 15.0, 40.0, 120.0, 500.0]:
        expected = sst.chi2.sf(x, df)
        assert stats.chi2_sf(x, df) == pytest.approx(expected, rel=1e-11, abs=1e-300)


def _runs_brute(values: list[float | None], centre: float, length: int) -> list[tuple[int, int]]:
    side = [0 if v is None or v == centre else (1 if v > centre else -1) for v in values]
    out = []
    for i in range(len(side)):
        for j in range(len(side) - 1, i + length - 2, -1):
            block = side[i : j + 1]
            if (
                block[0] != 0
                and len(set(block)) == 1
                and (i == 0 or side[i - 1] != block[0])
                and (j == len(side) - 1 or side[j + 1] != block[0])
            ):
                out.append((i, j))
    return out


def test_runs_of_eight_by_hand() -> None:
    assert stats.runs_on_one_side([3] * 8, 2.0) == [(0, 7)]
    assert (
        stats.runs_on_one_side([3] * 7 + [2.0] + [3] * 7, 2.0) == []
    )  # a point on the line breaks it
    assert stats.runs_on_one_side([1] * 9 + [3] * 8, 2.0) == [(0, 8), (9, 16)]
    assert stats.runs_on_one_side([3] * 4 + [None] + [3] * 4, 2.0) == []


@given(st.lists(st.sampled_from([1.0, 2.0, 3.0, None]), max_size=30))
def test_runs_match_a_brute_force_search(values: list[float | None]) -> None:
    assert stats.runs_on_one_side(values, 2.0, length=8) == _runs_brute(values, 2.0, 8)


def test_cochran_armitage_by_hand_and_two_second_formulas() -> None:
    # pbar = 0.15; T = 0(-5) + 1(0) + 2(5) = 10; V = 0.1275 (500 - 300) = 25.5; z = 10/sqrt(25.5)
    result = stats.cochran_armitage([10, 15, 20], [100, 100, 100])
    assert result is not None
    z, p = result
    assert z == pytest.approx(1.980295, abs=1e-6)
    assert p == pytest.approx(2 * sst.norm.sf(1.980295), abs=1e-6)
    # z^2 = N r^2, r the correlation of the score and the 0/1 outcome over the customers
    x, n, t = [30, 41, 38, 60, 52], [300, 310, 290, 305, 280], [0.0, 1.0, 2.0, 3.0, 5.0]
    score = np.repeat(t, n)
    outcome = np.concatenate(
        [np.r_[np.ones(xi), np.zeros(ni - xi)] for xi, ni in zip(x, n, strict=True)]
    )
    r = np.corrcoef(score, outcome)[0, 1]
    second = stats.cochran_armitage(x, n, t)
    assert second is not None
    assert second[0] ** 2 == pytest.approx(sum(n) * r**2, rel=1e-12)
    # over two periods it is the pooled two-proportion z
    two = stats.cochran_armitage([30, 45], [100, 100])
    assert two is not None and two[0] == pytest.approx(stats.pooled_z(30, 100, 45, 100), rel=1e-12)
    assert stats.cochran_armitage([0, 0, 0], [10, 10, 10]) is None


# ---------------------------------------------------------------------------------- periods


def _graph(exits: int, entries: int = 100) -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph(goals=["paid"])
    G.add_node(
        "cart",
        name="Cart",
        stage="s",
        order=0,
        entries=entries,
        visits=entries,
        transitions_out=entries - exits,
        exits=exits,
        unknown=0,
        in_progress=0,
        flow_residual=0,
    )
    G.add_node(
        "paid",
        name="Paid",
        stage="s",
        order=1,
        entries=0,
        visits=entries - exits,
        transitions_out=0,
        exits=0,
        unknown=0,
        in_progress=0,
        flow_residual=0,
    )
    G.add_edge("cart", "paid", count=entries - exits)
    return G


def test_periods_are_ordered_by_period_never_by_argument_order(year: list[PeriodInput]) -> None:
    shuffled = list(year)
    random.Random(3).shuffle(shuffled)
    assert trend(shuffled) == trend(year)
    assert [p.period for p in trend(shuffled).periods] == [f"2026-{m:02d}" for m in range(1, 13)]


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ("2026-Q1", "2026-03", "period 2026-03 of b.yaml overlaps period 2026-Q1 of a.yaml"),
        ("2026-05", "2026-05", "period 2026-05 of b.yaml overlaps period 2026-05 of a.yaml"),
        (
            "2026",
            "2026-W01",
            "period 2026 of a.yaml overlaps period 2026-W01 of b.yaml",
        ),  # W01 starts 2025-12-29
    ],
)
def test_overlapping_periods_name_both_files(a: str, b: str, message: str) -> None:
    with pytest.raises(MapError) as err:
        order_periods([PeriodInput(a, "a.yaml", _graph(10)), PeriodInput(b, "b.yaml", _graph(10))])
    assert str(err.value) == message + "; every overlay of a trend describes its own period"


def test_a_trend_needs_a_period() -> None:
    with pytest.raises(AnalysisError, match="at least one period"):
        trend([])


def test_a_period_is_required() -> None:
    with pytest.raises(MapError) as err:
        order_periods(
            [PeriodInput("2026-01", "a.yaml", _graph(1)), PeriodInput(None, "b.yaml", _graph(1))]
        )
    assert str(err.value) == (
        "b.yaml has no period: a trend orders the overlays by it; "
        "add a period such as 'period: 2026-07'"
    )


# ------------------------------------------------------------------------------ the figures


def test_figures_agree_with_analyze_and_the_flow_table(
    year: list[PeriodInput], year_trend: Trend
) -> None:
    for p, figures in zip(year, year_trend.periods, strict=True):
        summary = analyze(p.graph, samples=0).summary
        assert figures.journeys == summary.entries
        assert figures.conversion.value == pytest.approx(summary.observed_conversion_rate, rel=1e-9)
        flows = flow_table(p.graph, ["order-confirmation"])
        for tp in figures.touchpoints:
            assert tp.drop_off.value == flows[tp.id].drop_off()
            assert tp.drop_off.n == flows[tp.id].departures
            assert tp.drop_off.interval == flows[tp.id].drop_off_interval()
        assert "order-confirmation" not in [tp.id for tp in figures.touchpoints]


def test_a_small_trend_by_hand() -> None:
    # drop-off at cart 20%, 20%, 30%; pbar = 70/300; CA: T = 0(-3.33) + 1(-3.33) + 2(6.67) = 10,
    # V = 0.233 * 0.767 * (500 - 300) = 35.78, z = 1.672 (p = 0.0946, not a trend at 5%)
    t = trend(
        [
            PeriodInput("2026-03", "c", _graph(30)),
            PeriodInput("2026-01", "a", _graph(20)),
            PeriodInput("2026-02", "b", _graph(20)),
        ]
    )
    assert [(p.period, p.conversion.x, p.conversion.n) for p in t.periods] == [
        ("2026-01", 80, 100),
        ("2026-02", 80, 100),
        ("2026-03", 70, 100),
    ]
    assert [s.rule for s in t.signals] == []
    hand = stats.cochran_armitage([20, 20, 30], [100] * 3)
    assert hand is not None and hand[0] == pytest.approx(1.6718, abs=1e-4)
    chart = t.charts[1]
    assert (chart.metric, chart.subject) == (Metric.DROP_OFF, "cart")
    assert chart.centre == pytest.approx(70 / 300)


# ------------------------------------------------------------------------- the planted shift


def test_the_planted_shift_is_found_and_nothing_else_drops(year_trend: Trend) -> None:
    drops = {
        (s.period, s.subject, s.rule) for s in year_trend.signals if s.metric is Metric.DROP_OFF
    }
    assert {subject for _, subject, _ in drops} == {"checkout"}
    assert ("2026-05", "checkout", Rule.CHANGE) in drops
    assert ("2026-12", "checkout", Rule.RUN_OF_EIGHT) in drops
    assert ("2026-12", "checkout", Rule.TREND) in drops
    run = next(s for s in year_trend.signals if s.rule is Rule.RUN_OF_EIGHT)
    assert (run.value, run.limit) == (8.0, 8.0)
    assert run.message.startswith(
        "drop-off at Checkout stayed above its centre line 18.6% for 8 "
        "periods in a row (2026-05 to 2026-12)"
    )
    change = next(
        s for s in year_trend.signals if s.rule is Rule.CHANGE and s.subject == "checkout"
    )
    assert change.message.startswith(
        "drop-off at Checkout rose from 14.8% in 2026-04 to 19.6% in 2026-05 (+4.8 points"
    )


def test_laney_widens_the_overdispersed_checkout_chart(year_trend: Trend) -> None:
    chart = next(c for c in year_trend.charts if c.subject == "checkout")
    x = [
        p.touchpoints[[t.id for t in p.touchpoints].index("checkout")].drop_off
        for p in year_trend.periods
    ]
    assert chart.sigma_z == pytest.approx(
        stats.overdispersion_ratio([d.x for d in x], [d.n for d in x])
    )
    assert chart.reason is not None and "Laney sigma_z" in chart.reason
    assert chart.sigma_z is not None
    pbar = sum(d.x for d in x) / sum(d.n for d in x)
    assert chart.high[0] == pytest.approx(
        pbar + 3 * chart.sigma_z * math.sqrt(pbar * (1 - pbar) / x[0].n)
    )


def test_the_generator_reproduces_the_overlays() -> None:
    spec = importlib.util.spec_from_file_location("trend_gen", DATA / "gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    written = gen.overlays()
    assert sorted(written) == [f.name for f in FILES]
    for name, text in written.items():
        assert (DATA / name).read_text(encoding="utf-8") == text
