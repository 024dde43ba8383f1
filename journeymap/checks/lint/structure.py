"""Lint of the map's structure (JM201-JM204): what cannot be reached, what reaches no goal,
dead ends, empty stages."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from journeymap import graph as g
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.findings import stage_subject, text, touchpoint_subject
from journeymap.model import Severity


@register("JM201", "lint.unreachable", kind="lint", severity=Severity.WARNING)
def unreachable(ctx: Context) -> Iterator[Outcome]:
    """A touchpoint that no journey can reach from any entry point.

    Entry points are the touchpoints with ``entries`` (declared in the map or counted in the
    overlay); in a map without any entries, the touchpoints nothing leads to. A touchpoint
    that is neither an entry point nor the target of a transition from one is drawn on the
    map but can never be visited: usually a missing ``next`` or a misspelt id.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
              - {id: newsletter, name: Newsletter, next: {cart: 5}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
              - {id: newsletter, name: Newsletter, entries: 10, next: {cart: 5}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    reached = set(ctx.entry_points)
    for start in ctx.entry_points:
        reached |= nx.descendants(ctx.G, start)
    for tid in ctx.touchpoints:
        if tid in reached:
            yield ok(touchpoint_subject(tid))
        else:
            yield fail(
                touchpoint_subject(tid),
                text(
                    "'{id}' cannot be reached: it has no entries and no transition "
                    "from an entry point leads to it",
                    id=tid,
                ),
                ctx.tp_position(tid),
                hint=text("add it to a 'next' of a touchpoint before it, or give it 'entries'"),
            )


@register("JM202", "lint.no_goal_reachable", kind="lint", severity=Severity.WARNING)
def no_goal_reachable(ctx: Context) -> Iterator[Outcome]:
    """A touchpoint from which no goal can be reached (after-goal touchpoints excepted).

    Every journey that reaches such a touchpoint is lost for conversion, so it is usually a
    missing transition. Touchpoints *after* a goal (delivery, returns, a review request in a
    first-purchase map) are expected not to lead back to the goal and are not reported. A map
    with no goal at all gets one finding: conversion is undefined.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40, faq: 10}}
              - {id: faq, name: FAQ, exits: 10}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40, faq: 10}}
              - {id: faq, name: FAQ, next: {cart: 4}}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    if not ctx.goals:
        yield fail(
            "map",
            text("the map declares no goal touchpoint, so conversion is undefined"),
            ctx.map_position(),
            hint=text("mark the touchpoint that counts as a conversion with 'goal: true'"),
        )
        return
    goals = set(ctx.goals)
    yield ok("map")
    for tid in ctx.touchpoints:
        if tid in goals or tid in ctx.after_goal:
            continue
        if tid in ctx.can_reach_goal:
            yield ok(touchpoint_subject(tid))
        else:
            yield fail(
                touchpoint_subject(tid),
                text("no goal can be reached from '{id}'", id=tid),
                ctx.tp_position(tid),
                hint=text(
                    "add a transition towards the goal, or disable JM202 for it with a reason"
                ),
            )


@register("JM203", "lint.dead_end", kind="lint", severity=Severity.WARNING)
def dead_end(ctx: Context) -> Iterator[Outcome]:
    """A touchpoint with no transitions out and no ``exits`` declared (goals excepted).

    Such a touchpoint silently turns everyone who reaches it into exits. Say so explicitly
    with ``exits`` (the number who left there), or add the missing ``next``.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40, help: 10}}
              - {id: help, name: Help page}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40, help: 10}}
              - {id: help, name: Help page, next: {cart: 6}, exits: 4}
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    goals = set(ctx.goals)
    for tid in ctx.touchpoints:
        d = ctx.G.nodes[tid]
        if tid in goals or d[g.GOAL]:
            continue
        if ctx.G.out_degree(tid) == 0 and not d[g.EXITS_DECLARED]:
            yield fail(
                touchpoint_subject(tid),
                text("'{id}' is a dead end: no transitions out and no exits declared", id=tid),
                ctx.tp_position(tid),
                hint=text("declare 'exits' (the number who left here) or add 'next'"),
            )
        else:
            yield ok(touchpoint_subject(tid))


@register("JM204", "lint.empty_stage", kind="lint", severity=Severity.WARNING)
def empty_stage(ctx: Context) -> Iterator[Outcome]:
    """A stage with no touchpoints.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: aware
            name: Awareness
          - id: buy
            name: Buy
            touchpoints:
              - {id: shop, name: Shop, entries: 10, next: {paid: 2}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: shop, name: Shop, entries: 10, next: {paid: 2}}
              - {id: paid, name: Paid, goal: true}
    """
    for stage in ctx.loaded.map.stages:
        subject = stage_subject(stage.id)
        if stage.touchpoints:
            yield ok(subject)
        else:
            pos = ctx.loaded.stage_position(stage.id) or ctx.map_position()
            yield fail(
                subject,
                text("stage '{id}' has no touchpoints", id=stage.id),
                pos,
                hint=text("add the touchpoints of this stage or remove it"),
            )
