"""The journey graph view: DOT text built here, laid out and drawn by graphviz.

Stages are clusters placed left to right in map order; each touchpoint gets a column inside its
stage from the forward transitions between the stage's touchpoints. Transitions that go back
(loops) do not constrain the layout. Edge width grows with the square root of the flow; every
edge carries its count and its share of the source's departures. Exits hang below their
touchpoint as leak marks whose size follows the customers who left there and whose colour
follows the conversions lost (from the leak ranking); the top leaks get a bold frame and a
``#1 leak`` label.

DOT safety: node ids are internal (``t0``, ``t1``, ``x0``...), never user text, and every label
is an HTML-like label whose text is escaped by :func:`journeymap.render.text.html_text`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from journeymap import graph as g
from journeymap.figures import duration, integer, percent, whole_money
from journeymap.render import linebreak
from journeymap.render.dot_title import TOP_LEAKS, title_label
from journeymap.render.layout_run import run_dot
from journeymap.render.scene import Scene, metric_text, metric_value
from journeymap.render.text import html_text, shorten, visible

FORMATS = ("svg", "png", "pdf", "dot")


def _wrap(text: str, lang: str | None, width: int = 22) -> list[str]:
    """Wrap a label to `width` character cells (CJK characters count two) by the rules of its
    script; a word wider than the line stays whole (the node grows) unless it hyphenates."""
    return linebreak.wrap(text, width, linebreak.cells, lang=lang, cut_long=False).texts or [""]


def _columns(scene: Scene) -> dict[str, int]:
    """Global column (graphviz rank) of each touchpoint: stage offset + depth inside the stage."""
    G = scene.graph
    order = {n: G.nodes[n][g.ORDER] for n in G.nodes}
    columns: dict[str, int] = {}
    offset = 0
    for sid, _ in G.graph[g.STAGES]:
        members = sorted((n for n in G.nodes if G.nodes[n][g.STAGE] == sid), key=order.__getitem__)
        depth: dict[str, int] = {}
        for n in members:
            preds = [
                p
                for p in G.predecessors(n)
                if G.nodes[p][g.STAGE] == sid and order[p] < order[n] and p in depth
            ]
            depth[n] = max((depth[p] + 1 for p in preds), default=0)
        for n in members:
            columns[n] = offset + depth[n]
        offset += (max(depth.values()) + 1) if depth else 1
    return columns


SPAN_LIMIT = 5000
"""The most columns all transitions may cross together for the ranked ``dot`` layout.

``dot`` makes a transition across k columns a chain of k virtual nodes for crossing reduction
and network simplex: the 300-touchpoint benchmark map (1,167 columns crossed) takes about 2 s,
200 touchpoints jumping anywhere (40,483 crossed) ran for minutes. Above the limit the layout is
force-directed (``sfdp``, under a second): no stage clusters, every touchpoint and label drawn."""


def _layout(scene: Scene, columns: dict[str, int]) -> str:
    """The graph attributes that choose the layout: ranked left to right, or ``sfdp`` when the
    transitions cross more than :data:`SPAN_LIMIT` columns together."""
    span = sum(abs(columns[v] - columns[u]) for u, v in scene.graph.edges)
    if span <= SPAN_LIMIT:
        return "rankdir=LR, newrank=true, splines=true"
    return "layout=sfdp, overlap=prism, splines=false"


MAX_WEIGHT = 11
"""The largest DOT edge weight written: ``1 + 10 x`` the edge's share of its source's departures,
the share clamped to 0..1. Counts far above a touchpoint's visits gave shares (and weights) of
1e17, which made ``dot`` crash, and 1e37, which made its network simplex run for minutes."""


def _weight(share: float | None) -> int:
    """DOT weight of an edge from its share of departures, within 1..:data:`MAX_WEIGHT`.

    >>> _weight(0.55), _weight(None), _weight(1e17), _weight(-3.0)
    (6, 1, 11, 1)
    """
    clamped = min(max(share or 0.0, 0.0), 1.0)
    return 1 + int((MAX_WEIGHT - 1) * clamped)


def _penwidth(count: int, biggest: int) -> float:
    if biggest <= 0 or count <= 0:
        return 1.0
    return round(1.0 + 9.0 * math.sqrt(count / biggest), 2)


def dot_ids(scene: Scene) -> dict[str, str]:
    """Touchpoint id -> graphviz node name (``t0``... in map order; the SVG's ``<title>``)."""
    return {n: f"t{i}" for i, n in enumerate(g.touchpoints_in_order(scene.graph))}


@dataclass(frozen=True)
class _LeakMarks:
    """What the leak marks under the touchpoints are drawn from: the ranks of the top leaks,
    the conversions lost and the exits that scale their colour and size."""

    goals: set[str]
    after_goal: set[str]
    top: dict[str, int]
    lost_by: dict[str, float]
    max_lost: float
    max_exits: int
    has_counts: bool

    @classmethod
    def of(cls, scene: Scene, nodes: list[str]) -> _LeakMarks:
        """The leak marks of the scene's graph over its touchpoints ``nodes``."""
        G = scene.graph
        leaks = scene.leaks()
        lost_by = {x.touchpoint: x.lost_conversions or 0.0 for x in leaks}
        return cls(
            goals=set(G.graph[g.GOALS]),
            after_goal=scene.after_goal(),
            top={
                x.touchpoint: x.rank
                for x in leaks[:TOP_LEAKS]
                if (x.lost_conversions or 0) > 0 or x.exits > 0
            },
            lost_by=lost_by,
            max_lost=max([*list(lost_by.values()), 0.0]),
            max_exits=max([G.nodes[n][g.EXITS] for n in nodes] + [1]),
            has_counts=bool(G.graph[g.HAS_COUNTS]),
        )

    def mark(self, scene: Scene, n: str) -> str:
        """The leak mark of touchpoint ``n`` (empty without exits, on a goal, or without counts):
        grey after the goal, else coloured by the conversions lost, sized by the exits."""
        t = scene.theme
        exits = scene.graph.nodes[n][g.EXITS]
        if not (self.has_counts and exits > 0 and n not in self.goals):
            return ""
        churn = n in self.after_goal
        share = (
            (self.lost_by.get(n, 0.0) / self.max_lost)
            if self.max_lost > 0
            else exits / self.max_exits
        )
        color = (
            t.muted
            if churn
            else (t.top_leak if n in self.top else (t.leak_strong if share >= 0.5 else t.leak))
        )
        size = round(8 + 34 * math.sqrt(exits / self.max_exits), 1)
        return _leak_mark(scene, n, self.top.get(n), churn, color, size)


def to_dot(scene: Scene) -> str:
    """The DOT source of the journey graph (deterministic text)."""
    G = scene.graph
    t = scene.theme
    font = scene.fonts.graphviz_name
    nodes = g.touchpoints_in_order(G)
    ids = dot_ids(scene)
    columns = _columns(scene)
    marks = _LeakMarks.of(scene, nodes)
    biggest = max(
        [G.edges[e][g.COUNT] for e in G.edges] + [G.nodes[n][g.EXITS] for n in nodes] + [1]
    )

    out: list[str] = []
    w = out.append
    w("digraph journey {")
    w(
        f"  graph [{_layout(scene, columns)}, nodesep=0.35, ranksep=0.7, pad=0.3, "
        f'bgcolor="{t.background}", fontname="{font}", fontcolor="{t.foreground}", '
        f"labelloc=t, labeljust=l, outputorder=edgesfirst, label={title_label(scene)}];"
    )
    w(f'  node [shape=plain, fontname="{font}", fontsize=12, fontcolor="{t.foreground}"];')
    w(
        f'  edge [fontname="{font}", fontsize=10, color="{t.edge}", fontcolor="{t.foreground}", '
        f"arrowsize=0.7];"
    )
    by_stage: dict[str, list[str]] = {}
    for n in nodes:
        by_stage.setdefault(G.nodes[n][g.STAGE], []).append(n)
    stage_names = dict(G.graph[g.STAGES])
    for si, (sid, _) in enumerate(G.graph[g.STAGES]):
        members = by_stage.get(sid, [])
        out += _stage_cluster(scene, si, sid, stage_names[sid], members, ids, columns, marks)
    out += _column_chain(scene, nodes, ids, columns)
    for u, v in sorted(G.edges, key=lambda e: (G.nodes[e[0]][g.ORDER], G.nodes[e[1]][g.ORDER])):
        w(f"  {ids[u]}:m -> {ids[v]}:m [{_edge_attrs(scene, u, v, columns, biggest)}];")
    w("}")
    return "\n".join(out) + "\n"


def _stage_cluster(
    scene: Scene,
    si: int,
    sid: str,
    name: str,
    members: list[str],
    ids: dict[str, str],
    columns: dict[str, int],
    marks: _LeakMarks,
) -> list[str]:
    """The DOT lines of one stage: its cluster, its touchpoints with their leak marks, and the
    touchpoints that share a column kept on one rank."""
    t = scene.theme
    goals = marks.goals
    out = [
        f"  subgraph cluster_s{si} {{",
        f'    graph [label={_stage_label(scene, sid, name)}, style="rounded,filled", '
        f'fillcolor="{t.cluster}", color="{t.cluster_border}", penwidth=1.2, labeljust=l, '
        f"fontsize=15, margin=14];",
    ]
    for n in members:
        mark = marks.mark(scene, n)
        out.append(f"    {ids[n]} [{_node_attrs(scene, n, n in goals, marks.top.get(n), mark)}];")
    same: dict[int, list[str]] = {}
    for n in members:
        same.setdefault(columns[n], []).append(ids[n])
    for col in sorted(same):
        out.append("    { rank=same; " + " ".join(f"{x};" for x in same[col]) + " }")
    out.append("  }")
    return out


def _column_chain(
    scene: Scene, nodes: list[str], ids: dict[str, str], columns: dict[str, int]
) -> list[str]:
    """One invisible chain through the columns keeps stages in order, left to right."""
    reps: dict[int, str] = {}
    for n in nodes:
        reps.setdefault(columns[n], ids[n])
    chain = [reps[c] for c in sorted(reps)]
    by_id = {v: k for k, v in ids.items()}
    return [
        f"  {a}:m -> {b}:m [style=invis, weight=0];"
        for a, b in itertools.pairwise(chain)
        if not scene.graph.has_edge(by_id[a], by_id[b])
    ]


def _stage_label(scene: Scene, sid: str, name: str) -> str:
    reach = scene.stage_reach(sid)
    unnamed = scene.t.gettext("(no name: {id})").format(id=sid)
    text = f"<B>{html_text(visible(name, unnamed))}</B>"
    if reach is not None:
        reached = scene.t.gettext("reached by {share} of entries")
        text += (
            f'<BR/><FONT POINT-SIZE="10" COLOR="{scene.theme.muted}">'
            f"{html_text(reached.format(share=percent(reach, 0, lang=scene.lang)))}</FONT>"
        )
    return f"<{text}>"


def _node_attrs(scene: Scene, n: str, goal: bool, top_rank: int | None, mark: str) -> str:
    """An HTML-like table: the touchpoint box (port ``m``) and, below it, its leak mark."""
    G = scene.graph
    t = scene.theme
    d = G.nodes[n]
    value, bin_ = metric_value(scene, n)
    if goal and scene.color_by == "drop_off":
        value, bin_ = None, None  # a goal's departures are not drop-off
    fill = t.node if bin_ is None else t.scale[bin_]
    ink = t.foreground if bin_ is None else t.text_on(fill)
    name_lines = "<BR/>".join(
        html_text(line)
        for line in _wrap(
            visible(d[g.NAME], scene.t.gettext("(no name: {id})").format(id=n)), scene.map.language
        )
    )
    rows = [f'<FONT POINT-SIZE="13"><B>{name_lines}</B></FONT>']
    info = []
    if d[g.CHANNEL]:
        info.append(shorten(str(d[g.CHANNEL]), 24))
    if G.graph[g.HAS_COUNTS]:
        visits = scene.t.ngettext("{n} visit", "{n} visits", int(d[g.VISITS]))
        info.append(visits.format(n=integer(d[g.VISITS], lang=scene.lang)))
    if info:
        rows.append(f'<FONT POINT-SIZE="10">{html_text(" · ".join(info))}</FONT>')
    mtext = metric_text(scene, value)
    if mtext:
        rows.append(f'<FONT POINT-SIZE="10">{html_text(mtext)}</FONT>')
    if goal:
        goal_word = scene.t.gettext("goal")
        rows.append(f'<FONT POINT-SIZE="10">{html_text(goal_word)}</FONT>')
    content = f'<FONT COLOR="{ink}">' + "<BR/>".join(rows) + "</FONT>"
    border, width = (t.top_leak, 4) if top_rank is not None else (t.node_border, 1)
    box = (
        f'<TABLE STYLE="rounded" BORDER="{width}" COLOR="{border}" BGCOLOR="{fill}" '
        f'CELLBORDER="0" CELLPADDING="7" CELLSPACING="0"><TR><TD>{content}</TD></TR></TABLE>'
    )
    if goal:
        box = (
            f'<TABLE STYLE="rounded" BORDER="1" COLOR="{border}" CELLBORDER="0" '
            f'CELLPADDING="0" CELLSPACING="3"><TR><TD>{box}</TD></TR></TABLE>'
        )
    rows_html = f'<TR><TD PORT="m">{box}</TD></TR>'
    if mark:
        rows_html += f"<TR><TD>{mark}</TD></TR>"
    label = (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="2">'
        + rows_html
        + "</TABLE>>"
    )
    return f"label={label}"


def _edge_attrs(scene: Scene, u: str, v: str, columns: dict[str, int], biggest: int) -> str:
    G = scene.graph
    t = scene.theme
    e = G.edges[u, v]
    count = int(e[g.COUNT])
    attrs: list[str] = []
    du = G.nodes[u]
    departures = du[g.VISITS] - du[g.IN_PROGRESS]
    if e[g.COUNT_KNOWN] and G.graph[g.HAS_COUNTS]:
        share = count / departures if departures > 0 else None
        lang = scene.lang
        text = integer(count, lang=lang)
        text += f" ({percent(share, 0, lang=lang)})" if share is not None else ""
        if e.get(g.MEDIAN_SECONDS) is not None:
            text += f" · {duration(e[g.MEDIAN_SECONDS], lang=lang)}"
        attrs.append(f"label=<{html_text(text)}>")
        attrs.append(f"penwidth={_penwidth(count, biggest)}")
        attrs.append(f"weight={_weight(share)}")
    if not e[g.DECLARED]:
        attrs += ["style=dashed", f'color="{t.undeclared}"', f'fontcolor="{t.undeclared}"']
    if columns[v] <= columns[u]:
        attrs.append("constraint=false")
    return ", ".join(attrs) if attrs else 'label=""'


def _leak_mark(
    scene: Scene, n: str, top_rank: int | None, churn: bool, color: str, size: float
) -> str:
    """The exit mark under a touchpoint: a dot sized by exits, and what they cost."""
    G = scene.graph
    d = G.nodes[n]
    exits = int(d[g.EXITS])
    departures = d[g.VISITS] - d[g.IN_PROGRESS]
    share = exits / departures if departures > 0 else None
    lang, t = scene.lang, scene.t
    left = t.ngettext("{n} left", "{n} left", exits).format(n=integer(exits, lang=lang))
    lines = [left + (f" ({percent(share, 0, lang=lang)})" if share is not None else "")]
    leak = scene.leak(n)
    if churn:
        lines = [
            t.ngettext("{n} left after converting", "{n} left after converting", exits).format(
                n=integer(exits, lang=lang)
            )
        ]
    elif leak is not None:
        lost = leak.lost_conversions
        value = leak.lost_value
        head = (
            t.gettext("#{rank} leak:").format(rank=leak.rank) + " " if top_rank is not None else ""
        )
        if lost is not None and lost > 0:
            lost_text = t.gettext("≈{n} conversions lost").format(n=integer(lost, lang=lang))
            lines.append(
                f"{head}{lost_text}"
                + (
                    f" · {whole_money(value, scene.currency, lang=lang)}"
                    if value is not None
                    else ""
                )
            )
    text = "<BR/>".join(html_text(x) for x in lines)
    if top_rank is not None:
        text = f"<B>{text}</B>"
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="0"><TR>'
        f'<TD VALIGN="MIDDLE"><FONT POINT-SIZE="{size}" COLOR="{color}">●</FONT></TD>'
        f'<TD ALIGN="LEFT" VALIGN="MIDDLE"><FONT POINT-SIZE="10" COLOR="{color}"> {text}</FONT></TD>'
        "</TR></TABLE>"
    )


def render_graph(scene: Scene, fmt: str) -> bytes:
    """The graph view as ``dot`` text or laid out by graphviz as ``svg``, ``png`` or ``pdf``."""
    source = to_dot(scene)
    if fmt == "dot":
        return source.encode("utf-8")
    return run_dot(source, fmt)
