"""Independent cross-checks of the chain figures.

Every number here is computed a second way, without journeymap's chain code: a seeded
simulation of customer paths through the map, a full re-solve with numpy, finite differences,
and counts produced by simulated customers (which conserve flow by construction).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.analysis import analyze
from journeymap.graph import COUNT, ENTRIES, EXITS, UNKNOWN, touchpoints_in_order
from tests.analysis.helpers import graph

RICH = [
    {"id": "ad", "stage": "aware", "entries": 1000, "next": {"home": 300, "product": 400}},
    {"id": "seo", "stage": "aware", "entries": 600, "next": {"product": 350, "blog": 100}},
    {"id": "blog", "stage": "aware", "next": {"product": 40}},
    {"id": "home", "stage": "consider", "entries": 200, "next": {"product": 300, "help": 60}},
    {"id": "help", "stage": "consider", "next": {"home": 20, "cart": 10}},
    {"id": "product", "stage": "consider", "next": {"cart": 500, "home": 80}},
    {"id": "cart", "stage": "buy", "next": {"checkout": 380, "product": 60}},
    {"id": "email", "stage": "buy", "entries": 150, "next": {"cart": 70}},
    {"id": "checkout", "stage": "buy", "unknown": 10, "next": {"paid": 300, "cart": 30}},
    {"id": "paid", "stage": "done", "goal": True},
]


def dense_chain(G):  # type: ignore[no-untyped-def]
    """Q, r, exits, unknown and entries straight from the graph's counts (no journeymap chain)."""
    goals = set(G.graph["goals"])
    states = [t for t in touchpoints_in_order(G) if t not in goals]
    idx = {s: i for i, s in enumerate(states)}
    n = len(states)
    Q = np.zeros((n, n))
    r = np.zeros(n)
    x = np.array([G.nodes[s][EXITS] for s in states], float)
    u = np.array([G.nodes[s][UNKNOWN] for s in states], float)
    e = np.array([G.nodes[s][ENTRIES] for s in states], float)
    for a, b, d in G.edges(data=True):
        if a in idx:
            if b in idx:
                Q[idx[a], idx[b]] += d[COUNT]
            else:
                r[idx[a]] += d[COUNT]
    m = Q.sum(1) + r + x + u
    return states, Q / m[:, None], r / m, x / m, u / m, e


def conversion(Q, r, alpha):  # type: ignore[no-untyped-def]
    return float(alpha @ np.linalg.solve(np.eye(len(r)) - Q, r))


def simulate(Q, r, x, u, alpha, paths, rng):  # type: ignore[no-untyped-def]
    """Walk `paths` customers through the chain; return converted flags and visit counts."""
    n = len(r)
    probs = np.hstack([Q, r[:, None], x[:, None], u[:, None]])
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    state = rng.choice(n, size=paths, p=alpha)
    alive = np.ones(paths, bool)
    converted = np.zeros(paths, bool)
    visited = np.zeros((paths, n), np.int32)
    while alive.any():
        ids = np.flatnonzero(alive)
        s = state[ids]
        visited[ids, s] += 1
        nxt = (rng.random(ids.size)[:, None] > cum[s]).sum(axis=1)
        converted[ids[nxt == n]] = True
        done = nxt >= n
        alive[ids[done]] = False
        state[ids[~done]] = nxt[~done]
    return converted, visited


def test_simulated_paths_agree_with_the_exact_chain() -> None:
    G = graph(RICH)
    a = analyze(G, samples=0)
    states, Q, r, x, u, e = dense_chain(G)
    alpha = e / e.sum()
    rng = np.random.default_rng(12345)
    paths = 200_000
    converted, visited = simulate(Q, r, x, u, alpha, paths, rng)
    C = a.summary.conversion_probability
    se = np.sqrt(C * (1 - C) / paths)
    assert abs(converted.mean() - C) < 4 * se
    for k, s in enumerate(states):
        tp = a.touchpoint(s)
        v = visited[:, k]
        assert abs(v.mean() - tp.expected_visits) < 4 * v.std() / np.sqrt(paths) + 1e-9
        reach = (v > 0).mean()
        assert abs(reach - tp.reach_probability) < 4 * np.sqrt(reach * (1 - reach) / paths) + 1e-9
        # removal effect = P(convert and visit k) / C, estimated like ChannelAttribution does
        both = (converted & (v > 0)).mean()
        assert (
            abs(both / converted.mean() - tp.removal_effect)
            < 4 * np.sqrt(both * (1 - both) / paths) / C + 1e-9
        )


def test_removal_effect_closed_form_equals_a_full_re_solve() -> None:
    G = graph(RICH)
    a = analyze(G, samples=0)
    states, Q, r, _x, _u, e = dense_chain(G)
    alpha = e / e.sum()
    C = conversion(Q, r, alpha)
    assert pytest.approx(a.summary.conversion_probability, rel=1e-9) == C
    for k, s in enumerate(states):
        Qk, rk, ak = Q.copy(), r.copy(), alpha.copy()
        Qk[:, k] = 0.0  # everyone arriving at k is lost
        Qk[k, :] = 0.0
        rk[k] = 0.0
        ak[k] = 0.0
        without = conversion(Qk, rk, ak)
        assert a.touchpoint(s).removal_effect == pytest.approx(1 - without / C, abs=1e-9)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 1.0])
def test_what_if_closed_form_equals_a_full_re_solve(fraction: float) -> None:
    G = graph(RICH)
    a = analyze(G, samples=0, what_if=fraction)
    states, Q, r, x, _u, e = dense_chain(G)
    alpha = e / e.sum()
    C = conversion(Q, r, alpha)
    for leak in a.leaks:
        i = states.index(leak.touchpoint)
        s = Q[i].sum() + r[i]
        Qi, ri = Q.copy(), r.copy()
        grow = 1 + fraction * x[i] / s  # closed exits continue pro rata
        Qi[i] *= grow
        ri[i] *= grow
        gain = (conversion(Qi, ri, alpha) - C) * e.sum()
        assert leak.what_if.extra_conversions == pytest.approx(gain, rel=1e-9)
        # first order equals fraction * L_i
        assert leak.what_if.first_order_conversions == pytest.approx(
            fraction * leak.lost_conversions
        )


def test_what_if_along_one_transition_equals_a_re_solve() -> None:
    G = graph(RICH)
    a = analyze(G, samples=0, what_if=0.3, what_if_target={"cart": "product", "checkout": "paid"})
    states, Q, r, x, _u, e = dense_chain(G)
    alpha = e / e.sum()
    C = conversion(Q, r, alpha)
    leaks = {lk.touchpoint: lk for lk in a.leaks}
    i, j = states.index("cart"), states.index("product")
    Qi = Q.copy()
    Qi[i, j] += 0.3 * x[i]
    assert leaks["cart"].what_if.extra_conversions == pytest.approx(
        (conversion(Qi, r, alpha) - C) * e.sum(), rel=1e-9
    )
    k = states.index("checkout")
    ri = r.copy()
    ri[k] += 0.3 * x[k]
    assert leaks["checkout"].what_if.extra_conversions == pytest.approx(
        (conversion(Q, ri, alpha) - C) * e.sum(), rel=1e-9
    )


def test_edge_sensitivity_by_finite_differences() -> None:
    G = graph(RICH)
    a = analyze(G, samples=0)
    states, Q, r, _x, _u, e = dense_chain(G)
    alpha = e / e.sum()
    C = conversion(Q, r, alpha)
    eps = 1e-7
    for edge in a.edges:
        if edge.kind not in ("transition", "conversion"):
            continue
        i = states.index(edge.from_)
        Qe, re_ = Q * 1.0, r * 1.0
        Qe[i] *= 1 - eps  # take eps pro rata from the whole row ...
        re_[i] *= 1 - eps
        if edge.to in states:  # ... and put it on the edge
            Qe[i, states.index(edge.to)] += eps
        else:
            re_[i] += eps
        fd = (conversion(Qe, re_, alpha) - C) / eps
        assert edge.sensitivity == pytest.approx(fd, abs=1e-5)


def customers_walk(n: int, seed: int, customers: int):  # type: ignore[no-untyped-def]
    """Counts produced by simulated customers on a random map: flow conserves by construction."""
    rng = np.random.default_rng(seed)
    P = rng.random((n, n + 2)) * (rng.random((n, n + 2)) < 0.5)
    P[:, n] += 0.2  # every touchpoint converts a little ...
    P[:, n + 1] += 0.2  # ... and loses a little
    P /= P.sum(1, keepdims=True)
    cum = np.cumsum(P, 1)
    cum[:, -1] = 1
    entries = np.zeros(n, int)
    trans = np.zeros((n, n), int)
    conv = np.zeros(n, int)
    for _ in range(customers):
        s = int(rng.integers(0, max(1, n // 2)))
        entries[s] += 1
        while True:
            nxt = int((rng.random() > cum[s]).sum())
            if nxt == n:
                conv[s] += 1
                break
            if nxt == n + 1:
                break
            trans[s, nxt] += 1
            s = nxt
    tps = []
    for i in range(n):
        nxt = {f"t{j}": int(trans[i, j]) for j in range(n) if trans[i, j]}
        if conv[i]:
            nxt["goal"] = int(conv[i])
        tps.append({"id": f"t{i}", "entries": int(entries[i]), "next": nxt})
    tps.append({"id": "goal", "goal": True})
    return tps, entries, trans, conv


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 7), seed=st.integers(0, 10_000), customers=st.integers(1, 300))
def test_conserved_counts_are_reproduced_exactly(n: int, seed: int, customers: int) -> None:
    tps, entries, trans, conv = customers_walk(n, seed, customers)
    a = analyze(graph(tps), samples=0)
    E = a.summary.entries
    assert customers == E
    for i in range(n):
        tp = a.touchpoint(f"t{i}")
        visits = entries[i] + trans[:, i].sum()
        assert tp.visits == visits and tp.flow_residual == 0
        if tp.expected_visits is not None:
            assert E * tp.expected_visits == pytest.approx(visits, rel=1e-9)
    assert E * a.summary.conversion_probability == pytest.approx(conv.sum(), rel=1e-9, abs=1e-9)
    # the leak costs add up to the first-order gain of closing every leak a little
    for leak in a.leaks:
        assert leak.lost_conversions is None or leak.lost_conversions >= 0


@pytest.mark.parametrize("goal_stage_first", [False, True])
@pytest.mark.parametrize("dense_limit, column_limit", [(2, 4000), (2, 3), (0, 0)])
def test_every_solver_path_gives_the_same_figures(
    monkeypatch: pytest.MonkeyPatch, dense_limit: int, column_limit: int, goal_stage_first: bool
) -> None:
    """Dense LU, dense columns + Woodbury stage reach, and sparse LU + SCC diagonal agree
    (also when a stage has no chain touchpoint before others that do)."""
    from journeymap.analysis import chain

    tps = [RICH[-1], *RICH[:-1]] if goal_stage_first else RICH
    reference = analyze(graph(tps), samples=0).to_dict()
    monkeypatch.setattr(chain, "DENSE_LIMIT", dense_limit)
    monkeypatch.setattr(chain, "COLUMN_DENSE_LIMIT", column_limit)
    other = analyze(graph(tps), samples=0).to_dict()
    for ref, got in zip(reference["touchpoints"], other["touchpoints"], strict=True):
        for key in (
            "conversion_probability",
            "reach_probability",
            "removal_effect",
            "expected_visits",
        ):
            assert got[key] == pytest.approx(ref[key], abs=1e-9), (ref["id"], key)
    for ref, got in zip(reference["stages"], other["stages"], strict=True):
        assert got["reach_probability"] == pytest.approx(ref["reach_probability"], abs=1e-9)
        assert got["conversion_given_reach"] == pytest.approx(
            ref["conversion_given_reach"], abs=1e-9
        )
    assert [lk["what_if"]["extra_conversions"] for lk in other["leaks"]] == pytest.approx(
        [lk["what_if"]["extra_conversions"] for lk in reference["leaks"]]
    )


def test_stage_reach_by_simulation() -> None:
    G = graph(RICH)
    a = analyze(G, samples=0)
    states, Q, r, x, u, e = dense_chain(G)
    rng = np.random.default_rng(7)
    paths = 100_000
    converted, visited = simulate(Q, r, x, u, e / e.sum(), paths, rng)
    for stage in a.stages:
        cols = [states.index(t) for t in stage.touchpoints if t in states]
        hit = visited[:, cols].sum(axis=1) > 0
        if "paid" in stage.touchpoints:
            hit |= converted
        p = hit.mean()
        assert abs(p - stage.reach_probability) < 4 * np.sqrt(p * (1 - p) / paths) + 1e-9
        if stage.conversion_given_reach is not None:
            q = (hit & converted).mean() / p
            assert abs(q - stage.conversion_given_reach) < 0.01
