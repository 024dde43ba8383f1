"""Clean numbers for the JSON documents of the analysis (the statistics are :mod:`journeymap.stats`)."""

from __future__ import annotations

import math
from typing import Any


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
