"""Regenerate docs/checks.md from the check registry (a test keeps it current).

.venv/bin/python docs/gen_checks.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from journeymap.analysis.comparison import (  # noqa: E402
    DEFAULT_CES,
    DEFAULT_CHURN,
    DEFAULT_CONVERSION,
    DEFAULT_CSAT,
    DEFAULT_DROP_OFF,
    DEFAULT_NPS,
)
from journeymap.checks import REGISTRY  # noqa: E402

INTRO = f"""# Checks

Generated from the check registry (`journeymap/checks/`) by `python docs/gen_checks.py`; do
not edit by hand. `journeymap check` runs every check below; `docs/ci.md` shows how to run it
in CI.

Codes: `JM0xx` warnings from reading a map (reported as warnings), `JM1xx` limits the team
declares in the map's `checks:` block, `JM2xx` built-in lint (always on), `JM3xx` regression
against a baseline (`--baseline FILE [--baseline-data FILE]` or `--baseline-ref REF`).

Analysis warnings (`JM5xx`: small samples, residuals, undefined figures) belong to `journeymap
analyze`; `check` turns the conditions that should fail a build into findings of its own: flow
that does not conserve (JM208), a chain that cannot absorb (JM209), and every limit whose figure
is undefined.

Every finding points at the file, line and column of the YAML that declared the limit or the
touchpoint: a limit under `checks.touchpoints.<id>`, `checks.stages.<id>` and every map-level
limit at its own line; a top-level touchpoint default (`checks.drop_off` ...) at each
touchpoint it fails on; lint and regression findings at the touchpoint or stage (overall
conversion at `checks.regression.conversion` when declared, else the map's `id`).

The text and Markdown outputs write each message and hint in the run's language (`--lang`,
else the map's `language:`), with its figures as that language writes them (`3,5 мин`,
`20,0 %` in Russian); the `path:line:col: CODE severity:` prefix, SARIF, JUnit, GitHub
annotations and JSON keep the English message, byte for byte, whatever the language.

## Limits: the grammar

```yaml
checks:
  conversion: {{min: 0.015}}                  # overall conversion, a fraction
  total_lost_value: {{max: 50000, severity: warning}}
  flow_residual: {{max: 0.01}}                # largest relative residual of any touchpoint
  coverage: {{min: 0.95}}                     # event-mapping coverage (overlays from events)
  undeclared_share: {{max: 0.05}}             # share of flow on undeclared transitions
  drop_off: {{max: 0.6}}                      # default for every touchpoint that is not a goal
  metrics:                                  # the period's business figures
    churn_rate: {{max: 0.2, on: interval}}    # fractions 0..1 of the customers at the start
    retention_rate: {{min: 0.8}}
    repeat_rate: {{min: 0.3}}
    customer_lifetime_value: {{min: 400}}     # in the map's currency
    retention_cost: {{max: 25}}
    conversion: {{min: 0.015}}                # observed: conversions / journeys started
  first_response_time: {{p90: {{max: 4h}}}}     # default for touchpoints with that time
  touchpoints:
    checkout:
      drop_off: {{max: 0.35, on: interval}}   # the conservative end of the interval is tested
      ces: {{min: 5.0}}                       # only min when higher is better
      responses: {{min: 30}}
    live-chat:
      first_response_time: {{median: {{max: 3m}}}}   # mean, median or p90; 90s, 3m, 1.5h, 2d
      resolution_time: {{mean: {{max: 1h}}}}
  stages:
    purchase: {{reach: {{min: 0.1}}}}
  regression:                               # the baseline gate (defaults shown)
    drop_off: {{min_increase: {DEFAULT_DROP_OFF}}}
    conversion: {{min_decrease: {DEFAULT_CONVERSION}}}
    nps: {{min_decrease: {DEFAULT_NPS}}}                # NPS points
    csat: {{min_decrease: {DEFAULT_CSAT}}}               # percentage points
    ces: {{min_decrease: {DEFAULT_CES}}}                # CES points: a fall (a rise when lower is better)
    churn: {{min_increase: {DEFAULT_CHURN}}}            # churn lost / S, when both periods count customers
    q: 0.05                                 # Benjamini-Hochberg false discovery rate
    min_departures: 30
    min_each: 5
  lint:
    disable:
      - {{code: JM207, touchpoint: faq, reason: the FAQ pains are tracked in JIRA-123}}
    assumption_max_age_days: 180
```

`severity` is `error` (default) or `warning`; `on` is `point` (default) or `interval`: a
`max` then fails only when even the low end of the interval is above it, a `min` only when
even the high end is below it, so noise does not fail a build. A figure that cannot be
computed (no goal, no responses, 0/0) is an **error** finding whatever the limit's severity:
never a silent pass. Units: rates are fractions 0..1, NPS -100..100, CSAT a percentage 0..100,
CES on its declared scale, values in the map's currency.

Top-level touchpoint defaults apply where the figure exists: `drop_off` to every touchpoint
that is not a (selected) goal, `lost_value` to every ranked leak, `nps` / `csat` / `ces` to
touchpoints with that survey, `responses` to touchpoints with any survey,
`first_response_time` / `resolution_time` to touchpoints whose period has (or whose map
tracks) that time. A limit under `checks.touchpoints.<id>` always applies (and fails when the
figure cannot be computed).

Business figures and service times are the period's: with `--data`, the overlay's only. A
limit on a figure the period does not have (no inputs, *not measured* in the overlay's period,
a `p90` of a time declared as figures rather than samples) is an error finding. Service times
are compared as written: a time in business hours against the limit in business hours.

Intervals: drop-off uses the Wilson interval, NPS the adjusted-Wald interval, CSAT the
analysis's interval (or Wilson), CES a normal interval of the mean, conversion the analysis's
interval (or Wilson on conversions over entries), retention, churn, repeat rate and the
observed conversion rate the Wilson interval of their counts, lost value the bootstrap interval (1,000
samples, seed 0; `check` runs the bootstrap only when a limit needs it). A figure without an
interval (reach, flow residual, CLV, retention cost) tests its point value and says so in the message.

## Regression against a baseline

The baseline is read as written (no `--scenario`); `--goal` applies to it when it has that goal.
Touchpoints match by id, and by `formerly` when the current map renamed one (an old id belongs
to one touchpoint: two claiming it is a load error); ids on one side only are listed as ADDED
or REMOVED and not compared. For every matched touchpoint that is not
a goal, drop-off is compared:

1. **guard first**: at least `min_departures` departures and at least `min_each` exits and
   `min_each` non-exits in *both* periods, else `INSUFFICIENT_DATA` (a warning, never a pass);
2. a **one-sided two-proportion pooled z test** of "drop-off increased"
   (`z = (p2 - p1) / sqrt(pbar (1 - pbar) (1/n1 + 1/n2))`, the same as Pearson's chi-squared
   without Yates' correction);
3. **Benjamini-Hochberg** over the eligible touchpoints (adjusted p below `q`);
4. the **practical threshold** `min_increase` (default one percentage point).

`REGRESSION` (an error finding) when significant and at least the threshold, `WARN` (a
warning) when at least the threshold but not significant, `OK` otherwise. A REGRESSION is
marked *confident* when even the one-sided 95% Newcombe (hybrid score) lower bound of the
worsening is above the threshold. Customer grain
(`exits / customers`) is used when both periods have customer counts for the touchpoint
(overlays made from event logs); otherwise visit grain (`exits / departures`, the drop-off
`journeymap analyze` reports: departures nobody observed, a positive flow residual, count as
unknown departures), with a note that loops can overstate significance. Overall conversion (conversions into the selected goals over entries) and CSAT
(top-box share) are gated the same way; NPS with `z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)`
(multinomial standard errors) and at least `min_departures` responses in both periods. The CES
mean per touchpoint is gated with `z = (mean1 - mean2) / sqrt(SE1^2 + SE2^2)` (a worsening is
a fall when higher is better, a rise when lower is better; surveys on different scales or
directions are not compared), and churn (`customers_lost / customers_start`, or
`S - (E - N)` lost) like drop-off at customer grain when both periods carry the counts in
their `business:` (the overlay's with `--data`); retention falls exactly when that churn
rises, so the one test gates both. Each metric family gets its own Benjamini-Hochberg
correction. Baseline and current periods that
overlap or are identical get a warning (JM305): re-testing a growing window on every commit
is peeking; compare fixed, non-overlapping windows of equal length.

## Lint control

Every `JM2xx` check can be disabled for the whole map, a stage or a touchpoint, always with a
reason: `checks.lint.disable: [{{code: JM203, touchpoint: newsletter, reason: ...}}]`. Disabled
lint shows as `skipped` (with the reason) in JUnit. Disabling a code that is not lint is a
configuration error (exit 2). Assumption ages (JM206) are counted to the end of the period the
map or its overlay describes, so the result does not depend on the day the check runs; a map
without a period is judged as of today.
"""


def text() -> str:
    parts = [
        INTRO,
        "## Index",
        "",
        "| Code | Name | Severity | What it finds |",
        "|---|---|---|---|",
    ]
    for code, check in sorted(REGISTRY.items()):
        parts.append(
            f"| [{code}](#{check.anchor}) | "
            f"`{check.name}` | {check.severity.value} | {check.summary} |"
        )
    parts.append("")
    for code, check in sorted(REGISTRY.items()):
        parts += [
            f"## {code} {check.name}",
            "",
            f"Default severity: **{check.severity.value}**. Kind: {check.kind}.",
            "",
            check.prose(),
            "",
        ]
        ex = check.examples()
        labels = [
            ("baseline", "Baseline (given with `--baseline`)"),
            ("history", "History (earlier periods; `--history DIR` holds them as overlays)"),
            ("fails", "Fails"),
            ("passes", "Passes"),
        ]
        for key, label in labels:
            if key in ex:
                parts += [f"{label}:", "", "```yaml", ex[key].rstrip("\n"), "```", ""]
    return "\n".join(parts).rstrip("\n") + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "checks.md").write_text(text(), encoding="utf-8")
    print("wrote docs/checks.md")
