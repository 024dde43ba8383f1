"""Business figures: worked by hand on maps/retention.yaml, impossible inputs refused (checked
against the naive formulas they would break), undefined figures null with their reason, and
the coded warnings for suspicious inputs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from journeymap.analysis import analyze
from journeymap.analysis.business import business_figures, map_business
from journeymap.analysis.business_service import service_time
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.model import Business, Durations, Overlay
from tests.analysis.helpers import graph, make_map
from tests.support import MAPS

TPS = [{"id": "a", "entries": 10, "next": {"paid": 4}}, {"id": "paid", "goal": True}]


def _analysis(
    business: dict[str, Any] | None = None, tps: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    top = {"business": business} if business is not None else {}
    return analyze(graph(tps or TPS, **top), samples=0).to_dict()


def test_retention_map_by_hand() -> None:
    loaded = load_map(MAPS / "retention.yaml")
    doc = analyze(build_graph(loaded.map), samples=0).to_dict()
    m = doc["metrics"]
    # S 18,400, E 19,100, N 4,150, lost 3,450: retained E - N = 14,950
    assert m["retention_rate"]["value"] == pytest.approx(14950 / 18400) == 0.8125
    assert m["churn_rate"]["value"] == pytest.approx(3450 / 18400) == 0.1875
    # the counts add up (18,400 - 3,450 + 4,150 = 19,100), so the two formulas agree
    assert m["retention_rate"]["value"] + m["churn_rate"]["value"] == pytest.approx(1.0)
    assert round(100 * m["repeat_customer_rate"]["value"], 1) == 37.7  # 2,300 / 6,100
    assert m["customer_lifetime_value"]["value"] == pytest.approx(68 * 1.9 * 3.2)  # 413.44
    assert m["customer_lifetime_value"]["margin_adjusted"] == pytest.approx(413.44 * 0.42)
    assert m["retention_cost"]["value"] == pytest.approx(38000 / 14950)
    assert not any("reason" in figure for figure in m.values())
    assert not [w for w in doc["warnings"] if w["code"] in ("JM518", "JM519", "JM520")]


def test_undefined_figures_are_null_with_their_reason() -> None:
    m = map_business(
        Business(
            customers_start=0,
            customers_end=50,
            new_customers=50,
            ordering_customers=0,
            repeat_customers=0,
            retention_spend=900,
        )
    )
    assert m["retention_rate"] == {
        "value": None,
        "formula": "(E - N) / S",
        "inputs": {"S": 0, "E": 50, "N": 50},
        "reason": "no customers at the start (S = 0)",
    }
    assert m["churn_rate"]["value"] is None  # 1 - retention, itself undefined
    assert m["churn_rate"]["reason"] == "no customers at the start (S = 0)"
    assert m["repeat_customer_rate"]["reason"] == "no ordering customers"
    assert m["retention_cost"]["value"] is None
    assert m["retention_cost"]["reason"] == "no customer retained (E - N = 0)"


def test_a_service_time_without_samples_is_null_with_its_reason() -> None:
    tps = [{**TPS[0], "business": {"resolution_time": {"samples": []}}}, TPS[1]]
    figure = _analysis(tps=tps)["metrics"]["touchpoints"]["a"]["resolution_time"]
    assert figure == {
        "mean": None,
        "median": None,
        "p90": None,
        "count": None,
        "unit": "minutes",
        "hours": "calendar",
        "reason": "no samples",
    }


def _naive_out_of_range(S: int, E: int, N: int, lost: int, ordering: int, repeat: int) -> bool:
    """The popular formulas on the raw inputs: a rate outside 0..1 or a negative cost."""
    retention = (E - N) / S
    churn = lost / S
    repeat_rate = repeat / ordering if ordering else (1.0 if not repeat else 2.0)
    cost_denominator = E - N  # retention spend 1,000 / (E - N)
    return not (
        0 <= retention <= 1 and 0 <= churn <= 1 and 0 <= repeat_rate <= 1 and cost_denominator >= 0
    )


counts = st.integers(min_value=0, max_value=60)


@settings(max_examples=300, deadline=None)
@given(
    S=st.integers(min_value=1, max_value=60),
    E=counts,
    N=counts,
    lost=counts,
    ordering=counts,
    repeat=counts,
)
def test_refused_exactly_when_a_naive_figure_would_leave_its_range(
    S: int, E: int, N: int, lost: int, ordering: int, repeat: int
) -> None:
    inputs = {
        "customers_start": S,
        "customers_end": E,
        "new_customers": N,
        "customers_lost": lost,
        "ordering_customers": ordering,
        "repeat_customers": repeat,
        "retention_spend": 1000.0,
    }
    try:
        b = Business.model_validate(inputs)
    except ValidationError:
        assert _naive_out_of_range(S, E, N, lost, ordering, repeat)
        return
    assert not _naive_out_of_range(S, E, N, lost, ordering, repeat)
    for name, figure in map_business(b).items():
        value = figure["value"]
        assert value is None or value >= 0, name
        if name.endswith("_rate") and value is not None:
            assert value <= 1, name


def test_suspicious_counts_warn() -> None:
    doc = _analysis(
        {
            "customers_start": 1000,
            "customers_end": 1100,
            "new_customers": 300,
            "customers_lost": 150,
            "ordering_customers": 1400,
        }
    )
    warnings = [
        (w["code"], w["touchpoint"], w["message"])
        for w in doc["warnings"]
        if w["code"] in ("JM518", "JM519")
    ]
    assert warnings == [
        (
            "JM518",
            None,
            "the customer counts do not add up: 1,000 at the start - 150 lost + 300 "
            "new = 1,150, but 1,100 at the end, so retention and churn do not add up to 100%",
        ),
        (
            "JM519",
            None,
            "1,400 ordering customers are more than the 1,300 customers of the "
            "period (at the start plus new)",
        ),
    ]
    # the figures are still reported, each on its own definition: 0.8 + 0.15 != 1
    m = doc["metrics"]
    assert (m["retention_rate"]["value"], m["churn_rate"]["value"]) == (0.8, 0.15)


def test_declared_figures_beside_samples_warn() -> None:
    times = {
        "first_response_time": {"samples": [1, 2, 9, 4], "median": 3.0, "mean": 5},
        "resolution_time": {"samples": [10, 20], "mean": 15.1},
    }
    doc = _analysis(tps=[{**TPS[0], "business": times}, TPS[1]])
    warnings = [
        (w["code"], w["touchpoint"], w["message"]) for w in doc["warnings"] if w["code"] == "JM520"
    ]
    # median 3 = the samples' (2 + 4) / 2; mean 5 is not their 16 / 4 = 4; 15.1 is within 1% of 15
    assert warnings == [
        (
            "JM520",
            "a",
            "the declared mean 5 of the first response time of 'a' "
            "differs from the mean of its 4 samples (4); the samples are used",
        )
    ]
    assert doc["metrics"]["touchpoints"]["a"]["first_response_time"]["mean"] == 4.0


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        (
            {"customers_end": 900, "new_customers": 950},
            "new_customers",
            "950 new customers are more than the 900 customers at the end",
        ),
        (
            {"customers_start": 100, "customers_end": 300, "new_customers": 150},
            "new_customers",
            "the 300 customers at the end are more than the 100 at the start plus the 150 new ones",
        ),
        (
            {"customers_start": 100, "customers_lost": 101},
            "customers_lost",
            "101 customers lost are more than the 100 customers at the start",
        ),
        (
            {"ordering_customers": 5, "repeat_customers": 6},
            "repeat_customers",
            "6 repeat customers are more than the 5 ordering customers",
        ),
    ],
)
def test_each_impossible_combination_names_its_key(
    inputs: dict[str, int], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        Business.model_validate(inputs)
    (error,) = info.value.errors()
    assert error["loc"] == (field,)
    assert message in error["msg"]


# ------------------------------------------------------------------ true to the period

MAP_BUSINESS = {
    "customers_start": 1000,
    "customers_end": 1100,
    "new_customers": 300,
    "customers_lost": 200,
    "retention_spend": 16000.0,
}
SERVICE_TPS: list[dict[str, Any]] = [
    {
        "id": "a",
        "entries": 10,
        "next": {"paid": 4},
        "business": {"first_response_time": {"samples": [1, 2, 3]}, "cost_per_visit": 2.0},
    },
    {"id": "paid", "goal": True},
]


def _period(overlay: dict[str, Any]) -> dict[str, Any]:
    m = make_map(SERVICE_TPS, period="2026-Q3", business=MAP_BUSINESS)
    data = Overlay.model_validate(
        {"journeymap-data": 1, "map": "m", "period": "2026-Q2", **overlay}
    )
    doc: dict[str, Any] = analyze(build_graph(m, data), samples=0).to_dict()["metrics"]
    return doc


def test_an_overlay_without_business_reports_the_map_figures_as_not_measured() -> None:
    m = _period({"touchpoints": {"a": {"entries": 20, "next": {"paid": 5}}}})
    reason = (
        "not measured in 2026-Q2: the overlay does not carry it, and the map's own figure "
        "is not used"
    )
    for name, formula in (
        ("retention_rate", "(E - N) / S"),
        ("churn_rate", "lost / S"),
        ("retention_cost", "retention spend / (E - N)"),
    ):
        assert m[name] == {"value": None, "formula": formula, "inputs": {}, "reason": reason}
    assert "repeat_customer_rate" not in m  # the map does not track it either
    a = m["touchpoints"]["a"]
    assert a["first_response_time"] == {
        "mean": None,
        "median": None,
        "p90": None,
        "count": None,
        "unit": None,
        "hours": None,
        "reason": reason,
    }
    assert a["cost"] == {"value": None, "per_visit": None, "visits": 20, "reason": reason}
    assert "service_cost" not in m
    assert m["conversion_rate"]["value"] == 5 / 20  # the overlay's flow, as before


def test_an_overlay_with_business_is_the_only_source() -> None:
    m = _period(
        {
            "business": {"customers_start": 500, "customers_end": 520, "new_customers": 60},
            "touchpoints": {
                "a": {
                    "entries": 20,
                    "next": {"paid": 5},
                    "business": {
                        "resolution_time": {"unit": "hours", "samples": [2, 4]},
                        "cost_per_visit": 3.0,
                    },
                }
            },
        }
    )
    # Q2 by hand: retained 520 - 60 = 460 of 500 = 92%; churn 1 - 0.92 (no lost count in Q2)
    assert m["retention_rate"]["value"] == 0.92
    assert m["retention_rate"]["inputs"] == {"S": 500, "E": 520, "N": 60}
    assert m["churn_rate"]["formula"] == "1 - (E - N) / S"
    assert m["churn_rate"]["value"] == pytest.approx(0.08)
    assert m["retention_cost"]["value"] is None  # the map's spend is not carried over
    assert m["retention_cost"]["reason"].startswith("not measured in 2026-Q2")
    a = m["touchpoints"]["a"]
    assert a["resolution_time"] == {
        "mean": 3.0,
        "median": 3.0,
        "p90": 3.8,  # type 7 over 2, 4: 2 + 0.9 (4 - 2)
        "count": 2,
        "unit": "hours",
        "hours": "calendar",
    }
    assert a["first_response_time"]["reason"].startswith("not measured")
    assert a["cost"] == {"value": 60.0, "per_visit": 3.0, "visits": 20}  # 3.0 x 20 visits
    assert m["service_cost"]["value"] == 60.0


def test_business_figures_of_the_overlay_only() -> None:
    """A figure only the overlay has is reported; the map's inputs never fill a gap."""
    m = _period({"business": {"ordering_customers": 40, "repeat_customers": 10}})
    assert m["repeat_customer_rate"]["value"] == 0.25
    assert {
        k: m[k]["value"] for k in ("retention_rate", "churn_rate", "retention_cost")
    } == dict.fromkeys(("retention_rate", "churn_rate", "retention_cost"))


def test_proportions_carry_a_wilson_interval() -> None:
    """Retention 800 of 1,000 with z = 1.959964: centre (0.8 + z²/2000) / (1 + z²/1000),
    checked against scipy's Wilson interval."""
    from scipy.stats import binomtest

    def wilson(k: int, n: int) -> tuple[float, float]:
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        return float(ci.low), float(ci.high)

    figures = business_figures(Business.model_validate(MAP_BUSINESS))
    assert figures["retention_rate"].interval == pytest.approx(wilson(800, 1000))
    assert figures["churn_rate"].interval == pytest.approx(wilson(200, 1000))
    assert figures["retention_cost"].interval is None


def test_p90_of_samples_is_the_inclusive_percentile() -> None:
    """Type 7 (numpy's default): position 0.9 x (n - 1) between the order statistics."""
    import numpy as np

    samples = [0.5, 0.8, 1.2, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 12, 15, 21]
    t = service_time(Durations(samples=samples))
    # 0.9 x 19 = 17.1: 12 + 0.1 x (15 - 12) = 12.3
    assert t.p90 == pytest.approx(12.3) == pytest.approx(float(np.percentile(samples, 90)))
    assert service_time(Durations(samples=[7])).p90 == 7
    assert service_time(Durations(mean=3.0, median=2.0, count=9)).p90 is None
