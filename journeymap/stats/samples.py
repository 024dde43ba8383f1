"""A sample of numbers: the one quantile (type 7), the mean with its interval, and Welch's
difference of two means."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from journeymap.stats.distributions import student_t_quantile
from journeymap.stats.normal import z_value


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0 <= q <= 1) of a sample, or None when it is empty.

    Linear interpolation between order statistics, Hyndman & Fan (1996) type 7 (numpy's and
    R's default, ``statistics.quantiles(method="inclusive")``): with the sorted sample
    ``x_1..x_n`` and ``h = (n - 1) q``, ``Q = x_(floor h + 1) + (h - floor h) (x_(floor h + 2) -
    x_(floor h + 1))``. One value is its own quantile. Every p90 and median-of-durations
    journeymap reports (service times, time to convert, time to second purchase) is this one.

    >>> quantile([4, 1, 10, 5], 0.9), quantile([7], 0.9), quantile([1, 2, 3, 4], 0.5), quantile([], 0.5)
    (8.5, 7, 2.5, None)
    """
    if not 0 <= q <= 1:
        raise ValueError(f"quantile {q} is not between 0 and 1")
    s = sorted(values)
    if not s:
        return None
    h = (len(s) - 1) * q
    lo = math.floor(h)
    if lo + 1 >= len(s):
        return s[-1]
    return s[lo] + (h - lo) * (s[lo + 1] - s[lo])


@dataclass(frozen=True, slots=True)
class MeanEstimate:
    """A mean with its standard error and interval (both None from a single answer)."""

    mean: float
    standard_error: float | None
    interval: tuple[float, float] | None


def mean_interval(
    counts: Mapping[int, int] | Mapping[float, int], *, confidence: float = 0.95
) -> MeanEstimate | None:
    """Mean of answers given as ``{answer: count}``, with a normal interval; None when n = 0.

    ``mean = sum(a c) / n``, ``s^2 = sum(c (a - mean)^2) / (n - 1)`` (the unbiased sample
    variance), ``SE = s / sqrt n`` and the interval ``mean -/+ z SE`` with
    ``z = z_value(confidence=confidence)``: the large-sample (central limit) interval, not
    Student's t, which would be wider for small ``n`` (at n = 30 by 4%). With one answer the
    standard error and the interval are None. The interval is not clipped: a caller whose
    answers lie on a bounded scale clips it to the scale.

    Examples
    --------
    >>> m = mean_interval({3: 10, 5: 20, 7: 10})
    >>> m.mean, round(m.standard_error, 4), [round(v, 3) for v in m.interval]
    (5.0, 0.2265, [4.556, 5.444])
    >>> mean_interval({4: 1})
    MeanEstimate(mean=4.0, standard_error=None, interval=None)
    """
    n = sum(counts.values())
    if n <= 0:
        return None
    mean = sum(a * c for a, c in counts.items()) / n
    if n == 1:
        return MeanEstimate(mean, None, None)
    var = sum(c * (a - mean) ** 2 for a, c in counts.items()) / (n - 1)
    se = math.sqrt(var / n)
    half = z_value(confidence=confidence) * se
    return MeanEstimate(mean, se, (mean - half, mean + half))


@dataclass(frozen=True, slots=True)
class WelchDifference:
    """A difference of two means ``mean2 - mean1`` with Welch's interval."""

    difference: float
    standard_error: float
    df: float
    interval: tuple[float, float]


def welch_difference(
    counts1: Mapping[int, int] | Mapping[float, int],
    counts2: Mapping[int, int] | Mapping[float, int],
    *,
    confidence: float = 0.95,
) -> WelchDifference | None:
    """Welch's interval of ``mean2 - mean1`` from answers given as ``{answer: count}``.

    With the unbiased sample variances ``s_k^2`` and ``v_k = s_k^2 / n_k``:
    ``SE = sqrt(v1 + v2)``, the Welch-Satterthwaite degrees of freedom
    ``df = (v1 + v2)^2 / (v1^2 / (n1 - 1) + v2^2 / (n2 - 1))`` and the interval
    ``(m2 - m1) -/+ t_(df, 1 - (1 - confidence) / 2) SE``. None when a side has fewer than
    two answers or both variances are 0. Source: B. L. Welch (1947), "The generalization of
    'Student's' problem when several different population variances are involved",
    Biometrika 34, 28-35; F. E. Satterthwaite (1946), Biometrics Bulletin 2, 110-114.

    Examples
    --------
    >>> w = welch_difference({3: 10, 5: 20, 7: 10}, {4: 10, 6: 20, 7: 10})
    >>> round(w.difference, 4), round(w.df, 2), [round(v, 4) for v in w.interval]
    (0.75, 73.24, [0.1803, 1.3197])
    """
    m1, m2 = mean_interval(counts1), mean_interval(counts2)
    if m1 is None or m2 is None or m1.standard_error is None or m2.standard_error is None:
        return None
    n1, n2 = sum(counts1.values()), sum(counts2.values())
    v1, v2 = m1.standard_error**2, m2.standard_error**2
    if v1 + v2 == 0:
        return None
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    se = math.sqrt(v1 + v2)
    half = student_t_quantile(1 - (1 - confidence) / 2, df) * se
    diff = m2.mean - m1.mean
    return WelchDifference(diff, se, df, (diff - half, diff + half))
