"""Boxes and wrapped text on the poster's figure, measured in inches.

The canvas (:mod:`journeymap.render.canvas`), its header (:mod:`journeymap.render.canvas_header`)
and its footer (:mod:`journeymap.render.canvas_footer`) place every text through one
:class:`Writer`, which counts the cells cut with "…" for the footer's note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.render.mpl import Measurer, fit

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class Box:
    """A box on the page in inches: left edge, top edge (from the bottom), width, height."""

    x: float
    y: float
    w: float
    h: float


class Writer:
    """Places wrapped text into boxes on a figure measured in inches."""

    def __init__(self, fig: Figure, page: tuple[float, float], lang: str | None = None) -> None:
        self.fig = fig
        self.W, self.H = page
        self.m = Measurer(fig, lang=lang)
        self.cut = 0

    def rect(
        self, box: Box, color: str, *, edge: str | None = None, lw: float = 0.6, z: float = 0
    ) -> None:
        from matplotlib.patches import Rectangle

        self.fig.add_artist(
            Rectangle(
                (box.x / self.W, (box.y - box.h) / self.H),
                box.w / self.W,
                box.h / self.H,
                transform=self.fig.transFigure,
                facecolor=color,
                edgecolor=edge or "none",
                lw=lw,
                zorder=z,
            )
        )

    def _area(self, box: Box, pad: float) -> tuple[float, float]:
        width_pt = (box.w - 2 * pad) * 72 * 0.96  # headroom for hinting at other dpi
        return width_pt, (box.h - 2 * pad) * 72

    def size_for(
        self,
        box: Box,
        text: str,
        size: float,
        *,
        bold: bool = False,
        pad: float = 0.06,
        min_size: float = 5.5,
    ) -> float:
        """The font size at which `text` fits the box (at least `min_size`)."""
        if not text.strip():
            return size
        width_pt, height_pt = self._area(box, pad)
        return fit(self.m, text, width_pt, height_pt, size, bold=bold, min_size=min_size)[1]

    def lane_size(
        self,
        cells: list[tuple[Box, str]],
        size: float,
        *,
        bold: bool = False,
        pad: float = 0.06,
        min_size: float = 5.5,
    ) -> float:
        """The largest size at which every text fits its box: the smallest
        :meth:`size_for` of the cells, which is never below `min_size`, so the cells after
        one that needs the minimum are not measured (a lane of hundreds of narrow columns)."""
        lane = size
        for box, text in cells:
            if lane <= min_size:
                break
            lane = min(lane, self.size_for(box, text, size, bold=bold, pad=pad, min_size=min_size))
        return lane

    def text(
        self,
        box: Box,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: str | None = None,
        pad: float = 0.06,
        italic: bool = False,
        center: bool = False,
        min_size: float = 5.5,
    ) -> None:
        """Write `text` wrapped into `box` at `size`, shrunk to `min_size` and then cut."""
        if not text.strip():
            return
        width_pt, height_pt = self._area(box, pad)
        lines, s, cut = fit(self.m, text, width_pt, height_pt, size, bold=bold, min_size=min_size)
        self.cut += cut
        x = (box.x + (box.w / 2 if center else pad)) / self.W
        self.fig.text(
            x,
            (box.y - pad) / self.H,
            "\n".join(lines),
            ha="center" if center else "left",
            va="top",
            fontsize=s,
            linespacing=1.22,
            fontweight="bold" if bold else "normal",
            color=color,
            fontstyle="italic" if italic else "normal",
            zorder=5,
        )
