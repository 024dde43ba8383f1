"""How the emotion curves are named and drawn: one per persona with its share, and the curve
across all personas.

The curves themselves come from :func:`journeymap.render.scene.build_curves`; the average
curve is :meth:`journeymap.model.JourneyMap.emotion` with no persona, the share-weighted mean
``sum(w_p e_p) / sum(w_p)`` of :meth:`journeymap.model.Touchpoint.emotion_for` (nothing is
averaged here). This module writes the legend text, picks the style and draws the curves onto
an axes (:func:`emotion_axes`), so the emotion chart and the poster's curve lane read the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.figures import percent
from journeymap.render.scene import Curve, Scene
from journeymap.render.text import mpl_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
DASHES = ("-", "--", "-.", ":", "-", "--", "-.", ":")


@dataclass(frozen=True)
class CurveStyle:
    """The colour, line style, marker and width of one curve."""

    color: str
    dash: str
    marker: str
    width: float


def curve_style(scene: Scene, index: int) -> CurveStyle:
    """The style of the `index`-th curve of the scene: the theme's categorical colours in order;
    the average across personas is the theme's text colour, solid and thicker, so it stands out
    from the personas' curves without a colour of its own."""
    curve = scene.curves[index]
    if curve.average:
        return CurveStyle(scene.theme.foreground, "-", "o", 3.2)
    t = scene.theme
    return CurveStyle(
        t.lines[index % len(t.lines)],
        DASHES[index % len(DASHES)],
        MARKERS[index % len(MARKERS)],
        2.2,
    )


def curve_legend(scene: Scene, curve: Curve) -> str:
    """The legend entry of a curve: a persona's name with its share (``Bargain hunter (45%)``),
    the average across personas saying how it is weighted, else the curve's label.

    >>> from journeymap.model import JourneyMap
    >>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M",
    ...     "personas": [{"id": "a", "name": "A", "share": 0.25}, {"id": "b", "name": "B",
    ...     "share": 0.75}], "stages": [{"id": "s", "name": "S", "touchpoints": [
    ...     {"id": "t", "name": "T", "emotion": {"a": 2, "b": -2}}]}]})
    >>> from journeymap.render.scene import build_scene
    >>> scene = build_scene(m)
    >>> [curve_legend(scene, c) for c in scene.curves]
    ['A (25%)', 'B (75%)', 'all personas, weighted by share']
    """
    t = scene.t
    if curve.average:
        shares = scene.map.persona_shares
        if shares and all(p.id in shares for p in scene.map.personas):
            return t.gettext("all personas, weighted by share")
        return t.gettext("all personas, plain mean")
    if curve.persona is not None:
        persona = scene.map.persona(curve.persona)
        if persona.share is None:
            return mpl_text(persona.name)
        return t.gettext("{name} ({share})").format(
            name=mpl_text(persona.name), share=percent(persona.share, 0, lang=scene.lang)
        )
    # a fixed label ("as-is", "emotion", "mean over personas"): translated; a scenario's name
    # is the user's and has no translation, so it comes back as written
    return mpl_text(t.gettext(curve.label))


def emotion_axes(
    ax: Axes, scene: Scene, xs: dict[str, float], *, legend: bool = True, marker_size: float = 6
) -> None:
    """Draw the emotion curves of the scene onto `ax` at the x positions `xs` (by touchpoint)."""
    t = scene.theme
    lo, hi = scene.map.emotion_scale
    ax.set_ylim(lo - 0.15 * (hi - lo), hi + 0.15 * (hi - lo))
    ax.axhline(0 if lo < 0 < hi else (lo + hi) / 2, color=t.grid, lw=1, zorder=1)
    for k, curve in enumerate(scene.curves):
        cs = curve_style(scene, k)
        pts = [(xs[tid], v) for tid, v in curve.emotions.items() if tid in xs and v is not None]
        pts.sort()
        if not pts:
            continue
        x, y = zip(*pts, strict=True)
        ax.plot(
            x,
            y,
            color=cs.color,
            lw=cs.width,
            ls=cs.dash,
            marker=cs.marker,
            ms=marker_size,
            label=curve_legend(scene, curve),
            zorder=3 + k,
        )
    # pain points sit on the curve across personas when there is one, else on the first curve
    first = next((c for c in scene.curves if c.average), scene.curves[0] if scene.curves else None)
    if first is not None:
        pains = [
            (xs[tid], float(v))
            for tid in first.pain_points
            if tid in xs and (v := first.emotions.get(tid)) is not None
        ]
        if pains:
            ax.scatter(
                [p[0] for p in pains],
                [p[1] - 0.11 * (hi - lo) for p in pains],
                marker="v",
                s=marker_size * 9,
                color=t.leak_strong,
                zorder=10,
                label=scene.t.gettext("pain point"),
                edgecolors="none",
            )
    if legend and (len(scene.curves) > 1 or any(c.pain_points for c in scene.curves)):
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, borderaxespad=0.2)
