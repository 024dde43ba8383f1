"""Declared limits (JM1xx): the ``checks:`` block of a map (design section 3.3).

A limit is ``{min: x}`` or ``{max: x}`` with ``severity: error|warning`` (default error) and
``on: point|interval`` (default point). ``on: interval`` tests the conservative end of the
figure's interval, so noise does not fail a build: a ``max`` fails only when even the low end
is above it, a ``min`` only when even the high end is below it. A figure that cannot be
computed (no data, no goal, a 0/0) is an error finding, never a silent pass.

Units: rates are fractions 0..1; NPS is -100..100; CSAT is a percentage 0..100; CES is on its
declared scale; values are in the map's currency.

Where findings point: a limit under ``checks.touchpoints.<id>`` or ``checks.stages.<id>`` and
every map-level limit point at the line that declares the limit; a top-level touchpoint
default (``checks.drop_off`` ...) points at each touchpoint it fails on.
"""

from __future__ import annotations

# isort: off
# the checks register in the order of these imports (JM101-JM105, JM111-JM116, JM121): the
# order of docs/checks.md and of every report
from journeymap.checks.limits.base import Figure, _tp_limits, judge
from journeymap.checks.limits.map_level import (
    conversion,
    coverage,
    flow_residual,
    total_lost_value,
    undeclared_share,
)
from journeymap.checks.limits.touchpoints import drop_off, lost_value
from journeymap.checks.limits.surveys import ces, csat, nps, responses
from journeymap.checks.limits.stages import reach

# isort: on

__all__ = [
    "Figure",
    "_tp_limits",
    "ces",
    "conversion",
    "coverage",
    "csat",
    "drop_off",
    "flow_residual",
    "judge",
    "lost_value",
    "nps",
    "reach",
    "responses",
    "total_lost_value",
    "undeclared_share",
]
