"""Limits on the period's business figures (JM131-JM136).

``checks.metrics`` limits the map-level figures of ``analyze``'s ``metrics`` section
(:func:`journeymap.analysis.business.period_figures`), each ``{min, max}`` with ``severity``
and ``on: point|interval`` like every other limit: retention, churn and repeat rate test
their Wilson interval with ``on: interval``; CLV, retention cost have no interval (the point
value is tested, and the message says so); ``conversion`` is the observed conversion rate
(``metrics.conversion_rate``: conversions / journeys started, Wilson interval), not the
chain's conversion probability that ``checks.conversion`` (JM101) limits.

The figures are the period's (an overlay's when there is one): a limit on a figure the period
does not have (no inputs, not measured in the overlay's period) is an error finding, never a
silent pass. The service times' limits (JM141-JM142) are :mod:`journeymap.checks.service_times`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from journeymap import stats
from journeymap.analysis.business import period_figures
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, register
from journeymap.checks.limits import Figure, judge
from journeymap.checks.phrases import Unit, format_duration
from journeymap.findings import Text, text
from journeymap.model import Limit

__all__ = ["format_duration"]  # checks.phrases' own, also imported from here

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
