"""Statistics, survey and business metrics against independent formulas and published examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from journeymap.analysis import analyze, ces, csat, nps, survey_metrics
from journeymap.analysis.business import map_business
from journeymap.model import Business, Direction, Scores
from tests.analysis.helpers import graph


def test_nps_and_the_wrong_formulas() -> None:
    responses = {10: 30, 9: 20, 8: 25, 7: 5, 6: 10, 3: 10}
    r = nps(responses)
    assert r.value == pytest.approx(30.0)
    assert (r.promoters, r.passives, r.detractors) == (50, 30, 20)
    # the +1/0/-1 coding: SE is the standard deviation of the codes / sqrt(n), times 100
    codes = np.repeat([1, 0, -1], [50, 30, 20])
    assert r.standard_error == pytest.approx(100 * codes.std() / math.sqrt(100))
    # adjusted Wald: n + 3, promoters and detractors + 3/4
    p, d = 50.75 / 103, 20.75 / 103
    half = 1.959963984540054 * math.sqrt((p + d - (p - d) ** 2) / 103)
    assert r.interval == pytest.approx([100 * (p - d - half), 100 * (p - d + half)])
    # what popular formulas would print for the same answers
    below_six = 100 * (50 - 10) / 100
    above_minus_below_five = 100 * (90 - 10) / 100
    assert r.value not in (below_six, above_minus_below_five)


def test_nps_interval_stays_within_range_and_no_responses_is_null() -> None:
    r = nps({10: 5})
    assert r.value == 100.0 and r.interval[1] == 100.0
    empty = nps({})
    assert empty.value is None and empty.responses == 0


def test_csat_delighted_example_and_top_box() -> None:
    r = csat({5: 50, 4: 24, 3: 15, 2: 10, 1: 8})
    assert r.percent == pytest.approx(100 * 74 / 107)
    assert round(r.percent, 2) == 69.16
    assert r.mean == pytest.approx((250 + 96 + 45 + 20 + 8) / 107)
    seven = csat({7: 3, 6: 3, 5: 4}, top_box=[6, 7])
    assert seven.percent == pytest.approx(60.0)


def test_ces_direction_decides_what_is_easy() -> None:
    hi = ces({1: 3, 2: 5, 3: 7, 4: 10, 5: 25, 6: 30, 7: 20}, (1, 7), Direction.HIGHER_IS_BETTER)
    assert hi.mean == pytest.approx(5.19) and hi.percent_easy == 75.0
    lo = ces({1: 10, 2: 20, 3: 30, 4: 25, 5: 15}, (1, 5), Direction.LOWER_IS_BETTER)
    assert lo.percent_easy == 30.0 and lo.percent_difficult == 40.0


def test_nps_off_scale_is_omitted_with_a_warning() -> None:
    s = Scores.model_validate(
        {"nps": {"scale": [1, 5], "responses": {5: 10, 1: 2}}, "csat": {"responses": {}}}
    )
    m = survey_metrics(s)
    assert m.nps is None and m.csat.percent is None
    a = analyze(
        graph(
            [
                {
                    "id": "a",
                    "entries": 10,
                    "next": {"paid": 5},
                    "scores": s.model_dump(exclude_none=True),
                },
                {"id": "paid", "goal": True},
            ]
        ),
        samples=0,
    )
    codes = [(w.code, w.touchpoint) for w in a.warnings]
    assert ("JM507", "a") in codes and ("JM506", "a") in codes
    assert a.leaks[0].survey == a.surveys["a"]


def test_stage_surveys_pool_responses() -> None:
    tps = [
        {
            "id": "a",
            "entries": 10,
            "next": {"b": 5},
            "scores": {"csat": {"responses": {5: 3, 1: 1}}},
        },
        {"id": "b", "next": {"paid": 2}, "scores": {"csat": {"responses": {4: 1, 2: 3}}}},
        {"id": "paid", "goal": True},
    ]
    stage = analyze(graph(tps), samples=0).stages[0]
    assert stage.surveys.csat.percent == pytest.approx(50.0)
    assert stage.surveys.csat.responses == 8


def test_business_metrics_from_declared_inputs() -> None:
    m = map_business(
        Business(
            customers_start=1000,
            customers_end=1100,
            new_customers=300,
            customers_lost=150,
            ordering_customers=400,
            repeat_customers=100,
            average_order_value=50,
            purchase_frequency=3,
            customer_lifespan=2,
            gross_margin=0.4,
            retention_spend=16000,
        )
    )
    assert m["retention_rate"]["value"] == pytest.approx(0.8)
    assert m["churn_rate"]["value"] == pytest.approx(0.15)
    assert m["repeat_customer_rate"]["value"] == pytest.approx(0.25)
    assert m["customer_lifetime_value"]["value"] == pytest.approx(300)
    assert m["customer_lifetime_value"]["margin_adjusted"] == pytest.approx(120)
    assert m["retention_cost"]["value"] == pytest.approx(20)
    assert map_business(Business(customers_start=10)) == {}


def test_service_times_and_costs_in_the_analysis() -> None:
    tps = [
        {
            "id": "chat",
            "entries": 40,
            "next": {"solved": 30},
            "business": {
                "first_response_time": {"samples": [1, 2, 9, 4]},
                "resolution_time": {"mean": 30, "median": 12, "unit": "hours", "hours": "business"},
                "cost_per_visit": 2.5,
            },
        },
        {"id": "solved", "goal": True},
    ]
    a = analyze(graph(tps), samples=0)
    metrics = a.to_dict()["metrics"]
    tp = metrics["touchpoints"]["chat"]
    assert tp["first_response_time"] == {
        "mean": 4.0,
        "median": 3.0,
        "p90": 7.5,  # type 7 over 1, 2, 4, 9: 4 + 0.7 (9 - 4)
        "count": 4,
        "unit": "minutes",
        "hours": "calendar",
    }
    assert tp["resolution_time"]["median"] == 12 and tp["resolution_time"]["hours"] == "business"
    assert tp["cost"]["value"] == 100.0 and metrics["service_cost"]["value"] == 100.0
    assert metrics["conversion_rate"]["value"] == pytest.approx(0.75)


def test_bootstrap_interval_matches_the_beta_posterior() -> None:
    """One touchpoint, 40 exits and 60 conversions: L* = 100 l*, l* ~ Beta(40.5, 60.5)."""
    from scipy.stats import beta

    a = analyze(
        graph([{"id": "cart", "entries": 100, "next": {"paid": 60}}, {"id": "paid", "goal": True}]),
        samples=20000,
        seed=11,
    )
    low, high = a.leaks[0].lost_conversions_interval
    assert low == pytest.approx(100 * beta.ppf(0.025, 40.5, 60.5), abs=0.4)
    assert high == pytest.approx(100 * beta.ppf(0.975, 40.5, 60.5), abs=0.4)
    clow, chigh = a.summary.conversion_probability_interval
    assert clow == pytest.approx(beta.ppf(0.025, 60.5, 40.5), abs=0.004)
    assert chigh == pytest.approx(beta.ppf(0.975, 60.5, 40.5), abs=0.004)
    assert a.leaks[0].probability_top == 1.0
