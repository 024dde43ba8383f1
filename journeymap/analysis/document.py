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


def _rounded(value: Any, digits: int) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _number(value, digits)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _rounded(getattr(value, f.name), digits) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, Mapping):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_rounded(v, digits) for v in value)
    kind = getattr(value, "dtype", None)
    if kind is not None and kind.kind in "iu":
        return int(value)
    if kind is not None and kind.kind == "b":
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
    if hasattr(value, "to_json") and not isinstance(value, type):
        return to_document(value.to_json())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
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
