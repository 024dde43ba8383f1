"""Small multiples of a trend (``journeymap render MAP --view trend DATA...``, issue 12).

One panel per series, periods on the x axis in period order (the order of
:class:`journeymap.analysis.trend.Trend`, never the order the files were given in):

- **conversion**, then the **drop-off of the touchpoints that move most**: at most
  :data:`MOVERS` touchpoints, those with a signal first (a point beyond its limits, a run of
  eight, a change or a trend), then by the range of their drop-off over the periods
  (highest minus lowest, in points), ties in map order. Each shows its Wilson interval as a
  band and the p-chart of the analysis: the centre line and the 3-sigma limits of each
  period (Laney's p' when the analysis widened them). Points beyond their limits are drawn
  as a filled diamond; the points of a run of eight on one side of the centre as a ring;
- the **survey metrics** (NPS, CSAT, CES) of the journey per period: the responses of every
  touchpoint pooled survey by survey (:func:`journeymap.analysis.surveys.merge_responses`,
  as a stage pools them), the headline figure with its interval as a band. They carry no
  control limits: the analysis charts proportions only.

Panels are built as typed values first (:func:`trend_panels`, tested without drawing); the
figure reads them. Bytes are deterministic (:func:`journeymap.render.mpl.save`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.analysis.comparison import Metric
from journeymap.analysis.survey_figures import SurveyFigures
from journeymap.analysis.trend import Chart, Proportion, Rule, Trend
from journeymap.figures import SURVEY_KINDS, SurveyKind, level, period
from journeymap.i18n import N_, Translator, translator
from journeymap.render.mpl import new_figure, save, style
from journeymap.render.scene import Scene
from journeymap.render.text import mpl_text, shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MOVERS = 3
"""How many touchpoints get a drop-off panel."""
SURVEY_TITLES: dict[SurveyKind, str] = {
    "nps": N_("NPS of the journey (−100 to 100)"),
    "csat": N_("CSAT of the journey (% satisfied)"),
    "ces": N_("CES of the journey (mean)"),
}


@dataclass(frozen=True)
class Panel:
    """One small multiple: a value and its interval per period; the p-chart when charted.

    Proportions are in percent (0-100), survey metrics on their own scale. ``beyond`` and
    ``runs`` are the indexes of the periods flagged by those rules.
    """

    title: str
    values: tuple[float | None, ...]
    low: tuple[float | None, ...]
    high: tuple[float | None, ...]
    centre: float | None = None
    lcl: tuple[float | None, ...] = ()
    ucl: tuple[float | None, ...] = ()
    beyond: tuple[int, ...] = ()
    runs: tuple[int, ...] = ()
    percent: bool = True


def _pct(v: float | None) -> float | None:
    return None if v is None else 100 * v


def _proportion_panel(title: str, points: Sequence[Proportion], c: Chart, t: Trend) -> Panel:
    labels = [p.period for p in t.periods]
    mine = [s for s in t.signals if s.metric == c.metric and s.subject == c.subject]
    beyond = sorted({labels.index(s.period) for s in mine if s.rule == Rule.BEYOND_LIMITS})
    runs: set[int] = set()
    for s in mine:
        if s.rule == Rule.RUN_OF_EIGHT:
            last = labels.index(s.period)
            runs.update(range(last - int(s.value) + 1, last + 1))
    return Panel(
        title,
        tuple(_pct(p.value) for p in points),
        tuple(_pct(p.interval[0]) if p.interval else None for p in points),
        tuple(_pct(p.interval[1]) if p.interval else None for p in points),
        100 * c.centre,
        tuple(map(_pct, c.low)),
        tuple(map(_pct, c.high)),
        tuple(beyond),
        tuple(sorted(runs)),
    )


def movers(t: Trend, k: int = MOVERS) -> list[str]:
    """The touchpoints drawn: signalled first, then by drop-off range, ties in map order."""
    charted = {c.subject for c in t.charts if c.metric == Metric.DROP_OFF}
    signalled = {s.subject for s in t.signals if s.metric == Metric.DROP_OFF}
    ranked = []
    for i, tp in enumerate(t.periods[0].touchpoints if t.periods else ()):
        if tp.id not in charted:
            continue
        values = [v for p in t.periods if (v := p.touchpoints[i].drop_off.value) is not None]
        spread = max(values) - min(values) if values else 0.0
        ranked.append((tp.id not in signalled, -spread, i, tp.id))
    return [r[3] for r in sorted(ranked)[:k]]


def trend_panels(
    t: Trend, surveys: Sequence[SurveyFigures] = (), tr: Translator | None = None
) -> list[Panel]:
    """The panels of the small multiples, in drawing order (see the module docstring); titles
    in the language of ``tr`` (English by default)."""
    tr = tr or translator()
    charts = {(c.metric, c.subject): c for c in t.charts}
    panels = []
    conv = charts.get((Metric.CONVERSION, None))
    if conv is not None:
        title = tr.gettext("Conversion")
        panels.append(_proportion_panel(title, [p.conversion for p in t.periods], conv, t))
    index = {tp.id: i for i, tp in enumerate(t.periods[0].touchpoints)} if t.periods else {}
    for tid in movers(t):
        i = index[tid]
        name = t.periods[0].touchpoints[i].name
        points = [p.touchpoints[i].drop_off for p in t.periods]
        chart = charts[(Metric.DROP_OFF, tid)]
        title = tr.gettext("Drop-off at {name}").format(name=name)
        panels.append(_proportion_panel(title, points, chart, t))
    for kind in SURVEY_KINDS:
        metrics = [s.metric(kind) for s in surveys]
        if not any(m is not None and m.headline is not None for m in metrics):
            continue
        panels.append(
            Panel(
                tr.gettext(SURVEY_TITLES[kind]),
                tuple(None if m is None else m.headline for m in metrics),
                tuple(None if m is None or m.interval is None else m.interval[0] for m in metrics),
                tuple(None if m is None or m.interval is None else m.interval[1] for m in metrics),
                percent=False,
            )
        )
    return panels


def _segments(xs: Sequence[int], ys: Sequence[float | None]) -> list[tuple[list[int], list[float]]]:
    """Runs of defined values (a period without a value breaks the line)."""
    out: list[tuple[list[int], list[float]]] = []
    prev = None
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            prev = None
            continue
        if prev is None:
            out.append(([], []))
        out[-1][0].append(x)
        out[-1][1].append(y)
        prev = y
    return out


def _draw(ax: Axes, p: Panel, labels: Sequence[str], scene: Scene) -> None:
    t = scene.theme
    xs = list(range(len(labels)))
    for sx, lo in _segments(xs, p.low):
        hi = [p.high[x] for x in sx]
        if all(h is not None for h in hi):
            ax.fill_between(sx, lo, [float(h or 0) for h in hi], color=t.accent, alpha=0.18, lw=0)
    if p.centre is not None:
        ax.axhline(p.centre, color=t.muted, lw=1, ls="-", zorder=1)
        for limits in (p.lcl, p.ucl):
            for sx, sy in _segments(xs, limits):
                ax.step(sx, sy, where="mid", color=t.muted, lw=1, ls="--", zorder=1)
    for sx, sy in _segments(xs, p.values):
        ax.plot(sx, sy, color=t.accent, lw=1.8, marker="o", ms=4, zorder=3)
    if p.runs:
        ax.scatter(
            list(p.runs),
            [float(p.values[i] or 0.0) for i in p.runs],  # flagged points have values
            s=90,
            facecolors="none",
            edgecolors=t.leak,
            linewidths=1.6,
            zorder=4,
            label=scene.t.gettext("run of eight"),
        )
    if p.beyond:
        ax.scatter(
            list(p.beyond),
            [float(p.values[i] or 0.0) for i in p.beyond],
            s=60,
            marker="D",
            color=t.leak_strong,
            zorder=5,
            label=scene.t.gettext("beyond limits"),
        )
    ax.set_title(mpl_text(shorten(p.title, 48)), fontsize=10, loc="left")
    step = max(1, -(-len(labels) // 6))  # at most six labels: periods are long strings
    ax.set_xticks(xs[::step], [mpl_text(x) for x in labels[::step]], fontsize=7)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    if p.percent:
        ax.set_ylabel("%", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="y", alpha=0.5, zorder=0)


def trend_chart(scene: Scene, t: Trend, surveys: Sequence[SurveyFigures], fmt: str) -> bytes:
    """The small multiples of a trend as ``svg``, ``png`` or ``pdf`` bytes."""
    panels = trend_panels(t, surveys, scene.t)
    labels = [period(p.period, lang=scene.lang) for p in t.periods]
    cols = 2 if len(panels) > 1 else 1
    rows = max(1, -(-len(panels) // cols))
    with style(scene):
        fig = new_figure(5.2 * cols, 2.6 * rows + 1.1)
        fig.text(
            0.01, 0.99, mpl_text(scene.map.title), ha="left", va="top", fontsize=14, weight="bold"
        )
        fig.text(
            0.01,
            0.99 - 0.42 / (2.6 * rows + 1.1),
            scene.t.ngettext(
                "Over {n} period · bands: {level} intervals · "
                "dashed: p-chart limits · ◆ beyond limits · ○ run of eight",
                "Over {n} periods · bands: {level} intervals · "
                "dashed: p-chart limits · ◆ beyond limits · ○ run of eight",
                len(labels),
            ).format(n=len(labels), level=level(round(100 * t.confidence) / 100, lang=scene.lang)),
            ha="left",
            va="top",
            fontsize=9,
            color=scene.theme.muted,
        )
        if not panels:
            none = scene.t.gettext("no series to chart")
            fig.text(0.5, 0.4, none, ha="center", color=scene.theme.muted)
            return save(fig, fmt)
        top = 1 - 0.95 / (2.6 * rows + 1.1)
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.08, top=top, hspace=0.55, wspace=0.2)
        axes = fig.subplots(rows, cols, squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k < len(panels):
                _draw(ax, panels[k], labels, scene)
            else:
                ax.set_axis_off()
        return save(fig, fmt)
