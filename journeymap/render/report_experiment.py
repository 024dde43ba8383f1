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
    percent_sign,
    score_change,
    score_kind,
    signed,
)
from journeymap.figures import p_value as p_text
from journeymap.i18n import Translator
from journeymap.i18n.numbers import pp
from journeymap.render.forest import forest_chart, guardrail_words, span, title_words
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


def _pp(x: float | None, t: Translator) -> str:
    """A difference of proportions in points with the typographic minus: ``+3.0 pp``."""
    if x is None:
        return MISSING
    return f"{signed(x * 100, 1, lang=t.lang)} {pp(t.lang)}"


def _pp_span(iv: tuple[float, float] | None, t: Translator) -> str:
    return span(iv, lambda v: signed(v * 100, 1, lang=t.lang), t)


def _comparison(c: Comparison, t: Translator) -> ComparisonRow:
    lang = t.lang

    def pct(v: float) -> str:
        return percent_sign(signed(v * 100, 1, lang=lang), lang=lang)

    return ComparisonRow(
        arm=c.arm,
        difference=_pp(c.difference, t) + _pp_span(c.difference_interval, t),
        lift=(
            MISSING
            if c.relative_lift is None
            else pct(c.relative_lift) + span(c.relative_lift_interval, pct, t)
        ),
        p_value=f"{p_text(c.p_value, lang=lang)} ({c.test})",
        p_adjusted=p_text(c.p_value_adjusted, lang=lang),
        sequential=p_text(c.sequential_p_value, lang=lang),
        sequence=_pp_span(c.confidence_sequence, t).strip() or MISSING,
        chance=percent(c.chance_to_beat_control, 1, lang=lang),
    )


def _guardrail(g: Guardrail, names: dict[str, str], t: Translator) -> GuardrailRow:
    kind = score_kind(g.metric)
    if kind == "ces" or kind == "nps":
        change = (
            MISSING
            if g.difference is None
            else t.gettext("{n} points").format(
                n=score_change(kind, g.difference, typographic=True, lang=t.lang)
            )
            + span(
                g.difference_interval,
                lambda v: score_change(kind, v, typographic=True, lang=t.lang),
                t,
            )
        )
    else:
        change = _pp(g.difference, t) + _pp_span(g.difference_interval, t)
    return GuardrailRow(
        arm=g.arm,
        guardrail=guardrail_words(g, names, t),
        worse_when=t.gettext(g.worse_when),
        change=change,
        tolerated=g.tolerance,
        verdict=t.gettext(g.verdict),
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
    t, lang = scene.t, scene.lang
    split = ", ".join(
        f"{a.name} {percent(s, 1, lang=lang)}"
        for a, s in zip(r.arms, r.srm.expected_split, strict=True)
    )
    srm = (
        t.gettext("sample ratio: p {p} against the planned split {split}: MISMATCH")
        if r.srm.mismatch
        else t.gettext("sample ratio: p {p} against the planned split {split}: as planned")
    ).format(p=p_text(r.srm.p_value, lang=lang), split=split)
    return ExperimentSection(
        title=title_words(r, t)[0],
        decision=r.decision.value,
        reason=r.reason_in(t),
        control=r.control,
        srm=srm,
        arms=tuple(
            ArmRow(
                a.name,
                integer(a.customers, lang=lang),
                integer(a.excluded, lang=lang),
                integer(a.conversions, lang=lang),
                percent(a.conversion, 2, lang=lang)
                + (
                    f" ({percent_interval(a.conversion_interval, lang=lang)})"
                    if a.conversion_interval
                    else ""
                ),
                a.name == r.control and a.name != "control",
            )
            for a in r.arms
        ),
        comparisons=tuple(_comparison(c, t) for c in r.comparisons),
        guardrails=tuple(_guardrail(g, names, t) for g in r.guardrails),
        scenario=tuple(words(c).format(t) for c in r.scenario_check),
        notes=r.notes_in(t),
        forest_svg=forest_chart(scene, "svg"),
    )
