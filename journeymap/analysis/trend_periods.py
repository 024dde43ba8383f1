"""The periods of a trend: their order and the figures of each (:mod:`journeymap.analysis.trend`).

:func:`order_periods` orders the overlays by their ``period`` and refuses a period without a
date range, two equal periods and two that overlap; :func:`figures_of` measures one period:
journeys entering the chain, the conversion and each touchpoint's drop-off as
:class:`Proportion` values with their Wilson interval, the time to convert when ingested, and
the figures ``analyze`` reports for the period, by the same functions: stage reach, the top
leaks with their lost value, the journey's NPS, CSAT and CES (every touchpoint's answers pooled,
as a stage pools them) and the business figures the period carries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from journeymap.analysis.business import BusinessFigure, period_figures
from journeymap.analysis.core import survey_figures, time_to_convert_of
from journeymap.analysis.leaks import leak_ranking
from journeymap.analysis.results import Leak, StageFigures, TimeToConvert
from journeymap.analysis.run import Options, prepare
from journeymap.analysis.stages import stage_funnel
from journeymap.analysis.survey_figures import NO_SURVEYS, SurveyFigures
from journeymap.analysis.surveys import merge_responses, survey_metrics
from journeymap.errors import Diagnostic, MapError
from journeymap.facts import goal_starts
from journeymap.graph import SCORES
from journeymap.model import PeriodRange, period_bounds, period_label
from journeymap.source import Position
from journeymap.stats import ratio, wilson_interval


@dataclass(frozen=True)
class PeriodInput:
    """One period's numbers: its graph, its period and the file (and position) it came from."""

    period: str | PeriodRange | None
    source: str
    graph: nx.DiGraph[str]
    position: Position | None = None


@dataclass(frozen=True)
class Proportion:
    """``x / n`` with its Wilson interval; ``value`` and the interval are None when n = 0."""

    x: int
    n: int
    value: float | None
    interval: tuple[float, float] | None

    @classmethod
    def of(cls, x: int, n: int, confidence: float) -> Proportion:
        """The proportion of ``x`` in ``n`` at ``confidence``.

        >>> Proportion.of(0, 0, 0.95).value is None
        True
        """
        return cls(x, n, ratio(x, n), wilson_interval(x, n, confidence=confidence))


@dataclass(frozen=True)
class TouchpointFigures:
    id: str
    name: str
    drop_off: Proportion


@dataclass(frozen=True)
class PeriodFigures:
    period: str
    start: dt.date
    end: dt.date
    source: str
    journeys: int
    conversion: Proportion
    touchpoints: tuple[TouchpointFigures, ...]
    time_to_convert: TimeToConvert | None = None
    """From an ingested overlay (``trend --events`` measures it per period), else None."""
    started_at_goal: int = 0
    """Journeys that started at a goal (:func:`journeymap.facts.goal_starts`): outside the
    chain, in neither ``journeys`` nor ``conversion``; counted here."""
    stages: tuple[StageFigures, ...] = ()
    """The stages before the goal, as ``analyze``'s ``stages[]`` (their ``reach_probability``)."""
    leaks: tuple[Leak, ...] = ()
    """The top :data:`TOP_LEAKS` of ``analyze``'s ranking (``lost_value``, ``lost_conversions``;
    no bootstrap intervals)."""
    surveys: SurveyFigures = NO_SURVEYS
    """The journey's NPS, CSAT and CES: every touchpoint's answers pooled survey by survey."""
    business: Mapping[str, BusinessFigure] = field(default_factory=dict)
    """The map-level business figures of the period (``analyze``'s ``metrics``), by name."""


TOP_LEAKS = 3
"""How many leaks of each period a trend keeps."""


def order_periods(inputs: Sequence[PeriodInput]) -> list[PeriodInput]:
    """The periods by start date; a :class:`MapError` names both files when two overlap.

    >>> G = nx.DiGraph()
    >>> [p.source for p in order_periods([PeriodInput("2026-02", "b", G), PeriodInput("2026-01", "a", G)])]
    ['a', 'b']
    >>> order_periods([PeriodInput("2026-Q1", "a", G), PeriodInput("2026-03", "b", G)])
    Traceback (most recent call last):
    journeymap.errors.MapError: period 2026-03 of b overlaps period 2026-Q1 of a; every overlay of a trend describes its own period
    """
    missing = [
        Diagnostic(
            f"{p.source} has no period: a trend orders the overlays by it",
            p.position,
            hint="add a period such as 'period: 2026-07'",
        )
        for p in inputs
        if p.period is None
    ]
    if missing:
        raise MapError(missing)
    bounds = {id(p): period_bounds(p.period) for p in inputs if p.period is not None}
    ordered = sorted(inputs, key=lambda p: (bounds[id(p)], p.source))
    latest: PeriodInput | None = None
    problems: list[Diagnostic] = []
    for p in ordered:
        if latest is not None and bounds[id(p)][0] <= bounds[id(latest)][1]:
            problems.append(
                Diagnostic(
                    f"period {period_label(p.period)} of {p.source} overlaps period "
                    f"{period_label(latest.period)} of {latest.source}",
                    p.position,
                    hint="every overlay of a trend describes its own period",
                )
            )
        if latest is None or bounds[id(p)][1] > bounds[id(latest)][1]:
            latest = p
    if problems:
        raise MapError(problems)
    return ordered


def figures_of(p: PeriodInput, goal: str | None, confidence: float) -> PeriodFigures:
    """The figures of one period: journeys, conversion, drop-offs, time to convert, stage
    reach, top leaks, the journey's surveys and the business figures (module docstring)."""
    G = p.graph
    run = prepare(G, Options(goal=goal, samples=0, confidence=confidence))
    goals, chain = run.goals, run.chain
    journeys = round(float(chain.entries.sum()))
    conversions = round(float(chain.conversions.sum())) if goals else 0
    conversion = (
        Proportion.of(conversions, journeys, confidence)
        if goals and conversions <= journeys
        else Proportion(conversions, journeys, None, None)
    )
    flows = run.flows
    tps = tuple(
        TouchpointFigures(f.id, f.name, Proportion.of(f.exits, f.departures, confidence))
        for f in flows.values()
        if f.id not in goals
    )
    assert p.period is not None
    start, end = period_bounds(p.period)
    label = period_label(p.period)
    assert label is not None
    return PeriodFigures(
        label,
        start,
        end,
        p.source,
        journeys,
        conversion,
        tps,
        time_to_convert_of(G),
        goal_starts(G, goals),
        tuple(st for st in stage_funnel(run) if not st.after_goal),
        leak_ranking(run, survey_figures(run))[:TOP_LEAKS],
        survey_metrics(merge_responses([d.get(SCORES) for _, d in G.nodes(data=True)]), confidence),
        period_figures(G, confidence),
    )
