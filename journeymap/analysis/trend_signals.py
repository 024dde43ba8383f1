"""The signals of a trend: which changes over the periods are real (:mod:`journeymap.analysis.trend`).

Every series (the conversion, each touchpoint's drop-off) gets its p-chart (:class:`Chart`,
Laney's p' when the periods are overdispersed) and is tested by four rules (:class:`Rule`):
beyond the limits, a run of eight on one side of the centre, a change between consecutive
periods and a monotone trend over all of them; :func:`charts_and_signals` gives the charts and
the :class:`Signal` values in the order of the periods, the series and the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from journeymap.analysis.comparison import Metric
from journeymap.analysis.trend_periods import PeriodFigures, Proportion
from journeymap.analysis.trend_words import (
    beyond_limit,
    change_between,
    laney_reason,
    p_name,
    run_of,
    series_name,
    trend_of,
)
from journeymap.findings import Text
from journeymap.i18n import Translator
from journeymap.stats import (
    benjamini_hochberg,
    cochran_armitage,
    dispersion_test,
    p_chart,
    runs_on_one_side,
    two_proportion_test,
)

MIN_OUTCOMES = 5
"""A two-proportion test needs at least this many of each outcome in both periods."""
RUN_LENGTH = 8
MIN_TREND_PERIODS = 3
"""Cochran-Armitage needs three periods (over two it is the change test again)."""


class Rule(StrEnum):
    """Which rule a signal breaks."""

    BEYOND_LIMITS = "beyond_limits"
    RUN_OF_EIGHT = "run_of_eight"
    CHANGE = "change"
    TREND = "trend"


@dataclass(frozen=True)
class Chart:
    """The p-chart of one series; ``reason`` says why Laney's p' widened it (None if not)."""

    metric: Metric
    subject: str | None
    centre: float
    low: tuple[float | None, ...]
    high: tuple[float | None, ...]
    sigma_z: float | None
    reason_text: Text | None
    """Why the limits are wider, as a translatable sentence (``reason`` is its English)."""

    @property
    def reason(self) -> str | None:
        """The reason in English (JSON)."""
        return None if self.reason_text is None else self.reason_text.format()

    def reason_in(self, t: Translator) -> str | None:
        """The reason in the language of ``t``."""
        return None if self.reason_text is None else self.reason_text.format(t)


@dataclass(frozen=True)
class Signal:
    """One change that is real, said in words (``message``); see the module docstring."""

    period: str
    metric: Metric
    subject: str | None
    rule: Rule
    value: float
    limit: float
    text: Text
    """The signal as a translatable sentence (``message`` is its English)."""

    @property
    def message(self) -> str:
        """The signal in English (JSON ``signals[].message``)."""
        return self.text.format()

    def message_in(self, t: Translator) -> str:
        """The signal in the language of ``t``."""
        return self.text.format(t)


@dataclass(frozen=True)
class _Series:
    metric: Metric
    subject: str | None
    what: Text
    points: tuple[Proportion, ...]

    def usable(self) -> bool:
        """Every point has a value or no denominator, and one point has a denominator."""
        return all(p.value is not None or p.n == 0 for p in self.points) and any(
            p.n > 0 for p in self.points
        )


def _series(periods: Sequence[PeriodFigures]) -> list[_Series]:
    """The series of the periods: conversion, then each touchpoint's drop-off in map order."""
    out = [
        _Series(Metric.CONVERSION, None, series_name(None), tuple(p.conversion for p in periods))
    ]
    for i, tp in enumerate(periods[0].touchpoints):
        out.append(
            _Series(
                Metric.DROP_OFF,
                tp.id,
                series_name(tp.name),
                tuple(p.touchpoints[i].drop_off for p in periods),
            )
        )
    return out


def _chart(s: _Series, alpha: float) -> Chart:
    """The p-chart of a series; Laney's p' when the periods are overdispersed.

    Laney's widening applies when the dispersion test rejects equal proportions at ``alpha``
    and sigma_z exceeds 1: the periods then vary more than sampling explains, and plain
    limits would flag most periods of a large-count series.
    """
    x, n = [p.x for p in s.points], [p.n for p in s.points]
    test = dispersion_test(x, n)
    laney = test is not None and test[2] < alpha
    c = p_chart(x, n, laney=laney)
    reason = None
    if c.sigma_z is not None and test is not None:
        reason = laney_reason(test[0], test[1], test[2], c.sigma_z)
    return Chart(s.metric, s.subject, c.centre, c.low, c.high, c.sigma_z, reason)


def _chart_signals(s: _Series, c: Chart, labels: Sequence[str]) -> list[Signal]:
    """The beyond-limits and run-of-eight signals of one series on its chart."""
    out: list[Signal] = []
    for i, p in enumerate(s.points):
        lo, hi = c.low[i], c.high[i]
        if p.value is None or lo is None or hi is None or lo <= p.value <= hi:
            continue
        above = p.value > hi
        limit = hi if above else lo
        out.append(
            Signal(
                labels[i],
                s.metric,
                s.subject,
                Rule.BEYOND_LIMITS,
                p.value,
                limit,
                beyond_limit(s.what, p.value, labels[i], limit, c.centre, above=above),
            )
        )
    values = [p.value for p in s.points]
    for first, last in runs_on_one_side(values, c.centre, length=RUN_LENGTH):
        v = values[first]
        above = v is not None and v > c.centre
        out.append(
            Signal(
                labels[last],
                s.metric,
                s.subject,
                Rule.RUN_OF_EIGHT,
                float(last - first + 1),
                float(RUN_LENGTH),
                run_of(
                    s.what, c.centre, labels[first], labels[last], last - first + 1, above=above
                ),
            )
        )
    return out


def _p_name(s: _Series) -> str | Text:
    """How a sentence names the p-value of the series (adjusted for the drop-offs)."""
    return p_name(s.metric is not Metric.CONVERSION)


def _change_p(a: Proportion, b: Proportion) -> float | None:
    """The two-sided p of a change between two periods; None under :data:`MIN_OUTCOMES`."""
    if min(a.x, a.n - a.x, b.x, b.n - b.x) < MIN_OUTCOMES:
        return None
    return two_proportion_test(a.x, a.n, b.x, b.n, alternative="two-sided")


def _adjusted(tests: list[tuple[int, _Series, float]]) -> list[tuple[int, _Series, float]]:
    """Conversion keeps its p; the drop-off p-values are adjusted together (BH)."""
    conv = [t for t in tests if t[1].metric is Metric.CONVERSION]
    drops = [t for t in tests if t[1].metric is not Metric.CONVERSION]
    q = benjamini_hochberg([p for _, _, p in drops])
    return conv + [(i, s, qi) for (i, s, _), qi in zip(drops, q, strict=True)]


def _change_signals(series: Sequence[_Series], labels: Sequence[str], alpha: float) -> list[Signal]:
    """The changes between consecutive periods whose (adjusted) p is under ``alpha``."""
    tests = [
        (i, s, p)
        for i in range(1, len(labels))
        for s in series
        if (p := _change_p(s.points[i - 1], s.points[i])) is not None
    ]
    out: list[Signal] = []
    for i, s, q in _adjusted(tests):
        if q >= alpha:
            continue
        a, b = s.points[i - 1].value, s.points[i].value
        assert a is not None and b is not None
        out.append(
            Signal(
                labels[i],
                s.metric,
                s.subject,
                Rule.CHANGE,
                q,
                alpha,
                change_between(s.what, (labels[i - 1], a), (labels[i], b), _p_name(s), q),
            )
        )
    return out


def _trend_signals(series: Sequence[_Series], labels: Sequence[str], alpha: float) -> list[Signal]:
    """The monotone trends (Cochran-Armitage) whose (adjusted) p is under ``alpha``."""
    tests: list[tuple[int, _Series, float]] = []
    slopes: dict[int, float] = {}
    for k, s in enumerate(series):
        kept = [(j, p) for j, p in enumerate(s.points) if p.n > 0]
        if len(kept) < MIN_TREND_PERIODS:
            continue
        result = cochran_armitage(
            [p.x for _, p in kept], [p.n for _, p in kept], [float(j) for j, _ in kept]
        )
        if result is not None:
            tests.append((k, s, result[1]))
            slopes[k] = result[0]
    out: list[Signal] = []
    for k, s, q in _adjusted(tests):
        if q >= alpha:
            continue
        known = [(labels[j], p.value) for j, p in enumerate(s.points) if p.value is not None]
        out.append(
            Signal(
                labels[-1],
                s.metric,
                s.subject,
                Rule.TREND,
                q,
                alpha,
                trend_of(s.what, known[0], known[-1], _p_name(s), q, rising=slopes[k] > 0),
            )
        )
    return out


def charts_and_signals(
    periods: Sequence[PeriodFigures], alpha: float
) -> tuple[list[Chart], list[Signal]]:
    """The p-chart of every usable series and the signals of the four rules, sorted by period,
    then series (conversion first, touchpoints in map order), then rule."""
    labels = [p.period for p in periods]
    series = [s for s in _series(periods) if s.usable()]
    charts = [_chart(s, alpha) for s in series]
    signals = [
        sig for s, c in zip(series, charts, strict=True) for sig in _chart_signals(s, c, labels)
    ]
    signals += _change_signals(series, labels, alpha)
    signals += _trend_signals(series, labels, alpha)
    rank = {lab: i for i, lab in enumerate(labels)}
    order = {id(s): k for k, s in enumerate(series)}
    subject_rank = {(s.metric, s.subject): order[id(s)] for s in series}
    signals.sort(
        key=lambda g: (
            rank[g.period],
            subject_rank[(g.metric, g.subject)],
            list(Rule).index(g.rule),
        )
    )
    return charts, signals
