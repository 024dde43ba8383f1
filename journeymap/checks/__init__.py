"""CI checks: declared limits (JM1xx), built-in lint (JM2xx) and regression gating (JM3xx).

Each check is a registered unit with a code, a dotted name, a default severity and a docstring
with a failing and a passing example (``docs/checks.md`` is generated from them). Findings are
comparable values; ``codes(findings)`` gives their compact ``(code, line, col)`` form.
"""

from journeymap.checks.core import REGISTRY, Check, Finding, Outcome, Severity, codes
from journeymap.checks.runner import Evaluated, MapResult, check_map, exit_code, lint_disable_rules

__all__ = [
    "REGISTRY",
    "Check",
    "Evaluated",
    "Finding",
    "MapResult",
    "Outcome",
    "Severity",
    "check_map",
    "codes",
    "exit_code",
    "lint_disable_rules",
]
