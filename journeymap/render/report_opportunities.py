"""The "Opportunities" section of the HTML report: the ranked portfolio as a table (class
``jm-sortable``, its cells written by :func:`journeymap.render.report_data.td`, so each
numeric cell carries the ``data-value`` the interactive report's script sorts by) and the value-versus-effort matrix.

The matrix is a ``data:`` image like the report's other pictures, not inline SVG: matplotlib's
SVG carries ``style`` attributes and a ``<style>`` element, which the report's
Content-Security-Policy (styles only by hash) would refuse. The rows are the words of
``journeymap opportunities`` (:func:`journeymap.analysis.opportunity_words.rows`), so the two never
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from journeymap.analysis.opportunity_words import notes, rows
from journeymap.render.report_data import Cell, td
from journeymap.render.scene import Scene


@dataclass(frozen=True)
class OpportunitySection:
    title: str
    html: Markup


NUMERIC = (0, 4, 5, 6, 7)
"""Columns of :func:`journeymap.analysis.opportunity_words.rows` that hold numbers."""


def _sort_keys(scene: Scene) -> list[list[float | None]]:
    """Plain numbers per row for sorting: rank, effort, value, its low end, value per effort."""
    pf = scene.portfolio
    assert pf is not None
    out = []
    for p in pf.opportunities:
        value, iv = pf.stake(p)
        cells = [p.rank, p.effort, value, None if iv is None else iv[0], p.value_per_effort]
        out.append([None if c is None else float(c) for c in cells])
    return out


def opportunity_section(scene: Scene, matrix_uri: str) -> OpportunitySection | None:
    """The section, or None when the scene has no priced opportunity."""
    pf = scene.portfolio
    if pf is None or not pf.opportunities:
        return None
    t = scene.t
    table = rows(pf, scene.lang)
    keys = _sort_keys(scene)
    numeric = ' class="n"'
    head = "".join(
        f"<th{numeric if i in NUMERIC else ''}>{escape(h)}</th>" for i, h in enumerate(table[0])
    )
    body = []
    for row, key in zip(table[1:], keys, strict=True):
        cells = [
            td(Cell(c, key[NUMERIC.index(i)]) if i in NUMERIC else Cell(c, numeric=False))
            for i, c in enumerate(row)
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    extra = "".join(f"<li>{escape(n)}</li>" for n in notes(pf, scene.lang))
    alt = t.pgettext("opportunities", "Value at stake against effort of each ranked opportunity")
    title = t.pgettext("opportunities", "Opportunities")
    html = (
        f'<section id="opportunities"><h2>{escape(title)}</h2>\n'
        f'<table id="opportunity-table" class="jm-sortable">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n"
        + "\n".join(body)
        + "\n</tbody></table>\n"
        + (f'<ul class="note">{extra}</ul>\n' if extra else "")
        + f'<figure><img id="opportunity-matrix" src="{escape(matrix_uri)}" alt="{escape(alt)}"></figure>\n'
        "</section>\n"
    )
    return OpportunitySection(title, Markup(html))
