"""Guardrails of an experiment: metrics an arm must not worsen beyond a tolerance (issue 10).

A guardrail is declared in the map's ``experiments:`` entry (``guardrails:``) as a metric, a
touchpoint and the worsening it may tolerate (``2%`` of the control's value, or ``0.5pp``).
Each arm is measured against the control, from the arms' own overlays:

- ``conversion``: conversion to the goal named (default the map's goals), as the primary
  metric; lower is worse. Newcombe's interval of the difference.
- ``reach`` at a touchpoint: the share of the arm's customers who reached it (unique
  customers at the touchpoint over the arm's customers). Reaching a goal is good; reaching
  any other touchpoint (a support contact, a return) is the worsening. Newcombe's interval.
- ``drop_off`` at a touchpoint: customers who left there over customers who reached it
  (:class:`journeymap.analysis.flow.Flow`); higher is worse. Newcombe's interval.
- ``csat``: the top-box share of the responses as a proportion (0-1); lower is worse.
  Newcombe's interval.
- ``ces``: the mean answer; worse is the direction the survey declares. Welch's interval
  (:func:`journeymap.stats.welch_difference`).
- ``nps``: the score on -100..100; lower is worse. The difference with the trinomial standard
  error ``sqrt(SE1^2 + SE2^2)`` of :func:`journeymap.stats.nps_standard_error` and a normal
  interval (Rocks 2016, section 4).

The tolerance ``m`` is in the metric's unit: relative (``2%``) is that share of the control's
value; points (``0.5pp``) are percentage points of a proportion, and points of the scale for
CES (``0.5pp`` = half a point) and NPS (``2pp`` = 2 NPS points). With ``w`` the worsening (the
difference signed so that positive is worse) and ``(w_lo, w_hi)`` its 95% interval the verdict
is ``breached`` when the worsening is significant and larger than tolerated (``w_lo > 0`` and
``w > m``), ``holds`` when the interval rules out a worsening beyond the tolerance
(``w_hi <= m``: non-inferiority), else ``unclear``; ``no data`` when a side has no customers
or no responses. A breach makes the decision ``harm``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from journeymap import stats
from journeymap.analysis.experiment_plan import GuardrailSpec
from journeymap.analysis.experiment_words import joined
from journeymap.analysis.flow import Flow
from journeymap.analysis.surveys import survey_metrics
from journeymap.findings import Number, Text, text, text_of
from journeymap.graph import GOAL, SCORES
from journeymap.i18n import N_
from journeymap.model import Direction, Scores


@dataclass(frozen=True)
class ArmData:
    """What one arm's guardrails are measured on: its flows, its customers and its graph."""

    name: str
    flows: Mapping[str, Flow]
    customers: int
    conversions: int
    G: nx.DiGraph[str]


@dataclass(frozen=True)
class Guardrail:
    arm: str
    metric: str
    subject: str
    """The touchpoint id, or ``goals`` for conversion to the map's goals."""
    worse_when: str
    """``higher`` or ``lower``: which way the metric worsens."""
    control_value: float | None
    value: float | None
    difference: float | None
    difference_interval: tuple[float, float] | None
    tolerance: str
    tolerated: float | None
    """The tolerance in the metric's unit (``m`` of the module docstring)."""
    verdict: str
    """``holds``, ``breached``, ``unclear`` or ``no data``."""


_Measure = tuple[float | None, float | None, float | None, tuple[float, float] | None, bool]
"""(control value, value, difference, interval, higher is worse)."""


def _proportions(x1: int, n1: int, x2: int, n2: int, higher_worse: bool) -> _Measure:
    if n1 <= 0 or n2 <= 0:
        return None, None, None, None, higher_worse
    c, v = x1 / n1, x2 / n2
    return c, v, v - c, stats.newcombe_difference(x1, n1, x2, n2), higher_worse


def _scores(G: nx.DiGraph[str], tid: str) -> Scores | None:
    if tid not in G:
        return None
    found: Scores | None = G.nodes[tid].get(SCORES)
    return found


def _survey(metric: str, tid: str, control: ArmData, arm: ArmData) -> _Measure:
    s1, s2 = _scores(control.G, tid), _scores(arm.G, tid)
    if metric == "csat":
        c1, c2 = survey_metrics(s1).csat, survey_metrics(s2).csat
        if c1 is None or c2 is None:
            return None, None, None, None, False
        return _proportions(c1.satisfied, c1.responses, c2.satisfied, c2.responses, False)
    if metric == "ces":
        e1, e2 = (s1.ces if s1 else None), (s2.ces if s2 else None)
        higher_worse = e2 is not None and e2.direction == Direction.LOWER_IS_BETTER
        if e1 is None or e2 is None or not e1.total or not e2.total:
            return None, None, None, None, higher_worse
        w = stats.welch_difference(e1.responses, e2.responses)
        m1, m2 = stats.mean_interval(e1.responses), stats.mean_interval(e2.responses)
        return (
            None if m1 is None else m1.mean,
            None if m2 is None else m2.mean,
            None if m1 is None or m2 is None else m2.mean - m1.mean,
            None if w is None else w.interval,
            higher_worse,
        )
    n1, n2 = (s1.nps if s1 else None), (s2.nps if s2 else None)
    if n1 is None or n2 is None:
        return None, None, None, None, False
    k1, k2 = n1.counts(), n2.counts()
    v1, v2 = stats.nps_score(k1), stats.nps_score(k2)
    se1, se2 = stats.nps_standard_error(k1), stats.nps_standard_error(k2)
    if v1 is None or v2 is None or se1 is None or se2 is None:
        return v1, v2, None, None, False
    half = stats.z_value() * math.sqrt(se1**2 + se2**2)
    return v1, v2, v2 - v1, (v2 - v1 - half, v2 - v1 + half), False


def _measure(spec: GuardrailSpec, control: ArmData, arm: ArmData) -> _Measure:
    tid = spec.touchpoint
    if spec.metric in ("csat", "ces", "nps") and tid is not None:
        return _survey(spec.metric, tid, control, arm)
    if spec.metric == "drop_off" and tid is not None:
        f1, f2 = control.flows.get(tid), arm.flows.get(tid)
        if f1 is None or f2 is None or not f1.customers or not f2.customers:
            return None, None, None, None, True
        return _proportions(
            min(f1.exits, f1.customers),
            f1.customers,
            min(f2.exits, f2.customers),
            f2.customers,
            True,
        )
    if tid is None:
        return _proportions(
            control.conversions, control.customers, arm.conversions, arm.customers, False
        )
    r1 = control.flows[tid].customers if tid in control.flows else 0
    r2 = arm.flows[tid].customers if tid in arm.flows else 0
    x1, x2 = min(r1 or 0, control.customers), min(r2 or 0, arm.customers)
    is_goal = tid in control.G and bool(control.G.nodes[tid].get(GOAL, False))
    return _proportions(x1, control.customers, x2, arm.customers, not is_goal)


def _tolerated(spec: GuardrailSpec, control_value: float | None) -> float | None:
    """``m`` in the metric's unit (module docstring); None when relative to an unknown value."""
    t = spec.tolerance
    if t is None:
        return 0.0
    if t.relative:
        return None if control_value is None else t.value * abs(control_value)
    return t.value * 100 if spec.metric in ("ces", "nps") else t.value


def verdict(
    difference: float | None,
    interval: tuple[float, float] | None,
    tolerated: float | None,
    higher_worse: bool,
) -> str:
    """``breached``, ``holds``, ``unclear`` or ``no data`` (module docstring).

    >>> verdict(0.03, (0.01, 0.05), 0.02, True), verdict(0.03, (0.01, 0.05), 0.06, True)
    ('breached', 'holds')
    >>> verdict(0.01, (-0.01, 0.03), 0.02, True), verdict(-0.03, (-0.05, -0.01), 0.02, False)
    ('unclear', 'breached')
    """
    if difference is None or interval is None or tolerated is None:
        return "no data"
    sign = 1.0 if higher_worse else -1.0
    worse = sign * difference
    low, high = sorted((sign * interval[0], sign * interval[1]))
    if low > 0 and worse > tolerated:
        return "breached"
    if high <= tolerated:
        return "holds"
    return "unclear"


def guardrails(
    specs: Sequence[GuardrailSpec],
    control: ArmData,
    others: Sequence[ArmData],
) -> list[Guardrail]:
    """Every guardrail for every arm against the control, in declaration then arm order."""
    out = []
    for spec in specs:
        for arm in others:
            c, v, diff, ci, higher_worse = _measure(spec, control, arm)
            tolerated = _tolerated(spec, c)
            out.append(
                Guardrail(
                    arm=arm.name,
                    metric=spec.metric,
                    subject=spec.touchpoint or "goals",
                    worse_when="higher" if higher_worse else "lower",
                    control_value=c,
                    value=v,
                    difference=diff,
                    difference_interval=ci,
                    tolerance=spec.tolerance.label() if spec.tolerance else "none",
                    tolerated=tolerated,
                    verdict=verdict(diff, ci, tolerated, higher_worse),
                )
            )
    return out


GUARDRAIL_WORDS = (
    N_("breached"),
    N_("holds"),
    N_("unclear"),
    N_("no data"),
    N_("higher"),
    N_("lower"),
)
"""A guardrail's ``verdict`` and ``worse_when`` values as msgids: JSON and CSV keep the values,
the table, Markdown and the report show ``gettext(value)``."""


def breach_reason(rows: Sequence[Guardrail]) -> Text | None:
    """The reason a breached guardrail gives the decision ``harm``, or None without a breach.

    >>> g = Guardrail("b", "conversion", "support", "higher", 0.05, 0.08, 0.03, (0.01, 0.05),
    ...               "0.5pp", 0.005, "breached")
    >>> print(breach_reason([g]))
    guardrail breached: b conversion at support +3.00 pp (tolerated 0.5pp)
    """
    breached = [g for g in rows if g.verdict == "breached"]
    if not breached:
        return None
    parts = []
    for g in breached:
        scale = 1 if g.metric in ("ces", "nps") else 100
        fields: dict[str, str | Number] = {
            "arm": g.arm,
            "metric": g.metric,
            "subject": g.subject,
            "change": Number((g.difference or 0.0) * scale, "+.2f"),
            "tolerance": g.tolerance,
        }
        parts.append(
            text_of("{arm} {metric} at {subject} {change} points (tolerated {tolerance})", fields)
            if scale == 1
            else text_of("{arm} {metric} at {subject} {change} pp (tolerated {tolerance})", fields)
        )
    return text("guardrail breached: {guardrails}", guardrails=joined(parts))
