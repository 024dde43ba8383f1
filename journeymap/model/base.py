"""The building blocks every section of the map format shares.

The frozen base model (no unknown keys), the id, text and number types that fields are written
in, and the default factories of list and dict fields.
"""

from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

ID_PATTERN = r"^[\w][\w.\-]*$"
Id = Annotated[str, Strict(), StringConstraints(pattern=ID_PATTERN, max_length=200)]
Text = Annotated[str, Strict(), StringConstraints(max_length=20_000)]
ShortText = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=500)]
Count = Annotated[int, Strict(), Field(ge=0)]
"""A whole, non-negative number of customers or transitions. ``yes``, ``1.5`` and ``.nan`` are refused."""
MAX_MAGNITUDE: Final = 1e15
"""The largest magnitude of a number a map declares (money, durations, scale bounds, limits).

Below 2**53 (about 9.007e15), so whole units stay exact in a float, and sums and products over
millions of samples or 40-digit counts stay far from float overflow (``fsum`` of ``1e308``
samples overflowed; a scale ``[-1e308, 1e308]`` has an infinite width)."""
Number = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, le=MAX_MAGNITUDE, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


def _empty_list() -> list[Any]:
    """``Field(default_factory=list)`` in Python: pydantic asks each factory for its signature
    (does it take the validated data?), and ``inspect.signature`` of a builtin type parses its
    text signature, about 0.2 ms each, 33 times at import (issue 14, start-up)."""
    return []


def _empty_dict() -> dict[Any, Any]:
    """``Field(default_factory=dict)`` in Python (see :func:`_empty_list`)."""
    return {}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
