"""The deck's slides of figures: leaks, funnel, survey scores, emotions, opportunities,
experiment, trend, and the last slide that names what was left out.

Each function adds its slide and returns None, or adds nothing and returns the reason (in the
deck's language) that :func:`journeymap.render.deck.deck` writes on the "Not in this deck" slide.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pptx.util import Emu, Inches

from journeymap.render.deck_charts import emotion_chart, emotion_data, funnel_chart, funnel_data
from journeymap.render.deck_pptx import (
    BODY_TOP,
    BODY_WIDTH,
    HEIGHT,
    MARGIN,
    WIDTH,
    table,
    text_box,
    titled_slide,
)
from journeymap.render.deck_tables import (
    TableRows,
    experiment_rows,
    leak_rows,
    survey_rows,
    trend_rows,
)
from journeymap.render.scene import Scene

if TYPE_CHECKING:
    from pptx.presentation import Presentation as Deck
    from pptx.slide import Slide

    from journeymap.render.deck import Opportunities
    from journeymap.render.report_trend import TrendData

FOOT = Emu(HEIGHT - Inches(0.8))
"""Where the line under a chart goes (what was left out of it)."""


def _under(slide: Slide, scene: Scene, top: int, lines: Sequence[str]) -> None:
    box = (MARGIN, top, BODY_WIDTH, Inches(0.6))
    text_box(slide, lines, box, size=13, muted=True, scene=scene)


def _table_slide(
    prs: Deck,
    scene: Scene,
    title: str,
    rows: TableRows,
    more: str,
    *,
    strong: int = 0,
    widths: Sequence[float] | None = None,
) -> Slide:
    """A slide with a native table; `more` at the foot when rows did not fit (rows grow as
    their text wraps, so the foot is the one place that stays clear)."""
    slide = titled_slide(prs, scene, title)
    table(slide, scene, rows.header, rows.rows, strong=strong, widths=widths)
    if rows.more:
        _under(slide, scene, FOOT, [more])
    return slide


def leaks_slide(prs: Deck, scene: Scene) -> str | None:
    """The top leaks, the first three bold as in the report."""
    t = scene.t
    rows = leak_rows(scene)
    if not rows.rows:
        return t.gettext("no ranked leak: the map has no goal, or no journey leaves before it")
    more = t.ngettext(
        "{n} more leak in the report", "{n} more leaks in the report", rows.more
    ).format(n=rows.more)
    strong = sum(1 for x in scene.leaks()[:3] if (x.lost_conversions or 0) > 0)
    widths = (2.2, 1.3, 0.9, 1.7, 2.4, 2.2)
    _table_slide(prs, scene, t.gettext("Top leaks"), rows, more, strong=strong, widths=widths)
    return None


def funnel_slide(prs: Deck, scene: Scene) -> str | None:
    t = scene.t
    data = funnel_data(scene)
    if not data.categories:
        return t.gettext("no stage has a reach: no journey enters the conversion chain")
    slide = titled_slide(prs, scene, t.gettext("Funnel: share of entries that reach each stage"))
    funnel_chart(slide, scene, data)
    if data.left_out:
        _under(
            slide,
            scene,
            FOOT,
            [t.gettext("Not shown: {stages}").format(stages="; ".join(data.left_out))],
        )
    return None


def scores_slide(prs: Deck, scene: Scene) -> str | None:
    t = scene.t
    rows = survey_rows(scene)
    if not rows.rows:
        return t.gettext("the map has no survey responses")
    more = t.ngettext(
        "{n} more surveyed touchpoint in the report",
        "{n} more surveyed touchpoints in the report",
        rows.more,
    ).format(n=rows.more)
    widths = (2.4, 1.6, 1.8, 1.6, 1.4)
    _table_slide(prs, scene, t.gettext("Survey scores"), rows, more, widths=widths)
    return None


def emotions_slide(prs: Deck, scene: Scene) -> str | None:
    t = scene.t
    data = emotion_data(scene)
    if not data.categories:
        return t.gettext("the map has no emotions")
    slide = titled_slide(prs, scene, t.gettext("Emotion along the journey"))
    emotion_chart(slide, scene, data)
    if data.left_out:
        n = len(data.left_out)
        note = t.ngettext(
            "{n} touchpoint without an emotion is not shown: {names}",
            "{n} touchpoints without an emotion are not shown: {names}",
            n,
        ).format(n=n, names=", ".join(data.left_out))
        _under(slide, scene, FOOT, [note])
    return None


def opportunities_slide(prs: Deck, scene: Scene, opportunities: Opportunities | None) -> str | None:
    """The hook for the value-versus-effort matrix (a picture, as the two diagrams) and the
    portfolio table beside it; left out when none is given."""
    t = scene.t
    if opportunities is None or not opportunities.rows:
        return t.gettext("no priced opportunities given")
    slide = titled_slide(prs, scene, t.gettext("Opportunities"))
    half = Emu((WIDTH - 3 * MARGIN) // 2)
    slide.shapes.add_picture(io.BytesIO(opportunities.image), MARGIN, BODY_TOP, width=half)
    shape = table(slide, scene, opportunities.header, opportunities.rows[:10])
    shape.left, shape.width = Emu(2 * MARGIN + half), Emu(half)
    if len(opportunities.rows) > 10:
        more = len(opportunities.rows) - 10
        note = t.ngettext(
            "{n} more opportunity in the report", "{n} more opportunities in the report", more
        ).format(n=more)
        _under(slide, scene, FOOT, [note])
    return None


def experiment_slide(prs: Deck, scene: Scene) -> str | None:
    """The decision in words, the arms, and each arm against the control."""
    t = scene.t
    if scene.experiment is None:
        return t.gettext("no experiment arms given")
    decision, arms, against = experiment_rows(scene)
    slide = titled_slide(prs, scene, t.gettext("Experiment"))
    box = (MARGIN, BODY_TOP, BODY_WIDTH, Inches(0.7))
    text_box(slide, [decision], box, size=18, scene=scene)
    first = table(slide, scene, arms.header, arms.rows, top=Emu(BODY_TOP + Inches(0.8)))
    table(
        slide, scene, against.header, against.rows, top=Emu(first.top + first.height + Inches(0.3))
    )
    return None


def trend_slide(prs: Deck, scene: Scene, trend: TrendData | None) -> str | None:
    """The report's per-period tables, the latest periods (a ``*`` marks a signal): the
    conversion and drop-offs, then, when a period has them, the top leak with its lost value,
    the journey's scores and the business figures on a slide of their own."""
    t = scene.t
    if trend is None:
        return t.gettext("no overlays of several periods given")
    rows, detail = trend_rows(scene, trend)
    more = t.ngettext(
        "{n} earlier period in the report", "{n} earlier periods in the report", rows.more
    )
    slide = _table_slide(
        prs, scene, t.gettext("Trend over the periods"), rows, more.format(n=rows.more)
    )
    if trend.trend.signals:
        _under(slide, scene, FOOT, [t.gettext("* a signal on the control chart")])
    if detail.header:
        more = t.ngettext(
            "{n} earlier period in the report", "{n} earlier periods in the report", detail.more
        )
        title = t.gettext("Trend: leaks, scores and business figures")
        _table_slide(prs, scene, title, detail, more.format(n=detail.more))
    return None


def left_out_slide(prs: Deck, scene: Scene, skipped: Sequence[tuple[str, str]]) -> None:
    """The last slide: every slide left out and why."""
    t = scene.t
    rows = TableRows((t.gettext("Slide"), t.gettext("Why it is not in this deck")), tuple(skipped))
    table(titled_slide(prs, scene, t.gettext("Not in this deck")), scene, rows.header, rows.rows)
