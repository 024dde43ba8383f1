"""The readout of an A/B or multi-arm experiment on the journey (issue 10; docs/experiments.md).

Each arm is one customer-grain overlay of the same map (``ingest --segment-by`` writes them):
one journey per customer, so ``customers`` of an arm is its journeys started and a touchpoint's
``customers`` are the unique customers who reached it. Visit-grain overlays are refused: repeated
visits of one customer are not independent observations.

Per arm: customers, conversions (unique customers who reached a selected goal) and the conversion
with its Wilson interval. Each arm against the control: the difference (Newcombe), the relative
lift (Katz), the two-sided p-value (pooled z; Fisher's exact test when an expected cell is under
5), Holm across arms, the chance to beat the control, and the always-valid p-value and confidence
sequence of the mixture SPRT. Sample ratio mismatch: chi-square of the customers per arm against
the planned split. Per touchpoint: the drop-off (customers who left there over customers who
reached it) per arm, its difference and a Benjamini-Hochberg q-value. Every formula is in
:mod:`journeymap.stats`.

This module refuses what cannot be compared, decides and assembles the :class:`Readout`; the
figures of the arms and their comparisons are :mod:`journeymap.analysis.experiment_arms`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from journeymap.analysis.document import rounded, to_document
from journeymap.analysis.experiment_arms import (
    Arm,
    Comparison,
    Srm,
    TouchpointDifference,
    arm_of,
    compare_arms,
    srm,
    touchpoint_differences,
)
from journeymap.analysis.experiment_guardrails import ArmData, Guardrail, breach_reason, guardrails
from journeymap.analysis.experiment_plan import (
    Decision,
    Design,
    Effect,
    GuardrailSpec,
    Plan,
    plan,
)
from journeymap.analysis.experiment_scenario import (
    Prediction,
    ScenarioCheck,
    scenario_checks,
    words,
)
from journeymap.analysis.experiment_words import (
    arm_notes,
    biggest_difference,
    harm,
    needs_more,
    no_customers,
    no_difference,
    sample_ratio_mismatch,
    sequential_note,
    ship,
    verbatim,
)
from journeymap.analysis.flow import flow_table
from journeymap.errors import UsageError
from journeymap.facts import goal_starts, selected_goals
from journeymap.findings import Text
from journeymap.graph import MAP_ID, touchpoints_in_order
from journeymap.i18n import Translator
from journeymap.model import Overlay

VISIT_GRAIN = "experiments compare customers; this overlay counts visits"


class VisitGrainError(UsageError):
    """An arm's overlay counts visits (or sessions), not customers."""

    def __init__(self, arm: str):
        super().__init__(
            f"arm '{arm}': {VISIT_GRAIN}",
            hint="write customer-grain overlays with `journeymap ingest --segment-by "
            "COLUMN` (customer journeys, the default)",
        )


class ExperimentInputError(UsageError):
    """The arms cannot be compared (one arm, an unknown control, arms of different maps)."""


@dataclass(frozen=True)
class ArmInput:
    name: str
    G: nx.DiGraph[str]
    excluded: int = 0
    """Customers left out of the arm (seen in two arms), counted in the readout."""


@dataclass(frozen=True)
class Readout:
    experiment: str | None
    control: str
    arms: tuple[Arm, ...]
    srm: Srm
    comparisons: tuple[Comparison, ...]
    touchpoints: tuple[TouchpointDifference, ...]
    plan: Plan
    decision: Decision
    reason_text: Text
    """The reason of the decision as a translatable sentence (``reason`` is its English)."""
    note_texts: tuple[Text, ...]
    """The notes as translatable sentences (``notes`` are their English)."""
    unit: str = "customers"
    guardrails: tuple[Guardrail, ...] = ()
    scenario_check: tuple[ScenarioCheck, ...] = ()

    @property
    def reason(self) -> str:
        """The reason in English (JSON, CSV, GitHub annotations)."""
        return self.reason_text.format()

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes in English."""
        return tuple(n.format() for n in self.note_texts)

    def reason_in(self, t: Translator) -> str:
        """The reason in the language of ``t``."""
        return self.reason_text.format(t)

    def notes_in(self, t: Translator) -> tuple[str, ...]:
        """The notes in the language of ``t``."""
        return tuple(n.format(t) for n in self.note_texts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``journeymap experiment --format json`` (docs/experiments.md)."""
        doc: dict[str, Any] = {
            "experiment": self.experiment,
            "control": self.control,
            "unit": self.unit,
            "arms": self.arms,
            "srm": {
                "statistic": self.srm.statistic,
                "p_value": self.srm.p_value,
                "expected_split": dict(
                    zip((a.name for a in self.arms), self.srm.expected_split, strict=True)
                ),
                "mismatch": self.srm.mismatch,
            },
            "comparisons": self.comparisons,
            "touchpoints": self.touchpoints,
            "guardrails": self.guardrails,
            "scenario_check": self.scenario_check,
            "plan": self.plan,
            "decision": self.decision.value,
            "reason": self.reason,
            "notes": self.notes,
        }
        out: dict[str, Any] = to_document(rounded(doc))
        return out


# ------------------------------------------------------------------------------- inputs


def require_customer_grain(arm: str, overlay: Overlay | None) -> None:
    """Refuse an arm whose overlay does not count customers (:class:`VisitGrainError`).

    Customer grain: every touchpoint states its ``customers`` and journeys are customers'
    histories (not sessions, not a path table's visits).
    """
    if overlay is None:
        raise VisitGrainError(arm)
    journey, grain = overlay.settings.get("journey"), overlay.settings.get("grain")
    if (
        journey == "session"
        or grain == "visits"
        or not overlay.touchpoints
        or any(tp.customers is None for tp in overlay.touchpoints.values())
    ):
        raise VisitGrainError(arm)


# ----------------------------------------------------------------------------- decision


def sample_reached(arms: Sequence[Arm], the_plan: Plan) -> bool:
    """Every arm has the planned customers (then the fixed-horizon figures decide)."""
    planned = the_plan.customers_per_arm
    return planned is not None and bool(arms) and min(a.customers for a in arms) >= planned


def deciding_p(c: Comparison, reached: bool) -> float:
    """The Holm-adjusted p-value the decision reads: fixed-horizon once the planned sample is
    reached, the sequential (always-valid) one before."""
    if reached:
        return c.p_value_adjusted
    return 1.0 if c.sequential_p_value_adjusted is None else c.sequential_p_value_adjusted


def decide(
    arms: Sequence[Arm],
    srm_result: Srm,
    comparisons: Sequence[Comparison],
    the_plan: Plan,
    alpha: float,
) -> tuple[Decision, Text, list[Text]]:
    """``ship``, ``harm``, ``inconclusive`` or ``invalid``, with the reason and notes.

    Before the planned sample size the sequential (always-valid) p-values decide; at or after
    it the fixed-horizon ones. Both are Holm-adjusted across arms.
    """
    notes: list[Text] = []
    empty = [a.name for a in arms if a.customers == 0]
    if empty:
        return Decision.INVALID, no_customers(empty), notes
    if srm_result.mismatch:
        return Decision.INVALID, sample_ratio_mismatch(srm_result.p_value), notes
    planned, so_far = the_plan.customers_per_arm, min(a.customers for a in arms)
    reached = sample_reached(arms, the_plan)
    if planned is not None and not reached:
        notes.append(sequential_note(planned, so_far))
    significant = [
        c for c in comparisons if deciding_p(c, reached) < alpha and c.difference is not None
    ]
    harmful = [c for c in significant if (c.difference or 0.0) < 0]
    better = [c for c in significant if (c.difference or 0.0) > 0]
    if harmful:
        return Decision.HARM, harm([c.arm for c in harmful], reached, alpha), notes
    if better:
        best = max(better, key=lambda c: c.difference or 0.0)
        return Decision.SHIP, ship(best.arm, reached, alpha), notes
    if planned is not None and not reached:
        return Decision.INCONCLUSIVE, needs_more(planned - so_far), notes
    return Decision.INCONCLUSIVE, no_difference(), notes


# ------------------------------------------------------------------------------ readout


def _require_usable(arms: Sequence[ArmInput], control: str) -> list[str]:
    """The arm names; :class:`ExperimentInputError` for one arm, an unknown control, two maps."""
    names = [a.name for a in arms]
    if len(arms) < 2:
        raise ExperimentInputError(
            "an experiment needs two or more arms",
            hint="give one overlay per arm: NAME=OVERLAY, twice or more",
        )
    if control not in names:
        raise ExperimentInputError(
            f"no arm named '{control}' to be the control", hint=f"the arms are {', '.join(names)}"
        )
    maps = {a.G.graph.get(MAP_ID) for a in arms}
    if len(maps) > 1:
        raise ExperimentInputError("the arms' overlays belong to different maps")
    return names


def read_out(
    arms: Sequence[ArmInput],
    control: str,
    design: Design,
    *,
    goal: str | None = None,
    daily_customers: float | None = None,
    prediction: Prediction | None = None,
    left_out: Sequence[str] = (),
) -> Readout:
    """The readout of the experiment (see the module docstring); ``left_out`` are notes on what
    the arms' source left out (rows before exposure, customers without a variant)."""
    names = _require_usable(arms, control)
    goals = selected_goals(arms[0].G, goal)
    flows = {a.name: flow_table(a.G, goals) for a in arms}
    arm_rows = [
        arm_of(a.name, flows[a.name], goals, goal_starts(a.G, goals), a.excluded) for a in arms
    ]
    ordered = [r for r in arm_rows if r.name == control] + [
        r for r in arm_rows if r.name != control
    ]
    srm_result = srm(ordered, design.split)
    comparisons = compare_arms(ordered[0], ordered[1:], design)
    rows = touchpoint_differences(control, flows, goals)
    order = {t: i for i, t in enumerate(touchpoints_in_order(arms[0].G))}
    rows.sort(key=lambda r: (names.index(r.arm), order.get(r.touchpoint, len(order))))
    the_plan = plan(design, ordered[0].conversion, len(arms), daily_customers)
    decision, reason, notes = decide(ordered, srm_result, comparisons, the_plan, design.alpha)
    data = {
        r.name: ArmData(r.name, flows[r.name], r.customers, r.conversions, a.G)
        for a, r in zip(arms, arm_rows, strict=True)
    }
    rails = guardrails(design.guardrails, data[control], [data[r.name] for r in ordered[1:]])
    breach = breach_reason(rails)
    if breach is not None and decision != Decision.INVALID:
        decision, reason = Decision.HARM, breach
    notes += arm_notes(ordered)
    notes += [verbatim(n) for n in left_out]
    biggest = biggest_difference(rows)
    if biggest is not None:
        notes.append(biggest)
    checks = []
    if prediction is not None:
        observed = [(c.arm, c.difference, c.difference_interval) for c in comparisons]
        checks = scenario_checks(prediction, observed)
        notes += [words(c) for c in checks]
    return Readout(
        design.id,
        control,
        tuple(ordered),
        srm_result,
        tuple(comparisons),
        tuple(rows),
        the_plan,
        decision,
        reason,
        tuple(notes),
        guardrails=tuple(rails),
        scenario_check=tuple(checks),
    )


__all__ = [
    "Arm",
    "ArmInput",
    "Comparison",
    "Decision",
    "Design",
    "Effect",
    "ExperimentInputError",
    "Guardrail",
    "GuardrailSpec",
    "Plan",
    "Prediction",
    "Readout",
    "ScenarioCheck",
    "Srm",
    "TouchpointDifference",
    "VisitGrainError",
    "read_out",
    "require_customer_grain",
]
