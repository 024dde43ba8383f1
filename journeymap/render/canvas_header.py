"""The poster's header: the title, the subtitle (period, scenario, persona, description), the
period's business figures and the persona cards (laid out by
:mod:`journeymap.render.persona_cards`).

Lengths are in inches and scale with the page like the type (``k``: the page width over A3's).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.figures import period
from journeymap.model import Persona
from journeymap.render.canvas_writer import Box, Writer
from journeymap.render.key_figures import business_line
from journeymap.render.persona_cards import (
    CardBox,
    PersonaGrid,
    card_boxes,
    header_height,
    persona_grid,
)
from journeymap.render.scene import Scene
from journeymap.render.text import mpl_text


@dataclass(frozen=True)
class Header:
    """What the header drew: the personas asked for, their grid, and where the grid of lanes
    starts (the header's bottom edge, in inches from the bottom of the page)."""

    personas: tuple[Persona, ...]
    grid: PersonaGrid
    bottom: float


def draw_header(wr: Writer, scene: Scene, margin: float, k: float) -> Header:
    """Draw the title block and the persona cards; return where the lanes begin."""
    W = wr.W
    top = wr.H - margin
    wr.text(
        Box(margin, top, W * 0.55, 0.5 * k),
        mpl_text(scene.map.title),
        20 * k,
        bold=True,
        pad=0,
        min_size=9 * k,
    )
    figures = business_line(scene)
    wr.text(
        Box(margin, top - 0.56 * k, W * 0.55, (0.28 if figures else 0.5) * k),
        " · ".join(_subtitle(scene)),
        9 * k,
        color=scene.theme.muted,
        pad=0,
    )
    if figures:
        wr.text(Box(margin, top - 0.86 * k, W * 0.55, 0.26 * k), figures, 8.5 * k, pad=0)
    personas = tuple(p for p in scene.map.personas if scene.persona in (None, p.id))
    grid = persona_grid(len(personas), scene.page)
    for card in card_boxes(grid, (W, wr.H), margin, k):
        _persona_card(wr, scene, personas[card.index], card, k)
    return Header(personas, grid, top - header_height(grid, k))


def _subtitle(scene: Scene) -> list[str]:
    """The parts of the subtitle line: period, scenario, persona and the map's description."""
    bits = [
        x
        for x in (
            scene.period and period(scene.period, lang=scene.lang),
            scene.scenario and scene.t.gettext("scenario {name}").format(name=scene.scenario),
            scene.persona
            and scene.t.gettext("persona {name}").format(
                name=scene.map.persona(scene.persona).name
            ),
        )
        if x
    ]
    if scene.map.description:
        bits.append(mpl_text(scene.map.description))
    return bits


def _persona_card(wr: Writer, scene: Scene, p: Persona, card: CardBox, k: float) -> None:
    """One persona card: a colour bar (the colour of the persona's curve when curves are drawn
    per persona), the name, the description, goals and frustrations."""
    t = scene.theme
    box = Box(card.x, card.y, card.w, card.h)
    wr.rect(box, t.panel, edge=t.grid)
    per_persona = any(c.persona is not None for c in scene.curves)
    color = t.lines[card.index % len(t.lines)] if per_persona else t.accent
    wr.rect(Box(box.x, box.y, 0.06 * k, box.h), color)
    body = []
    if p.description:
        body.append(mpl_text(p.description))
    if p.goals:
        body.append(scene.t.gettext("Goals:") + " " + "; ".join(mpl_text(x) for x in p.goals))
    if p.frustrations:
        body.append(
            scene.t.gettext("Frustrations:") + " " + "; ".join(mpl_text(x) for x in p.frustrations)
        )
    wr.text(
        Box(box.x + 0.08 * k, box.y, box.w - 0.1 * k, 0.34 * k),
        mpl_text(p.name),
        11 * k,
        bold=True,
        pad=0.05 * k,
    )
    wr.text(
        Box(box.x + 0.08 * k, box.y - 0.28 * k, box.w - 0.1 * k, box.h - 0.28 * k),
        "\n".join(body),
        8.5 * k,
        pad=0.05 * k,
    )
