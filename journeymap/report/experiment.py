"""An experiment readout (:class:`journeymap.analysis.experiment.Readout`) or plan to text.

The table is for the terminal, Markdown is a pull-request comment, JSON is the contract of
docs/experiments.md (``Readout.to_dict()``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from journeymap.analysis.experiment import Comparison, Guardrail, Readout
from journeymap.analysis.experiment_plan import Plan
from journeymap.source import Position


def _pct(v: float | None, digits: int = 1) -> str:
    return "n/a" if v is None else f"{v * 100:.{digits}f}%"


def _pp(v: float | None) -> str:
    return "n/a" if v is None else f"{v * 100:+.2f} pp"


def _span(ci: tuple[float, float] | None, fmt: str = "pp") -> str:
    """``(0.1 to 2.3)``: an interval in points or percent.

    >>> _span((0.001, 0.023)), _span((-0.05, 0.2), "%"), _span(None)
    ('(+0.10 to +2.30)', '(-5.0% to +20.0%)', '(n/a)')
    """
    if ci is None:
        return "(n/a)"
    if fmt == "%":
        return f"({ci[0] * 100:+.1f}% to {ci[1] * 100:+.1f}%)"
    return f"({ci[0] * 100:+.2f} to {ci[1] * 100:+.2f})"


def _level(ci: tuple[float, float] | None) -> str:
    """A proportion's interval: ``(8.3% to 12.0%)``."""
    return "(n/a)" if ci is None else f"({ci[0] * 100:.1f}% to {ci[1] * 100:.1f}%)"


def _p(v: float | None) -> str:
    if v is None:
        return "n/a"
    return "<0.0001" if v < 1e-4 else f"{v:.4f}"


def plan_lines(plan: Plan) -> list[str]:
    """The plan in words.

    >>> plan_lines(Plan(14751, 0.1, "10%", 0.05, 0.8, 30))[0]
    'plan: 14,751 customers per arm to detect 10% at a 10.0% baseline (alpha 0.05, power 0.8)'
    """
    if plan.customers_per_arm is None:
        return [f"plan: no sample size (baseline {_pct(plan.baseline)}; effect {plan.effect})"]
    lines = [
        f"plan: {plan.customers_per_arm:,} customers per arm to detect {plan.effect} at a "
        f"{_pct(plan.baseline)} baseline (alpha {plan.alpha:g}, power {plan.power:g})"
    ]
    if plan.days is not None:
        lines.append(f"      about {plan.days:,} days at the map's traffic")
    return lines


def _comparison_line(c: Comparison) -> str:
    return (
        f"  {c.arm}: {_pp(c.difference)} {_span(c.difference_interval)}, lift "
        f"{_pct(c.relative_lift)} {_span(c.relative_lift_interval, '%')}; p {_p(c.p_value)} "
        f"({c.test}, Holm {_p(c.p_value_adjusted)}); sequential p {_p(c.sequential_p_value)} "
        f"{_span(c.confidence_sequence)}; chance to beat control "
        f"{_pct(c.chance_to_beat_control)}"
    )


def _change(g: Guardrail) -> str:
    """A guardrail's difference and interval: points of a proportion, or of the scale.

    >>> _change(Guardrail("b", "nps", "paid", "lower", 30.0, 26.0, -4.0, (-9.1, 1.1), "2pp",
    ...                   2.0, "unclear"))
    '-4.00 points (-9.10 to +1.10)'
    """
    if g.metric in ("ces", "nps"):
        if g.difference is None:
            return "n/a"
        ci = g.difference_interval
        span = "(n/a)" if ci is None else f"({ci[0]:+.2f} to {ci[1]:+.2f})"
        return f"{g.difference:+.2f} points {span}"
    return f"{_pp(g.difference)} {_span(g.difference_interval)}"


def guardrail_lines(r: Readout) -> list[str]:
    if not r.guardrails:
        return []
    lines = ["", "guardrails (worse when the metric goes the way shown):"]
    lines += [
        f"  {g.arm:<12} {g.metric} at {g.subject:<16} worse {g.worse_when:<6} "
        f"{_change(g)}, tolerated {g.tolerance}: {g.verdict.upper()}"
        for g in r.guardrails
    ]
    return lines


def table(r: Readout) -> str:
    lines = [
        f"experiment {r.experiment or '(no experiments: entry)'}: control {r.control}, "
        f"counted in {r.unit}",
        "",
    ]
    lines += [
        f"  {a.name:<16} {a.customers:>10,} customers {a.conversions:>9,} converted "
        f"{_pct(a.conversion, 2):>8} {_level(a.conversion_interval)}"
        for a in r.arms
    ]
    lines += [
        "",
        f"sample ratio: p {_p(r.srm.p_value)}"
        + (" MISMATCH" if r.srm.mismatch else " (as planned)"),
        "",
        "conversion against the control:",
    ]
    lines += [_comparison_line(c) for c in r.comparisons]
    lines += ["", "drop-off per touchpoint (customers who left there / reached it):"]
    lines += [
        f"  {t.arm:<12} {t.name:<24} {_pct(t.control_drop_off):>7} -> {_pct(t.drop_off):>7} "
        f"{_pp(t.difference):>10}  q {_p(t.q_value)}"
        for t in r.touchpoints
    ]
    lines += guardrail_lines(r)
    lines += [
        "",
        *plan_lines(r.plan),
        *(f"note: {n}" for n in r.notes),
        "",
        f"decision: {r.decision.value.upper()}: {r.reason}",
    ]
    return "\n".join(lines) + "\n"


def markdown(r: Readout) -> str:
    rows = [
        "| arm | customers | conversions | conversion | 95% interval |",
        "|---|---:|---:|---:|---|",
    ]
    rows += [
        f"| {a.name} | {a.customers:,} | {a.conversions:,} | {_pct(a.conversion, 2)} | "
        f"{_level(a.conversion_interval)} |"
        for a in r.arms
    ]
    cmp = [
        "| arm | difference | relative lift | p (Holm) | sequential p | chance to beat |",
        "|---|---|---|---|---|---:|",
    ]
    cmp += [
        f"| {c.arm} | {_pp(c.difference)} {_span(c.difference_interval)} | "
        f"{_pct(c.relative_lift)} {_span(c.relative_lift_interval, '%')} | "
        f"{_p(c.p_value_adjusted)} | {_p(c.sequential_p_value)} | "
        f"{_pct(c.chance_to_beat_control)} |"
        for c in r.comparisons
    ]
    rails = [
        "| arm | guardrail | worse when | change | tolerated | verdict |",
        "|---|---|---|---|---|---|",
    ]
    rails += [
        f"| {g.arm} | {g.metric} at {g.subject} | {g.worse_when} | {_change(g)} | "
        f"{g.tolerance} | **{g.verdict}** |"
        for g in r.guardrails
    ]
    title = f"Experiment {r.experiment}" if r.experiment else "Experiment"
    out = [
        f"### {title}: **{r.decision.value}**",
        "",
        r.reason,
        "",
        *rows,
        "",
        *cmp,
        "",
        *([*rails, ""] if r.guardrails else []),
        f"Sample ratio mismatch p-value: {_p(r.srm.p_value)}.",
        "",
        *(f"- {n}" for n in r.notes),
        "",
        *plan_lines(r.plan),
    ]
    return "\n".join(out) + "\n"


def render(r: Readout, fmt: str, position: Position | None = None) -> str:
    """``table``, ``json``, ``markdown``, ``csv`` or ``github`` (annotating ``position``)."""
    from journeymap.report.experiment_formats import github, to_csv

    if fmt == "csv":
        return to_csv(r)
    if fmt == "github":
        return github(r, position)
    if fmt == "json":
        return json.dumps(r.to_dict(), indent=2) + "\n"
    return markdown(r) if fmt == "markdown" else table(r)


def render_plan(plan: Plan, fmt: str, arms: Sequence[str]) -> str:
    """The plan as text, JSON, or CSV rows (``plan_*`` metrics, the effect as the subject)."""
    if fmt == "json":
        return json.dumps({"plan": vars(plan), "arms": list(arms)}, indent=2) + "\n"
    if fmt == "csv":
        from journeymap.report.experiment_formats import CSV_COLUMNS

        rows = [",".join(CSV_COLUMNS)]
        for key in ("customers_per_arm", "baseline", "alpha", "power", "days"):
            value = getattr(plan, key)
            rows.append(f",plan_{key},{plan.effect},{'' if value is None else value},,,,")
        return "\n".join(rows) + "\n"
    return "\n".join(plan_lines(plan)) + "\n"
