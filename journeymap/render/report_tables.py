"""The report's tables of figures: survey scores per touchpoint, the business figures, service
times and the pooled surveys per stage (rows of printed cells, in the scene's language; the
template lays them out, each cell through one macro that writes a numeric cell's sort value as
``data-value``). Split from :mod:`journeymap.render.report`."""

from __future__ import annotations

from journeymap.analysis.business_service import SERVICE_TIMES, ServiceTime
from journeymap.analysis.results import Analysis
from journeymap.analysis.survey_figures import Ces, Csat, Nps, SurveyFigures
from journeymap.figures import (
    MISSING,
    SURVEY_KINDS,
    SurveyKind,
    count,
    in_brackets,
    integer,
    number,
    score,
    share,
)
from journeymap.figures_cx import cx_interval, cx_label, cx_of, cx_value, formula_inputs
from journeymap.i18n import N_
from journeymap.i18n.formulas import formula as formula_in
from journeymap.i18n.numbers import service_unit
from journeymap.render.report_data import Cell
from journeymap.render.scene import Scene

Row = tuple[Cell, ...]
"""One row of a report table: a :class:`~journeymap.render.report_data.Cell` per column, each
numeric cell with the number it sorts by (the template writes it as ``data-value``)."""


def _responses(metric: Nps | Csat | Ces | None, lang: str) -> Cell:
    if metric is None:
        return Cell(MISSING)
    return Cell(integer(metric.responses, lang=lang), metric.responses)


def survey_rows(scene: Scene) -> list[Row]:
    """Survey scores per surveyed touchpoint: NPS with its interval, CSAT, CES, each with its
    number of responses."""
    rows: list[Row] = []
    lang = scene.lang
    for _, tp in scene.map.iter_touchpoints():
        s = scene.survey(tp.id)
        if not s:
            continue
        nps, csat, ces = s.nps, s.csat, s.ces
        nps_value = None if nps is None else nps.value
        csat_pct = None if csat is None else csat.percent
        csat_mean = None if csat is None else csat.mean
        ces_mean = None if ces is None else ces.mean
        ces_easy = None if ces is None else ces.percent_easy
        rows.append(
            (
                Cell(tp.name, numeric=False),
                Cell(
                    MISSING
                    if nps is None or nps_value is None
                    else _detail("nps", nps_value, lang)
                    + in_brackets(nps.interval, lambda v: _detail("nps", v, lang)),
                    nps_value,
                ),
                _responses(nps, lang),
                Cell(_detail("csat", csat_pct, lang), csat_pct),
                Cell(number(csat_mean, 2, lang=lang), csat_mean),
                _responses(csat, lang),
                Cell(_detail("ces", ces_mean, lang), ces_mean),
                Cell(share(ces_easy, 1, lang=lang), ces_easy),
                _responses(ces, lang),
            )
        )
    return rows


def business_rows(a: Analysis, scene: Scene) -> list[Row]:
    """The map-level business figures of the period (formula and inputs beside each value;
    a figure not measured or undefined shows its reason). The value sorts by the figure, the
    interval by its lower end, "of / per" by its denominator."""
    cur, lang = a.settings.currency, scene.lang
    rows: list[Row] = []
    for f in a.metrics.figures.values():
        defined = f.value is not None
        rows.append(
            (
                Cell(cx_label(f.name, lang=lang), numeric=False),
                Cell(cx_value(f.name, f.value, cur, f.margin_adjusted, lang=lang), f.value),
                Cell(
                    cx_interval(f.name, f.interval, lang=lang),
                    None if f.interval is None else f.interval[0],
                ),
                Cell(cx_of(f.name, f.n, lang=lang) if defined else MISSING, f.n, numeric=False),
                Cell(
                    f"{formula_in(f.formula, lang)}: {formula_inputs(f.inputs, cur, lang=lang)}"
                    if defined
                    else str(f.reason_in(scene.t)),
                    numeric=False,
                ),
            )
        )
    return rows


_SERVICE_NAMES = {"first_response_time": N_("first response"), "resolution_time": N_("resolution")}


def service_rows(a: Analysis, scene: Scene) -> list[Row]:
    """Service times per touchpoint: mean, median and p90 with their unit, or the reason; the
    times sort by their length in seconds, whatever unit each row is written in."""
    rows: list[Row] = []
    lang, tr = scene.lang, scene.t.gettext
    for tid, s in a.metrics.touchpoints.items():
        for name in SERVICE_TIMES:
            t = s.time(name)
            if t is None:
                continue

            def cell(v: float | None, t: ServiceTime = t) -> Cell:
                return Cell(number(v, 1, lang=lang), None if v is None else t.seconds(v))

            rows.append(
                (
                    Cell(a.touchpoint(tid).name or tid, numeric=False),
                    Cell(tr(_SERVICE_NAMES[name]), numeric=False),
                    cell(t.mean),
                    cell(t.median),
                    cell(t.p90),
                    Cell(count(t.count, lang=lang), t.count),
                    Cell(
                        service_unit(t.unit, t.hours == "business", lang) or MISSING,
                        numeric=False,
                    ),
                    Cell(
                        t.reason_in(scene.t)
                        or ("" if t.p90 is not None else tr("no samples: p90 unknown")),
                        numeric=False,
                    ),
                )
            )
    return rows


def _detail(kind: SurveyKind, x: float | None, lang: str) -> str:
    """A survey score as the report's tables show it (detail decimals, typographic minus)."""
    return score(kind, x, detail=True, typographic=True, lang=lang)


def _headline(sv: SurveyFigures, kind: SurveyKind, lang: str) -> Cell:
    m = sv.metric(kind)
    if m is None or m.headline is None:
        return Cell(MISSING)
    v = m.headline
    text = score(kind, v, typographic=True, lang=lang)
    return Cell(f"{text} (n={integer(m.responses, lang=lang)})", v)


def stage_survey_rows(a: Analysis, lang: str) -> list[Row]:
    """Survey figures per stage: the answers of its touchpoints pooled, never averaged."""
    return [
        (
            Cell(st.name, numeric=False),
            *(_headline(st.surveys, k, lang) for k in SURVEY_KINDS),
        )
        for st in a.stages
        if st.surveys
    ]
