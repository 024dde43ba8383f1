"""matplotlib charts: emotion curves, stage funnel, leak Pareto, survey scores.

Each function returns the picture as bytes in ``svg``, ``png`` or ``pdf``. Figures read the
typed analysis (``StageFigures.reach_probability``, ``Leak.lost_value`` ...) and print numbers
through :mod:`journeymap.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from journeymap import graph as g
from journeymap.errors import UsageError
from journeymap.figures import integer, percent, period, score, whole_money
from journeymap.i18n import N_
from journeymap.render.mpl import (
    Measurer,
    new_figure,
    percent_ticks,
    save,
    style,
    thousands_ticks,
    wrap,
)
from journeymap.render.persona_curves import emotion_axes
from journeymap.render.scene import Scene
from journeymap.render.text import mpl_text, shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from journeymap.analysis import Analysis
    from journeymap.analysis.results import Leak
    from journeymap.analysis.survey_figures import Ces, Csat, Nps
    from journeymap.figures import SurveyKind

FORMATS = ("svg", "png", "pdf")


def _title(fig: Figure, scene: Scene, what: str) -> None:
    sub = " · ".join(
        x
        for x in (
            scene.period and period(scene.period, lang=scene.lang),
            scene.scenario and scene.t.gettext("scenario {name}").format(name=scene.scenario),
        )
        if x
    )
    fig.text(
        0.01, 0.985, mpl_text(scene.map.title), ha="left", va="top", fontsize=15, fontweight="bold"
    )
    fig.text(
        0.01,
        0.935,
        mpl_text(scene.t.gettext(what) + (f" · {sub}" if sub else "")),
        ha="left",
        va="top",
        fontsize=10,
        color=scene.theme.muted,
    )


def _need_analysis(scene: Scene, view: str) -> Analysis:
    if scene.analysis is None:
        raise UsageError(f"the {view} view needs the analysis of the map's numbers")
    return scene.analysis


# ----------------------------------------------------------------------------------- emotions


def emotions_chart(scene: Scene, fmt: str) -> bytes:
    """The emotion curve per persona or scenario along the touchpoints, pain points marked."""
    order: list[str] = []
    for curve in scene.curves:
        for tid in curve.emotions:
            if tid not in order:
                order.append(tid)
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    stage_of = {tp.id: s for s, tp in scene.map.iter_touchpoints()}
    with style(scene):
        width = min(max(7.0, 0.75 * len(order) + 3), 24.0)
        fig = new_figure(width, 5.2)
        _title(fig, scene, N_("Emotion along the journey"))
        ax = fig.add_axes((0.07, 0.17, 0.76, 0.67))
        xs = {tid: float(i) for i, tid in enumerate(order)}
        t = scene.theme
        # stage bands
        bands: list[tuple[str, int, int]] = []
        for i, tid in enumerate(order):
            sname = stage_of[tid].name if tid in stage_of else ""
            if bands and bands[-1][0] == sname:
                bands[-1] = (sname, bands[-1][1], i)
            else:
                bands.append((sname, i, i))
        for k, (sname, a, b) in enumerate(bands):
            if k % 2 == 0:
                ax.axvspan(a - 0.5, b + 0.5, color=t.cluster, zorder=0, lw=0)
            ax.text(
                (a + b) / 2,
                1.0,
                shorten(mpl_text(sname), int(8 * (b - a + 1)) + 4),
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=9,
                fontweight="bold",
            )
        emotion_axes(ax, scene, xs)
        ax.set_xlim(-0.5, len(order) - 0.5)
        m = Measurer(fig, lang=scene.map.language)
        labels = ["\n".join(wrap(m, mpl_text(names.get(tid, tid)), 62, 8)[:3]) for tid in order]
        ax.set_xticks([xs[tid] for tid in order], labels, fontsize=8, rotation=0)
        lo, hi = scene.map.emotion_scale
        scale = scene.t.gettext("emotion ({low} to {high})")
        ax.set_ylabel(scale.format(low=f"{lo:g}", high=f"{hi:+g}").replace("-", "−"))
        ax.grid(axis="y", alpha=0.6)
        return save(fig, fmt)


# ------------------------------------------------------------------------------------- funnel


def funnel_chart(scene: Scene, fmt: str) -> bytes:
    """Reach of each stage from entry (``stages[].reach_probability``)."""
    stages = _need_analysis(scene, "funnel").stages
    names = dict(scene.graph.graph[g.STAGES])
    t = scene.theme
    with style(scene):
        fig = new_figure(9.0, max(3.0, 0.55 * len(stages) + 1.8))
        _title(fig, scene, N_("Funnel: share of entries that reach each stage"))
        ax = fig.add_axes((0.28, 0.10, 0.66, 0.72))
        labels = [mpl_text(shorten(names.get(s.id, s.id), 40)) for s in stages]
        values = [s.reach_probability for s in stages]
        ys = list(range(len(stages)))[::-1]
        for y, v, st in zip(ys, values, stages, strict=True):
            if v is None:
                note = (
                    scene.t.gettext("after the goal: not part of the conversion chain")
                    if st.after_goal
                    else scene.t.gettext("undefined (no journey enters the chain)")
                )
                ax.text(0.5, y, note, ha="center", va="center", fontsize=9, color=t.muted)
                continue
            ax.barh(y, v, color=t.accent, height=0.62, left=(1 - v) / 2)
            inside = v >= 0.2
            ax.text(
                0.5 if inside else 0.5 + v / 2 + 0.01,
                y,
                percent(v, 1, lang=scene.lang),
                ha="center" if inside else "left",
                va="center",
                fontsize=10,
                fontweight="bold",
                color=t.text_on(t.accent) if inside else t.foreground,
            )
        ax.set_yticks(ys, labels)
        ax.set_xlim(0, 1)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return save(fig, fmt)


# -------------------------------------------------------------------------------------- leaks


def leaks_chart(scene: Scene, fmt: str, top: int = 15) -> bytes:
    """Pareto of value lost per leak with its bootstrap interval, cumulative share on top."""
    leaks = [x for x in _need_analysis(scene, "leaks").leaks if (x.lost_conversions or 0) > 0][:top]
    t = scene.theme
    priced = all(x.lost_value is not None for x in leaks) and bool(leaks)
    unit = (
        (scene.currency or scene.t.gettext("value")) if priced else scene.t.gettext("conversions")
    )
    with style(scene):
        fig = new_figure(max(8.0, 0.9 * len(leaks) + 3), 5.4)
        what = (
            N_("Leaks: value lost per touchpoint, with 95% bootstrap interval")
            if priced
            else N_("Leaks: conversions lost per touchpoint, with 95% bootstrap interval")
        )
        _title(fig, scene, what)
        ax = fig.add_axes((0.09, 0.26, 0.80, 0.58))
        if not leaks:
            ax.text(
                0.5,
                0.5,
                scene.t.gettext("no leak loses conversions (or the map has no goal)"),
                ha="center",
                va="center",
                transform=ax.transAxes,
                color=t.muted,
            )
            ax.set_axis_off()
            return save(fig, fmt)
        values, lows, highs = _leak_bars(leaks, priced)
        xs = list(range(len(leaks)))
        colors = [t.leak_strong if i < 3 else t.leak for i in xs]
        ax.bar(xs, values, color=colors, width=0.7, zorder=2)
        if any(lows) or any(highs):
            ax.errorbar(
                xs,
                values,
                yerr=[lows, highs],
                fmt="none",
                ecolor=t.foreground,
                elinewidth=1.2,
                capsize=4,
                zorder=3,
            )
        _label_leaks(fig, ax, scene, leaks, values, priced)
        ax.set_ylabel(scene.t.gettext("lost ({unit})").format(unit=unit))
        ax.yaxis.set_major_formatter(thousands_ticks(scene.lang))
        ax.grid(axis="y", alpha=0.6, zorder=0)
        ax.set_ylim(0, max(v + h for v, h in zip(values, highs, strict=True)) * 1.18 or 1)
        _cumulative_share(ax, scene, xs, values)
        return save(fig, fmt)


def _leak_bars(leaks: Sequence[Leak], priced: bool) -> tuple[list[float], list[float], list[float]]:
    """Each leak's bar (value lost, or conversions lost when unpriced) and the arms of its
    interval below and above the bar, priced at the leak's own value per conversion."""
    values, lows, highs = [], [], []
    for x in leaks:
        lost = x.lost_conversions or 0.0
        price = (x.lost_value or 0.0) / lost if priced and lost else 1.0
        v = (x.lost_value or 0.0) if priced else lost
        lo_, hi_ = x.lost_conversions_interval or (lost, lost)
        values.append(v)
        lows.append(max(v - float(lo_) * price, 0.0))
        highs.append(max(float(hi_) * price - v, 0.0))
    return values, lows, highs


def _label_leaks(
    fig: Figure,
    ax: Axes,
    scene: Scene,
    leaks: Sequence[Leak],
    values: Sequence[float],
    priced: bool,
) -> None:
    """The figure above each bar and the rank and touchpoint name under it."""
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    for i, v in enumerate(values):
        ax.text(
            i,
            v,
            (whole_money(v, None, lang=scene.lang) if priced else integer(v, lang=scene.lang))
            + "\n",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    m = Measurer(fig, lang=scene.map.language)
    labels = [
        f"#{x.rank}\n"
        + "\n".join(wrap(m, mpl_text(names.get(x.touchpoint, x.touchpoint)), 70, 8)[:3])
        for x in leaks
    ]
    ax.set_xticks(list(range(len(leaks))), labels, fontsize=8)


def _cumulative_share(ax: Axes, scene: Scene, xs: list[int], values: Sequence[float]) -> None:
    """The Pareto line: the cumulative share of the total lost, on a second axis."""
    total = sum(values)
    if total > 0:
        t = scene.theme
        ax2 = ax.twinx()
        cum = []
        run = 0.0
        for v in values:
            run += v
            cum.append(run / total)
        ax2.plot(xs, cum, color=t.accent, marker="o", ms=4, lw=1.6, zorder=4)
        ax2.set_ylim(0, 1.05)
        ax2.set_ylabel(scene.t.gettext("cumulative share"), color=t.accent)
        ax2.yaxis.set_major_formatter(percent_ticks(scene.lang))
        ax2.spines["right"].set_visible(True)


# ------------------------------------------------------------------------------------- scores


def _score_panels(scene: Scene) -> list[tuple[SurveyKind, str, list[tuple[str, Nps | Csat | Ces]]]]:
    """One panel per survey kind with answers: its title and the touchpoints with a headline
    figure, in map order."""
    order = [tp.id for _, tp in scene.map.iter_touchpoints()]
    panels: list[tuple[SurveyKind, str, list[tuple[str, Nps | Csat | Ces]]]] = []
    kinds: tuple[tuple[SurveyKind, str], ...] = (
        ("nps", N_("NPS (−100 to 100)")),
        ("csat", N_("CSAT (% satisfied)")),
        ("ces", N_("CES (mean on its scale)")),
    )
    for metric, title in kinds:
        rows = []
        for tid in order:
            s = scene.survey(tid).metric(metric)
            if s is not None and s.headline is not None:
                rows.append((tid, s))
        if rows:
            panels.append((metric, title, rows))
    return panels


def scores_chart(scene: Scene, fmt: str) -> bytes:
    """NPS, CSAT and CES per touchpoint with intervals and response counts."""
    _need_analysis(scene, "scores")
    t = scene.theme
    panels = _score_panels(scene)
    with style(scene):
        n_rows = max((len(p[2]) for p in panels), default=1)
        fig = new_figure(max(4.2 * max(len(panels), 1) + 2.2, 8.0), 0.42 * n_rows + 2.4)
        _title(fig, scene, N_("Survey scores per touchpoint (95% intervals, n = responses)"))
        if not panels:
            none = scene.t.gettext("the map has no survey responses")
            fig.text(0.5, 0.45, none, ha="center", color=t.muted)
            return save(fig, fmt)
        left = 0.02
        width = 0.96 / len(panels)
        for metric, title, rows in panels:
            ax = fig.add_axes((left + width * 0.40, 0.10, width * 0.40, 0.72))
            left += width
            _score_panel(ax, scene, metric, title, rows)
        return save(fig, fmt)


def _score_panel(
    ax: Axes,
    scene: Scene,
    metric: SurveyKind,
    title: str,
    rows: Sequence[tuple[str, Nps | Csat | Ces]],
) -> None:
    """One survey kind's bars, the NPS intervals, and each bar's figure with its responses."""
    t = scene.theme
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    ys = list(range(len(rows)))[::-1]
    values = [s.headline or 0.0 for _, s in rows]
    color = {
        "nps": t.accent,
        "csat": t.lines[2 % len(t.lines)],
        "ces": t.lines[3 % len(t.lines)],
    }[metric]
    ax.barh(ys, values, color=color, height=0.6, zorder=2)
    for y, (_, s), v in zip(ys, rows, values, strict=True):
        if metric == "nps" and s.interval is not None:
            # the adjusted Wald interval is centred on the adjusted score, so it need not
            # contain the score (one promoter: NPS +100, interval -48.5..98.5): the bar
            # is drawn from low to high around its own centre, never with negative arms
            low, high = s.interval
            ax.errorbar(
                [(low + high) / 2],
                [y],
                xerr=[[(high - low) / 2], [(high - low) / 2]],
                fmt="none",
                ecolor=t.foreground,
                capsize=3,
                zorder=3,
            )
        lang = scene.lang
        label = score(metric, v, typographic=True, lang=lang)
        ax.text(
            1.02,
            y,
            f"{label}  n={integer(s.responses, lang=lang)}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
        )
    ax.set_yticks(ys, [mpl_text(shorten(names.get(tid, tid), 28)) for tid, _ in rows], fontsize=8)
    ax.set_title(scene.t.gettext(title), fontsize=10, loc="left")
    if metric == "nps":
        ax.set_xlim(-100, 100)
        ax.axvline(0, color=t.muted, lw=0.8)
    elif metric == "csat":
        ax.set_xlim(0, 100)
    ax.grid(axis="x", alpha=0.5, zorder=0)
