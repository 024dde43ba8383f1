"""Touchpoint limits on surveys (JM113-JM116): NPS, CSAT, CES and the number of responses."""

from __future__ import annotations

from collections.abc import Iterator

from journeymap import graph as g
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, register
from journeymap.checks.limits.base import (
    Figure,
    _survey_limit,
    _tp_limits,
    judge,
)
from journeymap.findings import text, touchpoint_subject
from journeymap.model import Survey


@register("JM113", "limit.nps", kind="limit")
def nps(ctx: Context) -> Iterator[Outcome]:
    """NPS of a touchpoint (-100..100, on the 0-10 scale only) outside its limit.

    A top-level ``nps`` is the default for every touchpoint with an NPS survey. ``on:
    interval`` tests the adjusted-Wald interval.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          nps: {min: 30}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  nps: {responses: {10: 5, 9: 5, 8: 4, 6: 3, 0: 3}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          nps: {min: 10}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  nps: {responses: {10: 5, 9: 5, 8: 4, 6: 3, 0: 3}}
    """
    yield from _survey_limit(ctx, "nps", "NPS", "nps")


@register("JM114", "limit.csat", kind="limit")
def csat(ctx: Context) -> Iterator[Outcome]:
    """CSAT of a touchpoint (percentage of top-box answers, 0..100) outside its limit.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          touchpoints:
            paid: {csat: {min: 80}}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 30, 4: 44, 3: 13, 2: 10, 1: 10}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          touchpoints:
            paid: {csat: {min: 65}}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 30, 4: 44, 3: 13, 2: 10, 1: 10}}
    """
    yield from _survey_limit(ctx, "csat", "CSAT", "csat")


@register("JM115", "limit.ces", kind="limit")
def ces(ctx: Context) -> Iterator[Outcome]:
    """CES of a touchpoint (mean on its declared scale) outside its limit.

    Only ``min`` is allowed when higher is better, only ``max`` otherwise (the loader refuses
    the other one).

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          touchpoints:
            checkout: {ces: {min: 5.5}}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                scores:
                  ces: {scale: [1, 7], direction: higher_is_better, responses: {3: 10, 5: 20, 7: 10}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          touchpoints:
            checkout: {ces: {min: 4.5}}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                scores:
                  ces: {scale: [1, 7], direction: higher_is_better, responses: {3: 10, 5: 20, 7: 10}}
    """
    yield from _survey_limit(ctx, "ces", "CES", "ces")


@register("JM116", "limit.responses", kind="limit")
def responses(ctx: Context) -> Iterator[Outcome]:
    """Too few (or too many) survey responses at a touchpoint.

    The figure is the smallest number of responses among the touchpoint's surveys (NPS, CSAT,
    CES), so every survey must have enough. A top-level ``responses`` applies to every
    touchpoint with a survey.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          responses: {min: 30}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 10, 4: 5, 1: 5}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        checks:
          responses: {min: 20}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 10, 4: 5, 1: 5}}
    """

    def surveys(tid: str) -> list[Survey]:
        scores = ctx.G.nodes[tid][g.SCORES]
        if scores is None:
            return []
        return [s for s in (scores.nps, scores.csat, scores.ces) if s is not None]

    for tid, limit, pos, _ in _tp_limits(ctx, "responses", lambda t: bool(surveys(t))):
        found = surveys(tid)
        fig = (
            Figure(float(min(s.total for s in found)))
            if found
            else Figure(None, why=text("'{id}' has no survey", id=tid))
        )
        yield judge(
            ctx,
            touchpoint_subject(tid),
            text("survey responses at '{id}'", id=tid),
            fig,
            limit,
            pos,
            "count",
        )
