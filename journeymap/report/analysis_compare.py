"""A side-by-side comparison (:class:`~journeymap.analysis.compare_results.SideBySide`, of
``compare(...)``) as a table, Markdown and CSV (its JSON is :meth:`SideBySide.to_dict`)."""

from __future__ import annotations

import io
from typing import Any

from journeymap.analysis.compare_results import ComparedFigures, ComparedSide, SideBySide
from journeymap.figures import (
    MISSING,
    change,
    count,
    number,
    percent,
    points,
)
from journeymap.i18n import ENGLISH, N_, NC_, Language, Translator, translator
from journeymap.report.analysis_text import _md_row
from journeymap.report.analysis_words import _unit
from journeymap.report.formats import CsvWriter, escape_markdown, text_table

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
"""The figures of a comparison's summary in words (``compare_results.SUMMARY_FIGURES``)."""


_STATUS_WORDS = {
    "ADDED": NC_("comparison", "ADDED"),
    "REMOVED": NC_("comparison", "REMOVED"),
    "RENAMED": NC_("comparison", "RENAMED"),
    "COMPARED": NC_("comparison", "COMPARED"),
}
"""What happened to a touchpoint between the two sides, in words."""


def _side_label(side: ComparedSide) -> str:
    """The name of a side: its label, else its period / scenario / persona, else its map."""
    if side.label:
        return side.label
    parts = [side.period, side.scenario, side.persona]
    return " / ".join(p for p in parts if p) or str(side.map)


def _fmt(key: str, v: Any, lang: Language = ENGLISH) -> str:
    if v is None:
        return MISSING
    if key in _FRACTIONS:
        return percent(v, lang=lang)
    if isinstance(v, float) and key == "expected_touchpoints":
        return number(v, 1, lang=lang)
    return count(v, lang=lang)


def _fmt_change(key: str, v: Any, lang: Language = ENGLISH) -> str:
    return points(v, lang=lang) if key in _FRACTIONS else change(v, lang=lang)


def _comparison_rows(doc: SideBySide, t: Translator) -> tuple[list[list[str]], list[list[str]]]:
    L = t.lang
    a, b = _side_label(doc.a), _side_label(doc.b)
    summary = [[t.gettext("figure"), a, b, t.gettext("change")]]
    for k, v in doc.summary.pairs():
        summary.append(
            [
                t.gettext(_SUMMARY_WORDS[k]),
                _fmt(k, v.a, L),
                _fmt(k, v.b, L),
                _fmt_change(k, v.change, L),
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
    for tp in doc.touchpoints:
        fa, fb, ch = tp.a, tp.b, tp.change
        tps.append(
            [
                tp.id,
                t.pgettext("comparison", _STATUS_WORDS[tp.status]),
                _fmt("drop_off", None if fa is None else fa.drop_off, L),
                _fmt("drop_off", None if fb is None else fb.drop_off, L),
                _fmt_change("drop_off", None if ch is None else ch.drop_off, L),
                _fmt("lost", None if fa is None else fa.lost_conversions, L),
                _fmt("lost", None if fb is None else fb.lost_conversions, L),
            ]
        )
    return summary, tps


def comparison_table(doc: SideBySide, *, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    summary, tps = _comparison_rows(doc, t)
    head = t.gettext("Comparison: {a} (a) vs {b} (b), counted in {unit}").format(
        a=_side_label(doc.a),
        b=_side_label(doc.b),
        unit=_unit(t, doc.unit),
    )
    out = [head, ""]
    out += [*text_table(summary, "lrrr"), "", *text_table(tps, "llrrrrr")]
    out += ["", t.gettext(doc.note)]
    return "\n".join(out) + "\n"


def comparison_markdown(doc: SideBySide, *, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    summary, tps = _comparison_rows(doc, t)
    a, b = escape_markdown(_side_label(doc.a)), escape_markdown(_side_label(doc.b))
    out = ["## " + t.gettext("Comparison: {a} vs {b}").format(a=a, b=b), ""]
    for rows in (summary, tps):
        out.append(_md_row(rows[0]))
        out.append("|" + "---|" * len(rows[0]))
        out += [_md_row(r) for r in rows[1:]]
        out.append("")
    out.append(f"_{t.gettext(doc.note)}_")
    return "\n".join(out) + "\n"


_CSV_FIGURES = (
    "visits",
    "exits",
    "drop_off",
    "conversion_probability",
    "lost_conversions",
    "lost_value",
    "nps",
    "csat",
    "ces",
)
"""The figures (of :class:`ComparedFigures`) of each side that the comparison's CSV writes."""


def _csv_cells(f: ComparedFigures | None) -> list[Any]:
    """One side's cells of a CSV row (empty for null, and for a touchpoint not on that side)."""
    values = [None if f is None else getattr(f, k) for k in _CSV_FIGURES]
    return ["" if v is None else v for v in values]


def comparison_csv(doc: SideBySide) -> str:
    buf = io.StringIO()
    w = CsvWriter(buf)
    keys = _CSV_FIGURES
    w.writerow(["touchpoint", "status", *[f"{k}_a" for k in keys], *[f"{k}_b" for k in keys]])
    for t in doc.touchpoints:
        w.writerow([t.id, t.status, *_csv_cells(t.a), *_csv_cells(t.b)])
    return buf.getvalue()
