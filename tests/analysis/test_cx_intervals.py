"""Intervals of the CX figures in ``metrics``: Wilson intervals of retention, churn and repeat
rate (worked by hand, cross-checked with statsmodels), and the 90th percentile of service times
(worked by hand, cross-checked with numpy)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from journeymap.analysis import analyze
from journeymap.analysis.business import business_figures
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.model import Business
from tests.analysis.helpers import graph
from tests.support import MAPS

TPS = [{"id": "a", "entries": 10, "next": {"paid": 4}}, {"id": "paid", "goal": True}]


def _metrics(business: dict[str, Any], confidence: float = 0.95) -> dict[str, Any]:
    doc = analyze(graph(TPS, business=business), samples=0, confidence=confidence).to_dict()
    metrics: dict[str, Any] = doc["metrics"]
    return metrics


def test_retention_and_churn_carry_wilson_intervals_worked_by_hand() -> None:
    # S 10, E 9, N 1: 8 retained of 10. Wilson, z = 1.96: centre (0.8 + 1.96²/20) / (1 + 1.96²/10)
    # = 0.99208 / 1.38416 = 0.71674; half 1.96 sqrt(0.016 + 0.0096040) / 1.38416 = 0.22658
    # (z is 1.95996..., so the ends agree to 4 decimals)
    m = _metrics({"customers_start": 10, "customers_end": 9, "new_customers": 1})
    assert m["retention_rate"]["value"] == 0.8
    assert m["retention_rate"]["interval"] == pytest.approx([0.4902, 0.9433], abs=1e-4)
    # churn 1 - 0.8 = 2 of 10: the mirror image
    assert m["churn_rate"]["interval"] == pytest.approx([0.0567, 0.5098], abs=1e-4)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_intervals_agree_with_statsmodels_on_the_retention_map(confidence: float) -> None:
    loaded = load_map(MAPS / "retention.yaml")
    m = analyze(build_graph(loaded.map), samples=0, confidence=confidence).to_dict()["metrics"]
    alpha = 1 - confidence
    # S 18,400, retained 14,950, lost 3,450; 2,300 repeat of 6,100 ordering customers
    for name, x, n in (
        ("retention_rate", 14950, 18400),
        ("churn_rate", 3450, 18400),
        ("repeat_customer_rate", 2300, 6100),
    ):
        low, high = proportion_confint(x, n, alpha=alpha, method="wilson")
        assert m[name]["interval"] == pytest.approx([low, high], rel=1e-8)
        assert m[name]["interval"][0] < m[name]["value"] < m[name]["interval"][1]


def test_an_undefined_proportion_has_no_interval_and_other_figures_none() -> None:
    f = business_figures(
        Business(
            customers_start=0,
            customers_end=5,
            new_customers=5,
            ordering_customers=20,
            repeat_customers=5,
            average_order_value=10,
            purchase_frequency=2,
            customer_lifespan=3,
        )
    )
    assert f["retention_rate"].value is None and f["retention_rate"].interval is None
    assert f["repeat_customer_rate"].interval is not None
    assert f["repeat_customer_rate"].n == 20
    assert f["customer_lifetime_value"].interval is None  # not a proportion
    assert "interval" not in f["customer_lifetime_value"].to_json()


def test_service_time_p90_by_hand_and_against_numpy() -> None:
    loaded = load_map(MAPS / "support.yaml")
    doc = analyze(build_graph(loaded.map), samples=0).to_dict()["metrics"]["touchpoints"]
    # live chat first response: 20 samples; type 7: h = 19 x 0.9 = 17.1, so
    # x(18) + 0.1 (x(19) - x(18)) = 12 + 0.1 x 3 = 12.3 minutes
    chat = doc["live-chat"]["first_response_time"]
    assert chat["p90"] == pytest.approx(12.3)
    business = loaded.map.touchpoints["live-chat"].business
    assert business is not None and business.first_response_time is not None
    samples = business.first_response_time.samples or []
    assert chat["p90"] == pytest.approx(float(np.percentile(samples, 90)))
    for tp in doc.values():
        for name in ("first_response_time", "resolution_time"):
            if name in tp and tp[name]["p90"] is not None:
                assert tp[name]["median"] <= tp[name]["p90"]


def test_a_declared_mean_without_samples_has_no_p90() -> None:
    tps = [{**TPS[0], "business": {"resolution_time": {"mean": 12, "median": 10}}}, TPS[1]]
    doc = analyze(graph(tps), samples=0).to_dict()
    figure = doc["metrics"]["touchpoints"]["a"]["resolution_time"]
    assert figure["mean"] == 12 and figure["p90"] is None
