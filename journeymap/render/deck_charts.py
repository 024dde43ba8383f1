"""The deck's native charts: the stage funnel and the emotion curves (editable in PowerPoint).

The series hold the analysis' own numbers (``StageFigures.reach_probability``, the map's
emotions by :meth:`journeymap.model.JourneyMap.emotion`); the labels on the bars are printed by
:mod:`journeymap.figures`, so a bar reads as the same figure does in the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.util import Emu, Inches, Pt

from journeymap import graph as g
from journeymap.figures import percent
from journeymap.render.deck_pptx import (
    BODY_TOP,
    BODY_WIDTH,
    HEIGHT,
    MARGIN,
    chart_style,
    rgb,
)
from journeymap.render.scene import Scene, emotion_curve

if TYPE_CHECKING:
    from pptx.chart.chart import Chart
    from pptx.chart.data import ChartData as PptxChartData
    from pptx.shapes.graphfrm import GraphicFrame
    from pptx.slide import Slide

MARKERS = (
    XL_MARKER_STYLE.CIRCLE,
    XL_MARKER_STYLE.SQUARE,
    XL_MARKER_STYLE.DIAMOND,
    XL_MARKER_STYLE.TRIANGLE,
    XL_MARKER_STYLE.X,
    XL_MARKER_STYLE.STAR,
)


@dataclass(frozen=True)
class Series:
    """One series of a category chart: its name and a value per category (None: no point)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartData:
    """What a native chart shows, and how many categories were left out and why."""

    categories: tuple[str, ...]
    series: tuple[Series, ...]
    left_out: tuple[str, ...] = ()


def funnel_data(scene: Scene) -> ChartData:
    """Stage reach from entry; stages without a reach (after the goal, no entries) are left
    out and named in ``left_out``."""
    assert scene.analysis is not None
    names = dict(scene.graph.graph[g.STAGES])
    t = scene.t
    shown = [s for s in scene.analysis.stages if s.reach_probability is not None]
    left = [
        t.gettext("{stage}: after the goal").format(stage=names.get(s.id, s.id))
        if s.after_goal
        else t.gettext("{stage}: no journey enters the chain").format(stage=names.get(s.id, s.id))
        for s in scene.analysis.stages
        if s.reach_probability is None
    ]
    return ChartData(
        tuple(names.get(s.id, s.id) for s in shown),
        (Series(t.gettext("Reach"), tuple(s.reach_probability for s in shown)),),
        tuple(left),
    )


def per_persona(scene: Scene) -> bool:
    """Whether the map writes emotions per persona (then one curve per persona)."""
    return bool(scene.map.personas) and any(
        isinstance(tp.emotion, dict) for _, tp in scene.map.iter_touchpoints()
    )


def emotion_data(scene: Scene) -> ChartData:
    """One series per persona and the average weighted by persona share (the map's
    :meth:`~journeymap.model.JourneyMap.emotion` without a persona), or the one curve of a map
    with a single emotion per touchpoint; touchpoints without any emotion are left out."""
    m, t = scene.map, scene.t
    order = [tp.id for _, tp in m.iter_touchpoints()]
    names = {tp.id: tp.name for _, tp in m.iter_touchpoints()}
    curves = []
    if per_persona(scene):
        curves = [emotion_curve(m, p.name, p.id) for p in m.personas]
        average = (
            t.gettext("Average, weighted by persona share")
            if m.persona_shares
            else t.gettext("Average over personas")
        )
        curves.append(emotion_curve(m, average, None))
    else:
        curves = [emotion_curve(m, t.gettext("Emotion"), None)]
    kept = [tid for tid in order if any(c.emotions.get(tid) is not None for c in curves)]
    return ChartData(
        tuple(names[tid] for tid in kept),
        tuple(Series(c.label, tuple(c.emotions.get(tid) for tid in kept)) for c in curves),
        tuple(names[tid] for tid in order if tid not in kept),
    )


def _chart(slide: Slide, kind: XL_CHART_TYPE, data: ChartData, number_format: str) -> Chart:
    """A native category chart of `data` under the slide's title."""
    chart_data = CategoryChartData(number_format=number_format)
    chart_data.categories = data.categories
    for s in data.series:
        chart_data.add_series(s.name, s.values)
    height = Emu(HEIGHT - BODY_TOP - Inches(0.9))
    frame = slide.shapes.add_chart(
        kind, MARGIN, BODY_TOP, BODY_WIDTH, height, cast("PptxChartData", chart_data)
    )
    return cast("GraphicFrame", frame).chart


def funnel_chart(slide: Slide, scene: Scene, data: ChartData) -> None:
    """A horizontal bar per stage (first stage on top), each labelled with its reach."""
    chart = _chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, data, "0.0%")
    chart_style(chart, scene)
    chart.has_legend = False
    chart.has_title = False
    chart.category_axis.reverse_order = True
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = 0.0, 1.0
    axis.tick_labels.number_format = "0%"
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = False
    axis.tick_labels.font.size = Pt(11)
    plot = chart.plots[0]
    plot.gap_width = 60
    series = plot.series[0]
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = rgb(scene.theme.accent)
    for k, value in enumerate(data.series[0].values):
        label = series.points[k].data_label
        label.has_text_frame = True
        label.text_frame.text = percent(value, 1, lang=scene.lang)


def emotion_chart(slide: Slide, scene: Scene, data: ChartData) -> None:
    """A line with markers per series along the touchpoints, the theme's line colours; the
    last series (the average, when there are personas) is drawn thicker."""
    chart = _chart(slide, XL_CHART_TYPE.LINE_MARKERS, data, "0.0")
    chart_style(chart, scene)
    chart.has_title = False
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    lo, hi = scene.map.emotion_scale
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = float(lo), float(hi)
    axis.major_unit = 1.0 if hi - lo <= 10 else None
    averaged = len(data.series) > 1
    for k, series in enumerate(chart.plots[0].series):
        color = rgb(scene.theme.lines[k % len(scene.theme.lines)])
        series.smooth = False
        series.format.line.color.rgb = color
        last = averaged and k == len(data.series) - 1
        series.format.line.width = Pt(4.5 if last else 2.25)
        series.marker.style = MARKERS[k % len(MARKERS)]
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = color
