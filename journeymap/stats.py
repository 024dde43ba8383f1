"""The statistics of regression gating, in plain Python (no scipy: ``check`` must start fast).

Every function here is cross-checked against scipy and statsmodels in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "benjamini_hochberg",
    "newcombe_difference",
    "normal_sf",
    "nps_counts",
    "nps_test",
    "pooled_z",
    "two_proportion_test",
    "wilson_interval",
]


def normal_sf(z: float) -> float:
    """Upper tail of the standard normal, ``P(Z > z) = erfc(z / sqrt 2) / 2``.

    >>> round(normal_sf(1.959963984540054), 6)
    0.025
    """
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def pooled_z(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-proportion pooled z (score) statistic of ``p2 - p1``, or None when undefined.

    ``z = (p2 - p1) / sqrt(pbar (1 - pbar) (1/n1 + 1/n2))`` with ``pbar = (x1 + x2) / (n1 + n2)``.
    Its square is Pearson's chi-squared of the 2x2 table *without* continuity correction.

    >>> round(pooled_z(30, 100, 45, 100), 4)
    2.1909
    """
    if n1 <= 0 or n2 <= 0:
        return None
    pbar = (x1 + x2) / (n1 + n2)
    var = pbar * (1.0 - pbar) * (1.0 / n1 + 1.0 / n2)
    if var <= 0.0:
        return None
    return (x2 / n2 - x1 / n1) / math.sqrt(var)


def two_proportion_test(x1: int, n1: int, x2: int, n2: int, *, alternative: str) -> float:
    """One-sided p-value of the pooled z test; ``alternative`` is ``"greater"`` (p2 > p1) or ``"less"``.

    A table with no variation (both proportions 0 or both 1) gives p = 1.

    >>> round(two_proportion_test(30, 100, 45, 100, alternative="greater"), 5)
    0.01423
    """
    z = pooled_z(x1, n1, x2, n2)
    if z is None:
        return 1.0
    return normal_sf(z) if alternative == "greater" else normal_sf(-z)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1), in input order.

    ``adj_(i) = min over j >= i of m p_(j) / j`` for the sorted p-values; reject where
    ``adj < q`` controls the false discovery rate at q.

    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    [0.04, 0.05333333333333334, 0.05333333333333334, 0.2]
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


def wilson_interval(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float] | None:
    """Wilson score interval of a proportion ``x / n`` (None when ``n = 0``).

    >>> [round(v, 4) for v in wilson_interval(0, 20)]
    [0.0, 0.1611]
    """
    if n <= 0:
        return None
    p = x / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def nps_counts(responses: dict[int, int]) -> tuple[int, int, int]:
    """``(promoters, detractors, n)`` of answers on the 0-10 scale (promoters 9-10, detractors 0-6).

    >>> nps_counts({10: 5, 9: 5, 8: 4, 6: 3, 0: 3})
    (10, 6, 20)
    """
    n = sum(responses.values())
    promoters = sum(c for a, c in responses.items() if a >= 9)
    detractors = sum(c for a, c in responses.items() if a <= 6)
    return promoters, detractors, n


def nps_value_se(promoters: int, detractors: int, n: int) -> tuple[float, float] | None:
    """NPS (-100..100) and its standard error ``100 sqrt((p + d - (p - d)^2) / n)``.

    >>> nps_value_se(10, 6, 20)
    (20.0, 19.493588689617926)
    """
    if n <= 0:
        return None
    p, d = promoters / n, detractors / n
    return 100.0 * (p - d), 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)


def nps_test(before: tuple[int, int, int], after: tuple[int, int, int]) -> tuple[float, float] | None:
    """One-sided test that NPS *decreased*: ``z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)``.

    Returns ``(z, p)``; None when a side has no responses or both standard errors are 0.
    """
    a, b = nps_value_se(*before), nps_value_se(*after)
    if a is None or b is None:
        return None
    se = math.sqrt(a[1] ** 2 + b[1] ** 2)
    if se == 0.0:
        return None
    z = (a[0] - b[0]) / se
    return z, normal_sf(z)


Z_ONE_SIDED_95 = 1.6448536269514722


def newcombe_difference(x1: int, n1: int, x2: int, n2: int,
                        z: float = Z_ONE_SIDED_95) -> tuple[float, float] | None:
    """Newcombe's hybrid score interval (method 10) for ``p2 - p1``, from two Wilson intervals.

    ``lower = d - sqrt((p2 - l2)^2 + (u1 - p1)^2)``, ``upper = d + sqrt((u2 - p2)^2 +
    (p1 - l1)^2)``. With the default z each bound is a one-sided 95% bound.

    >>> [round(v, 4) for v in newcombe_difference(300, 1000, 400, 1000)]
    [0.065, 0.1347]
    """
    a, b = wilson_interval(x1, n1, z), wilson_interval(x2, n2, z)
    if a is None or b is None:
        return None
    p1, p2 = x1 / n1, x2 / n2
    d = p2 - p1
    return (d - math.sqrt((p2 - b[0]) ** 2 + (a[1] - p1) ** 2),
            d + math.sqrt((b[1] - p2) ** 2 + (p1 - a[0]) ** 2))
