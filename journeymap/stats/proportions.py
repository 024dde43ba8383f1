"""Proportions: the Wilson interval, Newcombe's difference, the pooled z test, the Katz interval
of a relative lift and Fisher's exact test."""

from __future__ import annotations

import math

from journeymap.stats.normal import Alternative, normal_sf, z_value


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
