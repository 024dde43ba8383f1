"""The Net Promoter Score, its standard error, interval and two-sample test."""

from __future__ import annotations

import math
from dataclasses import dataclass

from journeymap.stats.normal import normal_sf, z_value


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
