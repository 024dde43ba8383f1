"""A journey over many periods: figures per period and the changes that are real (issue 12).

:func:`trend` takes the overlays of one map, one per period (each read into a journey graph by
:func:`journeymap.graph.build_graph`), orders them by their ``period`` (never by the order they
were given in) and refuses a period without a date range, two equal periods and two that
overlap (:func:`order_periods`).

Per period (:class:`PeriodFigures`):

- **journeys** = the journeys entering the conversion chain, ``sum chain.entries`` of
  :func:`journeymap.analysis.chain.build_chain` (declared entries, arrivals from goals and
  implied entries); a journey that starts at a goal is not one of them
  (:func:`journeymap.facts.goal_starts`), it is counted apart as ``started_at_goal``;
- **conversion** = observed conversions / journeys: the transitions into the selected goals
  from the chain divided by its entries (the ``observed_conversion_rate`` of ``analyze``), with
  its Wilson interval; null without a goal or a journey;
- **drop-off** of every touchpoint that is not a goal = exits / completed departures
  (:meth:`journeymap.analysis.flow.Flow.drop_off`), with its Wilson interval and ``n``;
- **time to convert** (median and 90th percentile from a converting journey's first event to
  its goal) when the overlay was ingested from an event log; no signal is computed on it.

Signals (:class:`Signal`), for conversion and each drop-off (:func:`journeymap.stats`):

- ``beyond_limits``: the period lies outside its p-chart limits (centre from all periods,
  3 sigma from the period's own n; widened by Laney's sigma_z when the chi-squared dispersion
  test says the periods vary more than sampling explains, p < alpha, and sigma_z > 1);
  ``value`` is the proportion, ``limit`` the limit crossed;
- ``run_of_eight``: eight or more periods in a row on one side of the centre line (Western
  Electric rule 4), reported at the run's last period; ``value`` is the run's length, ``limit`` 8;
- ``change``: a two-sided pooled two-proportion test between consecutive periods (only when
  both periods have at least 5 of each outcome); the drop-off tests of every touchpoint and
  every pair of consecutive periods are adjusted together by Benjamini-Hochberg (conversion,
  one series, is not adjusted); ``value`` is the adjusted p, ``limit`` alpha;
- ``trend``: the Cochran-Armitage test of a monotone trend over all periods (scores 0, 1, ...
  in period order; three periods or more), drop-offs adjusted together by Benjamini-Hochberg; reported at the last
  period; ``value`` is the adjusted p, ``limit`` alpha.

Every test assumes independent observations. Drop-off counts visits: a customer who loops
back is counted at each visit, which makes the tests of looped touchpoints too optimistic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx

from journeymap.analysis.chain import build_chain
from journeymap.analysis.comparison import Metric
from journeymap.analysis.core import time_to_convert_of
from journeymap.analysis.flow import flow_table
from journeymap.analysis.results import TimeToConvert
from journeymap.analysis.trend_words import (
    beyond_limit,
    change_between,
    laney_reason,
    p_name,
    run_of,
    series_name,
    trend_of,
)
from journeymap.errors import AnalysisError, Diagnostic, MapError
from journeymap.facts import after_goal_touchpoints, goal_starts, selected_goals
from journeymap.findings import Text
from journeymap.i18n import Translator
from journeymap.model import PeriodRange, period_bounds, period_label
from journeymap.source import Position
from journeymap.stats import (
    benjamini_hochberg,
    cochran_armitage,
    dispersion_test,
    p_chart,
    ratio,
    runs_on_one_side,
    two_proportion_test,
    wilson_interval,
)

__all__ = [
    "ALPHA",
    "Chart",
    "PeriodFigures",
    "PeriodInput",
    "Proportion",
    "Rule",
    "Signal",
    "TouchpointFigures",
    "Trend",
    "order_periods",
    "trend",
]

ALPHA = 0.05
"""Level of the change and trend tests (after Benjamini-Hochberg)."""
MIN_OUTCOMES = 5
"""A two-proportion test needs at least this many of each outcome in both periods."""
RUN_LENGTH = 8
MIN_TREND_PERIODS = 3
"""Cochran-Armitage needs three periods (over two it is the change test again)."""


class Rule(StrEnum):
    """Which rule a signal breaks."""

    BEYOND_LIMITS = "beyond_limits"
    RUN_OF_EIGHT = "run_of_eight"
    CHANGE = "change"
    TREND = "trend"


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


@dataclass(frozen=True)
class Chart:
    """The p-chart of one series; ``reason`` says why Laney's p' widened it (None if not)."""

    metric: Metric
    subject: str | None
    centre: float
    low: tuple[float | None, ...]
    high: tuple[float | None, ...]
    sigma_z: float | None
    reason_text: Text | None
    """Why the limits are wider, as a translatable sentence (``reason`` is its English)."""

    @property
    def reason(self) -> str | None:
        """The reason in English (JSON)."""
        return None if self.reason_text is None else self.reason_text.format()

    def reason_in(self, t: Translator) -> str | None:
        """The reason in the language of ``t``."""
        return None if self.reason_text is None else self.reason_text.format(t)


@dataclass(frozen=True)
class Signal:
    """One change that is real, said in words (``message``); see the module docstring."""

    period: str
    metric: Metric
    subject: str | None
    rule: Rule
    value: float
    limit: float
    text: Text
    """The signal as a translatable sentence (``message`` is its English)."""

    @property
    def message(self) -> str:
        """The signal in English (JSON ``signals[].message``)."""
        return self.text.format()

    def message_in(self, t: Translator) -> str:
        """The signal in the language of ``t``."""
        return self.text.format(t)


@dataclass(frozen=True)
class Trend:
    periods: tuple[PeriodFigures, ...]
    charts: tuple[Chart, ...]
    signals: tuple[Signal, ...]
    goals: tuple[str, ...]
    confidence: float
    alpha: float


# ---------------------------------------------------------------------------------- periods


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


def _figures(p: PeriodInput, goal: str | None, confidence: float) -> PeriodFigures:
    G = p.graph
    goals = selected_goals(G, goal)
    chain = build_chain(G, goals, after_goal_touchpoints(G, goals))
    journeys = round(float(chain.entries.sum()))
    conversions = round(float(chain.conversions.sum())) if goals else 0
    conversion = (
        Proportion.of(conversions, journeys, confidence)
        if goals and conversions <= journeys
        else Proportion(conversions, journeys, None, None)
    )
    flows = flow_table(G, goals)
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
    )


# ---------------------------------------------------------------------------------- signals


@dataclass(frozen=True)
class _Series:
    metric: Metric
    subject: str | None
    what: Text
    points: tuple[Proportion, ...]

    def usable(self) -> bool:
        return all(p.value is not None or p.n == 0 for p in self.points) and any(
            p.n > 0 for p in self.points
        )


def _series(periods: Sequence[PeriodFigures]) -> list[_Series]:
    out = [
        _Series(Metric.CONVERSION, None, series_name(None), tuple(p.conversion for p in periods))
    ]
    for i, tp in enumerate(periods[0].touchpoints):
        out.append(
            _Series(
                Metric.DROP_OFF,
                tp.id,
                series_name(tp.name),
                tuple(p.touchpoints[i].drop_off for p in periods),
            )
        )
    return out


def _chart(s: _Series, alpha: float) -> Chart:
    """The p-chart of a series; Laney's p' when the periods are overdispersed.

    Laney's widening applies when the dispersion test rejects equal proportions at ``alpha``
    and sigma_z exceeds 1: the periods then vary more than sampling explains, and plain
    limits would flag most periods of a large-count series.
    """
    x, n = [p.x for p in s.points], [p.n for p in s.points]
    test = dispersion_test(x, n)
    laney = test is not None and test[2] < alpha
    c = p_chart(x, n, laney=laney)
    reason = None
    if c.sigma_z is not None and test is not None:
        reason = laney_reason(test[0], test[1], test[2], c.sigma_z)
    return Chart(s.metric, s.subject, c.centre, c.low, c.high, c.sigma_z, reason)


def _chart_signals(s: _Series, c: Chart, labels: Sequence[str]) -> list[Signal]:
    out: list[Signal] = []
    for i, p in enumerate(s.points):
        lo, hi = c.low[i], c.high[i]
        if p.value is None or lo is None or hi is None or lo <= p.value <= hi:
            continue
        above = p.value > hi
        limit = hi if above else lo
        out.append(
            Signal(
                labels[i],
                s.metric,
                s.subject,
                Rule.BEYOND_LIMITS,
                p.value,
                limit,
                beyond_limit(s.what, p.value, labels[i], limit, c.centre, above=above),
            )
        )
    values = [p.value for p in s.points]
    for first, last in runs_on_one_side(values, c.centre, length=RUN_LENGTH):
        v = values[first]
        above = v is not None and v > c.centre
        out.append(
            Signal(
                labels[last],
                s.metric,
                s.subject,
                Rule.RUN_OF_EIGHT,
                float(last - first + 1),
                float(RUN_LENGTH),
                run_of(
                    s.what, c.centre, labels[first], labels[last], last - first + 1, above=above
                ),
            )
        )
    return out


def _p_name(s: _Series) -> str | Text:
    return p_name(s.metric is not Metric.CONVERSION)


def _change_p(a: Proportion, b: Proportion) -> float | None:
    if min(a.x, a.n - a.x, b.x, b.n - b.x) < MIN_OUTCOMES:
        return None
    return two_proportion_test(a.x, a.n, b.x, b.n, alternative="two-sided")


def _adjusted(tests: list[tuple[int, _Series, float]]) -> list[tuple[int, _Series, float]]:
    """Conversion keeps its p; the drop-off p-values are adjusted together (BH)."""
    conv = [t for t in tests if t[1].metric is Metric.CONVERSION]
    drops = [t for t in tests if t[1].metric is not Metric.CONVERSION]
    q = benjamini_hochberg([p for _, _, p in drops])
    return conv + [(i, s, qi) for (i, s, _), qi in zip(drops, q, strict=True)]


def _change_signals(series: Sequence[_Series], labels: Sequence[str], alpha: float) -> list[Signal]:
    tests = [
        (i, s, p)
        for i in range(1, len(labels))
        for s in series
        if (p := _change_p(s.points[i - 1], s.points[i])) is not None
    ]
    out: list[Signal] = []
    for i, s, q in _adjusted(tests):
        if q >= alpha:
            continue
        a, b = s.points[i - 1].value, s.points[i].value
        assert a is not None and b is not None
        out.append(
            Signal(
                labels[i],
                s.metric,
                s.subject,
                Rule.CHANGE,
                q,
                alpha,
                change_between(s.what, (labels[i - 1], a), (labels[i], b), _p_name(s), q),
            )
        )
    return out


def _trend_signals(series: Sequence[_Series], labels: Sequence[str], alpha: float) -> list[Signal]:
    tests: list[tuple[int, _Series, float]] = []
    slopes: dict[int, float] = {}
    for k, s in enumerate(series):
        kept = [(j, p) for j, p in enumerate(s.points) if p.n > 0]
        if len(kept) < MIN_TREND_PERIODS:
            continue
        result = cochran_armitage(
            [p.x for _, p in kept], [p.n for _, p in kept], [float(j) for j, _ in kept]
        )
        if result is not None:
            tests.append((k, s, result[1]))
            slopes[k] = result[0]
    out: list[Signal] = []
    for k, s, q in _adjusted(tests):
        if q >= alpha:
            continue
        known = [(labels[j], p.value) for j, p in enumerate(s.points) if p.value is not None]
        out.append(
            Signal(
                labels[-1],
                s.metric,
                s.subject,
                Rule.TREND,
                q,
                alpha,
                trend_of(s.what, known[0], known[-1], _p_name(s), q, rising=slopes[k] > 0),
            )
        )
    return out


def trend(
    inputs: Sequence[PeriodInput],
    *,
    goal: str | None = None,
    confidence: float = 0.95,
    alpha: float = ALPHA,
) -> Trend:
    """Figures per period and the signals of real change (see the module docstring).

    Examples
    --------
    >>> def period(label, exits):
    ...     G = nx.DiGraph(goals=["paid"])
    ...     G.add_node("cart", name="Cart", stage="s", order=0, entries=100, visits=100,
    ...                transitions_out=100 - exits, exits=exits, unknown=0, in_progress=0,
    ...                flow_residual=0)
    ...     G.add_node("paid", name="Paid", stage="s", order=1, entries=0, visits=100 - exits,
    ...                transitions_out=0, exits=0, unknown=0, in_progress=0, flow_residual=0)
    ...     G.add_edge("cart", "paid", count=100 - exits)
    ...     return PeriodInput(label, f"{label}.yaml", G)
    >>> t = trend([period("2026-02", 60), period("2026-01", 40)])
    >>> [(p.period, p.journeys, p.conversion.value) for p in t.periods]
    [('2026-01', 100, 0.6), ('2026-02', 100, 0.4)]
    >>> [(s.rule.value, s.subject) for s in t.signals]
    [('change', None), ('change', 'cart')]
    >>> print(t.signals[1].message)
    drop-off at Cart rose from 40.0% in 2026-01 to 60.0% in 2026-02 (+20.0 points, adjusted p = 0.0047)
    """
    if not inputs:
        raise AnalysisError("a trend needs the numbers of at least one period")
    periods = tuple(_figures(p, goal, confidence) for p in order_periods(inputs))
    labels = [p.period for p in periods]
    series = [s for s in _series(periods) if s.usable()]
    charts = [_chart(s, alpha) for s in series]
    signals = [
        sig for s, c in zip(series, charts, strict=True) for sig in _chart_signals(s, c, labels)
    ]
    signals += _change_signals(series, labels, alpha)
    signals += _trend_signals(series, labels, alpha)
    rank = {lab: i for i, lab in enumerate(labels)}
    order = {id(s): k for k, s in enumerate(series)}
    subject_rank = {(s.metric, s.subject): order[id(s)] for s in series}
    signals.sort(
        key=lambda g: (
            rank[g.period],
            subject_rank[(g.metric, g.subject)],
            list(Rule).index(g.rule),
        )
    )
    goals = tuple(selected_goals(inputs[0].graph, goal))
    return Trend(periods, tuple(charts), tuple(signals), goals, confidence, alpha)
