"""The opportunity portfolio (:class:`~journeymap.analysis.opportunities.Portfolio`) to text:
the terminal table, Markdown, CSV and JSON of ``journeymap opportunities``.

JSON and CSV are machine formats (English keys, plain numbers); the table and Markdown are
human outputs, every fixed string through the translator and every figure through
:mod:`journeymap.figures` in the run's language.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from enum import StrEnum

from journeymap.analysis.document import to_document
from journeymap.analysis.opportunities import unranked_reason
from journeymap.analysis.opportunity_results import Portfolio
from journeymap.analysis.opportunity_words import ALIGN, TEXT_WIDTH, notes, rows
from journeymap.figures import MISSING
from journeymap.i18n import ENGLISH, Language, Translator, translator
from journeymap.report.analysis import json_text
from journeymap.report.formats import CsvWriter, escape_markdown, markdown_table, text_table


class OpportunityFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"


CSV_HEADER = (
    "rank",
    "id",
    "text",
    "owner",
    "status",
    "effort",
    "confidence",
    "basis",
    "addresses",
    "conversions",
    "conversions_low",
    "conversions_high",
    "value",
    "value_low",
    "value_high",
    "value_per_effort",
)


def _heading(pf: Portfolio, t: Translator) -> str:
    return t.pgettext(
        "opportunities", "Opportunities of {map}, ranked by value at stake per unit of effort"
    ).format(map=pf.map or MISSING)


def to_table(pf: Portfolio, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    if not pf.opportunities:
        return (
            t.pgettext(
                "opportunities", "No opportunity objects in the map (opportunities with an id)."
            )
            + "\n"
        )
    lines = [_heading(pf, t), "", *text_table(rows(pf, lang, width=TEXT_WIDTH), ALIGN), ""]
    lines += notes(pf, lang)
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(pf: Portfolio, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    lines = [f"## {escape_markdown(_heading(pf, t))}", ""]
    if not pf.opportunities:
        return (
            "\n".join(
                [
                    *lines,
                    t.pgettext(
                        "opportunities",
                        "No opportunity objects in the map (opportunities with an id).",
                    ),
                ]
            )
            + "\n"
        )
    table = rows(pf, lang)
    lines += markdown_table([[escape_markdown(c) for c in r] for r in table], ALIGN)
    extra = notes(pf, lang)
    if extra:
        lines += ["", *(f"- {escape_markdown(x)}" for x in extra)]
    return "\n".join(lines) + "\n"


def to_csv(pf: Portfolio) -> str:
    buf = io.StringIO()
    w = CsvWriter(buf)
    w.writerow(CSV_HEADER)
    for p in pf.opportunities:
        s = p.value_at_stake
        ci, vi = s.conversions_interval, s.value_interval
        w.writerow(
            [
                p.rank,
                p.id,
                p.text,
                p.owner,
                p.status,
                p.effort,
                p.confidence,
                p.basis,
                " ".join(p.addresses),
                s.conversions,
                None if ci is None else ci[0],
                None if ci is None else ci[1],
                s.value,
                None if vi is None else vi[0],
                None if vi is None else vi[1],
                p.value_per_effort,
            ]
        )
    return buf.getvalue()


def to_json(pf: Portfolio) -> str:
    doc = to_document(pf)
    return json_text({"journeymap-opportunities": 1, **doc})


RENDERERS: dict[OpportunityFormat, Callable[[Portfolio, Language], str]] = {
    OpportunityFormat.TABLE: to_table,
    OpportunityFormat.MARKDOWN: to_markdown,
    OpportunityFormat.CSV: lambda pf, _lang: to_csv(pf),
    OpportunityFormat.JSON: lambda pf, _lang: to_json(pf),
}


def render_portfolio(pf: Portfolio, fmt: str, lang: Language = ENGLISH) -> str:
    """The portfolio in one of :class:`OpportunityFormat`."""
    return RENDERERS[OpportunityFormat(fmt)](pf, lang)


__all__ = ["OpportunityFormat", "render_portfolio", "unranked_reason"]
