"""What every view draws from: the map, its graph, the typed analysis and style.

Views read the analysis through the attributes of
:class:`~journeymap.analysis.results.Analysis` (indexed by id once, in the result itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import networkx as nx

from journeymap import graph as g
from journeymap.analysis.results import Leak, TouchpointFigures
from journeymap.analysis.survey_figures import NO_SURVEYS, SurveyFigures
from journeymap.errors import UsageError, did_you_mean
from journeymap.figures import (
    MINUS,
    RANGE,
    emotion,
    number,
    percent,
    percent_sign,
    score,
    share,
    signed,
)
from journeymap.i18n import ENGLISH, N_, Language, Translator, language_for, translator
from journeymap.i18n.numbers import range_word
from journeymap.model import JourneyMap, Overlay, period_bounds
from journeymap.render.fonts import FontPlan, plan_fonts
from journeymap.render.theme import THEMES, Theme

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.analysis.experiment import Readout
    from journeymap.analysis.opportunity_results import Portfolio

COLOR_BY = ("drop_off", "nps", "csat", "ces", "emotion")
PAGES = {"A3": (16.54, 11.69), "A4": (11.69, 8.27)}
"""Landscape page sizes in inches."""
CURVES = ("auto", "single", "persona", "scenario")


@dataclass(frozen=True)
class Curve:
    """One emotion curve: a label and an emotion per touchpoint id (None where unknown).

    ``persona`` is the persona id of a per-persona curve; ``average`` marks the curve across
    all personas (weighted by ``share``, :meth:`journeymap.model.JourneyMap.emotion`) drawn
    beside the per-persona curves (:func:`journeymap.render.persona_curves.curve_legend`
    writes their legend).
    """

    label: str
    emotions: dict[str, float | None]
    pain_points: dict[str, int] = field(default_factory=dict)
    persona: str | None = None
    average: bool = False


@dataclass
class Scene:
    """Everything a view needs. Build it with :func:`build_scene`."""

    map: JourneyMap
    graph: nx.DiGraph[str]
    analysis: Analysis | None
    theme: Theme
    color_by: str = "drop_off"
    persona: str | None = None
    scenario: str | None = None
    goal: str | None = None
    curves: list[Curve] = field(default_factory=list)
    page: str = "A3"
    fonts: FontPlan = field(default_factory=lambda: FontPlan(["DejaVu Sans"], []))
    experiment: Readout | None = None
    """The readout of the arms given (``render --view experiment``, the report's section)."""
    lang: Language = ENGLISH
    """The language of the fixed strings and numbers (``--lang``, else the map's ``language:``)."""
    period_end: dt.date | None = None
    """The last day of the period the numbers describe (the overlay's, else the map's): the
    day assumption ages are counted to (:mod:`journeymap.render.evidence`)."""
    portfolio: Portfolio | None = None
    """The priced opportunities (``render --view opportunities``, the report's section)."""

    @property
    def t(self) -> Translator:
        """The translator of the scene's language: ``scene.t.gettext("Actions")``."""
        return translator(self.lang)

    # --- figures by touchpoint, read from the analysis -----------------------------------
    def touchpoint_figures(self, tid: str) -> TouchpointFigures | None:
        """The analysis' figures of a touchpoint (None without analysis)."""
        return None if self.analysis is None else self.analysis.touchpoint(tid)

    def leak(self, tid: str) -> Leak | None:
        """The leak at a touchpoint (None when it is no ranked leak, or without analysis)."""
        return None if self.analysis is None else self.analysis.leak(tid)

    def leaks(self) -> tuple[Leak, ...]:
        """The ranked leaks, best first (empty without analysis)."""
        return () if self.analysis is None else self.analysis.leaks

    def survey(self, tid: str) -> SurveyFigures:
        """The survey figures of a touchpoint (empty without analysis or survey)."""
        return NO_SURVEYS if self.analysis is None else self.analysis.survey(tid)

    def after_goal(self) -> set[str]:
        return set() if self.analysis is None else {r.id for r in self.analysis.after_goal}

    def stage_reach(self, sid: str) -> float | None:
        stage = None if self.analysis is None else self.analysis.stage(sid)
        return None if stage is None else stage.reach_probability

    def drop_off(self, tid: str) -> float | None:
        """Drop-off ``exits / completed departures``: the analysis figure, else from the graph."""
        fig = self.touchpoint_figures(tid)
        if fig is not None:
            return fig.drop_off
        d = self.graph.nodes[tid]
        departures = d[g.VISITS] - d[g.IN_PROGRESS]
        return d[g.EXITS] / departures if departures > 0 else None

    def emotion(self, tid: str) -> float | None:
        """The emotion at a touchpoint: the scene's persona's, else across personas weighted by
        their share (:meth:`journeymap.model.JourneyMap.emotion`, the one definition)."""
        value = self.map.emotion(tid, self.persona)
        return None if value is None else float(value)

    @property
    def currency(self) -> str | None:
        return self.map.currency

    @property
    def period(self) -> str | None:
        value = self.graph.graph.get(g.PERIOD)
        return None if value is None else str(value)


def map_text(journey_map: JourneyMap) -> str:
    """All user text of a map, for choosing fonts."""
    parts = [journey_map.title, journey_map.description or ""]
    parts += [p.name for p in journey_map.personas]
    parts += [t for p in journey_map.personas for t in (*p.goals, *p.frustrations)]
    for stage in journey_map.stages:
        parts.append(stage.name)
        for tp in stage.touchpoints:
            parts += [tp.name, tp.channel or "", *tp.actions, *tp.pain_points]
            parts += tp.opportunity_texts
            if tp.thoughts:
                parts += [tp.thoughts] if isinstance(tp.thoughts, str) else list(tp.thoughts)
    return "\n".join(parts)


def emotion_curve(
    journey_map: JourneyMap, label: str, persona: str | None, *, own: bool = False
) -> Curve:
    """The curve of `persona` (None: across personas by share); ``own``: a per-persona curve."""
    emotions: dict[str, float | None] = {}
    pains: dict[str, int] = {}
    for _, tp in journey_map.iter_touchpoints():
        emotions[tp.id] = journey_map.emotion(tp.id, persona)
        if tp.pain_points:
            pains[tp.id] = len(tp.pain_points)
    return Curve(label, emotions, pains, persona=persona if own else None)


def build_curves(
    journey_map: JourneyMap,
    *,
    mode: str = "auto",
    persona: str | None = None,
    scenario: str | None = None,
    others: Sequence[tuple[str, JourneyMap]] = (),
) -> list[Curve]:
    """Emotion curves to draw: one (the persona's or the mean), one per persona, or one per scenario.

    ``auto`` draws one curve per persona when the map writes emotions per persona and no persona
    was chosen, else one curve. ``persona`` draws one curve per persona and, with two or more
    personas, the curve across all of them weighted by their ``share`` (the average of
    :meth:`JourneyMap.emotion`, never a second one) after them. ``scenario`` draws this map and
    every map of `others` (label, map).
    """
    if mode not in CURVES:
        raise UsageError(
            f"emotion curves are one of {', '.join(CURVES)}, not '{mode}'",
            hint=did_you_mean(mode, CURVES),
        )
    per_persona = any(isinstance(tp.emotion, dict) for _, tp in journey_map.iter_touchpoints())
    if mode == "auto":
        mode = "persona" if per_persona and persona is None and journey_map.personas else "single"
    if mode == "persona":
        if not journey_map.personas:
            raise UsageError("one emotion curve per persona: the map declares no personas")
        curves = [emotion_curve(journey_map, p.name, p.id, own=True) for p in journey_map.personas]
        if len(curves) > 1:
            average = emotion_curve(journey_map, N_("all personas"), None)
            curves.append(replace(average, average=True))
        return curves
    base_label = scenario or (
        N_("as-is") if mode == "scenario" else _single_label(journey_map, persona)
    )
    curves = [emotion_curve(journey_map, base_label, persona)]
    if mode == "scenario":
        curves += [emotion_curve(m, label, persona) for label, m in others]
    return curves


def _single_label(journey_map: JourneyMap, persona: str | None) -> str:
    if persona is not None:
        return journey_map.persona(persona).name
    per_persona = any(isinstance(tp.emotion, dict) for _, tp in journey_map.iter_touchpoints())
    if not per_persona:
        return N_("emotion")
    if journey_map.persona_shares:
        return N_("mean over personas, by share")
    return N_("mean over personas")


def build_scene(
    journey_map: JourneyMap,
    overlay: Overlay | None = None,
    *,
    analysis: Analysis | None = None,
    theme: str = "light",
    color_by: str = "drop_off",
    persona: str | None = None,
    scenario: str | None = None,
    goal: str | None = None,
    page: str = "A3",
    curves: Sequence[Curve] | None = None,
    lang: str | None = None,
) -> Scene:
    """Assemble a :class:`Scene` (builds the graph; the analysis is given by the caller;
    ``lang``: ``--lang``, which beats the map's ``language:``)."""
    if theme not in THEMES:
        raise UsageError(
            f"unknown theme '{theme}'; themes: {', '.join(THEMES)}",
            hint=did_you_mean(theme, list(THEMES)),
        )
    if color_by not in COLOR_BY:
        raise UsageError(
            f"touchpoints are coloured by one of {', '.join(COLOR_BY)}, not '{color_by}'",
            hint=did_you_mean(color_by, COLOR_BY),
        )
    page_key = page.upper()
    if page_key not in PAGES:
        raise UsageError(f"unknown page size '{page}'; sizes: {', '.join(PAGES)}")
    G = g.build_graph(journey_map, overlay)
    period = overlay.period if overlay is not None and overlay.period else journey_map.period
    return Scene(
        period_end=None if period is None else period_bounds(period)[1],
        lang=language_for(lang, journey_map.language),
        map=journey_map,
        graph=G,
        analysis=analysis,
        theme=THEMES[theme],
        color_by=color_by,
        persona=persona,
        scenario=scenario,
        goal=goal,
        curves=list(curves)
        if curves is not None
        else build_curves(journey_map, persona=persona, scenario=scenario),
        page=page_key,
        fonts=plan_fonts(map_text(journey_map), journey_map.language),
    )


# --------------------------------------------------------------------------- colour by metric


@dataclass(frozen=True)
class Metric:
    """How ``--color-by`` reads and bins one figure; bin 0 is good, 4 is bad. The four
    ascending ``edges`` are the one definition of the bins: :func:`metric_value` bins by them
    and :func:`metric_legend` writes them."""

    name: str
    title: str
    edges: tuple[float, float, float, float]
    higher_is_better: bool
    unit: str
    """``fraction`` (0-1, written as a percentage), ``share`` (0-100 with a percent sign) or
    ``score`` (a plain number, NPS)."""


_METRICS = {
    "drop_off": Metric("drop_off", N_("drop-off"), (0.10, 0.25, 0.40, 0.60), False, "fraction"),
    "nps": Metric("nps", "NPS", (-30.0, 0.0, 20.0, 50.0), True, "score"),
    "csat": Metric("csat", "CSAT", (50.0, 65.0, 75.0, 85.0), True, "share"),
    "ces": Metric("ces", N_("CES, share easy"), (35.0, 50.0, 65.0, 80.0), True, "share"),
}


def _bin_labels(m: Metric, lang: str) -> list[str]:
    """The five bin labels of ``m``, good to bad: ``≥ 85%``, ``75–85%`` ... ``< 50%`` (a range
    of scores, which may be negative, reads ``−30 to 0``)."""

    def end(v: float) -> str:
        x = 100 * v if m.unit == "fraction" else v
        return number(x, 0, lang=lang).replace("-", MINUS)

    def pct(text: str) -> str:
        return text if m.unit == "score" else percent_sign(text, lang=lang)

    e = [end(v) for v in m.edges]
    between = " to " if m.unit == "score" else RANGE
    ranges = [pct(f"{e[k]}{between}{e[k + 1]}") for k in range(3)]
    low, high = pct(f"< {e[0]}"), pct(f"≥ {e[3]}")
    if m.higher_is_better:
        return [high, *reversed(ranges), low]
    return [low, *ranges, high]


def _edges_bin(value: float, edges: Sequence[float], *, higher_is_better: bool) -> int:
    """Bin 0..4 from four ascending edges."""
    above = sum(value >= e for e in edges)
    return 4 - above if higher_is_better else above


def metric_value(scene: Scene, tid: str) -> tuple[float | None, int | None]:
    """The ``--color-by`` figure of a touchpoint and its bin (None when undefined)."""
    by = scene.color_by
    if by == "drop_off":
        v = scene.drop_off(tid)
        m = _METRICS["drop_off"]
        return v, None if v is None else _edges_bin(v, m.edges, higher_is_better=False)
    if by == "emotion":
        e = scene.emotion(tid)
        if e is None:
            return None, None
        lo, hi = scene.map.emotion_scale
        good = (e - lo) / (hi - lo)
        return e, min(max(4 - int(good * 5 + 1e-9), 0), 4) if good < 1 else 0
    survey = scene.survey(tid)
    # colour by the headline of NPS and CSAT; CES by its share of easy answers (0-100 on any scale)
    v = (
        survey.headline("nps")
        if by == "nps"
        else survey.headline("csat")
        if by == "csat"
        else None
        if survey.ces is None
        else survey.ces.percent_easy
    )
    if v is None:
        return None, None
    return v, _edges_bin(v, _METRICS[by].edges, higher_is_better=True)


def metric_legend(scene: Scene) -> tuple[str, list[str]]:
    """Title and the five bin labels (good to bad) of the ``--color-by`` metric."""
    if scene.color_by != "emotion":
        m = _METRICS[scene.color_by]
        return scene.t.gettext(m.title), [
            _range_words(scene, label) for label in _bin_labels(m, scene.lang)
        ]
    lo, hi = scene.map.emotion_scale
    step = (hi - lo) / 5
    if float(hi - lo) == 4 and float(lo).is_integer():
        return scene.t.gettext("emotion"), [
            f"{v:+g}".replace("-", "−").replace("+0", "0") for v in (hi, hi - 1, hi - 2, hi - 3, lo)
        ]
    edges = [signed(hi - step * k, 1, lang=scene.lang) for k in range(1, 5)]
    labels = (
        [f"≥ {edges[0]}"]
        + [f"{edges[k]} to {edges[k - 1]}" for k in range(1, 4)]
        + [f"< {edges[3]}"]
    )
    return scene.t.gettext("emotion"), [_range_words(scene, s) for s in labels]


def _range_words(scene: Scene, label: str) -> str:
    """A bin label (``20 to 50``) with the word between its ends in the scene's language."""
    return label.replace(" to ", f" {range_word(scene.lang)} ")


def metric_text(scene: Scene, value: float | None) -> str | None:
    """The figure as a node shows it (``drop-off 34%``, ``NPS +12``, ``emotion −1``)."""
    if value is None:
        return None
    by, t = scene.color_by, scene.t
    if by == "drop_off":
        return t.gettext("drop-off {share}").format(share=percent(value, 0, lang=scene.lang))
    if by == "nps":
        return f"NPS {score('nps', value, typographic=True, lang=scene.lang)}"
    if by == "csat":
        return f"CSAT {score('csat', value, lang=scene.lang)}"
    if by == "ces":
        return t.gettext("CES easy {share}").format(share=share(value, 0, lang=scene.lang))
    return t.gettext("emotion {score}").format(score=emotion(value, lang=scene.lang))
