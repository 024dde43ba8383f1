"""Built-in lint (JM2xx): always on; each can be disabled per map, stage or touchpoint with a reason.

.. code-block:: yaml

    checks:
      lint:
        disable:
          - {code: JM207, touchpoint: faq, reason: the FAQ pains are tracked in JIRA-123}
        assumption_max_age_days: 90
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from journeymap import facts
from journeymap import graph as g
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.findings import Number, stage_subject, text, text_of, touchpoint_subject
from journeymap.i18n import N_
from journeymap.model import EvidenceKind, Severity

DEFAULT_ASSUMPTION_MAX_AGE_DAYS = 180
RESIDUAL_WARN = 0.01
RESIDUAL_ERROR = 0.05


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


_NO_EVIDENCE = {
    ("emotion",): N_("'{id}' has an emotion but no evidence"),
    ("pain_points",): N_("'{id}' has pain points but no evidence"),
    ("emotion", "pain_points"): N_("'{id}' has an emotion and pain points but no evidence"),
}
"""JM205's sentence by what the touchpoint claims (msgids)."""


@register("JM205", "lint.unsupported_emotion", kind="lint", severity=Severity.WARNING)
def unsupported_emotion(ctx: Context) -> Iterator[Outcome]:
    """Emotions or pain points written without any evidence.

    An emotion curve or a pain point is a claim about customers; ``evidence`` says where it
    comes from (``observed``, ``reported``, ``assumed``, ``proposed``), so a workshop can tell
    research from guesses.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                emotion: -1
                pain_points: [Delivery costs appear late]
                opportunities: [Show delivery costs on the product page]

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                emotion: -1
                pain_points: [Delivery costs appear late]
                opportunities: [Show delivery costs on the product page]
                evidence: {kind: observed, source: usability test 2026-05}
    """
    for tid in ctx.touchpoints:
        tp = ctx.G.nodes[tid][g.TOUCHPOINT]
        claims = [
            name
            for name, present in (
                ("emotion", tp.emotion is not None),
                ("pain_points", bool(tp.pain_points)),
            )
            if present
        ]
        if claims and not tp.evidence_list:
            yield fail(
                touchpoint_subject(tid),
                text(_NO_EVIDENCE[tuple(claims)], id=tid),
                ctx.tp_position(tid, claims[0]),
                hint=text("add 'evidence: {{kind: observed|reported|assumed, source: ...}}'"),
            )
        else:
            yield ok(touchpoint_subject(tid))


@register("JM206", "lint.stale_assumption", kind="lint", severity=Severity.WARNING)
def stale_assumption(ctx: Context) -> Iterator[Outcome]:
    """An ``assumed`` piece of evidence older than ``checks.lint.assumption_max_age_days``.

    The age is counted from the evidence ``date`` to the end of the period the map (or its
    overlay) describes, so the result does not depend on the day the check runs; a map without
    a period is judged as of today. The default maximum age is 180 days. Undated assumptions
    are not judged.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        checks:
          lint: {assumption_max_age_days: 90}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                emotion: -1
                evidence: {kind: assumed, source: team guess, date: 2026-01-15}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        checks:
          lint: {assumption_max_age_days: 90}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                emotion: -1
                evidence: {kind: observed, source: session recordings, date: 2026-01-15}
    """
    settings = ctx.checks.lint
    max_age = (
        settings.assumption_max_age_days
        if settings is not None and settings.assumption_max_age_days is not None
        else DEFAULT_ASSUMPTION_MAX_AGE_DAYS
    )
    ref = ctx.reference_date
    for tid in ctx.touchpoints:
        tp = ctx.G.nodes[tid][g.TOUCHPOINT]
        stale = False
        for k, ev in enumerate(tp.evidence_list):
            if ev.kind != EvidenceKind.ASSUMED or ev.date is None:
                continue
            age = (ref - ev.date).days
            if age > max_age:
                stale = True
                loc = ("evidence", k) if isinstance(tp.evidence, list) else ("evidence",)
                yield fail(
                    touchpoint_subject(tid),
                    text(
                        "the assumption behind '{id}' is {age} day old on {date} "
                        "(more than {max_age})",
                        plural="the assumption behind '{id}' is {age} days old on {date} "
                        "(more than {max_age})",
                        count=age,
                        id=tid,
                        age=str(age),
                        date=ref.isoformat(),
                        max_age=str(max_age),
                    ),
                    ctx.tp_position(tid, *loc),
                    hint=text("check it with customers and record it as observed or reported"),
                    age_days=age,
                    max_age_days=max_age,
                    reference_date=ref.isoformat(),
                )
        if not stale:
            yield ok(touchpoint_subject(tid))


@register("JM207", "lint.pain_without_opportunity", kind="lint", severity=Severity.WARNING)
def pain_without_opportunity(ctx: Context) -> Iterator[Outcome]:
    """Pain points with no opportunity written next to them.

    A journey map is for deciding what to fix; a pain without an idea is half a row.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                pain_points: [Delivery costs appear late]
                evidence: {kind: observed}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                pain_points: [Delivery costs appear late]
                opportunities: [Show delivery costs on the product page]
                evidence: {kind: observed}
    """
    for tid in ctx.touchpoints:
        tp = ctx.G.nodes[tid][g.TOUCHPOINT]
        if tp.pain_points and not tp.opportunities:
            n = len(tp.pain_points)
            yield fail(
                touchpoint_subject(tid),
                text(
                    "'{id}' has {n} pain point and no opportunities",
                    plural="'{id}' has {n} pain points and no opportunities",
                    count=n,
                    id=tid,
                    n=str(n),
                ),
                ctx.tp_position(tid, "pain_points"),
                hint=text("add 'opportunities: [...]' with at least one idea"),
            )
        else:
            yield ok(touchpoint_subject(tid))


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
