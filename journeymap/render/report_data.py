"""The data of the interactive report: every view (scenario x persona), computed at render time.

The report's script never analyses anything: it switches between the views built here and shows
their precomputed, already formatted figures. A view is one choice of scenario (the map as
written, or one of its ``scenarios:``) and persona (all personas weighted by share, or one);
the analysis depends on the scenario only (a persona changes the emotions, not the counts), so
one analysis serves every persona of a scenario.

The views travel as one JSON island (``<script type="application/json">``) written by
:func:`island_json`, which escapes ``<``, ``>`` and ``&`` so that no user text can close the
script element (``</script>`` in a name stays data).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from journeymap import graph as g
from journeymap.figures import (
    MISSING,
    in_brackets,
    integer,
    number,
    percent,
    score,
    whole_money,
)
from journeymap.figures import emotion as emotion_text
from journeymap.i18n import Translator
from journeymap.render.report_views import Variants, left_out, variant_scenes, view_personas
from journeymap.render.scene import Scene, emotion_curve

if TYPE_CHECKING:
    from markupsafe import Markup


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and the number it sorts by (None: sorted by its text)."""

    text: str
    value: float | None = None
    numeric: bool = True


def td(cell: Cell) -> Markup:
    """The one writer of a cell of the report's tables (every ``jm-sortable`` table): a
    numeric cell is ``class="n"``, and a cell with a number carries it as ``data-value``, which
    the script sorts by (cells without one sort by their text, after the numbers).

    >>> print(td(Cell("1,250 <EUR>", 1250.0)), td(Cell("Cart", numeric=False)))
    <td class="n" data-value="1250.0">1,250 &lt;EUR&gt;</td> <td>Cart</td>
    """
    from markupsafe import Markup, escape

    numeric = ' class="n"' if cell.numeric else ""
    value = "" if cell.value is None else f' data-value="{cell.value}"'
    return Markup(f"<td{numeric}{value}>{escape(cell.text)}</td>")


@dataclass(frozen=True)
class LeakRow:
    """One row of the leak table (the static table and every view's table)."""

    cells: tuple[Cell, ...]
    top: bool


@dataclass(frozen=True)
class Field:
    """One labelled figure of a tooltip or of the key figures."""

    label: str
    text: str


@dataclass(frozen=True)
class Tip:
    """The tooltip of a touchpoint or a transition."""

    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Point:
    """One point of the emotion curve (None where the map gives no emotion)."""

    touchpoint: str
    name: str
    emotion: float | None


@dataclass(frozen=True)
class View:
    """Everything the report shows for one scenario and persona."""

    scenario: int
    persona: int
    summary: tuple[Field, ...]
    leaks: tuple[LeakRow, ...]
    curve: tuple[Point, ...]
    touchpoints: dict[str, Tip]
    transitions: dict[str, Tip]
    """Keyed ``"from to"`` (ids have no spaces)."""
    not_drawn: str | None = None
    """Why the graph lacks some of this view's touchpoints (those its scenario adds: the graph
    is drawn once, for the page's own scenario), with their count and names; None when every
    touchpoint of the view has a node."""


@dataclass(frozen=True)
class Island:
    """The report's JSON island: the choices, the views, the graph's node names, UI strings."""

    scenarios: tuple[str, ...]
    personas: tuple[str, ...]
    current: str
    """The key (``"scenario:persona"``) of the view the static page shows."""
    views: dict[str, View]
    nodes: dict[str, str]
    """Graphviz node name -> touchpoint id (the names :func:`journeymap.render.dot.dot_ids` gave)."""
    emotion_scale: tuple[float, float]
    labels: dict[str, str]
    note: str | None


def leak_rows(scene: Scene) -> tuple[LeakRow, ...]:
    """The leak table of the scene, as the report shows it (text and sort value per cell)."""
    lang = scene.lang
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    stage_names = dict(scene.graph.graph[g.STAGES])
    rows = []
    for i, x in enumerate(scene.leaks()):
        fig = scene.touchpoint_figures(x.touchpoint)
        extra, extra_value = x.what_if.extra_conversions, x.what_if.extra_value
        stage = scene.graph.nodes[x.touchpoint][g.STAGE] if x.touchpoint in scene.graph else ""
        drop = None if fig is None else fig.drop_off
        what_if = MISSING
        if extra is not None:
            what_if = scene.t.gettext("+{n} conv.").format(n=number(extra, 1, lang=lang)) + (
                f", {whole_money(extra_value, scene.currency, lang=lang)}"
                if extra_value is not None
                else ""
            )
        best = x.best_next
        cells = (
            Cell(str(x.rank), x.rank, numeric=False),
            Cell(names.get(x.touchpoint, x.touchpoint), numeric=False),
            Cell(stage_names.get(stage, stage), numeric=False),
            Cell(integer(x.exits, lang=lang), x.exits),
            Cell(
                MISSING
                if fig is None
                else percent(drop, 1, lang=lang)
                + in_brackets(fig.drop_off_interval, lambda v: percent(v, 1, lang=lang)),
                drop,
            ),
            Cell(
                number(x.lost_conversions, 1, lang=lang)
                + in_brackets(x.lost_conversions_interval, lambda v: number(v, 1, lang=lang)),
                x.lost_conversions,
            ),
            Cell(whole_money(x.lost_value, scene.currency, lang=lang), x.lost_value),
            Cell(what_if, extra),
            Cell(percent(x.removal_effect, 1, lang=lang), x.removal_effect),
            Cell(percent(x.probability_top, 0, lang=lang), x.probability_top),
            Cell(names.get(best.touchpoint, best.touchpoint) if best else MISSING, numeric=False),
        )
        rows.append(LeakRow(cells, i < 3 and (x.lost_conversions or 0) > 0))
    return tuple(rows)


def touchpoint_tip(scene: Scene, tid: str) -> Tip:
    """Hover figures of a touchpoint: visits, customers, drop-off with its interval, exits,
    conversions and value lost at it, NPS, CSAT, CES and the view's emotion."""
    t, lang = scene.t, scene.lang
    tp = scene.map.touchpoints[tid]
    fields: list[Field] = []
    fig = scene.touchpoint_figures(tid)
    if fig is not None:
        fields.append(
            Field(t.pgettext("interactive report", "Visits"), integer(fig.visits, lang=lang))
        )
        if fig.customers is not None:
            fields.append(
                Field(
                    t.pgettext("interactive report", "Customers"), integer(fig.customers, lang=lang)
                )
            )
        fields.append(
            Field(
                t.pgettext("interactive report", "Drop-off (95% interval)"),
                percent(fig.drop_off, 1, lang=lang)
                + in_brackets(fig.drop_off_interval, lambda v: percent(v, 1, lang=lang)),
            )
        )
        fields.append(
            Field(t.pgettext("interactive report", "Exits"), integer(fig.exits, lang=lang))
        )
    leak = scene.leak(tid)
    if leak is not None and leak.lost_conversions is not None:
        fields.append(
            Field(
                t.pgettext("interactive report", "Conversions lost"),
                number(leak.lost_conversions, 1, lang=lang),
            )
        )
        if leak.lost_value is not None:
            fields.append(
                Field(
                    t.pgettext("interactive report", "Value lost"),
                    whole_money(leak.lost_value, scene.currency, lang=lang),
                )
            )
    fields.extend(_survey_fields(scene, tid))
    emotion = scene.emotion(tid)
    if emotion is not None:
        fields.append(
            Field(t.pgettext("interactive report", "Emotion"), emotion_text(emotion, lang=lang))
        )
    return Tip(tp.name, tuple(fields))


def _survey_fields(scene: Scene, tid: str) -> list[Field]:
    """A touchpoint's NPS, CSAT (% satisfied) and CES (mean) in its tooltip: their details."""
    t, lang = scene.t, scene.lang
    fields: list[Field] = []
    s = scene.survey(tid)
    if s.nps is not None and s.nps.value is not None:
        fields.append(
            Field("NPS", score("nps", s.nps.value, detail=True, typographic=True, lang=lang))
        )
    if s.csat is not None and s.csat.percent is not None:
        fields.append(
            Field(
                t.pgettext("interactive report", "CSAT % satisfied"),
                score("csat", s.csat.percent, detail=True, lang=lang),
            )
        )
    if s.ces is not None and s.ces.mean is not None:
        fields.append(
            Field(
                t.pgettext("interactive report", "CES mean"),
                score("ces", s.ces.mean, detail=True, lang=lang),
            )
        )
    return fields


def transition_tips(scene: Scene) -> dict[str, Tip]:
    """Hover figures of every counted transition: its count and its share of the departures
    (the analysis' edge probability, ``count / completed departures``)."""
    if scene.analysis is None:
        return {}
    t, lang = scene.t, scene.lang
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    counted = bool(scene.graph.graph[g.HAS_COUNTS])
    tips = {}
    for e in scene.analysis.edges:
        if e.from_ not in names or e.to not in names:
            continue
        fields = []
        if counted and e.count_known:
            fields.append(
                Field(t.pgettext("interactive report", "Transitions"), integer(e.count, lang=lang))
            )
        if e.probability is not None:
            fields.append(
                Field(
                    t.pgettext("interactive report", "Share of departures"),
                    percent(e.probability, 1, lang=lang),
                )
            )
        tips[f"{e.from_} {e.to}"] = Tip(f"{names[e.from_]} → {names[e.to]}", tuple(fields))
    return tips


def curve_points(scene: Scene) -> tuple[Point, ...]:
    """The emotion curve of the scene's persona (the share-weighted mean without one), from
    :func:`journeymap.render.scene.emotion_curve` (the one definition)."""
    curve = emotion_curve(scene.map, "", scene.persona)
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    return tuple(
        Point(tid, names[tid], None if e is None else float(e)) for tid, e in curve.emotions.items()
    )


CTX = "interactive report"
"""The gettext context of the interactive report's strings (a tooltip's "Exits" may be worded
apart from a table heading's); written out literally at each call, as Babel extracts only
literal contexts."""


def ui_labels(t: Translator) -> dict[str, str]:
    """The fixed strings of the script, translated into the island."""
    return {
        "scenario": t.pgettext("interactive report", "Scenario"),
        "persona": t.pgettext("interactive report", "Persona"),
        "zoom_in": t.pgettext("interactive report", "Zoom in"),
        "zoom_out": t.pgettext("interactive report", "Zoom out"),
        "fit": t.pgettext("interactive report", "Fit to the page"),
        "filter": t.pgettext("interactive report", "Filter rows"),
        "absent": t.pgettext("interactive report", "Not in this scenario"),
        "curve": t.pgettext(
            "interactive report", "Emotion curve of the chosen scenario and persona"
        ),
        "sort": t.pgettext("interactive report", "Click a column heading to sort"),
    }


def build_island(
    base: Scene,
    variants: Variants,
    summary: Callable[[Scene], list[tuple[str, str]]],
    *,
    goal: str | None = None,
) -> Island:
    """Every view of the report (``summary``: the key figures of a scene, as the page shows
    them); the current view is the base scene's scenario and persona."""
    t = base.t
    scenarios = [
        t.pgettext("interactive report", "As written") if v.name is None else v.name
        for v in variants.items
    ]
    personas = [
        t.pgettext("interactive report", "All personas") if p is None else base.map.persona(p).name
        for p in view_personas(base, variants.items)
    ]
    from journeymap.render.dot import dot_ids

    drawn = dot_ids(base)
    page = scenarios[[v.scenario for v in variants.items].index(base.scenario)]
    views = {}
    for si, pi, scene in variant_scenes(base, variants.items, goal=goal):
        views[f"{si}:{pi}"] = View(
            scenario=si,
            persona=pi,
            summary=tuple(Field(label, text) for label, text in summary(scene)),
            leaks=leak_rows(scene),
            curve=curve_points(scene),
            touchpoints={tid: touchpoint_tip(scene, tid) for tid in scene.graph},
            transitions=transition_tips(scene),
            not_drawn=not_drawn(scene, page, drawn),
        )
    si = [v.scenario for v in variants.items].index(base.scenario)
    pi = view_personas(base, variants.items).index(base.persona)
    lo, hi = base.map.emotion_scale
    return Island(
        scenarios=tuple(scenarios),
        personas=tuple(personas),
        current=f"{si}:{pi}",
        views=views,
        nodes={name: tid for tid, name in dot_ids(base).items()},
        emotion_scale=(float(lo), float(hi)),
        labels=ui_labels(t),
        note=left_out(base, variants),
    )


def not_drawn(scene: Scene, page: str, drawn: Mapping[str, str]) -> str | None:
    """The note of a view whose touchpoints are not all in the graph (`drawn`: touchpoint id
    -> node name of the graph, drawn once for the page's own scenario, named `page`): their
    count and names (a scenario's added touchpoints, or those the page's scenario removed);
    None when the graph has them all."""
    missing = [tp.name for _, tp in scene.map.iter_touchpoints() if tp.id not in drawn]
    if not missing:
        return None
    return scene.t.ngettext(
        "{n} touchpoint of this scenario is not in the graph (it is drawn for “{page}”): {names}",
        "{n} touchpoints of this scenario are not in the graph (it is drawn for “{page}”): {names}",
        len(missing),
    ).format(n=len(missing), page=page, names="; ".join(missing))


def island_json(island: Island) -> str:
    r"""The island as JSON safe inside ``<script type="application/json">``: ``<``, ``>``,
    ``&`` and the two JavaScript line separators are written as ``\u`` escapes (JSON reads
    them back as the same characters; the same island gives the same bytes).

    >>> _escape('{"name":"</script><script>alert(1)</script>"}')
    '{"name":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}'
    """
    text = json.dumps(asdict(island), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return _escape(text)


def _escape(text: str) -> str:
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text
