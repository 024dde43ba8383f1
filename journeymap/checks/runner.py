"""Run every registered check on a map: the programmatic ``journeymap check``.

>>> from journeymap.io import load_map
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "m.yaml")
>>> _ = open(path, "w").write('''
... journeymap: 1
... id: m
... title: M
... checks:
...   conversion: {min: 0.5}
... stages:
...   - id: s
...     name: S
...     touchpoints:
...       - {id: ad, name: Ad, entries: 100, next: {paid: 20}}
...       - {id: paid, name: Paid, goal: true}
... ''')
>>> result = check_map(load_map(path))
>>> codes(result.findings)
[('JM101', 6, 15)]
>>> int(result.exit_code())
1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from journeymap import graph as g
from journeymap.analysis.comparison import Comparison
from journeymap.checks import history as history_checks  # noqa: F401  (registers JM310)
from journeymap.checks import (  # noqa: F401  (registers the checks)
    limits,
    lint,
    metrics,
    opportunity_checks,
    regression,
    service_times,
)
from journeymap.checks.context import Context, make_context
from journeymap.checks.core import REGISTRY, Check, Finding, Outcome, Severity, codes
from journeymap.errors import Diagnostic, ExitCode, MapError, did_you_mean
from journeymap.findings import Text, stage_subject, subject_touchpoint, touchpoint_subject
from journeymap.io import LoadedMap
from journeymap.model import LintDisable

__all__ = ["Evaluated", "MapResult", "check_map", "codes", "exit_code"]


@dataclass(frozen=True)
class Evaluated:
    """One (check, subject) evaluation: the unit of a JUnit test case."""

    check: Check
    outcome: Outcome
    finding: Finding | None
    skipped: str | None = None
    """The reason given in ``checks.lint.disable`` when this lint is disabled here."""


@dataclass
class MapResult:
    """The findings on one map, everything that was evaluated, and the figures behind them."""

    display: str
    map_id: str
    title: str
    period: str | None
    findings: list[Finding] = field(default_factory=list)
    evaluated: list[Evaluated] = field(default_factory=list)
    comparison: Comparison | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    """Key figures for reports: unit, currency, conversion, the top leaks."""

    def counts(self) -> dict[str, int]:
        return {
            "error": sum(f.severity == Severity.ERROR for f in self.findings),
            "warning": sum(f.severity == Severity.WARNING for f in self.findings),
        }

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> ExitCode:
        return exit_code([self], fail_on)


def exit_code(results: Iterable[MapResult], fail_on: Severity = Severity.ERROR) -> ExitCode:
    """1 when a finding at or above `fail_on` exists, else 0."""
    threshold = 2 if fail_on == Severity.ERROR else 1
    for r in results:
        if any(f.rank >= threshold for f in r.findings):
            return ExitCode.FINDINGS
    return ExitCode.OK


def lint_disable_rules(loaded: LoadedMap) -> list[tuple[LintDisable, int]]:
    """The rules of ``checks.lint.disable`` with their index, or :class:`MapError` at the first
    whose code is not a lint check (``check`` and ``validate`` both ask here)."""
    settings = loaded.map.checks.lint if loaded.map.checks is not None else None
    if settings is None:
        return []
    out = []
    lint_codes = sorted(c.code for c in REGISTRY.values() if c.kind == "lint")
    for k, rule in enumerate(settings.disable):
        check = REGISTRY.get(rule.code)
        if check is None or check.kind != "lint":
            pos = loaded.locate("checks", "lint", "disable", k, "code")
            why = (
                f"{rule.code} is a {check.kind} check, not lint; remove or change the "
                f"{check.kind} instead"
                if check is not None
                else f"there is no lint check {rule.code}"
            )
            hint = None if check is not None else did_you_mean(rule.code, lint_codes)
            raise MapError(
                [
                    Diagnostic(
                        f"checks.lint.disable: {why}",
                        pos,
                        hint=hint or f"lint codes: {', '.join(lint_codes)}",
                    )
                ],
                loaded.sources,
            )
        out.append((rule, k))
    return out


def _disabled(
    rules: list[tuple[LintDisable, int]], code: str, subject: str, ctx: Context
) -> str | None:
    for rule, _ in rules:
        if rule.code != code:
            continue
        if rule.touchpoint is None and rule.stage is None:
            return rule.reason
        if rule.touchpoint is not None and subject == touchpoint_subject(rule.touchpoint):
            return rule.reason
        if rule.stage is not None:
            if subject == stage_subject(rule.stage):
                return rule.reason
            tid = subject_touchpoint(subject)
            if tid is not None and ctx.G.nodes[tid][g.STAGE] == rule.stage:
                return rule.reason
    return None


def run(ctx: Context) -> MapResult:
    """Run every registered check in a prepared context."""
    loaded = ctx.loaded
    result = MapResult(
        loaded.display,
        loaded.map.id,
        loaded.map.title,
        ctx.G.graph[g.PERIOD],
        comparison=ctx.comparison,
    )
    for w in loaded.warnings:
        result.findings.append(_load_finding(w, ctx))
    rules = lint_disable_rules(loaded)
    for check in sorted(REGISTRY.values(), key=lambda c: c.code):
        for outcome in check.func(ctx):
            reason = (
                _disabled(rules, check.code, outcome.subject, ctx) if check.kind == "lint" else None
            )
            finding = None
            if outcome.message is not None and reason is None:
                finding = check.finding(outcome)
                result.findings.append(finding)
            result.evaluated.append(Evaluated(check, outcome, finding, reason))
    result.findings.sort()
    result.summary = _summary(ctx)
    return result


def _load_finding(d: Diagnostic, ctx: Context) -> Finding:
    return Finding(
        d.code or "JM000",
        "load.warning",
        Severity.WARNING,
        d.message,
        d.position or ctx.map_position(),
        "map",
        d.hint,
        text=d.text if isinstance(d.text, Text) else None,
    )


def check_map(
    loaded: LoadedMap,
    *,
    goal: str | None = None,
    baseline: LoadedMap | None = None,
    baseline_label: str | None = None,
    today: dt.date | None = None,
    samples: int | None = None,
    seed: int = 0,
    history: Sequence[LoadedMap] | None = None,
) -> MapResult:
    """Check one loaded map (optionally against a baseline, or a history of earlier periods:
    the map is then the latest) and return its result.

    Raises :class:`~journeymap.errors.MapError` when ``checks.lint.disable`` names a code that
    is not a lint check (a configuration error, exit 2).
    """
    ctx = make_context(
        loaded,
        goal=goal,
        today=today,
        samples=samples,
        seed=seed,
        baseline=baseline,
        baseline_label=baseline_label,
        history=history,
    )
    return run(ctx)


def _summary(ctx: Context) -> dict[str, Any]:
    G = ctx.G
    out: dict[str, Any] = {
        "unit": G.graph[g.UNIT],
        "currency": G.graph[g.CURRENCY],
        "goals": list(ctx.goals),
        "touchpoints": G.number_of_nodes(),
        "conversion_probability": None,
        "leaks": [],
    }
    if not G.graph[g.HAS_COUNTS] or not ctx.goals:
        return out
    a = ctx.analysis()
    if a is None:
        return out
    out["conversion_probability"] = a.summary.conversion_probability
    out["leaks"] = [
        {
            "rank": lk.rank,
            "touchpoint": lk.touchpoint,
            "exits": lk.exits,
            "lost_conversions": lk.lost_conversions,
            "lost_value": lk.lost_value,
        }
        for lk in a.leaks[:5]
    ]
    return out
