"""Small statistics: normal quantiles, Wilson score intervals, clean numbers for JSON.

Only the standard library and numpy: ``journeymap check`` must start fast, so scipy.stats is
not imported here.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile for a confidence level.

    >>> round(z_value(0.95), 6)
    1.959964
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence lies strictly between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int | float, n: int | float,
                    confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion ``successes / n``; None when ``n == 0``.

    ``centre = (p + z²/2n) / (1 + z²/n)``, ``half = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)``.
    The lower end is exactly 0 when ``successes == 0`` and the upper end exactly 1 when
    ``successes == n`` (where the Wald interval collapses to a point).

    >>> wilson_interval(0, 12)[0], round(wilson_interval(0, 12)[1], 4)
    (0.0, 0.2425)
    >>> [round(x, 4) for x in wilson_interval(30, 120)]
    [0.1811, 0.3344]
    """
    if n <= 0:
        return None
    z = z_value(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return (low, high)


def ratio(a: float, b: float) -> float | None:
    """``a / b``, or None when ``b`` is 0 (an undefined figure is null, never NaN).

    >>> ratio(1, 4), ratio(1, 0)
    (0.25, None)
    """
    if b == 0:
        return None
    return a / b


def clean(value: Any, digits: int = 10) -> Any:
    """JSON-ready copy: numpy scalars to Python, floats to ``digits`` significant digits,
    NaN and infinities to None, tuples to lists; dict keys keep their order.

    >>> clean({"a": float("nan"), "b": (0.1 + 0.2, 3)})
    {'a': None, 'b': [0.3, 3]}
    """
    kind = type(value)
    if kind is float:
        return _number(value, digits)
    if kind is dict:
        return {str(k): clean(v, digits) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [clean(v, digits) for v in value]
    if value is None or kind is str or kind is bool or kind is int:
        return value
    if isinstance(value, dict):
        return {str(k): clean(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v, digits) for v in value]
    if isinstance(value, (bool, str, int)):
        return value
    try:
        import numpy as np

        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.bool_):
            return bool(value)
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    return _number(float(value), digits)


def _number(f: float, digits: int) -> float | None:
    if not math.isfinite(f):
        return None
    if f == 0:
        return 0.0
    return float(f"{f:.{digits}g}")
