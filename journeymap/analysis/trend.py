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
  its goal) when the overlay was ingested from an event log; no signal is computed on it;
- what ``analyze`` reports for the period, by its own functions (no signal is computed on
  them): **stage reach** (``stages[].reach_probability``, the stages before the goal), the
  **top three leaks** (``leaks[]``: lost conversions and lost value, no bootstrap), the
  journey's **NPS, CSAT and CES** (every touchpoint's answers pooled survey by survey, as a
  stage pools them, with their intervals) and the **business figures** the period carries
  (``metrics``: retention, churn, repeat rate, CLV ... with their formulas and inputs).

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

The periods are :mod:`journeymap.analysis.trend_periods`'s, the signals
:mod:`journeymap.analysis.trend_signals`'; this module runs the two in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from journeymap.analysis.trend_periods import (
    PeriodFigures,
    PeriodInput,
    Proportion,
    TouchpointFigures,
    figures_of,
    order_periods,
)
from journeymap.analysis.trend_signals import Chart, Rule, Signal, charts_and_signals
from journeymap.errors import AnalysisError
from journeymap.facts import selected_goals
from journeymap.graph import CURRENCY

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


@dataclass(frozen=True)
class Trend:
    periods: tuple[PeriodFigures, ...]
    charts: tuple[Chart, ...]
    signals: tuple[Signal, ...]
    goals: tuple[str, ...]
    confidence: float
    alpha: float
    currency: str | None = None
    """The map's currency (of the leaks' lost value and the money figures)."""


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
    >>> import networkx as nx
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
    periods = tuple(figures_of(p, goal, confidence) for p in order_periods(inputs))
    charts, signals = charts_and_signals(periods, alpha)
    first = inputs[0].graph
    goals = tuple(selected_goals(first, goal))
    currency = first.graph.get(CURRENCY)
    return Trend(periods, tuple(charts), tuple(signals), goals, confidence, alpha, currency)
