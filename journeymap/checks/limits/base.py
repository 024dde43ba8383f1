"""What every declared limit shares: the figure, the test against its limit and its
sentence (:func:`judge`), and which touchpoints a touchpoint limit applies to."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeymap import graph as g
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok
from journeymap.checks.phrases import Shown, Unit
from journeymap.findings import Phrase, Text, text, text_of, touchpoint_subject
from journeymap.i18n import N_
from journeymap.model import NPS_SCALE, Limit, Severity, Survey
from journeymap.source import Position

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.analysis.results import Leak
    from journeymap.figures import SurveyKind


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


def _survey_limit(ctx: Context, kind: SurveyKind, label: str, unit: Unit) -> Iterator[Outcome]:
    pairs = list(_tp_limits(ctx, kind, lambda t: _survey(ctx, t, kind) is not None))
    if not pairs:
        return
    a = _need_analysis(ctx)
    for tid, limit, pos, _ in pairs:
        fig = _survey_figure(ctx, a, tid, kind)
        yield judge(
            ctx,
            touchpoint_subject(tid),
            text("{label} at '{id}'", label=label, id=tid),
            fig,
            limit,
            pos,
            unit,
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
