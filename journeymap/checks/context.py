"""What a check sees: the loaded map, its graph, the selected goals, the comparison with a
baseline (when there is one) and, lazily, the analysis.

A :class:`Context` is frozen: :func:`make_context` builds the graph and, given a baseline, the
comparison (:func:`journeymap.analysis.gate.compare_maps`) before the checks run;
derived facts are cached properties.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx

from journeymap import facts
from journeymap import graph as g
from journeymap.analysis.comparison import Comparison, Side
from journeymap.analysis.flow import Flow, flow_table
from journeymap.analysis.gate import compare_maps
from journeymap.analysis.results import Analysis
from journeymap.analysis.trend import Trend
from journeymap.errors import Diagnostic, MapError
from journeymap.io import LoadedMap
from journeymap.model import Checks, period_bounds, period_label
from journeymap.source import Position

EMPTY_CHECKS = Checks()


@dataclass(frozen=True)
class _AnalysisRun:
    """The analysis, or why it could not run."""

    result: Analysis | None
    error: str | None = None


@dataclass(frozen=True, eq=False)
class Context:
    """Everything the checks of one map need. Build it with :func:`make_context`."""

    loaded: LoadedMap
    G: nx.DiGraph[str]
    goal: str | None = None
    today: dt.date | None = None
    """Reference date for assumption ages when the map has no period (default: today)."""
    samples: int = 0
    """Bootstrap samples for the analysis (only intervals of lost conversions need them)."""
    seed: int = 0
    comparison: Comparison | None = None
    """The comparison with the baseline, or None without one."""
    history: Trend | None = None
    """The trend of the history periods and this one (the latest), or None without a history."""

    # ----------------------------------------------------------------------------- the map

    @property
    def checks(self) -> Checks:
        return self.loaded.map.checks or EMPTY_CHECKS

    @property
    def display(self) -> str:
        return self.loaded.display

    def map_position(self) -> Position:
        """Where the map is declared (its ``id``), for map-level findings without a better place."""
        return self.loaded.locate("id") or Position(self.display, 1, 1)

    def tp_position(self, tid: str, *field_path: Any) -> Position:
        return self.loaded.touchpoint_position(tid, *field_path) or self.map_position()

    def check_position(self, *loc: Any) -> Position:
        """Where something under ``checks:`` is written."""
        return self.loaded.locate("checks", *loc) or self.map_position()

    # --------------------------------------------------------------------------- the graph

    @cached_property
    def goals(self) -> list[str]:
        """The selected goals: the one asked for, or every goal of the map."""
        return facts.selected_goals(self.G, self.goal)

    @cached_property
    def touchpoints(self) -> list[str]:
        return g.touchpoints_in_order(self.G)

    @cached_property
    def entry_points(self) -> set[str]:
        """Where journeys start (:func:`journeymap.facts.entry_points`)."""
        return facts.entry_points(self.G, self.goals)

    @cached_property
    def can_reach_goal(self) -> set[str]:
        """Touchpoints with a path to a selected goal (:func:`journeymap.facts.can_reach_goal`)."""
        return facts.can_reach_goal(self.G, self.goals)

    @cached_property
    def after_goal(self) -> set[str]:
        """After-goal touchpoints (:func:`journeymap.facts.after_goal_touchpoints`, design 4.1)."""
        return set(facts.after_goal_touchpoints(self.G, self.goals))

    @cached_property
    def closed_loops(self) -> list[str]:
        """Chain touchpoints whose flow never ends (:func:`journeymap.facts.closed_loops`)."""
        return facts.closed_loops(self.G, self.goals)

    @cached_property
    def flows(self) -> dict[str, Flow]:
        """The flow of every touchpoint (:func:`journeymap.analysis.flow.flow_table`)."""
        return flow_table(self.G, self.goals)

    def relative_residual(self, tid: str) -> float:
        """:attr:`Flow.relative_residual <journeymap.analysis.flow.Flow.relative_residual>`
        of a touchpoint, 0 when it saw no flow."""
        return self.flows[tid].relative_residual or 0.0

    @cached_property
    def reference_date(self) -> dt.date:
        """The day assumption ages are counted to: the end of the period the numbers describe."""
        period = self.loaded.period
        if period is not None:
            return period_bounds(period)[1]
        return self.today or dt.date.today()

    # ------------------------------------------------------------------------ the analysis

    @cached_property
    def _analysis_run(self) -> _AnalysisRun:
        from journeymap import analysis

        try:
            result = analysis.analyze(self.G, goal=self.goal, samples=self.samples, seed=self.seed)
        except analysis.NonAbsorbingChainError as exc:
            return _AnalysisRun(None, str(exc))
        return _AnalysisRun(result)

    def analysis(self) -> Analysis | None:
        """The typed result of ``journeymap analyze`` for this map, or None when it cannot run
        (then :attr:`analysis_error` says why)."""
        return self._analysis_run.result

    @property
    def analysis_error(self) -> str | None:
        """Why the analysis could not run (a chain that cannot absorb), or None."""
        return self._analysis_run.error

    def side(self) -> Side:
        """This map as one side of a comparison."""
        overlay = self.loaded.overlay
        segment = overlay.segment if overlay is not None else None
        return Side(self.loaded.map, self.G, tuple(self.goals), self.loaded.period, segment)


def make_context(
    loaded: LoadedMap,
    *,
    goal: str | None = None,
    today: dt.date | None = None,
    samples: int | None = None,
    seed: int = 0,
    baseline: LoadedMap | None = None,
    baseline_label: str | None = None,
    history: Sequence[LoadedMap] | None = None,
) -> Context:
    """Build the graph of a loaded map and the context its checks run in.

    ``samples=None`` bootstraps (1,000 samples) only when a limit tests the interval of a
    figure that needs the bootstrap (lost value); otherwise the analysis runs without it.
    With a `baseline` the context carries the comparison with it (`baseline_label` names it in
    reports; default its display name); `goal` selects the baseline's goal too when it has one
    of that id, else every goal of the baseline. With a `history` (earlier periods of the map)
    the context carries their trend with this map as the latest period (:func:`history_trend`).
    """
    G = g.build_graph(loaded.map, loaded.overlay)
    if samples is None:
        samples = 1000 if needs_bootstrap(loaded.map.checks) else 0
    ctx = Context(loaded, G, goal=goal, today=today, samples=samples, seed=seed)
    if history is not None:
        ctx = dataclasses.replace(ctx, history=history_trend(loaded, G, history, goal))
    if baseline is None:
        return ctx
    bgoal = goal if goal is not None and goal in baseline.map.goals else None
    base = Context(baseline, g.build_graph(baseline.map, baseline.overlay), goal=bgoal)
    comparison = compare_maps(ctx.side(), base.side(), label=baseline_label or baseline.display)
    return dataclasses.replace(ctx, comparison=comparison)


def needs_bootstrap(checks: Checks | None) -> bool:
    """Whether a declared limit tests a bootstrap interval (``on: interval`` on lost value)."""
    if checks is None:
        return False
    limits = [checks.lost_value, checks.total_lost_value]
    limits += [tl.lost_value for tl in checks.touchpoints.values()]
    return any(lim is not None and lim.on == "interval" for lim in limits)


def history_trend(
    loaded: LoadedMap, G: nx.DiGraph[str], history: Sequence[LoadedMap], goal: str | None
) -> Trend:
    """:func:`journeymap.analysis.trend.trend` of the history periods and this map's period.

    Raises :class:`~journeymap.errors.MapError` when a period is missing or two overlap (as
    ``trend`` does) and when this map's period is not the latest.
    """
    from journeymap.analysis.trend import PeriodInput, order_periods, trend

    def period_input(lm: LoadedMap, graph: nx.DiGraph[str]) -> PeriodInput:
        position = lm.overlay_position("period") if lm.overlay is not None else None
        return PeriodInput(lm.period, lm.display, graph, position or lm.locate("period"))

    current = period_input(loaded, G)
    inputs = [period_input(h, g.build_graph(h.map, h.overlay)) for h in history]
    ordered = order_periods([*inputs, current])
    if ordered[-1] is not current:
        last = ordered[-1]
        raise MapError(
            [
                Diagnostic(
                    f"the checked period {period_label(current.period)} is not the latest: "
                    f"{last.source} holds {period_label(last.period)}",
                    current.position,
                    hint="the history holds the periods before the one checked",
                )
            ]
        )
    return trend(ordered, goal=goal)
