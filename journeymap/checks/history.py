"""Regression against a history (JM310): the latest period is out of control.

``journeymap check MAP --history DIR`` reads the overlays of earlier periods of the map; the
checked map (with its ``--data`` overlay) is the latest period. The series of all periods is
the trend of :func:`journeymap.analysis.trend.trend` (the p-charts, Laney's p', the run rule):
this check only reads its signals, it derives no limit of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from journeymap.analysis.comparison import Metric
from journeymap.analysis.trend import Rule, Signal, Trend
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.findings import Period, text, touchpoint_subject
from journeymap.source import Position

OUT_OF_CONTROL = (Rule.BEYOND_LIMITS, Rule.RUN_OF_EIGHT)
"""The p-chart rules that put a period out of control (Western Electric rules 1 and 4)."""


def _worse(t: Trend, s: Signal) -> bool:
    """Whether the latest period lies on the bad side of the centre line: conversion below
    it, drop-off above it (an improvement out of control is no regression)."""
    chart = next(c for c in t.charts if (c.metric, c.subject) == (s.metric, s.subject))
    latest = t.periods[-1]
    if s.metric == Metric.CONVERSION:
        value = latest.conversion.value
        return value is not None and value < chart.centre
    tp = next(tp for tp in latest.touchpoints if tp.id == s.subject)
    return tp.drop_off.value is not None and tp.drop_off.value > chart.centre


def _position(ctx: Context, s: Signal) -> Position:
    if s.subject is not None:
        return ctx.tp_position(s.subject)
    overlay = ctx.loaded.overlay
    if overlay is not None and overlay.period is not None:
        return ctx.loaded.overlay_position("period") or ctx.map_position()
    return ctx.loaded.locate("period") or ctx.map_position()


@register("JM310", "regression.history", kind="regression")
def history_regression(ctx: Context) -> Iterator[Outcome]:
    """The latest period is out of control against the history of earlier periods.

    With ``--history DIR``, conversion and each drop-off get a p-chart over every period
    (``docs/trends.md``: centre from all periods, 3-sigma limits from each period's own n,
    Laney's p' when the periods vary more than sampling explains). The check fails when the
    latest period breaks a control rule on the bad side: beyond its limit (conversion below
    the lower one, drop-off above the upper one), or the last of eight periods in a row on the
    bad side of the centre line. Changes between two periods are ``regression.drop_off`` and
    ``regression.conversion`` (``--baseline``).

    Fails (drop-off at 'cart' is 40% after five periods at 30%)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-06
        stages: [{id: buy, name: Buy, touchpoints: [
          {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400},
          {id: paid, name: Paid, goal: true}]}]

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-06
        stages: [{id: buy, name: Buy, touchpoints: [
          {id: cart, name: Cart, entries: 1000, next: {paid: 690}, exits: 310},
          {id: paid, name: Paid, goal: true}]}]

    History::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-01
        stages: [{id: buy, name: Buy, touchpoints: [
          {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300},
          {id: paid, name: Paid, goal: true}]}]
        ---
        journeymap: 1
        id: shop
        title: Shop
        period: 2026-02
        stages: [{id: buy, name: Buy, touchpoints: [
          {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300},
          {id: paid, name: Paid, goal: true}]}]
        ---
        journeymap: 1
        id: shop
        title: Shop
        period: 2026-03
        stages: [{id: buy, name: Buy, touchpoints: [
          {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300},
          {id: paid, name: Paid, goal: true}]}]
        ---
        journeymap: 1
        id: shop
        title: Shop
        period: 2026-04
        stages: [{id: buy, name: Buy, touchpoints: [
          {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300},
          {id: paid, name: Paid, goal: true}]}]
        ---
        journeymap: 1
        id: shop
        title: Shop
        period: 2026-05
        stages: [{id: buy, name: Buy, touchpoints: [
          {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300},
          {id: paid, name: Paid, goal: true}]}]
    """
    t = ctx.history
    if t is None or not t.periods:
        return
    latest = t.periods[-1].period
    bad = [s for s in t.signals if s.period == latest and s.rule in OUT_OF_CONTROL and _worse(t, s)]
    earlier = len(t.periods) - 1
    for s in bad:
        subject = "map" if s.subject is None else touchpoint_subject(s.subject)
        yield fail(
            subject,
            text(  # the signal's own sentence is the trend's (analysis), written as it wrote it
                "{period} is out of control against {n} earlier period: {signal}",
                plural="{period} is out of control against {n} earlier periods: {signal}",
                count=earlier,
                period=Period(latest),
                n=str(earlier),
                signal=s.message,
            ),
            _position(ctx, s),
            hint=text(
                "find what changed in this period; the limits are those of `journeymap trend`"
            ),
            rule=s.rule.value,
            value=s.value,
            limit=s.limit,
        )
    if not bad:
        yield ok("map")
