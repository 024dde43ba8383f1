"""Every figure of analyze() on small journeys with answers worked out by hand."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import pytest

from journeymap.analysis import NonAbsorbingChainError, analyze
from journeymap.errors import AnalysisError
from tests.analysis.helpers import LOOP, graph


def by_id(rows: Sequence[Any], key: str = "id") -> dict[str, Any]:
    """Rows by id: typed results by attribute, JSON rows by key."""
    return {r[key] if isinstance(r, dict) else getattr(r, key): r for r in rows}


def test_loop_by_hand() -> None:
    a = analyze(graph(LOOP, value_per_conversion=10), samples=0)
    tp = by_id(a.touchpoints)
    assert a.summary.conversion_probability == pytest.approx(0.3)
    assert a.summary.conversions == 30 and a.summary.entries == 100
    assert tp["a"].conversion_probability == pytest.approx(0.3)
    assert tp["b"].conversion_probability == pytest.approx(0.55)
    # expected visits per entrant: 110 and 60 visits for 100 entries
    assert tp["a"].expected_visits == pytest.approx(1.1)
    assert tp["b"].expected_visits == pytest.approx(0.6)
    # return probability to a (or b) is 6/11 * 1/6 = 1/11, so N_aa = N_bb = 1.1
    assert tp["a"].reach_probability == pytest.approx(1.0)
    assert tp["b"].reach_probability == pytest.approx(6 / 11)
    # every conversion passes through a and b
    assert tp["a"].removal_effect == pytest.approx(1.0)
    assert tp["b"].removal_effect == pytest.approx(1.0)
    assert tp["a"].drop_off == pytest.approx(50 / 110)
    leaks = by_id(a.leaks, "touchpoint")
    # L = x b / s: a: 50 * 0.3 / (60/110); b: 20 * 0.55 / (40/60)
    assert leaks["a"].lost_conversions == pytest.approx(27.5)
    assert leaks["b"].lost_conversions == pytest.approx(16.5)
    assert leaks["b"].lost_value == pytest.approx(165.0)
    assert [lk.touchpoint for lk in a.leaks] == ["a", "b"]
    assert leaks["a"].best_next.touchpoint == "b"
    assert leaks["b"].best_next.touchpoint == "goal"
    assert a.summary.lost_probability == pytest.approx(0.7)


def test_expected_touchpoints_by_hand() -> None:
    # cart (100) -> paid 60, exits 40: one touchpoint before absorbing, one before converting
    a = analyze(
        graph([{"id": "cart", "entries": 100, "next": {"paid": 60}}, {"id": "paid", "goal": True}]),
        samples=0,
    )
    assert a.summary.expected_touchpoints == pytest.approx(1.0)
    assert a.summary.expected_touchpoints_converting == pytest.approx(1.0)
    # LOOP: t_b = 1 + t_a/6, t_a = 1 + 6/11 t_b -> t_a = (1 + 6/11) / (1 - 1/11) = 17/10
    a = analyze(graph(LOOP), samples=0)
    assert a.summary.expected_touchpoints == pytest.approx(1.7)


def test_json_has_no_nan_and_round_trips() -> None:
    a = analyze(graph(LOOP), samples=50)
    text = json.dumps(a.to_dict(), allow_nan=False)
    doc = json.loads(text)
    for key in (
        "settings",
        "summary",
        "touchpoints",
        "stages",
        "leaks",
        "edges",
        "after_goal",
        "metrics",
        "surveys",
        "warnings",
    ):
        assert key in doc


def test_deterministic_bootstrap() -> None:
    one = analyze(graph(LOOP), samples=200, seed=3).to_dict()
    two = analyze(graph(LOOP), samples=200, seed=3).to_dict()
    other = analyze(graph(LOOP), samples=200, seed=4).to_dict()
    assert one == two
    assert (
        one["leaks"][0]["lost_conversions_interval"]
        != other["leaks"][0]["lost_conversions_interval"]
    )
    low, high = one["leaks"][0]["lost_conversions_interval"]
    assert low < one["leaks"][0]["lost_conversions"] < high


def test_samples_zero_leaves_intervals_null() -> None:
    doc = analyze(graph(LOOP), samples=0).to_dict()
    assert doc["leaks"][0]["lost_conversions_interval"] is None
    assert doc["leaks"][0]["probability_top"] is None
    assert doc["summary"]["conversion_probability_interval"] is None
    assert doc["leaks"][0]["drop_off_interval"] is not None  # Wilson needs no bootstrap


def test_closed_loop_names_touchpoints() -> None:
    G = graph(
        [
            {"id": "start", "entries": 10, "next": {"paid": 10}},
            {"id": "x", "next": {"y": 10}},
            {"id": "y", "next": {"x": 10}},
            {"id": "paid", "goal": True},
        ]
    )
    with pytest.raises(NonAbsorbingChainError) as err:
        analyze(G, samples=0)
    assert isinstance(err.value, AnalysisError)
    assert err.value.touchpoints == ["x", "y"]
    assert "'x', 'y'" in str(err.value)


def test_no_goal_gets_flow_and_a_clear_statement() -> None:
    a = analyze(graph([{"id": "a", "entries": 10, "next": {"b": 4}}, {"id": "b"}]), samples=100)
    doc = a.to_dict()
    assert doc["summary"]["conversion_probability"] is None
    assert doc["touchpoints"][0]["drop_off"] == pytest.approx(0.6)
    assert doc["leaks"][0]["lost_conversions"] is None
    assert [lk["touchpoint"] for lk in doc["leaks"]] == ["a", "b"]
    assert "JM501" in [w["code"] for w in doc["warnings"]]


def test_zero_entries_and_zero_conversions() -> None:
    doc = analyze(
        graph([{"id": "a", "next": {"paid": 0}}, {"id": "paid", "goal": True}]), samples=10
    ).to_dict()
    codes = [w["code"] for w in doc["warnings"]]
    assert "JM502" in codes
    assert doc["summary"]["conversion_probability"] is None
    doc = analyze(
        graph([{"id": "a", "entries": 5, "next": {"paid": 0}}, {"id": "paid", "goal": True}]),
        samples=10,
    ).to_dict()
    assert "JM505" in [w["code"] for w in doc["warnings"]]
    assert doc["summary"]["conversion_probability"] == 0.0
    assert doc["touchpoints"][0]["removal_effect"] is None


def test_every_departure_an_exit() -> None:
    doc = analyze(
        graph(
            [
                {"id": "a", "entries": 20, "next": {"dead": 5, "paid": 5}},
                {"id": "dead"},
                {"id": "paid", "goal": True},
            ]
        ),
        samples=20,
    ).to_dict()
    dead = by_id(doc["leaks"], "touchpoint")["dead"]
    assert dead["lost_conversions"] is None and dead["what_if"]["extra_conversions"] is None
    assert dead["rank"] == 2
    assert "JM504" in [w["code"] for w in doc["warnings"]]


def test_goal_selection_and_after_goal() -> None:
    tps = [
        {"id": "shop", "entries": 100, "next": {"first": 40, "repeat": 10}},
        {"id": "first", "goal": True, "value": 50, "next": {"delivery": 40}},
        {"id": "repeat", "goal": True, "value": 20},
        {"id": "delivery", "next": {"review": 10, "shop": 5}},
        {"id": "review"},
    ]
    a = analyze(graph(tps), samples=0)
    assert a.summary.conversions_by_goal == {"first": 40, "repeat": 10}
    # delivery leads back to shop, so it stays in the chain (design 4.1); review is after the goal
    assert [r.id for r in a.after_goal] == ["review"]
    assert a.touchpoint("review").after_goal is True
    assert a.touchpoint("review").conversion_probability is None
    # arrivals from the goal at delivery are new journeys of the chain: 100 + 40 entries
    assert a.summary.entries == 140 and a.summary.reentries == 40
    # shop: 105 visits, 55 exits, s = 50/105, value per departure (40*50 + 10*20)/105
    shop = by_id(a.leaks, "touchpoint")["shop"]
    assert shop.lost_value == pytest.approx(55 * (2200 / 105) / (50 / 105))  # = 2420
    assert shop.lost_conversions == pytest.approx(55.0)
    assert "review" not in [lk.touchpoint for lk in a.leaks]
    one = analyze(graph(tps), goal="repeat", samples=0)
    assert one.summary.conversions_by_goal == {"repeat": 10}
    assert one.touchpoint("first").goal is False


def test_unknown_is_its_own_outcome_and_residuals_are_routed() -> None:
    # a declares 10 unknown; b has 5 more arrivals than departures (positive residual)
    G = graph(
        [
            {"id": "a", "entries": 100, "unknown": 10, "exits": 30, "next": {"b": 60}},
            {"id": "b", "exits": 5, "next": {"paid": 50}},
            {"id": "paid", "goal": True},
        ]
    )
    doc = analyze(G, samples=0).to_dict()
    s = doc["summary"]
    assert s["unknown_probability"] == pytest.approx(0.1 + 0.6 * 5 / 60)
    assert s["conversion_probability"] + s["lost_probability"] + s[
        "unknown_probability"
    ] == pytest.approx(1.0)
    b = by_id(doc["touchpoints"])["b"]
    assert b["flow_residual"] == 5 and b["departures"] == 60
    assert "JM503" in [w["code"] for w in doc["warnings"]]


def test_what_if_target_must_be_a_next_touchpoint() -> None:
    from journeymap.errors import UsageError

    with pytest.raises(UsageError, match="not a next touchpoint"):
        analyze(graph(LOOP), samples=0, what_if_target={"a": "goal"})
    a = analyze(graph(LOOP), samples=0, what_if_target={"b": "goal"})
    wi = by_id(a.leaks, "touchpoint")["b"].what_if
    # 10% of b's 20 exits go straight to the goal: +2 conversions exactly
    assert wi.extra_conversions == pytest.approx(2.0) and wi.target == "goal"


def test_stage_reach_and_classic_funnel() -> None:
    tps = [
        {"id": "ad", "stage": "aware", "entries": 100, "next": {"cart": 50}},
        {"id": "cart", "stage": "buy", "next": {"paid": 20}},
        {"id": "paid", "stage": "done", "goal": True},
    ]
    st = by_id(analyze(graph(tps), samples=0).stages)
    assert st["aware"].reach_probability == pytest.approx(1.0)
    assert st["buy"].reach_probability == pytest.approx(0.5)
    assert st["buy"].classic_funnel is True
    assert st["buy"].conversion_from_previous == pytest.approx(0.5)
    assert st["done"].reach_probability == pytest.approx(0.2)
    assert st["done"].conversion_from_previous == pytest.approx(0.4)
    # an entry straight into the buy stage breaks the classic funnel
    tps[1] = {**tps[1], "entries": 10}
    st = by_id(analyze(graph(tps), samples=0).stages)
    assert st["buy"].classic_funnel is False and st["buy"].conversion_from_previous is None
    assert st["buy"].reach_probability == pytest.approx((50 + 10) / 110)


def test_bad_settings() -> None:
    from journeymap.errors import UsageError

    with pytest.raises(UsageError):
        analyze(graph(LOOP), what_if=2)
    with pytest.raises(UsageError):
        analyze(graph(LOOP), confidence=1.0)
    assert not math.isnan(analyze(graph(LOOP), samples=0).summary.conversion_probability)
