"""The cells of the deck's native tables: top leaks, survey scores, experiment, trend.

Pure functions from the scene to rows of text (no python-pptx here): every figure is the
analysis' own, printed by :mod:`journeymap.figures` in the deck's language, and every row left
out is counted (``TableRows.more``) so the slide can say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap import graph as g
from journeymap.figures import (
    MISSING,
    SurveyKind,
    in_brackets,
    integer,
    level,
    number,
    percent,
    score,
    whole_money,
)
from journeymap.render.scene import Scene

if TYPE_CHECKING:
    from journeymap.render.report_trend import TrendData

TOP_LEAKS = 8
"""Leaks on the leak slide (the rest are counted under the table; the report lists them all)."""
SURVEY_ROWS = 10
TREND_ROWS = 10
"""Periods on the trend slide: the latest ones (the earlier are counted under the table)."""


@dataclass(frozen=True)
class TableRows:
    """A table's header and rows, and how many rows did not fit on the slide."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    more: int = 0


def leak_rows(scene: Scene, top: int = TOP_LEAKS) -> TableRows:
    """Touchpoint, stage, exits, drop-off (interval), value lost (interval; conversions lost
    when the map puts no value on a conversion) and the what-if gain of the top leaks."""
    assert scene.analysis is not None
    t, lang = scene.t, scene.lang
    stages = dict(scene.graph.graph[g.STAGES])
    leaks = scene.leaks()
    priced = any(x.lost_value is not None for x in leaks)
    pct: Callable[[float], str] = lambda v: percent(v, 1, lang=lang)  # noqa: E731
    money: Callable[[float], str] = lambda v: whole_money(v, scene.currency, lang=lang)  # noqa: E731
    conv: Callable[[float], str] = lambda v: number(v, 1, lang=lang)  # noqa: E731
    conf = level(scene.analysis.settings.confidence, lang=lang)
    what_if = percent(scene.analysis.settings.what_if.percent / 100, 0, lang=lang)
    header = (
        t.gettext("Touchpoint"),
        t.gettext("Stage"),
        t.gettext("Exits"),
        t.gettext("Drop-off ({level} interval)").format(level=conf),
        t.gettext("Value lost") if priced else t.gettext("Conversions lost"),
        t.gettext("What-if: close {share} of exits").format(share=what_if),
    )
    rows = []
    for x in leaks[:top]:
        lost = (
            money(x.lost_value) + in_brackets(x.lost_value_interval, money)
            if priced and x.lost_value is not None
            else conv(x.lost_conversions) + in_brackets(x.lost_conversions_interval, conv)
            if x.lost_conversions is not None
            else MISSING
        )
        extra, extra_value = x.what_if.extra_conversions, x.what_if.extra_value
        gain = (
            MISSING
            if extra is None
            else t.gettext("+{n} conv.").format(n=conv(extra))
            + ("" if extra_value is None else f", {money(extra_value)}")
        )
        rows.append(
            (
                x.name,
                stages.get(x.stage, x.stage),
                integer(x.exits, lang=lang),
                percent(x.drop_off, 1, lang=lang) + in_brackets(x.drop_off_interval, pct),
                lost,
                gain,
            )
        )
    return TableRows(header, tuple(rows), max(len(leaks) - top, 0))


def survey_rows(scene: Scene, top: int = SURVEY_ROWS) -> TableRows:
    """NPS, CSAT (% satisfied) and CES (mean) per surveyed touchpoint, each with its interval
    and its number of responses."""
    assert scene.analysis is not None
    t, lang = scene.t, scene.lang
    conf = level(scene.analysis.settings.confidence, lang=lang)

    def text(kind: SurveyKind) -> Callable[[float], str]:
        return lambda v: score(kind, v, detail=True, typographic=True, lang=lang)

    nps_text, csat_text, ces_text = text("nps"), text("csat"), text("ces")
    header = (
        t.gettext("Touchpoint"),
        t.gettext("NPS ({level} interval)").format(level=conf),
        t.gettext("CSAT, % satisfied ({level} interval)").format(level=conf),
        t.gettext("CES, mean ({level} interval)").format(level=conf),
        t.gettext("Responses (NPS / CSAT / CES)"),
    )
    rows = []
    for _, tp in scene.map.iter_touchpoints():
        s = scene.survey(tp.id)
        if not s:
            continue
        nps, csat, ces = s.nps, s.csat, s.ces
        rows.append(
            (
                tp.name,
                MISSING
                if nps is None or nps.value is None
                else nps_text(nps.value) + in_brackets(nps.interval, nps_text),
                MISSING
                if csat is None or csat.percent is None
                else csat_text(csat.percent) + in_brackets(csat.interval, csat_text),
                MISSING
                if ces is None or ces.mean is None
                else ces_text(ces.mean) + in_brackets(ces.interval, ces_text),
                " / ".join(
                    MISSING if m is None else integer(m.responses, lang=lang)
                    for m in (nps, csat, ces)
                ),
            )
        )
    return TableRows(header, tuple(rows[:top]), max(len(rows) - top, 0))


def experiment_rows(scene: Scene) -> tuple[str, TableRows, TableRows]:
    """The decision and reason, the arms and each arm against the control, as the report's
    experiment section prints them (:func:`journeymap.render.report_experiment.experiment_section`)."""
    from journeymap.render.report_experiment import experiment_section

    section = experiment_section(scene)
    assert section is not None
    t = scene.t
    arms = TableRows(
        (
            t.gettext("Arm"),
            t.gettext("Customers"),
            t.gettext("Conversions"),
            t.gettext("Conversion"),
        ),
        tuple((a.name, a.customers, a.conversions, a.conversion) for a in section.arms),
    )
    against = TableRows(
        (
            t.gettext("Arm against {control}").format(control=section.control),
            t.gettext("Difference"),
            t.gettext("Relative lift"),
            t.gettext("p-value (adjusted)"),
        ),
        tuple(
            (c.arm, c.difference, c.lift, f"{c.p_value} ({c.p_adjusted})")
            for c in section.comparisons
        ),
    )
    return f"{section.decision}: {section.reason}", arms, against


def trend_rows(scene: Scene, data: TrendData, top: int = TREND_ROWS) -> tuple[TableRows, TableRows]:
    """The report's two per-period tables
    (:func:`journeymap.render.report_trend.trend_section`), the latest `top` periods of each:
    the journeys, conversion and drop-offs; then the top leak, the scores and the business
    figures (no header and no rows when no period has any of them)."""
    from journeymap.render.report_trend import trend_section

    section = trend_section(scene, data)
    rows = section.rows[-top:]
    detail = section.detail_rows[-top:]
    return (
        TableRows(section.header, rows, len(section.rows) - len(rows)),
        TableRows(section.detail_header, detail, len(section.detail_rows) - len(detail)),
    )
