"""The journey-map canvas: the workshop poster, A3 or A4 landscape.

Stages are columns (each touchpoint a sub-column), lanes are rows: actions, touchpoints and
channels, thoughts, the emotion curve (one per persona or scenario when asked), pain points,
opportunities and key figures. A persona header sits on top. Every text is wrapped to its cell
with measured widths; when it does not fit, the font shrinks down to a minimum and then the
text is cut with "…" (and the footer says how many cells were cut), so texts never overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap import graph as g
from journeymap.figures import (
    integer,
    number,
    percent,
    period,
    share,
    signed,
    whole_money,
)
from journeymap.i18n import N_
from journeymap.model import Persona, Touchpoint
from journeymap.render.charts import emotion_axes
from journeymap.render.evidence import card_note, draw_marks, has_evidence, legend_handles
from journeymap.render.key_figures import business_line, service_lines
from journeymap.render.mpl import Measurer, fit, new_figure, save, style
from journeymap.render.persona_cards import (
    CardBox,
    card_boxes,
    header_height,
    hidden_note,
    persona_grid,
)
from journeymap.render.persona_curves import curve_legend, curve_style
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


@dataclass
class _Box:
    x: float  # inches from the left
    y: float  # inches from the bottom (top edge)
    w: float
    h: float


class _Writer:
    """Places wrapped text into boxes on a figure measured in inches."""

    def __init__(self, fig: Figure, page: tuple[float, float], lang: str | None = None) -> None:
        self.fig = fig
        self.W, self.H = page
        self.m = Measurer(fig, lang=lang)
        self.cut = 0

    def rect(
        self, box: _Box, color: str, *, edge: str | None = None, lw: float = 0.6, z: float = 0
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

    def _area(self, box: _Box, pad: float) -> tuple[float, float]:
        width_pt = (box.w - 2 * pad) * 72 * 0.96  # headroom for hinting at other dpi
        return width_pt, (box.h - 2 * pad) * 72

    def size_for(
        self,
        box: _Box,
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

    def text(
        self,
        box: _Box,
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
        lines.append(_HEADLINE_TEXT[kind](metric.headline or 0.0, scene.lang))
    return "\n".join(lines + service_lines(scene, tid))


_HEADLINE_TEXT: dict[str, Callable[[float, str], str]] = {
    "nps": lambda v, lang: f"NPS {signed(v, lang=lang)}",
    "csat": lambda v, lang: f"CSAT {share(v, 0, lang=lang)}",
    "ces": lambda v, lang: f"CES {number(v, 1, lang=lang)}",
}
"""How a key-figures cell shows the headline of each survey metric."""


def _persona_card(wr: _Writer, scene: Scene, p: Persona, card: CardBox, k: float) -> None:
    """One persona card: a colour bar (the colour of the persona's curve when curves are drawn
    per persona), the name, the description, goals and frustrations."""
    t = scene.theme
    box = _Box(card.x, card.y, card.w, card.h)
    wr.rect(box, t.panel, edge=t.grid)
    per_persona = any(c.persona is not None for c in scene.curves)
    color = t.lines[card.index % len(t.lines)] if per_persona else t.accent
    wr.rect(_Box(box.x, box.y, 0.06 * k, box.h), color)
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
        _Box(box.x + 0.08 * k, box.y, box.w - 0.1 * k, 0.34 * k),
        mpl_text(p.name),
        11 * k,
        bold=True,
        pad=0.05 * k,
    )
    wr.text(
        _Box(box.x + 0.08 * k, box.y - 0.28 * k, box.w - 0.1 * k, box.h - 0.28 * k),
        "\n".join(body),
        8.5 * k,
        pad=0.05 * k,
    )


def _meta_height(scene: Scene, meta: dict[str, str], k: float) -> float:
    """Height of the foot of the touchpoint cards (A3 inches times `k`): a row of evidence
    marks when the map records evidence, and three short lines for owner and age."""
    marks = 0.13 * k if has_evidence(scene) else 0.0
    return marks + (0.34 * k if any(meta.values()) else 0.0)


def _note_box(scene: Scene, cell: _Box, h: float, k: float) -> _Box:
    """Where the owner and age go in the foot (height `h`) of a touchpoint card."""
    marks = 0.13 * k if has_evidence(scene) else 0.0
    return _Box(cell.x + 0.03, cell.y - cell.h + h - marks, cell.w - 0.06, h - marks - 0.03)


def _card_meta(
    wr: _Writer, scene: Scene, tp: Touchpoint, cell: _Box, h: float, note: _Note
) -> None:
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
    wr: _Writer, scene: Scene, meta: dict[str, str], cell: _Box, h: float, k: float
) -> dict[str, _Note]:
    """The owner and age line of every card, at the largest size at which all of them fit
    (at least 4.5 pt; longer ones are cut and counted like any cell)."""
    box = _note_box(scene, cell, h, k)
    sizes = [wr.size_for(box, m, 6.5 * k, pad=0.04 * k, min_size=4.5) for m in meta.values() if m]
    size = min(sizes or [6.5 * k])
    return {tid: _Note(m, size, k) for tid, m in meta.items()}


def _two_legends(scene: Scene) -> bool:
    """Whether the footer holds the curve legend above the evidence legend."""
    curves = len(scene.curves) > 1 or bool(scene.curves and scene.curves[0].pain_points)
    return curves and has_evidence(scene)


def _evidence_legend(wr: _Writer, scene: Scene, at: tuple[float, float], k: float) -> None:
    """The footer's legend of the four evidence marks (when the map records any evidence)."""
    if not has_evidence(scene):
        return
    title = scene.t.gettext("Evidence:")
    x, y = at
    wr.fig.text(x, y, title, ha="left", va="bottom", fontsize=8 * k, color=scene.theme.muted)
    handles = legend_handles(scene, 6 * k)
    wr.fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(x + (wr.m.width(title, 8 * k) / 72 + 0.05 * k) / wr.W, y),
        ncols=len(handles),
        fontsize=8 * k,
        frameon=False,
        borderaxespad=0,
        handletextpad=0.3,
        borderpad=0,
    )


def canvas(scene: Scene, fmt: str) -> bytes:
    """The poster as ``svg``, ``png`` or ``pdf`` on the scene's page (A3 or A4 landscape)."""
    with style(scene):
        return save(draw_canvas(scene), fmt)


def draw_canvas(scene: Scene) -> Figure:
    """Draw the poster onto a new figure (call inside :func:`journeymap.render.mpl.style`)."""
    W, H = PAGES[scene.page]
    k = W / PAGES["A3"][0]  # type scales with the page
    t = scene.theme
    touchpoints = list(scene.map.iter_touchpoints())
    fig = new_figure(W, H)
    wr = _Writer(fig, (W, H), scene.map.language)
    margin = 0.35 * k
    # ---- header: title, subtitle, personas
    top = H - margin
    wr.text(
        _Box(margin, top, W * 0.55, 0.5 * k),
        mpl_text(scene.map.title),
        20 * k,
        bold=True,
        pad=0,
        min_size=9 * k,
    )
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
    figures = business_line(scene)
    wr.text(
        _Box(margin, top - 0.56 * k, W * 0.55, (0.28 if figures else 0.5) * k),
        " · ".join(bits),
        9 * k,
        color=t.muted,
        pad=0,
    )
    if figures:
        wr.text(_Box(margin, top - 0.86 * k, W * 0.55, 0.26 * k), figures, 8.5 * k, pad=0)
    personas = [p for p in scene.map.personas if scene.persona in (None, p.id)]
    grid = persona_grid(len(personas), scene.page)
    for card in card_boxes(grid, (W, H), margin, k):
        _persona_card(wr, scene, personas[card.index], card, k)
    # ---- grid
    grid_top = top - header_height(grid, k)
    footer = 0.32 * k * (2 if _two_legends(scene) else 1)
    label_w = 1.3 * k
    x0 = margin + label_w
    grid_w = W - margin - x0
    n = max(len(touchpoints), 1)
    col_w = grid_w / n
    stage_h = 0.34 * k
    lanes_h = grid_top - stage_h - margin - footer
    meta = {tp.id: card_note(scene, tp) for _, tp in touchpoints}
    meta_h = _meta_height(scene, meta, k)
    weights = {key: w for key, _, w in LANES}
    weights["touchpoint"] += meta_h / k  # room for the marks, the owner and the age
    total = sum(weights.values())
    heights = {key: lanes_h * w / total for key, w in weights.items()}
    meta_h *= heights["touchpoint"] / (weights["touchpoint"] * k)
    card_notes = _notes(wr, scene, meta, _Box(x0, 0, col_w, heights["touchpoint"]), meta_h, k)
    # stage header row
    col = 0
    for si, stage in enumerate(scene.map.stages):
        span = len(stage.touchpoints)
        if span == 0:
            continue
        box = _Box(x0 + col * col_w, grid_top, span * col_w, stage_h)
        wr.rect(
            box, t.accent if si % 2 == 0 else t.lines[4 % len(t.lines)], edge=t.background, lw=1.5
        )
        fill = t.accent if si % 2 == 0 else t.lines[4 % len(t.lines)]
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
    xs = {tp.id: i for i, (_, tp) in enumerate(touchpoints)}
    y = grid_top - stage_h
    emotion_box: _Box | None = None
    for li, (key, title, _) in enumerate(LANES):
        h = heights[key]
        band = _Box(margin, y, W - 2 * margin, h)
        wr.rect(band, t.panel if li % 2 == 0 else t.background, edge=None)
        wr.text(
            _Box(margin, y, label_w, h),
            scene.t.gettext(title),
            10 * k,
            bold=True,
            color=t.foreground,
            pad=0.06 * k,
        )
        if key == "emotion":
            emotion_box = _Box(x0, y, grid_w, h)
        cells: list[tuple[_Box, str]] = []
        bold = key == "touchpoint"
        size = 10.5 * k if bold else 9.5 * k
        for i, (_, tp) in enumerate(touchpoints):
            cell = _Box(x0 + i * col_w, y, col_w, h)
            text = ""
            if key == "actions":
                text = _bullets(tp.actions)
            elif key == "touchpoint":
                text = mpl_text(tp.name) + (f"\n[{mpl_text(tp.channel)}]" if tp.channel else "")
                leak = scene.leak(tp.id)
                top3 = leak is not None and leak.rank in (1, 2, 3)
                wr.rect(
                    _Box(cell.x + 0.03, cell.y - 0.03, cell.w - 0.06, cell.h - 0.06),
                    t.node,
                    edge=t.leak_strong if top3 else t.node_border,
                    lw=2.0 if top3 else 0.6,
                    z=1,
                )
                _card_meta(wr, scene, tp, cell, meta_h, card_notes[tp.id])
                cell = _Box(cell.x, cell.y, cell.w, cell.h - meta_h)
            elif key == "thoughts":
                text = _thoughts(tp.thoughts)
            elif key == "pain_points":
                text = _bullets(tp.pain_points)
            elif key == "opportunities":
                text = _bullets(tp.opportunity_texts)
            elif key == "figures":
                text = _figures(scene, tp.id)
            cells.append((cell, text))
        # one size per lane (the largest at which every cell of the lane fits), so a lane
        # reads evenly; cells that do not fit even at the minimum are cut
        lane_size = min(
            [wr.size_for(c, txt, size, bold=bold, pad=0.07 * k) for c, txt in cells if txt]
            or [size]
        )
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
        # column separators
        for i in range(1, n):
            from matplotlib.lines import Line2D

            xf = (x0 + i * col_w) / W
            fig.add_artist(
                Line2D(
                    [xf, xf],
                    [(y - h) / H, y / H],
                    transform=fig.transFigure,
                    color=t.grid,
                    lw=0.5,
                    zorder=1,
                )
            )
        y -= h
    if emotion_box is not None:
        b = emotion_box
        ax = fig.add_axes(((b.x) / W, (b.y - b.h + 0.08 * k) / H, b.w / W, (b.h - 0.16 * k) / H))
        ax.set_facecolor("none")
        ax.set_xlim(-0.5, n - 0.5)
        emotion_axes(
            ax, scene, {tid: float(i) for tid, i in xs.items()}, legend=False, marker_size=5 * k
        )
        ax.set_xticks([])
        lo, hi = scene.map.emotion_scale
        ax.set_yticks([lo, hi], [f"{lo:+g}".replace("-", "−"), f"{hi:+g}"], fontsize=7 * k)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        ax.spines["left"].set_color(t.grid)
    # ---- footer: curve legend and notes
    notes = []
    if len(scene.curves) > 1 or (scene.curves and scene.curves[0].pain_points):
        handles = []
        from matplotlib.lines import Line2D

        for i, curve in enumerate(scene.curves):
            cs = curve_style(scene, i)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=cs.color,
                    ls=cs.dash,
                    marker=cs.marker,
                    lw=cs.width * 0.9,
                    label=curve_legend(scene, curve),
                )
            )
        handles.append(
            Line2D(
                [],
                [],
                color=t.leak_strong,
                marker="v",
                ls="none",
                label=scene.t.gettext("pain point"),
            )
        )
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(margin / W, (margin * 0.4 + footer / 2 * has_evidence(scene)) / H),
            ncols=len(handles),
            fontsize=8 * k,
            frameon=False,
            borderaxespad=0,
        )
    _evidence_legend(wr, scene, (margin / W, (margin * 0.4) / H), k)
    hidden = hidden_note(scene, personas, grid)
    if hidden:
        notes.append(hidden)
    if scene.graph.graph[g.HAS_COUNTS]:
        notes.append(scene.t.gettext("counts are transitions (visits)"))
    if wr.cut:
        notes.append(
            scene.t.ngettext(
                "{n} cell shortened to fit (…): see the map for the full text",
                "{n} cells shortened to fit (…): see the map for the full text",
                wr.cut,
            ).format(n=wr.cut)
        )
    notes.append(f"journeymap · {scene.map.id}")
    fig.text(
        1 - margin / W,
        (margin * 0.5) / H,
        " · ".join(notes),
        ha="right",
        va="bottom",
        fontsize=7 * k,
        color=t.muted,
    )
    return fig
