"""The journey graph's title block: the map's title, what its numbers are, and the legend of
colours and marks (every string through the scene's translator). Split from
:mod:`journeymap.render.dot` so each module stays one reading."""

from __future__ import annotations

from journeymap import graph as g
from journeymap.figures import period
from journeymap.render.scene import Scene, metric_legend
from journeymap.render.text import html_text, visible

TOP_LEAKS = 3
"""How many leaks get the bold frame and the ``#1 leak`` label."""


def title_label(scene: Scene) -> str:
    """The graph's title block: title, what the numbers are, the colour legend and keys."""
    t = scene.theme
    G = scene.graph
    bits = []
    if scene.period:
        bits.append(period(scene.period, lang=scene.lang))
    if scene.scenario:
        bits.append(scene.t.gettext("scenario {name}").format(name=scene.scenario))
    if scene.persona:
        name = scene.map.persona(scene.persona).name
        bits.append(scene.t.gettext("persona {name}").format(name=name))
    if G.graph[g.HAS_COUNTS]:
        bits.append(scene.t.gettext("counts are transitions (visits)"))
    if G.graph[g.FROM_OVERLAY]:
        bits.append(scene.t.gettext("numbers from an overlay"))
    sub = " · ".join(bits)
    untitled = scene.t.gettext("(no title)")
    rows = [
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="22"><B>{html_text(visible(scene.map.title, untitled))}</B></FONT></TD></TR>'
    ]
    if sub:
        rows.append(
            f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="12" COLOR="{t.muted}">{html_text(sub)}</FONT></TD></TR>'
        )
    rows.append(f'<TR><TD ALIGN="LEFT">{_legend(scene)}</TD></TR>')
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _legend(scene: Scene) -> str:
    t = scene.theme
    title, labels = metric_legend(scene)
    colour = scene.t.gettext("Colour: {what}").format(what=title)
    cells = [f'<TD ALIGN="LEFT"><FONT POINT-SIZE="11"><B>{html_text(colour)}</B></FONT></TD>']
    for k, label in enumerate(labels):
        fill = t.scale[k]
        cells.append(
            f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="{t.node_border}">'
            f'<FONT POINT-SIZE="10" COLOR="{t.text_on(fill)}">{html_text(label)}</FONT></TD>'
        )
    tr = scene.t.gettext
    no_data = tr("no data")
    cells.append(
        f'<TD BGCOLOR="{t.node}" BORDER="1" COLOR="{t.node_border}">'
        f'<FONT POINT-SIZE="10" COLOR="{t.foreground}">{html_text(no_data)}</FONT></TD>'
    )
    keys = [
        tr("edge width and label: transitions (share of the touchpoint's departures)"),
        tr("dashed: undeclared transition (only the data has it)"),
    ]
    G = scene.graph
    if any(G.edges[e].get(g.MEDIAN_SECONDS) is not None for e in G.edges):
        keys.insert(1, tr("· time: median time to the next touchpoint (from the event log)"))
    if scene.graph.graph[g.HAS_COUNTS]:
        keys.append(
            tr(
                "● exits under a touchpoint: size = customers who left; dark = most conversions lost"
            )
        )
    if scene.leaks():
        keys.append(
            scene.t.ngettext(
                "bold frame: the top leak by conversions lost",
                "bold frame: top {n} leaks by conversions lost",
                TOP_LEAKS,
            ).format(n=TOP_LEAKS)
        )
    keys.append(tr("double frame: goal"))
    half = (len(keys) + 1) // 2
    key_text = '<BR ALIGN="LEFT"/>'.join(
        html_text("   ·   ".join(part)) for part in (keys[:half], keys[half:]) if part
    )
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="3"><TR>'
        + "".join(cells)
        + "</TR></TABLE>"
        + f'</TD></TR><TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{t.muted}">'
        + key_text
        + '<BR ALIGN="LEFT"/></FONT>'
    )
