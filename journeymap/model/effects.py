"""Effects written as text: a relative lift ``10%``, percentage points ``1.5pp``, signed ``-5pp``.

The one parser of these forms, for experiments' minimum detectable effects and tolerances and
for opportunities' expected effects.
"""

import re
from typing import Final

EFFECT_PATTERN: Final = r"^\d+(\.\d+)?(%|pp)$"
"""A minimum detectable effect: a relative lift (``10%``) or absolute percentage points (``1.5pp``)."""


def parse_effect(text: str) -> tuple[float, bool]:
    """``(fraction, relative)`` of a minimum detectable effect.

    >>> parse_effect("10%"), parse_effect("1.5pp")
    ((0.1, True), (0.015, False))
    """
    if not re.fullmatch(EFFECT_PATTERN, text):
        raise ValueError(f"'{text}' is a relative lift such as 10% or points such as 1.5pp")
    relative = text.endswith("%")
    return float(text[:-1] if relative else text[:-2]) / 100, relative


def parse_signed_effect(text: str) -> tuple[float, bool]:
    """``(fraction, relative)`` of an effect with an optional sign: ``-5pp``, ``+10%``.

    The sign is the only addition to :func:`parse_effect` (the one parser of ``10%`` and
    ``1.5pp``).

    >>> parse_signed_effect("-5pp"), parse_signed_effect("+10%"), parse_signed_effect("10%")
    ((-0.05, False), (0.1, True), (0.1, True))
    """
    sign = -1.0 if text.startswith("-") else 1.0
    fraction, relative = parse_effect(text[1:] if text[:1] in "+-" else text)
    return sign * fraction, relative
