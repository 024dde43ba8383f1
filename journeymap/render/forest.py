"""The forest plot of an experiment's readout (``render --view experiment``; issue 10).

One row per difference of :class:`journeymap.analysis.experiment.Readout`, each a point with its
95% interval against a zero line: the primary metric of each arm against the control (the
difference of conversion with Newcombe's hybrid-score interval, Newcombe 1998), its guardrails
(the same differences, or Welch's and the trinomial interval for CES and NPS) and the drop-off
at every touchpoint (Newcombe's interval; lower is better). Proportions are in percentage
points, CES and NPS in points of their scale, in a panel of their own.

A row is *marked* when the readout calls it significant: the Holm-adjusted p-value of the
primary metric, or the Benjamini-Hochberg q-value of a touchpoint, under the experiment's alpha;
a guardrail when its verdict is ``breached``. Marked rows are filled, blue when the arm is better
and vermillion when worse (the theme's colours, Okabe-Ito); the others are hollow. A difference
the readout could not compute (an arm without customers at a touchpoint, a survey without
answers) is left out of the plot and counted, with its reason, under it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.errors import UsageError
from journeymap.figures import RANGE, SurveyKind, in_brackets, score_change, score_kind, signed
from journeymap.i18n import N_, Translator, translator
from journeymap.i18n.numbers import pp, range_word
from journeymap.render import linebreak
from journeymap.render.mpl import new_figure, save, style
from journeymap.render.scene import Scene
from journeymap.render.text import mpl_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from journeymap.analysis.experiment import Guardrail, Readout

PROPORTION = "pp"
SCALE = "points"
GROUPS = ("primary metric", "guardrails", "drop-off at each touchpoint")
METRIC_WORDS = {
    "conversion": N_("conversion"),
    "reach": N_("reached"),
    "drop_off": N_("drop-off"),
    "csat": "CSAT",
    "ces": "CES",
    "nps": "NPS",
}
"""Guardrail metrics in plain words (English; translated where shown)."""
DECISIONS = (N_("ship"), N_("harm"), N_("inconclusive"), N_("invalid"))
"""The decisions of a readout, translated in the title."""
EN = translator("en")


@dataclass(frozen=True)
class ForestRow:
    """One difference of the readout, as drawn."""

    group: str
    """One of :data:`GROUPS`."""
    label: str
    difference: float
    """In the unit's terms: a fraction for ``pp`` rows, points of the scale for ``points``."""
    interval: tuple[float, float] | None
    unit: str
    """``pp`` (a proportion) or ``points`` (CES, NPS)."""
    marked: bool
    better: bool
    """The arm does better than the control on this row (the sign, read the metric's way)."""
    sequence: tuple[float, float] | None = None
    """The always-valid confidence sequence (primary metric only), drawn thin."""
    kind: SurveyKind | None = None
    """The survey score of a ``points`` row (its change is written to the score's detail
    decimals, :func:`journeymap.figures.score_change`)."""

    @property
    def text(self) -> str:
        """``+1.2 pp (+0.1 to +2.3)`` or ``-0.40 points (-0.90 to +0.10)``."""
        return self.text_in(EN)

    def text_in(self, t: Translator) -> str:
        """:attr:`text` in the language of ``t`` (its numbers and units)."""
        if self.unit == PROPORTION:
            head = signed(self.difference * 100, 1, lang=t.lang)
            return f"{head} {pp(t.lang)}" + _span(self.interval, 100.0, 1, t)
        kind = self.kind
        fmt: Callable[[float], str] = (
            (lambda v: signed(v, 2, lang=t.lang))
            if kind is None
            else (lambda v: score_change(kind, v, typographic=True, lang=t.lang))
        )
        return t.gettext("{n} points").format(n=fmt(self.difference)) + span(self.interval, fmt, t)


def span(iv: tuple[float, float] | None, fmt: Callable[[float], str], t: Translator = EN) -> str:
    """`` (+0.2 to +5.8)``: an interval of signed ends (an en dash between signs reads badly).

    >>> span((0.002, 0.058), lambda v: signed(v * 100, 1)), span(None, str)
    (' (+0.2 to +5.8)', '')
    """
    return in_brackets(iv, fmt).replace(RANGE, f" {range_word(t.lang)} ")


def _span(iv: tuple[float, float] | None, scale: float, digits: int, t: Translator) -> str:
    return span(iv, lambda v: signed(v * scale, digits, lang=t.lang), t)


@dataclass(frozen=True)
class Forest:
    """The rows of the plot and the differences left out of it, each with its reason."""

    rows: tuple[ForestRow, ...]
    left_out: tuple[str, ...]


def forest_rows(r: Readout, names: dict[str, str], t: Translator = EN) -> Forest:
    """The rows of a readout in plot order: primary, guardrails, touchpoints (arms in order);
    labels in the language of ``t``."""
    from journeymap.analysis.experiment import deciding_p, sample_reached

    alpha, reached = r.plan.alpha, sample_reached(r.arms, r.plan)
    rows: list[ForestRow] = []
    left: list[str] = []
    for c in r.comparisons:
        against = t.gettext("{metric} against {control}")
        label = f"{c.arm}: {against.format(metric=t.gettext(c.metric), control=r.control)}"
        if c.difference is None:
            none = t.gettext("no customers in an arm")
            left.append(f"{label}: {none}")
            continue
        rows.append(
            ForestRow(
                GROUPS[0],
                label,
                c.difference,
                c.difference_interval,
                PROPORTION,
                deciding_p(c, reached) < alpha,
                c.difference > 0,
                c.confidence_sequence,
            )
        )
    for g in r.guardrails:
        label = f"{g.arm}: {guardrail_words(g, names, t)}"
        if g.difference is None:
            rail = t.gettext("guardrail")
            left.append(f"{label} ({rail}): {t.gettext(g.verdict)}")
            continue
        unit = SCALE if g.metric in ("ces", "nps") else PROPORTION
        better = g.difference < 0 if g.worse_when == "higher" else g.difference > 0
        rows.append(
            ForestRow(
                GROUPS[1],
                label,
                g.difference,
                g.difference_interval,
                unit,
                g.verdict == "breached",
                better,
                kind=score_kind(g.metric),
            )
        )
    for tp in r.touchpoints:
        at = t.gettext("drop-off at {name}").format(name=tp.name)
        label = f"{tp.arm}: {at}"
        marked = tp.q_value < alpha
        rows.append(
            ForestRow(
                GROUPS[2],
                label,
                tp.difference,
                tp.difference_interval,
                PROPORTION,
                marked,
                tp.difference < 0,
            )
        )
    return Forest(tuple(rows), tuple(left))


def guardrail_words(g: Guardrail, names: dict[str, str], t: Translator = EN) -> str:
    """``drop-off at Checkout``: a guardrail's metric and subject in the language of ``t``."""
    subject = t.gettext("the goals") if g.subject == "goals" else names.get(g.subject, g.subject)
    metric = t.gettext(METRIC_WORDS.get(g.metric, g.metric))
    return t.gettext("{metric} at {subject}").format(metric=metric, subject=subject)


def legend_lines(r: Readout, t: Translator = EN) -> list[str]:
    """What the marks mean, and which figures decide the primary metric."""
    from journeymap.analysis.experiment import sample_reached

    filled = (
        t.gettext(
            "filled: significant at alpha {alpha} (primary metric: the fixed-horizon "
            "Holm-adjusted p-value the decision reads; touchpoints: BH q-value; "
            "guardrails: breached)"
        )
        if sample_reached(r.arms, r.plan)
        else t.gettext(
            "filled: significant at alpha {alpha} (primary metric: the sequential "
            "(always-valid) Holm-adjusted p-value the decision reads; touchpoints: BH q-value; "
            "guardrails: breached)"
        )
    )
    return [
        filled.format(alpha=f"{r.plan.alpha:g}"),
        t.gettext(
            "blue diamond: the arm does better than the control, vermillion square: worse, "
            "hollow: not significant; "
            "thick: 95% interval, dashed: the always-valid confidence sequence"
        ),
    ]


def title_words(r: Readout, t: Translator = EN) -> tuple[str, str]:
    """The title (the decision in it) and the reason below it."""
    name = (
        t.gettext("Experiment {name}").format(name=r.experiment)
        if r.experiment
        else t.gettext("Experiment")
    )
    return f"{name}: {t.gettext(r.decision.value).upper()}", r.reason_in(t)


def _panel(ax: Axes, scene: Scene, rows: Sequence[ForestRow], unit: str) -> None:
    t = scene.theme
    scale = 100.0 if unit == PROPORTION else 1.0
    n = len(rows)
    ys = [n - 1 - i for i in range(n)]
    ax.axvline(0.0, color=t.foreground, lw=1.0, zorder=1)
    for y, row in zip(ys, rows, strict=True):
        color = (t.accent if row.better else t.leak_strong) if row.marked else t.muted
        if row.sequence is not None:
            lo, hi = row.sequence
            ax.plot([lo * scale, hi * scale], [y, y], color=color, lw=0.9, ls="--", zorder=2)
        if row.interval is not None:
            lo, hi = row.interval
            ax.plot([lo * scale, hi * scale], [y, y], color=color, lw=2.0, zorder=2)
        ax.plot(
            [row.difference * scale],
            [y],
            marker=("D" if row.better else "s") if row.marked else "o",
            ms=7,
            color=color,
            markerfacecolor=color if row.marked else t.background,
            markeredgewidth=1.6,
            zorder=3,
            ls="none",
        )
        ax.text(
            1.01,
            y,
            mpl_text(row.text_in(scene.t)),
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8.5,
            color=t.foreground,
        )
    for i in range(1, n):
        if rows[i].group != rows[i - 1].group:
            ax.axhline(ys[i] + 0.5, color=t.grid, lw=0.8, zorder=0)
    ax.set_yticks(ys, [mpl_text(f"{r.label}") for r in rows], fontsize=9)
    ax.set_ylim(-0.7, n - 0.3)
    ax.grid(axis="x", lw=0.5)
    ax.set_axisbelow(True)
    what = (
        scene.t.gettext("difference to the control, percentage points")
        if unit == PROPORTION
        else scene.t.gettext("difference to the control, points of the scale (CES, NPS)")
    )
    intervals = scene.t.gettext("95% intervals")
    ax.set_xlabel(f"{what} · {intervals}", fontsize=9)
    ends = [(r.difference, *(r.interval or ()), *(r.sequence or ())) for r in rows]
    lo = min([0.0] + [min(e) * scale for e in ends])
    hi = max([0.0] + [max(e) * scale for e in ends])
    pad = 0.08 * (hi - lo or 1.0)
    ax.set_xlim(lo - pad, hi + pad)


def _words(scene: Scene, r: Readout, forest: Forest) -> tuple[str, list[str], list[str]]:
    """The title, the reason's lines and the notes under the plot (legend, rows left out)."""
    title, reason = title_words(r, scene.t)
    left_out = scene.t.gettext("left out: {what}")
    notes = [*legend_lines(r, scene.t), *(left_out.format(what=x) for x in forest.left_out)]
    return title, linebreak.wrap(reason, 120, linebreak.cells, lang=scene.lang).texts or [""], notes


def forest_chart(scene: Scene, fmt: str) -> bytes:
    """The forest plot of ``scene.experiment`` as svg, png or pdf bytes."""
    r = scene.experiment
    if r is None:
        raise UsageError(
            "the experiment view needs the arms of an experiment",
            hint="give two or more arms, each a customer-grain overlay",
        )
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    forest = forest_rows(r, names, scene.t)
    panels = [
        (u, [row for row in forest.rows if row.unit == u])
        for u in (PROPORTION, SCALE)
        if any(row.unit == u for row in forest.rows)
    ]
    title, reason_lines, notes = _words(scene, r, forest)
    top_in = 0.55 + 0.2 * len(reason_lines)
    rows_in = sum(0.32 * len(p) + 0.75 for _, p in panels) or 0.5
    bottom_in = 0.5 + 0.18 * len(notes)
    height = top_in + rows_in + bottom_in
    with style(scene):
        fig = new_figure(11.0, height)
        fig.text(
            0.01,
            1 - 0.12 / height,
            mpl_text(f"{scene.map.title} · {title}"),
            ha="left",
            va="top",
            fontsize=14,
            fontweight="bold",
        )
        fig.text(
            0.01,
            1 - 0.45 / height,
            mpl_text("\n".join(reason_lines)),
            ha="left",
            va="top",
            fontsize=9.5,
            color=scene.theme.muted,
        )
        y = 1 - top_in / height
        for unit, rows in panels:
            h = (0.32 * len(rows) + 0.2) / height
            ax = fig.add_axes((0.36, y - h, 0.46, h))
            _panel(ax, scene, rows, unit)
            y -= h + 0.55 / height
        if not panels:
            none = scene.t.gettext("no difference to draw")
            fig.text(0.36, y - 0.2 / height, none, color=scene.theme.muted)
        fig.text(
            0.01,
            0.04 / height + 0.18 * (len(notes) - 1) / height,
            mpl_text("\n".join(notes)),
            ha="left",
            va="bottom",
            fontsize=8,
            color=scene.theme.muted,
            linespacing=1.5,
        )
        return save(fig, fmt)
