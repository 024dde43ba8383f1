"""Workshop visuals: graphviz journey graph, canvas, matplotlib charts, Mermaid, HTML report.

Heavy libraries (graphviz, matplotlib, jinja2) are imported inside the functions that draw, so
importing this package is cheap. The one entry point is :func:`render`, which picks the view's
function by name; :data:`VIEWS` is the table of views and the formats each supports.

>>> VIEWS["graph"]
('svg', 'png', 'pdf', 'dot')
>>> view_format("graph", "journey.mmd")
Traceback (most recent call last):
...
journeymap.errors.UsageError: the graph view cannot be written as .mmd; it supports .svg, .png, .pdf, .dot
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from journeymap.errors import UsageError, did_you_mean
from journeymap.render.scene import COLOR_BY, CURVES, PAGES, Curve, Scene, build_curves, build_scene

if TYPE_CHECKING:
    from journeymap.render.report_trend import TrendData
    from journeymap.render.report_views import Variants

VIEWS: dict[str, tuple[str, ...]] = {
    "graph": ("svg", "png", "pdf", "dot"),
    "canvas": ("svg", "png", "pdf"),
    "funnel": ("svg", "png", "pdf"),
    "leaks": ("svg", "png", "pdf"),
    "scores": ("svg", "png", "pdf"),
    "emotions": ("svg", "png", "pdf"),
    "mermaid": ("mmd",),
    "mermaid-flow": ("mmd",),
    "report": ("html",),
    "experiment": ("svg", "png", "pdf"),
    "trend": ("svg", "png", "pdf"),
    "deck": ("pptx",),
    "cohorts": ("svg", "png", "pdf"),
    "opportunities": ("svg", "png", "pdf"),
}
"""Every view and the file extensions it can be written as (design section 6)."""

NEEDS_ANALYSIS = {"graph", "canvas", "funnel", "leaks", "scores", "report", "mermaid-flow", "deck"}
"""Views that show figures of the analysis (leak ranking, reach, survey metrics)."""
NEEDS_BOOTSTRAP = {"leaks", "report", "deck"}
"""Views that show bootstrap intervals (the others run the analysis with ``samples=0``)."""
NEEDS_ARMS = {"experiment"}
"""Views drawn from an experiment's readout (the arms' overlays), not from a map alone."""
NEEDS_PORTFOLIO = {"opportunities", "report", "deck"}
"""Views that show the priced opportunities (the report and the deck only when the map has any)."""

__all__ = [
    "COLOR_BY",
    "CURVES",
    "NEEDS_ANALYSIS",
    "NEEDS_ARMS",
    "NEEDS_BOOTSTRAP",
    "NEEDS_PORTFOLIO",
    "PAGES",
    "VIEWS",
    "Curve",
    "Scene",
    "build_curves",
    "build_scene",
    "render",
    "supported_table",
    "view_format",
]


def supported_table() -> str:
    """``graph: svg, png, pdf, dot; canvas: ...`` for error messages and help."""
    return "; ".join(f"{v}: {', '.join(f)}" for v, f in VIEWS.items())


def view_format(view: str, path: str | os.PathLike[str]) -> str:
    """The output format of `view` written to `path` (from its extension), or a UsageError."""
    if view not in VIEWS:
        raise UsageError(
            f"unknown view '{view}'; views: {', '.join(VIEWS)}",
            hint=did_you_mean(view, list(VIEWS)),
        )
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in VIEWS[view]:
        supported = ", ".join("." + f for f in VIEWS[view])
        shown = f".{ext}" if ext else "a file without an extension"
        raise UsageError(
            f"the {view} view cannot be written as {shown}; it supports {supported}",
            hint=f"supported pairs: {supported_table()}",
        )
    return ext


def render(
    scene: Scene,
    view: str,
    fmt: str,
    *,
    trend: TrendData | None = None,
    variants: Variants | None = None,
) -> bytes:
    """Draw one view of the scene in one format; returns the file's bytes (``trend``: the
    report's section over several periods, :mod:`journeymap.render.report_trend`;
    ``variants``: the scenarios the report switches between, :mod:`journeymap.render.report_data`)."""
    if fmt not in VIEWS.get(view, ()):
        raise UsageError(
            f"the {view} view cannot be written as .{fmt}",
            hint=f"supported pairs: {supported_table()}",
        )
    if view == "graph":
        from journeymap.render.dot import render_graph

        return render_graph(scene, fmt)
    if view == "canvas":
        from journeymap.render.canvas import canvas

        return canvas(scene, fmt)
    if view in ("funnel", "leaks", "scores", "emotions"):
        from journeymap.render import charts

        fn = {
            "funnel": charts.funnel_chart,
            "leaks": charts.leaks_chart,
            "scores": charts.scores_chart,
            "emotions": charts.emotions_chart,
        }[view]
        return fn(scene, fmt)
    if view in ("mermaid", "mermaid-flow"):
        from journeymap.render.mermaid import to_flowchart, to_journey

        return (to_journey(scene) if view == "mermaid" else to_flowchart(scene)).encode("utf-8")
    if view == "trend":
        raise UsageError("the trend view draws the overlays of several periods, not one scene")
    if view == "cohorts":
        raise UsageError("the cohorts view draws an event log's cohorts, not one scene")
    if view == "opportunities":
        from journeymap.render.opportunity_chart import opportunity_chart

        return opportunity_chart(scene, fmt)
    if view == "experiment":
        from journeymap.render.forest import forest_chart

        return forest_chart(scene, fmt)
    if view == "deck":
        from journeymap.render.deck import deck, portfolio_slide

        return deck(scene, trend=trend, opportunities=portfolio_slide(scene))
    from journeymap.render.report import report
    from journeymap.render.report_trend import trend_section

    section = None if trend is None else trend_section(scene, trend)
    return report(scene, section, variants).encode("utf-8")
