"""Value at stake of opportunities: hand-worked numbers, the closed forms of the chain, a dense
solve of the whole walk written out here, and a simulation of customers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from journeymap.analysis import analyze
from journeymap.analysis.chain import build_chain, solve_chain, what_if_edge, what_if_pro_rata
from journeymap.analysis.opportunities import portfolio
from journeymap.analysis.opportunity_results import Portfolio, PricedOpportunity
from journeymap.analysis.run import Options
from journeymap.graph import build_graph
from tests.analysis.helpers import make_map

# home: 1000 entries + 100 back from the cart = 1100 visits, 400 to the cart, 700 leave;
# cart: 400 visits, 100 paid, 100 back home, 200 leave.
# b_home = 4/11 b_cart, b_cart = 1/4 + 1/4 b_home  =>  b_cart = 11/40, b_home = C = 1/10.
TOUCHPOINTS: list[dict[str, Any]] = [
    {"id": "home", "entries": 1000, "next": {"cart": 400}},
    {"id": "cart", "next": {"paid": 100, "home": 100}},
    {"id": "paid", "goal": True},
]


def _portfolio(opps: list[dict[str, Any]], samples: int = 0, **top: Any) -> Portfolio:
    jm = make_map(TOUCHPOINTS, value_per_conversion=50, opportunities=opps, **top)
    return portfolio(jm, build_graph(jm), options=Options(samples=samples))


def _one(opp: dict[str, Any], samples: int = 0) -> PricedOpportunity:
    return _portfolio([{"id": "o", "text": "O", "effort": 2, **opp}], samples).opportunities[0]


def test_close_exits_is_the_hand_worked_gain() -> None:
    # 50% of the cart's exits continue pro rata: l = 1/2 -> 1/4, Q(cart,home) = R(cart) = 3/8;
    # b_cart = (3/8) / (1 - 3/8 * 4/11) = 33/76, b_home = 12/76; gain 1000 (12/76 - 1/10)
    p = _one({"addresses": ["cart"], "expected": {"close_exits": "50%"}})
    gain = 1000 * (12 / 76 - 1 / 10)
    assert p.basis == "what-if"
    assert p.value_at_stake.conversions == pytest.approx(gain, rel=1e-9)  # 57.89
    assert p.value_at_stake.value == pytest.approx(50 * gain, rel=1e-9)
    assert p.value_per_effort == pytest.approx(50 * gain / 2, rel=1e-9)
    assert p.rank == 1


def test_drop_off_points_and_transition_are_hand_worked() -> None:
    # -10pp at the cart moves 0.1 of its 0.5 exits pro rata: Q = R = 0.3,
    # b_cart = 0.3 / (1 - 0.3 * 4/11), b_home = 1.2 / 9.8
    p = _one({"addresses": ["cart"], "expected": {"drop_off": "-10pp"}})
    assert p.value_at_stake.conversions == pytest.approx(1000 * (1.2 / 9.8 - 1 / 10))  # 22.4
    # 10% of the cart's exits go to the goal: R = 0.3, Q = 0.25, b_cart = 0.3 / (10/11) = 0.33
    t = _one({"addresses": ["cart"], "expected": {"transition": {"to": "paid", "share": "10%"}}})
    assert t.value_at_stake.conversions == pytest.approx(1000 * (0.12 - 1 / 10))  # 20


def test_one_touchpoint_agrees_with_the_closed_forms_of_the_chain() -> None:
    jm = make_map(TOUCHPOINTS, value_per_conversion=50)
    G = build_graph(jm)
    chain = build_chain(G, ["paid"], [])
    sol = solve_chain(chain)
    i, j = chain.index["cart"], chain.index["home"]
    E = 1000
    close = _one({"addresses": ["cart"], "expected": {"close_exits": "30%"}})
    closed_form = what_if_pro_rata(sol, i, 0.3)
    assert closed_form is not None
    assert close.value_at_stake.conversions == pytest.approx(E * closed_form)
    back = _one({"addresses": ["cart"], "expected": {"transition": {"to": "home", "share": "40%"}}})
    edge = what_if_edge(sol, i, 0.4, j)
    assert edge is not None
    assert back.value_at_stake.conversions == pytest.approx(E * edge)
    # and analyze's own what-if of the leak, at 30%
    leak = analyze(G, what_if=0.3, samples=0).leak("cart")
    assert leak is not None
    assert close.value_at_stake.conversions == pytest.approx(leak.what_if.extra_conversions)
    assert close.value_at_stake.value == pytest.approx(leak.what_if.extra_value)


def _dense_conversion(P: np.ndarray, goal: int, entry: np.ndarray) -> float:
    """Absorption into ``goal`` of a walk on the full row-stochastic matrix (states + outcomes)."""
    transient = [k for k in range(P.shape[0]) if P[k, k] < 1]
    Q = P[np.ix_(transient, transient)]
    r = P[transient, goal]
    return float(entry[transient] @ np.linalg.solve(np.eye(len(transient)) - Q, r))


def test_two_touchpoints_at_once_against_a_dense_solve_and_a_simulation() -> None:
    # close 50% of the exits at both home and cart; written out as a 4-state walk:
    # home: lost 7/11 -> 3.5/11, cart 4/11 -> 7.5/11; cart: paid, home 0.375, lost 0.25
    p = _one({"addresses": ["home", "cart"], "expected": {"close_exits": "50%"}})
    home, cart, paid, lost = 0, 1, 2, 3
    P = np.zeros((4, 4))
    P[home, cart], P[home, lost] = 7.5 / 11, 3.5 / 11
    P[cart, paid], P[cart, home], P[cart, lost] = 0.375, 0.375, 0.25
    P[paid, paid] = P[lost, lost] = 1
    entry = np.array([1.0, 0, 0, 0])
    after = _dense_conversion(P, paid, entry)
    assert p.value_at_stake.conversions == pytest.approx(1000 * (after - 1 / 10), rel=1e-9)
    # 200,000 simulated customers on the changed journey (seeded): within 4 standard errors
    rng = np.random.default_rng(7)
    n, converted = 200_000, 0
    state = np.zeros(n, dtype=int)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        u = rng.random(idx.size)
        cum = np.cumsum(P[state[idx]], axis=1)
        state[idx] = (u[:, None] > cum).sum(axis=1)
        done = (state[idx] == paid) | (state[idx] == lost)
        converted += int((state[idx][done] == paid).sum())
        active[idx[done]] = False
    share = converted / n
    se = np.sqrt(after * (1 - after) / n)
    assert abs(share - after) < 4 * se


def test_leak_bound_is_the_sum_of_the_leak_costs() -> None:
    # L_i = x_i b_i / s_i: home 700 (1/10) / (4/11) = 192.5, cart 200 (11/40) / 0.5 = 110
    p = _one({"addresses": ["home", "cart"]})
    assert p.basis == "leak-bound"
    assert p.value_at_stake.conversions == pytest.approx(192.5 + 110)
    an = analyze(build_graph(make_map(TOUCHPOINTS, value_per_conversion=50)), samples=0)
    assert p.value_at_stake.value == pytest.approx(sum(lk.lost_value or 0 for lk in an.leaks))
    assert [(lk.touchpoint, lk.leak_rank) for lk in p.leaks] == [("home", 1), ("cart", 2)]


def test_scenario_gain_against_the_map_as_written() -> None:
    scen = {"better": {"touchpoints": {"cart": {"next": {"paid": 150, "home": 100}}}}}
    jm = make_map(
        TOUCHPOINTS,
        value_per_conversion=50,
        scenarios=scen,
        opportunities=[{"id": "s", "text": "S", "effort": 1, "scenario": "better"}],
    )
    patched = make_map(
        [TOUCHPOINTS[0], {"id": "cart", "next": {"paid": 150, "home": 100}}, TOUCHPOINTS[2]],
        value_per_conversion=50,
    )
    pf = portfolio(jm, build_graph(jm), {"better": build_graph(patched)}, Options(samples=50))
    (p,) = pf.opportunities
    # b_cart = 3/8 + 1/4 b_home, b_home = 4/11 b_cart => b_cart = 0.4125, b_home = 0.15
    assert p.basis == "scenario"
    assert p.value_at_stake.conversions == pytest.approx(1000 * (0.15 - 0.1))
    assert p.value_at_stake.value_interval is None  # a forecast: no bootstrap interval


def test_the_interval_comes_from_the_bootstrap_and_is_reproducible() -> None:
    opp = {"addresses": ["cart"], "expected": {"close_exits": "50%"}}
    a, b = _one(opp, samples=300), _one(opp, samples=300)
    assert a == b
    lo, hi = a.value_at_stake.conversions_interval or (0, 0)
    assert lo < (a.value_at_stake.conversions or 0) < hi
    vlo, vhi = a.value_at_stake.value_interval or (0, 0)
    assert vlo == pytest.approx(50 * lo) and vhi == pytest.approx(50 * hi)
    assert _one(opp).value_at_stake.conversions_interval is None  # samples=0


def test_rank_by_value_per_effort_then_value_then_id_and_closed_ones_last() -> None:
    close = {"addresses": ["cart"], "expected": {"close_exits": "50%"}}
    pf = _portfolio(
        [
            {"id": "z-small", "text": "Z", "effort": 4, **close},  # same per effort as 'b'
            {"id": "b-double", "text": "B", "effort": 2, **close},
            {"id": "a-same", "text": "A", "effort": 2, **close},
            {"id": "done", "text": "D", "effort": 1, "status": "done", **close},
            {"id": "dropped", "text": "X", "effort": 1, "status": "dropped", **close},
            {"id": "no-effort", "text": "N", **close},
            {"id": "big", "text": "G", "effort": 1, "addresses": ["home"]},
        ]
    )
    order = [(p.id, p.rank) for p in pf.opportunities]
    assert order == [
        ("big", 1),  # leak bound 192.5 x 50 per 1
        ("a-same", 2),  # 57.89 x 50 / 2, tie with b-double broken by id
        ("b-double", 3),
        ("z-small", 4),
        ("done", None),
        ("dropped", None),
        ("no-effort", None),
    ]
    assert pf.unranked == {"done": 1, "dropped": 1, "no effort": 1}


def test_goals_and_removed_touchpoints_are_left_out_with_their_reason() -> None:
    p = _one({"addresses": ["paid", "cart"], "expected": {"close_exits": "50%"}})
    assert [(lo.touchpoint, lo.reason) for lo in p.left_out] == [("paid", "goal")]
    assert p.value_at_stake.conversions == pytest.approx(1000 * (12 / 76 - 1 / 10))


def test_text_opportunities_are_listed_as_they_are() -> None:
    tps = [dict(TOUCHPOINTS[0], opportunities=["Bigger buttons"]), *TOUCHPOINTS[1:]]
    jm = make_map(tps, opportunities=[])
    pf = portfolio(jm, build_graph(jm), options=Options(samples=0))
    assert pf.opportunities == ()
    assert [(t.touchpoint, t.text) for t in pf.texts] == [("home", "Bigger buttons")]
    assert pf.measure == "conversions"


def test_an_object_at_a_touchpoint_addresses_it() -> None:
    tps = [
        TOUCHPOINTS[0],
        dict(TOUCHPOINTS[1], opportunities=[{"id": "c", "text": "C", "effort": 1}]),
        TOUCHPOINTS[2],
    ]
    jm = make_map(tps)
    assert [o.addresses for o in jm.opportunity_objects()] == [["cart"]]
