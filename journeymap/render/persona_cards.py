"""Where the poster's persona cards go: every persona, in rows when there are many.

Up to three cards sit beside the title, as they always have. With four or more, the cards
leave the title alone and fill a band across the whole page under it: ``ceil(n / 6)`` rows of
at most six cards, the rows as even as they can be (seven personas are rows of four and
three). The header grows by the band and the lanes below move down. A page holds at most
:data:`MAX_ROWS` rows (three on A3, two on A4, where a third row would bring the card text to
the 5.5 pt floor and squeeze the lanes); the personas that do not fit are returned as
``hidden`` and named in the footer (:func:`hidden_note`), never dropped in silence.

Lengths are in inches and scale with the page like the type (``k``: the page width over A3's).

>>> grid = persona_grid(7, "A3")
>>> grid.rows, grid.cols, grid.shown, grid.hidden
(2, 4, 7, 0)
>>> grid = persona_grid(13, "A4")
>>> grid.rows, grid.cols, grid.shown, grid.hidden
(2, 6, 12, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from journeymap.model import Persona
from journeymap.render.scene import Scene
from journeymap.render.text import mpl_text

BESIDE_TITLE = 3
"""At most this many cards sit beside the title (the poster's layout before the band)."""
PER_ROW = 6
MAX_ROWS = {"A3": 3, "A4": 2}
TITLE_BLOCK = 1.15
"""Height of the title block (title, subtitle, business line) in A3 inches."""
ROW = 0.95
"""Height of one row of the band (card and gap) in A3 inches."""
CARD = 0.87
GAP = 0.08


@dataclass(frozen=True)
class PersonaGrid:
    """How many persona cards are drawn and how: ``rows == 0`` means beside the title."""

    rows: int
    cols: int
    shown: int
    hidden: int


@dataclass(frozen=True)
class CardBox:
    """One card: its persona's index in the list and its box (left, top edge, width, height)."""

    index: int
    x: float
    y: float
    w: float
    h: float


def persona_grid(n: int, page: str) -> PersonaGrid:
    """The layout of `n` persona cards on `page` (``A3`` or ``A4``)."""
    if n <= BESIDE_TITLE:
        return PersonaGrid(0, n, n, 0)
    rows = min(math.ceil(n / PER_ROW), MAX_ROWS[page])
    shown = min(n, rows * PER_ROW)
    return PersonaGrid(rows, math.ceil(shown / rows), shown, n - shown)


def header_height(grid: PersonaGrid, k: float) -> float:
    """From the top margin to the stage row: the title block and the band of cards, if any."""
    return (TITLE_BLOCK + grid.rows * ROW) * k


def card_boxes(
    grid: PersonaGrid, page: tuple[float, float], margin: float, k: float
) -> list[CardBox]:
    """The box of every card drawn, in the order of the personas."""
    W, H = page
    top = H - margin
    if grid.rows == 0:
        if grid.shown == 0:
            return []
        pw = (W * 0.42 - margin) / grid.shown
        return [
            CardBox(i, W * 0.58 + i * pw, top, pw - GAP * k, 1.0 * k) for i in range(grid.shown)
        ]
    pw = (W - 2 * margin + GAP * k) / grid.cols
    band_top = top - TITLE_BLOCK * k
    return [
        CardBox(
            i,
            margin + (i % grid.cols) * pw,
            band_top - (i // grid.cols) * ROW * k,
            pw - GAP * k,
            CARD * k,
        )
        for i in range(grid.shown)
    ]


def hidden_note(scene: Scene, personas: list[Persona], grid: PersonaGrid) -> str | None:
    """The footer's note naming the personas that did not fit (None when all are drawn)."""
    if grid.hidden == 0:
        return None
    names = ", ".join(mpl_text(p.name) for p in personas[grid.shown :])
    return scene.t.ngettext(
        "{n} more persona not shown: {names}", "{n} more personas not shown: {names}", grid.hidden
    ).format(n=grid.hidden, names=names)
