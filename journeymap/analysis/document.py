"""The JSON form of the analysis' typed results: one rounding, one serializer.

:func:`rounded` rounds every float of a result to 10 significant digits once, when the
analysis ends; :func:`to_document` writes a result as JSON-ready values. Field ``metadata``
steers the serializer: ``json`` renames a key (``from_`` is ``"from"``), ``omit_none`` leaves a
None out.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Hop:
...     from_: str = field(metadata={"json": "from"})
...     share: float | None = None
>>> to_document(rounded(Hop("a", 1 / 3)))
{'from': 'a', 'share': 0.3333333333}
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import field  # noqa: F401 - used by the doctest
from typing import Any, TypeVar

T = TypeVar("T")


def rounded(value: T, digits: int = 10) -> T:
    """A copy with every float rounded to ``digits`` significant digits, NaN and infinities
    None, numpy scalars Python numbers; dataclasses, tuples and mappings are copied through.

    >>> rounded({"a": float("nan"), "b": (0.1 + 0.2, 3)})
    {'a': None, 'b': (0.3, 3)}
    """
    out: Any = _rounded(value, digits)
    return out  # type: ignore[no-any-return]


_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _fields(kind: type) -> tuple[dataclasses.Field[Any], ...] | None:
    """The dataclass fields of a class (cached: a large analysis has 300,000 values), or None."""
    found = _FIELDS.get(kind)
    if found is None:
        if not dataclasses.is_dataclass(kind):
            return None
        found = _FIELDS[kind] = dataclasses.fields(kind)
    return found


def _rounded(value: Any, digits: int) -> Any:
    kind = type(value)
    if kind is float:
        return _number(value, digits)
    if value is None or kind is str or kind is bool:
        return value
    if kind is int:
        return value
    fields = _fields(kind)
    if fields is not None:
        # a copy with the rounded values, as dataclasses.replace without re-running __init__:
        # the values are the same numbers, rounded, so the checks in __post_init__ still hold
        copy = object.__new__(kind)
        for f in fields:
            object.__setattr__(copy, f.name, _rounded(getattr(value, f.name), digits))
        return copy
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _number(value, digits)
    if isinstance(value, Mapping):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_rounded(v, digits) for v in value)
    dtype = getattr(value, "dtype", None)
    if dtype is not None and dtype.kind in "iu":
        return int(value)
    if dtype is not None and dtype.kind == "b":
        return bool(value)
    return _number(float(value), digits)


def _number(f: float, digits: int) -> float | None:
    if not math.isfinite(f):
        return None
    if f == 0:
        return 0.0
    return float(f"{f:.{digits}g}")


def to_document(value: Any) -> Any:
    """The JSON form of a result: the one serializer of the analysis.

    Dataclasses become objects in field order (``metadata`` ``json`` renames a key,
    ``omit_none`` drops a None), tuples become lists, mapping keys strings. Numbers are
    written as they are (:func:`rounded` rounded them when the analysis ended). A part whose
    keys depend on which inputs a map declares (``metrics``) gives its form by ``to_json()``.
    """
    kind = type(value)
    if kind is float or kind is int or kind is str or value is None or kind is bool:
        return value
    if hasattr(value, "to_json") and not isinstance(value, type):
        return to_document(value.to_json())
    fields = _fields(kind)
    if fields is not None:
        out: dict[str, Any] = {}
        for f in fields:
            item = getattr(value, f.name)
            if item is None and f.metadata.get("omit_none"):
                continue
            out[f.metadata.get("json", f.name)] = to_document(item)
        return out
    if isinstance(value, Mapping):
        return {str(k): to_document(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_document(v) for v in value]
    return value
