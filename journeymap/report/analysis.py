"""Analysis documents (``Analysis.to_dict()``, ``compare(...)``) to text: pure functions picked by
:class:`AnalysisFormat`.

The terminal table is what a CX lead reads first: the ranked leaks in plain words. Markdown is
ready to paste into an issue or a pull request. CSV is the leak table. JSON is the contract.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from enum import StrEnum
from typing import Any


class AnalysisFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"


# ------------------------------------------------------------------------------ numbers


def about(x: float) -> str:
    """A money or count figure rounded to two significant digits, with thousands separators.

    >>> about(6137.4), about(128.2), about(0.4), about(0)
    ('6,100', '130', '0.4', '0')
    """
    if x == 0:
        return "0"
    digits = 2 - math.floor(math.log10(abs(x))) - 1
    r = round(x, digits)
    if digits <= 0:
        return f"{int(r):,}"
    return f"{r:,.{digits}f}".rstrip("0").rstrip(".")


def count(x: float | None) -> str:
    """A count: whole numbers with separators, otherwise one decimal.

    >>> count(1234), count(12.34), count(None)
    ('1,234', '12.3', '–')
    """
    if x is None:
        return "–"
    if float(x).is_integer():
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def pct(x: float | None, digits: int = 1) -> str:
    """A fraction as a percentage.

    >>> pct(0.25), pct(None)
    ('25.0%', '–')
    """
    return "–" if x is None else f"{100 * x:.{digits}f}%"


def pct_interval(iv: list[float] | None) -> str:
    return "–" if iv is None else f"{100 * iv[0]:.1f}–{100 * iv[1]:.1f}%"


def money(x: float | None, currency: str | None) -> str:
    if x is None:
        return "–"
    return f"{about(x)} {currency}" if currency else about(x)


def _in_period(doc: dict[str, Any]) -> str:
    period = doc["settings"].get("period")
    return f" in {period}" if period else ""


# ------------------------------------------------------------------------------ sentences


def leak_sentence(doc: dict[str, Any], leak: dict[str, Any]) -> str:
    """One leak in plain words.

    With one goal the sentence names it; with several it says "converted".

    >>> doc = {"settings": {"period": "2026-Q3", "currency": "EUR", "unit": "transitions",
    ...                     "goals": ["paid"]}, "touchpoints": [{"id": "paid", "name": "Order"}]}
    >>> leak = {"name": "Checkout", "lost_conversions": 128.2, "lost_value": 6137.0,
    ...         "lost_conversions_interval": None, "lost_value_interval": None}
    >>> leak_sentence(doc, leak)
    'Checkout lost 128 customers in 2026-Q3 who would otherwise have reached Order: about 6,100 EUR.'
    """
    currency = doc["settings"].get("currency")
    lost = leak.get("lost_conversions")
    if lost is None:
        return f"{leak['name']} lost {count(leak.get('exits'))} visits{_in_period(doc)} " \
               "(conversion is undefined, so their cost is unknown)."
    text = f"{leak['name']} lost {math.floor(lost + 0.5):,} customers{_in_period(doc)} who would " \
           f"otherwise have {_converted(doc)}"
    iv = leak.get("lost_conversions_interval")
    if leak.get("lost_value") is not None:
        text += f": about {money(leak['lost_value'], currency)}"
        viv = leak.get("lost_value_interval")
        if viv is not None:
            text += f" ({pct_level(doc)} interval {about(viv[0])}–{money(viv[1], currency)})"
    elif iv is not None:
        text += f" ({pct_level(doc)} interval {count(iv[0])}–{count(iv[1])})"
    return text + "."


def _converted(doc: dict[str, Any]) -> str:
    goals = doc["settings"].get("goals") or []
    if len(goals) == 1:
        names = {t["id"]: t.get("name") for t in doc.get("touchpoints", [])}
        return f"reached {names.get(goals[0]) or goals[0]}"
    return "converted"


def pct_level(doc: dict[str, Any]) -> str:
    conf = doc["settings"].get("confidence", 0.95)
    return f"{100 * conf:g}%"


def _leak_details(doc: dict[str, Any], leak: dict[str, Any]) -> list[str]:
    currency = doc["settings"].get("currency")
    out = [f"drop-off {pct(leak['drop_off'])} ({pct_interval(leak['drop_off_interval'])}) of "
           f"{count(leak['departures'])} departures: {count(leak['exits'])} exits"
           + (" (small sample)" if leak.get("small_sample") else "")]
    wi = leak.get("what_if") or {}
    if wi.get("extra_conversions") is not None:
        via = f" via {wi['target']}" if wi.get("target") else ""
        extra = f"closing {wi['percent']:g}% of its exits{via}: +{count(wi['extra_conversions'])} " \
                "conversions"
        if wi.get("extra_value") is not None:
            extra += f" (about {money(wi['extra_value'], currency)})"
        out.append(extra)
    tail = []
    if leak.get("removal_effect") is not None:
        tail.append(f"removal effect {pct(leak['removal_effect'], 0)}")
    if leak.get("probability_top") is not None:
        tail.append(f"P(top leak) {pct(leak['probability_top'], 0)}")
    if leak.get("best_next"):
        bn = leak["best_next"]
        tail.append(f"best next: {bn['name']} (converts {pct(bn['conversion_probability'])})")
    if tail:
        out.append("; ".join(tail))
    survey = _survey_text(leak.get("survey") or {})
    if survey:
        out.append(survey)
    return out


def _survey_text(sv: dict[str, Any]) -> str:
    parts = []
    if "nps" in sv and sv["nps"]["value"] is not None:
        parts.append(f"NPS {sv['nps']['value']:+.0f} (n={sv['nps']['responses']})")
    if "csat" in sv and sv["csat"]["percent"] is not None:
        parts.append(f"CSAT {sv['csat']['percent']:.0f}% (n={sv['csat']['responses']})")
    if "ces" in sv and sv["ces"]["mean"] is not None:
        parts.append(f"CES {sv['ces']['mean']:.1f} on {sv['ces']['scale'][0]}-"
                     f"{sv['ces']['scale'][1]} (n={sv['ces']['responses']})")
    return ", ".join(parts)


def summary_lines(doc: dict[str, Any]) -> list[str]:
    s = doc["summary"]
    st = doc["settings"]
    lines = []
    entries = s["entries"]
    goals = st.get("goals") or []
    head = f"{count(entries)} journeys started{_in_period(doc)}"
    if goals and s["conversion_probability"] is not None:
        iv = s.get("conversion_probability_interval")
        conv = f"{count(s['conversions'])} converted (conversion {pct(s['conversion_probability'])}"
        conv += f", {pct_level(doc)} interval {pct_interval(iv)})" if iv else ")"
        head += f"; {conv}"
    elif not goals:
        head += "; the map has no goal, so conversion is undefined"
    lines.append(head + ".")
    if goals and s.get("total_lost_conversions") is not None:
        t = f"Leaks cost about {count(s['total_lost_conversions'])} conversions"
        if s.get("total_lost_value") is not None:
            t += f" ({money(s['total_lost_value'], st.get('currency'))})"
        lines.append(t + " in total (first-order sum).")
    if s.get("unknown_probability"):
        lines.append(f"{pct(s['unknown_probability'])} of journeys end with an unknown outcome.")
    lines.append(f"Counted in {st.get('unit', 'transitions')} (visits), not unique customers.")
    return lines


# ------------------------------------------------------------------------------ table


def _table(rows: list[list[str]], align: str) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for k, r in enumerate(rows):
        cells = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(r, widths, align, strict=True)]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def to_table(doc: dict[str, Any]) -> str:
    """The terminal report: summary, ranked leaks in plain words, touchpoints, stages, warnings."""
    if "journeymap-comparison" in doc:
        return comparison_table(doc)
    title = doc["map"].get("title") or doc["map"].get("id")
    st = doc["settings"]
    scope = [f"period {st['period']}" if st.get("period") else None,
             f"scenario {st['scenario']}" if st.get("scenario") else None,
             f"persona {st['persona']}" if st.get("persona") else None,
             f"goal {st['goal']}" if st.get("goal") else None]
    out = [f"{title}" + (f" ({', '.join(x for x in scope if x)})" if any(scope) else ""), ""]
    out += summary_lines(doc)
    out.append("")
    leaks = doc["leaks"]
    if leaks:
        key = "value lost" if doc["summary"].get("total_lost_value") is not None else \
            "conversions lost" if st.get("goals") else "exits"
        out.append(f"Where customers leave, ranked by {key}:")
        for leak in leaks[:10]:
            out.append(f"{leak['rank']:>3}. {leak_sentence(doc, leak)}")
            out += [f"     {line}" for line in _leak_details(doc, leak)]
        if len(leaks) > 10:
            out.append(f"     ... and {len(leaks) - 10} more (see --format json or csv)")
        out.append("")
    rows = [["touchpoint", "stage", "visits", "exits", "drop-off", "interval", "converts",
             "reach", "removal"]]
    for t in doc["touchpoints"]:
        mark = " (goal)" if t["goal"] else " (after goal)" if t["after_goal"] else ""
        rows.append([t["id"] + mark, t["stage"], count(t["visits"]), count(t["exits"]),
                     pct(t["drop_off"]), pct_interval(t["drop_off_interval"]),
                     pct(t["conversion_probability"]), pct(t["reach_probability"]),
                     pct(t["removal_effect"], 0)])
    out += _table(rows, "llrrrrrrr")
    out.append("")
    srows = [["stage", "reach from entry", "converts after reaching", "from previous stage"]]
    for s in doc["stages"]:
        srows.append([s["id"] + (" (after goal)" if s["after_goal"] else ""),
                      pct(s["reach_probability"]), pct(s["conversion_given_reach"]),
                      pct(s["conversion_from_previous"]) if s["classic_funnel"] else "–"])
    out += _table(srows, "lrrr")
    if doc["after_goal"]:
        out += ["", "After the goal (exits are churn after conversion):"]
        arows = [["touchpoint", "visits", "exits", "drop-off"]]
        for a in doc["after_goal"]:
            arows.append([a["id"], count(a["visits"]), count(a["exits"]), pct(a["drop_off"])])
        out += _table(arows, "lrrr")
    if doc["warnings"]:
        out += ["", "Warnings:"]
        out += [f"  {w['code']} {w['message']}" for w in doc["warnings"]]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ markdown


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def to_markdown(doc: dict[str, Any]) -> str:
    """Markdown ready to paste into an issue or a pull request."""
    if "journeymap-comparison" in doc:
        return comparison_markdown(doc)
    title = doc["map"].get("title") or doc["map"].get("id")
    st = doc["settings"]
    out = [f"## Leak analysis: {title}", ""]
    meta = [f"period **{st['period']}**" if st.get("period") else None,
            f"scenario **{st['scenario']}**" if st.get("scenario") else None,
            f"persona **{st['persona']}**" if st.get("persona") else None,
            f"goal **{', '.join(st.get('goals') or []) or 'none'}**",
            f"unit: {st.get('unit')}", f"{pct_level(doc)} intervals",
            f"{st.get('samples')} bootstrap samples (seed {st.get('seed')})"]
    out += [", ".join(m for m in meta if m), ""]
    out += summary_lines(doc)
    out.append("")
    currency = st.get("currency")
    if doc["leaks"]:
        out += ["### Leaks, ranked", ""]
        out.append(_md_row(["#", "touchpoint", "exits", "drop-off (interval)",
                            "lost conversions (interval)", f"lost value{f' ({currency})' if currency else ''}",
                            f"what-if {st['what_if']['percent']:g}%", "removal effect",
                            "P(top)", "best next"]))
        out.append("|" + "---|" * 10)
        for lk in doc["leaks"]:
            iv = lk["lost_conversions_interval"]
            wi = lk["what_if"]
            out.append(_md_row([
                str(lk["rank"]), f"{lk['name']} (`{lk['touchpoint']}`)", count(lk["exits"]),
                f"{pct(lk['drop_off'])} ({pct_interval(lk['drop_off_interval'])})",
                f"{count(lk['lost_conversions'])}" + (f" ({count(iv[0])}–{count(iv[1])})" if iv else ""),
                f"{lk['lost_value']:,.0f}" if lk["lost_value"] is not None else "–",
                f"+{count(wi['extra_conversions'])}" if wi["extra_conversions"] is not None else "–",
                pct(lk["removal_effect"], 0), pct(lk["probability_top"], 0),
                lk["best_next"]["name"] if lk["best_next"] else "–"]))
        out.append("")
        out += [f"{lk['rank']}. {leak_sentence(doc, lk)}" for lk in doc["leaks"][:3]]
        out.append("")
    out += ["### Touchpoints", ""]
    out.append(_md_row(["touchpoint", "stage", "visits", "exits", "drop-off", "converts",
                        "reach", "removal effect"]))
    out.append("|" + "---|" * 8)
    for t in doc["touchpoints"]:
        mark = " (goal)" if t["goal"] else " (after goal)" if t["after_goal"] else ""
        out.append(_md_row([f"`{t['id']}`{mark}", t["stage"], count(t["visits"]),
                            count(t["exits"]), pct(t["drop_off"]),
                            pct(t["conversion_probability"]), pct(t["reach_probability"]),
                            pct(t["removal_effect"], 0)]))
    out += ["", "### Stages", ""]
    out.append(_md_row(["stage", "reach from entry", "converts after reaching",
                        "from previous stage"]))
    out.append("|---|---|---|---|")
    for s in doc["stages"]:
        out.append(_md_row([s["name"], pct(s["reach_probability"]),
                            pct(s["conversion_given_reach"]),
                            pct(s["conversion_from_previous"]) if s["classic_funnel"] else "–"]))
    if doc["surveys"]:
        out += ["", "### Surveys", ""]
        for tid, sv in doc["surveys"].items():
            text = _survey_text(sv)
            if text:
                out.append(f"- `{tid}`: {text}")
    if doc["warnings"]:
        out += ["", "### Warnings", ""]
        out += [f"- **{w['code']}** {w['message']}" for w in doc["warnings"]]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ csv

CSV_COLUMNS = ("rank", "touchpoint", "name", "stage", "exits", "departures", "drop_off",
               "drop_off_low", "drop_off_high", "lost_conversions", "lost_conversions_low",
               "lost_conversions_high", "lost_value", "currency", "what_if_percent",
               "what_if_extra_conversions", "what_if_extra_value", "removal_effect",
               "probability_top", "best_next")


def to_csv(doc: dict[str, Any]) -> str:
    """The leak table as CSV (empty cells for null)."""
    if "journeymap-comparison" in doc:
        return comparison_csv(doc)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    cur = doc["settings"].get("currency")
    for lk in doc["leaks"]:
        di = lk["drop_off_interval"] or [None, None]
        li = lk["lost_conversions_interval"] or [None, None]
        wi = lk["what_if"]
        w.writerow(["" if v is None else v for v in (
            lk["rank"], lk["touchpoint"], lk["name"], lk["stage"], lk["exits"], lk["departures"],
            lk["drop_off"], di[0], di[1], lk["lost_conversions"], li[0], li[1], lk["lost_value"],
            cur, wi["percent"], wi["extra_conversions"], wi["extra_value"], lk["removal_effect"],
            lk["probability_top"], lk["best_next"]["touchpoint"] if lk["best_next"] else None)])
    return buf.getvalue()


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------ comparison


def _side_label(side: dict[str, Any]) -> str:
    if side.get("label"):
        return str(side["label"])
    parts = [side.get("period"), side.get("scenario"), side.get("persona")]
    return " / ".join(str(p) for p in parts if p) or str(side.get("map"))


def _fmt(key: str, v: Any) -> str:
    if v is None:
        return "–"
    if key in ("drop_off", "conversion_probability", "reach_probability", "removal_effect",
               "observed_conversion_rate", "unknown_probability"):
        return pct(v)
    if isinstance(v, float) and key in ("nps", "csat", "ces", "expected_touchpoints"):
        return f"{v:.1f}"
    return count(v)


def _fmt_change(key: str, v: Any) -> str:
    if v is None:
        return "–"
    if key in ("drop_off", "conversion_probability", "reach_probability", "removal_effect",
               "observed_conversion_rate", "unknown_probability"):
        return f"{100 * v:+.1f} pp"
    return f"{v:+,.1f}" if isinstance(v, float) and not v.is_integer() else f"{int(v):+,}"


def _comparison_rows(doc: dict[str, Any]) -> tuple[list[list[str]], list[list[str]]]:
    a, b = _side_label(doc["a"]), _side_label(doc["b"])
    summary = [["figure", a, b, "change"]]
    for k, v in doc["summary"].items():
        summary.append([k.replace("_", " "), _fmt(k, v["a"]), _fmt(k, v["b"]),
                        _fmt_change(k, v["change"])])
    tps = [["touchpoint", "status", f"drop-off {a}", f"drop-off {b}", "change",
            f"lost {a}", f"lost {b}"]]
    for t in doc["touchpoints"]:
        fa, fb, ch = t["a"] or {}, t["b"] or {}, t["change"] or {}
        tps.append([t["id"], t["status"], _fmt("drop_off", fa.get("drop_off")),
                    _fmt("drop_off", fb.get("drop_off")), _fmt_change("drop_off", ch.get("drop_off")),
                    _fmt("lost", fa.get("lost_conversions")), _fmt("lost", fb.get("lost_conversions"))])
    return summary, tps


def comparison_table(doc: dict[str, Any]) -> str:
    summary, tps = _comparison_rows(doc)
    out = [f"Comparison: {_side_label(doc['a'])} (a) vs {_side_label(doc['b'])} (b), "
           f"counted in {doc.get('unit')}", ""]
    out += [*_table(summary, "lrrr"), "", *_table(tps, "llrrrrr")]
    out += ["", doc["note"]]
    return "\n".join(out) + "\n"


def comparison_markdown(doc: dict[str, Any]) -> str:
    summary, tps = _comparison_rows(doc)
    out = [f"## Comparison: {_side_label(doc['a'])} vs {_side_label(doc['b'])}", ""]
    for rows in (summary, tps):
        out.append(_md_row(rows[0]))
        out.append("|" + "---|" * len(rows[0]))
        out += [_md_row(r) for r in rows[1:]]
        out.append("")
    out.append(f"_{doc['note']}_")
    return "\n".join(out) + "\n"


def comparison_csv(doc: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    keys = ["visits", "exits", "drop_off", "conversion_probability", "lost_conversions",
            "lost_value", "nps", "csat", "ces"]
    w.writerow(["touchpoint", "status", *[f"{k}_a" for k in keys], *[f"{k}_b" for k in keys]])
    for t in doc["touchpoints"]:
        fa, fb = t["a"] or {}, t["b"] or {}
        w.writerow([t["id"], t["status"],
                    *["" if fa.get(k) is None else fa.get(k) for k in keys],
                    *["" if fb.get(k) is None else fb.get(k) for k in keys]])
    return buf.getvalue()


FORMATTERS: dict[AnalysisFormat, Callable[[dict[str, Any]], str]] = {
    AnalysisFormat.TABLE: to_table,
    AnalysisFormat.JSON: to_json,
    AnalysisFormat.MARKDOWN: to_markdown,
    AnalysisFormat.CSV: to_csv,
}


def render_analysis(doc: dict[str, Any], fmt: AnalysisFormat | str) -> str:
    """Render an analysis (or comparison) document in one of the :class:`AnalysisFormat` s."""
    return FORMATTERS[AnalysisFormat(fmt)](doc)
