"""Limits on the period's service times per touchpoint (JM141-JM142).

``checks.touchpoints.<id>.first_response_time`` / ``resolution_time`` limit a touchpoint's
service time by its ``mean``, ``median`` or 90th percentile ``p90`` (samples only) with a
duration such as ``3m``; at the top level of ``checks:`` they are the default for every
touchpoint whose period has (or whose map tracks) that time. Times are compared as written:
a time in business hours is tested against the limit in business hours.

The times are the period's (:func:`journeymap.analysis.business_service.service_figures`): a
limit on a time the period does not have (not measured in the overlay's period, a ``p90`` of
declared figures) is an error finding, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from journeymap.analysis.business_service import (
    ServiceName,
    ServiceTime,
    TouchpointService,
    service_figures,
)
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.checks.limits import _tp_limits
from journeymap.checks.phrases import Duration
from journeymap.findings import Text, text, touchpoint_subject
from journeymap.model import DurationLimit, ServiceLimit, Severity
from journeymap.source import Position

__all__ = ["STATISTICS", "judge_time"]

STATISTICS: Final = ("mean", "median", "p90")


_TIME_NAMES: Final = {
    "first_response_time": text("first response time"),
    "resolution_time": text("resolution time"),
}
"""The service times as a sentence names them."""


def _missing(t: ServiceTime | None, stat: str, tid: str, name: str) -> str | Text | None:
    """Why the period has no `stat` of this service time, or None when it has one (the
    analysis' own reason as it wrote it)."""
    what = _TIME_NAMES[name]
    if t is None:
        return text("'{id}' has no {what} in this period", id=tid, what=what)
    if t.reason is not None:
        return t.reason
    if stat == "p90" and t.p90 is None:
        return text(
            "the {what} of '{id}' is declared as figures, not samples, so it has no p90",
            what=what,
            id=tid,
        )
    if getattr(t, stat) is None:
        return text("the {what} of '{id}' declares no {stat}", what=what, id=tid, stat=stat)
    return None


def judge_time(
    subject: str,
    label: Text,
    t: ServiceTime | None,
    stat: str,
    limit: DurationLimit,
    pos: Position,
    why: str | Text | None,
) -> Outcome:
    """Test a service time's statistic (in its unit) against a limit in seconds; the message
    is a :class:`~journeymap.findings.Text` whose durations are written in the language of the
    output (:class:`~journeymap.checks.phrases.Duration`)."""
    if why is not None or t is None:
        return fail(
            subject,
            text(
                "{label} cannot be computed ({why}), so its limit cannot pass",
                label=label,
                why=why or "",
            ),
            pos,
            severity=Severity.ERROR,
            hint=text("give the period the service times this figure needs, or remove the limit"),
            value=None,
        )
    value = t.seconds(getattr(t, stat))
    shown = Duration(value, t.hours)
    data: dict[str, Any] = {"value": round(value, 6), "unit": "seconds"}
    if limit.max is not None and value > limit.max:
        return fail(
            subject,
            text(
                "{label} is {shown}; it is above the maximum {limit}{note}",
                label=label,
                shown=shown,
                limit=Duration(limit.max),
                note="",
            ),
            pos,
            severity=limit.severity,
            max=limit.max,
            **data,
        )
    if limit.min is not None and value < limit.min:
        return fail(
            subject,
            text(
                "{label} is {shown}; it is below the minimum {limit}{note}",
                label=label,
                shown=shown,
                limit=Duration(limit.min),
                note="",
            ),
            pos,
            severity=limit.severity,
            min=limit.min,
            **data,
        )
    return ok(subject)


def _service_limit(ctx: Context, name: ServiceName) -> Iterator[Outcome]:
    if getattr(ctx.checks, name) is None and not any(
        getattr(tl, name) is not None for tl in ctx.checks.touchpoints.values()
    ):
        return
    services: dict[str, TouchpointService] = service_figures(ctx.G, ctx.flows)

    def tracked(tid: str) -> bool:
        return tid in services and services[tid].time(name) is not None

    for tid, block, pos, explicit in _tp_limits(ctx, name, tracked):
        assert isinstance(block, ServiceLimit)
        t = services[tid].time(name) if tid in services else None
        for stat in STATISTICS:
            limit: DurationLimit | None = getattr(block, stat)
            if limit is None:
                continue
            where = ctx.check_position("touchpoints", tid, name, stat) if explicit else pos
            label = text("{stat} {what} at '{id}'", stat=stat, what=_TIME_NAMES[name], id=tid)
            yield judge_time(
                touchpoint_subject(tid), label, t, stat, limit, where, _missing(t, stat, tid, name)
            )


@register("JM141", "limit.first_response_time", kind="limit")
def first_response_time(ctx: Context) -> Iterator[Outcome]:
    """First-response time of a touchpoint (``mean``, ``median`` or ``p90``) above its limit.

    Durations are written with their unit (``90s``, ``3m``, ``1.5h``, ``2d``). A top-level
    ``first_response_time`` is the default for every touchpoint whose period has one. The
    90th percentile needs samples (the inclusive percentile, numpy's default). In the
    example the median of the 6 samples is (3 + 4) / 2 = 3.5 minutes.

    Fails::

        journeymap: 1
        id: support
        title: Support
        checks:
          touchpoints:
            chat: {first_response_time: {median: {max: 3m}}}
        stages:
          - id: help
            name: Help
            touchpoints:
              - id: chat
                name: Live chat
                entries: 100
                next: {solved: 80}
                business:
                  first_response_time: {unit: minutes, samples: [1, 2, 3, 4, 6, 12]}
              - {id: solved, name: Solved, goal: true}

    Passes::

        journeymap: 1
        id: support
        title: Support
        checks:
          touchpoints:
            chat: {first_response_time: {median: {max: 4m}, p90: {max: 10m}}}
        stages:
          - id: help
            name: Help
            touchpoints:
              - id: chat
                name: Live chat
                entries: 100
                next: {solved: 80}
                business:
                  first_response_time: {unit: minutes, samples: [1, 2, 3, 4, 6, 8]}
              - {id: solved, name: Solved, goal: true}
    """
    yield from _service_limit(ctx, "first_response_time")


@register("JM142", "limit.resolution_time", kind="limit")
def resolution_time(ctx: Context) -> Iterator[Outcome]:
    """Resolution time of a touchpoint (``mean``, ``median`` or ``p90``) above its limit.

    As JM141, for the time until the issue is solved. A time declared as figures has its
    ``mean`` and ``median`` only: a ``p90`` limit on it is an error finding.

    Fails::

        journeymap: 1
        id: support
        title: Support
        checks:
          touchpoints:
            ticket: {resolution_time: {mean: {max: 1d}}}
        stages:
          - id: help
            name: Help
            touchpoints:
              - id: ticket
                name: Email ticket
                entries: 100
                next: {solved: 80}
                business:
                  resolution_time: {unit: days, mean: 3.4, median: 2, count: 812}
              - {id: solved, name: Solved, goal: true}

    Passes::

        journeymap: 1
        id: support
        title: Support
        checks:
          touchpoints:
            ticket: {resolution_time: {median: {max: 2d}, mean: {max: 4d}}}
        stages:
          - id: help
            name: Help
            touchpoints:
              - id: ticket
                name: Email ticket
                entries: 100
                next: {solved: 80}
                business:
                  resolution_time: {unit: days, mean: 3.4, median: 2, count: 812}
              - {id: solved, name: Solved, goal: true}
    """
    yield from _service_limit(ctx, "resolution_time")
