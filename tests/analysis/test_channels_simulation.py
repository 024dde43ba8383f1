"""Removal effects by channel and by stage, exact (one linear solve per group) against a path
simulation: seeded random walks on the chain of maps/first-purchase.yaml, once as it is and
once per group with the group's touchpoints removed (sent to LOST), so that
``RE_g = 1 - C_-g / C`` is estimated from simulated paths alone (tests/analysis/paths.py).

Tolerance: four standard errors. ``C`` and ``C_-g`` are proportions of independent runs
(``BASE_PATHS`` and ``PATHS`` paths), ``var p = p (1 - p) / n``, so by the delta method
``se(RE) = (C_-g / C) sqrt(var C_-g / C_-g^2 + var C / C^2)``. A share ``RE_g / S``
(``S = sum_h RE_h``) is linear, to first order, in the independent estimates ``C`` and
``C_-h``: ``d share_g = sum_h w_gh dRE_h`` with ``w_gh = [h = g] / S - RE_g / S^2`` and
``dRE_h = -dC_-h / C + C_-h dC / C^2``, so its variance is
``sum_h (w_gh / C)^2 var C_-h + (sum_h w_gh C_-h / C^2)^2 var C``.
"""

from __future__ import annotations

import numpy as np
import pytest

from journeymap.analysis.chain import build_chain, solve_chain
from journeymap.analysis.channels import Grouping, attribution_on
from journeymap.facts import after_goal_touchpoints, selected_goals
from journeymap.graph import build_graph
from journeymap.io import load_map
from tests.analysis.paths import TRUNCATED, simulate
from tests.support import MAPS

PATHS = 200_000
"""Paths per run with a group removed."""
BASE_PATHS = 1_000_000
"""Paths of the run as it is: its C enters every removal effect, so it gets five times more."""


def _proportion_se(p: float, n: int = PATHS) -> float:
    return float(np.sqrt(p * (1 - p) / n))


@pytest.mark.parametrize("by", [Grouping.CHANNEL, Grouping.STAGE])
def test_removal_effects_agree_with_simulated_paths(by: Grouping) -> None:
    loaded = load_map(MAPS / "first-purchase.yaml")
    G = build_graph(loaded.map, loaded.overlay)
    goals = selected_goals(G, None)
    chain = build_chain(G, goals, after_goal_touchpoints(G, goals))
    sol = solve_chain(chain, with_diagonal=False)
    assert sol.alpha is not None and sol.conversion is not None
    a = attribution_on(G, chain, sol, by=by)
    assert len(a.groups) >= 3
    rng = np.random.default_rng(2026)

    base = simulate(sol.P, sol.alpha, BASE_PATHS, rng)
    assert not (base.outcome == TRUNCATED).any()
    C = float(base.converted.mean())
    assert abs(C - sol.conversion) < 4 * _proportion_se(C, BASE_PATHS)

    without: dict[str, float] = {}
    for g in a.groups:
        members = [chain.index[t] for t in g.touchpoints]
        paths = simulate(sol.P, sol.alpha, PATHS, rng, removed=members)
        assert not (paths.outcome == TRUNCATED).any()
        Cg = without[g.channel] = float(paths.converted.mean())
        re = 1 - Cg / C
        se = (Cg / C) * np.hypot(
            _proportion_se(Cg) / Cg if Cg else 0.0, _proportion_se(C, BASE_PATHS) / C
        )
        assert g.removal_effect is not None
        assert abs(re - g.removal_effect) < 4 * se + 1e-9, (g.channel, re, g.removal_effect, se)
    re_of = {k: 1 - Cg / C for k, Cg in without.items()}
    S = sum(re_of.values())
    for g in a.groups:
        w = {h: (h == g.channel) / S - re_of[g.channel] / S**2 for h in without}
        var = sum((w[h] / C) ** 2 * _proportion_se(without[h]) ** 2 for h in without)
        var += (sum(w[h] * without[h] for h in without) / C**2) ** 2 * _proportion_se(
            C, BASE_PATHS
        ) ** 2
        share, tol = re_of[g.channel] / S, 4 * float(np.sqrt(var)) + 1e-9
        assert g.attribution_share is not None and g.attributed_conversions is not None
        assert abs(g.attribution_share - share) < tol, (g.channel, share, tol)
        assert abs(g.attributed_conversions - share * a.conversions) < tol * a.conversions


def test_a_group_that_every_conversion_passes_is_never_avoided() -> None:
    """web holds the checkout: removing it stops every simulated conversion (RE = 1 exactly)."""
    loaded = load_map(MAPS / "first-purchase.yaml")
    G = build_graph(loaded.map, loaded.overlay)
    goals = selected_goals(G, None)
    chain = build_chain(G, goals, after_goal_touchpoints(G, goals))
    sol = solve_chain(chain, with_diagonal=False)
    assert sol.alpha is not None
    web = next(g for g in attribution_on(G, chain, sol).groups if g.channel == "web")
    assert web.removal_effect == pytest.approx(1.0, abs=1e-9)
    members = [chain.index[t] for t in web.touchpoints]
    paths = simulate(sol.P, sol.alpha, 20_000, np.random.default_rng(7), removed=members)
    assert not paths.converted.any()
