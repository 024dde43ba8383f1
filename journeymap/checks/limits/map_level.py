"""Map-level limits (JM101-JM105): conversion, total lost value, flow residual, coverage,
undeclared share; each points at the line that declares it."""

from __future__ import annotations

from collections.abc import Iterator

from journeymap import graph as g
from journeymap import stats
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, register
from journeymap.checks.limits.base import (
    Figure,
    _leak_value_interval,
    _need_analysis,
    judge,
)
from journeymap.findings import text


@register("JM101", "limit.conversion", kind="limit")
def conversion(ctx: Context) -> Iterator[Outcome]:
    """Overall conversion (``summary.conversion_probability``) outside its declared limit.

    The probability that a journey starting at an entry reaches a selected goal (all goals,
    or the one given with ``--goal``). Its interval (``on: interval``) is the analysis's, or
    a Wilson interval of conversions over entries.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          conversion: {min: 0.25}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          conversion: {min: 0.15}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    limit = ctx.checks.conversion
    if limit is None:
        return
    a = _need_analysis(ctx)
    if a is None:
        return
    summary = a.summary
    value = summary.conversion_probability
    why = None
    if value is None:
        why = (
            text("the map has no goal")
            if not ctx.goals
            else text("no journeys enter the map")
            if not summary.entries
            else text("undefined")
        )
    iv = summary.conversion_probability_interval
    if iv is None and value is not None and 0 <= summary.conversions <= summary.entries:
        iv = stats.wilson_interval(int(summary.conversions), int(summary.entries))
    yield judge(
        ctx,
        "map",
        text("conversion"),
        Figure(value, iv, why),
        limit,
        ctx.check_position("conversion"),
        "rate",
    )


@register("JM102", "limit.total_lost_value", kind="limit")
def total_lost_value(ctx: Context) -> Iterator[Outcome]:
    """Total value lost at all leaks (sum of ``leaks[].lost_value``) outside its limit.

    A first-order figure: the sum of each leak's expected lost conversions times the goal's
    value. ``on: interval`` sums the ends of the leaks' bootstrap intervals (1,000 samples,
    seed 0), which is conservative.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        currency: EUR
        value_per_conversion: 50
        checks:
          total_lost_value: {max: 1000}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        currency: EUR
        value_per_conversion: 50
        checks:
          total_lost_value: {max: 5000}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    limit = ctx.checks.total_lost_value
    if limit is None:
        return
    a = _need_analysis(ctx)
    if a is None:
        return
    leaks = a.leaks
    values = [leak.lost_value for leak in leaks]
    if any(v is None for v in values) or not ctx.goals:
        why = (
            text("the map has no goal")
            if not ctx.goals
            else text("no value per conversion is declared")
            if ctx.G.graph.get(g.VALUE_PER_CONVERSION) is None
            else text("a leak has no value")
        )
        fig = Figure(None, why=why)
    else:
        total = float(a.summary.total_lost_value or sum(v or 0.0 for v in values))
        lows: list[float] = []
        highs: list[float] = []
        for leak in leaks:
            iv = _leak_value_interval(leak)
            if iv is None:
                lows = highs = []
                break
            lows.append(iv[0])
            highs.append(iv[1])
        interval = (sum(lows), sum(highs)) if lows else None
        fig = Figure(total, interval, interval_note=text("the leaks have no bootstrap intervals"))
    yield judge(
        ctx,
        "map",
        text("total value lost"),
        fig,
        limit,
        ctx.check_position("total_lost_value"),
        "money",
    )


@register("JM103", "limit.flow_residual", kind="limit")
def flow_residual(ctx: Context) -> Iterator[Outcome]:
    """The largest relative flow residual of any touchpoint outside its limit.

    For each touchpoint ``|in - out| / max(in, out)``; the figure is the largest. It is exact
    (no interval). The built-in lint JM208 warns above 1% and errs above 5% anyway; declare
    this limit for a stricter or looser gate.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          flow_residual: {max: 0.01}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}, exits: 58}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          flow_residual: {max: 0.01}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}, exits: 60}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    limit = ctx.checks.flow_residual
    if limit is None:
        return
    goals = set(ctx.goals)
    rows = [(ctx.relative_residual(t), t) for t in ctx.touchpoints if t not in goals]
    if not ctx.G.graph[g.HAS_COUNTS] or not rows:
        fig = Figure(None, why=text("the map has no counts"))
        label = text("the largest flow residual")
    else:
        worst, tid = max(rows, key=lambda r: (r[0], -ctx.touchpoints.index(r[1])))
        fig = Figure(worst)
        label = text("the largest flow residual (at '{id}')", id=tid)
    yield judge(ctx, "map", label, fig, limit, ctx.check_position("flow_residual"), "rate")


@register("JM104", "limit.coverage", kind="limit")
def coverage(ctx: Context) -> Iterator[Outcome]:
    """Event-mapping coverage (share of events mapped to touchpoints) outside its limit.

    Known only for overlays made from event logs (``journeymap ingest``); elsewhere the
    limit cannot be computed and fails.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          coverage: {min: 0.9}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    limit = ctx.checks.coverage
    if limit is None:
        return
    value = ctx.G.graph.get(g.COVERAGE)
    fig = Figure(
        value, why=text("coverage is known only for an overlay made from event logs (--data)")
    )
    yield judge(
        ctx, "map", text("event coverage"), fig, limit, ctx.check_position("coverage"), "rate"
    )


@register("JM105", "limit.undeclared_share", kind="limit")
def undeclared_share(ctx: Context) -> Iterator[Outcome]:
    """Share of transitions that go along edges the map does not declare, outside its limit.

    Only an overlay can carry undeclared transitions; with the map's own counts the share
    is 0. With no transitions at all it cannot be computed.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          undeclared_share: {max: 0.05}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          undeclared_share: {max: 0.05}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    limit = ctx.checks.undeclared_share
    if limit is None:
        return
    total = sum(d[g.COUNT] for *_, d in ctx.G.edges(data=True))
    undeclared = sum(d[g.COUNT] for *_, d in ctx.G.edges(data=True) if not d[g.DECLARED])
    fig = Figure(undeclared / total if total else None, why=text("no transitions are counted"))
    yield judge(
        ctx,
        "map",
        text("the share of undeclared transitions"),
        fig,
        limit,
        ctx.check_position("undeclared_share"),
        "rate",
    )
