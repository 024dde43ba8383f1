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
    "Sequential",
    "WelchDifference",
    "benjamini_hochberg",
    "chance_to_beat",
    "chi2_sf",
    "chi_square_goodness_of_fit",
    "cochran_armitage",
    "dispersion_test",
    "fisher_exact",
    "holm",
    "incomplete_beta_regularized",
    "katz_ratio_interval",
    "mean_interval",
    "msprt_two_proportions",
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
    "quantile",
    "ratio",
    "runs_on_one_side",
    "student_t_quantile",
    "student_t_sf",
    "two_proportion_sample_size",
    "two_proportion_test",
    "upper_gamma_regularized",
    "welch_difference",
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


def wilson_interval(x: float, n: float, *, confidence: float = 0.95) -> tuple[float, float] | None:
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


def newcombe_difference(
    x1: int, n1: int, x2: int, n2: int, *, confidence: float = 0.95
) -> tuple[float, float] | None:
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
    return (
        d - math.sqrt((p2 - b[0]) ** 2 + (a[1] - p1) ** 2),
        d + math.sqrt((b[1] - p2) ** 2 + (p1 - a[0]) ** 2),
    )


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


def two_proportion_test(x1: int, n1: int, x2: int, n2: int, *, alternative: Alternative) -> float:
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
    se = math.sqrt(s1**2 + s2**2)
    if se == 0.0:
        return None
    z = (v1 - v2) / se
    return z, normal_sf(z)


# ------------------------------------------------------------------------------- quantiles


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


# ----------------------------------------------------------------------------------- means


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


def p_chart(
    x: Sequence[float], n: Sequence[float], *, sigmas: float = 3.0, laney: bool = False
) -> PChart:
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
    return PChart(
        centre=pbar,
        low=tuple(None if h is None else max(0.0, pbar - h) for h in half),
        high=tuple(None if h is None else min(1.0, pbar + h) for h in half),
        sigma_z=ratio_z,
    )


def runs_on_one_side(
    values: Sequence[float | None], centre: float, *, length: int = 8
) -> list[tuple[int, int]]:
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


def cochran_armitage(
    x: Sequence[float], n: Sequence[float], scores: Sequence[float] | None = None
) -> tuple[float, float] | None:
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
    spread = (
        sum(ni * ti * ti for ti, ni in zip(t, n, strict=True))
        - sum(ni * ti for ti, ni in zip(t, n, strict=True)) ** 2 / total
    )
    var = pbar * (1 - pbar) * spread
    if var <= 0:
        return None
    z = stat / math.sqrt(var)
    return z, min(1.0, 2.0 * normal_sf(abs(z)))


def chi2_sf(x: float, df: int) -> float:
    """Upper tail ``P(X > x)`` of the chi-squared law with ``df`` degrees of freedom.

    ``Q(df / 2, x / 2)``, the regularised upper incomplete gamma function
    (:func:`upper_gamma_regularized`).

    Examples
    --------
    >>> round(chi2_sf(3.841458820694124, 1), 6), round(chi2_sf(18.307038053275146, 10), 6)
    (0.05, 0.05)
    >>> chi2_sf(0.0, 3)
    1.0
    """
    if df <= 0:
        raise ValueError("a chi-squared law needs df > 0")
    return upper_gamma_regularized(df / 2.0, x / 2.0)


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


# ----------------------------------------------------------------------------- experiments
# The readout of A/B and multi-arm experiments (journeymap.analysis.experiment, issue 10).


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values, in input order.

    For the ``m`` p-values sorted ascending, ``adj_(i) = max over j <= i of
    min(1, (m - j + 1) p_(j))``. Rejecting where ``adj < alpha`` controls the family-wise
    error rate at ``alpha`` under any dependence (the arms of one experiment share a control).

    Source: S. Holm (1979), "A simple sequentially rejective multiple test procedure",
    Scandinavian Journal of Statistics 6(2), 65-70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    >>> holm([])
    []
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def katz_ratio_interval(
    x1: int, n1: int, x2: int, n2: int, *, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Katz log interval of the relative lift ``p2 / p1 - 1``; None when a count is 0.

    ``r = p2 / p1``, ``se(log r) = sqrt(1/x2 - 1/n2 + 1/x1 - 1/n1)`` and the interval
    ``exp(log r -/+ z se) - 1``; undefined when ``x1`` or ``x2`` is 0 (log of 0).

    Source: D. Katz, J. Baptista, S. P. Azen & M. C. Pike (1978), "Obtaining confidence
    intervals for the risk ratio in cohort studies", Biometrics 34(3), 469-474; statsmodels
    ``confint_proportions_2indep(compare="ratio", method="log")``.

    Examples
    --------
    >>> [round(v, 4) for v in katz_ratio_interval(100, 1000, 130, 1000)]
    [0.017, 0.6618]
    >>> katz_ratio_interval(0, 10, 3, 10) is None
    True
    """
    if min(x1, x2) <= 0 or n1 <= 0 or n2 <= 0:
        return None
    log_r = math.log((x2 / n2) / (x1 / n1))
    se = math.sqrt(max(1 / x2 - 1 / n2 + 1 / x1 - 1 / n1, 0.0))
    z = z_value(confidence=confidence)
    return (math.exp(log_r - z * se) - 1.0, math.exp(log_r + z * se) - 1.0)


def _log_hypergeom(k: int, row1: int, row2: int, col1: int) -> float:
    """``log P(X = k)`` for X ~ hypergeometric: ``k`` of ``col1`` draws from row 1."""

    def log_comb(n: int, r: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(r + 1) - math.lgamma(n - r + 1)

    return log_comb(row1, k) + log_comb(row2, col1 - k) - log_comb(row1 + row2, col1)


def fisher_exact(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test of the 2x2 table ``[[x1, n1-x1], [x2, n2-x2]]``.

    Conditional on the margins, ``x1`` is hypergeometric; the p-value is the sum of
    ``P(X = k)`` over every table with ``P(X = k) <= P(X = x1)`` (times ``1 + 1e-7``, the
    relative tolerance ``scipy.stats.fisher_exact`` uses against rounding), capped at 1.

    Source: R. A. Fisher (1935), "The logic of inductive inference", JRSS 98(1), 39-82;
    Agresti (2013), *Categorical Data Analysis*, 3rd ed., section 3.5.

    Examples
    --------
    >>> round(fisher_exact(1, 10, 6, 10), 5)
    0.05728
    >>> fisher_exact(0, 5, 0, 5)
    1.0
    """
    col1 = x1 + x2
    lo, hi = max(0, col1 - n2), min(n1, col1)
    observed = _log_hypergeom(x1, n1, n2, col1)
    cut = observed + math.log1p(1e-7)
    total = sum(
        math.exp(lp) for k in range(lo, hi + 1) if (lp := _log_hypergeom(k, n1, n2, col1)) <= cut
    )
    return min(1.0, total)


def upper_gamma_regularized(a: float, x: float) -> float:
    """Regularised upper incomplete gamma ``Q(a, x) = Gamma(a, x) / Gamma(a)``, ``a > 0``.

    The series ``P(a, x) = e^-x x^a / Gamma(a) sum x^n / (a (a+1) ... (a+n))`` when
    ``x < a + 1``, else the continued fraction of ``Q`` by the modified Lentz method, both to
    relative precision 1e-15 (Press et al. 2007, *Numerical Recipes*, 3rd ed., section 6.2).

    Examples
    --------
    >>> round(upper_gamma_regularized(1.0, 2.0), 12) == round(math.exp(-2.0), 12)
    True
    >>> upper_gamma_regularized(2.5, 0.0)
    1.0
    """
    if a <= 0:
        raise ValueError("a is positive")
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-16:
            n += 1
            term *= x / n
            total += term
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return min(1.0, math.exp(log_front) * h)


def chi_square_goodness_of_fit(
    observed: Sequence[int], expected_shares: Sequence[float]
) -> tuple[float, float]:
    """Pearson's chi-square goodness of fit: ``(statistic, p_value)``.

    ``E_i = N s_i / sum s`` with ``N = sum O_i``; ``X^2 = sum (O_i - E_i)^2 / E_i`` and
    ``p = Q((k - 1)/2, X^2/2)`` (chi-square with ``k - 1`` degrees of freedom, through
    :func:`upper_gamma_regularized`). Used for sample ratio mismatch: the customers per arm
    against the planned split.

    Source: K. Pearson (1900), Philosophical Magazine 50(302), 157-175; Fabijan et al. (2019),
    "Diagnosing sample ratio mismatch in online controlled experiments", KDD '19.

    Examples
    --------
    >>> x2, p = chi_square_goodness_of_fit([5100, 4900], [0.5, 0.5])
    >>> x2, round(p, 6)
    (4.0, 0.0455)
    """
    if len(observed) != len(expected_shares) or len(observed) < 2:
        raise ValueError("two or more categories, one share each")
    total, share = sum(observed), sum(expected_shares)
    if total <= 0 or share <= 0:
        return 0.0, 1.0
    stat = sum(
        (o - total * s / share) ** 2 / (total * s / share)
        for o, s in zip(observed, expected_shares, strict=True)
    )
    return stat, upper_gamma_regularized((len(observed) - 1) / 2, stat / 2)


@dataclass(frozen=True, slots=True)
class Sequential:
    """An always-valid p-value and confidence sequence of ``p2 - p1`` (mixture SPRT)."""

    p_value: float
    interval: tuple[float, float]


def msprt_two_proportions(
    x1: int, n1: int, x2: int, n2: int, *, tau: float, alpha: float = 0.05
) -> Sequential | None:
    """Mixture SPRT of ``p2 - p1 = 0`` with a normal ``N(0, tau^2)`` mixing distribution.

    With ``d = p2 - p1`` and its variance ``s^2 = p1 q1 / n1 + p2 q2 / n2`` (normal
    approximation of each arm), the mixture likelihood ratio of ``theta`` is::

        L(theta) = sqrt(s^2 / (s^2 + tau^2)) exp(tau^2 (d - theta)^2 / (2 s^2 (s^2 + tau^2)))

    The always-valid p-value is ``min(1, 1 / L(0))`` and the confidence sequence is every
    ``theta`` with ``L(theta) < 1 / alpha``::

        d -/+ sqrt(s^2 (s^2 + tau^2) / tau^2 (2 log(1/alpha) + log((s^2 + tau^2) / s^2)))

    By Ville's inequality ``P(L_n(theta) >= 1/alpha for some n) <= alpha`` under ``theta``, so
    the readout can be looked at after every customer without inflating false positives.
    ``p < alpha`` exactly when 0 is outside the sequence. None when ``s^2`` is 0 (no variation).
    With one look per arm size ``n`` per arm this is the statistic of Johari et al. for
    ``s^2 = (p1 q1 + p2 q2) / n``.

    Source: R. Johari, P. Koomen, L. Pekelis & D. Walsh (2017), "Peeking at A/B tests: why it
    matters, and what to do about it", KDD '17, 1517-1525 (and Johari, Pekelis & Walsh,
    "Always valid inference", Operations Research 70(3), 2022); H. Robbins (1970).

    Examples
    --------
    >>> s = msprt_two_proportions(100, 1000, 150, 1000, tau=0.02)
    >>> round(s.p_value, 5), [round(v, 4) for v in s.interval]
    (0.04072, [0.0014, 0.0986])
    """
    if n1 <= 0 or n2 <= 0 or tau <= 0:
        return None
    p1, p2 = x1 / n1, x2 / n2
    s2 = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    if s2 <= 0:
        return None
    t2 = tau * tau
    d = p2 - p1
    log_l = 0.5 * math.log(s2 / (s2 + t2)) + t2 * d * d / (2 * s2 * (s2 + t2))
    p = 1.0 if log_l <= 0 else math.exp(-log_l)
    half = math.sqrt(s2 * (s2 + t2) / t2 * (2 * math.log(1 / alpha) + math.log((s2 + t2) / s2)))
    return Sequential(p, (d - half, d + half))


def two_proportion_sample_size(
    p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8
) -> int | None:
    """Customers per arm for a two-sided test of ``p1`` against ``p2`` (equal arms).

    ``n = (z_(1-alpha/2) sqrt(2 pbar qbar) + z_(power) sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2``
    with ``pbar = (p1 + p2) / 2``, rounded up; None when ``p1 == p2``. The normal
    approximation without continuity correction (the pooled variance under the null, the
    separate variances under the alternative).

    Source: J. L. Fleiss, B. Levin & M. C. Paik (2003), *Statistical Methods for Rates and
    Proportions*, 3rd ed., equation 4.14; statsmodels ``samplesize_proportions_2indep_onetail``.

    Examples
    --------
    >>> two_proportion_sample_size(0.10, 0.11)
    14751
    """
    if p1 == p2:
        return None
    pbar = (p1 + p2) / 2
    za = z_value(confidence=1 - alpha)
    zb = NormalDist().inv_cdf(power)
    n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
    return math.ceil(n / (p1 - p2) ** 2 - 1e-9)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def chance_to_beat(x1: int, n1: int, x2: int, n2: int) -> float:
    """``P(p2 > p1)`` for independent ``Beta(1 + x, 1 + n - x)`` posteriors (uniform priors).

    With ``a_k = 1 + x_k`` and ``b_k = 1 + n_k - x_k``, exactly::

        P(p2 > p1) = sum_(i=0)^(a2-1) B(a1 + i, b1 + b2) / ((b2 + i) B(1 + i, b2) B(a1, b1))

    summed in log space (``lgamma``); no random draws, so the figure is deterministic. The sum
    runs over the arm with the fewer successes (``P(p2 > p1) = 1 - P(p1 > p2)``).

    Source: E. Miller (2015), "Formulas for Bayesian A/B testing"
    (evanmiller.org/bayesian-ab-testing.html); J. Cook (2005), "Exact calculation of beta
    inequalities", UT MD Anderson technical report.

    Examples
    --------
    >>> round(chance_to_beat(5, 10, 5, 10), 12)
    0.5
    >>> round(chance_to_beat(100, 1000, 130, 1000), 4)
    0.9822
    """
    a1, b1, a2, b2 = 1 + x1, 1 + n1 - x1, 1 + x2, 1 + n2 - x2
    if a2 > a1:
        return 1.0 - chance_to_beat(x2, n2, x1, n1)
    base = _log_beta(a1, b1)
    total = math.fsum(
        math.exp(_log_beta(a1 + i, b1 + b2) - math.log(b2 + i) - _log_beta(1 + i, b2) - base)
        for i in range(a2)
    )
    return min(1.0, max(0.0, total))


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta, modified Lentz (Numerical Recipes 6.4)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1 / (tiny if abs(d) < tiny else d)
    h = d
    for m in range(1, 10_000):
        for num in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + num * d
            d = 1 / (tiny if abs(d) < tiny else d)
            c = 1 + num / c
            c = tiny if abs(c) < tiny else c
            h *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return h


def incomplete_beta_regularized(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta ``I_x(a, b)``, ``a, b > 0``, ``0 <= x <= 1``.

    ``I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * CF`` with the continued fraction evaluated
    by the modified Lentz method, using the symmetry ``I_x(a, b) = 1 - I_(1-x)(b, a)`` when
    ``x > (a + 1) / (a + b + 2)`` (Press et al. 2007, *Numerical Recipes*, 3rd ed., 6.4).

    Examples
    --------
    >>> round(incomplete_beta_regularized(1.0, 1.0, 0.3), 12), incomplete_beta_regularized(2, 3, 1)
    (0.3, 1.0)
    """
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1 - x) / b


def student_t_sf(t: float, df: float) -> float:
    """``P(T > t)`` for Student's t with ``df > 0`` degrees of freedom (``df`` may be fractional).

    ``P(|T| > |t|) = I_(df / (df + t^2))(df / 2, 1 / 2)`` (Abramowitz and Stegun 26.7.1 with
    26.5.27), halved for one tail; for ``t^2 < df`` the complement
    ``1 - I_(t^2 / (df + t^2))(1 / 2, df / 2)``, which keeps its precision near ``t = 0``.

    >>> round(student_t_sf(0.0, 5), 12), round(student_t_sf(2.015048373, 5), 6)
    (0.5, 0.05)
    """
    if t * t < df:
        tail = 0.5 - 0.5 * incomplete_beta_regularized(0.5, df / 2, t * t / (df + t * t))
    else:
        tail = 0.5 * incomplete_beta_regularized(df / 2, 0.5, df / (df + t * t))
    return tail if t >= 0 else 1.0 - tail


def student_t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (``0 < p < 1``): :func:`student_t_sf` inverted by
    bisection to 1e-13 (deterministic; the normal quantile bounds the search).

    >>> round(student_t_quantile(0.975, 10), 6), abs(student_t_quantile(0.5, 3)) < 1e-12
    (2.228139, True)
    """
    if not 0 < p < 1:
        raise ValueError("p is in (0, 1)")
    lo, hi = -1.0, 1.0
    while 1 - student_t_sf(lo, df) > p:
        lo *= 2
    while 1 - student_t_sf(hi, df) < p:
        hi *= 2
    while hi - lo > 1e-13 * max(1.0, abs(hi)):
        mid = (lo + hi) / 2
        if 1 - student_t_sf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


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
