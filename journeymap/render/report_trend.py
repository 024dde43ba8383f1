"""The trend section of the HTML report (``render MAP --view report DATA...``, issue 12).

Given the overlays of several periods, the report gets a section with the per-period table
(period, journeys, conversion and its interval, the drop-off of the touchpoints the small
multiples show, a ``*`` on every figure with a signal), a second table (the top leak and its
lost value, the journey's scores, the business figures, as ``journeymap trend`` prints them),
the signals in words (the trend's own
messages, in period order), the reason whenever Laney's p' widened a chart, and the small
multiples of :func:`journeymap.render.trend_chart.trend_chart` as an SVG ``data:`` image (the
report's CSP allows ``img-src data:`` only; every text is escaped by the template).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.analysis.comparison import Metric
from journeymap.analysis.survey_figures import SurveyFigures
from journeymap.analysis.trend import Proportion, Trend
from journeymap.figures import MISSING, integer, level, percent, percent_interval, period
from journeymap.render.scene import Scene


@dataclass(frozen=True)
class TrendData:
    """A trend (what the section is made of)."""

    trend: Trend

    @property
    def surveys(self) -> tuple[SurveyFigures, ...]:
        """The journey's survey figures per period, as the trend measured them."""
        return tuple(p.surveys for p in self.trend.periods)


@dataclass(frozen=True)
class TrendSection:
    """What the template shows: table header and rows, signals, notes and the chart."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    signals: tuple[tuple[str, str], ...]
    """``(period, message)`` of every signal."""
    notes: tuple[str, ...]
    chart_uri: str
    detail_header: tuple[str, ...] = ()
    detail_rows: tuple[tuple[str, ...], ...] = ()
    """Per period: the top leak and its lost value, the journey's scores, the business
    figures (:func:`journeymap.analysis.trend_table.detail_table`); empty when none."""


def _cell(p: Proportion, flagged: bool, lang: str) -> str:
    value = MISSING if p.value is None else percent(p.value, 1, lang=lang)
    return value + ("*" if flagged else "")


def _interval(p: Proportion, lang: str) -> str:
    return percent_interval(p.interval, 1, lang=lang)


def trend_section(scene: Scene, data: TrendData) -> TrendSection:
    """The section of a trend drawn with the scene's theme and fonts."""
    from journeymap.analysis.trend_table import detail_table
    from journeymap.render.report import data_uri
    from journeymap.render.trend_chart import movers, trend_chart

    t, surveys = data.trend, data.surveys
    shown = movers(t)
    index = {tp.id: i for i, tp in enumerate(t.periods[0].touchpoints)} if t.periods else {}
    names = {tp.id: tp.name for tp in t.periods[0].touchpoints} if t.periods else {}
    flagged = {(s.period, s.metric, s.subject) for s in t.signals}
    tr, lang = scene.t.gettext, scene.lang
    drop_at = tr("drop-off at {name}")
    header = (
        tr("period"),
        tr("journeys"),
        tr("conversion"),
        tr("{level} interval").format(level=level(t.confidence, lang=lang)),
        *[drop_at.format(name=names[tid]) for tid in shown],
    )
    rows = []
    for p in t.periods:
        cells = [
            period(p.period, lang=lang),
            integer(p.journeys, lang=lang),
            _cell(p.conversion, (p.period, Metric.CONVERSION, None) in flagged, lang),
            _interval(p.conversion, lang),
        ]
        for tid in shown:
            d = p.touchpoints[index[tid]].drop_off
            cells.append(_cell(d, (p.period, Metric.DROP_OFF, tid) in flagged, lang))
        rows.append(tuple(cells))
    conversion = tr("conversion")
    notes = tuple(
        f"{conversion if c.subject is None else drop_at.format(name=names[c.subject])}: "
        f"{c.reason_in(scene.t)}"
        for c in t.charts
        if c.reason_text is not None
    )
    chart = trend_chart(scene, t, surveys, "svg")
    detail_header, detail_rows = detail_table(t, scene.t)
    return TrendSection(
        header,
        tuple(rows),
        tuple((period(s.period, lang=lang), s.message_in(scene.t)) for s in t.signals),
        notes,
        data_uri(chart, "image/svg+xml"),
        tuple(detail_header),
        tuple(tuple(r) for r in detail_rows),
    )
