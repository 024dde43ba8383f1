"""``render --view deck``: a slide deck people present, as a PowerPoint file (python-pptx).

Slides, in order: the title (map, period, scenario, personas), the journey canvas and the
journey graph (pictures: the only two), the top leaks (native table), the funnel (native bar
chart of stage reach), the survey scores (native table), the emotion curves (native line chart,
one series per persona and their average weighted by share), the opportunities (hook:
:class:`Opportunities`), the experiment (with arms) and the trend (with the overlays of several
periods). A slide whose data the map lacks is left out and named, with the reason, on a last
slide "Not in this deck", so nothing is lost silently.

Every fixed string goes through ``scene.t``; figures through :mod:`journeymap.figures`; every
run of text names the font of the map's script and the theme's colours.

Same input, same bytes: the core properties carry the last day of the map's period (or
2000-01-01 without one) as created and modified, and the zip is rewritten with sorted entries
and one fixed time stamp (:func:`journeymap.render.deck_pptx.fixed_zip`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.errors import UsageError
from journeymap.render.scene import Scene

if TYPE_CHECKING:
    from pptx.presentation import Presentation as Deck

    from journeymap.render.report_trend import TrendData

GRAPH_DPI = 200
"""Resolution of the journey graph's picture (graphviz draws at 96 dpi by default)."""
NO_PERIOD = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Opportunities:
    """What the Opportunities slide shows: the value-versus-effort matrix as a PNG and the
    rows of the portfolio table (header first). Without it the slide is left out."""

    image: bytes
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


SlideFn = Callable[["Deck", Scene], "str | None"]
"""Adds one slide, or returns the reason it is left out."""


def deck(
    scene: Scene,
    *,
    trend: TrendData | None = None,
    opportunities: Opportunities | None = None,
) -> bytes:
    """The deck of the scene as ``.pptx`` bytes (the scene carries the analysis with its
    bootstrap intervals and, with arms, the experiment's readout)."""
    from journeymap.render.deck_pptx import apply_fonts, fixed_zip, new_deck
    from journeymap.render.deck_slides import (
        emotions_slide,
        experiment_slide,
        funnel_slide,
        leaks_slide,
        left_out_slide,
        opportunities_slide,
        scores_slide,
        trend_slide,
    )

    if scene.analysis is None:
        raise UsageError("the deck view needs the analysis of the map's numbers")
    t = scene.t
    prs = new_deck()
    title_slide(prs, scene)
    slides: list[tuple[str, SlideFn]] = [
        (t.gettext("Journey canvas"), canvas_slide),
        (t.gettext("Journey graph"), graph_slide),
        (t.gettext("Top leaks"), leaks_slide),
        (t.gettext("Funnel: share of entries that reach each stage"), funnel_slide),
        (t.gettext("Survey scores"), scores_slide),
        (t.gettext("Emotion along the journey"), emotions_slide),
        (t.gettext("Opportunities"), lambda p, s: opportunities_slide(p, s, opportunities)),
        (t.gettext("Experiment"), experiment_slide),
        (t.gettext("Trend over the periods"), lambda p, s: trend_slide(p, s, trend)),
    ]
    skipped = []
    for title, add in slides:
        reason = add(prs, scene)
        if reason is not None:
            skipped.append((title, reason))
    if skipped:
        left_out_slide(prs, scene, skipped)
    apply_fonts(prs, scene)
    _core_properties(prs, scene)
    buf = io.BytesIO()
    prs.save(buf)
    return fixed_zip(buf.getvalue(), deck_date(scene).strftime("%Y-%m-%dT%H:%M:%SZ"))


def portfolio_slide(scene: Scene) -> Opportunities | None:
    """The Opportunities slide of the scene's priced portfolio (the matrix as a PNG, the
    ranked table as the report and ``journeymap opportunities`` print it), or None."""
    pf = scene.portfolio
    if pf is None or not pf.opportunities:
        return None
    from journeymap.analysis.opportunity_words import rows
    from journeymap.render.opportunity_chart import opportunity_chart

    table = rows(pf, scene.lang)
    return Opportunities(
        opportunity_chart(scene, "png"), tuple(table[0]), tuple(tuple(r) for r in table[1:])
    )


def deck_date(scene: Scene) -> dt.datetime:
    """The deck's created and modified time: the last day of the map's period (ISO periods
    such as ``2026-Q3``), else 2000-01-01; never the clock."""
    from journeymap.model import parse_period

    if scene.period is None:
        return NO_PERIOD
    try:
        _, last = parse_period(scene.period)
    except ValueError:
        return NO_PERIOD
    return dt.datetime(last.year, last.month, last.day, tzinfo=dt.UTC)


def _core_properties(prs: Deck, scene: Scene) -> None:
    props = prs.core_properties
    props.title = scene.map.title
    props.author = props.last_modified_by = "journeymap"
    props.created = props.modified = props.last_printed = deck_date(scene).replace(tzinfo=None)
    props.revision = 1
    props.language = scene.lang


# ------------------------------------------------------------------------------ the slides


def title_slide(prs: Deck, scene: Scene) -> None:
    """The map's title; under it the period and scenario, and the personas with their shares."""
    from pptx.util import Pt

    from journeymap.render.deck_pptx import TITLE_SLIDE, background

    t, lang = scene.t, scene.lang
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_SLIDE])
    background(slide, scene)
    assert slide.shapes.title is not None
    slide.shapes.title.text_frame.text = scene.map.title
    lines = []
    if scene.period:
        lines.append(t.gettext("Period: {period}").format(period=scene.period))
    if scene.scenario:
        lines.append(t.gettext("Scenario: {scenario}").format(scenario=scene.scenario))
    if scene.map.personas:
        from journeymap.figures import percent

        shares = scene.map.persona_shares
        names = [
            p.name if p.id not in shares else f"{p.name} ({percent(shares[p.id], 0, lang=lang)})"
            for p in scene.map.personas
        ]
        lines.append(t.gettext("Personas: {names}").format(names=", ".join(names)))
    subtitle = slide.placeholders[1].text_frame
    for k, line in enumerate(lines or [scene.map.description or ""]):
        para = subtitle.paragraphs[0] if k == 0 else subtitle.add_paragraph()
        para.text = line
        for run in para.runs:
            run.font.size = Pt(20)


def _picture(prs: Deck, scene: Scene, title: str, png: bytes) -> None:
    """A slide with one picture, as large as the body allows, centred, aspect kept."""
    from pptx.parts.image import Image
    from pptx.util import Emu

    from journeymap.render.deck_pptx import BODY_TOP, BODY_WIDTH, HEIGHT, MARGIN, titled_slide

    slide = titled_slide(prs, scene, title)
    px_w, px_h = Image.from_blob(png).size
    box_h = HEIGHT - BODY_TOP - MARGIN // 2
    scale = min(BODY_WIDTH / px_w, box_h / px_h)
    w, h = int(px_w * scale), int(px_h * scale)
    left, top = MARGIN + (BODY_WIDTH - w) // 2, BODY_TOP + (box_h - h) // 2
    slide.shapes.add_picture(io.BytesIO(png), Emu(left), Emu(top), Emu(w), Emu(h))


def canvas_slide(prs: Deck, scene: Scene) -> str | None:
    from journeymap.render.canvas import canvas

    _picture(prs, scene, scene.t.gettext("Journey canvas"), canvas(scene, "png"))
    return None


def graph_slide(prs: Deck, scene: Scene) -> str | None:
    from journeymap.render.dot import to_dot
    from journeymap.render.layout_run import run_dot

    source = to_dot(scene).replace(
        "digraph journey {", f"digraph journey {{\n  graph [dpi={GRAPH_DPI}];", 1
    )
    _picture(prs, scene, scene.t.gettext("Journey graph"), run_dot(source, "png"))
    return None
