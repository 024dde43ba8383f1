"""The retention triangle as a heatmap (``journeymap cohorts ... --chart heat.svg``, issue 12).

Rows are the cohorts in period order, columns the offsets ``+0, +1, ...``; each cell holds
``retention[k]`` of :class:`journeymap.analysis.cohorts.Cohorts` as a percentage, its colour
from viridis on 0-100% (lightness rises monotonically, so it reads in greyscale and for the
common colour-vision deficiencies). Cells from ``partial_from`` on (periods the log ends
inside, kept with ``--include-partial``) are hatched and their figure starred: not final.
Offsets a cohort has not reached are empty. The subtitle counts what the triangle leaves
out (partial cohorts and their customers, partial cells), as the table does.

The chart has no map, so it uses the light theme and fonts planned for the cohort labels
(:func:`journeymap.render.mpl.themed`); the bytes are deterministic
(:func:`journeymap.render.mpl.save`).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.analysis.cohorts import Cohorts, left_out_words
from journeymap.figures import count, percent, period
from journeymap.i18n import N_, translator
from journeymap.render.fonts import plan_fonts
from journeymap.render.mpl import new_figure, save, themed
from journeymap.render.theme import THEMES

FORMATS = ("svg", "png", "pdf")


@dataclass(frozen=True)
class Cell:
    """One cell of the heatmap: row and column, the retention and whether it is partial."""

    row: int
    offset: int
    retention: float
    text: str
    partial: bool


def cells(c: Cohorts, lang: str = "en") -> list[Cell]:
    """Every cell drawn, row by row (the offsets each cohort has reached)."""
    out = []
    for i, r in enumerate(c.cohorts):
        for k, v in enumerate(r.retention):
            partial = r.partial_from is not None and k >= r.partial_from
            text = percent(v, 1, lang=lang) + ("*" if partial else "")
            out.append(Cell(i, k, v, text, partial))
    return out


def left_out_line(c: Cohorts, lang: str = "en") -> str:
    """What the triangle does not show, counted (as the table's last line)."""
    t = translator(lang)
    if c.include_partial:
        return t.gettext("* partial: the log ends inside the period (kept on request, not final)")
    return left_out_words(c).format(t)


_COHORT_TITLES = {
    "week": N_("Retention by week cohort"),
    "month": N_("Retention by month cohort"),
    "quarter": N_("Retention by quarter cohort"),
}


def cohort_chart(c: Cohorts, fmt: str, theme: str = "light", lang: str = "en") -> bytes:
    """The heatmap of the retention triangle as ``svg``, ``png`` or ``pdf`` bytes (its words
    and numbers in ``lang``)."""
    import matplotlib as mpl

    t = THEMES[theme]
    tr = translator(lang)
    labels = [
        f"{period(r.cohort, lang=lang)}  (n = {count(r.customers, lang=lang)})" for r in c.cohorts
    ]
    width = max((len(r.retention) for r in c.cohorts), default=1)
    rows = max(len(c.cohorts), 1)
    cmap = mpl.colormaps["viridis"]
    with themed(t, plan_fonts(" ".join(labels))):
        fig = new_figure(max(6.0, 0.85 * width + 3.2), 0.42 * rows + 2.0)
        title = tr.gettext(_COHORT_TITLES[c.by]) if c.by in _COHORT_TITLES else c.by
        fig.text(0.01, 0.98, title, va="top", fontsize=14, weight="bold")
        fig.text(0.01, 0.02, left_out_line(c, lang), fontsize=8, color=t.muted)
        ax = fig.add_axes((0.26, 0.14, 0.70, 1 - 0.14 - 1.0 / (0.42 * rows + 2.0)))
        for cell in cells(c, lang):
            fill = mpl.colors.to_hex(cmap(cell.retention))
            ax.add_patch(
                mpl.patches.Rectangle(
                    (cell.offset, cell.row),
                    1,
                    1,
                    facecolor=fill,
                    edgecolor=t.background,
                    hatch="//" if cell.partial else None,
                    lw=1.5,
                )
            )
            ax.text(
                cell.offset + 0.5,
                cell.row + 0.5,
                cell.text,
                ha="center",
                va="center",
                fontsize=8,
                color=t.text_on(fill),
            )
        ax.set_xlim(0, width)
        ax.set_ylim(rows, 0)
        ax.set_xticks([k + 0.5 for k in range(width)], [f"+{k}" for k in range(width)])
        ax.set_yticks([i + 0.5 for i in range(len(labels))], labels, fontsize=8)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        if not c.cohorts:
            ax.text(width / 2, 0.5, tr.gettext("no whole cohort"), ha="center", color=t.muted)
        return save(fig, fmt)
