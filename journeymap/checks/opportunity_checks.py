"""Checks of the opportunity portfolio: JM210 and JM211 (lint), JM320 (against a baseline).

A leak is *high-value* (JM211) when it is among the first :data:`HIGH_VALUE_TOP` of
``analyze``'s ranked ``leaks[]`` and its cost (lost value, or lost conversions when a goal has
no value) is at least :data:`HIGH_VALUE_SHARE` of the total cost of all leaks: both, so that a
map whose leaks are all small, or one dominated by a single leak, is not nagged about the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from journeymap.analysis.comparison import Metric
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.checks.phrases import Listed, Shown
from journeymap.findings import text, touchpoint_subject
from journeymap.io.opportunity_refs import located_opportunities
from journeymap.model import Opportunity, Severity
from journeymap.source import Position

HIGH_VALUE_TOP = 3
"""A high-value leak is among the first three of ``leaks[]`` ..."""
HIGH_VALUE_SHARE = 0.10
"""... and costs at least 10% of all leaks together."""


def _opportunities(ctx: Context) -> Iterator[tuple[Opportunity, list[str], Position]]:
    """Every opportunity object with the touchpoints it addresses and where it is written."""
    for o, loc, at in located_opportunities(ctx.loaded.map):
        addresses = list(o.addresses) or ([at] if at is not None else [])
        yield o, addresses, ctx.loaded.locate(*loc) or ctx.map_position()


@register("JM210", "lint.opportunity_without_owner", kind="lint", severity=Severity.WARNING)
def opportunity_without_owner(ctx: Context) -> Iterator[Outcome]:
    """An open opportunity (idea, planned or in-progress) that nobody owns.

    An opportunity without an owner is a wish; the portfolio says who decides or delivers it.

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
                opportunities:
                  - {id: guest-checkout, text: Guest checkout, status: planned}

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
                opportunities:
                  - {id: guest-checkout, text: Guest checkout, status: planned, owner: Checkout squad}
    """
    for o, _, pos in _opportunities(ctx):
        subject = f"opportunity:{o.id}"
        if o.open and o.owner is None:
            yield fail(
                subject,
                text(  # the status is a name (idea, planned, in-progress), as written in the map
                    "opportunity '{id}' is {status} but has no owner", id=o.id, status=o.status
                ),
                pos,
                hint=text("add 'owner:' (the team that decides or delivers it)"),
            )
        else:
            yield ok(subject)


def _cost(leak: Any, by_value: bool) -> float:
    return float((leak.lost_value if by_value else leak.lost_conversions) or 0.0)


@register("JM211", "lint.unaddressed_leak", kind="lint", severity=Severity.WARNING)
def unaddressed_leak(ctx: Context) -> Iterator[Outcome]:
    """A high-value leak that no opportunity addresses.

    High-value: among the first three ranked leaks and at least 10% of the cost of all leaks
    (lost value, or lost conversions when a goal has no value). An opportunity addresses a
    leak when it lists the touchpoint in ``addresses`` or is written at it, and is not
    ``dropped``; an opportunity written as plain text at the touchpoint counts too. A map
    that writes no opportunity at all (a flow-only map) is not judged.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: ad
                name: Ad
                entries: 1000
                next: {cart: 500}
                opportunities: [Show the price in the ad]
              - {id: cart, name: Cart, next: {paid: 300}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: ad
                name: Ad
                entries: 1000
                next: {cart: 500}
                opportunities: [Show the price in the ad]
              - id: cart
                name: Cart
                next: {paid: 300}
                opportunities:
                  - {id: codes, text: Explain discount codes, owner: Checkout squad}
              - {id: paid, name: Paid, goal: true}
    """
    jm = ctx.loaded.map
    if not jm.opportunities and not any(tp.opportunities for _, tp in jm.iter_touchpoints()):
        return
    an = ctx.analysis()
    if an is None or not an.leaks:
        return
    by_value = an.summary.total_lost_value is not None
    total = sum(_cost(lk, by_value) for lk in an.leaks)
    addressed = {
        t for o, addresses, _ in _opportunities(ctx) if o.status != "dropped" for t in addresses
    }
    addressed |= {
        tp.id
        for _, tp in ctx.loaded.map.iter_touchpoints()
        if any(isinstance(o, str) for o in tp.opportunities)
    }
    for lk in an.leaks[:HIGH_VALUE_TOP]:
        subject = touchpoint_subject(lk.touchpoint)
        cost = _cost(lk, by_value)
        if total > 0 and cost >= HIGH_VALUE_SHARE * total and lk.touchpoint not in addressed:
            yield fail(
                subject,
                text(
                    "leak #{rank} '{id}' ({share} of the lost value) "
                    "has no opportunity that addresses it",
                    rank=str(lk.rank),
                    id=lk.touchpoint,
                    share=Shown(cost / total, "rate", digits=0),
                )
                if by_value
                else text(
                    "leak #{rank} '{id}' ({share} of the lost conversions) "
                    "has no opportunity that addresses it",
                    rank=str(lk.rank),
                    id=lk.touchpoint,
                    share=Shown(cost / total, "rate", digits=0),
                ),
                ctx.tp_position(lk.touchpoint),
                hint=text(
                    "add an opportunity object with an id there, or list the touchpoint in "
                    "the 'addresses' of one (journeymap opportunities prices it)"
                ),
                share=round(cost / total, 6),
            )
        else:
            yield ok(subject)


@register("JM320", "regression.done_without_improvement", kind="regression")
def done_without_improvement(ctx: Context) -> Iterator[Outcome]:
    """A ``done`` opportunity whose touchpoints did not improve against the baseline.

    Improved means the drop-off at an addressed touchpoint fell (the same drop-off comparison
    as JM301: ``after - before < 0``); the finding is a warning when none of them fell, so
    that a delivered fix whose effect never showed is looked at again. Touchpoints the
    baseline does not have are not judged.

    Fails (the baseline below lost 300 of 1,000 at 'cart')::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: cart
                name: Cart
                entries: 1000
                next: {paid: 690}
                opportunities:
                  - {id: codes, text: Explain discount codes, owner: Checkout, status: done}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: cart
                name: Cart
                entries: 1000
                next: {paid: 760}
                opportunities:
                  - {id: codes, text: Explain discount codes, owner: Checkout, status: done}
              - {id: paid, name: Paid, goal: true}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 700}}
              - {id: paid, name: Paid, goal: true}
    """
    if ctx.comparison is None:
        return
    tests = {t.subject: t for t in ctx.comparison.tests if t.metric == Metric.DROP_OFF}
    for o, addresses, pos in _opportunities(ctx):
        judged = [tests[t] for t in addresses if t in tests and tests[t].delta is not None]
        if o.status != "done" or not judged:
            continue
        subject = f"opportunity:{o.id}"
        if any((t.delta or 0.0) < 0 for t in judged):
            yield ok(subject)
            continue
        changes = Listed(
            tuple(
                text(
                    "'{id}' {before} -> {after}",
                    id=t.subject,
                    before=Shown(t.before, "rate"),
                    after=Shown(t.after, "rate"),
                )
                for t in judged
                if t.before is not None and t.after is not None
            )
        )
        yield fail(
            subject,
            text(
                "opportunity '{id}' is done, but the drop-off did not fall where it "
                "applies ({changes})",
                id=o.id,
                changes=changes,
            ),
            pos,
            severity=Severity.WARNING,
            hint=text("check that the change shipped, or set its status back and look again"),
        )
