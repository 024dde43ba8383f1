"""The HTML report: one self-contained file (no network) with every picture and the tables.

Safety: the page is built by a jinja2 environment with autoescape on, so every piece of user
text is escaped; pictures are ``data:`` URIs inside ``<img>`` (an image cannot run script);
no user text becomes a link, an id or a script; a Content-Security-Policy meta tag forbids
everything external (``default-src 'none'``), allowing only ``data:`` images and the one inline
style sheet by its hash. The file has no timestamp, so the same map gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import resources
from typing import TYPE_CHECKING, Any

from journeymap import graph as g
from journeymap.analysis.business import SERVICE_TIMES
from journeymap.analysis.results import Analysis
from journeymap.analysis.survey_figures import Ces, Csat, Nps, SurveyFigures
from journeymap.figures import (
    CX_LABELS,
    MISSING,
    count,
    cx_interval,
    cx_of,
    cx_value,
    formula_inputs,
    in_brackets,
    integer,
    number,
    percent,
    share,
    signed,
    whole_money,
)
from journeymap.render.report_experiment import experiment_css, experiment_section
from journeymap.render.report_opportunities import OpportunitySection, opportunity_section
from journeymap.render.scene import Scene, map_text

if TYPE_CHECKING:
    from journeymap.render.report_trend import TrendSection


def data_uri(data: bytes, mime: str) -> str:
    """``data:`` URI of a picture.

    >>> data_uri(b"<svg/>", "image/svg+xml")
    'data:image/svg+xml;base64,PHN2Zy8+'
    """
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def guess_lang(text: str) -> str:
    """A BCP 47 language for the page from the map's script (helps the browser pick CJK fonts).

    >>> guess_lang("Оплата"), guess_lang("支付"), guess_lang("Apmaksa ar karti ķēde"), guess_lang("Pay")
    ('ru', 'zh', 'lv', 'en')
    """
    from journeymap.render.fonts import is_cjk

    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    if sum(is_cjk(c) for c in letters) > len(letters) * 0.2:
        return "zh"
    if sum("\u0400" <= c <= "\u04ff" for c in letters) > len(letters) * 0.3:
        return "ru"
    if any(c in "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ" for c in letters):
        return "lv"
    return "en"


def _css(scene: Scene) -> str:
    t = scene.theme
    fonts = scene.fonts.css
    return (
        f":root{{color-scheme:{'dark' if t.name == 'dark' else 'light'}}}"
        f"body{{margin:0;padding:0 2rem 2rem;background:{t.background};color:{t.foreground};"
        f"font-family:{fonts};line-height:1.4}}"
        "header{padding-top:1.2rem}"
        "h1{margin:.2rem 0;font-size:1.8rem}"
        f"h2{{margin-top:2.2rem;border-bottom:2px solid {t.accent};padding-bottom:.2rem}}"
        f".sub,.note,figcaption,footer{{color:{t.muted}}}"
        ".summary{display:flex;flex-wrap:wrap;gap:1.2rem;margin:1rem 0}"
        f".summary div{{background:{t.panel};padding:.5rem .9rem;border-radius:6px}}"
        f".summary dt{{font-size:.8rem;color:{t.muted}}}"
        ".summary dd{margin:0;font-size:1.3rem;font-weight:bold}"
        "nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}"
        f"nav a{{color:{t.accent}}}"
        "figure{margin:1rem 0}"
        ".wide{overflow-x:auto}.wide img{max-width:none;max-height:85vh;width:auto}"
        f"img{{max-width:100%;height:auto;background:{t.background};display:block}}"
        "table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}"
        f"th,td{{border-bottom:1px solid {t.grid};padding:.35rem .6rem;text-align:left;"
        "vertical-align:top}"
        f"th{{background:{t.panel}}}"
        "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
        f"tr.top td{{font-weight:bold}}tr.top td:first-child{{border-left:4px solid {t.top_leak}}}"
        "footer{margin-top:3rem;font-size:.85rem}"
        "@media print{nav{display:none}section{break-inside:avoid-page}}"
    )


def _leak_rows(scene: Scene) -> list[dict[str, Any]]:
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    stage_names = dict(scene.graph.graph[g.STAGES])
    rows = []
    for i, x in enumerate(scene.leaks()):
        tid = x.touchpoint
        fig = scene.touchpoint_figures(tid)
        extra, extra_value = x.what_if.extra_conversions, x.what_if.extra_value
        stage = scene.graph.nodes[tid][g.STAGE] if tid in scene.graph else ""
        rows.append(
            {
                "rank": x.rank,
                "name": names.get(tid, tid),
                "stage": stage_names.get(stage, stage),
                "exits": integer(x.exits),
                "drop_off": (
                    MISSING
                    if fig is None
                    else percent(fig.drop_off, 1)
                    + in_brackets(fig.drop_off_interval, lambda v: percent(v, 1))
                ),
                "lost": number(x.lost_conversions, 1)
                + in_brackets(x.lost_conversions_interval, lambda v: number(v, 1)),
                "value": whole_money(x.lost_value, scene.currency),
                "what_if": MISSING
                if extra is None
                else (
                    f"+{number(extra, 1)} conv."
                    + (
                        f", {whole_money(extra_value, scene.currency)}"
                        if extra_value is not None
                        else ""
                    )
                ),
                "removal": percent(x.removal_effect, 1),
                "p_top": percent(x.probability_top, 0),
                "best_next": (
                    names.get(x.best_next.touchpoint, x.best_next.touchpoint)
                    if x.best_next
                    else MISSING
                ),
                "top": i < 3 and (x.lost_conversions or 0) > 0,
            }
        )
    return rows


def _responses(metric: Nps | Csat | Ces | None) -> str:
    return MISSING if metric is None else integer(metric.responses)


def _survey_rows(scene: Scene) -> list[dict[str, Any]]:
    rows = []
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
                    else signed(nps_value, 1) + in_brackets(nps.interval, lambda v: signed(v, 1))
                ),
                "nps_n": _responses(nps),
                "csat": share(None if csat is None else csat.percent, 1),
                "csat_mean": number(None if csat is None else csat.mean, 2),
                "csat_n": _responses(csat),
                "ces": number(None if ces is None else ces.mean, 2),
                "ces_easy": share(None if ces is None else ces.percent_easy, 1),
                "ces_n": _responses(ces),
            }
        )
    return rows


def _business_rows(a: Analysis) -> list[dict[str, str]]:
    """The map-level business figures of the period (formula and inputs beside each value;
    a figure not measured or undefined shows its reason)."""
    cur = a.settings.currency
    rows = []
    for f in a.metrics.figures.values():
        defined = f.value is not None
        rows.append(
            {
                "name": CX_LABELS.get(f.name, f.name),
                "value": cx_value(f.name, f.value, cur, f.margin_adjusted),
                "interval": cx_interval(f.name, f.interval),
                "of": cx_of(f.name, f.n) if defined else MISSING,
                "basis": f"{f.formula}: {formula_inputs(f.inputs, cur)}"
                if defined
                else str(f.reason),
            }
        )
    return rows


def _service_rows(a: Analysis) -> list[dict[str, str]]:
    """Service times per touchpoint: mean, median and p90 with their unit, or the reason."""
    rows = []
    for tid, s in a.metrics.touchpoints.items():
        for name in SERVICE_TIMES:
            t = s.time(name)
            if t is None:
                continue
            unit = t.unit or MISSING
            rows.append(
                {
                    "name": a.touchpoint(tid).name or tid,
                    "time": name.replace("_time", "").replace("_", " "),
                    "mean": number(t.mean, 1),
                    "median": number(t.median, 1),
                    "p90": number(t.p90, 1),
                    "n": count(t.count),
                    "unit": f"{unit}, business hours" if t.hours == "business" else unit,
                    "note": t.reason or ("" if t.p90 is not None else "no samples: p90 unknown"),
                }
            )
    return rows


def _headline(sv: SurveyFigures, kind: str) -> str:
    m = getattr(sv, kind)
    if m is None or m.headline is None:
        return MISSING
    v = m.headline
    text = (
        signed(v, 0) if isinstance(m, Nps) else share(v, 0) if isinstance(m, Csat) else number(v, 1)
    )
    return f"{text} (n={integer(m.responses)})"


def _stage_survey_rows(a: Analysis) -> list[dict[str, str]]:
    """Survey figures per stage: the answers of its touchpoints pooled, never averaged."""
    return [
        {"name": st.name, **{k: _headline(st.surveys, k) for k in ("nps", "csat", "ces")}}
        for st in a.stages
        if st.surveys
    ]


def _summary_cells(scene: Scene) -> list[tuple[str, str]]:
    """The key figures at the top of the report (none without analysis)."""
    if scene.analysis is None:
        return []
    s = scene.analysis.summary
    cells = [
        ("entries", integer(s.entries)),
        ("conversions", integer(s.conversions)),
        ("conversion probability", percent(s.conversion_probability, 1)),
    ]
    if s.total_lost_value is not None:
        cells.append(
            ("value lost at leaks (first order)", whole_money(s.total_lost_value, scene.currency))
        )
    elif s.total_lost_conversions is not None:
        cells.append(
            ("conversions lost at leaks (first order)", number(s.total_lost_conversions, 0))
        )
    return cells


def report(scene: Scene, trend: TrendSection | None = None) -> str:
    """The HTML report of the scene (a string; the same scene gives the same text); with
    ``trend``, a section over several periods (:mod:`journeymap.render.report_trend`)."""
    import jinja2

    from journeymap.render.canvas import canvas
    from journeymap.render.charts import emotions_chart, funnel_chart, leaks_chart, scores_chart
    from journeymap.render.dot import render_graph

    a = scene.analysis
    svg = "image/svg+xml"
    has_goal = bool(scene.graph.graph[g.GOALS])
    leaks = _leak_rows(scene) if a is not None else None
    surveys = _survey_rows(scene) if a is not None else None
    summary = _summary_cells(scene)
    sections = [("graph", "Journey graph")]
    if leaks is not None:
        sections.append(("leaks", "Leaks"))
    opportunities = _opportunities(scene)
    if opportunities is not None:
        sections.append(("opportunities", opportunities.title))
    figures = None
    if a is not None:
        figures = {
            "business": _business_rows(a),
            "service": _service_rows(a),
            "stages": _stage_survey_rows(a),
        }
        if any(figures.values()):
            sections.append(("figures", "Key figures"))
        else:
            figures = None
    sections.append(("canvas", "Journey map"))
    if a is not None:
        sections.append(("funnel", "Funnel"))
        sections.append(("surveys", "Survey scores"))
    sections.append(("emotions", "Emotions"))
    if trend is not None:
        sections.append(("trend", "Over time"))
    experiment = experiment_section(scene)
    if experiment is not None:
        sections.append(("experiment", "Experiment"))
    bits = [
        x
        for x in (
            scene.period,
            scene.scenario and f"scenario {scene.scenario}",
            scene.persona and f"persona {scene.map.persona(scene.persona).name}",
        )
        if x
    ]
    if scene.graph.graph[g.HAS_COUNTS]:
        bits.append("counts are transitions (visits)")
    css = _css(scene) + ("" if experiment is None else experiment_css(scene))
    style_hash = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    csp = (
        f"default-src 'none'; img-src data:; style-src 'sha256-{style_hash}'; "
        "base-uri 'none'; form-action 'none'"
    )
    footnote = "Intervals are 95%."
    if a is not None and a.settings.samples:
        footnote += f" Bootstrap: {a.settings.samples} samples, seed {a.settings.seed}."
    what_if_percent = "10%" if a is None else f"{a.settings.what_if.percent:g}%"
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    template = env.from_string(
        resources.files("journeymap.render")
        .joinpath("templates/report.html.j2")
        .read_text(encoding="utf-8")
    )
    has_surveys = bool(surveys)
    return template.render(
        lang=guess_lang(map_text(scene.map)),
        csp=csp,
        css=css,
        title=scene.map.title,
        subtitle=" · ".join(bits),
        summary=summary,
        sections=sections,
        map_id=scene.map.id,
        footnote=footnote,
        graph_uri=data_uri(render_graph(scene, "svg"), svg),
        canvas_uri=data_uri(canvas(scene, "svg"), svg),
        emotions_uri=data_uri(emotions_chart(scene, "svg"), svg),
        funnel_uri=data_uri(funnel_chart(scene, "svg"), svg) if a is not None else None,
        leaks_uri=data_uri(leaks_chart(scene, "svg"), svg) if leaks else None,
        scores_uri=data_uri(scores_chart(scene, "svg"), svg) if has_surveys else None,
        leaks=leaks,
        figures=figures,
        surveys=surveys,
        has_goal=has_goal,
        what_if_percent=what_if_percent,
        warnings=[] if a is None else list(a.warnings),
        trend=trend,
        experiment=experiment,
        forest_uri=None if experiment is None else data_uri(experiment.forest_svg, svg),
        opportunities=None if opportunities is None else opportunities.html,
    )


def _opportunities(scene: Scene) -> OpportunitySection | None:
    """The portfolio's section with its matrix (None without priced opportunities)."""
    if scene.portfolio is None or not scene.portfolio.opportunities:
        return None
    from journeymap.render.opportunity_chart import opportunity_chart

    return opportunity_section(scene, data_uri(opportunity_chart(scene, "svg"), "image/svg+xml"))
