"""Leak analysis: the exact chain on a 2,000-touchpoint map, and the bootstrap, against the naive ways.

The naive alternatives are implemented here, as a user would write them:

- removal effects by re-solving the chain without each touchpoint, with ``numpy.linalg.inv``
  of the dense ``I - Q`` (timed on a few touchpoints and multiplied out to all of them);
- removal effects by simulating customer paths through the chain and counting converting paths
  that visited each touchpoint (ChannelAttribution's approach), with its error against the
  exact figures;
- the bootstrap as a Python loop of dense solves, one draw at a time.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from run import Section
from timing import fmt_seconds, median_seconds

TITLE = "Leak analysis (`journeymap analyze`)"
NOTES = """A generated map: stages of 100 touchpoints, each with up to 11 transitions (70% to the
next stage, 20% within its stage, 10% back to an earlier stage, so almost the whole map is one
loop; the last four stages also lead to a goal), 10 million journeys entering in the first two
stages, three goals in the last stage. The
full analysis includes every removal effect, every what-if, the stage funnel, edge sensitivities
and the leak ranking (no bootstrap). Figures on a shared machine vary; compare within a run."""


def generate(
    n_touchpoints: int = 2000,
    stages: int = 20,
    out_degree: int = 10,
    back_share: float = 0.1,
    seed: int = 1,
) -> Any:
    """A JourneyMap with counts that conserve flow (expected visits, rounded)."""
    from journeymap.model import JourneyMap

    rng = np.random.default_rng(seed)
    per = n_touchpoints // stages
    n = per * stages
    ids = [f"s{s:02d}-t{t:03d}" for s in range(stages) for t in range(per)]
    goals = set(range(n - 3, n))
    Q = np.zeros((n, n))
    targets: list[list[int]] = []
    for i in range(n):
        s = i // per
        row: set[int] = set()
        if i not in goals:
            while len(row) < out_degree:
                u = rng.random()
                st = (
                    rng.integers(0, s)
                    if u < back_share and s > 0
                    else s
                    if u < back_share + 0.2
                    else min(stages - 1, s + 1)
                )
                j = int(st * per + rng.integers(0, per))
                if j != i:
                    row.add(j)
            if s >= stages - 4:  # the last stages can convert directly
                row.add(int(rng.choice(sorted(goals))))
            w = rng.random(len(row))
            Q[i, sorted(row)] = rng.uniform(0.6, 0.9) * w / w.sum()
        targets.append(sorted(row))
    entries = np.zeros(n)
    entries[:per] = rng.random(per)
    entries[per : 2 * per] = 0.2 * rng.random(per)
    entries *= 10_000_000 / entries.sum()
    visits = np.linalg.solve(np.eye(n) - Q.T, entries)
    counts = np.rint(visits[:, None] * Q).astype(np.int64)
    by_stage: list[list[dict[str, Any]]] = [[] for _ in range(stages)]
    for i in range(n):
        tp: dict[str, Any] = {"id": ids[i], "name": f"Touchpoint {i}"}
        if entries[i] >= 1:
            tp["entries"] = round(float(entries[i]))
        if i in goals:
            tp["goal"] = True
        else:
            tp["next"] = {ids[j]: int(counts[i, j]) for j in targets[i] if counts[i, j] > 0}
        by_stage[i // per].append(tp)
    return JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "bench",
            "title": "Generated",
            "currency": "EUR",
            "value_per_conversion": 40.0,
            "stages": [
                {"id": f"stage-{s:02d}", "name": f"Stage {s}", "touchpoints": by_stage[s]}
                for s in range(stages)
            ],
        }
    )


def dense_chain(G: Any) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Q, r and alpha as a user would build them from the graph."""
    from journeymap.graph import (
        COUNT,
        ENTRIES,
        EXITS,
        FLOW_RESIDUAL,
        GOALS,
        UNKNOWN,
        touchpoints_in_order,
    )

    goals = set(G.graph[GOALS])
    states = [t for t in touchpoints_in_order(G) if t not in goals]
    idx = {s: i for i, s in enumerate(states)}
    n = len(states)
    Q = np.zeros((n, n))
    r = np.zeros(n)
    # rounding leaves small residuals: negative ones are implied entries, positive ones unknown
    e = np.array([G.nodes[s][ENTRIES] + max(-G.nodes[s][FLOW_RESIDUAL], 0) for s in states], float)
    out = np.array(
        [
            G.nodes[s][EXITS] + G.nodes[s][UNKNOWN] + max(G.nodes[s][FLOW_RESIDUAL], 0)
            for s in states
        ],
        float,
    )
    for a, b, d in G.edges(data=True):
        if a in idx:
            if b in idx:
                Q[idx[a], idx[b]] += d[COUNT]
            else:
                r[idx[a]] += d[COUNT]
    m = Q.sum(1) + r + out
    m[m == 0] = 1
    return states, Q / m[:, None], r / m, e / e.sum()


def naive_removal(Q: np.ndarray, r: np.ndarray, alpha: np.ndarray, k: int) -> float:
    """C without touchpoint k, with the dense inverse."""
    Qk, rk, ak = Q.copy(), r.copy(), alpha.copy()
    Qk[:, k] = 0
    Qk[k, :] = 0
    rk[k] = 0
    ak[k] = 0
    N = np.linalg.inv(np.eye(len(r)) - Qk)
    return float(ak @ N @ rk)


def simulate_removal(
    Q: np.ndarray, r: np.ndarray, alpha: np.ndarray, paths: int, max_steps: int, seed: int = 0
) -> np.ndarray:
    """Removal effects from simulated paths: converting paths that visited k / converting paths."""
    rng = np.random.default_rng(seed)
    n = len(r)
    cum = np.cumsum(np.hstack([Q, r[:, None]]), axis=1)
    state = rng.choice(n, size=paths, p=alpha)
    alive = np.ones(paths, bool)
    converted = np.zeros(paths, bool)
    visited: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for _ in range(max_steps):
        ids = np.flatnonzero(alive)
        if ids.size == 0:
            break
        s = state[ids]
        visited.append(s)
        owners.append(ids)
        u = rng.random(ids.size)
        nxt = np.empty(ids.size, dtype=np.int64)
        for lo in range(0, ids.size, 20000):  # searchsorted row by row, vectorised in chunks
            rows = cum[s[lo : lo + 20000]]
            nxt[lo : lo + 20000] = (u[lo : lo + 20000, None] > rows).sum(axis=1)
        conv = nxt == n
        converted[ids[conv]] = True
        lost = u > cum[s, -1]
        stop = conv | lost
        alive[ids[stop]] = False
        state[ids[~stop]] = nxt[~stop]
    # truncated paths count as not converting (as ChannelAttribution does at max_step)
    visits = np.zeros(n)
    if visited:
        pairs = np.unique(
            np.column_stack([np.concatenate(owners), np.concatenate(visited)]), axis=0
        )
        conv_pairs = pairs[converted[pairs[:, 0]]]
        visits = np.bincount(conv_pairs[:, 1], minlength=n).astype(float)
    total = converted.sum()
    return visits / total if total else visits


def run(quick: bool) -> Section:
    from journeymap.analysis import analyze
    from journeymap.analysis.bootstrap import bootstrap
    from journeymap.analysis.chain import build_chain, dense
    from journeymap.facts import after_goal_touchpoints, selected_goals
    from journeymap.graph import build_graph

    n_big = 400 if quick else 2000
    rows: list[list[str]] = []
    notes: list[str] = []
    start = time.perf_counter()
    jm = generate(n_big, stages=max(4, n_big // 100))
    G = build_graph(jm)
    notes.append(
        f"- map: {G.number_of_nodes():,} touchpoints, {G.number_of_edges():,} "
        f"transitions (generated and built in {fmt_seconds(time.perf_counter() - start)})"
    )
    result = analyze(G, samples=0)
    t_full = median_seconds(lambda: analyze(G, samples=0), repeat=3 if quick else 5)
    rows.append(
        [
            f"full analysis, {n_big:,} touchpoints (every removal effect, what-if, funnel, "
            "leak ranking; no bootstrap)",
            "journeymap `analyze(G, samples=0)`",
            fmt_seconds(t_full),
            "exact",
        ]
    )
    states, Q, r, alpha = dense_chain(G)
    exact = np.array([result.touchpoint(s).removal_effect for s in states])
    C = float(alpha @ np.linalg.solve(np.eye(len(r)) - Q, r))
    sample = list(range(0, len(states), max(1, len(states) // 5)))[:5]
    t0 = time.perf_counter()
    for k in sample:
        re_k = 1 - naive_removal(Q, r, alpha, k) / C
        assert abs(re_k - exact[k]) < 1e-8, (k, re_k, exact[k])
    per_node = (time.perf_counter() - t0) / len(sample)
    rows.append(
        [
            f"every removal effect, {len(states):,} touchpoints",
            "naive: re-solve per touchpoint with `numpy.linalg.inv` (timed on "
            f"{len(sample)}, times {len(states):,})",
            fmt_seconds(per_node * len(states)),
            "exact (agrees to 1e-8)",
        ]
    )
    paths = 20_000 if quick else 100_000
    max_steps = 40
    t0 = time.perf_counter()
    sim = simulate_removal(Q, r, alpha, paths, max_steps)
    t_sim = time.perf_counter() - t0
    err = float(np.abs(sim - exact).max())
    rows.append(
        [
            f"every removal effect, {len(states):,} touchpoints",
            f"naive: path simulation ({paths:,} paths, max {max_steps} steps, "
            "ChannelAttribution's approach)",
            fmt_seconds(t_sim),
            f"max error {err:.3f}",
        ]
    )
    # bootstrap of a 100-touchpoint map
    small = build_graph(generate(100, stages=5, out_degree=6))
    goals = selected_goals(small)
    chain = build_chain(small, goals, after_goal_touchpoints(small, goals))
    draws = 200 if quick else 1000
    t_boot = median_seconds(lambda: bootstrap(chain, draws, 0), repeat=3, warmup=1)
    rows.append(
        [
            f"bootstrap, 100 touchpoints, {draws:,} draws (conversion and every leak cost)",
            "journeymap: Dirichlet draws, batched dense solves",
            fmt_seconds(t_boot),
            "seeded, deterministic",
        ]
    )
    P = chain.probabilities()
    n = chain.n
    Qd = dense(P.Q)

    def loop_bootstrap() -> None:
        rng = np.random.default_rng(0)
        counts = np.hstack(
            [
                dense(chain.transitions),
                chain.conversions,
                (chain.exits + chain.unknown + chain.after)[:, None],
            ]
        )
        for _ in range(draws):
            probs = np.zeros_like(counts)
            for i in range(n):
                support = counts[i] > 0
                if support.any():
                    probs[i, support] = rng.dirichlet(counts[i, support] + 0.5)
            A = np.eye(n) - probs[:, :n]
            b = np.linalg.solve(A, probs[:, n : n + len(goals)].sum(1))
            v = np.linalg.solve(A.T, chain.entries / chain.entries.sum())
            _ = (b, v)

    del Qd
    t0 = time.perf_counter()
    loop_bootstrap()
    rows.append(
        [
            f"bootstrap, 100 touchpoints, {draws:,} draws",
            "naive: Python loop, `rng.dirichlet` per row, two dense solves per draw",
            fmt_seconds(time.perf_counter() - t0),
            "same model",
        ]
    )
    return Section(columns=["task", "method", "time", "accuracy"], rows=rows, notes=notes)
