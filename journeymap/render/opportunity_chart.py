"""``render --view opportunities``: the value-versus-effort matrix of the portfolio.

Each ranked opportunity is a point at (effort, value at stake) with its bootstrap interval as a
vertical whisker; the plane is cut at effort 3 and at the median value into four labelled
quadrants (quick wins, big bets, fill-ins, money pits). Labels ("#rank id") are placed by
:func:`place_labels`: deterministically, in rank order, at the first of a fixed list of
positions around the point whose box meets no label placed before it, no point and stays inside
the axes; a label that finds no place is left out and counted in the footnote, as are the
opportunities that are not drawn (no rank, no value).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.analysis.opportunity_words import CONTEXT, REASON_LABELS
from journeymap.errors import UsageError
from journeymap.figures import whole_money
from journeymap.i18n import NC_
from journeymap.render.mpl import Measurer, new_figure, save, style
from journeymap.render.scene import Scene
from journeymap.render.text import mpl_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from journeymap.analysis.opportunity_results import Portfolio, PricedOpportunity

QUADRANTS = (
    (NC_("opportunities", "Quick wins"), "left", "top"),
    (NC_("opportunities", "Big bets"), "right", "top"),
    (NC_("opportunities", "Fill-ins"), "left", "bottom"),
    (NC_("opportunities", "Money pits"), "right", "bottom"),
)
"""Quadrant names: high value and low effort first, then clockwise."""
EFFORT_SPLIT = 3.0
LABEL_SIZE = 8.0
MARKER_PX = 6.0
RADII = (10, 18, 30, 46, 66, 90, 120, 160)
"""Distances (pixels) from the point at which a label is tried, nearest first."""
DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
"""Right, left, above, below, then the diagonals."""


@dataclass(frozen=True)
class Box:
    """A rectangle in display pixels (y up)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def meets(self, other: Box) -> bool:
        return not (
            self.x1 <= other.x0 or other.x1 <= self.x0 or self.y1 <= other.y0 or other.y1 <= self.y0
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0
            and self.y0 >= other.y0
            and self.x1 <= other.x1
            and self.y1 <= other.y1
        )


def _candidate(x: float, y: float, w: float, h: float, r: float, d: tuple[int, int]) -> Box:
    dx, dy = d
    cx = x + dx * r - (0 if dx > 0 else w if dx < 0 else w / 2)
    cy = y + dy * r - (0 if dy > 0 else h if dy < 0 else h / 2)
    return Box(cx, cy, cx + w, cy + h)


def place_labels(
    points: Sequence[tuple[float, float]], sizes: Sequence[tuple[float, float]], bounds: Box
) -> list[Box | None]:
    """A box for each label (``sizes`` in pixels) near its point, or None when none fits.

    Greedy and deterministic: labels in the given order, each at the first candidate
    (:data:`RADII` x :data:`DIRECTIONS`) inside ``bounds`` that meets no placed box and no
    point's marker. No two returned boxes meet.

    >>> boxes = place_labels([(50, 50), (50, 50)], [(20, 10), (20, 10)], Box(0, 0, 200, 200))
    >>> boxes[0], boxes[0].meets(boxes[1])
    (Box(x0=60, y0=45.0, x1=80, y1=55.0), False)
    """
    m = MARKER_PX
    markers = [Box(px - m, py - m, px + m, py + m) for px, py in points]
    placed: list[Box] = []
    out: list[Box | None] = []
    for (x, y), (w, h) in zip(points, sizes, strict=True):
        found = None
        for r in RADII:
            for d in DIRECTIONS:
                box = _candidate(x, y, w, h, r, d)
                if not box.inside(bounds):
                    continue
                if any(box.meets(b) for b in placed) or any(box.meets(b) for b in markers):
                    continue
                found = box
                break
            if found is not None:
                break
        out.append(found)
        if found is not None:
            placed.append(found)
    return out


def _drawn(pf: Portfolio) -> tuple[list[PricedOpportunity], dict[str, int]]:
    """The ranked opportunities with a value; the others counted by why they are left out."""
    shown: list[PricedOpportunity] = []
    left: dict[str, int] = {}
    for p in pf.opportunities:
        value, _ = pf.stake(p)
        if p.rank is None or p.effort is None or value is None:
            reason = "no value" if p.rank is not None else _reason(p)
            left[reason] = left.get(reason, 0) + 1
        else:
            shown.append(p)
    return shown, left


def _reason(p: PricedOpportunity) -> str:
    from journeymap.analysis.opportunities import unranked_reason

    return unranked_reason(p) or "no value"


def _need_portfolio(scene: Scene) -> Portfolio:
    if scene.portfolio is None:
        raise UsageError("the opportunities view needs the map's opportunity portfolio")
    return scene.portfolio


def matrix_figure(scene: Scene) -> tuple[Figure, list[str]]:
    """The matrix as a matplotlib figure, and the labels drawn (for tests: their text gid
    is ``jm-label``). Call inside :func:`journeymap.render.mpl.style`."""
    pf = _need_portfolio(scene)
    t = scene.t
    shown, left = _drawn(pf)
    fig = new_figure(9.0, 6.4)
    title = t.pgettext("opportunities", "Opportunities: value at stake against effort")
    fig.text(
        0.01, 0.985, mpl_text(scene.map.title), ha="left", va="top", fontsize=15, fontweight="bold"
    )
    fig.text(
        0.01, 0.935, mpl_text(title), ha="left", va="top", fontsize=10, color=scene.theme.muted
    )
    ax = fig.add_axes((0.11, 0.16, 0.84, 0.70))
    if not shown:
        ax.text(
            0.5,
            0.5,
            t.pgettext("opportunities", "no ranked opportunity with a value at stake"),
            ha="center",
            va="center",
            transform=ax.transAxes,
            color=scene.theme.muted,
        )
        ax.set_axis_off()
        _footnote(fig, scene, left, 0)
        return fig, []
    values = [float(pf.stake(p)[0] or 0.0) for p in shown]
    _axes(ax, scene, pf, shown, values)
    labels = _labels(fig, ax, scene, shown, values)
    _footnote(fig, scene, left, len(shown) - len(labels))
    return fig, labels


def _axes(
    ax: Axes, scene: Scene, pf: Portfolio, shown: list[PricedOpportunity], values: list[float]
) -> None:
    th, t = scene.theme, scene.t
    lows, highs = [], []
    for p, v in zip(shown, values, strict=True):
        iv = pf.stake(p)[1]
        lows.append(v - iv[0] if iv else 0.0)
        highs.append(iv[1] - v if iv else 0.0)
    efforts = [float(p.effort or 0) for p in shown]
    top = max(v + h for v, h in zip(values, highs, strict=True))
    bottom = min(0.0, min(v - lo for v, lo in zip(values, lows, strict=True)))
    span = (top - bottom) or 1.0
    ax.set_xlim(0.4, 5.6)
    ax.set_ylim(bottom - 0.06 * span, top + 0.14 * span)
    split = statistics.median(values)
    ax.axvline(EFFORT_SPLIT, color=th.grid, lw=1.2, zorder=1)
    ax.axhline(split, color=th.grid, lw=1.2, zorder=1)
    for name, across, up in QUADRANTS:
        ax.text(
            0.015 if across == "left" else 0.985,
            0.975 if up == "top" else 0.025,
            mpl_text(t.pgettext(CONTEXT, name)),
            ha=across,
            va=up,
            transform=ax.transAxes,
            fontsize=11,
            fontweight="bold",
            color=th.muted,
            zorder=1,
        )
    ax.errorbar(
        efforts,
        values,
        yerr=[lows, highs],
        fmt="none",
        ecolor=th.foreground,
        elinewidth=1.1,
        capsize=3,
        zorder=2,
    )
    colors = [th.leak_strong if p.basis == "leak-bound" else th.accent for p in shown]
    ax.scatter(efforts, values, s=MARKER_PX**2 * 1.2, c=colors, zorder=3, edgecolors=th.background)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_xlabel(mpl_text(t.pgettext("opportunities", "Effort (1 small, 5 large)")))
    unit = (
        (pf.currency or t.pgettext("opportunities", "value"))
        if pf.measure == "value"
        else t.pgettext("opportunities", "conversions")
    )
    ax.set_ylabel(
        mpl_text(t.pgettext("opportunities", "Value at stake ({unit})").format(unit=unit))
    )
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda y, _pos: whole_money(y, None, lang=scene.lang))
    )
    ax.grid(axis="y", alpha=0.4, zorder=0)


def _labels(
    fig: Figure, ax: Axes, scene: Scene, shown: list[PricedOpportunity], values: list[float]
) -> list[str]:
    """Place and draw "#rank id" beside each point (:func:`place_labels`); the texts drawn."""
    m = Measurer(fig)
    px = fig.dpi / 72.0
    texts = [mpl_text(f"#{p.rank} {p.id}") for p in shown]
    sizes = [(m.width(s, LABEL_SIZE) * px + 4, LABEL_SIZE * 1.3 * px) for s in texts]
    points = [
        (float(x), float(y))
        for x, y in ax.transData.transform(
            [(float(p.effort or 0), v) for p, v in zip(shown, values, strict=True)]
        )
    ]
    bb = ax.get_window_extent()
    boxes = place_labels(points, sizes, Box(bb.x0, bb.y0, bb.x1, bb.y1))
    inverse = ax.transData.inverted()
    drawn = []
    for text, box, (x, y) in zip(texts, boxes, points, strict=True):
        if box is None:
            continue
        lx, ly = inverse.transform((box.x0 + 2, (box.y0 + box.y1) / 2))
        ax.text(lx, ly, text, ha="left", va="center", fontsize=LABEL_SIZE, gid="jm-label", zorder=4)
        near = (min(max(x, box.x0), box.x1), min(max(y, box.y0), box.y1))
        if abs(near[0] - x) + abs(near[1] - y) > 14:
            (ax0, ay0), (ax1, ay1) = inverse.transform([(x, y), near])
            ax.plot([ax0, ax1], [ay0, ay1], color=scene.theme.muted, lw=0.6, zorder=2)
        drawn.append(text)
    return drawn


def _footnote(fig: Figure, scene: Scene, left: dict[str, int], unlabelled: int) -> None:
    t = scene.t
    parts = [
        t.pgettext(
            "opportunities",
            "Whiskers: 95% bootstrap interval; orange points are leak bounds (upper bounds).",
        )
    ]
    for reason, n in sorted(left.items()):
        parts.append(
            t.ngettext("{n} not drawn: {reason}.", "{n} not drawn: {reason}.", n).format(
                n=n, reason=t.pgettext(CONTEXT, REASON_LABELS[reason])
            )
        )
    if unlabelled:
        parts.append(
            t.ngettext(
                "{n} point without a label (no room).",
                "{n} points without a label (no room).",
                unlabelled,
            ).format(n=unlabelled)
        )
    fig.text(
        0.01,
        0.02,
        mpl_text(" ".join(parts)),
        ha="left",
        va="bottom",
        fontsize=8,
        color=scene.theme.muted,
    )


def opportunity_chart(scene: Scene, fmt: str) -> bytes:
    """The matrix in ``svg``, ``png`` or ``pdf``."""
    with style(scene):
        fig, _ = matrix_figure(scene)
        return save(fig, fmt)
