"""Limits on the period's business figures (JM131-JM136) and service times (JM141-JM142).

``checks.metrics`` limits the map-level figures of ``analyze``'s ``metrics`` section
(:func:`journeymap.analysis.business.period_figures`), each ``{min, max}`` with ``severity``
and ``on: point|interval`` like every other limit: retention, churn and repeat rate test
their Wilson interval with ``on: interval``; CLV, retention cost have no interval (the point
value is tested, and the message says so); ``conversion`` is the observed conversion rate
(``metrics.conversion_rate``: conversions / journeys started, Wilson interval), not the
chain's conversion probability that ``checks.conversion`` (JM101) limits.

``checks.touchpoints.<id>.first_response_time`` / ``resolution_time`` limit a touchpoint's
service time by its ``mean``, ``median`` or 90th percentile ``p90`` (samples only) with a
duration such as ``3m``; at the top level of ``checks:`` they are the default for every
touchpoint whose period has (or whose map tracks) that time. Times are compared as written:
a time in business hours is tested against the limit in business hours.

The figures are the period's (an overlay's when there is one): a limit on a figure the period
does not have (no inputs, not measured in the overlay's period, a ``p90`` of declared figures)
is an error finding, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from journeymap import stats
from journeymap.analysis.business import period_figures
from journeymap.analysis.business_service import (
    ServiceName,
    ServiceTime,
    TouchpointService,
    service_figures,
)
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.checks.limits import Figure, _tp_limits, judge
from journeymap.checks.phrases import Duration, Unit, format_duration
from journeymap.findings import Text, text, touchpoint_subject
from journeymap.model import DurationLimit, Limit, ServiceLimit, Severity
from journeymap.source import Position

__all__ = ["STATISTICS", "format_duration", "judge_time"]

# ----------------------------------------------------------------------------- map level

_MAP_EXAMPLE = """\
journeymap: 1
id: shop
title: Shop
currency: EUR
business:
  customers_start: 1000
  customers_end: 1100
  new_customers: 300
  customers_lost: 200
  ordering_customers: 600
  repeat_customers: 240
  average_order_value: 50
  purchase_frequency: 2
  customer_lifespan: 3
  retention_spend: 16000
checks:
  metrics:
    {limit}
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {{id: ad, name: Ad, entries: 100, next: {{paid: 20}}}}
      - {{id: paid, name: Paid, goal: true}}"""

_INPUTS: Final = {
    "retention_rate": text("customers_start, customers_end and new_customers"),
    "churn_rate": text(
        "customers_start with customers_lost, or with customers_end and new_customers"
    ),
    "repeat_customer_rate": text("ordering_customers and repeat_customers"),
    "customer_lifetime_value": text(
        "average_order_value, purchase_frequency and customer_lifespan"
    ),
    "retention_cost": text("retention_spend, customers_end and new_customers"),
}
"""The business inputs of each figure (``business:`` keys, kept as written in every
language)."""
_NAMES: Final = {
    "retention_rate": text("retention rate"),
    "churn_rate": text("churn rate"),
    "repeat_customer_rate": text("repeat customer rate"),
    "customer_lifetime_value": text("customer lifetime value"),
    "retention_cost": text("retention cost"),
}
"""The business figures by name, as the note on a missing interval says them."""


def _business_figure(ctx: Context, name: str) -> Figure:
    figure = period_figures(ctx.G).get(name)
    if figure is None:
        return Figure(
            None,
            why=text("the period has no business inputs for it: {inputs}", inputs=_INPUTS[name]),
        )
    return Figure(
        figure.value,
        figure.interval,
        figure.reason,
        interval_note=text("{name} has no interval", name=_NAMES[name]),
    )


def _observed_conversion(ctx: Context) -> Figure | None:
    """``metrics.conversion_rate`` of the analysis with the Wilson interval of its counts."""
    a = ctx.analysis()
    if a is None:
        return None  # the chain cannot absorb: JM209 says so
    value = a.summary.observed_conversion_rate
    if value is None:
        return Figure(
            None,
            why=text("the map has no goal") if not ctx.goals else text("no journeys enter the map"),
        )
    return Figure(value, stats.wilson_interval(a.summary.conversions, a.summary.entries))


def _metric(
    ctx: Context, key: str, label: Text, unit: Unit, figure: Callable[[Context], Figure | None]
) -> Iterator[Outcome]:
    limit: Limit | None = getattr(ctx.checks.metrics, key, None)
    if limit is None:
        return
    fig = figure(ctx)
    if fig is not None:
        yield judge(ctx, "map", label, fig, limit, ctx.check_position("metrics", key), unit)


def _metric_check(
    code: str,
    key: str,
    figure_name: str | None,
    label: Text,
    unit: Unit,
    prose: str,
    limits: tuple[str, str],
) -> None:
    """Register the limit on one business figure; its docstring runs (fails, then passes)."""

    def figure(ctx: Context) -> Figure | None:
        return (
            _observed_conversion(ctx) if figure_name is None else _business_figure(ctx, figure_name)
        )

    def check(ctx: Context) -> Iterator[Outcome]:
        yield from _metric(ctx, key, label, unit, figure)

    fails, passes = (_MAP_EXAMPLE.format(limit=f"{key}: {lim}") for lim in limits)
    indent = "\n".join
    check.__doc__ = (
        f"{prose}\n\nFails::\n\n{indent('    ' + ln for ln in fails.splitlines())}"
        f"\n\nPasses::\n\n{indent('    ' + ln for ln in passes.splitlines())}\n"
    )
    check.__name__ = check.__qualname__ = key
    register(code, f"limit.metrics.{key}", kind="limit")(check)


_metric_check(
    "JM131",
    "churn_rate",
    "churn_rate",
    text("churn"),
    "rate",
    "Churn ``lost / S`` (or ``1 - (E - N) / S``) of the period outside its limit.\n\n"
    "A fraction 0..1 of the customers at the start; ``on: interval`` tests its Wilson "
    "interval. In the example 200 of 1,000 customers were lost: 20%.",
    ("{max: 0.15}", "{max: 0.25, on: interval}"),
)
_metric_check(
    "JM132",
    "retention_rate",
    "retention_rate",
    text("retention"),
    "rate",
    "Retention ``(E - N) / S`` of the period outside its limit.\n\n"
    "A fraction 0..1 of the customers at the start; ``on: interval`` tests its Wilson "
    "interval. In the example (1,100 - 300) / 1,000 = 80%.",
    ("{min: 0.85}", "{min: 0.75}"),
)
_metric_check(
    "JM133",
    "repeat_rate",
    "repeat_customer_rate",
    text("repeat customer rate"),
    "rate",
    "Repeat-customer rate (customers with 2+ orders / with 1+) outside its limit.\n\n"
    "``metrics.repeat_customer_rate`` of the analysis; ``on: interval`` tests its "
    "Wilson interval. In the example 240 of 600 ordering customers: 40%.",
    ("{min: 0.5}", "{min: 0.35}"),
)
_metric_check(
    "JM134",
    "customer_lifetime_value",
    "customer_lifetime_value",
    text("customer lifetime value"),
    "money",
    "Customer lifetime value ``AOV x frequency x lifespan`` outside its limit.\n\n"
    "In the map's currency, before the gross margin (``margin_adjusted`` is not "
    "limited). In the example 50 x 2 x 3 = 300 EUR.",
    ("{min: 400}", "{min: 250}"),
)
_metric_check(
    "JM135",
    "retention_cost",
    "retention_cost",
    text("retention cost"),
    "money",
    "Retention cost (retention spend per customer retained, ``E - N``) outside its "
    "limit.\n\nIn the map's currency. In the example 16,000 / 800 = 20 EUR.",
    ("{max: 15}", "{max: 25}"),
)
_metric_check(
    "JM136",
    "conversion",
    None,
    text("observed conversion rate"),
    "rate",
    "Observed conversion rate (conversions / journeys started) outside its limit.\n\n"
    "``metrics.conversion_rate``, at the counting grain, with the Wilson interval of "
    "its counts for ``on: interval``; ``checks.conversion`` (JM101) limits the "
    "chain's conversion probability instead. In the example 20 of 100: 20%.",
    ("{min: 0.25}", "{min: 0.2}"),
)


# ----------------------------------------------------------------------- service times

STATISTICS: Final = ("mean", "median", "p90")


_TIME_NAMES: Final = {
    "first_response_time": text("first response time"),
    "resolution_time": text("resolution time"),
}
"""The service times as a sentence names them."""


def _missing(t: ServiceTime | None, stat: str, tid: str, name: str) -> str | Text | None:
    """Why the period has no `stat` of this service time, or None when it has one (the
    analysis' own reason as it wrote it)."""
    what = _TIME_NAMES[name]
    if t is None:
        return text("'{id}' has no {what} in this period", id=tid, what=what)
    if t.reason is not None:
        return t.reason
    if stat == "p90" and t.p90 is None:
        return text(
            "the {what} of '{id}' is declared as figures, not samples, so it has no p90",
            what=what,
            id=tid,
        )
    if getattr(t, stat) is None:
        return text("the {what} of '{id}' declares no {stat}", what=what, id=tid, stat=stat)
    return None


def judge_time(
    subject: str,
    label: Text,
    t: ServiceTime | None,
    stat: str,
    limit: DurationLimit,
    pos: Position,
    why: str | Text | None,
) -> Outcome:
    """Test a service time's statistic (in its unit) against a limit in seconds; the message
    is a :class:`~journeymap.findings.Text` whose durations are written in the language of the
    output (:class:`~journeymap.checks.phrases.Duration`)."""
    if why is not None or t is None:
        return fail(
            subject,
            text(
                "{label} cannot be computed ({why}), so its limit cannot pass",
                label=label,
                why=why or "",
            ),
            pos,
            severity=Severity.ERROR,
            hint=text("give the period the service times this figure needs, or remove the limit"),
            value=None,
        )
    value = t.seconds(getattr(t, stat))
    shown = Duration(value, t.hours)
    data: dict[str, Any] = {"value": round(value, 6), "unit": "seconds"}
    if limit.max is not None and value > limit.max:
        return fail(
            subject,
            text(
                "{label} is {shown}; it is above the maximum {limit}{note}",
                label=label,
                shown=shown,
                limit=Duration(limit.max),
                note="",
            ),
            pos,
            severity=limit.severity,
            max=limit.max,
            **data,
        )
    if limit.min is not None and value < limit.min:
        return fail(
            subject,
            text(
                "{label} is {shown}; it is below the minimum {limit}{note}",
                label=label,
                shown=shown,
                limit=Duration(limit.min),
                note="",
            ),
            pos,
            severity=limit.severity,
            min=limit.min,
            **data,
        )
    return ok(subject)


def _service_limit(ctx: Context, name: ServiceName) -> Iterator[Outcome]:
    if getattr(ctx.checks, name) is None and not any(
        getattr(tl, name) is not None for tl in ctx.checks.touchpoints.values()
    ):
        return
    services: dict[str, TouchpointService] = service_figures(ctx.G, ctx.flows)

    def tracked(tid: str) -> bool:
        return tid in services and services[tid].time(name) is not None

    for tid, block, pos, explicit in _tp_limits(ctx, name, tracked):
        assert isinstance(block, ServiceLimit)
        t = services[tid].time(name) if tid in services else None
        for stat in STATISTICS:
            limit: DurationLimit | None = getattr(block, stat)
            if limit is None:
                continue
            where = ctx.check_position("touchpoints", tid, name, stat) if explicit else pos
            label = text("{stat} {what} at '{id}'", stat=stat, what=_TIME_NAMES[name], id=tid)
            yield judge_time(
                touchpoint_subject(tid), label, t, stat, limit, where, _missing(t, stat, tid, name)
            )


@register("JM141", "limit.first_response_time", kind="limit")
def first_response_time(ctx: Context) -> Iterator[Outcome]:
    """First-response time of a touchpoint (``mean``, ``median`` or ``p90``) above its limit.

    Durations are written with their unit (``90s``, ``3m``, ``1.5h``, ``2d``). A top-level
    ``first_response_time`` is the default for every touchpoint whose period has one. The
    90th percentile needs samples (the inclusive percentile, numpy's default). In the
    example the median of the 6 samples is (3 + 4) / 2 = 3.5 minutes.

    Fails::

        journeymap: 1
        id: support
        title: Support
        checks:
          touchpoints:
            chat: {first_response_time: {median: {max: 3m}}}
        stages:
          - id: help
            name: Help
            touchpoints:
              - id: chat
                name: Live chat
                entries: 100
                next: {solved: 80}
                business:
                  first_response_time: {unit: minutes, samples: [1, 2, 3, 4, 6, 12]}
              - {id: solved, name: Solved, goal: true}

    Passes::

        journeymap: 1
        id: support
        title: Support
        checks:
          touchpoints:
            chat: {first_response_time: {median: {max: 4m}, p90: {max: 10m}}}
        stages:
          - id: help
            name: Help
            touchpoints:
              - id: chat
                name: Live chat
                entries: 100
                next: {solved: 80}
                business:
                  first_response_time: {unit: minutes, samples: [1, 2, 3, 4, 6, 8]}
              - {id: solved, name: Solved, goal: true}
    """
    yield from _service_limit(ctx, "first_response_time")


@register("JM142", "limit.resolution_time", kind="limit")
def resolution_time(ctx: Context) -> Iterator[Outcome]:
    """Resolution time of a touchpoint (``mean``, ``median`` or ``p90``) above its limit.

    As JM141, for the time until the issue is solved. A time declared as figures has its
    ``mean`` and ``median`` only: a ``p90`` limit on it is an error finding.

    Fails::

        journeymap: 1
        id: support
        title: Support
        checks:
          touchpoints:
            ticket: {resolution_time: {mean: {max: 1d}}}
        stages:
          - id: help
            name: Help
            touchpoints:
              - id: ticket
                name: Email ticket
                entries: 100
                next: {solved: 80}
                business:
                  resolution_time: {unit: days, mean: 3.4, median: 2, count: 812}
              - {id: solved, name: Solved, goal: true}

    Passes::

        journeymap: 1
        id: support
        title: Support
        checks:
          touchpoints:
            ticket: {resolution_time: {median: {max: 2d}, mean: {max: 4d}}}
        stages:
          - id: help
            name: Help
            touchpoints:
              - id: ticket
                name: Email ticket
                entries: 100
                next: {solved: 80}
                business:
                  resolution_time: {unit: days, mean: 3.4, median: 2, count: 812}
              - {id: solved, name: Solved, goal: true}
    """
    yield from _service_limit(ctx, "resolution_time")
