"""Stage limits (JM121): the reach of a stage."""

from __future__ import annotations

from collections.abc import Iterator

from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, register
from journeymap.checks.limits.base import (
    Figure,
    _need_analysis,
    judge,
)
from journeymap.findings import stage_subject, text


@register("JM121", "limit.reach", kind="limit")
def reach(ctx: Context) -> Iterator[Outcome]:
    """Reach of a stage (probability that a journey from entry ever gets there) outside its limit.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          stages:
            buy: {reach: {min: 0.5}}
        stages:
          - id: look
            name: Look
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          stages:
            buy: {reach: {min: 0.3}}
        stages:
          - id: look
            name: Look
            touchpoints:
              - {id: ad, name: Ad, entries: 100, next: {cart: 40}}
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, next: {paid: 20}}
              - {id: paid, name: Paid, goal: true}
    """
    declared = [(sid, sl.reach) for sid, sl in ctx.checks.stages.items() if sl.reach is not None]
    if not declared:
        return
    a = _need_analysis(ctx)
    if a is None:
        return
    for sid, limit in declared:
        assert limit is not None
        row = a.stage(sid)
        value = None if row is None else row.reach_probability
        fig = Figure(
            value,
            None,
            why=text("no journeys enter the map") if value is None else None,
            interval_note=text("the analysis gives no interval for reach"),
        )
        yield judge(
            ctx,
            stage_subject(sid),
            text("reach of stage '{id}'", id=sid),
            fig,
            limit,
            ctx.check_position("stages", sid, "reach"),
            "rate",
        )
