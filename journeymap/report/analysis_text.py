"""An analysis as the terminal table and as Markdown (the human formats, in the run's
language; every figure through :mod:`journeymap.figures`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from journeymap.analysis.results import Analysis
from journeymap.analysis.warning_text import AnalysisWarning
from journeymap.figures import (
    MISSING,
    count,
    level,
    percent,
    percent_interval,
    whole_money,
)
from journeymap.i18n import ENGLISH, N_, Language, Translator, translator
from journeymap.report.analysis_words import (
    _SURVEY_BY_STAGE,
    _in_period,
    _leak_paragraphs,
    _unit,
    leak_sentence,
    pct_level,
    summary_lines,
)
from journeymap.report.figures_table import (
    FIGURE_HEADER,
    cost_sentence,
    cx_sentences,
    figure_cells,
    service_rows,
    stage_survey_lines,
    survey_text,
)
from journeymap.report.formats import escape_markdown, text_table
from journeymap.report.timing import markdown_timing


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
    out += text_table(_touchpoint_rows(a, t), "llrrrrrrr")
    out.append("")
    out += text_table(_stage_rows(a, t, markdown=False), "lrrr")
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
        out += text_table(arows, "lrrr")
    if a.warnings:
        out += ["", t.gettext("Warnings:")]
        out += [f"  {code} {message}" for code, message in shown_warnings(a.warnings, t)]
    return "\n".join(out) + "\n"


WARNINGS_PER_CODE = 5
"""How many warnings of one code the table and Markdown print; the rest are counted in one
line (the JSON and CSV formats keep every warning)."""


def shown_warnings(warnings: Sequence[AnalysisWarning], t: Translator) -> list[tuple[str, str]]:
    """``(code, message)`` of the warnings a person reads: in document order, at most
    :data:`WARNINGS_PER_CODE` of each code, then for each code with more a line that counts
    the rest (a draft map from ``discover`` can have a hundred undeclared transitions,
    JM512, which would bury the other warnings).

    >>> from journeymap.analysis.warning_text import AnalysisWarning
    >>> ws = [AnalysisWarning("JM512", None, None, f"w{i}") for i in range(7)]
    >>> shown_warnings([*ws, AnalysisWarning("JM514", None, None, "v")], translator(ENGLISH))[-3:]
    [('JM512', 'w4'), ('JM514', 'v'), ('JM512', '... and 2 more (see --format json or csv)')]
    """
    per_code: dict[str, int] = {}
    out: list[tuple[str, str]] = []
    for w in warnings:
        per_code[w.code] = per_code.get(w.code, 0) + 1
        if per_code[w.code] <= WARNINGS_PER_CODE:
            out.append((w.code, w.message_in(t)))
    for code, n in per_code.items():
        more = n - WARNINGS_PER_CODE
        if more > 0:
            words = t.ngettext(
                "... and {n} more (see --format json or csv)",
                "... and {n} more (see --format json or csv)",
                more,
            )
            out.append((code, words.format(n=more)))
    return out


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
        out += [
            t.gettext("Service times{period}:").format(period=period),
            *text_table(rows, "llrrrrl"),
        ]
        out += [*[f"  {n}" for n in notes], ""]
    stages = stage_survey_lines(a, lang=t.lang)
    if stages:
        out.append(t.gettext(_SURVEY_BY_STAGE))
        out += [*[f"  {sid}: {text}" for sid, text in stages], ""]
    return out


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
        out += [
            f"- **{code}** {escape_markdown(message)}"
            for code, message in shown_warnings(a.warnings, t)
        ]
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
