"""Lint of the counted flow (JM208, JM209): conservation at every touchpoint, and a chain
whose journeys can loop forever."""

from __future__ import annotations

from collections.abc import Iterator

from journeymap import facts
from journeymap import graph as g
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.findings import Number, text, text_of, touchpoint_subject
from journeymap.model import Severity

RESIDUAL_WARN = 0.01
RESIDUAL_ERROR = 0.05


@register("JM208", "lint.flow_conservation", kind="lint", severity=Severity.WARNING)
def flow_conservation(ctx: Context) -> Iterator[Outcome]:
    """Counts that do not conserve flow: what arrives at a touchpoint is not what leaves it.

    The residual ``in - out`` relative to ``max(in, out)`` is a warning above 1% and an error
    above 5%. Positive residuals are unobserved outflow (counted as unknown, never as lost);
    negative ones are unobserved entries. Both usually mean a tracking gap or a typo.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}, exits: 40}
              - {id: cart, name: Cart, next: {paid: 20}, exits: 20}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}, exits: 60}
              - {id: cart, name: Cart, next: {paid: 20}, exits: 20}
              - {id: paid, name: Paid, goal: true}
    """
    goals = set(ctx.goals)
    for tid in ctx.touchpoints:
        if tid in goals:
            continue
        rel = ctx.relative_residual(tid)
        if rel <= RESIDUAL_WARN:
            yield ok(touchpoint_subject(tid))
            continue
        d = ctx.G.nodes[tid]
        res = d[g.FLOW_RESIDUAL]
        kind = text(
            "more arrive than leave (unobserved outflow)"
            if res > 0
            else "more leave than arrive (unobserved entries)"
        )
        yield fail(
            touchpoint_subject(tid),
            text(
                "flow does not conserve at '{id}': {n} {kind}, {share} of its flow",
                id=tid,
                n=str(abs(res)),
                kind=kind,
                share=Number(rel, ".1%"),
            ),
            ctx.tp_position(tid),
            severity=Severity.ERROR if rel > RESIDUAL_ERROR else Severity.WARNING,
            hint=text("check the counts of its transitions, exits, unknown and in_progress"),
            residual=res,
            relative=round(rel, 6),
        )


@register("JM209", "lint.non_absorbing", kind="lint", severity=Severity.ERROR)
def non_absorbing(ctx: Context) -> Iterator[Outcome]:
    """A closed loop of touchpoints that no journey ever leaves: the chain cannot absorb.

    Counted flow goes round between the touchpoints of the loop with no exit, no conversion
    and no unknown outflow (and nothing enters it), so conversion and leak figures cannot be computed (``analyze``
    stops with exit 2; ``check`` reports it here).

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {paid: 20}, exits: 80}
              - {id: a, name: A, next: {b: 50}, exits: 0}
              - {id: b, name: B, next: {a: 50}, exits: 0}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {paid: 20, a: 10}, exits: 70}
              - {id: a, name: A, next: {b: 50}, exits: 0}
              - {id: b, name: B, next: {a: 40}, exits: 10}
              - {id: paid, name: Paid, goal: true}
    """
    if not ctx.G.graph[g.HAS_COUNTS] or not ctx.goals:
        return
    ids = ctx.closed_loops
    if not ids:
        yield ok("map")
        return
    pos = ctx.tp_position(ids[0])
    names = ", ".join(f"'{t}'" for t in ids)
    yield fail(
        "map",
        text(
            "the journey cannot absorb: {names} form a closed loop that no journey "
            "leaves, so conversion and leak figures cannot be computed",
            names=names,
        ),
        pos,
        hint=text(
            "give the loop an exit, a conversion or a transition out ({why})",
            why=text_of(facts.CLOSED_LOOP_HINT, {}),
        ),
        touchpoints=ids,
    )
