"""matplotlib plumbing shared by the charts and the canvas: style, fonts, wrapping, saving.

Every figure is drawn inside :func:`style` (an ``rc_context``): math parsing and TeX are off,
so a ``$`` in a name is text; fonts are the explicit fallback list of the map's
:class:`~journeymap.render.fonts.FontPlan`; the SVG hash salt is fixed and text is drawn as paths
(glyphs travel with the file). :func:`save` writes no dates into SVG, PDF or PNG metadata, so
the same map gives the same bytes.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from journeymap.figures import integer, percent
from journeymap.render import linebreak
from journeymap.render.fonts import FontPlan, register_with_matplotlib
from journeymap.render.scene import Scene
from journeymap.render.theme import Theme

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

CREATOR = "journeymap"
PDF_BACKEND: str | None = "module://journeymap.render.pdf"
"""The writer of PDF files: matplotlib's, shaping and encoding each kind of line of text once
per file (:mod:`journeymap.render.pdf`; None is matplotlib's own, the same bytes)."""


@contextlib.contextmanager
def style(scene: Scene) -> Iterator[None]:
    """rcParams for one drawing (deterministic, fonts set, no math text)."""
    with themed(scene.theme, scene.fonts):
        yield


@contextlib.contextmanager
def themed(t: Theme, fonts: FontPlan) -> Iterator[None]:
    """:func:`style` for a picture that has no map (the cohort heatmap): a theme and fonts."""
    import matplotlib

    families = register_with_matplotlib(fonts) or ["DejaVu Sans"]
    rc: dict[str, Any] = {
        "font.family": families,
        "font.size": 10,
        "text.usetex": False,
        "text.parse_math": False,
        "axes.unicode_minus": True,
        "svg.hashsalt": "journeymap",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "path.simplify": True,
        "figure.facecolor": t.background,
        "savefig.facecolor": t.background,
        "axes.facecolor": t.background,
        "axes.edgecolor": t.muted,
        "axes.labelcolor": t.foreground,
        "axes.titlecolor": t.foreground,
        "text.color": t.foreground,
        "xtick.color": t.muted,
        "ytick.color": t.muted,
        "xtick.labelcolor": t.foreground,
        "ytick.labelcolor": t.foreground,
        "grid.color": t.grid,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "figure.dpi": 100,
        "savefig.dpi": 150,
    }
    import logging

    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)  # "no bold face" fallbacks are expected for CJK fonts
    try:
        with matplotlib.rc_context(cast(Any, rc)):
            yield
    finally:
        logger.setLevel(level)


def new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout=None)


def save(fig: Figure, fmt: str) -> bytes:
    """Figure to bytes without dates or versions in the metadata."""
    buf = io.BytesIO()
    metadata: dict[str, Any]
    if fmt == "svg":
        metadata = {"Date": None, "Creator": CREATOR}
    elif fmt == "pdf":
        metadata = {"CreationDate": None, "ModDate": None, "Creator": CREATOR, "Producer": CREATOR}
    else:
        metadata = {"Software": CREATOR}
    backend = PDF_BACKEND if fmt == "pdf" else None
    fig.savefig(buf, format=fmt, metadata=metadata, backend=backend)
    return buf.getvalue()


# ------------------------------------------------------------------------------ axis ticks


def thousands_ticks(lang: str) -> Any:
    """Axis ticks as whole numbers with the separators of ``lang`` (``12,000``; ``12 000``)."""
    from matplotlib.ticker import FuncFormatter, StrMethodFormatter

    if lang == "en":
        return StrMethodFormatter("{x:,.0f}")
    return FuncFormatter(lambda x, _pos: integer(x, lang=lang))


def percent_ticks(lang: str) -> Any:
    """Axis ticks of a share (0-1) as whole percentages in ``lang`` (``40%``; ``40\xa0%``)."""
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    if lang == "en":
        return PercentFormatter(1.0, decimals=0)
    return FuncFormatter(lambda x, _pos: percent(x, 0, lang=lang))


# --------------------------------------------------------------------------------- wrapping


class Measurer:
    """Measures text widths in points with matplotlib's own font machinery.

    Each character is measured once at a reference size and scaled linearly (glyph advances
    scale with the size; the canvas keeps 4% headroom for hinting), which keeps a 20-touchpoint
    canvas fast.
    """

    REF = 20.0

    def __init__(self, fig: Figure, *, lang: str | None = None) -> None:
        self.lang = lang
        """The language of the text (the map's ``language:``): it picks the line-break rules."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(fig)
        self._renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        self._dpi = fig.dpi
        self._cache: dict[tuple[str, bool], float] = {}
        self._totals: dict[tuple[str, bool], float] = {}
        self._wraps: dict[
            tuple[str, float, float, bool, int | None], tuple[tuple[str, ...], bool]
        ] = {}
        """Wrapped lines by text, width, size, weight and how many lines are needed: a canvas
        shrinks each lane by trying sizes, then draws at the size found, so the same wrap is
        asked for again."""
        self._props = {b: self._prop(self.REF, b) for b in (False, True)}

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width in points: the sum of the characters' advances (kerning only narrows a line,
        so the sum errs on the safe side)."""
        known = self._totals.get((text, bold))
        if known is not None:  # the same sum, added once (line breaking asks again and again)
            return known * size / self.REF
        total = 0.0
        cache = self._cache
        for ch in text:
            key = (ch, bold)
            hit = cache.get(key)
            if hit is None:
                # the advance of a character: "n" + ch + "n" minus "nn" (spaces measure 0 alone)
                w = self._measure("n" + ch + "n", bold) - self._measure("nn", bold)
                hit = cache[key] = max(w, 0.0)
            total += hit
        self._totals[(text, bold)] = total
        return total * size / self.REF

    def _measure(self, text: str, bold: bool) -> float:
        key = ("\0" + text, bold)
        hit = self._cache.get(key)
        if hit is None:
            w, _, _ = self._renderer.get_text_width_height_descent(
                text, self._props[bold], ismath=False
            )
            hit = self._cache[key] = w * 72.0 / self._dpi
        return hit

    @staticmethod
    def _prop(size: float, bold: bool) -> FontProperties:
        from matplotlib.font_manager import FontProperties

        return FontProperties(size=size, weight="bold" if bold else "normal")


def wrap(m: Measurer, text: str, width_pt: float, size: float, bold: bool = False) -> list[str]:
    """Wrap `text` into lines no wider than `width_pt` points, by the rules of its script
    (:mod:`journeymap.render.linebreak`, in the measurer's language)."""
    return _wrap(m, text, width_pt, size, bold)[0]


def _wrap(
    m: Measurer,
    text: str,
    width_pt: float,
    size: float,
    bold: bool = False,
    first: int | None = None,
) -> tuple[list[str], bool]:
    key = (text, width_pt, size, bold, first)
    known = m._wraps.get(key)
    if known is None:
        wrapped = linebreak.wrap(
            text, width_pt, lambda s: m.width(s, size, bold), lang=m.lang, first=first
        )
        known = m._wraps[key] = (tuple(wrapped.texts), wrapped.broke)
    return list(known[0]), known[1]


def _height(n_lines: int, size: float, leading: float) -> float:
    """Drawn height of `n_lines` lines: line spacing between them, ascent and descent of the last."""
    return (n_lines - 1) * size * leading + 1.25 * size


def _fits(
    m: Measurer, text: str, width_pt: float, height_pt: float, s: float, leading: float, bold: bool
) -> bool:
    """Whether `text` wraps at size `s` into lines whose height fits and without a cut: the
    test of :func:`fit`'s loop, ``_height(len(lines)) <= height_pt and not broke``."""
    max_lines = -1
    while _height(max_lines + 1, s, leading) <= height_pt:
        max_lines += 1
    if max_lines < 0:
        return False
    return linebreak.fits(
        text, width_pt, lambda t: m.width(t, s, bold), max_lines=max_lines, lang=m.lang
    )


def fit(
    m: Measurer,
    text: str,
    width_pt: float,
    height_pt: float,
    size: float,
    *,
    min_size: float = 5.5,
    leading: float = 1.22,
    bold: bool = False,
) -> tuple[list[str], float, bool]:
    """Wrap `text` into a box, shrinking the font down to `min_size`, then cutting with "…".

    Returns the lines, the font size, and whether text had to be cut. The size is the first
    of `size`, `size` - 0.5, ... at which the text fits (:func:`_fits`), else `min_size`;
    only the lines the box can hold and one more are wrapped (a cell of a poster with
    hundreds of columns holds a few characters of its text).
    """
    s = size
    while s > min_size and not _fits(m, text, width_pt, height_pt, s, leading, bold):
        s = max(round(s - 0.5, 2), min_size)
    max_lines = 1
    while _height(max_lines + 1, s, leading) <= height_pt:
        max_lines += 1
    lines = _wrap(m, text, width_pt, s, bold, first=max_lines + 1)[0]
    if len(lines) <= max_lines:
        return lines, s, False
    kept = lines[:max_lines]
    last = kept[-1]
    while last and m.width(last + "…", s, bold) > width_pt:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept, s, True
