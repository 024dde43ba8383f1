"""A side-by-side comparison document (``compare(...)``) as a table, Markdown and CSV."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from journeymap.figures import (
    MISSING,
    change,
    count,
    number,
    percent,
    points,
)
from journeymap.i18n import ENGLISH, N_, NC_, Language, Translator, translator
from journeymap.report.analysis_text import _md_row, _table
from journeymap.report.analysis_words import _unit
from journeymap.report.formats import CsvWriter, escape_markdown

Comparison = Mapping[str, Any]
"""The side-by-side document of :func:`journeymap.analysis.compare` (JSON-ready)."""


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
