"""CI checks: declared limits, built-in lint and regression gating; each check a registered unit with a code."""
