"""The python-pptx side of the deck: slides with a title, native tables, fonts and colours.

Imported only by :mod:`journeymap.render.deck` (python-pptx loads lxml, so it stays off the
``check`` path). Every slide is 16:9 (13.333 x 7.5 inches, PowerPoint's default widescreen);
every run of text gets the font family of the map's script (:mod:`journeymap.render.fonts`)
as its Latin, East Asian and complex-script typeface, so a Chinese map names its CJK font
for the characters PowerPoint and LibreOffice lay out with the East Asian face.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from journeymap.render.scene import Scene

if TYPE_CHECKING:
    from lxml.etree import _Element
    from pptx.chart.chart import Chart
    from pptx.presentation import Presentation as Deck
    from pptx.shapes.graphfrm import GraphicFrame
    from pptx.slide import Slide
    from pptx.text.text import TextFrame

WIDTH = Emu(Inches(13.333))
HEIGHT = Emu(Inches(7.5))
MARGIN = Emu(Inches(0.5))
BODY_WIDTH = Emu(WIDTH - 2 * MARGIN)
BODY_TOP = Emu(Inches(1.35))
"""Where the content of a slide starts, under its title."""
TITLE_ONLY = 5
"""The default template's "Title Only" layout (a title placeholder, nothing else)."""
TITLE_SLIDE = 0
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every zip entry's time stamp (the earliest a zip file can hold): same input, same bytes."""


def rgb(color: str) -> RGBColor:
    """``#rrggbb`` as python-pptx's colour."""
    return RGBColor(*(int(color[i : i + 2], 16) for i in (1, 3, 5)))


def new_deck() -> Deck:
    """An empty 16:9 presentation from python-pptx's default template."""
    prs = Presentation()
    prs.slide_width = WIDTH
    prs.slide_height = HEIGHT
    return prs


def font_family(scene: Scene) -> str:
    """The family every run of text names: the first of the scene's font plan."""
    return scene.fonts.families[0] if scene.fonts.families else "DejaVu Sans"


def titled_slide(prs: Deck, scene: Scene, title: str) -> Slide:
    """A new "Title Only" slide with `title`, on the theme's background."""
    slide: Slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    shape = slide.shapes.title
    assert shape is not None  # the layout has a title placeholder
    shape.left, shape.top, shape.width, shape.height = (
        MARGIN,
        Emu(Inches(0.3)),
        BODY_WIDTH,
        Inches(0.9),
    )
    shape.text_frame.text = title
    para = shape.text_frame.paragraphs[0]
    para.runs[0].font.size = Pt(30)
    para.runs[0].font.bold = True
    background(slide, scene)
    return slide


def background(slide: Slide, scene: Scene) -> None:
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = rgb(scene.theme.background)


def text_box(
    slide: Slide,
    lines: Sequence[str],
    box: tuple[int, int, int, int],
    *,
    size: float = 16,
    muted: bool = False,
    scene: Scene,
) -> TextFrame:
    """A native text box with one paragraph per line (editable in PowerPoint)."""
    left, top, width, height = (Emu(v) for v in box)
    frame: TextFrame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for k, line in enumerate(lines):
        para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        if muted:
            run.font.color.rgb = rgb(scene.theme.muted)
    return frame


def table(
    slide: Slide,
    scene: Scene,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    top: int = BODY_TOP,
    widths: Sequence[float] | None = None,
    strong: int = 0,
) -> GraphicFrame:
    """A native table: `header` on the theme's accent, `rows` below (the first `strong` rows
    bold, as the report marks the top leaks); `widths` are shares of the slide's width."""
    n_rows, n_cols = len(rows) + 1, len(header)
    height = Emu(Inches(0.3) * n_rows)
    shape = slide.shapes.add_table(n_rows, n_cols, MARGIN, Emu(top), BODY_WIDTH, height)
    tbl = shape.table
    shares = widths or [1 / n_cols] * n_cols
    for k in range(n_cols):
        tbl.columns[k].width = Emu(int(BODY_WIDTH * shares[k] / sum(shares)))
    t = scene.theme
    size = 12 if n_cols <= 4 else 11
    for r, cells in enumerate([list(header), *[list(c) for c in rows]]):
        for c, text in enumerate(cells):
            cell = tbl.cell(r, c)
            cell.text = text
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            run = cell.text_frame.paragraphs[0].runs[0] if text else None
            fill = t.accent if r == 0 else (t.panel if r % 2 == 0 else t.background)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(fill)
            if run is not None:
                run.font.size = Pt(size)
                run.font.bold = r == 0 or r <= strong
                run.font.color.rgb = rgb(t.text_on(t.accent) if r == 0 else t.foreground)
    return shape


def chart_style(chart: Chart, scene: Scene) -> None:
    """The chart's text in the map's font and the theme's foreground colour."""
    chart.font.size = Pt(12)
    chart.font.color.rgb = rgb(scene.theme.foreground)
    chart.font.name = font_family(scene)
    _typefaces(chart.font._rPr, font_family(scene))


def _typefaces(rpr: _Element, family: str) -> None:
    """Name `family` as the Latin, East Asian and complex-script typeface of a run property
    (the schema orders them latin, ea, cs after the fills; python-pptx sets latin only)."""
    for tag in ("a:ea", "a:cs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    latin = rpr.find(qn("a:latin"))
    assert latin is not None  # font.name wrote it
    at = list(rpr).index(latin)
    for k, tag in enumerate(("a:ea", "a:cs"), start=1):
        el = rpr.makeelement(qn(tag), {"typeface": family})
        rpr.insert(at + k, el)


def apply_fonts(prs: Deck, scene: Scene) -> None:
    """Every run of text of every slide (titles, text boxes, table cells) in the map's font."""
    family = font_family(scene)
    color = rgb(scene.theme.foreground)
    for slide in prs.slides:
        for shape in slide.shapes:
            frames: list[TextFrame] = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        run.font.name = family
                        _typefaces(run.font._rPr, family)
                        if run.font.color.type is None:
                            run.font.color.rgb = color


def fixed_zip(data: bytes, stamp: str) -> bytes:
    """The zip of `data` again with entries sorted by name and one fixed time stamp, so the
    deck's bytes depend on its content only (python-pptx stamps each entry with the clock);
    the workbook behind each chart (XlsxWriter writes the clock into its core properties) is
    dated `stamp` (``2026-09-30T00:00:00Z``) too."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            body = src.read(name)
            if name.endswith(".xlsx"):
                body = _dated_workbook(body, stamp)
            dst.writestr(_entry(name), body)
    return out.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


_W3CDTF = re.compile(r"(<dcterms:(created|modified) [^>]*>)[^<]*(</dcterms:\2>)")


def _dated_workbook(data: bytes, stamp: str) -> bytes:
    """An embedded workbook with its created and modified set to `stamp` (entries in their
    order, XlsxWriter's own time stamps are already fixed)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            if name == "docProps/core.xml":
                text = _W3CDTF.sub(lambda m: m.group(1) + stamp + m.group(3), body.decode())
                body = text.encode("utf-8")
            dst.writestr(_entry(name), body)
    return out.getvalue()
