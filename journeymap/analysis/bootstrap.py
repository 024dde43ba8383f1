"""Dirichlet row bootstrap of the chain: uncertainty of conversion and of every leak cost.

For each chain touchpoint, the probabilities of its observed outcomes are drawn from
``Dirichlet(counts + 1/2)`` on the observed support (outcomes with a positive count), with a
seeded ``numpy.random.Generator``, so the same seed gives the same intervals. Each draw is
solved exactly like the point estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from journeymap.analysis.chain import (
    DENSE_LIMIT,
    Chain,
    ChainProbabilities,
    Factor,
    row_entries,
)

_EXIT, _UNKNOWN, _AFTER, _GOAL, _MOVE = 0, 1, 2, 3, 4


@dataclass
class BootstrapDraws:
    """Per-draw results: ``lost[s, i]`` expected conversions lost at state i in draw s."""

    conversion: np.ndarray
    lost: np.ndarray
    lost_value: np.ndarray | None


def _support(chain: Chain) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Outcomes with a positive count, grouped by row: (row, kind, column, count), row starts."""
    rows: list[int] = []
    kinds: list[int] = []
    cols: list[int] = []
    counts: list[float] = []
    for i in range(chain.n):
        for j, c in zip(*row_entries(chain.transitions, i), strict=True):
            if c > 0:
                rows.append(i)
                kinds.append(_MOVE)
                cols.append(int(j))
                counts.append(float(c))
        for k in range(len(chain.goals)):
            if chain.conversions[i, k] > 0:
                rows.append(i)
                kinds.append(_GOAL)
                cols.append(k)
                counts.append(float(chain.conversions[i, k]))
        for kind, arr in ((_EXIT, chain.exits), (_UNKNOWN, chain.unknown), (_AFTER, chain.after)):
            if arr[i] > 0:
                rows.append(i)
                kinds.append(kind)
                cols.append(0)
                counts.append(float(arr[i]))
    r = np.asarray(rows, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]]) if r.size else np.zeros(0, np.int64)
    return r, np.asarray(kinds), np.asarray(cols, dtype=np.int64), np.asarray(counts), starts


def bootstrap(
    chain: Chain, samples: int, seed: int, *, chunk: int | None = None
) -> BootstrapDraws | None:
    """Draw ``samples`` chains and solve conversion and leak costs on each.

    ``lost[s, i] = x_i * (v*_i l*_i) / (v_i l_i) * b*_i / s*_i``: the observed exits scaled by
    how the draw changes the model's exits at i, times the draw's continuation value. When
    counts conserve flow, ``x_i = E v_i l_i`` and this is ``E v*_i l*_i b*_i / s*_i``.
    None when there are no draws or no entries.
    """
    total = float(chain.entries.sum())
    n, k = chain.n, len(chain.goals)
    if samples <= 0 or total <= 0 or n == 0:
        return None
    alpha = chain.entries / total
    rng = np.random.default_rng(seed)
    rows, kinds, cols, counts, starts = _support(chain)
    base = chain.probabilities()
    base_factor = Factor(base.Q)
    v0 = base_factor.solve(alpha, transpose=True)
    model_exits0 = v0 * base.lost
    dead = chain.departures == 0
    values = chain.goal_values
    conv = np.empty(samples)
    lost = np.empty((samples, n))
    lost_val = np.empty((samples, n)) if values is not None else None
    if chunk is None:
        chunk = max(1, min(samples, int(2e7 // max(n * n, 1)))) if n <= DENSE_LIMIT else 1
    move = kinds == _MOVE
    goal = kinds == _GOAL
    for start in range(0, samples, chunk):
        c = min(chunk, samples - start)
        W = (
            rng.standard_gamma(counts + 0.5, size=(c, counts.size))
            if counts.size
            else np.zeros((c, 0))
        )
        sums = np.add.reduceat(W, starts, axis=1) if counts.size else np.zeros((c, 0))
        seg = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, counts.size]))
        W = W / sums[:, seg]
        lostp = np.zeros((c, n))
        unkp = np.zeros((c, n))
        R = np.zeros((c, n, k))
        lostp[:, rows[kinds == _EXIT]] = W[:, kinds == _EXIT]
        unkp[:, rows[kinds == _UNKNOWN]] = W[:, kinds == _UNKNOWN]
        unkp[:, dead] = 1.0
        R[:, rows[goal], cols[goal]] = W[:, goal]
        s = 1.0 - lostp - unkp
        if n <= DENSE_LIMIT:
            A = np.broadcast_to(np.eye(n), (c, n, n)).copy()
            A[:, rows[move], cols[move]] -= W[:, move]
            rhs = R if values is None else np.concatenate([R, (R @ values)[:, :, None]], axis=2)
            X = np.linalg.solve(A, rhs)
            v = np.linalg.solve(
                np.transpose(A, (0, 2, 1)), np.broadcast_to(alpha, (c, n))[:, :, None]
            )[:, :, 0]
        else:
            X = np.empty((c, n, k + (values is not None)))
            v = np.empty((c, n))
            import scipy.sparse as sp  # large chains only

            for d in range(c):
                Q = sp.csr_matrix((W[d, move], (rows[move], cols[move])), shape=(n, n))
                f = Factor(Q)
                rhs1 = R[d] if values is None else np.column_stack([R[d], R[d] @ values])
                X[d] = f.solve(rhs1)
                v[d] = f.solve(alpha, transpose=True)
        b = X[:, :, :k].sum(axis=2)
        conv[start : start + c] = (b * alpha).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(
                model_exits0 > 0, chain.exits / np.where(model_exits0 > 0, model_exits0, 1), 0.0
            )
            exits_draw = v * lostp * scale
            frac = np.where(s > 0, 1.0 / np.where(s > 0, s, 1), np.nan)
            lost[start : start + c] = exits_draw * b * frac
            if lost_val is not None:
                lost_val[start : start + c] = exits_draw * X[:, :, k] * frac
    return BootstrapDraws(conversion=conv, lost=lost, lost_value=lost_val)


def interval(draws: np.ndarray, confidence: float) -> tuple[float, float] | None:
    """Equal-tailed percentile interval of finite draws, or None.

    >>> [round(x, 9) for x in interval(np.arange(101.0), 0.9)]
    [5.0, 95.0]
    """
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def probability_top(draws: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Share of draws in which each candidate column is the largest (ties split evenly)."""
    sub = np.nan_to_num(draws[:, candidates], nan=-np.inf)
    if sub.size == 0:
        return np.zeros(candidates.size)
    best = sub.max(axis=1, keepdims=True)
    winners = sub == best
    weights = winners / winners.sum(axis=1, keepdims=True)
    return np.asarray(weights.mean(axis=0))


def drawn_probabilities(chain: Chain, samples: int, seed: int) -> list[ChainProbabilities]:
    """The row draws of :func:`bootstrap` (``Dirichlet(counts + 1/2)`` on the observed support,
    dead rows unknown) as whole chains' probabilities, for a figure that needs its own solve
    per draw (an opportunity's what-if on several touchpoints at once)."""
    if samples <= 0 or chain.n == 0 or float(chain.entries.sum()) <= 0:
        return []
    import scipy.sparse as sp  # an opportunity's interval only

    n, k = chain.n, len(chain.goals)
    rng = np.random.default_rng(seed)
    rows, kinds, cols, counts, starts = _support(chain)
    seg = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, counts.size]))
    dead = chain.departures == 0
    move, goal = kinds == _MOVE, kinds == _GOAL
    out: list[ChainProbabilities] = []
    for _ in range(samples):
        w = rng.standard_gamma(counts + 0.5) if counts.size else np.zeros(0)
        if counts.size:
            w = w / np.add.reduceat(w, starts)[seg]
        by_kind = {kind: np.zeros(n) for kind in (_EXIT, _UNKNOWN, _AFTER)}
        for kind, arr in by_kind.items():
            arr[rows[kinds == kind]] = w[kinds == kind]
        by_kind[_UNKNOWN][dead] = 1.0
        R = np.zeros((n, k))
        R[rows[goal], cols[goal]] = w[goal]
        Q = sp.csr_matrix((w[move], (rows[move], cols[move])), shape=(n, n))
        out.append(ChainProbabilities(Q, R, by_kind[_EXIT], by_kind[_UNKNOWN], by_kind[_AFTER]))
    return out
