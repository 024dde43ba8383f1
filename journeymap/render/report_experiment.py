"""The experiment section of the HTML report (``render --view report`` with arms; issue 10).

Typed rows of :class:`journeymap.analysis.experiment.Readout` for the template: the arms, each
arm against the control on the primary metric, the guardrails, the scenario check, the notes and
the decision, and the forest plot of :mod:`journeymap.render.forest` as a ``data:`` image like
the report's other pictures. Every number is printed by :mod:`journeymap.figures`; nothing is
computed here that the readout does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.analysis.experiment import Comparison, Guardrail, Readout
from journeymap.analysis.experiment_scenario import words
from journeymap.figures import (
    MISSING,
    integer,
    percent,
    percent_interval,
    signed,
)
from journeymap.figures import p_value as p_text
from journeymap.render.forest import METRIC_WORDS, forest_chart, span, title_words
from journeymap.render.scene import Scene


@dataclass(frozen=True)
class ArmRow:
    name: str
    customers: str
    excluded: str
    conversions: str
    conversion: str
    control: bool


@dataclass(frozen=True)
class ComparisonRow:
    arm: str
    difference: str
    lift: str
    p_value: str
    p_adjusted: str
    sequential: str
    sequence: str
    chance: str


@dataclass(frozen=True)
class GuardrailRow:
    arm: str
    guardrail: str
    worse_when: str
    change: str
    tolerated: str
    verdict: str


@dataclass(frozen=True)
class ExperimentSection:
    title: str
    decision: str
    reason: str
    control: str
    srm: str
    arms: tuple[ArmRow, ...]
    comparisons: tuple[ComparisonRow, ...]
    guardrails: tuple[GuardrailRow, ...]
    scenario: tuple[str, ...]
    notes: tuple[str, ...]
    forest_svg: bytes


def _pp(x: float | None) -> str:
    """A difference of proportions in points with the typographic minus: ``+3.0 pp``."""
    return MISSING if x is None else f"{signed(x * 100, 1)} pp"


def _pp_span(iv: tuple[float, float] | None) -> str:
    return span(iv, lambda v: signed(v * 100, 1))


def _comparison(c: Comparison) -> ComparisonRow:
    return ComparisonRow(
        arm=c.arm,
        difference=_pp(c.difference) + _pp_span(c.difference_interval),
        lift=(
            MISSING
            if c.relative_lift is None
            else signed(c.relative_lift * 100, 1)
            + "%"
            + span(c.relative_lift_interval, lambda v: signed(v * 100, 1) + "%")
        ),
        p_value=f"{p_text(c.p_value)} ({c.test})",
        p_adjusted=p_text(c.p_value_adjusted),
        sequential=p_text(c.sequential_p_value),
        sequence=_pp_span(c.confidence_sequence).strip() or MISSING,
        chance=percent(c.chance_to_beat_control, 1),
    )


def _guardrail(g: Guardrail, names: dict[str, str]) -> GuardrailRow:
    subject = "the goals" if g.subject == "goals" else names.get(g.subject, g.subject)
    if g.metric in ("ces", "nps"):
        change = (
            MISSING
            if g.difference is None
            else f"{signed(g.difference, 2)} points"
            + span(g.difference_interval, lambda v: signed(v, 2))
        )
    else:
        change = _pp(g.difference) + _pp_span(g.difference_interval)
    return GuardrailRow(
        arm=g.arm,
        guardrail=f"{METRIC_WORDS.get(g.metric, g.metric)} at {subject}",
        worse_when=g.worse_when,
        change=change,
        tolerated=g.tolerance,
        verdict=g.verdict,
    )


def experiment_css(scene: Scene) -> str:
    """The section's one extra rule (added only with the section, so a report without arms
    keeps its bytes)."""
    return (
        f".decision{{font-size:1.2rem;font-weight:bold;border-left:4px solid "
        f"{scene.theme.accent};padding-left:.6rem}}"
    )


def experiment_section(scene: Scene) -> ExperimentSection | None:
    """The section of ``scene.experiment`` (None without arms)."""
    r: Readout | None = scene.experiment
    if r is None:
        return None
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    srm = (
        f"sample ratio: p {p_text(r.srm.p_value)} against the planned split "
        + ", ".join(
            f"{a.name} {percent(s, 1)}" for a, s in zip(r.arms, r.srm.expected_split, strict=True)
        )
        + (": MISMATCH" if r.srm.mismatch else ": as planned")
    )
    return ExperimentSection(
        title=title_words(r)[0],
        decision=r.decision.value,
        reason=r.reason,
        control=r.control,
        srm=srm,
        arms=tuple(
            ArmRow(
                a.name,
                integer(a.customers),
                integer(a.excluded),
                integer(a.conversions),
                percent(a.conversion, 2)
                + (
                    f" ({percent_interval(a.conversion_interval)})" if a.conversion_interval else ""
                ),
                a.name == r.control and a.name != "control",
            )
            for a in r.arms
        ),
        comparisons=tuple(_comparison(c) for c in r.comparisons),
        guardrails=tuple(_guardrail(g, names) for g in r.guardrails),
        scenario=tuple(words(c) for c in r.scenario_check),
        notes=r.notes,
        forest_svg=forest_chart(scene, "svg"),
    )
