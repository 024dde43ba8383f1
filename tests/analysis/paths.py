"""Seeded customer paths walked on an absorbing chain: the path simulation that the channel
cross-check (tests/analysis/test_channels_simulation.py) and the ChannelAttribution benchmark
(benchmarks/bench_attribution.py) compare the exact figures with.

Each path starts at a state drawn with the chain's entry shares ``alpha`` and moves one step at a
time along the row of ``[Q | R | lost | unknown | after]`` (one uniform draw per step, inverse
CDF), until it converts (a goal column), exits, ends unknown or passes into an after-goal
touchpoint. ``removed`` states are sent to LOST: a path that starts at one or arrives at one is
lost there, which is how the removal effect is defined (Anderl et al. 2016), simulated instead
of solved. Nothing here calls journeymap's solver: only the chain's probabilities are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from journeymap.analysis.chain import ChainProbabilities, dense

LOST, UNKNOWN, AFTER, TRUNCATED = -1, -2, -3, -4
"""Outcome codes of a path that did not convert (a converting path has its goal's index)."""


@dataclass(frozen=True)
class Paths:
    """Simulated paths: the outcome of each and, when recorded, the states it visited."""

    outcome: np.ndarray
    """Goal index (0, 1, ...) for a conversion, else LOST, UNKNOWN, AFTER or TRUNCATED."""
    visited: tuple[np.ndarray, ...] | None
    """Per path, the chain states visited in order (a removed state where it was lost counts
    as visited); None unless asked for."""

    @property
    def converted(self) -> np.ndarray:
        return self.outcome >= 0


def _cumulative(P: ChainProbabilities, removed: Sequence[int]) -> np.ndarray:
    rows = np.hstack(
        [
            dense(P.Q),
            P.R,
            P.lost[:, None],
            P.unknown[:, None],
            P.after[:, None],
        ]
    )
    n = P.Q.shape[0]
    rows[list(removed)] = 0.0
    rows[list(removed), n + P.R.shape[1]] = 1.0  # the lost column
    cum = np.cumsum(rows, axis=1)
    cum /= cum[:, -1:]  # rows add up to 1 up to rounding
    return cum


def simulate(
    P: ChainProbabilities,
    alpha: np.ndarray,
    paths: int,
    rng: np.random.Generator,
    *,
    removed: Sequence[int] = (),
    record: bool = False,
    max_steps: int = 10_000,
) -> Paths:
    """Walk ``paths`` seeded paths on the chain (module docstring)."""
    n, k = P.Q.shape[0], P.R.shape[1]
    cum = _cumulative(P, removed)
    state = rng.choice(n, size=paths, p=alpha / alpha.sum())
    outcome = np.full(paths, TRUNCATED)
    alive = np.ones(paths, bool)
    steps: list[tuple[np.ndarray, np.ndarray]] = []
    for _ in range(max_steps):
        ids = np.flatnonzero(alive)
        if ids.size == 0:
            break
        s = state[ids]
        if record:
            steps.append((ids, s.copy()))
        nxt = (rng.random(ids.size)[:, None] > cum[s]).sum(axis=1)
        nxt = np.minimum(nxt, n + k + 2)  # a draw above the last rounding step is "after"
        done = nxt >= n
        code = nxt[done] - n
        outcome[ids[done]] = np.where(code < k, code, -(code - k + 1))
        alive[ids[done]] = False
        state[ids[~done]] = nxt[~done]
    visited = None
    if record:
        per_path: list[list[int]] = [[] for _ in range(paths)]
        for ids, s in steps:
            for i, st in zip(ids.tolist(), s.tolist(), strict=True):
                per_path[i].append(st)
        visited = tuple(np.asarray(p, dtype=np.int64) for p in per_path)
    return Paths(outcome=outcome, visited=visited)
