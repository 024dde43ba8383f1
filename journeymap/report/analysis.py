"""Analysis results (:class:`~journeymap.analysis.results.Analysis`) and side-by-side
comparison documents (``compare(...)``) to text: pure functions picked by :class:`AnalysisFormat`.

The terminal table is what a CX lead reads first: the ranked leaks in plain words. Markdown is
ready to paste into an issue or a pull request. CSV is the leak table. JSON is the contract
(the analysis' one serializer, :meth:`Analysis.to_dict`). Every figure is printed through
:mod:`journeymap.figures`.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import partial
from typing import Any

from journeymap.analysis.document import encode
from journeymap.analysis.results import Analysis, Leak
from journeymap.figures import (
    MISSING,
    about,
    change,
    count,
    level,
    money,
    number,
    percent,
    percent_interval,
    points,
    rounded_count,
    whole_money,
)
from journeymap.i18n import ENGLISH, N_, NC_, Language, Translator, translator
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
from journeymap.report.formats import CsvWriter, display_width, escape_markdown, pad
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


def _in_period(a: Analysis, t: Translator) -> str:
    """ " in 2026-Q3" in the language of ``t`` (nothing when the analysis has no period)."""
    period = a.settings.period
    return " " + t.gettext("in {period}").format(period=period) if period else ""


def leak_sentence(a: Analysis, leak: Leak, *, lang: Language = ENGLISH) -> str:
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
    t = translator(lang)
    currency = a.settings.currency
    lost = leak.lost_conversions
    if lost is None:
        return t.ngettext(
            "{name} lost {n} visit{period} (conversion is undefined, so their cost is unknown).",
            "{name} lost {n} visits{period} (conversion is undefined, so their cost is unknown).",
            plural_n(leak.exits),
        ).format(name=leak.name, n=count(leak.exits, lang=lang), period=_in_period(a, t))
    text = t.ngettext(
        "{name} lost {n} customer{period} who would otherwise have {converted}",
        "{name} lost {n} customers{period} who would otherwise have {converted}",
        plural_n(lost),
    ).format(
        name=leak.name,
        n=rounded_count(lost, lang=lang),
        period=_in_period(a, t),
        converted=_converted(a, t),
    )
    iv = leak.lost_conversions_interval
    if leak.lost_value is not None:
        text += t.gettext(": about {value}").format(
            value=money(leak.lost_value, currency, lang=lang)
        )
        viv = leak.lost_value_interval
        if viv is not None:
            text += " " + _interval(
                a, t, about(viv[0], lang=lang), money(viv[1], currency, lang=lang)
            )
    elif iv is not None:
        text += " " + _interval(a, t, count(iv[0], lang=lang), count(iv[1], lang=lang))
    return text + "."


def _interval(a: Analysis, t: Translator, low: str, high: str) -> str:
    """ "(95% interval low–high)"."""
    return t.gettext("({level} interval {low}–{high})").format(
        level=pct_level(a, t.lang), low=low, high=high
    )


def plural_n(x: float | None) -> int:
    """The whole number that picks a plural form of a figure (rounded half up, as printed)."""
    return 0 if x is None else math.floor(abs(x) + 0.5)


def _converted(a: Analysis, t: Translator) -> str:
    goals = a.settings.goals
    if len(goals) == 1:
        return t.gettext("reached {goal}").format(goal=a.touchpoint(goals[0]).name or goals[0])
    return t.gettext("converted")


def pct_level(a: Analysis, lang: Language = ENGLISH) -> str:
    return level(a.settings.confidence, lang=lang)


def _leak_details(a: Analysis, leak: Leak, t: Translator) -> list[str]:
    currency = a.settings.currency
    L = t.lang
    drop = t.ngettext(
        "drop-off {drop} ({interval}) of {n} departure: {exits} exits",
        "drop-off {drop} ({interval}) of {n} departures: {exits} exits",
        plural_n(leak.departures),
    ).format(
        drop=percent(leak.drop_off, lang=L),
        interval=percent_interval(leak.drop_off_interval, lang=L),
        n=count(leak.departures, lang=L),
        exits=count(leak.exits, lang=L),
    )
    out = [drop + (" (" + t.gettext("small sample") + ")" if leak.small_sample else "")]
    wi = leak.what_if
    if wi.extra_conversions is not None:
        fields = {
            "pct": level(wi.percent / 100, lang=L),
            "target": wi.target or "",
            "extra": count(wi.extra_conversions, lang=L),
        }
        extra = (
            t.gettext("closing {pct} of its exits via {target}: +{extra} conversions")
            if wi.target
            else t.gettext("closing {pct} of its exits: +{extra} conversions")
        ).format(**fields)
        if wi.extra_value is not None:
            extra += " " + t.gettext("(about {value})").format(
                value=money(wi.extra_value, currency, lang=L)
            )
        out.append(extra)
    tail = []
    if leak.removal_effect is not None:
        tail.append(
            t.gettext("removal effect {pct}").format(pct=percent(leak.removal_effect, 0, lang=L))
        )
    if leak.probability_top is not None:
        tail.append(
            t.gettext("P(top leak) {pct}").format(pct=percent(leak.probability_top, 0, lang=L))
        )
    if leak.best_next is not None:
        bn = leak.best_next
        tail.append(
            t.gettext("best next: {name} (converts {pct})").format(
                name=bn.name, pct=percent(bn.conversion_probability, lang=L)
            )
        )
    if tail:
        out.append("; ".join(tail))
    survey = survey_text(leak.survey, lang=L)
    if survey:
        out.append(survey)
    return out


def summary_lines(a: Analysis, *, lang: Language = ENGLISH) -> list[str]:
    t = translator(lang)
    s = a.summary
    st = a.settings
    lines = []
    goals = st.goals
    head = t.ngettext(
        "{n} journey started{period}", "{n} journeys started{period}", plural_n(s.entries)
    ).format(n=count(s.entries, lang=lang), period=_in_period(a, t))
    if goals and s.conversion_probability is not None:
        iv = s.conversion_probability_interval
        fields = {
            "n": count(s.conversions, lang=lang),
            "pct": percent(s.conversion_probability, lang=lang),
            "level": pct_level(a, lang),
            "interval": percent_interval(iv, lang=lang),
        }
        conv = (
            t.gettext("{n} converted (conversion {pct}, {level} interval {interval})")
            if iv
            else t.gettext("{n} converted (conversion {pct})")
        ).format(**fields)
        head += f"; {conv}"
    elif not goals:
        head += "; " + t.gettext("the map has no goal, so conversion is undefined")
    lines.append(head + ".")
    if _mostly_in_progress(a):
        lines.insert(0, _in_progress_headline(a, t))
    if goals and s.total_lost_conversions is not None:
        value = ""
        if s.total_lost_value is not None:
            value = f" ({money(s.total_lost_value, st.currency, lang=lang)})"
        lines.append(
            t.ngettext(
                "Leaks cost about {n} conversion{value} in total (first-order sum).",
                "Leaks cost about {n} conversions{value} in total (first-order sum).",
                plural_n(s.total_lost_conversions),
            ).format(n=count(s.total_lost_conversions, lang=lang), value=value)
        )
    if s.unknown_probability:
        lines.append(
            t.gettext("{pct} of journeys end with an unknown outcome.").format(
                pct=percent(s.unknown_probability, lang=lang)
            )
        )
    lines += time_to_convert_lines(a, lang=lang)
    lines.append(
        t.gettext("Counted in {unit} (visits), not unique customers.").format(
            unit=_unit(t, st.unit)
        )
    )
    return lines


def _mostly_in_progress(a: Analysis) -> bool:
    """More than half of the journeys had not finished when the data ended (right censoring)."""
    s = a.summary
    return s.entries > 0 and 2 * s.in_progress > s.entries


def _in_progress_headline(a: Analysis, t: Translator) -> str:
    """Said first when most journeys are unfinished: the chain's conversion counts only the
    finished ones (in-progress journeys are censored), so it is given beside the conversion
    among all journeys started (``summary.observed_conversion_rate``), which is a lower bound.
    Journeys that converted and went on after the goal count as finished here (their outcome is
    known), although ingest's ``settings.censoring`` counts them among those still in progress."""
    s = a.summary
    L = t.lang
    fields = {
        "n": count(s.in_progress, lang=L),
        "total": count(s.entries, lang=L),
        "pct": percent(s.in_progress / s.entries, lang=L),
        "finished": percent(s.conversion_probability, lang=L),
        "all": percent(s.observed_conversion_rate or 0.0, lang=L),
        "conversions": count(s.conversions, lang=L),
    }
    text = t.gettext(
        "Most journeys have no outcome yet: {n} of {total} ({pct}) were still in progress "
        "when the data ended"
    ).format(**fields)
    if a.settings.goals and s.conversion_probability is not None:
        text += t.gettext(
            ", so conversion is {finished} among finished journeys but {all} of all journeys "
            "started ({conversions} of {total}); the outcome of the rest is unknown"
        ).format(**fields)
    return text + " (docs/events.md, 'Short logs')."


# ------------------------------------------------------------------------------ table


def _table(rows: list[list[str]], align: str) -> list[str]:
    """Columns padded to the widest cell, as a terminal shows it (a wide CJK character takes
    two columns: :func:`~journeymap.report.formats.display_width`)."""
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for k, r in enumerate(rows):
        cells = [pad(c, w, right=a == "r") for c, w, a in zip(r, widths, align, strict=True)]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _title(a: Analysis) -> str | None:
    return a.map.title or a.map.id


def _mark(t: Translator, goal: bool, after_goal: bool) -> str:
    """ " (goal)" or " (after goal)" after a touchpoint id."""
    if goal:
        return " (" + t.gettext("goal") + ")"
    return " (" + t.gettext("after goal") + ")" if after_goal else ""


def _scope(a: Analysis, t: Translator, bold: bool) -> list[str | None]:
    st = a.settings
    b = "**" if bold else ""
    return [
        t.gettext("period {value}").format(value=f"{b}{st.period}{b}") if st.period else None,
        t.gettext("scenario {value}").format(value=f"{b}{st.scenario}{b}") if st.scenario else None,
        t.gettext("persona {value}").format(value=f"{b}{st.persona}{b}") if st.persona else None,
    ]


def to_table(a: Analysis, *, lang: Language = ENGLISH) -> str:
    """The terminal report: summary, ranked leaks in plain words, touchpoints, stages, warnings."""
    t = translator(lang)
    st = a.settings
    scope = [
        *_scope(a, t, bold=False),
        t.gettext("goal {value}").format(value=st.goal) if st.goal else None,
    ]
    out = [f"{_title(a)}" + (f" ({', '.join(x for x in scope if x)})" if any(scope) else ""), ""]
    out += summary_lines(a, lang=lang)
    out.append("")
    out += _cx_lines(a, t)
    if a.leaks:
        out += _leak_paragraphs(a, t)
    out += _table(_touchpoint_rows(a, t), "llrrrrrrr")
    out.append("")
    out += _table(_stage_rows(a, t, markdown=False), "lrrr")
    if a.after_goal:
        out += ["", t.gettext("After the goal (exits are churn after conversion):")]
        arows = [[t.gettext(h) for h in (_TOUCHPOINT, _VISITS, _EXITS, _DROP_OFF)]]
        for r in a.after_goal:
            arows.append(
                [
                    r.id,
                    count(r.visits, lang=lang),
                    count(r.exits, lang=lang),
                    percent(r.drop_off, lang=lang),
                ]
            )
        out += _table(arows, "lrrr")
    if a.warnings:
        out += ["", t.gettext("Warnings:")]
        out += [f"  {w.code} {w.message_in(t)}" for w in a.warnings]
    return "\n".join(out) + "\n"


_TOUCHPOINT, _STAGE, _VISITS, _EXITS, _DROP_OFF = (
    N_("touchpoint"),
    N_("stage"),
    N_("visits"),
    N_("exits"),
    N_("drop-off"),
)
_STAGE_HEADER = (
    _STAGE,
    N_("reach from entry"),
    N_("converts after reaching"),
    N_("from previous stage"),
)
_UNITS = {"transitions": N_("transitions")}
"""The unit of the counts (``settings.unit``), in words."""


def _unit(t: Translator, unit: str) -> str:
    return t.gettext(_UNITS.get(unit, unit))


def _touchpoint_rows(a: Analysis, t: Translator) -> list[list[str]]:
    L = t.lang
    head = (_TOUCHPOINT, _STAGE, _VISITS, _EXITS, _DROP_OFF, N_("interval"), N_("converts"))
    rows = [[t.gettext(h) for h in (*head, N_("reach"), N_("removal"))]]
    for tp in a.touchpoints:
        rows.append(
            [
                tp.id + _mark(t, tp.goal, tp.after_goal),
                tp.stage,
                count(tp.visits, lang=L),
                count(tp.exits, lang=L),
                percent(tp.drop_off, lang=L),
                percent_interval(tp.drop_off_interval, lang=L),
                percent(tp.conversion_probability, lang=L),
                percent(tp.reach_probability, lang=L),
                percent(tp.removal_effect, 0, lang=L),
            ]
        )
    return rows


def _stage_rows(a: Analysis, t: Translator, *, markdown: bool) -> list[list[str]]:
    """The stage table (header first): ids and marks in the terminal, names in Markdown."""
    L = t.lang
    rows = [[t.gettext(h) for h in _STAGE_HEADER]]
    for s in a.stages:
        rows.append(
            [
                escape_markdown(s.name) if markdown else s.id + _mark(t, False, s.after_goal),
                percent(s.reach_probability, lang=L),
                percent(s.conversion_given_reach, lang=L),
                percent(s.conversion_from_previous, lang=L) if s.classic_funnel else MISSING,
            ]
        )
    return rows


def _cx_lines(a: Analysis, t: Translator) -> list[str]:
    """The CX figures of the period (:mod:`journeymap.report.figures_table`), each block
    followed by an empty line; nothing when the period has none."""
    out: list[str] = []
    sentences = cx_sentences(a, lang=t.lang)
    period = _in_period(a, t)
    if sentences:
        head = t.gettext("CX figures{period}:").format(period=period)
        out += [head, *[f"  {s}" for s in sentences], ""]
    rows, notes = service_rows(a.metrics, lang=t.lang)
    if len(rows) > 1:
        out += [t.gettext("Service times{period}:").format(period=period), *_table(rows, "llrrrrl")]
        out += [*[f"  {n}" for n in notes], ""]
    stages = stage_survey_lines(a, lang=t.lang)
    if stages:
        out.append(t.gettext(_SURVEY_BY_STAGE))
        out += [*[f"  {sid}: {text}" for sid, text in stages], ""]
    return out


_SURVEY_BY_STAGE = N_("Survey figures by stage (answers pooled over its touchpoints):")


def _leak_paragraphs(a: Analysis, t: Translator) -> list[str]:
    if a.summary.total_lost_value is not None:
        head = t.gettext("Where customers leave, ranked by value lost:")
    elif a.settings.goals:
        head = t.gettext("Where customers leave, ranked by conversions lost:")
    else:
        head = t.gettext("Where customers leave, ranked by exits:")
    out = [head]
    for leak in a.leaks[:10]:
        out.append(f"{leak.rank:>3}. {leak_sentence(a, leak, lang=t.lang)}")
        out += [f"     {line}" for line in _leak_details(a, leak, t)]
    if len(a.leaks) > 10:
        more = len(a.leaks) - 10
        out.append(
            "     "
            + t.ngettext(
                "... and {n} more (see --format json or csv)",
                "... and {n} more (see --format json or csv)",
                more,
            ).format(n=more)
        )
    out.append("")
    return out


# ------------------------------------------------------------------------------ markdown


def _md_row(cells: list[str]) -> str:
    """A table row; a pipe that :func:`escape_markdown` has not escaped yet is escaped here."""
    return "| " + " | ".join(re.sub(r"(?<!\\)\|", r"\\|", c) for c in cells) + " |"


def to_markdown(a: Analysis, *, lang: Language = ENGLISH) -> str:
    """Markdown ready to paste into an issue or a pull request."""
    t = translator(lang)
    st = a.settings
    out = ["## " + t.gettext("Leak analysis: {title}").format(title=escape_markdown(_title(a))), ""]
    goals = ", ".join(st.goals) or t.gettext("none")
    meta = [
        *_scope(a, t, bold=True),
        t.gettext("goal {value}").format(value=f"**{goals}**"),
        t.gettext("unit: {unit}").format(unit=_unit(t, st.unit)),
        t.gettext("{level} intervals").format(level=pct_level(a, lang)),
        t.ngettext(
            "{n} bootstrap sample (seed {seed})", "{n} bootstrap samples (seed {seed})", st.samples
        ).format(n=st.samples, seed=st.seed),
    ]
    out += [", ".join(m for m in meta if m), ""]
    out += [escape_markdown(line) for line in summary_lines(a, lang=lang)]
    out.append("")
    if a.leaks:
        out += _markdown_leaks(a, t)
    out += ["### " + t.gettext("Touchpoints"), ""]
    rows = _touchpoint_rows(a, t)
    rows[0][-1] = t.gettext("removal effect")
    out.append(_md_row([c for i, c in enumerate(rows[0]) if i != 5]))
    out.append("|" + "---|" * 8)
    for tp, row in zip(a.touchpoints, rows[1:], strict=True):
        cells = [f"`{tp.id}`{_mark(t, tp.goal, tp.after_goal)}", escape_markdown(tp.stage)]
        out.append(_md_row(cells + [c for i, c in enumerate(row) if i > 1 and i != 5]))
    out += ["", "### " + t.gettext("Stages"), ""]
    srows = _stage_rows(a, t, markdown=True)
    out.append(_md_row(srows[0]))
    out.append("|---|---|---|---|")
    out += [_md_row(r) for r in srows[1:]]
    out += markdown_timing(a, lang=lang)
    if a.surveys:
        out += ["", "### " + t.gettext("Surveys"), ""]
        for tid, sv in a.surveys.items():
            text = survey_text(sv, lang=lang)
            if text:
                out.append(f"- `{tid}`: {text}")
    out += _cx_markdown(a, t)
    if a.warnings:
        out += ["", "### " + t.gettext("Warnings"), ""]
        out += [f"- **{w.code}** {escape_markdown(w.message_in(t))}" for w in a.warnings]
    return "\n".join(out) + "\n"


def _cx_markdown(a: Analysis, t: Translator) -> list[str]:
    """The "CX figures" section: figures with formulas and inputs, service cost and times,
    survey figures by stage; nothing when the period has none."""
    L = t.lang
    blocks: list[list[str]] = []
    if a.metrics.figures:
        header = [t.gettext(h) for h in FIGURE_HEADER]
        head = [_md_row(header), "|" + "---|" * len(header)]
        blocks.append(
            head + [_md_row(figure_cells(a, f, lang=L)) for f in a.metrics.figures.values()]
        )
    cost = cost_sentence(a, a.metrics, lang=L)
    if cost:
        blocks.append([cost])
    rows, notes = service_rows(a.metrics, lang=L)
    if len(rows) > 1:
        table = [_md_row(rows[0]), "|" + "---|" * len(rows[0])]
        blocks.append(table + [_md_row([f"`{r[0]}`", *r[1:]]) for r in rows[1:]])
        if notes:
            blocks.append([f"- {n}" for n in notes])
    stages = stage_survey_lines(a, lang=L)
    if stages:
        blocks.append([t.gettext(_SURVEY_BY_STAGE), ""])
        blocks[-1] += [
            "- " + t.gettext("stage {id}").format(id=f"`{sid}`") + f": {text}"
            for sid, text in stages
        ]
    out = ["", "### " + t.gettext("CX figures")] if blocks else []
    for block in blocks:
        out += ["", *block]
    return out


def _markdown_leaks(a: Analysis, t: Translator) -> list[str]:
    L = t.lang
    currency = a.settings.currency
    out = ["### " + t.gettext("Leaks, ranked"), ""]
    lost_value = t.gettext("lost value")
    header = [
        "#",
        t.gettext("touchpoint"),
        t.gettext("exits"),
        t.gettext("drop-off (interval)"),
        t.gettext("lost conversions (interval)"),
        f"{lost_value} ({currency})" if currency else lost_value,
        t.gettext("what-if {pct}").format(pct=level(a.settings.what_if.percent / 100, lang=L)),
        t.gettext("removal effect"),
        t.gettext("P(top)"),
        t.gettext("best next"),
    ]
    out.append(_md_row(header))
    out.append("|" + "---|" * 10)
    for lk in a.leaks:
        iv = lk.lost_conversions_interval
        wi = lk.what_if
        out.append(
            _md_row(
                [
                    str(lk.rank),
                    f"{escape_markdown(lk.name)} (`{lk.touchpoint}`)",
                    count(lk.exits, lang=L),
                    f"{percent(lk.drop_off, lang=L)} ({percent_interval(lk.drop_off_interval, lang=L)})",
                    f"{count(lk.lost_conversions, lang=L)}"
                    + (f" ({count(iv[0], lang=L)}–{count(iv[1], lang=L)})" if iv else ""),
                    whole_money(lk.lost_value, None, lang=L),
                    f"+{count(wi.extra_conversions, lang=L)}"
                    if wi.extra_conversions is not None
                    else MISSING,
                    percent(lk.removal_effect, 0, lang=L),
                    percent(lk.probability_top, 0, lang=L),
                    escape_markdown(lk.best_next.name) if lk.best_next else MISSING,
                ]
            )
        )
    out.append("")
    out += [f"{lk.rank}. {escape_markdown(leak_sentence(a, lk, lang=L))}" for lk in a.leaks[:3]]
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
    return encode(doc) + "\n"


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


_SUMMARY_WORDS = {
    "entries": N_("entries"),
    "conversions": N_("conversions"),
    "exits": N_("exits"),
    "observed_conversion_rate": N_("observed conversion rate"),
    "conversion_probability": N_("conversion probability"),
    "unknown_probability": N_("unknown probability"),
    "expected_touchpoints": N_("expected touchpoints"),
    "total_lost_conversions": N_("total lost conversions"),
    "total_lost_value": N_("total lost value"),
}
"""The figures of a comparison's summary in words (``compare.SUMMARY_FIGURES``)."""
_STATUS_WORDS = {
    "ADDED": NC_("comparison", "ADDED"),
    "REMOVED": NC_("comparison", "REMOVED"),
    "RENAMED": NC_("comparison", "RENAMED"),
    "COMPARED": NC_("comparison", "COMPARED"),
}
"""What happened to a touchpoint between the two sides, in words."""


def _side_label(side: Mapping[str, Any]) -> str:
    if side["label"]:
        return str(side["label"])
    parts = [side["period"], side["scenario"], side["persona"]]
    return " / ".join(str(p) for p in parts if p) or str(side["map"])


def _fmt(key: str, v: Any, lang: Language = ENGLISH) -> str:
    if v is None:
        return MISSING
    if key in _FRACTIONS:
        return percent(v, lang=lang)
    if isinstance(v, float) and key in ("nps", "csat", "ces", "expected_touchpoints"):
        return number(v, 1, lang=lang)
    return count(v, lang=lang)


def _fmt_change(key: str, v: Any, lang: Language = ENGLISH) -> str:
    return points(v, lang=lang) if key in _FRACTIONS else change(v, lang=lang)


def _comparison_rows(doc: Comparison, t: Translator) -> tuple[list[list[str]], list[list[str]]]:
    L = t.lang
    a, b = _side_label(doc["a"]), _side_label(doc["b"])
    summary = [[t.gettext("figure"), a, b, t.gettext("change")]]
    for k, v in doc["summary"].items():
        summary.append(
            [
                t.gettext(_SUMMARY_WORDS[k]),
                _fmt(k, v["a"], L),
                _fmt(k, v["b"], L),
                _fmt_change(k, v["change"], L),
            ]
        )
    drop, lost = t.gettext("drop-off {side}"), t.gettext("lost {side}")
    tps = [
        [
            t.gettext("touchpoint"),
            t.gettext("status"),
            drop.format(side=a),
            drop.format(side=b),
            t.gettext("change"),
            lost.format(side=a),
            lost.format(side=b),
        ]
    ]
    for tp in doc["touchpoints"]:
        fa, fb, ch = tp["a"] or {}, tp["b"] or {}, tp["change"] or {}
        tps.append(
            [
                tp["id"],
                t.pgettext("comparison", _STATUS_WORDS.get(tp["status"], tp["status"])),
                _fmt("drop_off", fa.get("drop_off"), L),
                _fmt("drop_off", fb.get("drop_off"), L),
                _fmt_change("drop_off", ch.get("drop_off"), L),
                _fmt("lost", fa.get("lost_conversions"), L),
                _fmt("lost", fb.get("lost_conversions"), L),
            ]
        )
    return summary, tps


def comparison_table(doc: Comparison, *, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    summary, tps = _comparison_rows(doc, t)
    head = t.gettext("Comparison: {a} (a) vs {b} (b), counted in {unit}").format(
        a=_side_label(doc["a"]),
        b=_side_label(doc["b"]),
        unit=_unit(t, str(doc["unit"])),
    )
    out = [head, ""]
    out += [*_table(summary, "lrrr"), "", *_table(tps, "llrrrrr")]
    out += ["", t.gettext(doc["note"])]
    return "\n".join(out) + "\n"


def comparison_markdown(doc: Comparison, *, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    summary, tps = _comparison_rows(doc, t)
    a, b = escape_markdown(_side_label(doc["a"])), escape_markdown(_side_label(doc["b"]))
    out = ["## " + t.gettext("Comparison: {a} vs {b}").format(a=a, b=b), ""]
    for rows in (summary, tps):
        out.append(_md_row(rows[0]))
        out.append("|" + "---|" * len(rows[0]))
        out += [_md_row(r) for r in rows[1:]]
        out.append("")
    out.append(f"_{t.gettext(doc['note'])}_")
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


FORMATTERS: dict[AnalysisFormat, Callable[..., str]] = {
    AnalysisFormat.TABLE: to_table,
    AnalysisFormat.JSON: to_json,
    AnalysisFormat.MARKDOWN: to_markdown,
    AnalysisFormat.CSV: to_csv,
}
COMPARISON_FORMATTERS: dict[AnalysisFormat, Callable[..., str]] = {
    AnalysisFormat.TABLE: comparison_table,
    AnalysisFormat.JSON: json_text,
    AnalysisFormat.MARKDOWN: comparison_markdown,
    AnalysisFormat.CSV: comparison_csv,
}
HUMAN = (AnalysisFormat.TABLE, AnalysisFormat.MARKDOWN)
"""The formats written in the run's language (JSON and CSV stay English)."""


def render_analysis(
    result: Analysis | Comparison,
    fmt: AnalysisFormat | str,
    table: CsvTable | str = CsvTable.LEAKS,
    *,
    lang: Language = ENGLISH,
) -> str:
    """Render an analysis (or a side-by-side comparison) in one of the :class:`AnalysisFormat` s;
    ``table`` picks the CSV of an analysis (:class:`CsvTable`; the other formats show both);
    ``lang`` is the language of the table and Markdown formats (JSON and CSV stay English)."""
    fmt = AnalysisFormat(fmt)
    kw = {"lang": lang} if fmt in HUMAN else {}
    if isinstance(result, Analysis):
        if fmt is AnalysisFormat.CSV and CsvTable(table) is CsvTable.METRICS:
            return metrics_csv(result)
        return with_channels(result, fmt, partial(FORMATTERS[fmt], **kw), lang=lang)
    return COMPARISON_FORMATTERS[fmt](result, **kw)
