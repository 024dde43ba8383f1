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
from typing import Any

from journeymap import graph as g
from journeymap.render.scene import Scene, map_text
from journeymap.render.text import fmt_int, fmt_money, fmt_num, fmt_pct


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


def _interval(pair: Any, fmt: Any) -> str:
    if not pair or len(pair) != 2 or pair[0] is None or pair[1] is None:
        return ""
    return f" ({fmt(pair[0])}–{fmt(pair[1])})"


def _leak_rows(scene: Scene) -> list[dict[str, Any]]:
    names = {tp.id: tp.name for _, tp in scene.map.iter_touchpoints()}
    stage_names = dict(scene.graph.graph[g.STAGES])
    rows = []
    for i, x in enumerate(scene.leaks()):
        tid = str(x.get("touchpoint"))
        fig = scene.touchpoint_figures(tid)
        what_if = x.get("what_if") or {}
        extra = what_if.get("extra_conversions")
        extra_value = what_if.get("extra_value")
        best = x.get("best_next")
        best_id = best.get("touchpoint") if isinstance(best, dict) else best
        stage = scene.graph.nodes[tid][g.STAGE] if tid in scene.graph else ""
        rows.append({
            "rank": x.get("rank"),
            "name": names.get(tid, tid),
            "stage": stage_names.get(stage, stage),
            "exits": fmt_int(x.get("exits")),
            "drop_off": fmt_pct(fig.get("drop_off"), 1)
            + _interval(fig.get("drop_off_interval"), lambda v: fmt_pct(v, 1)),
            "lost": fmt_num(x.get("lost_conversions"), 1)
            + _interval(x.get("lost_conversions_interval"), lambda v: fmt_num(v, 1)),
            "value": fmt_money(x.get("lost_value"), scene.currency),
            "what_if": "–" if extra is None else (
                f"+{fmt_num(extra, 1)} conv." + (f", {fmt_money(extra_value, scene.currency)}"
                                                 if extra_value is not None else "")),
            "removal": fmt_pct(x.get("removal_effect"), 1),
            "p_top": fmt_pct(x.get("probability_top"), 0),
            "best_next": names.get(str(best_id), str(best_id)) if best_id else "–",
            "top": i < 3 and (x.get("lost_conversions") or 0) > 0,
        })
    return rows


def _survey_rows(scene: Scene) -> list[dict[str, Any]]:
    rows = []
    for _, tp in scene.map.iter_touchpoints():
        s = scene.survey(tp.id)
        if not s:
            continue
        nps: dict[str, Any] = s["nps"] if isinstance(s.get("nps"), dict) else {}
        csat: dict[str, Any] = s["csat"] if isinstance(s.get("csat"), dict) else {}
        ces: dict[str, Any] = s["ces"] if isinstance(s.get("ces"), dict) else {}
        responses = s.get("responses")

        def n_of(metric: str, part: dict[str, Any], responses: Any = responses) -> str:
            if isinstance(responses, dict):
                return fmt_int(responses.get(metric))
            value = part.get("responses")
            return fmt_int(value) if value is not None else "–"

        nps_value = nps.get("value") if nps else None
        rows.append({
            "name": tp.name,
            "nps": ("–" if nps_value is None else f"{nps_value:+.1f}".replace("-", "−")
                    + _interval(nps.get("interval"), lambda v: f"{v:+.1f}".replace("-", "−"))),
            "nps_n": n_of("nps", nps or {}) if nps else "–",
            "csat": "–" if not csat or csat.get("percent") is None else f"{csat['percent']:.1f}%",
            "csat_mean": fmt_num(csat.get("mean"), 2) if csat else "–",
            "csat_n": n_of("csat", csat or {}) if csat else "–",
            "ces": fmt_num(ces.get("mean"), 2) if ces else "–",
            "ces_easy": "–" if not ces or ces.get("percent_easy") is None
            else f"{ces['percent_easy']:.1f}%",
            "ces_n": n_of("ces", ces or {}) if ces else "–",
        })
    return rows


def report(scene: Scene) -> str:
    """The HTML report of the scene (a string; the same scene gives the same text)."""
    import jinja2

    from journeymap.render.canvas import canvas
    from journeymap.render.charts import emotions_chart, funnel_chart, leaks_chart, scores_chart
    from journeymap.render.dot import render_graph

    a = scene.analysis
    svg = "image/svg+xml"
    has_goal = bool(scene.graph.graph[g.GOALS])
    leaks = _leak_rows(scene) if a is not None else None
    surveys = _survey_rows(scene) if a is not None else None
    summary: list[tuple[str, str]] = []
    if a is not None:
        s = a.get("summary") or {}
        summary = [("entries", fmt_int(s.get("entries"))),
                   ("conversions", fmt_int(s.get("conversions"))),
                   ("conversion probability", fmt_pct(s.get("conversion_probability"), 1))]
        if s.get("total_lost_value") is not None:
            summary.append(("value lost at leaks (first order)",
                            fmt_money(s["total_lost_value"], scene.currency)))
        elif s.get("total_lost_conversions") is not None:
            summary.append(("conversions lost at leaks (first order)",
                            fmt_num(s["total_lost_conversions"], 0)))
    sections = [("graph", "Journey graph")]
    if leaks is not None:
        sections.append(("leaks", "Leaks"))
    sections.append(("canvas", "Journey map"))
    if a is not None:
        sections.append(("funnel", "Funnel"))
        sections.append(("surveys", "Survey scores"))
    sections.append(("emotions", "Emotions"))
    bits = [x for x in (scene.period, scene.scenario and f"scenario {scene.scenario}",
                        scene.persona and f"persona {scene.map.persona(scene.persona).name}") if x]
    if scene.graph.graph[g.HAS_COUNTS]:
        bits.append("counts are transitions (visits)")
    css = _css(scene)
    style_hash = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; img-src data:; style-src 'sha256-{style_hash}'; "
           "base-uri 'none'; form-action 'none'")
    settings = (a or {}).get("settings") or {}
    footnote = "Intervals are 95%."
    if settings.get("samples"):
        footnote += (f" Bootstrap: {settings.get('samples')} samples, seed "
                     f"{settings.get('seed')}.")
    what_if_percent = "10%"
    first = scene.leaks()[0] if scene.leaks() else {}
    if isinstance(first.get("what_if"), dict) and first["what_if"].get("percent") is not None:
        what_if_percent = f"{float(first['what_if']['percent']):g}%"
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    template = env.from_string(
        resources.files("journeymap.render").joinpath("templates/report.html.j2")
        .read_text(encoding="utf-8"))
    has_surveys = bool(surveys)
    return template.render(
        lang=guess_lang(map_text(scene.map)),
        csp=csp, css=css, title=scene.map.title, subtitle=" · ".join(bits), summary=summary,
        sections=sections, map_id=scene.map.id, footnote=footnote,
        graph_uri=data_uri(render_graph(scene, "svg"), svg),
        canvas_uri=data_uri(canvas(scene, "svg"), svg),
        emotions_uri=data_uri(emotions_chart(scene, "svg"), svg),
        funnel_uri=data_uri(funnel_chart(scene, "svg"), svg) if a is not None else None,
        leaks_uri=data_uri(leaks_chart(scene, "svg"), svg) if leaks else None,
        scores_uri=data_uri(scores_chart(scene, "svg"), svg) if has_surveys else None,
        leaks=leaks, surveys=surveys, has_goal=has_goal, what_if_percent=what_if_percent,
        warnings=[w for w in (a or {}).get("warnings") or [] if isinstance(w, dict)],
    )
