"""Built-in lint (JM2xx): always on; each can be disabled per map, stage or touchpoint with a reason.

.. code-block:: yaml

    checks:
      lint:
        disable:
          - {code: JM207, touchpoint: faq, reason: the FAQ pains are tracked in JIRA-123}
        assumption_max_age_days: 90
"""

from __future__ import annotations

# isort: off
# the checks register in the order of these imports (JM201-JM209): the order of docs/checks.md
from journeymap.checks.lint.structure import dead_end, empty_stage, no_goal_reachable, unreachable
from journeymap.checks.lint.evidence import (
    DEFAULT_ASSUMPTION_MAX_AGE_DAYS,
    pain_without_opportunity,
    stale_assumption,
    unsupported_emotion,
)
from journeymap.checks.lint.flow import (
    RESIDUAL_ERROR,
    RESIDUAL_WARN,
    flow_conservation,
    non_absorbing,
)

# isort: on

__all__ = [
    "DEFAULT_ASSUMPTION_MAX_AGE_DAYS",
    "RESIDUAL_ERROR",
    "RESIDUAL_WARN",
    "dead_end",
    "empty_stage",
    "flow_conservation",
    "no_goal_reachable",
    "non_absorbing",
    "pain_without_opportunity",
    "stale_assumption",
    "unreachable",
    "unsupported_emotion",
]
