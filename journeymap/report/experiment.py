"""An experiment readout (:class:`journeymap.analysis.experiment.Readout`) or plan to text.

The table is for the terminal, Markdown is a pull-request comment, JSON is the contract of
docs/experiments.md (``Readout.to_dict()``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from journeymap.analysis.experiment import Comparison, Guardrail, Readout
from journeymap.analysis.experiment_plan import Plan
from journeymap.figures import MISSING, count, p_value, percent, points, score_change, score_kind
from journeymap.findings import Number
from journeymap.i18n import ENGLISH, N_, Language, Translator, translator
from journeymap.report.formats import pad
from journeymap.source import Position


def _pct(v: float | None, digits: int = 1, lang: Language = ENGLISH) -> str:
    return percent(v, digits, lang=lang)


def _num(v: float, spec: str, t: Translator | None) -> str:
    """A number in the separators of ``t``'s language (:class:`journeymap.findings.Number`)."""
    return Number(v, spec).format(t)


def _pp(v: float | None, t: Translator | None = None) -> str:
    """A difference of proportions in percentage points: ``+1.20 pp`` (``+1,20 п. п.``)."""
    return points(v, 2, lang=ENGLISH if t is None else t.lang)


def _span(ci: tuple[float, float] | None, fmt: str = "pp", t: Translator | None = None) -> str:
    """``(0.1 to 2.3)``: an interval in points or percent.

    >>> _span((0.001, 0.023)), _span((-0.05, 0.2), "%"), _span(None)
    ('(+0.10 to +2.30)', '(-5.0% to +20.0%)', '(–)')
    """
    if ci is None:
        return f"({MISSING})"
    to = (t or translator(ENGLISH)).gettext("({low} to {high})")
    if fmt == "%":
        return to.format(low=_num(ci[0], "+.1%", t), high=_num(ci[1], "+.1%", t))
    return to.format(low=_num(ci[0] * 100, "+.2f", t), high=_num(ci[1] * 100, "+.2f", t))


def _level(ci: tuple[float, float] | None, t: Translator) -> str:
    """A proportion's interval: ``(8.3% to 12.0%)``."""
    if ci is None:
        return f"({MISSING})"
    return t.gettext("({low} to {high})").format(
        low=percent(ci[0], lang=t.lang), high=percent(ci[1], lang=t.lang)
    )


def plan_lines(plan: Plan, *, lang: Language = ENGLISH) -> list[str]:
    """The plan in words.

    >>> plan_lines(Plan(14751, 0.1, "10%", 0.05, 0.8, 30))[0]
    'plan: 14,751 customers per arm to detect 10% at a 10.0% baseline (alpha 0.05, power 0.8)'
    """
    t = translator(lang)
    base = _pct(plan.baseline, lang=lang)
    if plan.customers_per_arm is None:
        return [
            t.gettext("plan: no sample size (baseline {baseline}; effect {effect})").format(
                baseline=base, effect=plan.effect
            )
        ]
    lines = [
        t.ngettext(
            "plan: {n} customer per arm to detect {effect} at a {baseline} baseline "
            "(alpha {alpha}, power {power})",
            "plan: {n} customers per arm to detect {effect} at a {baseline} baseline "
            "(alpha {alpha}, power {power})",
            plan.customers_per_arm,
        ).format(
            n=count(plan.customers_per_arm, lang=lang),
            effect=plan.effect,
            baseline=base,
            alpha=_num(plan.alpha, "g", t),
            power=_num(plan.power, "g", t),
        )
    ]
    if plan.days is not None:
        days = t.ngettext(
            "about {n} day at the map's traffic", "about {n} days at the map's traffic", plan.days
        )
        lines.append("      " + days.format(n=count(plan.days, lang=lang)))
    return lines


def _comparison_line(c: Comparison, t: Translator) -> str:
    L = t.lang
    return "  " + t.gettext(
        "{arm}: {difference} {interval}, lift {lift} {lift_interval}; p {p} ({test}, Holm "
        "{p_holm}); sequential p {p_seq} {sequence}; chance to beat control {chance}"
    ).format(
        arm=c.arm,
        difference=_pp(c.difference, t),
        interval=_span(c.difference_interval, t=t),
        lift=_pct(c.relative_lift, lang=L),
        lift_interval=_span(c.relative_lift_interval, "%", t),
        p=p_value(c.p_value, lang=L),
        test=c.test,
        p_holm=p_value(c.p_value_adjusted, lang=L),
        p_seq=p_value(c.sequential_p_value, lang=L),
        sequence=_span(c.confidence_sequence, t=t),
        chance=_pct(c.chance_to_beat_control, lang=L),
    )


def _change(g: Guardrail, t: Translator | None = None) -> str:
    """A guardrail's difference and interval: points of a proportion, or of the scale.

    >>> _change(Guardrail("b", "nps", "paid", "lower", 30.0, 26.0, -4.0, (-9.1, 1.1), "2pp",
    ...                   2.0, "unclear"))
    '-4.0 points (-9.1 to +1.1)'
    >>> _change(Guardrail("b", "ces", "paid", "lower", 5.5, 5.1, -0.4, (-0.5, -0.3), "0.2",
    ...                   0.2, "breached"))
    '-0.40 points (-0.50 to -0.30)'
    """
    t = t or translator(ENGLISH)
    kind = score_kind(g.metric)
    if kind == "ces" or kind == "nps":
        if g.difference is None:
            return MISSING
        ci = g.difference_interval
        to = t.gettext("({low} to {high})")
        L = t.lang
        span = (
            f"({MISSING})"
            if ci is None
            else to.format(
                low=score_change(kind, ci[0], lang=L), high=score_change(kind, ci[1], lang=L)
            )
        )
        return t.gettext("{difference} points {interval}").format(
            difference=score_change(kind, g.difference, lang=L), interval=span
        )
    return f"{_pp(g.difference, t)} {_span(g.difference_interval, t=t)}"


def _at(t: Translator, metric: str, subject: str) -> str:
    """ "nps at paid"."""
    return t.gettext("{metric} at {subject}").format(metric=metric, subject=subject)


def guardrail_lines(r: Readout, *, lang: Language = ENGLISH) -> list[str]:
    if not r.guardrails:
        return []
    t = translator(lang)
    lines = ["", t.gettext("guardrails (worse when the metric goes the way shown):")]
    lines += [
        "  "
        + t.gettext(
            "{arm} {where} worse {direction} {change}, tolerated {tolerance}: {verdict}"
        ).format(
            arm=pad(g.arm, 12),
            where=f"{g.metric} " + pad(t.gettext("at {subject}").format(subject=g.subject), 19),
            direction=pad(t.gettext(g.worse_when), 6),
            change=_change(g, t),
            tolerance=g.tolerance,
            verdict=t.gettext(g.verdict).upper(),
        )
        for g in r.guardrails
    ]
    return lines


def table(r: Readout, *, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    L = lang
    name = r.experiment or t.gettext("(no experiments: entry)")
    lines = [
        t.gettext("experiment {name}: control {control}, counted in {unit}").format(
            name=name, control=r.control, unit=t.gettext(_UNITS.get(r.unit, r.unit))
        ),
        "",
    ]
    lines += [
        "  "
        + t.gettext(
            "{arm} {customers} customers {conversions} converted {conversion} {interval}"
        ).format(
            arm=pad(a.name, 16),
            customers=pad(count(a.customers, lang=L), 10, right=True),
            conversions=pad(count(a.conversions, lang=L), 9, right=True),
            conversion=pad(_pct(a.conversion, 2, L), 8, right=True),
            interval=_level(a.conversion_interval, t),
        )
        for a in r.arms
    ]
    srm = t.gettext("MISMATCH") if r.srm.mismatch else t.gettext("(as planned)")
    lines += [
        "",
        t.gettext("sample ratio: p {p} {verdict}").format(
            p=p_value(r.srm.p_value, lang=L), verdict=srm
        ),
        "",
        t.gettext("conversion against the control:"),
    ]
    lines += [_comparison_line(c, t) for c in r.comparisons]
    lines += ["", t.gettext("drop-off per touchpoint (customers who left there / reached it):")]
    lines += [
        f"  {pad(tp.arm, 12)} {pad(tp.name, 24)} {_pct(tp.control_drop_off, lang=L):>7} -> "
        f"{_pct(tp.drop_off, lang=L):>7} {_pp(tp.difference, t):>10}  q {p_value(tp.q_value, lang=L)}"
        for tp in r.touchpoints
    ]
    lines += guardrail_lines(r, lang=lang)
    note = t.gettext("note: {note}")
    lines += [
        "",
        *plan_lines(r.plan, lang=lang),
        *(note.format(note=n) for n in r.notes_in(t)),
        "",
        t.gettext("decision: {decision}: {reason}").format(
            decision=t.gettext(r.decision.value).upper(), reason=r.reason_in(t)
        ),
    ]
    return "\n".join(lines) + "\n"


_UNITS = {"customers": N_("customers")}
"""The unit an experiment is counted in (``Readout.unit``), in words."""


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown(r: Readout, *, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    L = lang
    arm = t.gettext("arm")
    head = [arm, t.gettext("customers"), t.gettext("conversions"), t.gettext("conversion")]
    rows = [
        _md_row([*head, t.gettext("95% interval")]),
        "|---|---:|---:|---:|---|",
    ]
    rows += [
        f"| {a.name} | {count(a.customers, lang=L)} | {count(a.conversions, lang=L)} | "
        f"{_pct(a.conversion, 2, L)} | {_level(a.conversion_interval, t)} |"
        for a in r.arms
    ]
    head = [arm, t.gettext("difference"), t.gettext("relative lift"), t.gettext("p (Holm)")]
    cmp = [
        _md_row([*head, t.gettext("sequential p"), t.gettext("chance to beat")]),
        "|---|---|---|---|---|---:|",
    ]
    cmp += [
        f"| {c.arm} | {_pp(c.difference, t)} {_span(c.difference_interval, t=t)} | "
        f"{_pct(c.relative_lift, lang=L)} {_span(c.relative_lift_interval, '%', t)} | "
        f"{p_value(c.p_value_adjusted, lang=L)} | {p_value(c.sequential_p_value, lang=L)} | "
        f"{_pct(c.chance_to_beat_control, lang=L)} |"
        for c in r.comparisons
    ]
    head = [arm, t.gettext("guardrail"), t.gettext("worse when"), t.gettext("change")]
    rails = [
        _md_row([*head, t.gettext("tolerated"), t.gettext("verdict")]),
        "|---|---|---|---|---|---|",
    ]
    rails += [
        f"| {g.arm} | {_at(t, g.metric, g.subject)} | {t.gettext(g.worse_when)} | "
        f"{_change(g, t)} | {g.tolerance} | **{t.gettext(g.verdict)}** |"
        for g in r.guardrails
    ]
    title = (
        t.gettext("Experiment {name}").format(name=r.experiment)
        if r.experiment
        else t.gettext("Experiment")
    )
    out = [
        f"### {title}: **{t.gettext(r.decision.value)}**",
        "",
        r.reason_in(t),
        "",
        *rows,
        "",
        *cmp,
        "",
        *([*rails, ""] if r.guardrails else []),
        t.gettext("Sample ratio mismatch p-value: {p}.").format(p=p_value(r.srm.p_value, lang=L)),
        "",
        *(f"- {n}" for n in r.notes_in(t)),
        "",
        *plan_lines(r.plan, lang=lang),
    ]
    return "\n".join(out) + "\n"


def render(
    r: Readout, fmt: str, position: Position | None = None, *, lang: Language = ENGLISH
) -> str:
    """``table``, ``json``, ``markdown``, ``csv`` or ``github`` (annotating ``position``);
    ``lang`` is the language of ``table`` and ``markdown`` (the others stay English)."""
    from journeymap.report.experiment_formats import github, to_csv

    if fmt == "csv":
        return to_csv(r)
    if fmt == "github":
        return github(r, position)
    if fmt == "json":
        return json.dumps(r.to_dict(), indent=2) + "\n"
    return markdown(r, lang=lang) if fmt == "markdown" else table(r, lang=lang)


def render_plan(plan: Plan, fmt: str, arms: Sequence[str], *, lang: Language = ENGLISH) -> str:
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
    return "\n".join(plan_lines(plan, lang=lang)) + "\n"
