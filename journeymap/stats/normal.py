"""The normal law: its two-sided quantile, distribution function and upper tail, and the
spelling of a test's alternative."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Literal

Alternative = Literal["greater", "less", "two-sided"]
"""The alternative hypothesis of a test, spelled as ``scipy.stats`` spells it."""


_SQRT2 = math.sqrt(2.0)


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
