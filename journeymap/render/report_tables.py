"""The report's tables of figures: survey scores per touchpoint, the business figures, service
times and the pooled surveys per stage (rows of printed cells, in the scene's language; the
template lays them out). Split from :mod:`journeymap.render.report`."""

from __future__ import annotations

from typing import Any

from journeymap.analysis.business import SERVICE_TIMES
from journeymap.analysis.results import Analysis
from journeymap.analysis.survey_figures import Ces, Csat, Nps, SurveyFigures
from journeymap.figures import (
    MISSING,
    count,
    cx_interval,
    cx_label,
    cx_of,
    cx_value,
    formula_inputs,
    in_brackets,
    integer,
    number,
    share,
    signed,
)
from journeymap.i18n import N_
from journeymap.i18n.formulas import formula as formula_in
from journeymap.i18n.numbers import service_unit
from journeymap.render.scene import Scene


def _responses(metric: Nps | Csat | Ces | None, lang: str) -> str:
    return MISSING if metric is None else integer(metric.responses, lang=lang)


def survey_rows(scene: Scene) -> list[dict[str, Any]]:
    rows, lang = [], scene.lang
    for _, tp in scene.map.iter_touchpoints():
        s = scene.survey(tp.id)
        if not s:
            continue
        nps, csat, ces = s.nps, s.csat, s.ces
        nps_value = None if nps is None else nps.value
        rows.append(
            {
                "name": tp.name,
                "nps": (
                    MISSING
                    if nps is None or nps_value is None
                    else signed(nps_value, 1, lang=lang)
                    + in_brackets(nps.interval, lambda v: signed(v, 1, lang=lang))
                ),
                "nps_n": _responses(nps, lang),
                "csat": share(None if csat is None else csat.percent, 1, lang=lang),
                "csat_mean": number(None if csat is None else csat.mean, 2, lang=lang),
                "csat_n": _responses(csat, lang),
                "ces": number(None if ces is None else ces.mean, 2, lang=lang),
                "ces_easy": share(None if ces is None else ces.percent_easy, 1, lang=lang),
                "ces_n": _responses(ces, lang),
                "sort": [  # the number each cell sorts by (data-value), in column order
                    nps_value,
                    None if nps is None else nps.responses,
                    None if csat is None else csat.percent,
                    None if csat is None else csat.mean,
                    None if csat is None else csat.responses,
                    None if ces is None else ces.mean,
                    None if ces is None else ces.percent_easy,
                    None if ces is None else ces.responses,
                ],
            }
        )
    return rows


def business_rows(a: Analysis, scene: Scene) -> list[dict[str, str]]:
    """The map-level business figures of the period (formula and inputs beside each value;
    a figure not measured or undefined shows its reason)."""
    cur, lang = a.settings.currency, scene.lang
    rows = []
    for f in a.metrics.figures.values():
        defined = f.value is not None
        rows.append(
            {
                "name": cx_label(f.name, lang=lang),
                "value": cx_value(f.name, f.value, cur, f.margin_adjusted, lang=lang),
                "interval": cx_interval(f.name, f.interval, lang=lang),
                "of": cx_of(f.name, f.n, lang=lang) if defined else MISSING,
                "basis": f"{formula_in(f.formula, lang)}: {formula_inputs(f.inputs, cur, lang=lang)}"
                if defined
                else str(f.reason_in(scene.t)),
            }
        )
    return rows


_SERVICE_NAMES = {"first_response_time": N_("first response"), "resolution_time": N_("resolution")}


def service_rows(a: Analysis, scene: Scene) -> list[dict[str, str]]:
    """Service times per touchpoint: mean, median and p90 with their unit, or the reason."""
    rows, lang, tr = [], scene.lang, scene.t.gettext
    for tid, s in a.metrics.touchpoints.items():
        for name in SERVICE_TIMES:
            t = s.time(name)
            if t is None:
                continue
            rows.append(
                {
                    "name": a.touchpoint(tid).name or tid,
                    "time": tr(_SERVICE_NAMES[name]),
                    "mean": number(t.mean, 1, lang=lang),
                    "median": number(t.median, 1, lang=lang),
                    "p90": number(t.p90, 1, lang=lang),
                    "n": count(t.count, lang=lang),
                    "unit": service_unit(t.unit, t.hours == "business", lang) or MISSING,
                    "note": t.reason_in(scene.t)
                    or ("" if t.p90 is not None else tr("no samples: p90 unknown")),
                }
            )
    return rows


def _headline(sv: SurveyFigures, kind: str, lang: str) -> str:
    m = getattr(sv, kind)
    if m is None or m.headline is None:
        return MISSING
    v = m.headline
    text = (
        signed(v, 0, lang=lang)
        if isinstance(m, Nps)
        else share(v, 0, lang=lang)
        if isinstance(m, Csat)
        else number(v, 1, lang=lang)
    )
    return f"{text} (n={integer(m.responses, lang=lang)})"


def stage_survey_rows(a: Analysis, lang: str) -> list[dict[str, str]]:
    """Survey figures per stage: the answers of its touchpoints pooled, never averaged."""
    return [
        {"name": st.name, **{k: _headline(st.surveys, k, lang) for k in ("nps", "csat", "ces")}}
        for st in a.stages
        if st.surveys
    ]
