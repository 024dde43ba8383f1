"""``analyze(G)``: every figure of the analysis, as one typed :class:`Analysis`.

``analyze`` is a short sequence of named steps over one frozen :class:`Run` (the graph, the
flows, the chain and its solution, the goals, the options): each part of the result is a
function of the run. The result's JSON form (:meth:`Analysis.to_dict`) is the contract of
``journeymap analyze --format json`` (``docs/analysis.md`` lists every name). Undefined figures
are None (null), never NaN, each with a coded JM5xx warning.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np

from journeymap.analysis.bootstrap import BootstrapDraws, bootstrap, interval, probability_top
from journeymap.analysis.business import business_metrics
from journeymap.analysis.business_warnings import business_warnings
from journeymap.analysis.chain import (
    Chain,
    Solution,
    build_chain,
    leak_costs,
    removal_effects,
    solve_chain,
    stage_reaches,
    what_if_edge,
    what_if_pro_rata,
)
from journeymap.analysis.channels import attribution_on
from journeymap.analysis.document import rounded
from journeymap.analysis.flow import RESIDUAL_TOLERANCE, Flow, flow_table
from journeymap.analysis.results import (
    AfterGoalRow,
    Analysis,
    BestNext,
    Conformance,
    Edge,
    EdgeKind,
    Grouping,
    Leak,
    MapInfo,
    Settings,
    StageFigures,
    Summary,
    TimeToConvert,
    TouchpointFigures,
    UndeclaredTransition,
    UnusedTransition,
    WhatIf,
    WhatIfSettings,
)
from journeymap.analysis.survey_figures import SurveyFigures
from journeymap.analysis.surveys import merge_responses, survey_metrics, survey_problems
from journeymap.analysis.warning_text import AnalysisWarning
from journeymap.errors import UsageError, did_you_mean
from journeymap.facts import after_goal_touchpoints, selected_goals
from journeymap.findings import Number, Text, text
from journeymap.graph import (
    COUNT,
    COVERAGE,
    CURRENCY,
    DECLARED,
    FROM_OVERLAY,
    HAS_COUNTS,
    MAP_ID,
    MEDIAN_SECONDS,
    PERIOD,
    RETURNS,
    SCORES,
    STAGES,
    TIME_TO_CONVERT,
    TITLE,
    TOUCHPOINT,
    UNIT,
    UNMAPPED,
    VALUE,
    VALUE_PER_CONVERSION,
    touchpoints_in_order,
)
from journeymap.stats import ratio, wilson_interval

__all__ = ["ILL_CONDITIONED_STEPS", "SMALL_SAMPLE", "Analysis", "Options", "Run", "analyze"]

SMALL_SAMPLE = 30
"""Fewer completed departures than this at a leak: its drop-off is flagged as a small sample."""
ILL_CONDITIONED_STEPS = 1e4


@dataclass(frozen=True)
class Options:
    """How to run the analysis (the keyword arguments of :func:`analyze`)."""

    goal: str | None = None
    what_if: float = 0.10
    what_if_target: Mapping[str, str] = field(default_factory=dict)
    samples: int = 1000
    seed: int = 0
    confidence: float = 0.95
    scenario: str | None = None
    persona: str | None = None
    by: Grouping | None = None


@dataclass(frozen=True)
class Run:
    """Everything the steps of one analysis share: built once by :func:`prepare`."""

    G: nx.DiGraph[str]
    options: Options
    goals: list[str]
    after: list[str]
    flows: dict[str, Flow]
    chain: Chain
    sol: Solution
    draws: BootstrapDraws | None
    removal: np.ndarray | None
    order: dict[str, int]
    """Map order of every touchpoint."""

    @property
    def after_set(self) -> set[str]:
        return set(self.after)

    @property
    def conversion(self) -> float | None:
        """Overall conversion ``C``; None without a goal or without entries."""
        return self.sol.conversion if self.goals else None

    @cached_property
    def lost(self) -> np.ndarray:
        """``L_i = x_i b_i / s_i`` of every state (NaN where nothing continues)."""
        return leak_costs(self.chain, self.sol)

    @cached_property
    def lost_value(self) -> np.ndarray | None:
        """The same priced with each goal's value; None when a goal has no value."""
        b_value = self.sol.b_value
        return None if b_value is None else leak_costs(self.chain, self.sol, b_value)

    def b_of(self, tid: str) -> float:
        """Conversion probability from a touchpoint (1 at a goal, 0 after the goal)."""
        if tid in self.chain.index:
            return float(self.sol.b[self.chain.index[tid]])
        return 1.0 if tid in self.goals else 0.0

    def edges_in_order(self) -> list[tuple[str, str]]:
        return sorted(self.G.edges, key=lambda e: (self.order[e[0]], self.order[e[1]]))


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
        after_goal=tuple(_after_row(run.flows[t], confidence) for t in run.after),
        metrics=business_metrics(G, run.flows, summary.observed_conversion_rate, confidence),
        surveys=surveys,
        conformance=conformance(run) if overlay else None,
        warnings=tuple(warnings(run, overlay=overlay)),
        by=by,
        channels=None if by is None else attribution_on(G, run.chain, run.sol, by=by).groups,
        time_to_convert=time_to_convert_of(G),
    )
    return rounded(result)


# ------------------------------------------------------------------------------ the run


def prepare(G: nx.DiGraph[str], options: Options) -> Run:
    """Check the options, select the goals, build and solve the chain, draw the bootstrap."""
    if not 0 < options.confidence < 1:
        raise UsageError("confidence lies strictly between 0 and 1")
    if not 0 <= options.what_if <= 1:
        raise UsageError(
            f"the what-if fraction {options.what_if} is not between 0 and 1",
            hint="a what-if closes a share of the exits: 0.1 closes 10% of them",
        )
    if options.samples < 0:
        raise UsageError("the number of bootstrap samples cannot be negative")
    goals = selected_goals(G, options.goal)
    after = after_goal_touchpoints(G, goals)
    chain = build_chain(G, goals, after)
    sol = solve_chain(chain, groups=_stage_groups(G, chain))
    _check_targets(G, chain, options.what_if_target)
    return Run(
        G=G,
        options=options,
        goals=goals,
        after=after,
        flows=flow_table(G, goals),
        chain=chain,
        sol=sol,
        draws=bootstrap(chain, options.samples, options.seed) if goals else None,
        removal=removal_effects(sol) if goals else None,
        order={t: i for i, t in enumerate(touchpoints_in_order(G))},
    )


def _stage_groups(G: nx.DiGraph[str], chain: Chain) -> list[list[int]]:
    by_stage: dict[str, list[int]] = {sid: [] for sid, _ in G.graph.get(STAGES, [])}
    for s, i in chain.index.items():
        by_stage.setdefault(G.nodes[s]["stage"], []).append(i)
    return [by_stage[sid] for sid, _ in G.graph.get(STAGES, [])]


def _check_targets(G: nx.DiGraph[str], chain: Chain, targets: Mapping[str, str]) -> None:
    for src, dst in targets.items():
        if src not in G:
            raise UsageError(
                f"what-if target: the map has no touchpoint '{src}'",
                hint=did_you_mean(src, list(G.nodes)),
            )
        if src not in chain.index:
            raise UsageError(
                f"what-if target: '{src}' is not in the conversion chain "
                "(it is a goal or an after-goal touchpoint)"
            )
        succ = sorted(G.successors(src))
        if dst not in succ:
            raise UsageError(
                f"what-if target: '{dst}' is not a next touchpoint of '{src}'",
                hint=did_you_mean(dst, succ)
                or f"next touchpoints of '{src}': {', '.join(succ) or 'none'}",
            )


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


# ------------------------------------------------------------------------------ touchpoints


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


# ------------------------------------------------------------------------------ leaks


def _leak_candidates(run: Run) -> list[int]:
    """Chain states with exits: the touchpoints that can be leaks, in chain order."""
    return [i for i, t in enumerate(run.chain.states) if run.flows[t].exits > 0]


def leak_ranking(run: Run, surveys: Mapping[str, SurveyFigures]) -> tuple[Leak, ...]:
    """The ``leaks[]`` rows, ranked by lost value (lost conversions without a value, exits
    without a goal); ties keep map order."""
    candidates = _leak_candidates(run)
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


# ------------------------------------------------------------------------------ stages


def stage_funnel(run: Run) -> Iterator[StageFigures]:
    """The ``stages[]`` rows: reach from entry, conversion given reach, the classic ratio where
    a stage can be entered only through the one before (``docs/analysis.md`` section 5)."""
    members_by_stage: dict[str, list[str]] = {}
    for tid, f in run.flows.items():
        members_by_stage.setdefault(f.stage, []).append(tid)
    stages = list(run.G.graph.get(STAGES, []))
    reaches = _stage_reaches(run, [members_by_stage.get(sid, []) for sid, _ in stages])
    previous: tuple[float | None, set[str]] | None = None  # reach and members of the last stage
    for number, (sid, name) in enumerate(stages):
        members = members_by_stage.get(sid, [])
        row = _stage(run, sid, name, members, previous, reaches[number])
        yield row
        if not row.after_goal and members:
            previous = (row.reach_probability, set(members))


def _stage_reaches(run: Run, members: list[list[str]]) -> list[tuple[float | None, float | None]]:
    """Reach, and reach and convert, of every stage (stage number = its group), in one solve."""
    chain, goals = run.chain, run.goals
    sets = [
        (
            [chain.index[t] for t in m if t in chain.index],
            [goals.index(t) for t in m if t in goals],
            number,
        )
        for number, m in enumerate(members)
    ]
    some = [i for i, (c, g, _) in enumerate(sets) if c or g]
    found = stage_reaches(run.sol, chain, [sets[i] for i in some])
    out: list[tuple[float | None, float | None]] = [(None, None)] * len(sets)
    for i, value in zip(some, found, strict=True):
        out[i] = value
    return out


def _stage(
    run: Run,
    sid: str,
    name: str,
    members: list[str],
    previous: tuple[float | None, set[str]] | None,
    reaches: tuple[float | None, float | None],
) -> StageFigures:
    flows, goals = run.flows, run.goals
    reach, conv_and_reach = reaches
    exits = sum(flows[t].exits for t in members)
    departures = sum(flows[t].departures for t in members)
    prev_reach = None if previous is None else previous[0]
    classic = (
        previous is not None
        and prev_reach is not None
        and reach is not None
        and _entered_only_from(run, members, previous[1])
    )
    return StageFigures(
        id=sid,
        name=name,
        touchpoints=tuple(members),
        after_goal=bool(members) and all(t in run.after_set for t in members),
        entries=sum(flows[t].entries for t in members),
        visits=sum(flows[t].visits for t in members),
        exits=exits,
        departures=departures,
        drop_off=ratio(exits, departures),
        drop_off_interval=wilson_interval(exits, departures, confidence=run.options.confidence),
        reach_probability=reach,
        conversion_given_reach=(
            ratio(conv_and_reach, reach) if goals and reach and conv_and_reach is not None else None
        ),
        classic_funnel=classic,
        conversion_from_previous=(
            ratio(reach, prev_reach) if classic and reach is not None and prev_reach else None
        ),
        funnel_note=None
        if classic or previous is None
        else "customers can enter this stage without passing the previous one: read reach from "
        "entry, not a stage-to-stage ratio",
        surveys=survey_metrics(
            merge_responses([run.G.nodes[t].get(SCORES) for t in members]), run.options.confidence
        ),
    )


def _entered_only_from(run: Run, members: list[str], previous: set[str]) -> bool:
    inside = set(members)
    chain, G = run.chain, run.G
    for t in members:
        if t in chain.index and chain.entries[chain.index[t]] > 0:
            return False
        if G.nodes[t]["entries"] > 0:
            return False
        for p in G.predecessors(t):
            if p not in inside and p not in previous:
                return False
    return True


# ------------------------------------------------------------------------------ edges


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


def _after_row(f: Flow, confidence: float) -> AfterGoalRow:
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


def time_to_convert_of(G: nx.DiGraph[str]) -> TimeToConvert | None:
    """The time to convert the graph's overlay carries (an ingested one), else None."""
    t = G.graph.get(TIME_TO_CONVERT)  # graphs built by hand (tests, doctests) have none
    return None if t is None else TimeToConvert(t.journeys, t.median_seconds, t.p90_seconds)


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


# ------------------------------------------------------------------------------ warnings


def warnings(run: Run, *, overlay: bool) -> Iterator[AnalysisWarning]:
    """Every JM5xx warning, in the order of the document's sections."""
    yield from _map_warnings(run)
    yield from _touchpoint_warnings(run)
    yield from _leak_warnings(run)
    yield from _survey_warnings(run)
    yield from _chain_warnings(run)
    if overlay:
        for u, v in run.edges_in_order():
            if not run.G.edges[u, v].get(DECLARED, True):
                n = run.G.edges[u, v][COUNT]
                yield _warn(
                    "JM512",
                    text(
                        "{n} transition goes from '{source}' to '{target}', which the map "
                        "does not declare",
                        plural="{n} transitions go from '{source}' to '{target}', which the map "
                        "does not declare",
                        count=int(n),
                        n=Number(n),
                        source=u,
                        target=v,
                    ),
                    u,
                )
    for w in business_warnings(run.G):
        yield _warn(w.code, w.text, w.touchpoint)


def _warn(code: str, sentence: Text, touchpoint: str | None = None) -> AnalysisWarning:
    """A warning whose message is the English form of ``sentence``."""
    return AnalysisWarning(code, touchpoint, None, sentence.format(), sentence)


def _map_warnings(run: Run) -> Iterator[AnalysisWarning]:
    G, sol, chain, goals = run.G, run.sol, run.chain, run.goals
    has_counts = bool(G.graph.get(HAS_COUNTS, True))
    if not has_counts:
        yield _warn(
            "JM515",
            text(
                "the map has no counts (entries, transitions or exits): every "
                "figure that needs them is null"
            ),
        )
    if not goals:
        yield _warn(
            "JM501",
            text(
                "the map has no goal touchpoint, so conversion is undefined: flow "
                "and drop-off are reported, conversion, removal effects and leak costs are "
                "null"
            ),
        )
    if sol.alpha is None and has_counts:
        yield _warn(
            "JM502",
            text(
                "no journey enters the chain (zero entries): conversion and "
                "expected visits per entrant are null"
            ),
        )
    if goals and run.conversion is not None and run.conversion == 0:
        yield _warn(
            "JM505",
            text("no conversions: conversion probability is 0, so removal effects are null"),
        )
    if goals and chain.goal_values is None:
        missing = [goal for goal in goals if G.nodes[goal].get(VALUE) is None]
        yield _warn(
            "JM514",
            text(
                "no value per conversion for {goals}: lost value and what-if value are null",
                goals=", ".join(missing),
            ),
            missing[0],
        )
    if sol.steps.size and float(sol.steps.max()) > ILL_CONDITIONED_STEPS:
        worst = chain.states[int(np.argmax(sol.steps))]
        yield _warn(
            "JM510",
            text(
                "a nearly closed loop: from '{tid}' a journey visits {n} touchpoints on "
                "average before it ends; figures are numerically fragile",
                tid=worst,
                n=Number(float(sol.steps.max()), ".0f"),
            ),
            worst,
        )


def _touchpoint_warnings(run: Run) -> Iterator[AnalysisWarning]:
    for tid, f in run.flows.items():
        if f.relative_residual is not None and f.relative_residual > RESIDUAL_TOLERANCE:
            kind = (
                text("more arrive than leave: the difference counts as unknown departures")
                if f.residual > 0
                else text("more leave than arrive: the difference counts as implied entries")
            )
            yield _warn(
                "JM503",
                text(
                    "flow at '{tid}' does not add up: {visits} visits vs {departures} "
                    "departures ({share}); {kind}",
                    tid=tid,
                    visits=Number(f.visits),
                    departures=Number(f.visits - f.residual),
                    share=Number(f.relative_residual, ".1%"),
                    kind=kind,
                ),
                tid,
            )
        if f.departures == 0 and f.visits > 0 and tid not in run.goals:
            yield _warn(
                "JM509",
                text(
                    "'{tid}' has {n} visit but no completed departure: its drop-off is null",
                    plural="'{tid}' has {n} visits but no completed departure: its drop-off "
                    "is null",
                    count=int(f.visits),
                    tid=tid,
                    n=Number(f.visits),
                ),
                tid,
            )


def _leak_warnings(run: Run) -> Iterator[AnalysisWarning]:
    s = run.sol.P.continuing
    for i in _leak_candidates(run):
        tid = run.chain.states[i]
        f = run.flows[tid]
        if run.goals and not s[i] > 0:
            yield _warn(
                "JM504",
                text(
                    "every completed departure from '{tid}' is an exit: nothing "
                    "continues, so its lost conversions and what-if are null",
                    tid=tid,
                ),
                tid,
            )
        if 0 < f.departures < SMALL_SAMPLE:
            yield _warn(
                "JM508",
                text(
                    "'{tid}' has only {n} completed departure: its drop-off interval is wide",
                    plural="'{tid}' has only {n} completed departures: its drop-off interval "
                    "is wide",
                    count=int(f.departures),
                    tid=tid,
                    n=Number(f.departures, ""),
                ),
                tid,
            )


def _survey_warnings(run: Run) -> Iterator[AnalysisWarning]:
    for tid in run.order:
        scores = run.G.nodes[tid].get(SCORES)
        for metric, problem in survey_problems(scores):
            if problem == "scale":
                yield _warn(
                    "JM507",
                    text(
                        "{metric} of '{tid}' is declared on {scale}: NPS is defined on 0-10 "
                        "only, so it is omitted",
                        metric=metric.upper(),
                        tid=tid,
                        scale=str(list(getattr(scores, metric).scale)),
                    ),
                    tid,
                )
            else:
                yield _warn(
                    "JM506",
                    text(
                        "the {metric} survey of '{tid}' has no responses: its figures are null",
                        metric=metric.upper(),
                        tid=tid,
                    ),
                    tid,
                )


def _chain_warnings(run: Run) -> Iterator[AnalysisWarning]:
    chain, flows = run.chain, run.flows
    in_progress = sum(flows[s].in_progress for s in chain.states)
    if in_progress:
        yield _warn(
            "JM516",
            text(
                "{n} journey is still in progress: it is censored (left out of the chain's "
                "probabilities, never counted as a leak)",
                plural="{n} journeys are still in progress: they are censored (left out of "
                "the chain's probabilities, never counted as leaks)",
                count=int(in_progress),
                n=Number(in_progress),
            ),
        )
    unknown_total = float(chain.unknown.sum())
    if unknown_total and run.goals:
        yield _warn(
            "JM511",
            text(
                "{n} departure has an unknown outcome (declared unknown or unobserved "
                "outflow): it is its own outcome, neither lost nor converted "
                "(summary.unknown_probability)",
                plural="{n} departures have an unknown outcome (declared unknown or unobserved "
                "outflow): they are their own outcome, neither lost nor converted "
                "(summary.unknown_probability)",
                count=round(unknown_total),
                n=Number(unknown_total, ",.0f"),
            ),
        )
    yield from _after_goal_warnings(run)


def _after_goal_warnings(run: Run) -> Iterator[AnalysisWarning]:
    chain = run.chain
    after = float(chain.after.sum())
    if after > 0:
        srcs = [chain.states[i] for i in np.flatnonzero(chain.after > 0)]
        yield _warn(
            "JM517",
            text(
                "{n} transition goes from the conversion chain straight to after-goal "
                "touchpoints (from {sources}): it cannot convert any more",
                plural="{n} transitions go from the conversion chain straight to after-goal "
                "touchpoints (from {sources}): they cannot convert any more",
                count=round(after),
                n=Number(after, ",.0f"),
                sources=", ".join(srcs[:5]),
            ),
            srcs[0],
        )
    for goal in run.goals:
        entries = run.G.nodes[goal]["entries"]
        if entries:
            yield _warn(
                "JM513",
                text(
                    "goal '{goal}' has {n} entry: a journey that starts at a goal is not a "
                    "conversion of the chain",
                    plural="goal '{goal}' has {n} entries: journeys that start at a goal are "
                    "not conversions of the chain",
                    count=int(entries),
                    goal=goal,
                    n=Number(entries),
                ),
                goal,
            )
