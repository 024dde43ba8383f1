"""The design of an experiment: what was planned (split, effect, alpha, power) and the plan it gives.

``plan`` answers "how many customers per arm, and how many days": the two-proportion sample size
of :func:`journeymap.stats.two_proportion_sample_size` at the control's (or the map's) baseline,
and the map's traffic for its period. :class:`Decision` is the one-word outcome of a readout
(:func:`journeymap.analysis.experiment.decide`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import networkx as nx

from journeymap import stats
from journeymap.analysis.flow import flow_table
from journeymap.facts import selected_goals


class Decision(StrEnum):
    SHIP = "ship"
    HARM = "harm"
    INCONCLUSIVE = "inconclusive"
    INVALID = "invalid"


@dataclass(frozen=True)
class Effect:
    """The minimum detectable effect: a relative lift (``10%``) or absolute points (``1.5pp``)."""

    value: float
    relative: bool = True

    def absolute(self, baseline: float) -> float:
        """The effect in points of conversion at ``baseline``.

        >>> Effect(0.10).absolute(0.2), Effect(0.015, relative=False).absolute(0.2)
        (0.020000000000000004, 0.015)
        """
        return self.value * baseline if self.relative else self.value

    def label(self) -> str:
        return f"{self.value * 100:.4g}{'%' if self.relative else 'pp'}"


@dataclass(frozen=True)
class GuardrailSpec:
    """One declared guardrail: the metric, its touchpoint (None: the goals) and the worsening it
    may tolerate (None: none); see :mod:`journeymap.analysis.experiment_guardrails`."""

    metric: str
    """``conversion``, ``drop_off``, ``csat``, ``ces`` or ``nps``."""
    touchpoint: str | None = None
    tolerance: Effect | None = None


@dataclass(frozen=True)
class Design:
    """What was planned: the split, the effect to detect, alpha and power."""

    id: str | None = None
    split: dict[str, float] = field(default_factory=dict)
    """Planned share per arm name; arms not named share equally."""
    effect: Effect = Effect(0.10)
    alpha: float = 0.05
    power: float = 0.8
    guardrails: tuple[GuardrailSpec, ...] = ()
    scenario: str | None = None
    """The map's scenario this experiment tests (the scenario check)."""


@dataclass(frozen=True)
class Plan:
    customers_per_arm: int | None
    baseline: float | None
    effect: str
    alpha: float
    power: float
    days: int | None


def plan(design: Design, baseline: float | None, arms: int, daily_customers: float | None) -> Plan:
    """Customers per arm for the declared effect at ``baseline`` and the days it takes.

    ``days = ceil(customers_per_arm x arms / daily_customers)``.

    >>> plan(Design(), 0.10, 2, 1000.0)
    Plan(customers_per_arm=14751, baseline=0.1, effect='10%', alpha=0.05, power=0.8, days=30)
    """
    n = None
    if baseline is not None and 0 < baseline < 1:
        target = min(max(baseline + design.effect.absolute(baseline), 0.0), 1.0)
        n = stats.two_proportion_sample_size(
            baseline, target, alpha=design.alpha, power=design.power
        )
    days = None
    if n is not None and daily_customers:
        days = math.ceil(n * arms / daily_customers)
    return Plan(n, baseline, design.effect.label(), design.alpha, design.power, days)


def map_baseline(G: nx.DiGraph[str], goal: str | None = None) -> tuple[int, float | None]:
    """``(journeys started, conversion)`` of a map's own numbers: conversions into the goals
    (unique customers at a goal when counted, else transitions) over journeys started."""
    goals = selected_goals(G, goal)
    flows = flow_table(G, goals)
    started = sum(f.entries for f in flows.values() if f.id not in goals)
    reached = [flows[g].customers for g in goals if g in flows]
    if reached and all(r is not None for r in reached):
        converted = sum(r or 0 for r in reached)
    else:
        converted = sum(f.conversions for f in flows.values() if f.id not in goals)
    return started, stats.ratio(min(converted, started), started)
