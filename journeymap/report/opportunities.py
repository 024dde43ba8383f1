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
from journeymap.analysis.opportunity_results import Portfolio, PricedOpportunity
from journeymap.figures import MISSING, RANGE, about, whole_money
from journeymap.i18n import ENGLISH, N_, Language, Translator, translator
from journeymap.report.analysis import json_text
from journeymap.report.formats import CsvWriter, escape_markdown


class OpportunityFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"


BASIS_LABELS = {
    "what-if": N_("what-if"),
    "scenario": N_("scenario"),
    "leak-bound": N_("leak bound"),
}
"""How a basis reads in the human outputs (``leak bound``: an upper bound, labelled so)."""
STATUS_LABELS = {
    "idea": N_("idea"),
    "planned": N_("planned"),
    "in-progress": N_("in progress"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}
REASON_LABELS = {
    "done": N_("done"),
    "dropped": N_("dropped"),
    "no effort": N_("no effort given"),
    "no value": N_("no value at stake"),
}
LEFT_OUT_LABELS = {
    "removed": N_("not in the analysed map"),
    "goal": N_("a goal"),
    "after-goal": N_("after the goal"),
    "nothing-continues": N_("nothing continues there"),
}
HEADER = (
    N_("Rank"),
    N_("Opportunity"),
    N_("Owner"),
    N_("Status"),
    N_("Effort"),
    N_("Value at stake"),
    N_("Interval"),
    N_("Per effort"),
    N_("Basis"),
    N_("Addresses"),
)
TEXT_WIDTH = 44
"""The terminal table cuts an opportunity's text to this many characters (Markdown keeps it)."""
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


def amount(pf: Portfolio, x: float | None, lang: Language = ENGLISH) -> str:
    """A value at stake as printed: money with the currency, or conversions."""
    if x is None:
        return MISSING
    if pf.measure == "value":
        return whole_money(x, pf.currency, lang=lang)
    return about(x, lang=lang)


def _interval(pf: Portfolio, iv: tuple[float, float] | None, lang: Language) -> str:
    """``low–high`` with the currency once, after the high end."""
    if iv is None:
        return MISSING
    low = (
        amount(pf, iv[0], lang).removesuffix(f" {pf.currency}")
        if pf.currency
        else amount(pf, iv[0], lang)
    )
    return f"{low}{RANGE}{amount(pf, iv[1], lang)}"


def _addresses(t: Translator, p: PricedOpportunity) -> str:
    parts = []
    for lk in p.leaks:
        rank = f" ({t.gettext('leak #{rank}').format(rank=lk.leak_rank)})" if lk.leak_rank else ""
        parts.append(lk.touchpoint + rank)
    if p.scenario is not None:
        parts.append(t.gettext("scenario {name}").format(name=p.scenario))
    return ", ".join(parts) or MISSING


def rows(pf: Portfolio, lang: Language = ENGLISH, width: int | None = None) -> list[list[str]]:
    """The human table: a header and one row per opportunity, in portfolio order (the text
    cut to ``width`` characters with "…" when given)."""
    t = translator(lang)
    out = [[t.gettext(h) for h in HEADER]]
    for p in pf.opportunities:
        value, iv = pf.stake(p)
        out.append(
            [
                str(p.rank) if p.rank is not None else MISSING,
                p.text if width is None or len(p.text) <= width else p.text[: width - 1] + "…",
                p.owner or MISSING,
                t.gettext(STATUS_LABELS[p.status]),
                str(p.effort) if p.effort is not None else MISSING,
                amount(pf, value, lang),
                _interval(pf, iv, lang),
                amount(pf, p.value_per_effort, lang),
                t.gettext(BASIS_LABELS[p.basis]),
                _addresses(t, p),
            ]
        )
    return out


def notes(pf: Portfolio, lang: Language = ENGLISH) -> list[str]:
    """What the table leaves out or bounds, in sentences: unranked counts, left-out
    touchpoints, plain-text opportunities."""
    t = translator(lang)
    lines = []
    if any(p.basis == "leak-bound" for p in pf.opportunities):
        lines.append(
            t.gettext(
                "A leak bound is the whole leak cost of the touchpoints addressed: an upper bound, "
                "not an estimate. Give the opportunity an expected effect to price it exactly."
            )
        )
    for reason, n in pf.unranked.items():
        lines.append(
            t.ngettext(
                "{n} opportunity has no rank: {reason}.",
                "{n} opportunities have no rank: {reason}.",
                n,
            ).format(n=n, reason=t.gettext(REASON_LABELS[reason]))
        )
    for p in pf.opportunities:
        for lo in p.left_out:
            lines.append(
                t.gettext("{id}: {touchpoint} adds nothing ({reason}).").format(
                    id=p.id, touchpoint=lo.touchpoint, reason=t.gettext(LEFT_OUT_LABELS[lo.reason])
                )
            )
    if pf.texts:
        n = len(pf.texts)
        lines.append(
            t.ngettext(
                "{n} opportunity is written as text only (no id, effort or effect): not priced.",
                "{n} opportunities are written as text only (no id, effort or effect): not priced.",
                n,
            ).format(n=n)
        )
    return lines


def _grid(table: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    right = {0, 4, 5, 6, 7}
    out = []
    for k, r in enumerate(table):
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _heading(pf: Portfolio, t: Translator) -> str:
    return t.gettext("Opportunities of {map}, ranked by value at stake per unit of effort").format(
        map=pf.map or MISSING
    )


def to_table(pf: Portfolio, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    if not pf.opportunities:
        return t.gettext("No opportunity objects in the map (opportunities with an id).") + "\n"
    lines = [_heading(pf, t), "", *_grid(rows(pf, lang, width=TEXT_WIDTH)), ""]
    lines += notes(pf, lang)
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(pf: Portfolio, lang: Language = ENGLISH) -> str:
    t = translator(lang)
    lines = [f"## {escape_markdown(_heading(pf, t))}", ""]
    if not pf.opportunities:
        return (
            "\n".join(
                [*lines, t.gettext("No opportunity objects in the map (opportunities with an id).")]
            )
            + "\n"
        )
    table = rows(pf, lang)
    lines.append("| " + " | ".join(escape_markdown(c) for c in table[0]) + " |")
    lines.append(
        "|"
        + "|".join("---:" if i in (0, 4, 5, 6, 7) else "---" for i in range(len(table[0])))
        + "|"
    )
    lines += ["| " + " | ".join(escape_markdown(c) for c in r) + " |" for r in table[1:]]
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
