"""Every statistic journeymap reports, in one stdlib-only module (``math``, ``statistics``).

``analyze`` and ``check`` (limits and the regression gate) call these functions and nothing
else, so a figure has one definition whichever command prints it. No numpy or scipy here:
``journeymap check`` must start fast; the tests cross-check every function against
``scipy.stats`` or a second formula.

Conventions:

- every interval takes ``confidence`` (a two-sided level, keyword, default 0.95); a
  one-sided 95% bound is one end of the two-sided 90% interval (``confidence=0.90``);
- an undefined figure is ``None`` (no responses, a zero denominator), never NaN;
- proportions are fractions in [0, 1]; NPS is on -100..100.

Every method assumes independent observations: independent *customers*. Counts of visits
(a customer who loops back is counted at each visit) make intervals too narrow and p-values
too small; the callers say so where they fall back to visits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

__all__ = [
    "Alternative",
    "MeanEstimate",
    "NpsCounts",
    "PChart",
    "benjamini_hochberg",
    "chi2_sf",
    "cochran_armitage",
    "dispersion_test",
    "mean_interval",
    "newcombe_difference",
    "normal_cdf",
    "normal_sf",
    "nps_interval",
    "nps_score",
    "nps_standard_error",
    "nps_test",
    "overdispersion_ratio",
    "p_chart",
    "pooled_z",
    "ratio",
    "runs_on_one_side",
    "two_proportion_test",
    "wilson_interval",
    "z_value",
]

Alternative = Literal["greater", "less", "two-sided"]
"""The alternative hypothesis of a test, spelled as ``scipy.stats`` spells it."""

_SQRT2 = math.sqrt(2.0)


# ------------------------------------------------------------------------ the normal law


def z_value(*, confidence: float = 0.95) -> float:
    """Two-sided standard normal quantile of a confidence level.

    ``z = Phi^-1(1/2 + confidence/2)``, computed with :class:`statistics.NormalDist`
    (Wichura 1988, algorithm AS 241, about 16 significant digits).

    Raises ``ValueError`` unless ``0 < confidence < 1``.

    Examples
    --------
    >>> round(z_value(), 6), round(z_value(confidence=0.90), 6)
    (1.959964, 1.644854)
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence lies strictly between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def normal_cdf(x: float) -> float:
    """Standard normal distribution function ``Phi(x) = P(Z <= x) = erfc(-x / sqrt 2) / 2``.

    Examples
    --------
    >>> normal_cdf(0.0), round(normal_cdf(1.959963984540054), 6)
    (0.5, 0.975)
    """
    return 0.5 * math.erfc(-x / _SQRT2)


def normal_sf(x: float) -> float:
    """Standard normal upper tail ``P(Z > x) = 1 - Phi(x) = erfc(x / sqrt 2) / 2``.

    Computed from ``erfc`` directly, so far tails keep their relative precision
    (``1 - normal_cdf(x)`` would round to 0 beyond x = 8.3).

    Examples
    --------
    >>> round(normal_sf(1.959963984540054), 6)
    0.025
    >>> normal_sf(10.0) > 0.0
    True
    """
    return 0.5 * math.erfc(x / _SQRT2)


# --------------------------------------------------------------------------- proportions


def ratio(a: float, b: float) -> float | None:
    """``a / b``, or None when ``b`` is 0 (an undefined figure is null, never NaN).

    Examples
    --------
    >>> ratio(1, 4), ratio(1, 0)
    (0.25, None)
    """
    if b == 0:
        return None
    return a / b


def wilson_interval(x: float, n: float, *,
                    confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion ``x / n``; None when ``n <= 0``.

    With ``p = x / n`` and ``z = z_value(confidence=confidence)``::

        centre = (p + z^2 / 2n) / (1 + z^2 / n)
        half   = z sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n)
        [centre - half, centre + half]

    The ends are the roots of ``(p - pi)^2 = z^2 pi (1 - pi) / n``. At the edges they are
    exact: the lower end is 0.0 when ``x == 0`` and the upper end is 1.0 when ``x == n``
    (where the subtraction would leave a rounding residue such as 5.55e-17); both ends are
    clamped to [0, 1]. ``x`` may be fractional (flows with unknown departures).

    Source: E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
    inference", JASA 22(158), 209-212; recommended by Brown, Cai & DasGupta (2001).

    Examples
    --------
    >>> wilson_interval(0, 3)[0], round(wilson_interval(0, 3)[1], 4)
    (0.0, 0.5615)
    >>> round(wilson_interval(3, 3)[0], 4), wilson_interval(3, 3)[1]
    (0.4385, 1.0)
    >>> [round(v, 4) for v in wilson_interval(30, 120)]
    [0.1811, 0.3344]
    >>> wilson_interval(0, 0) is None
    True
    """
    if n <= 0:
        return None
    z = z_value(confidence=confidence)
    p = x / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if x <= 0 else min(max(0.0, centre - half), 1.0)
    high = 1.0 if x >= n else max(min(1.0, centre + half), 0.0)
    return (low, high)


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, *,
                        confidence: float = 0.95) -> tuple[float, float] | None:
    """Newcombe's hybrid score interval of the difference ``p2 - p1``; None when a side is empty.

    With ``[l1, u1]`` and ``[l2, u2]`` the Wilson intervals of ``p1 = x1 / n1`` and
    ``p2 = x2 / n2`` at the same ``confidence`` and ``d = p2 - p1``::

        lower = d - sqrt((p2 - l2)^2 + (u1 - p1)^2)
        upper = d + sqrt((u2 - p2)^2 + (p1 - l1)^2)

    For independent samples. A one-sided 95% bound is one end at ``confidence=0.90``.

    Source: R. G. Newcombe (1998), "Interval estimation for the difference between
    independent proportions: comparison of eleven methods", Statistics in Medicine 17,
    873-890, method 10.

    Examples
    --------
    >>> [round(v, 4) for v in newcombe_difference(300, 1000, 400, 1000, confidence=0.90)]
    [0.065, 0.1347]
    >>> [round(v, 4) for v in newcombe_difference(56, 70, 48, 80)]  # Newcombe's example (a)
    [-0.3339, -0.0524]
    """
    a = wilson_interval(x1, n1, confidence=confidence)
    b = wilson_interval(x2, n2, confidence=confidence)
    if a is None or b is None:
        return None
    p1, p2 = x1 / n1, x2 / n2
    d = p2 - p1
    return (d - math.sqrt((p2 - b[0]) ** 2 + (a[1] - p1) ** 2),
            d + math.sqrt((b[1] - p2) ** 2 + (p1 - a[0]) ** 2))


def pooled_z(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Pooled two-proportion z (score) statistic of ``p2 - p1``; None when undefined.

    ``z = (p2 - p1) / sqrt(pbar (1 - pbar) (1/n1 + 1/n2))`` with
    ``pbar = (x1 + x2) / (n1 + n2)``; None when a side is empty or the table has no
    variation (``pbar`` is 0 or 1). Its square is Pearson's chi-squared statistic of the 2x2
    table without continuity correction (Agresti 2013, *Categorical Data Analysis*, 3.2.1).

    Examples
    --------
    >>> round(pooled_z(30, 100, 45, 100), 4)
    2.1909
    >>> pooled_z(0, 50, 0, 50) is None
    True
    """
    if n1 <= 0 or n2 <= 0:
        return None
    pbar = (x1 + x2) / (n1 + n2)
    var = pbar * (1.0 - pbar) * (1.0 / n1 + 1.0 / n2)
    if var <= 0.0:
        return None
    return (x2 / n2 - x1 / n1) / math.sqrt(var)


def two_proportion_test(x1: int, n1: int, x2: int, n2: int, *,
                        alternative: Alternative) -> float:
    """p-value of the pooled two-proportion z test of ``p2`` against ``p1``.

    ``alternative`` is ``"greater"`` (H1: p2 > p1, ``p = P(Z > z)``), ``"less"``
    (H1: p2 < p1, ``p = P(Z < z)``) or ``"two-sided"`` (``p = 2 P(Z > |z|)``), with ``z``
    from :func:`pooled_z`. A table with no variation (both proportions 0 or both 1) gives
    p = 1. Large-sample normal approximation; the callers require at least 5 of each outcome.

    Source: Agresti (2013), *Categorical Data Analysis*, 3rd ed., section 3.2 (the score test
    of equal proportions; the two-sided p equals Pearson's chi-squared test).

    Examples
    --------
    >>> round(two_proportion_test(30, 100, 45, 100, alternative="greater"), 5)
    0.01423
    >>> round(two_proportion_test(30, 100, 45, 100, alternative="two-sided"), 5)
    0.02846
    """
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError(f"alternative is 'greater', 'less' or 'two-sided', not {alternative!r}")
    z = pooled_z(x1, n1, x2, n2)
    if z is None:
        return 1.0
    if alternative == "greater":
        return normal_sf(z)
    if alternative == "less":
        return normal_sf(-z)
    return min(1.0, 2.0 * normal_sf(abs(z)))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in input order.

    For the ``m`` p-values sorted ascending, ``q_(i) = min over j >= i of m p_(j) / j``,
    capped at 1 (step-up, monotone). Rejecting where ``q < alpha`` controls the false
    discovery rate at ``alpha`` for independent (or positively dependent) tests.

    Source: Y. Benjamini & Y. Hochberg (1995), "Controlling the false discovery rate: a
    practical and powerful approach to multiple testing", JRSS B 57(1), 289-300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    [0.04, 0.05333333333333334, 0.05333333333333334, 0.2]
    >>> benjamini_hochberg([])
    []
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = min(running, 1.0)
    return adjusted


# ------------------------------------------------------------------------------------ NPS


@dataclass(frozen=True, slots=True)
class NpsCounts:
    """Answers of a Net Promoter survey by class; ``journeymap.model`` classifies the answers.

    Examples
    --------
    >>> NpsCounts(promoters=50, detractors=20, responses=100).passives
    30
    """

    promoters: int
    detractors: int
    responses: int

    @property
    def passives(self) -> int:
        return self.responses - self.promoters - self.detractors


def nps_score(c: NpsCounts) -> float | None:
    """Net Promoter Score ``100 (P - D) / n`` on -100..100; None without responses.

    Source: F. F. Reichheld (2003), "The one number you need to grow", Harvard Business
    Review 81(12) (promoters answer 9-10, detractors 0-6 on the 0-10 scale).

    Examples
    --------
    >>> nps_score(NpsCounts(promoters=50, detractors=20, responses=100))
    30.0
    >>> nps_score(NpsCounts(0, 0, 0)) is None
    True
    """
    if c.responses <= 0:
        return None
    return 100.0 * (c.promoters / c.responses - c.detractors / c.responses)


def _nps_se(promoters: float, detractors: float, n: float) -> float:
    p, d = promoters / n, detractors / n
    return math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)


def nps_standard_error(c: NpsCounts) -> float | None:
    """Standard error of the NPS, ``100 sqrt((p + d - (p - d)^2) / n)``; None without responses.

    ``p`` and ``d`` are the promoter and detractor shares. This is the standard deviation of
    the answers coded +1 (promoter), 0 (passive), -1 (detractor), divided by ``sqrt n``
    (multinomial variance of ``p - d``; Rocks 2016, section 2).

    Examples
    --------
    >>> round(nps_standard_error(NpsCounts(promoters=50, detractors=20, responses=100)), 3)
    7.81
    """
    if c.responses <= 0:
        return None
    return 100.0 * _nps_se(c.promoters, c.detractors, c.responses)


def nps_interval(c: NpsCounts, *, confidence: float = 0.95) -> tuple[float, float] | None:
    """Adjusted Wald interval of the NPS, clipped to -100..100; None without responses.

    Add 3 to ``n`` and 3/4 to the promoters and to the detractors, then
    ``100 (p~ - d~ -/+ z sqrt((p~ + d~ - (p~ - d~)^2) / (n + 3)))``.

    Source: B. Rocks (2016), "Interval estimation for the 'Net Promoter Score'", The American
    Statistician 70(4), 365-372 (the adjusted Wald interval, best coverage of those compared).

    Examples
    --------
    >>> [round(v, 2) for v in nps_interval(NpsCounts(promoters=50, detractors=20, responses=100))]
    [14.05, 44.2]
    >>> nps_interval(NpsCounts(promoters=5, detractors=0, responses=5))[1]
    100.0
    """
    if c.responses <= 0:
        return None
    z = z_value(confidence=confidence)
    n_adj = c.responses + 3
    pa, da = c.promoters + 0.75, c.detractors + 0.75
    centre = pa / n_adj - da / n_adj
    half = z * _nps_se(pa, da, n_adj)
    return (max(-100.0, 100 * (centre - half)), min(100.0, 100 * (centre + half)))


def nps_test(before: NpsCounts, after: NpsCounts) -> tuple[float, float] | None:
    """One-sided test that the NPS *decreased*: ``(z, p)`` with ``p = P(Z > z)``.

    ``z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)`` with the standard errors of
    :func:`nps_standard_error`, two independent samples, normal approximation (Rocks 2016,
    section 4). None when a side has no responses or both standard errors are 0.

    Examples
    --------
    >>> z, p = nps_test(NpsCounts(60, 20, 200), NpsCounts(40, 30, 200))
    >>> round(z, 4), round(p, 5)
    (2.522, 0.00583)
    """
    v1, v2 = nps_score(before), nps_score(after)
    s1, s2 = nps_standard_error(before), nps_standard_error(after)
    if v1 is None or v2 is None or s1 is None or s2 is None:
        return None
    se = math.sqrt(s1 ** 2 + s2 ** 2)
    if se == 0.0:
        return None
    z = (v1 - v2) / se
    return z, normal_sf(z)


# ----------------------------------------------------------------------------------- means


@dataclass(frozen=True, slots=True)
class MeanEstimate:
    """A mean with its standard error and interval (both None from a single answer)."""

    mean: float
    standard_error: float | None
    interval: tuple[float, float] | None


def mean_interval(counts: Mapping[int, int] | Mapping[float, int], *,
                  confidence: float = 0.95) -> MeanEstimate | None:
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


# ---------------------------------------------------------------------------------- trends
#
# Statistics of a proportion followed over many periods (``journeymap trend``): the p-chart
# with limits from each period's own n, Laney's p' when periods vary more than binomially,
# the run rules, and the Cochran-Armitage test of a monotone trend.


@dataclass(frozen=True, slots=True)
class PChart:
    """Centre line and control limits of a p-chart, one pair of limits per period.

    ``low[i]`` and ``high[i]`` are None where period i has ``n = 0``. ``sigma_z`` is Laney's
    overdispersion ratio when the limits were widened by it (None for the plain p-chart).
    """

    centre: float
    low: tuple[float | None, ...]
    high: tuple[float | None, ...]
    sigma_z: float | None = None


_D2 = 1.128
"""d2 for subgroups of two: the mean moving range of a normal sequence is 1.128 sigma
(Montgomery 2019, *Introduction to Statistical Quality Control*, 8th ed., table VI)."""


def _standardised(x: Sequence[float], n: Sequence[float]) -> tuple[float, list[float | None]]:
    total = sum(n)
    if total <= 0:
        raise ValueError("a p-chart needs at least one period with n > 0")
    if len(x) != len(n) or any(xi < 0 or xi > ni for xi, ni in zip(x, n, strict=True)):
        raise ValueError("every period needs 0 <= x <= n")
    pbar = sum(x) / total
    sigma = [math.sqrt(pbar * (1 - pbar) / ni) if ni > 0 else None for ni in n]
    return pbar, sigma


def overdispersion_ratio(x: Sequence[float], n: Sequence[float]) -> float | None:
    """Laney's sigma_z: how much more the periods vary than binomial sampling explains.

    With ``pbar = sum x / sum n``, ``sigma_i = sqrt(pbar (1 - pbar) / n_i)`` and the
    standardised points ``z_i = (x_i / n_i - pbar) / sigma_i``, ``sigma_z`` is the mean moving
    range of consecutive ``z`` divided by d2 = 1.128. About 1 when the periods differ only by
    sampling; well above 1 when the counts are so large that real between-period variation
    dominates. None with fewer than two usable periods or ``pbar`` 0 or 1 (no variation).
    Periods with ``n = 0`` are skipped.

    Source: D. B. Laney (2002), "Improved control charts for attributes", Quality
    Engineering 14(4), 531-537.

    Examples
    --------
    >>> round(overdispersion_ratio([10, 20, 10, 20], [100, 100, 100, 100]), 4)
    2.4828
    >>> overdispersion_ratio([0, 0], [10, 10]) is None
    True
    """
    pbar, sigma = _standardised(x, n)
    if pbar in (0.0, 1.0):
        return None
    z = [(xi / ni - pbar) / s for xi, ni, s in zip(x, n, sigma, strict=True) if s is not None]
    if len(z) < 2:
        return None
    ranges = [abs(z[i] - z[i - 1]) for i in range(1, len(z))]
    return sum(ranges) / len(ranges) / _D2


def p_chart(x: Sequence[float], n: Sequence[float], *, sigmas: float = 3.0,
            laney: bool = False) -> PChart:
    """p-chart of the proportions ``x_i / n_i``: centre from all periods, limits from each n_i.

    ``centre = pbar = sum x / sum n`` and ``pbar -/+ sigmas sqrt(pbar (1 - pbar) / n_i)``,
    clipped to [0, 1] (Shewhart's 3-sigma limits with variable subgroup size; Montgomery
    2019, section 7.2.2). With ``laney=True`` the half-widths are multiplied by
    :func:`overdispersion_ratio` when it exceeds 1 (Laney's p' chart, Laney 2002): limits only
    ever widen. Assumes independent customers within a period.

    Raises ``ValueError`` unless ``0 <= x_i <= n_i`` and some ``n_i > 0``.

    Examples
    --------
    >>> c = p_chart([10, 20, 15], [100, 100, 100])
    >>> c.centre, [round(v, 4) for v in c.high]
    (0.15, [0.2571, 0.2571, 0.2571])
    >>> round(p_chart([10, 20, 10, 20], [100] * 4, laney=True).high[0], 4)
    0.416
    """
    pbar, sigma = _standardised(x, n)
    factor = 1.0
    ratio_z = overdispersion_ratio(x, n) if laney else None
    if ratio_z is not None and ratio_z > 1.0:
        factor = ratio_z
    else:
        ratio_z = None
    half = [None if s is None else sigmas * s * factor for s in sigma]
    return PChart(centre=pbar,
                  low=tuple(None if h is None else max(0.0, pbar - h) for h in half),
                  high=tuple(None if h is None else min(1.0, pbar + h) for h in half),
                  sigma_z=ratio_z)


def runs_on_one_side(values: Sequence[float | None], centre: float, *,
                     length: int = 8) -> list[tuple[int, int]]:
    """Runs of at least ``length`` consecutive points strictly on one side of the centre line.

    Returns ``(first, last)`` index pairs of each maximal run. A point on the centre line or
    missing (None) breaks a run. Eight in a row is rule 4 of the Western Electric rules:
    *Statistical Quality Control Handbook* (Western Electric, 1956), part A, section 1.

    Examples
    --------
    >>> runs_on_one_side([1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 1], 2.0)
    [(2, 9)]
    >>> runs_on_one_side([3] * 7, 2.0)
    []
    """
    runs: list[tuple[int, int]] = []
    start, side = 0, 0
    for i, v in enumerate([*values, None]):
        s = 0 if v is None or v == centre else (1 if v > centre else -1)
        if s != side or s == 0:
            if side != 0 and i - start >= length:
                runs.append((start, i - 1))
            start, side = i, s
    return runs


def cochran_armitage(x: Sequence[float], n: Sequence[float],
                     scores: Sequence[float] | None = None) -> tuple[float, float] | None:
    """Cochran-Armitage test of a linear trend in proportions: ``(z, two-sided p)``.

    With scores ``t_i`` (default ``0, 1, ..., k-1``), ``N = sum n``, ``pbar = sum x / N``::

        T   = sum t_i (x_i - n_i pbar)
        V   = pbar (1 - pbar) (sum n_i t_i^2 - (sum n_i t_i)^2 / N)
        z   = T / sqrt(V),   p = 2 P(Z > |z|)

    ``z > 0`` means the proportion rises with the score. ``z^2 = N r^2`` where r is Pearson's
    correlation between the score and the 0/1 outcome over the N customers. None when ``V``
    is 0 (no variation, or all customers at one score). Assumes independent customers.

    Sources: W. G. Cochran (1954), "Some methods for strengthening the common chi-squared
    tests", Biometrics 10(4), 417-451; P. Armitage (1955), "Tests for linear trends in
    proportions and frequencies", Biometrics 11(3), 375-386.

    Examples
    --------
    >>> z, p = cochran_armitage([10, 15, 20], [100, 100, 100])
    >>> round(z, 4), round(p, 5)
    (1.9803, 0.04767)
    """
    k = len(x)
    t = list(scores) if scores is not None else [float(i) for i in range(k)]
    if len(n) != k or len(t) != k:
        raise ValueError("x, n and the scores need one value per period")
    total = sum(n)
    if total <= 0:
        return None
    pbar = sum(x) / total
    stat = sum(ti * (xi - ni * pbar) for ti, xi, ni in zip(t, x, n, strict=True))
    spread = (sum(ni * ti * ti for ti, ni in zip(t, n, strict=True))
              - sum(ni * ti for ti, ni in zip(t, n, strict=True)) ** 2 / total)
    var = pbar * (1 - pbar) * spread
    if var <= 0:
        return None
    z = stat / math.sqrt(var)
    return z, min(1.0, 2.0 * normal_sf(abs(z)))


def chi2_sf(x: float, df: int) -> float:
    """Upper tail ``P(X > x)`` of the chi-squared law with ``df`` degrees of freedom.

    ``Q(df / 2, x / 2)``, the regularised upper incomplete gamma function, by its series below
    ``a + 1`` and by Lentz's continued fraction above (Press et al. 2007, *Numerical Recipes*,
    3rd ed., section 6.2), to about 1e-14.

    Examples
    --------
    >>> round(chi2_sf(3.841458820694124, 1), 6), round(chi2_sf(18.307038053275146, 10), 6)
    (0.05, 0.05)
    >>> chi2_sf(0.0, 3)
    1.0
    """
    if df <= 0:
        raise ValueError("a chi-squared law needs df > 0")
    if x <= 0:
        return 1.0
    a, h = df / 2.0, x / 2.0
    log_front = a * math.log(h) - h - math.lgamma(a)
    if h < a + 1:  # series of the lower tail P(a, h)
        term = total = 1.0 / a
        k = a
        while abs(term) > abs(total) * 1e-16:
            k += 1
            term *= h / k
            total += term
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300  # continued fraction of Q(a, h) (modified Lentz)
    b = h + 1 - a
    c, d = 1.0 / tiny, 1.0 / b
    f = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        step = d * c
        f *= step
        if abs(step - 1) < 1e-16:
            break
    return math.exp(log_front) * f


def dispersion_test(x: Sequence[float], n: Sequence[float]) -> tuple[float, int, float] | None:
    """Chi-squared test that k proportions are equal: ``(X^2, k - 1, p)``, or None.

    ``X^2 = sum (x_i - n_i pbar)^2 / (n_i pbar (1 - pbar))`` over the periods with ``n_i > 0``,
    ``pbar = sum x / sum n``, referred to chi-squared on ``k - 1`` degrees of freedom. This is
    Pearson's test of the k x 2 table; a small p says the periods vary more than binomial
    sampling explains (overdispersion), the case for Laney's p' chart. None with fewer than two
    periods or no variation (``pbar`` 0 or 1).

    Source: W. G. Cochran (1954), "Some methods for strengthening the common chi-squared
    tests", Biometrics 10(4), 417-451, section 3 (the binomial index of dispersion).

    Examples
    --------
    >>> stat, df, p = dispersion_test([10, 20, 10, 20], [100] * 4)
    >>> round(stat, 4), df, round(p, 4)
    (7.8431, 3, 0.0494)
    """
    kept = [(xi, ni) for xi, ni in zip(x, n, strict=True) if ni > 0]
    total = sum(ni for _, ni in kept)
    if len(kept) < 2:
        return None
    pbar = sum(xi for xi, _ in kept) / total
    if pbar in (0.0, 1.0):
        return None
    stat = sum((xi - ni * pbar) ** 2 / (ni * pbar * (1 - pbar)) for xi, ni in kept)
    return stat, len(kept) - 1, chi2_sf(stat, len(kept) - 1)
