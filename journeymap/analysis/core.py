"""``analyze(G)``: every figure of the analysis, as one typed :class:`Analysis`.

``analyze`` is a short sequence of named steps over one frozen :class:`Run` (the graph, the
flows, the chain and its solution, the goals, the options; :mod:`~journeymap.analysis.run`):
each part of the result is a function of the run. This module keeps the entry point and the
document-wide parts (map, settings, summary, surveys, conformance, time to convert); the leak
ranking (:mod:`~journeymap.analysis.leaks`), the touchpoint and edge rows
(:mod:`~journeymap.analysis.rows`), the stage funnel (:mod:`~journeymap.analysis.stages`) and
the JM5xx warnings (:mod:`~journeymap.analysis.analysis_warnings`) have their own modules, whose
names are re-exported here. The result's JSON form (:meth:`Analysis.to_dict`) is the contract of
``journeymap analyze --format json`` (``docs/analysis.md`` lists every name). Undefined figures
are None (null), never NaN, each with a coded JM5xx warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import networkx as nx
import numpy as np

from journeymap.analysis.analysis_warnings import ILL_CONDITIONED_STEPS, warnings
from journeymap.analysis.bootstrap import interval
from journeymap.analysis.business import business_metrics
from journeymap.analysis.chain import Solution
from journeymap.analysis.channels import attribution_on
from journeymap.analysis.document import rounded
from journeymap.analysis.leaks import SMALL_SAMPLE, leak_ranking
from journeymap.analysis.results import (
    Analysis,
    Conformance,
    Grouping,
    Leak,
    MapInfo,
    Settings,
    Summary,
    TimeToConvert,
    UndeclaredTransition,
    UnusedTransition,
    WhatIfSettings,
)
from journeymap.analysis.rows import after_goal_row, edge_figures, touchpoint_figures
from journeymap.analysis.run import Options, Run, prepare
from journeymap.analysis.stages import stage_funnel
from journeymap.analysis.survey_figures import SurveyFigures
from journeymap.analysis.surveys import survey_metrics
from journeymap.graph import (
    COUNT,
    COVERAGE,
    CURRENCY,
    DECLARED,
    FROM_OVERLAY,
    MAP_ID,
    PERIOD,
    SCORES,
    STAGES,
    TIME_TO_CONVERT,
    TITLE,
    UNIT,
    UNMAPPED,
    VALUE_PER_CONVERSION,
)
from journeymap.stats import ratio

__all__ = [
    "ILL_CONDITIONED_STEPS",
    "SMALL_SAMPLE",
    "Analysis",
    "Options",
    "Run",
    "analyze",
    "conformance",
    "edge_figures",
    "leak_ranking",
    "map_info",
    "prepare",
    "settings",
    "stage_funnel",
    "summarize",
    "survey_figures",
    "time_to_convert_of",
    "touchpoint_figures",
    "warnings",
]


def analyze(  # noqa: PLR0913 - the public keyword API (docs/api.md); the steps take one Run
    G: nx.DiGraph[str],
    *,
    goal: str | None = None,
    what_if: float = 0.10,
    what_if_target: Mapping[str, str] | None = None,
    samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    scenario: str | None = None,
    persona: str | None = None,
    by: Grouping | None = None,
) -> Analysis:
    """Analyse a journey graph from :func:`journeymap.graph.build_graph`.

    Parameters
    ----------
    G : the journey graph.
    goal : one goal touchpoint to convert into (default: every goal).
    what_if : fraction of each leak's exits closed in the what-if (0.10 = 10%).
    what_if_target : ``{touchpoint: next touchpoint}``; those touchpoints' closed exits go
        along that one transition instead of pro rata.
    samples, seed : Dirichlet bootstrap draws (0 turns it off) and the generator's seed.
    confidence : level of every interval.
    scenario, persona : labels for ``settings`` (the graph is already built for them).
    by : also report figures by channel or stage (``channels``,
        :mod:`journeymap.analysis.channels`).

    Raises
    ------
    NonAbsorbingChainError : a closed loop with no outcome (names the touchpoints).

    Examples
    --------
    >>> from journeymap.model import JourneyMap
    >>> from journeymap.graph import build_graph
    >>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M",
    ...     "value_per_conversion": 50, "stages": [{"id": "s", "name": "S", "touchpoints": [
    ...     {"id": "cart", "name": "Cart", "entries": 100, "next": {"paid": 60}},
    ...     {"id": "paid", "name": "Paid", "goal": True}]}]})
    >>> a = analyze(build_graph(m), samples=0)
    >>> a.summary.conversion_probability, a.leaks[0].lost_conversions, a.leaks[0].lost_value
    (0.6, 40.0, 2000.0)
    """
    options = Options(
        goal=goal,
        what_if=what_if,
        what_if_target=dict(what_if_target or {}),
        samples=samples,
        seed=seed,
        confidence=confidence,
        scenario=scenario,
        persona=persona,
        by=by,
    )
    run = prepare(G, options)
    surveys = survey_figures(run)
    leaks = leak_ranking(run, surveys)
    overlay = bool(G.graph.get(FROM_OVERLAY))
    summary = summarize(run, leaks)
    result = Analysis(
        map=map_info(G),
        settings=settings(run),
        summary=summary,
        touchpoints=tuple(touchpoint_figures(run)),
        stages=tuple(stage_funnel(run)),
        leaks=leaks,
        edges=tuple(edge_figures(run)),
        after_goal=tuple(after_goal_row(run.flows[t], confidence) for t in run.after),
        metrics=business_metrics(G, run.flows, summary.observed_conversion_rate, confidence),
        surveys=surveys,
        conformance=conformance(run) if overlay else None,
        warnings=tuple(warnings(run, overlay=overlay)),
        by=by,
        channels=None if by is None else attribution_on(G, run.chain, run.sol, by=by).groups,
        time_to_convert=time_to_convert_of(G),
    )
    return rounded(result)


# ------------------------------------------------------------------------------ map, settings


def map_info(G: nx.DiGraph[str]) -> MapInfo:
    return MapInfo(
        id=G.graph.get(MAP_ID),
        title=G.graph.get(TITLE),
        stages=tuple(s for s, _ in G.graph.get(STAGES, [])),
    )


def settings(run: Run) -> Settings:
    G, o = run.G, run.options
    return Settings(
        unit=G.graph.get(UNIT, "transitions"),
        period=G.graph.get(PERIOD),
        currency=G.graph.get(CURRENCY),
        value_per_conversion=G.graph.get(VALUE_PER_CONVERSION),
        confidence=o.confidence,
        samples=o.samples,
        seed=o.seed,
        goal=o.goal,
        goals=tuple(run.goals),
        scenario=o.scenario,
        persona=o.persona,
        what_if=WhatIfSettings(
            percent=100 * o.what_if, targets=dict(sorted(o.what_if_target.items()))
        ),
        data="overlay" if G.graph.get(FROM_OVERLAY) else "map",
    )


# ------------------------------------------------------------------------------ summary


def _dot(alpha: np.ndarray | None, x: np.ndarray) -> float | None:
    return None if alpha is None else float(alpha @ x)


def _by_goal(sol: Solution, goals: Sequence[str]) -> dict[str, float | None]:
    """The probability of converting at each goal, ``alpha @ B[:, k]`` (None for every goal
    when no journey enters the chain)."""
    return (
        {}
        if not goals
        else {goal: float(sol.alpha @ sol.B[:, k]) for k, goal in enumerate(goals)}
        if sol.alpha is not None
        else dict.fromkeys(goals)
    )


def summarize(run: Run, leaks: tuple[Leak, ...]) -> Summary:
    """The ``summary`` section: the whole chain's flow, conversion and leak totals."""
    chain, sol, flows, goals = run.chain, run.sol, run.flows, run.goals
    C = run.conversion
    alpha = sol.alpha if goals else None
    chain_entries = float(chain.entries.sum())
    residuals = [f.relative_residual for f in flows.values() if f.relative_residual is not None]
    return Summary(
        entries=chain_entries,
        entries_declared=sum(f.entries for f in flows.values()),
        reentries=sum(
            run.G.edges[u, v][COUNT]
            for u, v in run.G.edges
            if v in chain.index and u not in chain.index
        ),
        implied_entries=sum(max(-flows[s].residual, 0) for s in chain.states),
        conversions=int(chain.conversions.sum()),
        conversions_by_goal={
            goal: int(chain.conversions[:, k].sum()) for k, goal in enumerate(goals)
        },
        exits=int(chain.exits.sum()),
        exits_after_goal=sum(flows[t].exits for t in run.after),
        unknown=float(chain.unknown.sum()),
        in_progress=sum(flows[s].in_progress for s in chain.states),
        observed_conversion_rate=(
            ratio(float(chain.conversions.sum()), chain_entries) if goals else None
        ),
        conversion_probability=C,
        conversion_probability_interval=(
            interval(run.draws.conversion, run.options.confidence)
            if run.draws is not None
            else None
        ),
        conversion_probability_by_goal=_by_goal(sol, goals),
        lost_probability=_dot(alpha, sol.b_lost),
        unknown_probability=_dot(alpha, sol.b_unknown),
        after_goal_probability=_dot(alpha, sol.b_after),
        expected_touchpoints=_dot(sol.alpha, sol.steps),
        expected_touchpoints_converting=(
            ratio(float(sol.alpha @ sol.steps_converting), C)
            if sol.alpha is not None and C
            else None
        ),
        total_lost_conversions=(sum(lk.lost_conversions or 0.0 for lk in leaks) if goals else None),
        total_lost_value=(
            sum(lk.lost_value or 0.0 for lk in leaks)
            if goals and chain.goal_values is not None
            else None
        ),
        total_lost_note="first-order: the sum of each leak's expected lost conversions; "
        "leaks interact, so closing all at once gains a different amount",
        flow_residual_max=max(residuals) if residuals else None,
        touchpoints=len(flows),
        chain_touchpoints=chain.n,
        goals=tuple(goals),
        leaks=len(leaks),
        top_leak=leaks[0].touchpoint if leaks else None,
    )


# ------------------------------------------------------------------------------ surveys


def survey_figures(run: Run) -> dict[str, SurveyFigures]:
    """``surveys``: the metrics of every touchpoint that declares a survey with a figure."""
    out: dict[str, SurveyFigures] = {}
    for tid in run.order:
        figures = survey_metrics(run.G.nodes[tid].get(SCORES), run.options.confidence)
        if figures:
            out[tid] = figures
    return out


# ------------------------------------------------------------------------------ conformance


def conformance(run: Run) -> Conformance:
    """``conformance``: undeclared and unused transitions and touchpoints of an overlay."""
    G = run.G
    edges = run.edges_in_order()
    undeclared = tuple(
        UndeclaredTransition(u, v, G.edges[u, v][COUNT])
        for u, v in edges
        if not G.edges[u, v].get(DECLARED, True)
    )
    unused = tuple(
        UnusedTransition(u, v)
        for u, v in edges
        if G.edges[u, v].get(DECLARED, True) and not G.edges[u, v][COUNT]
    )
    unused_tp = tuple(t for t, f in run.flows.items() if f.visits == 0)
    declared_edges = sum(1 for e in edges if G.edges[e].get(DECLARED, True))
    return Conformance(
        coverage=G.graph.get(COVERAGE),
        unmapped=dict(sorted(G.graph.get(UNMAPPED, {}).items())),
        undeclared_transitions=undeclared,
        undeclared_share=ratio(
            sum(e.count for e in undeclared), sum(G.edges[e][COUNT] for e in edges)
        ),
        unused_transitions=unused,
        unused_touchpoints=unused_tp,
        declared_transitions_used=ratio(declared_edges - len(unused), declared_edges),
        touchpoints_used=ratio(len(run.flows) - len(unused_tp), len(run.flows)),
    )


# ------------------------------------------------------------------------------ time to convert


def time_to_convert_of(G: nx.DiGraph[str]) -> TimeToConvert | None:
    """The time to convert the graph's overlay carries (an ingested one), else None."""
    t = G.graph.get(TIME_TO_CONVERT)  # graphs built by hand (tests, doctests) have none
    return None if t is None else TimeToConvert(t.journeys, t.median_seconds, t.p90_seconds)
