"""The poster's footer: the legend of the emotion curves (when there is more than one curve or
the curve marks pain points), the legend of the evidence marks (when the map records any
evidence), and the notes line (personas not shown, what counts mean, cells cut, the map's id).

Lengths are in inches and scale with the page like the type (``k``: the page width over A3's).
"""

from __future__ import annotations

from journeymap import graph as g
from journeymap.render.canvas_header import Header
from journeymap.render.canvas_writer import Writer
from journeymap.render.evidence import has_evidence, legend_handles
from journeymap.render.persona_cards import hidden_note
from journeymap.render.persona_curves import curve_legend, curve_style
from journeymap.render.scene import Scene


def footer_height(scene: Scene, k: float) -> float:
    """The footer's height: one legend row, two when both legends are drawn."""
    return 0.32 * k * (2 if _two_legends(scene) else 1)


def _has_curve_legend(scene: Scene) -> bool:
    return len(scene.curves) > 1 or bool(scene.curves and scene.curves[0].pain_points)


def _two_legends(scene: Scene) -> bool:
    """Whether the footer holds the curve legend above the evidence legend."""
    return _has_curve_legend(scene) and has_evidence(scene)


def draw_footer(wr: Writer, scene: Scene, header: Header, margin: float, k: float) -> None:
    """Draw the legends and the notes line (call after every cell is written: the notes count
    the cells that were cut)."""
    W, H = wr.W, wr.H
    if _has_curve_legend(scene):
        _curve_legend(wr, scene, (margin / W, (margin * 0.4 + _legend_lift(scene, k)) / H), k)
    _evidence_legend(wr, scene, (margin / W, (margin * 0.4) / H), k)
    wr.fig.text(
        1 - margin / W,
        (margin * 0.5) / H,
        " · ".join(_notes(wr, scene, header)),
        ha="right",
        va="bottom",
        fontsize=7 * k,
        color=scene.theme.muted,
    )


def _legend_lift(scene: Scene, k: float) -> float:
    """How far the curve legend sits above the evidence legend (0 without one)."""
    return footer_height(scene, k) / 2 * has_evidence(scene)


def _curve_legend(wr: Writer, scene: Scene, at: tuple[float, float], k: float) -> None:
    """One legend entry per emotion curve, and the pain point mark."""
    from matplotlib.lines import Line2D

    handles = []
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
            color=scene.theme.leak_strong,
            marker="v",
            ls="none",
            label=scene.t.gettext("pain point"),
        )
    )
    wr.fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=at,
        ncols=len(handles),
        fontsize=8 * k,
        frameon=False,
        borderaxespad=0,
    )


def _evidence_legend(wr: Writer, scene: Scene, at: tuple[float, float], k: float) -> None:
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


def _notes(wr: Writer, scene: Scene, header: Header) -> list[str]:
    """The notes line: personas not shown, what the counts are, cells cut, the map's id."""
    notes = []
    hidden = hidden_note(scene, list(header.personas), header.grid)
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
    return notes
