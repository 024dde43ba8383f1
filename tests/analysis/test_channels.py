"""Figures by channel: a two-channel map worked by hand, the same figures computed a second
way (closed-form removal effects, set-hitting probabilities, the leak ranking, a dense numpy
re-solve), a seeded simulation of customer paths, and shares that always add up (hypothesis)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.analysis import analyze
from journeymap.analysis.chain import build_chain, reach_of_set, solve_chain
from journeymap.analysis.channels import NO_CHANNEL, Attribution, Grouping, attribution
from journeymap.facts import after_goal_touchpoints, selected_goals
from journeymap.graph import CHANNEL, COUNT, ENTRIES, EXITS, UNKNOWN, VALUE, touchpoints_in_order
from journeymap.model import UnknownGoalError
from tests.analysis.helpers import graph

TWO: list[dict[str, Any]] = [
    {"id": "home", "channel": "web", "entries": 100, "next": {"cart": 50, "mail": 20}},
    {"id": "mail", "channel": "email", "entries": 40, "next": {"cart": 30}},
    {"id": "cart", "channel": "web", "next": {"paid": 40, "mail": 10}},
    {"id": "paid", "channel": "web", "goal": True},
]
"""Departures: home 100 (30 exits), mail 70 (40 exits), cart 80 (30 exits); 10 EUR an order.

By hand: b_mail = 3/7 b_cart and b_cart = 1/2 + 1/8 b_mail, so b_cart = 28/53, b_mail = 12/53,
b_home = 1/2 b_cart + 1/5 b_mail = 16.4/53; C = (100 b_home + 40 b_mail) / 140 = 2/7 (the 40
orders of 140 journeys). Without email (mail lost): b_cart = 1/2, b_home = 1/4, C = 25/140, so
RE_email = 1 - 25/40 = 3/8; without web nothing converts, RE_web = 1. Shares 8/11 and 3/11."""


def _by_channel(a: Attribution) -> dict[str, Any]:
    return {g.channel: g for g in a.groups}


def test_two_channels_by_hand() -> None:
    a = attribution(graph(TWO, value_per_conversion=10))
    assert (a.by, a.goals, a.conversions, a.value) == (Grouping.CHANNEL, ("paid",), 40, 400.0)
    assert a.conversion_probability == pytest.approx(2 / 7)
    web, email = a.groups
    assert (web.channel, web.touchpoints, web.visits, web.exits) == (
        "web",
        ("home", "cart"),
        180,
        60,
    )
    assert (email.channel, email.touchpoints, email.visits, email.exits) == (
        "email",
        ("mail",),
        70,
        40,
    )
    assert web.removal_effect == pytest.approx(1.0)
    assert email.removal_effect == pytest.approx(3 / 8)
    assert web.attribution_share == pytest.approx(8 / 11)
    assert email.attribution_share == pytest.approx(3 / 11)
    assert web.attributed_conversions == pytest.approx(320 / 11)  # 29.09 of the 40 orders
    assert email.attributed_value == pytest.approx(1200 / 11)  # 109.09 of 400 EUR
    assert web.conversions_reached == pytest.approx(40.0)  # every order passes web
    assert email.conversions_reached == pytest.approx(15.0)  # 140 (40 - 25) / 140
    # a journey starting at home converts with b_home, one starting at mail with b_mail
    assert web.conversion_probability == pytest.approx(16.4 / 53)
    assert email.conversion_probability == pytest.approx(12 / 53)
    # first touch: 100 b_home : 40 b_mail = 1640 : 480; last touch: every order comes from cart
    assert web.first_touch_share == pytest.approx(41 / 53)
    assert email.first_touch_share == pytest.approx(12 / 53)
    assert (web.last_touch_share, email.last_touch_share) == (1.0, 0.0)
    # leak cost x b / s, priced at 10: home 30 (16.4/53) / 0.7, cart 30 (28/53) / (5/8),
    # mail 40 (12/53) / (3/7)
    assert web.lost_value == pytest.approx(10 * (4920 / 371 + 6720 / 265))
    assert email.lost_value == pytest.approx(10 * 3360 / 159)


def test_the_same_figures_a_second_way() -> None:
    G = graph(TWO, value_per_conversion=10)
    groups = _by_channel(attribution(G))
    doc = analyze(G, samples=0).to_dict()
    # a channel of one touchpoint: the closed-form removal effect of that touchpoint
    mail = next(t for t in doc["touchpoints"] if t["id"] == "mail")
    assert groups["email"].removal_effect == pytest.approx(mail["removal_effect"], rel=1e-9)
    # lost value: the leak ranking's lost value, added up by channel
    for channel, g in groups.items():
        leaks = [lk["lost_value"] for lk in doc["leaks"] if lk["touchpoint"] in g.touchpoints]
        assert g.lost_value == pytest.approx(sum(leaks), rel=1e-9), channel
    # conversions reached: T P(reach the channel and convert), solved as set-hitting
    chain = build_chain(G, ["paid"], [])
    sol = solve_chain(chain)
    for g in groups.values():
        members = [chain.index[t] for t in g.touchpoints]
        _, both = reach_of_set(sol, chain, members, [])
        assert both is not None
        assert g.conversions_reached == pytest.approx(sol.total_entries * both, rel=1e-9)


def _dense(
    G: Any,
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Chain states, Q, R (one column per goal), lost, unknown, goals and entries straight from
    the graph's counts, without journeymap's chain code (the maps here conserve flow)."""
    goals = list(G.graph["goals"])
    states = [t for t in touchpoints_in_order(G) if t not in goals]
    idx = {s: i for i, s in enumerate(states)}
    n = len(states)
    Q, R = np.zeros((n, n)), np.zeros((n, len(goals)))
    x = np.array([G.nodes[s][EXITS] for s in states], float)
    u = np.array([G.nodes[s][UNKNOWN] for s in states], float)
    e = np.array([G.nodes[s][ENTRIES] for s in states], float)
    for a, b, d in G.edges(data=True):
        if a in idx:
            if b in idx:
                Q[idx[a], idx[b]] += d[COUNT]
            else:
                R[idx[a], goals.index(b)] += d[COUNT]
    m = Q.sum(1) + R.sum(1) + x + u
    return states, Q / m[:, None], R / m[:, None], x / m, u / m, goals, e


SIM: list[dict[str, Any]] = [
    {"id": "ad", "channel": "social", "entries": 1000, "next": {"home": 300, "product": 400}},
    {"id": "seo", "channel": "search", "entries": 600, "next": {"product": 350, "blog": 100}},
    {"id": "blog", "channel": "web", "next": {"product": 40}},
    {"id": "home", "channel": "web", "entries": 200, "next": {"product": 300, "help": 60}},
    {"id": "help", "channel": "chat", "next": {"home": 20, "cart": 10}},
    {"id": "product", "channel": "web", "next": {"cart": 500, "home": 80}},
    {"id": "cart", "channel": "web", "next": {"checkout": 380, "product": 60}},
    {"id": "email", "channel": "email", "entries": 150, "next": {"cart": 70, "subscribe": 20}},
    {"id": "checkout", "channel": "web", "unknown": 10, "next": {"paid": 300, "cart": 30}},
    {"id": "paid", "goal": True, "value": 50},
    {"id": "subscribe", "goal": True, "value": 5},
]


def _dense_removal(G: Any) -> tuple[float, dict[str, tuple[float, float]]]:
    """C and, per channel, the removal effects on conversion and on value, by a dense numpy
    re-solve with the channel's states removed (whoever arrives there or starts there is lost)."""
    states, Q, R, _x, _u, goals, e = _dense(G)
    alpha = e / e.sum()
    values = np.array([G.nodes[goal][VALUE] for goal in goals], float)
    eye = np.eye(len(states))

    def solved(Qg: np.ndarray, Rg: np.ndarray, ag: np.ndarray) -> tuple[float, float]:
        X = np.linalg.solve(eye - Qg, np.column_stack([Rg.sum(1), Rg @ values]))
        return float(ag @ X[:, 0]), float(ag @ X[:, 1])

    C, V = solved(Q, R, alpha)
    out: dict[str, tuple[float, float]] = {}
    for c in sorted({G.nodes[s][CHANNEL] for s in states}):
        gone = [i for i, s in enumerate(states) if G.nodes[s][CHANNEL] == c]
        Qg, Rg, ag = Q.copy(), R.copy(), alpha.copy()
        Qg[:, gone] = 0.0
        Rg[gone] = 0.0
        ag[gone] = 0.0
        Cg, Vg = solved(Qg, Rg, ag)
        out[c] = (1 - Cg / C, 1 - Vg / V)
    return C, out


def test_removal_by_a_dense_re_solve() -> None:
    G = graph(SIM)
    a = attribution(G)
    C, effects = _dense_removal(G)
    assert a.conversion_probability == pytest.approx(C, rel=1e-9)
    total = sum(v for _, v in effects.values())
    assert a.value == 300 * 50 + 20 * 5  # the goals are worth 50 and 5
    for g in a.groups:
        assert g.removal_effect == pytest.approx(effects[g.channel][0], abs=1e-12), g.channel
        # value is shared out by the value removal effects
        assert g.attributed_value == pytest.approx(
            effects[g.channel][1] / total * a.value, rel=1e-9
        )


def test_simulated_paths_agree() -> None:
    G = graph(SIM)
    a = attribution(G)
    states, Q, R, x, u, goals, e = _dense(G)
    values = np.array([G.nodes[g][VALUE] for g in goals], float)
    channels = sorted({G.nodes[s][CHANNEL] for s in states})
    of = np.array([channels.index(G.nodes[s][CHANNEL]) for s in states])
    n, k, paths = len(states), len(goals), 200_000
    cum = np.cumsum(np.hstack([Q, R, x[:, None], u[:, None]]), axis=1)
    cum[:, -1] = 1.0
    rng = np.random.default_rng(2026)
    state = rng.choice(n, size=paths, p=e / e.sum())
    first = of[state].copy()
    touched = np.zeros((paths, len(channels)), bool)
    goal = np.full(paths, -1)
    last = np.full(paths, -1)
    alive = np.ones(paths, bool)
    while alive.any():
        ids = np.flatnonzero(alive)
        s = state[ids]
        touched[ids, of[s]] = True
        nxt = (rng.random(ids.size)[:, None] > cum[s]).sum(axis=1)
        conv = (nxt >= n) & (nxt < n + k)
        goal[ids[conv]] = nxt[conv] - n
        last[ids[conv]] = of[s[conv]]
        alive[ids[nxt >= n]] = False
        state[ids[nxt < n]] = nxt[nxt < n]
    converted = goal >= 0
    C = converted.mean()
    worth = np.where(converted, values[np.maximum(goal, 0)], 0.0)
    assert abs(C - a.conversion_probability) < 4 * np.sqrt(C * (1 - C) / paths)
    groups = _by_channel(a)
    effects: dict[str, float] = {}
    value_effects: dict[str, tuple[float, float]] = {}
    for c, name in enumerate(channels):
        g = groups[name]
        both = (converted & touched[:, c]).mean()
        # removal by simulation: the converting paths that touch the channel, over all
        effects[name] = both / C
        tol = 4 * np.sqrt(both * (1 - both) / paths) / C
        assert abs(effects[name] - g.removal_effect) < tol + 1e-9, name
        ft = (converted & (first == c)).sum() / converted.sum()
        assert abs(ft - g.first_touch_share) < 4 * np.sqrt(ft * (1 - ft) / converted.sum()) + 1e-9
        lt = (converted & (last == c)).sum() / converted.sum()
        assert abs(lt - g.last_touch_share) < 4 * np.sqrt(lt * (1 - lt) / converted.sum()) + 1e-9
        starts = first == c
        if starts.any():
            p = converted[starts].mean()
            assert g.conversion_probability is not None
            se = np.sqrt(p * (1 - p) / starts.sum())
            assert abs(p - g.conversion_probability) < 4 * se + 1e-9
        else:
            assert g.conversion_probability is None
        # the value removal effect E[value, touched] / E[value], within 4 delta-method SEs
        wt = worth * touched[:, c]
        r = wt.mean() / worth.mean()
        se = (
            np.sqrt((wt.var() - 2 * r * np.cov(wt, worth)[0, 1] + r * r * worth.var()) / paths)
            / worth.mean()
        )
        value_effects[name] = (r, se)
    total = sum(effects.values())
    _, exact = _dense_removal(G)
    for name, g in groups.items():
        assert g.attribution_share == pytest.approx(effects[name] / total, abs=0.01)
        r, se = value_effects[name]
        assert abs(exact[name][1] - r) < 4 * se + 1e-9, name


def test_stages_group_the_same_way() -> None:
    tps = [
        dict(t, stage=s)
        for t, s in zip(
            SIM,
            [
                "aware",
                "aware",
                "aware",
                "consider",
                "consider",
                "consider",
                "buy",
                "buy",
                "buy",
                "done",
                "done",
            ],
            strict=True,
        )
    ]
    a = attribution(graph(tps), by=Grouping.STAGE)
    assert [g.channel for g in a.groups] == ["aware", "consider", "buy"]
    assert [g.touchpoints for g in a.groups] == [
        ("ad", "seo", "blog"),
        ("home", "help", "product"),
        ("cart", "email", "checkout"),
    ]
    assert sum(g.attribution_share or 0 for g in a.groups) == pytest.approx(1.0)
    assert sum(g.first_touch_share or 0 for g in a.groups) == pytest.approx(1.0)


def test_touchpoints_without_channel_and_maps_without_goal() -> None:
    tps: list[dict[str, Any]] = [
        {"id": "a", "entries": 10, "next": {"b": 6}},
        {"id": "b", "channel": "web", "next": {"paid": 3}},
        {"id": "paid", "goal": True},
    ]
    a = attribution(graph(tps))
    assert [(g.channel, g.touchpoints) for g in a.groups] == [(NO_CHANNEL, ("a",)), ("web", ("b",))]
    assert a.value is None and all(g.lost_value is None for g in a.groups)
    no_goal = attribution(
        graph(
            [
                {"id": "a", "channel": "web", "entries": 10, "next": {"b": 6}},
                {"id": "b", "channel": "app"},
            ]
        )
    )
    assert no_goal.conversion_probability is None and no_goal.conversions == 0
    assert [(g.channel, g.visits, g.exits) for g in no_goal.groups] == [
        ("web", 10, 4),
        ("app", 6, 6),
    ]
    assert all(
        g.attribution_share is None
        and g.conversion_probability is None
        and g.last_touch_share is None
        for g in no_goal.groups
    )
    with pytest.raises(UnknownGoalError):
        attribution(graph(tps), goal="payd")


def test_after_goal_touchpoints_are_no_channel_member() -> None:
    tps: list[dict[str, Any]] = [
        {"id": "ad", "channel": "social", "entries": 100, "next": {"paid": 30}},
        {"id": "paid", "channel": "web", "goal": True, "next": {"mail": 30}},
        {"id": "mail", "channel": "email", "next": {}},
    ]
    G = graph(tps)
    assert after_goal_touchpoints(G, selected_goals(G)) == ["mail"]
    a = attribution(G)
    assert [g.channel for g in a.groups] == ["social"]
    assert a.groups[0].attribution_share == 1.0


channel = st.sampled_from(["web", "app", "email", None])


@st.composite
def small_maps(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(min_value=1, max_value=5))
    ids = [f"t{i}" for i in range(n)]
    tps: list[dict[str, Any]] = []
    for i, tid in enumerate(ids):
        targets = draw(st.lists(st.sampled_from([*ids, "goal"]), max_size=3, unique=True))
        nxt = {t: draw(st.integers(min_value=0, max_value=30)) for t in targets if t != tid}
        tp: dict[str, Any] = {
            "id": tid,
            "next": nxt,
            "entries": draw(st.integers(min_value=1 if i == 0 else 0, max_value=50)),
            "exits": draw(st.integers(min_value=1, max_value=30)),
        }
        if (c := draw(channel)) is not None:
            tp["channel"] = c
        tps.append(tp)
    return [*tps, {"id": "goal", "goal": True, "value": 7}]


@settings(max_examples=150, deadline=None)
@given(tps=small_maps())
def test_shares_add_up(tps: list[dict[str, Any]]) -> None:
    a = attribution(graph(tps))
    groups = a.groups
    if a.conversions > 0:
        assert sum(g.last_touch_share or 0.0 for g in groups) == pytest.approx(1.0)
    if not a.conversion_probability:
        assert all(g.attribution_share is None for g in groups)
        return
    shares = [g.attribution_share for g in groups]
    assert all(s is not None and -1e-12 <= s <= 1 + 1e-12 for s in shares)
    assert sum(s or 0.0 for s in shares) == pytest.approx(1.0)
    assert sum(g.attributed_conversions or 0.0 for g in groups) == pytest.approx(a.conversions)
    assert sum(g.attributed_value or 0.0 for g in groups) == pytest.approx(a.value)
    assert sum(g.first_touch_share or 0.0 for g in groups) == pytest.approx(1.0)
    for g in groups:
        assert g.removal_effect is not None and -1e-12 <= g.removal_effect <= 1 + 1e-12
