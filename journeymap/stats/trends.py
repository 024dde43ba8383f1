"""Statistics of a proportion followed over many periods (``journeymap trend``): the p-chart
with limits from each period's own n, Laney's p' when periods vary more than binomially,
the run rules, the Cochran-Armitage test of a monotone trend and the chi-squared test of
dispersion."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from journeymap.stats.distributions import chi2_sf
from journeymap.stats.normal import normal_sf


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
