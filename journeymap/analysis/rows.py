"""The per-touchpoint and per-transition rows of the analysis: ``touchpoints[]``,
``after_goal[]`` and ``edges[]``.

A touchpoint's row joins its flow (visits, departures, drop-off) with its figures on the chain
(conversion, expected visits, reach, removal effect, expected touchpoints, ``docs/analysis.md``
sections 4 and 6); an edge's row adds the sensitivity ``v_i (b_j - b_i)`` of conversion to
that transition.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from journeymap.analysis.flow import Flow
from journeymap.analysis.results import AfterGoalRow, Edge, EdgeKind, TouchpointFigures
from journeymap.analysis.run import Run
from journeymap.graph import COUNT, DECLARED, MEDIAN_SECONDS, RETURNS, TOUCHPOINT
from journeymap.stats import ratio

__all__ = ["after_goal_row", "edge_figures", "touchpoint_figures"]


def touchpoint_figures(run: Run) -> Iterator[TouchpointFigures]:
    """The ``touchpoints[]`` rows, in map order."""
    G, goals, conf = run.G, run.goals, run.options.confidence
    after_set = run.after_set
    for tid, f in run.flows.items():
        is_goal = tid in goals
        c = _chain_figures(run, tid)
        yield TouchpointFigures(
            id=tid,
            name=f.name,
            stage=f.stage,
            formerly=tuple(getattr(G.nodes[tid].get(TOUCHPOINT), "formerly", [])),
            goal=is_goal,
            after_goal=tid in after_set,
            entries=f.entries,
            visits=f.visits,
            customers=f.customers,
            departures=f.departures,
            transitions_out=f.transitions_out,
            conversions=f.conversions,
            exits=f.exits,
            unknown=f.unknown,
            in_progress=f.in_progress,
            flow_residual=f.residual,
            flow_residual_relative=f.relative_residual,
            drop_off=None if is_goal else f.drop_off(),
            drop_off_interval=None if is_goal else f.drop_off_interval(conf),
            customer_drop_off=f.customer_drop_off(),
            conversion_probability=c.conversion_probability,
            expected_visits=c.expected_visits,
            reach_probability=c.reach_probability,
            removal_effect=c.removal_effect,
            expected_touchpoints=c.expected_touchpoints,
            expected_touchpoints_converting=c.expected_touchpoints_converting,
        )


@dataclass(frozen=True)
class _ChainPart:
    conversion_probability: float | None = None
    expected_visits: float | None = None
    reach_probability: float | None = None
    removal_effect: float | None = None
    expected_touchpoints: float | None = None
    expected_touchpoints_converting: float | None = None


def _chain_figures(run: Run, tid: str) -> _ChainPart:
    """Conversion, visits, reach, removal effect and expected touchpoints of one touchpoint
    (``docs/analysis.md`` sections 4 and 6); a goal converts with probability 1."""
    sol, goals = run.sol, run.goals
    if tid in run.chain.index:
        i = run.chain.index[tid]
        bi = float(sol.b[i]) if goals else 0.0
        reach = sol.reach
        visits = sol.v is not None and reach is not None
        return _ChainPart(
            conversion_probability=bi if goals else None,
            expected_visits=float(sol.v[i]) if visits and sol.v is not None else None,
            reach_probability=float(reach[i]) if visits and reach is not None else None,
            removal_effect=None if run.removal is None else float(run.removal[i]),
            expected_touchpoints=float(sol.steps[i]),
            expected_touchpoints_converting=(
                float(sol.steps_converting[i]) / bi if goals and bi > 0 else None
            ),
        )
    if tid in goals and sol.alpha is not None:
        cg = float(sol.alpha @ sol.B[:, goals.index(tid)])
        C = run.conversion
        return _ChainPart(
            conversion_probability=1.0,
            expected_visits=cg,
            reach_probability=cg,
            removal_effect=ratio(cg, C) if C else None,
            expected_touchpoints=0.0,
        )
    return _ChainPart()


def after_goal_row(f: Flow, confidence: float) -> AfterGoalRow:
    return AfterGoalRow(
        id=f.id,
        name=f.name,
        stage=f.stage,
        visits=f.visits,
        departures=f.departures,
        exits=f.exits,
        drop_off=f.drop_off(),
        drop_off_interval=f.drop_off_interval(confidence),
        transitions_out=f.transitions_out,
        customers=f.customers,
    )


def _edge_kind(run: Run, u: str, v: str) -> EdgeKind:
    index = run.chain.index
    if u in index:
        return "transition" if v in index else "conversion" if v in run.goals else "to_after_goal"
    return "reentry" if v in index else "after_conversion"


def edge_figures(run: Run) -> Iterator[Edge]:
    """The ``edges[]`` rows with ``sensitivity = v_i (b_j - b_i)`` and ``v_i b_j`` from exits,
    in map order of (from, to); the figures of each source are read once for all its edges."""
    sol, index, order = run.sol, run.chain.index, run.order
    with_sensitivity = bool(run.goals) and sol.v is not None
    for u in sorted(run.G, key=order.__getitem__):
        targets = run.G.succ[u]
        if not targets:
            continue
        departures = run.flows[u].departures
        i = index.get(u)
        v_i = b_i = 0.0
        if i is not None and with_sensitivity:
            assert sol.v is not None
            v_i, b_i = float(sol.v[i]), float(sol.b[i])
        for v in sorted(targets, key=order.__getitem__):
            d = targets[v]
            sens = sens_exits = None
            if i is not None and with_sensitivity:
                bj = run.b_of(v)
                sens = v_i * (bj - b_i)
                sens_exits = v_i * bj
            yield Edge(
                from_=u,
                to=v,
                count=d[COUNT],
                count_known=d.get("count_known", True),
                probability=ratio(d[COUNT], departures),
                kind=_edge_kind(run, u, v),
                sensitivity=sens,
                sensitivity_from_exits=sens_exits,
                declared=bool(d.get(DECLARED, True)),
                returns=d.get(RETURNS, 0),
                median_seconds_to_next=d.get(MEDIAN_SECONDS),
            )
