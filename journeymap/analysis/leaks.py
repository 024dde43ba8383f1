"""The ``leaks[]`` ranking: every chain touchpoint with exits, ranked by what its exits cost.

A leak's cost is its expected lost conversions ``L_i = x_i b_i / s_i`` (priced with each goal's
value when every goal has one, :func:`~journeymap.analysis.chain.leak_costs`); each row adds the
what-if of closing a share of its exits (pro rata or along one transition, ``docs/analysis.md``
section 7), the bootstrap intervals, the probability of being the top leak and the best next
touchpoint.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from journeymap.analysis.bootstrap import interval, probability_top
from journeymap.analysis.chain import what_if_edge, what_if_pro_rata
from journeymap.analysis.results import BestNext, Leak, WhatIf
from journeymap.analysis.run import Run
from journeymap.analysis.survey_figures import SurveyFigures
from journeymap.graph import DECLARED

__all__ = ["SMALL_SAMPLE", "leak_candidates", "leak_ranking"]

SMALL_SAMPLE = 30
"""Fewer completed departures than this at a leak: its drop-off is flagged as a small sample."""


def leak_candidates(run: Run) -> list[int]:
    """Chain states with exits: the touchpoints that can be leaks, in chain order."""
    return [i for i, t in enumerate(run.chain.states) if run.flows[t].exits > 0]


def leak_ranking(run: Run, surveys: Mapping[str, SurveyFigures]) -> tuple[Leak, ...]:
    """The ``leaks[]`` rows, ranked by lost value (lost conversions without a value, exits
    without a goal); ties keep map order."""
    candidates = leak_candidates(run)
    draws = run.draws
    ptop = (
        probability_top(
            draws.lost_value if draws.lost_value is not None else draws.lost,
            np.asarray(candidates, dtype=np.int64),
        )
        if draws is not None and candidates
        else None
    )
    by_value = run.chain.goal_values is not None

    def order(pos: int) -> tuple[bool, float, int]:
        i = candidates[pos]
        exits = run.flows[run.chain.states[i]].exits
        if not run.goals:
            return (False, 0.0, -exits)
        lost, lost_value = _lost(run, i)
        cost = lost_value if by_value else lost
        return (cost is None, -(cost or 0.0), -exits)

    ranked = sorted(range(len(candidates)), key=order)
    return tuple(
        _leak(run, candidates[pos], rank, None if ptop is None else float(ptop[pos]), surveys)
        for rank, pos in enumerate(ranked, 1)
    )


def _lost(run: Run, i: int) -> tuple[float | None, float | None]:
    """Expected conversions lost at state i and the same in value
    (:func:`~journeymap.analysis.chain.leak_costs`); None where nothing continues."""
    if not run.goals or not run.sol.P.continuing[i] > 0:
        return None, None
    value = run.lost_value
    return float(run.lost[i]), (None if value is None else float(value[i]))


def _leak(
    run: Run, i: int, rank: int, ptop: float | None, surveys: Mapping[str, SurveyFigures]
) -> Leak:
    tid = run.chain.states[i]
    f = run.flows[tid]
    o = run.options
    lost, lost_value = _lost(run, i)
    target = o.what_if_target.get(tid)
    wi = _what_if(run, i, target) if run.goals else None
    lost_int = lost_val_int = None
    if run.draws is not None and lost is not None:
        lost_int = interval(run.draws.lost[:, i], o.confidence)
        if run.draws.lost_value is not None and lost_value is not None:
            lost_val_int = interval(run.draws.lost_value[:, i], o.confidence)
    return Leak(
        rank=rank,
        touchpoint=tid,
        name=f.name,
        stage=f.stage,
        exits=f.exits,
        departures=f.departures,
        drop_off=f.drop_off(),
        drop_off_interval=f.drop_off_interval(o.confidence),
        small_sample=f.departures < SMALL_SAMPLE,
        conversion_probability=float(run.sol.b[i]) if run.goals else None,
        lost_conversions=lost,
        lost_conversions_interval=lost_int,
        lost_value=lost_value,
        lost_value_interval=lost_val_int,
        what_if=WhatIf(
            percent=100 * o.what_if,
            target=target,
            extra_conversions=None if wi is None else wi[0],
            extra_value=None if wi is None else wi[1],
            first_order_conversions=None if lost is None else o.what_if * lost,
        ),
        removal_effect=None if run.removal is None else float(run.removal[i]),
        probability_top=ptop,
        best_next=_best_next(run, tid) if run.goals else None,
        survey=surveys.get(tid, SurveyFigures()),
    )


def _what_if(run: Run, i: int, target: str | None) -> tuple[float, float | None] | None:
    """Extra conversions (and value) when ``what_if`` of state i's exits continue
    (``docs/analysis.md`` section 7: pro rata, or along one transition)."""
    sol, chain, goals, fraction = run.sol, run.chain, run.goals, run.options.what_if
    values = chain.goal_values
    if target is None:
        dc = what_if_pro_rata(sol, i, fraction)
        dv = (
            what_if_pro_rata(sol, i, fraction, sol.b_value)
            if dc is not None and sol.b_value is not None
            else None
        )
    elif target in chain.index:
        j = chain.index[target]
        dc = what_if_edge(sol, i, fraction, j)
        dv = (
            what_if_edge(sol, i, fraction, j, weights=sol.b_value)
            if sol.b_value is not None
            else None
        )
    elif target in goals:
        k = goals.index(target)
        dc = what_if_edge(sol, i, fraction, None, goal=k)
        dv = (
            what_if_edge(sol, i, fraction, None, goal=k, goal_weight=float(values[k]))
            if values is not None
            else None
        )
    else:  # after-goal touchpoint: can no longer convert
        dc, dv = 0.0, (0.0 if values is not None else None)
    if dc is None:
        return None
    total = sol.total_entries
    return dc * total, (None if dv is None else dv * total)


def _best_next(run: Run, tid: str) -> BestNext | None:
    """The declared next touchpoint (not a self-loop) with the highest conversion probability;
    ties go to the first in map order."""
    G = run.G
    best: tuple[float, int, str] | None = None
    for succ, data in G.succ[tid].items():
        if not data.get(DECLARED, True) or succ == tid:
            continue
        cand = (-run.b_of(succ), run.order[succ], succ)
        if best is None or cand < best:
            best = cand
    if best is None:
        return None
    return BestNext(
        touchpoint=best[2], name=G.nodes[best[2]]["name"], conversion_probability=-best[0]
    )
