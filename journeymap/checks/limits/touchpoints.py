"""Touchpoint limits on the flow (JM111, JM112): drop-off and value lost at a touchpoint."""

from __future__ import annotations

from collections.abc import Iterator

from journeymap import graph as g
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, ok, register
from journeymap.checks.limits.base import (
    Figure,
    _leak_value_interval,
    _need_analysis,
    _tp_limits,
    judge,
)
from journeymap.findings import Text, text, touchpoint_subject


@register("JM111", "limit.drop_off", kind="limit")
def drop_off(ctx: Context) -> Iterator[Outcome]:
    """Drop-off of a touchpoint (exits over completed departures) outside its limit.

    A top-level ``drop_off`` is the default for every touchpoint of the conversion chain:
    not for goals, and not for after-goal touchpoints (delivery, newsletter, returns), whose
    exits are churn after conversion; give those a limit of their own under
    ``checks.touchpoints.<id>``, which also overrides the default. ``on: interval`` tests the
    Wilson interval.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          drop_off: {max: 0.55}
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
          drop_off: {max: 0.65}
          touchpoints:
            cart: {drop_off: {max: 0.5, on: interval}}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    goals = set(ctx.goals)
    pairs = list(_tp_limits(ctx, "drop_off", lambda t: t not in goals and t not in ctx.after_goal))
    if not pairs:
        return
    a = _need_analysis(ctx)
    if a is None:
        return
    for tid, limit, pos, _ in pairs:
        row = a.touchpoint(tid)
        value = row.drop_off
        why = None
        if value is None:
            why = (
                text("a goal has no drop-off") if tid in goals else text("no completed departures")
            )
        fig = Figure(value, row.drop_off_interval, why)
        yield judge(
            ctx,
            touchpoint_subject(tid),
            text("drop-off at '{id}'", id=tid),
            fig,
            limit,
            pos,
            "rate",
        )


@register("JM112", "limit.lost_value", kind="limit")
def lost_value(ctx: Context) -> Iterator[Outcome]:
    """Value lost at a touchpoint (``leaks[].lost_value``) outside its limit.

    A top-level ``lost_value`` is the default for every ranked leak. ``on: interval`` tests
    the bootstrap interval (1,000 samples, seed 0).

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        currency: EUR
        value_per_conversion: 50
        checks:
          touchpoints:
            cart: {lost_value: {max: 500}}
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
          touchpoints:
            cart: {lost_value: {max: 1500}}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    declared = ctx.checks.lost_value is not None or any(
        tl.lost_value is not None for tl in ctx.checks.touchpoints.values()
    )
    if not declared:
        return
    a = _need_analysis(ctx)
    if a is None:
        return
    pairs = list(_tp_limits(ctx, "lost_value", lambda t: a.leak(t) is not None))
    goals = set(ctx.goals)
    for tid, limit, pos, _ in pairs:
        leak = a.leak(tid)
        value = None if leak is None else leak.lost_value
        in_chain = tid not in goals and tid not in ctx.after_goal
        valued = bool(goals) and all(ctx.G.nodes[t][g.VALUE] is not None for t in goals)
        if leak is None and in_chain and ctx.G.nodes[tid][g.EXITS] == 0 and valued:
            yield ok(touchpoint_subject(tid))  # no exits: nothing is lost here
            continue
        why: Text | None
        if leak is None:
            why = (
                text("a goal loses no value")
                if tid in goals
                else text("'{id}' comes after the goal, outside the conversion chain", id=tid)
                if tid in ctx.after_goal
                else text("'{id}' is not a ranked leak", id=tid)
            )
        elif value is None:
            why = (
                text("every completed departure is an exit, so nothing continues")
                if leak.lost_conversions is None
                else text("no value per conversion is declared")
            )
        else:
            why = None
        fig = Figure(
            value,
            _leak_value_interval(leak) if leak else None,
            why,
            interval_note=text("the leak has no bootstrap interval"),
        )
        yield judge(
            ctx,
            touchpoint_subject(tid),
            text("value lost at '{id}'", id=tid),
            fig,
            limit,
            pos,
            "money",
        )
