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


# The flow counts a touchpoint carries both on a map and in an overlay, defined once (the map's
# touchpoint and the overlay's declare them with these, so their meaning, check and schema help
# cannot drift apart).


def exits_field() -> Any:
    """``exits``: customers who leave at the touchpoint."""
    return Field(
        None,
        description="Customers who leave the journey here (derived when not written)",
        examples=[300],
    )


def unknown_field() -> Any:
    """``unknown``: departures to a destination that is not known."""
    return Field(
        None,
        description="Departures whose destination is not known (for example an untracked channel)",
        examples=[50],
    )


def in_progress_field() -> Any:
    """``in_progress``: customers censored at the end of the period."""
    return Field(
        None,
        description="Customers still on their way at the end of the period (censored, never counted as lost)",
        examples=[20],
    )


def customers_field() -> Any:
    """``customers``: distinct customers at the touchpoint."""
    return Field(
        None,
        description="Unique customers at this touchpoint (usually from event logs)",
        examples=[740],
    )


def returns_field() -> Any:
    """``returns``: the transitions of ``next`` that happen in a later session."""
    return Field(
        default_factory=_empty_dict,
        description="{id: count}: how many of the transitions in next happen in a later session",
        examples=[{"checkout": 40}],
    )
