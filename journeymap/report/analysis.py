"""Analysis results (:class:`~journeymap.analysis.results.Analysis`) and side-by-side
comparison documents (``compare(...)``) to text: pure functions picked by :class:`AnalysisFormat`.

The terminal table is what a CX lead reads first: the ranked leaks in plain words. Markdown is
ready to paste into an issue or a pull request. CSV is the leak table. JSON is the contract
(the analysis' one serializer, :meth:`Analysis.to_dict`). Every figure is printed through
:mod:`journeymap.figures`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from journeymap.analysis.results import Analysis, Leak
from journeymap.figures import (
    MISSING,
    about,
    change,
    count,
    level,
    money,
    percent,
    percent_interval,
    points,
    rounded_count,
)
from journeymap.report.channels import with_channels
from journeymap.report.figures_table import (
    FIGURE_HEADER,
    cost_sentence,
    cx_sentences,
    figure_cells,
    metrics_csv,
    service_rows,
    stage_survey_lines,
    survey_text,
)
from journeymap.report.formats import CsvWriter, escape_markdown
from journeymap.report.timing import markdown_timing, time_to_convert_lines

Comparison = Mapping[str, Any]
"""The side-by-side document of :func:`journeymap.analysis.compare` (JSON-ready)."""


class AnalysisFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"


class CsvTable(StrEnum):
    """Which table the CSV format writes: the ranked leaks, or the CX figures in long form."""

    LEAKS = "leaks"
    METRICS = "metrics"


# ------------------------------------------------------------------------------ sentences


def _in_period(a: Analysis) -> str:
    period = a.settings.period
    return f" in {period}" if period else ""


def leak_sentence(a: Analysis, leak: Leak) -> str:
    """One leak in plain words.

    With one goal the sentence names it; with several it says "converted".

    >>> from journeymap.model import JourneyMap
    >>> from journeymap.graph import build_graph
    >>> from journeymap.analysis import analyze
    >>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M",
    ...     "period": "2026-Q3", "currency": "EUR", "value_per_conversion": 48,
    ...     "stages": [{"id": "s", "name": "S", "touchpoints": [
    ...     {"id": "checkout", "name": "Checkout", "entries": 1000, "next": {"paid": 500}},
    ...     {"id": "paid", "name": "Order", "goal": True}]}]})
    >>> a = analyze(build_graph(m), samples=0)
    >>> leak_sentence(a, a.leaks[0])
    'Checkout lost 500 customers in 2026-Q3 who would otherwise have reached Order: about 24,000 EUR.'
    """
    currency = a.settings.currency
    lost = leak.lost_conversions
    if lost is None:
        return (
            f"{leak.name} lost {count(leak.exits)} visits{_in_period(a)} "
            "(conversion is undefined, so their cost is unknown)."
        )
    text = (
        f"{leak.name} lost {rounded_count(lost)} customers{_in_period(a)} who would "
        f"otherwise have {_converted(a)}"
    )
    iv = leak.lost_conversions_interval
    if leak.lost_value is not None:
        text += f": about {money(leak.lost_value, currency)}"
        viv = leak.lost_value_interval
        if viv is not None:
            text += f" ({pct_level(a)} interval {about(viv[0])}–{money(viv[1], currency)})"
    elif iv is not None:
        text += f" ({pct_level(a)} interval {count(iv[0])}–{count(iv[1])})"
    return text + "."


def _converted(a: Analysis) -> str:
    goals = a.settings.goals
    if len(goals) == 1:
        return f"reached {a.touchpoint(goals[0]).name or goals[0]}"
    return "converted"


def pct_level(a: Analysis) -> str:
    return level(a.settings.confidence)


def _leak_details(a: Analysis, leak: Leak) -> list[str]:
    currency = a.settings.currency
    out = [
        f"drop-off {percent(leak.drop_off)} ({percent_interval(leak.drop_off_interval)}) of "
        f"{count(leak.departures)} departures: {count(leak.exits)} exits"
        + (" (small sample)" if leak.small_sample else "")
    ]
    wi = leak.what_if
    if wi.extra_conversions is not None:
        via = f" via {wi.target}" if wi.target else ""
        extra = (
            f"closing {wi.percent:g}% of its exits{via}: +{count(wi.extra_conversions)} conversions"
        )
        if wi.extra_value is not None:
            extra += f" (about {money(wi.extra_value, currency)})"
        out.append(extra)
    tail = []
    if leak.removal_effect is not None:
        tail.append(f"removal effect {percent(leak.removal_effect, 0)}")
    if leak.probability_top is not None:
        tail.append(f"P(top leak) {percent(leak.probability_top, 0)}")
    if leak.best_next is not None:
        bn = leak.best_next
        tail.append(f"best next: {bn.name} (converts {percent(bn.conversion_probability)})")
    if tail:
        out.append("; ".join(tail))
    survey = survey_text(leak.survey)
    if survey:
        out.append(survey)
    return out


def summary_lines(a: Analysis) -> list[str]:
    s = a.summary
    st = a.settings
    lines = []
    goals = st.goals
    head = f"{count(s.entries)} journeys started{_in_period(a)}"
    if goals and s.conversion_probability is not None:
        iv = s.conversion_probability_interval
        conv = f"{count(s.conversions)} converted (conversion {percent(s.conversion_probability)}"
        conv += f", {pct_level(a)} interval {percent_interval(iv)})" if iv else ")"
        head += f"; {conv}"
    elif not goals:
        head += "; the map has no goal, so conversion is undefined"
    lines.append(head + ".")
    if _mostly_in_progress(a):
        lines.insert(0, _in_progress_headline(a))
    if goals and s.total_lost_conversions is not None:
        t = f"Leaks cost about {count(s.total_lost_conversions)} conversions"
        if s.total_lost_value is not None:
            t += f" ({money(s.total_lost_value, st.currency)})"
        lines.append(t + " in total (first-order sum).")
    if s.unknown_probability:
        lines.append(f"{percent(s.unknown_probability)} of journeys end with an unknown outcome.")
    lines += time_to_convert_lines(a)
    lines.append(f"Counted in {st.unit} (visits), not unique customers.")
    return lines


def _mostly_in_progress(a: Analysis) -> bool:
    """More than half of the journeys had not finished when the data ended (right censoring)."""
    s = a.summary
    return s.entries > 0 and 2 * s.in_progress > s.entries


def _in_progress_headline(a: Analysis) -> str:
    """Said first when most journeys are unfinished: the chain's conversion counts only the
    finished ones (in-progress journeys are censored), so it is given beside the conversion
    among all journeys started (``summary.observed_conversion_rate``), which is a lower bound.
    Journeys that converted and went on after the goal count as finished here (their outcome is
    known), although ingest's ``settings.censoring`` counts them among those still in progress."""
    s = a.summary
    text = (
        f"Most journeys have no outcome yet: {count(s.in_progress)} of {count(s.entries)} "
        f"({percent(s.in_progress / s.entries)}) were still in progress when the data ended"
    )
    if a.settings.goals and s.conversion_probability is not None:
        text += (
            f", so conversion is {percent(s.conversion_probability)} among finished journeys "
            f"but {percent(s.observed_conversion_rate or 0.0)} of all journeys started "
            f"({count(s.conversions)} of {count(s.entries)}); the outcome of the rest is unknown"
        )
    return text + " (docs/events.md, 'Short logs')."


# ------------------------------------------------------------------------------ table


def _table(rows: list[list[str]], align: str) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for k, r in enumerate(rows):
        cells = [
            c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(r, widths, align, strict=True)
        ]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _title(a: Analysis) -> str | None:
    return a.map.title or a.map.id


def to_table(a: Analysis) -> str:
    """The terminal report: summary, ranked leaks in plain words, touchpoints, stages, warnings."""
    st = a.settings
    scope = [
        f"period {st.period}" if st.period else None,
        f"scenario {st.scenario}" if st.scenario else None,
        f"persona {st.persona}" if st.persona else None,
        f"goal {st.goal}" if st.goal else None,
    ]
    out = [f"{_title(a)}" + (f" ({', '.join(x for x in scope if x)})" if any(scope) else ""), ""]
    out += summary_lines(a)
    out.append("")
    out += _cx_lines(a)
    if a.leaks:
        out += _leak_paragraphs(a)
    rows = [
        [
            "touchpoint",
            "stage",
            "visits",
            "exits",
            "drop-off",
            "interval",
            "converts",
            "reach",
            "removal",
        ]
    ]
    for t in a.touchpoints:
        mark = " (goal)" if t.goal else " (after goal)" if t.after_goal else ""
        rows.append(
            [
                t.id + mark,
                t.stage,
                count(t.visits),
                count(t.exits),
                percent(t.drop_off),
                percent_interval(t.drop_off_interval),
                percent(t.conversion_probability),
                percent(t.reach_probability),
                percent(t.removal_effect, 0),
            ]
        )
    out += _table(rows, "llrrrrrrr")
    out.append("")
    srows = [["stage", "reach from entry", "converts after reaching", "from previous stage"]]
    for s in a.stages:
        srows.append(
            [
                s.id + (" (after goal)" if s.after_goal else ""),
                percent(s.reach_probability),
                percent(s.conversion_given_reach),
                percent(s.conversion_from_previous) if s.classic_funnel else MISSING,
            ]
        )
    out += _table(srows, "lrrr")
    if a.after_goal:
        out += ["", "After the goal (exits are churn after conversion):"]
        arows = [["touchpoint", "visits", "exits", "drop-off"]]
        for r in a.after_goal:
            arows.append([r.id, count(r.visits), count(r.exits), percent(r.drop_off)])
        out += _table(arows, "lrrr")
    if a.warnings:
        out += ["", "Warnings:"]
        out += [f"  {w.code} {w.message}" for w in a.warnings]
    return "\n".join(out) + "\n"


def _cx_lines(a: Analysis) -> list[str]:
    """The CX figures of the period (:mod:`journeymap.report.figures_table`), each block
    followed by an empty line; nothing when the period has none."""
    out: list[str] = []
    sentences = cx_sentences(a)
    if sentences:
        out += [f"CX figures{_in_period(a)}:", *[f"  {s}" for s in sentences], ""]
    rows, notes = service_rows(a.metrics)
    if len(rows) > 1:
        out += [f"Service times{_in_period(a)}:", *_table(rows, "llrrrrl")]
        out += [*[f"  {n}" for n in notes], ""]
    stages = stage_survey_lines(a)
    if stages:
        out.append("Survey figures by stage (answers pooled over its touchpoints):")
        out += [*[f"  {sid}: {text}" for sid, text in stages], ""]
    return out


def _leak_paragraphs(a: Analysis) -> list[str]:
    key = (
        "value lost"
        if a.summary.total_lost_value is not None
        else "conversions lost"
        if a.settings.goals
        else "exits"
    )
    out = [f"Where customers leave, ranked by {key}:"]
    for leak in a.leaks[:10]:
        out.append(f"{leak.rank:>3}. {leak_sentence(a, leak)}")
        out += [f"     {line}" for line in _leak_details(a, leak)]
    if len(a.leaks) > 10:
        out.append(f"     ... and {len(a.leaks) - 10} more (see --format json or csv)")
    out.append("")
    return out


# ------------------------------------------------------------------------------ markdown


def _md_row(cells: list[str]) -> str:
    """A table row; a pipe that :func:`escape_markdown` has not escaped yet is escaped here."""
    return "| " + " | ".join(re.sub(r"(?<!\\)\|", r"\\|", c) for c in cells) + " |"


def to_markdown(a: Analysis) -> str:
    """Markdown ready to paste into an issue or a pull request."""
    st = a.settings
    out = [f"## Leak analysis: {escape_markdown(_title(a))}", ""]
    meta = [
        f"period **{st.period}**" if st.period else None,
        f"scenario **{st.scenario}**" if st.scenario else None,
        f"persona **{st.persona}**" if st.persona else None,
        f"goal **{', '.join(st.goals) or 'none'}**",
        f"unit: {st.unit}",
        f"{pct_level(a)} intervals",
        f"{st.samples} bootstrap samples (seed {st.seed})",
    ]
    out += [", ".join(m for m in meta if m), ""]
    out += [escape_markdown(line) for line in summary_lines(a)]
    out.append("")
    if a.leaks:
        out += _markdown_leaks(a)
    out += ["### Touchpoints", ""]
    out.append(
        _md_row(
            [
                "touchpoint",
                "stage",
                "visits",
                "exits",
                "drop-off",
                "converts",
                "reach",
                "removal effect",
            ]
        )
    )
    out.append("|" + "---|" * 8)
    for t in a.touchpoints:
        mark = " (goal)" if t.goal else " (after goal)" if t.after_goal else ""
        out.append(
            _md_row(
                [
                    f"`{t.id}`{mark}",
                    escape_markdown(t.stage),
                    count(t.visits),
                    count(t.exits),
                    percent(t.drop_off),
                    percent(t.conversion_probability),
                    percent(t.reach_probability),
                    percent(t.removal_effect, 0),
                ]
            )
        )
    out += ["", "### Stages", ""]
    out.append(
        _md_row(["stage", "reach from entry", "converts after reaching", "from previous stage"])
    )
    out.append("|---|---|---|---|")
    for s in a.stages:
        out.append(
            _md_row(
                [
                    escape_markdown(s.name),
                    percent(s.reach_probability),
                    percent(s.conversion_given_reach),
                    percent(s.conversion_from_previous) if s.classic_funnel else MISSING,
                ]
            )
        )
    out += markdown_timing(a)
    if a.surveys:
        out += ["", "### Surveys", ""]
        for tid, sv in a.surveys.items():
            text = survey_text(sv)
            if text:
                out.append(f"- `{tid}`: {text}")
    out += _cx_markdown(a)
    if a.warnings:
        out += ["", "### Warnings", ""]
        out += [f"- **{w.code}** {escape_markdown(w.message)}" for w in a.warnings]
    return "\n".join(out) + "\n"


def _cx_markdown(a: Analysis) -> list[str]:
    """The "CX figures" section: figures with formulas and inputs, service cost and times,
    survey figures by stage; nothing when the period has none."""
    blocks: list[list[str]] = []
    if a.metrics.figures:
        head = [_md_row(FIGURE_HEADER), "|" + "---|" * len(FIGURE_HEADER)]
        blocks.append(head + [_md_row(figure_cells(a, f)) for f in a.metrics.figures.values()])
    cost = cost_sentence(a, a.metrics)
    if cost:
        blocks.append([cost])
    rows, notes = service_rows(a.metrics)
    if len(rows) > 1:
        table = [_md_row(rows[0]), "|" + "---|" * len(rows[0])]
        blocks.append(table + [_md_row([f"`{r[0]}`", *r[1:]]) for r in rows[1:]])
        if notes:
            blocks.append([f"- {n}" for n in notes])
    stages = stage_survey_lines(a)
    if stages:
        blocks.append(["Survey figures by stage (answers pooled over its touchpoints):", ""])
        blocks[-1] += [f"- stage `{sid}`: {text}" for sid, text in stages]
    out = ["", "### CX figures"] if blocks else []
    for block in blocks:
        out += ["", *block]
    return out


def _markdown_leaks(a: Analysis) -> list[str]:
    currency = a.settings.currency
    out = ["### Leaks, ranked", ""]
    out.append(
        _md_row(
            [
                "#",
                "touchpoint",
                "exits",
                "drop-off (interval)",
                "lost conversions (interval)",
                f"lost value{f' ({currency})' if currency else ''}",
                f"what-if {a.settings.what_if.percent:g}%",
                "removal effect",
                "P(top)",
                "best next",
            ]
        )
    )
    out.append("|" + "---|" * 10)
    for lk in a.leaks:
        iv = lk.lost_conversions_interval
        wi = lk.what_if
        out.append(
            _md_row(
                [
                    str(lk.rank),
                    f"{escape_markdown(lk.name)} (`{lk.touchpoint}`)",
                    count(lk.exits),
                    f"{percent(lk.drop_off)} ({percent_interval(lk.drop_off_interval)})",
                    f"{count(lk.lost_conversions)}"
                    + (f" ({count(iv[0])}–{count(iv[1])})" if iv else ""),
                    f"{lk.lost_value:,.0f}" if lk.lost_value is not None else MISSING,
                    f"+{count(wi.extra_conversions)}"
                    if wi.extra_conversions is not None
                    else MISSING,
                    percent(lk.removal_effect, 0),
                    percent(lk.probability_top, 0),
                    escape_markdown(lk.best_next.name) if lk.best_next else MISSING,
                ]
            )
        )
    out.append("")
    out += [f"{lk.rank}. {escape_markdown(leak_sentence(a, lk))}" for lk in a.leaks[:3]]
    out.append("")
    return out


# ------------------------------------------------------------------------------ csv

CSV_COLUMNS = (
    "rank",
    "touchpoint",
    "name",
    "stage",
    "exits",
    "departures",
    "drop_off",
    "drop_off_low",
    "drop_off_high",
    "lost_conversions",
    "lost_conversions_low",
    "lost_conversions_high",
    "lost_value",
    "currency",
    "what_if_percent",
    "what_if_extra_conversions",
    "what_if_extra_value",
    "removal_effect",
    "probability_top",
    "best_next",
)


def to_csv(a: Analysis) -> str:
    """The leak table as CSV (empty cells for null; numbers as in the JSON document)."""
    buf = io.StringIO()
    w = CsvWriter(buf)
    w.writerow(CSV_COLUMNS)
    cur = a.settings.currency
    for lk in a.leaks:
        di = lk.drop_off_interval or (None, None)
        li = lk.lost_conversions_interval or (None, None)
        wi = lk.what_if
        w.writerow(
            [
                "" if v is None else v
                for v in (
                    lk.rank,
                    lk.touchpoint,
                    lk.name,
                    lk.stage,
                    lk.exits,
                    lk.departures,
                    lk.drop_off,
                    di[0],
                    di[1],
                    lk.lost_conversions,
                    li[0],
                    li[1],
                    lk.lost_value,
                    cur,
                    wi.percent,
                    wi.extra_conversions,
                    wi.extra_value,
                    lk.removal_effect,
                    lk.probability_top,
                    lk.best_next.touchpoint if lk.best_next else None,
                )
            ]
        )
    return buf.getvalue()


def to_json(a: Analysis) -> str:
    return json_text(a.to_dict())


def json_text(doc: Mapping[str, Any]) -> str:
    """A JSON document as ``journeymap analyze`` writes it (two-space indent, UTF-8 text)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------ comparison


_FRACTIONS = (
    "drop_off",
    "conversion_probability",
    "reach_probability",
    "removal_effect",
    "observed_conversion_rate",
    "unknown_probability",
)
"""Figures of a comparison that are fractions (printed as percentages, changes in points)."""


def _side_label(side: Mapping[str, Any]) -> str:
    if side["label"]:
        return str(side["label"])
    parts = [side["period"], side["scenario"], side["persona"]]
    return " / ".join(str(p) for p in parts if p) or str(side["map"])


def _fmt(key: str, v: Any) -> str:
    if v is None:
        return MISSING
    if key in _FRACTIONS:
        return percent(v)
    if isinstance(v, float) and key in ("nps", "csat", "ces", "expected_touchpoints"):
        return f"{v:.1f}"
    return count(v)


def _fmt_change(key: str, v: Any) -> str:
    return points(v) if key in _FRACTIONS else change(v)


def _comparison_rows(doc: Comparison) -> tuple[list[list[str]], list[list[str]]]:
    a, b = _side_label(doc["a"]), _side_label(doc["b"])
    summary = [["figure", a, b, "change"]]
    for k, v in doc["summary"].items():
        summary.append(
            [k.replace("_", " "), _fmt(k, v["a"]), _fmt(k, v["b"]), _fmt_change(k, v["change"])]
        )
    tps = [
        [
            "touchpoint",
            "status",
            f"drop-off {a}",
            f"drop-off {b}",
            "change",
            f"lost {a}",
            f"lost {b}",
        ]
    ]
    for t in doc["touchpoints"]:
        fa, fb, ch = t["a"] or {}, t["b"] or {}, t["change"] or {}
        tps.append(
            [
                t["id"],
                t["status"],
                _fmt("drop_off", fa.get("drop_off")),
                _fmt("drop_off", fb.get("drop_off")),
                _fmt_change("drop_off", ch.get("drop_off")),
                _fmt("lost", fa.get("lost_conversions")),
                _fmt("lost", fb.get("lost_conversions")),
            ]
        )
    return summary, tps


def comparison_table(doc: Comparison) -> str:
    summary, tps = _comparison_rows(doc)
    out = [
        f"Comparison: {_side_label(doc['a'])} (a) vs {_side_label(doc['b'])} (b), "
        f"counted in {doc['unit']}",
        "",
    ]
    out += [*_table(summary, "lrrr"), "", *_table(tps, "llrrrrr")]
    out += ["", doc["note"]]
    return "\n".join(out) + "\n"


def comparison_markdown(doc: Comparison) -> str:
    summary, tps = _comparison_rows(doc)
    a, b = escape_markdown(_side_label(doc["a"])), escape_markdown(_side_label(doc["b"]))
    out = [f"## Comparison: {a} vs {b}", ""]
    for rows in (summary, tps):
        out.append(_md_row(rows[0]))
        out.append("|" + "---|" * len(rows[0]))
        out += [_md_row(r) for r in rows[1:]]
        out.append("")
    out.append(f"_{doc['note']}_")
    return "\n".join(out) + "\n"


def comparison_csv(doc: Comparison) -> str:
    buf = io.StringIO()
    w = CsvWriter(buf)
    keys = [
        "visits",
        "exits",
        "drop_off",
        "conversion_probability",
        "lost_conversions",
        "lost_value",
        "nps",
        "csat",
        "ces",
    ]
    w.writerow(["touchpoint", "status", *[f"{k}_a" for k in keys], *[f"{k}_b" for k in keys]])
    for t in doc["touchpoints"]:
        fa, fb = t["a"] or {}, t["b"] or {}
        w.writerow(
            [
                t["id"],
                t["status"],
                *["" if fa.get(k) is None else fa.get(k) for k in keys],
                *["" if fb.get(k) is None else fb.get(k) for k in keys],
            ]
        )
    return buf.getvalue()


FORMATTERS: dict[AnalysisFormat, Callable[[Analysis], str]] = {
    AnalysisFormat.TABLE: to_table,
    AnalysisFormat.JSON: to_json,
    AnalysisFormat.MARKDOWN: to_markdown,
    AnalysisFormat.CSV: to_csv,
}
COMPARISON_FORMATTERS: dict[AnalysisFormat, Callable[[Comparison], str]] = {
    AnalysisFormat.TABLE: comparison_table,
    AnalysisFormat.JSON: json_text,
    AnalysisFormat.MARKDOWN: comparison_markdown,
    AnalysisFormat.CSV: comparison_csv,
}


def render_analysis(
    result: Analysis | Comparison,
    fmt: AnalysisFormat | str,
    table: CsvTable | str = CsvTable.LEAKS,
) -> str:
    """Render an analysis (or a side-by-side comparison) in one of the :class:`AnalysisFormat` s;
    ``table`` picks the CSV of an analysis (:class:`CsvTable`; the other formats show both)."""
    if isinstance(result, Analysis):
        if AnalysisFormat(fmt) is AnalysisFormat.CSV and CsvTable(table) is CsvTable.METRICS:
            return metrics_csv(result)
        return with_channels(result, AnalysisFormat(fmt), FORMATTERS[AnalysisFormat(fmt)])
    return COMPARISON_FORMATTERS[AnalysisFormat(fmt)](result)
