"""The HTML report: one self-contained file (no network) with every picture and the tables.

Safety: the page is built by a jinja2 environment with autoescape on, so every piece of user
text is escaped; pictures are ``data:`` URIs inside ``<img>`` (an image cannot run script),
apart from the journey graph, inline SVG from graphviz (which escapes its labels) so that the
script can hover and zoom it; no user text becomes a link, an id or a script; a
Content-Security-Policy meta tag forbids everything external (``default-src 'none'``), allowing
only ``data:`` images and the one inline style sheet and the one inline script by their hashes.
The views the script switches between are data (:mod:`journeymap.render.report_data`, a JSON
island escaped against ``</script>``); without scripting the page is the static report. The file
has no timestamp, so the same map gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import replace
from importlib import resources
from typing import TYPE_CHECKING

from journeymap import graph as g
from journeymap.figures import (
    integer,
    level,
    number,
    percent,
    period,
    whole_money,
)
from journeymap.i18n import N_
from journeymap.render.report_assumptions import assumptions_html, assumptions_section
from journeymap.render.report_data import build_island, island_json, leak_rows, td, ui_labels
from journeymap.render.report_experiment import experiment_css, experiment_section
from journeymap.render.report_opportunities import OpportunitySection, opportunity_section
from journeymap.render.report_tables import (
    business_rows,
    service_rows,
    stage_survey_rows,
    survey_rows,
)
from journeymap.render.report_views import Variant, Variants
from journeymap.render.scene import Scene, map_text

if TYPE_CHECKING:
    import jinja2

    from journeymap.render.report_assumptions import AssumptionsSection
    from journeymap.render.report_data import LeakRow
    from journeymap.render.report_experiment import ExperimentSection
    from journeymap.render.report_tables import Row
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


def _summary_cells(scene: Scene) -> list[tuple[str, str]]:
    """The key figures at the top of the report (none without analysis)."""
    if scene.analysis is None:
        return []
    s, lang = scene.analysis.summary, scene.lang
    cells = [
        (N_("entries"), integer(s.entries, lang=lang)),
        (N_("conversions"), integer(s.conversions, lang=lang)),
        (N_("conversion probability"), percent(s.conversion_probability, 1, lang=lang)),
    ]
    if s.total_lost_value is not None:
        lost = whole_money(s.total_lost_value, scene.currency, lang=lang)
        cells.append((N_("value lost at leaks (first order)"), lost))
    elif s.total_lost_conversions is not None:
        lost = number(s.total_lost_conversions, 0, lang=lang)
        cells.append((N_("conversions lost at leaks (first order)"), lost))
    return [(scene.t.gettext(label), value) for label, value in cells]


def _sha256(text: str) -> str:
    """The CSP source of an inline element's text: ``'sha256-<base64 digest>'``."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode()}'"


def _template(name: str) -> str:
    return resources.files("journeymap.render").joinpath(f"templates/{name}").read_text("utf-8")


def inline_svg(data: bytes) -> str:
    """Graphviz SVG to place inside HTML: the XML prolog, doctype and comments dropped.

    >>> inline_svg(b'<?xml version="1.0"?>\\n<!DOCTYPE svg>\\n<!-- x -->\\n<svg a="1"><g/></svg>\\n')
    '<svg a="1"><g/></svg>'
    """
    text = data.decode("utf-8")
    return text[text.index("<svg") :].strip()


def _interactive(scene: Scene, variants: Variants | None, css: str) -> dict[str, str]:
    """The pieces of the interactive layer: the inline graph, the JSON island of every view,
    the script and the Content-Security-Policy that allows exactly this style and script."""
    from journeymap.render.dot import render_graph

    if variants is None:
        name = scene.scenario  # without the map as written, the scenario's id names it
        variants = Variants((Variant(scene.scenario, name, scene.map, None, scene.analysis),))
    island = build_island(scene, variants, _summary_cells, goal=scene.goal)
    js = _template("report.js")
    csp = (
        f"default-src 'none'; img-src data:; style-src {_sha256(css)}; "
        f"script-src {_sha256(js)}; base-uri 'none'; form-action 'none'"
    )
    return {
        "graph_svg": inline_svg(render_graph(scene, "svg")),
        "island": island_json(island),
        "js": js,
        "csp": csp,
        "curve_label": ui_labels(scene.t)["curve"],
    }


def _figures(scene: Scene) -> dict[str, list[Row]] | None:
    """The key figures' tables (business, service, stages); None when all are empty."""
    a = scene.analysis
    if a is None:
        return None
    figures = {
        "business": business_rows(a, scene),
        "service": service_rows(a, scene),
        "stages": stage_survey_rows(a, scene.lang),
    }
    return figures if any(figures.values()) else None


def _sections(
    scene: Scene,
    leaks: tuple[LeakRow, ...] | None,
    opportunities: OpportunitySection | None,
    figures: dict[str, list[Row]] | None,
    assumptions: AssumptionsSection | None,
    trend: TrendSection | None,
    experiment: ExperimentSection | None,
) -> list[tuple[str, str]]:
    """The report's sections in page order, ``(key, heading)``, those with content only."""
    sections = [("graph", N_("Journey graph"))]
    if leaks is not None:
        sections.append(("leaks", N_("Leaks")))
    if opportunities is not None:
        sections.append(("opportunities", opportunities.title))
    if figures is not None:
        sections.append(("figures", N_("Key figures")))
    if assumptions is not None:
        sections.append(("assumptions", assumptions.heading))
    sections.append(("canvas", N_("Journey map")))
    if scene.analysis is not None:
        sections += [("funnel", N_("Funnel")), ("surveys", N_("Survey scores"))]
    sections.append(("emotions", N_("Emotions")))
    if trend is not None:
        sections.append(("trend", N_("Over time")))
    if experiment is not None:
        sections.append(("experiment", N_("Experiment")))
    return sections


def _subtitle(scene: Scene) -> str:
    """The line under the title: period, scenario, persona, and what the counts are."""
    tr = scene.t.gettext
    bits = [
        x
        for x in (
            scene.period and period(scene.period, lang=scene.lang),
            scene.scenario and tr("scenario {name}").format(name=scene.scenario),
            scene.persona
            and tr("persona {name}").format(name=scene.map.persona(scene.persona).name),
        )
        if x
    ]
    if scene.graph.graph[g.HAS_COUNTS]:
        bits.append(tr("counts are transitions (visits)"))
    return " · ".join(bits)


def _footnote(scene: Scene) -> str:
    """The note on the intervals: their level, and the bootstrap's samples and seed."""
    a = scene.analysis
    footnote = scene.t.gettext("Intervals are 95%.")
    if a is not None and a.settings.samples:
        n, seed = a.settings.samples, a.settings.seed
        boot = scene.t.ngettext(
            "Bootstrap: {n} sample, seed {seed}.", "Bootstrap: {n} samples, seed {seed}.", n
        )
        footnote += " " + boot.format(n=n, seed=seed)
    return footnote


def _environment(scene: Scene) -> jinja2.Environment:
    """The page's jinja2 environment: autoescape, strict, our translations as gettext."""
    import jinja2
    from markupsafe import Markup

    tr = scene.t.gettext
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )

    # our own translations: &, <, > and " escaped (an apostrophe reads as the English page did)
    def page(text: str) -> Markup:
        return Markup(html.escape(text, quote=False).replace('"', "&quot;"))

    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda m: page(tr(m)), lambda a, b, n: page(scene.t.ngettext(a, b, n)), newstyle=False
    )
    return env


def _pictures(scene: Scene, has_leaks: bool, has_surveys: bool) -> dict[str, str | None]:
    """The report's matplotlib pictures as SVG ``data:`` URIs, in drawing order (None for a
    chart without content)."""
    from journeymap.render.canvas import canvas
    from journeymap.render.charts import emotions_chart, funnel_chart, leaks_chart, scores_chart

    svg = "image/svg+xml"
    return {
        "canvas_uri": data_uri(canvas(scene, "svg"), svg),
        "emotions_uri": data_uri(emotions_chart(scene, "svg"), svg),
        "funnel_uri": data_uri(funnel_chart(scene, "svg"), svg)
        if scene.analysis is not None
        else None,
        "leaks_uri": data_uri(leaks_chart(scene, "svg"), svg) if has_leaks else None,
        "scores_uri": data_uri(scores_chart(scene, "svg"), svg) if has_surveys else None,
    }


def report(
    scene: Scene,
    trend: TrendSection | None = None,
    variants: Variants | None = None,
) -> str:
    """The HTML report of the scene (a string; the same scene gives the same text); with
    ``trend``, a section over several periods (:mod:`journeymap.render.report_trend`);
    ``variants``: the scenarios to switch between (:func:`report_data.report_variants`;
    without them, only the scene's own scenario)."""
    from markupsafe import Markup, escape

    a = scene.analysis
    svg = "image/svg+xml"
    has_goal = bool(scene.graph.graph[g.GOALS])
    leaks = leak_rows(scene) if a is not None else None
    surveys = survey_rows(scene) if a is not None else None
    summary = _summary_cells(scene)
    opportunities = _opportunities(scene)
    figures = _figures(scene)
    assumptions = assumptions_section(scene)
    experiment = experiment_section(scene)
    sections = _sections(scene, leaks, opportunities, figures, assumptions, trend, experiment)
    tr = scene.t.gettext
    subtitle = _subtitle(scene)
    css = (
        _css(scene)
        + ("" if experiment is None else experiment_css(scene))
        + _template("report.css")
    )
    footnote = _footnote(scene)
    what_if_percent = level(0.1 if a is None else a.settings.what_if.percent / 100, lang=scene.lang)
    env = _environment(scene)
    generated = escape(tr("Generated by journeymap from map {id}.")).format(
        id=Markup("<code>{}</code>").format(scene.map.id)
    )
    env.globals["td"] = td
    template = env.from_string(_template("report.html.j2"))
    has_surveys = bool(surveys)
    return template.render(
        lang=guess_lang(map_text(scene.map)) if scene.lang == "en" else scene.lang,
        css=css,
        **_interactive(scene, variants, css),
        title=scene.map.title,
        subtitle=subtitle,
        summary=summary,
        sections=[(key, tr(heading)) for key, heading in sections],
        generated=generated,
        footnote=footnote,
        **_pictures(scene, bool(leaks), has_surveys),
        leaks=leaks,
        figures=figures,
        surveys=surveys,
        has_goal=has_goal,
        what_if_percent=what_if_percent,
        warnings=[replace(w, message=w.message_in(scene.t)) for w in (a.warnings if a else ())],
        trend=trend,
        experiment=experiment,
        forest_uri=None if experiment is None else data_uri(experiment.forest_svg, svg),
        assumptions_html=assumptions_html(scene),
        opportunities=None if opportunities is None else opportunities.html,
    )


def _opportunities(scene: Scene) -> OpportunitySection | None:
    """The portfolio's section with its matrix (None without priced opportunities)."""
    if scene.portfolio is None or not scene.portfolio.opportunities:
        return None
    from journeymap.render.opportunity_chart import opportunity_chart

    return opportunity_section(scene, data_uri(opportunity_chart(scene, "svg"), "image/svg+xml"))
