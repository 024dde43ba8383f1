"""matplotlib's PDF writer, with each line of text shaped and encoded once per file.

matplotlib's PDF backend lays out every line of text it draws (HarfBuzz shaping through
libraqm, a glyph load per character, the font looked up again) and writes its operators one by
one, each through ``pdfRepr``; on a poster of 300 touchpoints that is 4,500 lines, most of them
the same few characters of cells cut to their columns. :class:`FigureCanvas` (used by
:func:`journeymap.render.mpl.save` as the backend of a PDF) draws the first line of each kind
with matplotlib's own ``draw_text`` and keeps what it wrote after the line's position; a line
of the same text, font, size, angle, features and language later in the same file writes the
same graphics-state and position operators the stock method would (``check_gc``, ``q``, the
``cm`` of its position) and then those bytes again. The glyphs are tracked and the fonts named
by the first line, so the fonts embedded at the end are the same.

Same bytes by construction, and proved so: ``tests/render/test_pdf_text.py`` saves figures
through both writers (repeated texts in other colours, clip boxes, alpha, angles, fallback
fonts, ligatures, links) and every example map's canvas and charts, and compares the files. A
line is replayed only when matplotlib's writes had the expected shape (``q``, a ``cm``, the
rest); anything else (Type 1 core fonts, math text, a link annotation) is always drawn by
matplotlib, so a matplotlib that writes text differently degrades to its own writer, never to
other bytes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from matplotlib.backends import backend_mixed, backend_pdf

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

# matplotlib's backend classes are untyped: used through Any
_RendererPdf: Any = backend_pdf.RendererPdf
_FigureCanvasPdf: Any = backend_pdf.FigureCanvasPdf
_MixedModeRenderer: Any = backend_mixed.MixedModeRenderer
_PdfFile: Any = backend_pdf.PdfFile
Op: Any = backend_pdf.Op


class _Renderer(_RendererPdf):  # type: ignore[misc]
    def __init__(self, file: Any, image_dpi: float, height: float, width: float) -> None:
        super().__init__(file, image_dpi, height, width)
        self._bodies: dict[tuple[Any, ...], bytes | None] = {}
        """What matplotlib wrote after the position of each kind of line drawn so far (None:
        always drawn by matplotlib)."""

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: FontProperties,
        angle: float,
        ismath: bool | str = False,
        mtext: Text | None = None,
    ) -> None:
        if ismath or gc.get_url() is not None:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        features = language = None
        if mtext is not None:
            features, language = mtext.get_fontfeatures(), mtext.get_language()
        key = (s, _font(prop), angle, features, language)
        if key not in self._bodies:
            self._bodies[key] = self._draw_and_keep(gc, x, y, s, prop, angle, mtext)
            return
        body = self._bodies[key]
        if body is None:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        else:
            self.check_gc(gc, gc._rgb)
            a = math.radians(angle)
            self.file.output(Op.gsave)
            self.file.output(
                math.cos(a), math.sin(a), -math.sin(a), math.cos(a), x, y, Op.concat_matrix
            )
            self.file.write(body)

    def _draw_and_keep(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: FontProperties,
        angle: float,
        mtext: Text | None,
    ) -> bytes | None:
        """Draw with matplotlib, recording its writes; the bytes after the line's position
        (``q``, then the ``cm`` line), or None when they are not of that shape."""
        self.check_gc(gc, gc._rgb)  # now matplotlib's own check_gc writes nothing
        file = self.file
        writes: list[bytes] = []
        write = file.write

        def record(data: bytes) -> None:
            writes.append(data)
            write(data)

        file.write = record
        try:
            super().draw_text(gc, x, y, s, prop, angle, False, mtext)
        finally:
            del file.write
        shaped = (
            len(writes) > 4
            and writes[0] == bytes(Op.gsave.value)
            and writes[1] == writes[3] == b"\n"
            and writes[2].endswith(b" " + bytes(Op.concat_matrix.value))
        )
        return b"".join(writes[4:]) if shaped else None


def _font(prop: FontProperties) -> tuple[Any, ...]:
    """What matplotlib finds the font by and its size (a snapshot: a text's properties are
    one object that a later change would alter)."""
    return (
        tuple(prop.get_family()),
        prop.get_style(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_file(),
        prop.get_size_in_points(),
    )


class FigureCanvas(_FigureCanvasPdf):  # type: ignore[misc]
    """``FigureCanvasPdf.print_pdf`` with :class:`_Renderer` (a backend for ``savefig``)."""

    def print_pdf(
        self,
        filename: Any,
        *,
        bbox_inches_restore: Any = None,
        metadata: Any = None,
        **_ignored: Any,  # what print_figure passes to a backend outside matplotlib
    ) -> None:
        dpi = self.figure.dpi
        self.figure.dpi = 72  # there are 72 pdf points to an inch
        width, height = self.figure.get_size_inches()
        file = _PdfFile(filename, metadata=metadata)
        try:
            file.newPage(width, height)
            renderer = _MixedModeRenderer(
                self.figure,
                width,
                height,
                dpi,
                _Renderer(file, dpi, height, width),
                bbox_inches_restore=bbox_inches_restore,
            )
            self.figure.draw(renderer)
            renderer.finalize()
            file.finalize()
        finally:
            file.close()
