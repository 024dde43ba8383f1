"""Declared limits (JM1xx): the ``checks:`` block of a map (design section 3.3).

A limit is ``{min: x}`` or ``{max: x}`` with ``severity: error|warning`` (default error) and
``on: point|interval`` (default point). ``on: interval`` tests the conservative end of the
figure's interval, so noise does not fail a build: a ``max`` fails only when even the low end
is above it, a ``min`` only when even the high end is below it. A figure that cannot be
computed (no data, no goal, a 0/0) is an error finding, never a silent pass.

Units: rates are fractions 0..1; NPS is -100..100; CSAT is a percentage 0..100; CES is on its
declared scale; values are in the map's currency.

Where findings point: a limit under ``checks.touchpoints.<id>`` or ``checks.stages.<id>`` and
every map-level limit point at the line that declares the limit; a top-level touchpoint
default (``checks.drop_off`` ...) points at each touchpoint it fails on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeymap import graph as g
from journeymap import stats
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.checks.phrases import Shown, Unit
from journeymap.findings import Phrase, Text, text, text_of
from journeymap.i18n import N_
from journeymap.model import NPS_SCALE, Limit, Severity, Survey
from journeymap.source import Position

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.analysis.results import Leak
    from journeymap.analysis.survey_figures import SurveyKind


@dataclass(frozen=True)
class Figure:
    """A computed figure with its interval, or the reason it is undefined."""

    value: float | None
    interval: tuple[float, float] | None = None
    why: str | Text | None = None
    """Why the figure is undefined: a :class:`~journeymap.findings.Text` where the check
    words it (translated where shown for humans), a string where the analysis does."""
    interval_note: str | Text | None = None


def _fmt(unit: Unit, ctx: Context) -> Callable[[float], Shown]:
    """The figures of a limit on ``unit``, printed when the sentence is written (in the
    language of the output, :class:`~journeymap.checks.phrases.Shown`)."""
    currency = ctx.G.graph.get(g.CURRENCY) or None
    return lambda v: Shown(v, unit, currency)


def judge(
    ctx: Context,
    subject: str,
    label: str | Text,
    fig: Figure,
    limit: Limit,
    pos: Position,
    unit: Unit,
) -> Outcome:
    """Test a figure against a limit (the heart of every JM1xx check). The message is a
    :class:`~journeymap.findings.Text` (the label a phrase of its own, the figures
    :class:`~journeymap.checks.phrases.Shown`), so human outputs write it in their language
    with its number format; the English form is the message of the machine formats."""
    fmt = _fmt(unit, ctx)
    if fig.value is None or (isinstance(fig.value, float) and math.isnan(fig.value)):
        return fail(
            subject,
            text(
                "{label} cannot be computed ({why}), so its limit cannot pass",
                label=label,
                why=fig.why,
            )
            if fig.why
            else text("{label} cannot be computed, so its limit cannot pass", label=label),
            pos,
            severity=Severity.ERROR,
            hint=text("give the map the numbers this figure needs, or remove the limit"),
            value=None,
        )
    value = float(fig.value)
    low = high = value
    shown: Shown | Text = fmt(value)
    note: str | Text = ""
    if limit.on == "interval":
        if fig.interval is not None and None not in fig.interval:
            low, high = float(fig.interval[0]), float(fig.interval[1])
            shown = text(
                "{value} (interval {low} to {high})", value=fmt(value), low=fmt(low), high=fmt(high)
            )
        else:
            note = text(
                "; {why}, the point value is tested",
                why=fig.interval_note or text("no interval is available"),
            )
    data: dict[str, Any] = {"value": _round(value), "on": limit.on}
    if limit.on == "interval" and fig.interval is not None:
        data["interval"] = [_round(low), _round(high)]
    fields: dict[str, str | Phrase] = {"label": label, "shown": shown, "note": note}
    if limit.min is not None and high < limit.min:
        data["min"] = limit.min
        msg = _beyond(fields, "min", fmt(high) if high != value else None, fmt(limit.min))
        return fail(subject, msg, pos, severity=limit.severity, **data)
    if limit.max is not None and low > limit.max:
        data["max"] = limit.max
        msg = _beyond(fields, "max", fmt(low) if low != value else None, fmt(limit.max))
        return fail(subject, msg, pos, severity=limit.severity, **data)
    return ok(subject)


_BEYOND = {
    ("min", False): N_("{label} is {shown}; it is below the minimum {limit}{note}"),
    ("min", True): N_(
        "{label} is {shown}; even its high end {end} is below the minimum {limit}{note}"
    ),
    ("max", False): N_("{label} is {shown}; it is above the maximum {limit}{note}"),
    ("max", True): N_(
        "{label} is {shown}; even its low end {end} is above the maximum {limit}{note}"
    ),
}
"""The sentences of a failed limit (msgids): the point value, or the interval's conservative
end, beyond the minimum or maximum."""


def _beyond(fields: dict[str, str | Phrase], side: str, end: Shown | None, limit: Shown) -> Text:
    """A failed limit's sentence; ``end`` is the interval's conservative end when it, not the
    point value, is what was tested."""
    extra: dict[str, str | Phrase] = {"limit": limit}
    if end is not None:
        extra["end"] = end
    return text_of(_BEYOND[side, end is not None], {**fields, **extra})


def _round(v: float) -> float:
    return round(v, 6)


# ------------------------------------------------------------------------ analysis figures


def _survey(ctx: Context, tid: str, kind: str) -> Survey | None:
    scores = ctx.G.nodes[tid][g.SCORES]
    return getattr(scores, kind, None) if scores is not None else None


def _survey_figure(ctx: Context, a: Analysis | None, tid: str, kind: SurveyKind) -> Figure:
    survey = _survey(ctx, tid, kind)
    if survey is None:
        return Figure(None, why=text("'{id}' has no {kind} survey", id=tid, kind=kind.upper()))
    if survey.total == 0:
        return Figure(
            None,
            why=text("the {kind} survey of '{id}' has no responses", kind=kind.upper(), id=tid),
        )
    metric = None if a is None else a.survey(tid).metric(kind)
    if metric is None or metric.headline is None:
        why = (
            text(
                "NPS of '{id}' is declared on {scale}, and NPS is defined on 0-10 only",
                id=tid,
                scale=str(list(survey.scale)),
            )
            if kind == "nps" and tuple(survey.scale) != NPS_SCALE
            else text("the analysis gives no {kind} for '{id}'", kind=kind.upper(), id=tid)
        )
        return Figure(None, why=why)
    return Figure(metric.headline, metric.interval)


def _need_analysis(ctx: Context) -> Analysis | None:
    return ctx.analysis()


# ----------------------------------------------------------------------------- map level


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


def _leak_value_interval(leak: Leak) -> tuple[float, float] | None:
    """The bootstrap interval of a leak's lost value, or its lost conversions' priced."""
    if leak.lost_value_interval is not None:
        return leak.lost_value_interval
    conv = leak.lost_conversions_interval
    lc, lv = leak.lost_conversions, leak.lost_value
    if conv is None or not lc or lv is None:
        return None
    per = float(lv) / float(lc)
    return conv[0] * per, conv[1] * per


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


# ----------------------------------------------------------------------- touchpoint level


def _tp_limits(
    ctx: Context, key: str, applies: Callable[[str], bool]
) -> Iterator[tuple[str, Limit, Position, bool]]:
    """``(touchpoint, limit, position, explicit)`` for every touchpoint a limit applies to."""
    default: Limit | None = getattr(ctx.checks, key)
    for tid in ctx.touchpoints:
        own = ctx.checks.touchpoints.get(tid)
        explicit: Limit | None = getattr(own, key) if own is not None else None
        if explicit is not None:
            yield tid, explicit, ctx.check_position("touchpoints", tid, key), True
        elif default is not None and applies(tid):
            yield tid, default, ctx.tp_position(tid), False


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
            ctx, f"touchpoint:{tid}", text("drop-off at '{id}'", id=tid), fig, limit, pos, "rate"
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
            yield ok(f"touchpoint:{tid}")  # no exits: nothing is lost here
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
            ctx, f"touchpoint:{tid}", text("value lost at '{id}'", id=tid), fig, limit, pos, "money"
        )


def _survey_limit(ctx: Context, kind: SurveyKind, label: str, unit: Unit) -> Iterator[Outcome]:
    pairs = list(_tp_limits(ctx, kind, lambda t: _survey(ctx, t, kind) is not None))
    if not pairs:
        return
    a = _need_analysis(ctx)
    for tid, limit, pos, _ in pairs:
        fig = _survey_figure(ctx, a, tid, kind)
        yield judge(
            ctx,
            f"touchpoint:{tid}",
            text("{label} at '{id}'", label=label, id=tid),
            fig,
            limit,
            pos,
            unit,
        )


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
    yield from _survey_limit(ctx, "csat", "CSAT", "percent")


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
            f"touchpoint:{tid}",
            text("survey responses at '{id}'", id=tid),
            fig,
            limit,
            pos,
            "count",
        )


# ---------------------------------------------------------------------------- stage level


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
            f"stage:{sid}",
            text("reach of stage '{id}'", id=sid),
            fig,
            limit,
            ctx.check_position("stages", sid, "reach"),
            "rate",
        )
