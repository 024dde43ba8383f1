"""The journey-map canvas: the workshop poster, A3 or A4 landscape.

Stages are columns (each touchpoint a sub-column), lanes are rows: actions, touchpoints and
channels, thoughts, the emotion curve (one per persona or scenario when asked), pain points,
opportunities and key figures. A persona header sits on top
(:mod:`journeymap.render.canvas_header`), the legends and notes at the foot
(:mod:`journeymap.render.canvas_footer`). Every text is wrapped to its cell
with measured widths; when it does not fit, the font shrinks down to a minimum and then the
text is cut with "…" (and the footer says how many cells were cut), so texts never overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap import graph as g
from journeymap.figures import integer, percent, score, whole_money
from journeymap.i18n import N_
from journeymap.model import Touchpoint
from journeymap.render.canvas_footer import draw_footer, footer_height
from journeymap.render.canvas_header import draw_header
from journeymap.render.canvas_writer import Box, Writer
from journeymap.render.evidence import card_note, draw_marks, has_evidence
from journeymap.render.key_figures import service_lines
from journeymap.render.mpl import new_figure, save, style
from journeymap.render.persona_curves import emotion_axes
from journeymap.render.scene import PAGES, Scene
from journeymap.render.text import mpl_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("svg", "png", "pdf")
LANES = (
    ("actions", N_("Actions"), 1.0),
    ("touchpoint", N_("Touchpoints & channels"), 0.62),
    ("thoughts", N_("Thoughts"), 1.0),
    ("emotion", N_("Emotion"), 1.45),
    ("pain_points", N_("Pain points"), 1.0),
    ("opportunities", N_("Opportunities"), 1.0),
    ("figures", N_("Key figures"), 0.72),
)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"•\u00a0{mpl_text(x)}" for x in items)  # the bullet sticks to its word


def _thoughts(value: str | list[str] | None) -> str:
    if not value:
        return ""
    items = [value] if isinstance(value, str) else list(value)
    return "\n".join(f"“{mpl_text(x)}”" for x in items)


def _figures(scene: Scene, tid: str) -> str:
    G = scene.graph
    d = G.nodes[tid]
    lines = []
    if G.graph[g.HAS_COUNTS]:
        lines.append(
            scene.t.ngettext("{n} visit", "{n} visits", int(d[g.VISITS])).format(
                n=integer(d[g.VISITS], lang=scene.lang)
            )
        )
        if not d[g.GOAL]:
            drop = percent(scene.drop_off(tid), 0, lang=scene.lang)
            lines.append(scene.t.gettext("drop-off {share}").format(share=drop))
        elif d[g.VISITS]:
            lines.append(scene.t.gettext("goal reached"))
    leak = scene.leak(tid)
    if leak is not None and (leak.lost_conversions or 0) > 0:
        lost = (
            whole_money(leak.lost_value, scene.currency, lang=scene.lang)
            if leak.lost_value is not None
            else scene.t.gettext("{n} conv.").format(
                n=integer(leak.lost_conversions, lang=scene.lang)
            )
        )
        lines.append(scene.t.gettext("#{rank} leak: {lost}").format(rank=leak.rank, lost=lost))
    for kind, metric in scene.survey(tid).headlines():
        value = score(kind, metric.headline, typographic=True, lang=scene.lang)
        lines.append(f"{kind.upper()} {value}")
    return "\n".join(lines + service_lines(scene, tid))


def _meta_height(scene: Scene, meta: dict[str, str], k: float) -> float:
    """Height of the foot of the touchpoint cards (A3 inches times `k`): a row of evidence
    marks when the map records evidence, and three short lines for owner and age."""
    marks = 0.13 * k if has_evidence(scene) else 0.0
    return marks + (0.34 * k if any(meta.values()) else 0.0)


def _note_box(scene: Scene, cell: Box, h: float, k: float) -> Box:
    """Where the owner and age go in the foot (height `h`) of a touchpoint card."""
    marks = 0.13 * k if has_evidence(scene) else 0.0
    return Box(cell.x + 0.03, cell.y - cell.h + h - marks, cell.w - 0.06, h - marks - 0.03)


def _card_meta(wr: Writer, scene: Scene, tp: Touchpoint, cell: Box, h: float, note: _Note) -> None:
    """The foot of a touchpoint card: the evidence marks, then the owner and the age of an
    assumption (:mod:`journeymap.render.evidence`), at one size for the whole lane."""
    if h <= 0:
        return
    if has_evidence(scene):
        y = cell.y - cell.h + h
        at = ((cell.x + 0.12 * note.k) / wr.W, (y - 0.07 * note.k) / wr.H)
        draw_marks(wr.fig, scene, tp, at, 5.5 * note.k)
    box = _note_box(scene, cell, h, note.k)
    wr.text(box, note.text, note.size, color=scene.theme.muted, pad=0.04 * note.k, center=True)


@dataclass(frozen=True)
class _Note:
    text: str
    size: float
    k: float


def _notes(
    wr: Writer, scene: Scene, meta: dict[str, str], cell: Box, h: float, k: float
) -> dict[str, _Note]:
    """The owner and age line of every card, at the largest size at which all of them fit
    (at least 4.5 pt; longer ones are cut and counted like any cell)."""
    box = _note_box(scene, cell, h, k)
    size = wr.lane_size([(box, m) for m in meta.values() if m], 6.5 * k, pad=0.04 * k, min_size=4.5)
    return {tid: _Note(m, size, k) for tid, m in meta.items()}


def canvas(scene: Scene, fmt: str) -> bytes:
    """The poster as ``svg``, ``png`` or ``pdf`` on the scene's page (A3 or A4 landscape)."""
    with style(scene):
        return save(draw_canvas(scene), fmt)


@dataclass(frozen=True)
class _Grid:
    """Where the lanes go: the label column, the touchpoint columns, each lane's height, the
    foot of the touchpoint cards and its notes."""

    x0: float
    col_w: float
    n: int
    top: float
    heights: dict[str, float]
    meta_h: float
    notes: dict[str, _Note]


def draw_canvas(scene: Scene) -> Figure:
    """Draw the poster onto a new figure (call inside :func:`journeymap.render.mpl.style`)."""
    W, H = PAGES[scene.page]
    k = W / PAGES["A3"][0]  # type scales with the page
    fig = new_figure(W, H)
    wr = Writer(fig, (W, H), scene.map.language)
    margin = 0.35 * k
    header = draw_header(wr, scene, margin, k)
    grid = _grid(wr, scene, header.bottom, margin, k)
    _stage_row(wr, scene, grid, k)
    y = grid.top - STAGE_H * k
    emotion_box: Box | None = None
    for li, (key, title, _) in enumerate(LANES):
        if key == "emotion":
            emotion_box = Box(grid.x0, y, grid.n * grid.col_w, grid.heights[key])
        _lane(wr, scene, grid, (li, key, title), y, margin, k)
        y -= grid.heights[key]
    if emotion_box is not None:
        _emotion(wr, scene, emotion_box, grid.n, k)
    draw_footer(wr, scene, header, margin, k)
    return fig


STAGE_H = 0.34
"""Height of the stage row in A3 inches."""
LABEL_W = 1.3
"""Width of the lane labels' column in A3 inches."""


def _grid(wr: Writer, scene: Scene, top: float, margin: float, k: float) -> _Grid:
    """Share the height below the header among the lanes by their weights, with room in the
    touchpoint lane for the cards' foot (evidence marks, owner and age)."""
    touchpoints = [tp for _, tp in scene.map.iter_touchpoints()]
    x0 = margin + LABEL_W * k
    n = max(len(touchpoints), 1)
    col_w = (wr.W - margin - x0) / n
    lanes_h = top - STAGE_H * k - margin - footer_height(scene, k)
    meta = {tp.id: card_note(scene, tp) for tp in touchpoints}
    meta_h = _meta_height(scene, meta, k)
    weights = {key: w for key, _, w in LANES}
    weights["touchpoint"] += meta_h / k  # room for the marks, the owner and the age
    total = sum(weights.values())
    heights = {key: lanes_h * w / total for key, w in weights.items()}
    meta_h *= heights["touchpoint"] / (weights["touchpoint"] * k)
    notes = _notes(wr, scene, meta, Box(x0, 0, col_w, heights["touchpoint"]), meta_h, k)
    return _Grid(x0, col_w, n, top, heights, meta_h, notes)


def _stage_row(wr: Writer, scene: Scene, grid: _Grid, k: float) -> None:
    """The row of stage names over their touchpoints' columns, in alternating colours."""
    t = scene.theme
    col = 0
    for si, stage in enumerate(scene.map.stages):
        span = len(stage.touchpoints)
        if span == 0:
            continue
        box = Box(grid.x0 + col * grid.col_w, grid.top, span * grid.col_w, STAGE_H * k)
        fill = t.accent if si % 2 == 0 else t.lines[4 % len(t.lines)]
        wr.rect(box, fill, edge=t.background, lw=1.5)
        wr.text(
            box,
            mpl_text(stage.name),
            11 * k,
            bold=True,
            color=t.text_on(fill),
            center=True,
            pad=0.05 * k,
        )
        col += span


def _lane(
    wr: Writer,
    scene: Scene,
    grid: _Grid,
    lane: tuple[int, str, str],
    y: float,
    margin: float,
    k: float,
) -> None:
    """One lane: its band and label, its cells at one size, and the column separators."""
    from matplotlib.lines import Line2D

    t = scene.theme
    li, key, title = lane
    h = grid.heights[key]
    band = Box(margin, y, wr.W - 2 * margin, h)
    wr.rect(band, t.panel if li % 2 == 0 else t.background, edge=None)
    wr.text(
        Box(margin, y, LABEL_W * k, h),
        scene.t.gettext(title),
        10 * k,
        bold=True,
        color=t.foreground,
        pad=0.06 * k,
    )
    bold = key == "touchpoint"
    size = 10.5 * k if bold else 9.5 * k
    cells = [
        _cell(wr, scene, grid, key, tp, Box(grid.x0 + i * grid.col_w, y, grid.col_w, h))
        for i, (_, tp) in enumerate(scene.map.iter_touchpoints())
    ]
    # one size per lane (the largest at which every cell of the lane fits), so a lane
    # reads evenly; cells that do not fit even at the minimum are cut
    lane_size = wr.lane_size([(c, txt) for c, txt in cells if txt], size, bold=bold, pad=0.07 * k)
    for cell, text in cells:
        if text:
            wr.text(
                cell,
                text,
                lane_size,
                bold=bold,
                italic=key == "thoughts",
                pad=0.07 * k,
                center=key == "touchpoint",
            )
    if grid.n > 1:  # the column separators: one line artist, a segment per column
        nan = float("nan")
        xs: list[float] = []
        ys: list[float] = []
        for i in range(1, grid.n):
            xf = (grid.x0 + i * grid.col_w) / wr.W
            xs += [xf, xf, nan]
            ys += [(y - h) / wr.H, y / wr.H, nan]
        wr.fig.add_artist(
            Line2D(xs[:-1], ys[:-1], transform=wr.fig.transFigure, color=t.grid, lw=0.5, zorder=1)
        )


_LANE_TEXT: dict[str, Callable[[Touchpoint], str]] = {
    "actions": lambda tp: _bullets(tp.actions),
    "thoughts": lambda tp: _thoughts(tp.thoughts),
    "pain_points": lambda tp: _bullets(tp.pain_points),
    "opportunities": lambda tp: _bullets(tp.opportunity_texts),
}
"""The text of a touchpoint's cell in the lanes of its own text (key figures come from the
scene; the emotion lane has no text)."""


def _cell(
    wr: Writer, scene: Scene, grid: _Grid, key: str, tp: Touchpoint, cell: Box
) -> tuple[Box, str]:
    """A cell's box and text; a touchpoint's card is drawn here (its frame, a strong edge for
    the three largest leaks, and its foot), and its text goes above the foot."""
    if key == "figures":
        return cell, _figures(scene, tp.id)
    if key != "touchpoint":
        return cell, _LANE_TEXT[key](tp) if key in _LANE_TEXT else ""
    t = scene.theme
    text = mpl_text(tp.name) + (f"\n[{mpl_text(tp.channel)}]" if tp.channel else "")
    leak = scene.leak(tp.id)
    top3 = leak is not None and leak.rank in (1, 2, 3)
    wr.rect(
        Box(cell.x + 0.03, cell.y - 0.03, cell.w - 0.06, cell.h - 0.06),
        t.node,
        edge=t.leak_strong if top3 else t.node_border,
        lw=2.0 if top3 else 0.6,
        z=1,
    )
    _card_meta(wr, scene, tp, cell, grid.meta_h, grid.notes[tp.id])
    return Box(cell.x, cell.y, cell.w, cell.h - grid.meta_h), text


def _emotion(wr: Writer, scene: Scene, b: Box, n: int, k: float) -> None:
    """The emotion curves on axes over the emotion lane, one x per touchpoint column."""
    W, H = wr.W, wr.H
    ax = wr.fig.add_axes(((b.x) / W, (b.y - b.h + 0.08 * k) / H, b.w / W, (b.h - 0.16 * k) / H))
    ax.set_facecolor("none")
    ax.set_xlim(-0.5, n - 0.5)
    xs = {tp.id: float(i) for i, (_, tp) in enumerate(scene.map.iter_touchpoints())}
    emotion_axes(ax, scene, xs, legend=False, marker_size=5 * k)
    ax.set_xticks([])
    lo, hi = scene.map.emotion_scale
    ax.set_yticks([lo, hi], [f"{lo:+g}".replace("-", "−"), f"{hi:+g}"], fontsize=7 * k)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(scene.theme.grid)
