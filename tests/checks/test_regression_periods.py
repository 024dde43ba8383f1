"""The CES and churn regression gates (JM306, JM307): the statistics by hand and against
scipy, and churn true to the period."""

from __future__ import annotations

import math

import pytest

from journeymap.analysis.comparison import Metric, Side, Verdict
from journeymap.analysis.gate import compare_maps, mean_worsening_test
from journeymap.graph import build_graph
from journeymap.model import JourneyMap
from journeymap.stats import mean_interval, two_proportion_test


def _side(
    period: str, business: dict[str, int] | None = None, ces: dict[int, int] | None = None
) -> Side:
    tp: dict[str, object] = {"id": "paid", "name": "Paid", "goal": True}
    if ces is not None:
        tp["scores"] = {"ces": {"direction": "higher_is_better", "responses": ces}}
    doc: dict[str, object] = {
        "journeymap": 1,
        "id": "m",
        "title": "M",
        "period": period,
        "stages": [{"id": "s", "name": "S", "touchpoints": [tp]}],
    }
    if business is not None:
        doc["business"] = business
    m = JourneyMap.model_validate(doc)
    return Side(m, build_graph(m), ("paid",), m.period)


def test_mean_worsening_by_hand() -> None:
    """Baseline {3: 10, 5: 20, 7: 10}: mean 5, s^2 = 80 / 39; now {3: 20, 5: 10, 7: 10}:
    mean 4.5, s^2 = 110 / 39; z = 0.5 / sqrt(80 / 1560 + 110 / 1560) = 1.4326."""
    a, b = mean_interval({3: 10, 5: 20, 7: 10}), mean_interval({3: 20, 5: 10, 7: 10})
    assert a is not None and b is not None
    result = mean_worsening_test(a, b, higher_is_better=True)
    assert result is not None
    z, p = result
    assert z == pytest.approx(0.5 / math.sqrt(190 / 1560))
    assert p == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)))
    flipped = mean_worsening_test(a, b, higher_is_better=False)
    assert flipped is not None and flipped[0] == pytest.approx(-z)


def test_mean_worsening_agrees_with_welch_for_large_samples() -> None:
    from scipy.stats import ttest_ind_from_stats

    before, after = {3: 300, 5: 900, 7: 800}, {3: 340, 5: 900, 7: 760}
    a, b = mean_interval(before), mean_interval(after)
    assert a is not None and b is not None and a.standard_error and b.standard_error
    result = mean_worsening_test(a, b, higher_is_better=True)
    assert result is not None
    n1, n2 = sum(before.values()), sum(after.values())
    welch = ttest_ind_from_stats(
        a.mean,
        a.standard_error * math.sqrt(n1),
        n1,
        b.mean,
        b.standard_error * math.sqrt(n2),
        n2,
        equal_var=False,
        alternative="greater",
    )
    assert result[0] == pytest.approx(float(welch.statistic))
    assert result[1] == pytest.approx(float(welch.pvalue), rel=0.02)  # z vs t, df ~ 4,000


def test_ces_gate_verdict() -> None:
    c = compare_maps(
        _side("2026-Q3", ces={3: 60, 5: 80, 7: 60}),
        _side("2026-Q2", ces={3: 30, 5: 90, 7: 80}),
        label="q2",
    )
    (t,) = [t for t in c.tests if t.metric == Metric.CES]
    assert (t.before, t.after, t.verdict) == (5.5, 5.0, Verdict.REGRESSION)
    assert t.threshold == 0.1


def test_churn_gate_is_a_two_proportion_test_on_lost_over_start() -> None:
    c = compare_maps(
        _side("2026-Q3", {"customers_start": 1000, "customers_lost": 200}),
        _side("2026-Q2", {"customers_start": 2000, "customers_lost": 300}),
        label="q2",
    )
    (t,) = [t for t in c.tests if t.metric == Metric.CHURN]
    assert (t.x_before, t.n_before, t.x_after, t.n_after) == (300, 2000, 200, 1000)
    assert t.p_value == pytest.approx(
        two_proportion_test(300, 2000, 200, 1000, alternative="greater")
    )
    # pooled 500 / 3000: z = (0.2 - 0.15) / sqrt(1/6 x 5/6 x (1/2000 + 1/1000)) = 3.4641
    z = 0.05 / math.sqrt(1 / 6 * 5 / 6 * (1 / 2000 + 1 / 1000))
    assert t.p_value == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)))
    assert t.verdict == Verdict.REGRESSION


def test_churn_needs_counts_in_both_periods() -> None:
    c = compare_maps(
        _side("2026-Q3", {"customers_start": 1000, "customers_lost": 200}),
        _side("2026-Q2", {"customers_start": 1000}),
        label="q2",
    )
    assert not [t for t in c.tests if t.metric == Metric.CHURN]
