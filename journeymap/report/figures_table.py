"""The CX figures of an analysis in words, tables and long CSV: business figures (retention,
churn, repeat rate, lifetime value, retention cost), service times per touchpoint (mean,
median, 90th percentile) and survey figures per stage (answers pooled over its touchpoints).

Everything comes from the typed ``Analysis.metrics`` (:class:`journeymap.analysis.business.Metrics`)
and ``StageFigures.surveys``; numbers are printed through :mod:`journeymap.figures`. One list of
rows (:func:`cx_rows`) feeds the long CSV (``--table metrics``); a figure that is undefined or
not measured in the period shows its reason, never 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from journeymap.analysis.business import BusinessFigure, Metrics
from journeymap.analysis.business_service import SERVICE_TIMES, ServiceName, ServiceTime
from journeymap.analysis.results import Analysis
from journeymap.analysis.survey_figures import Ces, Csat, Nps, SurveyFigures
from journeymap.figures import (
    MISSING,
    SURVEY_KINDS,
    count,
    integer,
    level,
    number,
    price,
    score,
    whole_money,
)
from journeymap.figures_cx import CX_OF_WHOM, cx_interval, cx_label, cx_of, cx_value, formula_inputs
from journeymap.findings import stage_subject, touchpoint_subject
from journeymap.i18n import ENGLISH, N_, Language, translator
from journeymap.i18n.formulas import formula as formula_in
from journeymap.i18n.numbers import service_unit

TIME_WORDS: Mapping[ServiceName, str] = {
    "first_response_time": N_("first response"),
    "resolution_time": N_("resolution"),
}
CSV_COLUMNS = ("metric", "subject", "value", "low", "high", "n", "unit", "formula", "reason")
"""The long CSV of ``--table metrics``: one figure a row; ``reason`` says why a value is empty."""


@dataclass(frozen=True)
class CxRow:
    """One CX figure of the period, as the long CSV writes it (numbers as in the JSON)."""

    metric: str
    subject: str
    value: float | None
    low: float | None
    high: float | None
    n: float | None
    unit: str
    formula: str
    reason: str | None = None


# ------------------------------------------------------------------------------ rows


def _whole(x: float) -> float:
    """A count as an int when it is whole (journeys started may be fractional)."""
    return int(x) if float(x).is_integer() else x


def _figure_row(a: Analysis, f: BusinessFigure) -> CxRow:
    low, high = f.interval if f.interval is not None else (None, None)
    unit = "fraction" if f.name in CX_OF_WHOM else a.settings.currency or "money"
    n = f.n if f.name in CX_OF_WHOM else dict(f.inputs).get("E", 0) - dict(f.inputs).get("N", 0)
    if f.name == "customer_lifetime_value":
        n = None
    return CxRow(f.name, f"map:{a.map.id}", f.value, low, high, n, unit, f.formula, f.reason)


def _time_unit(t: ServiceTime) -> str:
    """The unit of a service time in the long CSV ("" when not measured in the period;
    the human outputs write :func:`journeymap.i18n.numbers.service_unit`)."""
    if t.unit is None:
        return ""
    return f"{t.unit} (business hours)" if t.hours == "business" else t.unit


def _time_rows(tid: str, name: ServiceName, t: ServiceTime) -> list[CxRow]:
    subject = touchpoint_subject(tid)
    from_samples = t.p90 is not None
    out = []
    for stat, value, formula in (
        ("mean", t.mean, "mean of the samples" if from_samples else "mean as declared"),
        ("median", t.median, "median of the samples" if from_samples else "median as declared"),
        ("p90", t.p90, "90th percentile of the samples (type 7)"),
    ):
        reason = t.reason or (
            None if value is not None else "not declared" if stat != "p90" else "no samples"
        )
        out.append(
            CxRow(
                f"{name}_{stat}",
                subject,
                value,
                None,
                None,
                t.count,
                _time_unit(t),
                formula,
                reason,
            )
        )
    return out


def _service_rows(a: Analysis, m: Metrics) -> list[CxRow]:
    out: list[CxRow] = []
    money = a.settings.currency or "money"
    for tid, s in m.touchpoints.items():
        for name in SERVICE_TIMES:
            t = s.time(name)
            if t is not None:
                out += _time_rows(tid, name, t)
        if s.cost is not None:
            c = s.cost
            out.append(
                CxRow(
                    "service_cost",
                    touchpoint_subject(tid),
                    c.value,
                    None,
                    None,
                    c.visits,
                    money,
                    "cost per visit x visits",
                    c.reason,
                )
            )
    if m.service_cost is not None:
        out.append(
            CxRow(
                "service_cost",
                f"map:{a.map.id}",
                m.service_cost,
                None,
                None,
                None,
                money,
                "sum of cost per visit x visits",
            )
        )
    return out


def _survey_rows(a: Analysis) -> list[CxRow]:
    out: list[CxRow] = []
    for st in a.stages:
        for kind in SURVEY_KINDS:
            m = st.surveys.metric(kind)
            if m is None:
                continue
            iv = m.interval
            low, high = iv if iv is not None else (None, None)
            if isinstance(m, Nps):
                unit, formula = "points", "100 x (promoters - detractors) / answers, pooled"
            elif isinstance(m, Csat):
                unit, formula = "percent", "top-box answers / answers, pooled"
            else:
                unit, formula = f"scale {m.scale[0]}-{m.scale[1]}", "mean answer, pooled"
            reason = None if m.headline is not None else "no responses"
            out.append(
                CxRow(
                    kind,
                    stage_subject(st.id),
                    m.headline,
                    low,
                    high,
                    m.responses,
                    unit,
                    formula,
                    reason,
                )
            )
    return out


def cx_rows(a: Analysis) -> list[CxRow]:
    """Every CX figure of the period: map-level figures, service times and costs per touchpoint,
    survey figures per stage (in that order, touchpoints and stages in map order)."""
    m = a.metrics
    out: list[CxRow] = []
    c = m.conversion_rate
    if c is not None:
        out.append(
            CxRow(
                "conversion_rate",
                f"map:{a.map.id}",
                c.value,
                None,
                None,
                _whole(a.summary.entries),
                "fraction",
                c.formula,
            )
        )
    for f in m.figures.values():
        out.append(_figure_row(a, f))
        if f.margin_adjusted is not None:
            out.append(
                CxRow(
                    "customer_lifetime_value_after_margin",
                    f"map:{a.map.id}",
                    f.margin_adjusted,
                    None,
                    None,
                    None,
                    a.settings.currency or "money",
                    "CLV x gross margin",
                )
            )
    return out + _service_rows(a, m) + _survey_rows(a)


def metrics_csv(a: Analysis) -> str:
    """``--table metrics``: the long CSV of :func:`cx_rows` (empty cells for null)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in cx_rows(a):
        cells = (r.metric, r.subject, r.value, r.low, r.high, r.n, r.unit, r.formula, r.reason)
        w.writerow(["" if v is None else v for v in cells])
    return buf.getvalue()


# ------------------------------------------------------------------------------ words


def figure_sentence(a: Analysis, f: BusinessFigure, *, lang: Language = ENGLISH) -> str:
    """One map-level figure in plain words, with its formula and inputs, or its reason.

    >>> from journeymap.analysis import analyze
    >>> from journeymap.graph import build_graph
    >>> from journeymap.model import JourneyMap
    >>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M", "period": "2026-Q3",
    ...     "business": {"customers_start": 200, "customers_end": 190, "new_customers": 30},
    ...     "stages": [{"id": "s", "name": "S", "touchpoints": [{"id": "a", "name": "A", "entries": 5}]}]})
    >>> a = analyze(build_graph(m), samples=0)
    >>> figure_sentence(a, a.metrics.figures["retention_rate"])
    'Retention 80.00% (95% interval 73.91–84.95%) of 200 customers at the start: (E - N) / S with S = 200, E = 190, N = 30.'
    """
    t = translator(lang)
    label = cx_label(f.name, lang=lang)
    if f.value is None:
        return f"{label}: {f.reason_in(t)}."
    cur = a.settings.currency
    text = f"{label} {cx_value(f.name, f.value, cur, f.margin_adjusted, lang=lang)}"
    if f.interval is not None:
        text += " " + t.gettext("({level} interval {interval})").format(
            level=level(a.settings.confidence, lang=lang),
            interval=cx_interval(f.name, f.interval, lang=lang),
        )
    if f.name in CX_OF_WHOM:
        text += " " + t.gettext("of {whom}").format(whom=cx_of(f.name, f.n, lang=lang))
    elif f.name == "retention_cost":
        text += f" {cx_of(f.name, f.n, lang=lang)}"
    return t.gettext("{text}: {formula} with {inputs}.").format(
        text=text,
        formula=formula_in(f.formula, lang),
        inputs=formula_inputs(f.inputs, cur, lang=lang),
    )


FIGURE_HEADER = [
    N_("figure"),
    N_("value"),
    N_("interval"),
    N_("of / per"),
    N_("formula"),
    N_("inputs"),
]
"""The columns of :func:`figure_cells` (the Markdown "CX figures" table; msgids, translated
where they are shown)."""


def figure_cells(a: Analysis, f: BusinessFigure, *, lang: Language = ENGLISH) -> list[str]:
    """One map-level figure as table cells (:data:`FIGURE_HEADER`); a null value shows its reason."""
    label = cx_label(f.name, lang=lang)
    if f.value is None:
        why = str(f.reason_in(translator(lang)))
        return [label, MISSING, MISSING, MISSING, formula_in(f.formula, lang), why]
    cur = a.settings.currency
    return [
        label,
        cx_value(f.name, f.value, cur, f.margin_adjusted, lang=lang),
        cx_interval(f.name, f.interval, lang=lang),
        cx_of(f.name, f.n, lang=lang),
        formula_in(f.formula, lang),
        formula_inputs(f.inputs, cur, lang=lang),
    ]


def _time_cells(t: ServiceTime, lang: Language) -> list[str]:
    return [
        number(t.mean, lang=lang),
        number(t.median, lang=lang),
        number(t.p90, lang=lang),
        count(t.count, lang=lang),
        service_unit(t.unit, t.hours == "business", lang) or MISSING,
    ]


def service_rows(m: Metrics, *, lang: Language = ENGLISH) -> tuple[list[list[str]], list[str]]:
    """The service-time table (header first) and the reasons of the figures left empty."""
    tr = translator(lang)
    head = [tr.gettext("touchpoint"), tr.gettext("time"), tr.gettext("mean"), tr.gettext("median")]
    rows = [[*head, "p90", "n", tr.gettext("unit")]]
    notes: list[str] = []
    for tid, s in m.touchpoints.items():
        for name in SERVICE_TIMES:
            t = s.time(name)
            if t is None:
                continue
            words = tr.gettext(TIME_WORDS[name])
            rows.append([tid, words, *_time_cells(t, lang)])
            if t.reason is not None:
                notes.append(f"{tid} {words}: {t.reason_in(tr)}")
            elif t.p90 is None:
                notes.append(
                    f"{tid} {words}: " + tr.gettext("no p90 (no samples, figures as declared)")
                )
    return rows, notes


def cost_sentence(a: Analysis, m: Metrics, *, lang: Language = ENGLISH) -> str | None:
    """The service cost per touchpoint and in total, or None when no touchpoint has a cost."""
    t = translator(lang)
    cur = a.settings.currency
    parts = []
    for tid, s in m.touchpoints.items():
        c = s.cost
        if c is None:
            continue
        if c.value is None:
            parts.append(f"{tid} {MISSING} ({c.reason_in(t)})")
        else:
            parts.append(
                t.ngettext(
                    "{tid} {price} x {n} visit", "{tid} {price} x {n} visits", round(c.visits)
                ).format(
                    tid=tid, price=price(c.per_visit, cur, lang=lang), n=count(c.visits, lang=lang)
                )
            )
    if not parts:
        return None
    total = whole_money(m.service_cost, cur, lang=lang)
    return t.gettext("Service cost {total} (cost per visit x visits): {parts}.").format(
        total=total, parts="; ".join(parts)
    )


def survey_text(sv: SurveyFigures, *, lang: Language = ENGLISH) -> str:
    """The headline survey figures of a touchpoint or stage, in one line."""
    parts = []
    for kind, m in sv.headlines():
        text = f"{kind.upper()} {score(kind, m.headline, lang=lang)}"
        if isinstance(m, Ces):
            scale = f"{m.scale[0]}-{m.scale[1]}"
            text += " " + translator(lang).gettext("on {scale}").format(scale=scale)
        parts.append(f"{text} (n={integer(m.responses, lang=lang)})")
    return ", ".join(parts)


def stage_survey_lines(a: Analysis, *, lang: Language = ENGLISH) -> list[tuple[str, str]]:
    """``(stage, text)`` of every stage with survey figures (answers pooled, never averaged)."""
    out = []
    for st in a.stages:
        text = survey_text(st.surveys, lang=lang)
        if text:
            out.append((st.id, text))
    return out


def cx_sentences(a: Analysis, *, lang: Language = ENGLISH) -> list[str]:
    """The map-level figures of the period in plain words (:func:`figure_sentence`), then the
    service cost."""
    out = [figure_sentence(a, f, lang=lang) for f in a.metrics.figures.values()]
    cost = cost_sentence(a, a.metrics, lang=lang)
    return out + ([cost] if cost else [])
