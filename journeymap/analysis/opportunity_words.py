"""The portfolio in words: the table rows and notes that ``journeymap opportunities`` prints
and the HTML report shows (one definition for both; like
:func:`journeymap.analysis.experiment_scenario.words`, the human form of an analysis result).

Every fixed string goes through the translator in the context :data:`CONTEXT` (so that short
words such as "Owner" or "done" keep translations of their own), every figure through
:mod:`journeymap.figures` in the run's language.
"""

from __future__ import annotations

from journeymap.analysis.opportunity_results import Portfolio, PricedOpportunity
from journeymap.figures import MISSING, RANGE, about, whole_money
from journeymap.i18n import ENGLISH, NC_, Language, Translator, translator

CONTEXT = "opportunities"
"""The gettext context of every message of the portfolio's words, table and matrix."""

BASIS_LABELS = {
    "what-if": NC_("opportunities", "what-if"),
    "scenario": NC_("opportunities", "scenario"),
    "leak-bound": NC_("opportunities", "leak bound"),
}
"""How a basis reads in the human outputs (``leak bound``: an upper bound, labelled so)."""
STATUS_LABELS = {
    "idea": NC_("opportunities", "idea"),
    "planned": NC_("opportunities", "planned"),
    "in-progress": NC_("opportunities", "in progress"),
    "done": NC_("opportunities", "done"),
    "dropped": NC_("opportunities", "dropped"),
}
REASON_LABELS = {
    "done": NC_("opportunities", "done"),
    "dropped": NC_("opportunities", "dropped"),
    "no effort": NC_("opportunities", "no effort given"),
    "no value": NC_("opportunities", "no value at stake"),
}
LEFT_OUT_LABELS = {
    "removed": NC_("opportunities", "not in the analysed map"),
    "goal": NC_("opportunities", "a goal"),
    "after-goal": NC_("opportunities", "after the goal"),
    "nothing-continues": NC_("opportunities", "nothing continues there"),
}
HEADER = (
    NC_("opportunities", "Rank"),
    NC_("opportunities", "Opportunity"),
    NC_("opportunities", "Owner"),
    NC_("opportunities", "Status"),
    NC_("opportunities", "Effort"),
    NC_("opportunities", "Value at stake"),
    NC_("opportunities", "Interval"),
    NC_("opportunities", "Per effort"),
    NC_("opportunities", "Basis"),
    NC_("opportunities", "Addresses"),
)
ALIGN = "rlllrrrrll"
"""How the columns of :data:`HEADER` align in the text and Markdown tables: the rank and the
figures right, the words left."""
TEXT_WIDTH = 44
"""The terminal table cuts an opportunity's text to this many characters (Markdown keeps it)."""


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
    leak_no = t.pgettext("opportunities", "leak #{rank}")
    for lk in p.leaks:
        rank = f" ({leak_no.format(rank=lk.leak_rank)})" if lk.leak_rank else ""
        parts.append(lk.touchpoint + rank)
    if p.scenario is not None:
        parts.append(t.pgettext("opportunities", "scenario {name}").format(name=p.scenario))
    return ", ".join(parts) or MISSING


def rows(pf: Portfolio, lang: Language = ENGLISH, width: int | None = None) -> list[list[str]]:
    """The human table: a header and one row per opportunity, in portfolio order (the text
    cut to ``width`` characters with "…" when given)."""
    t = translator(lang)
    out = [[t.pgettext(CONTEXT, h) for h in HEADER]]
    for p in pf.opportunities:
        value, iv = pf.stake(p)
        out.append(
            [
                str(p.rank) if p.rank is not None else MISSING,
                p.text if width is None or len(p.text) <= width else p.text[: width - 1] + "…",
                p.owner or MISSING,
                t.pgettext(CONTEXT, STATUS_LABELS[p.status]),
                str(p.effort) if p.effort is not None else MISSING,
                amount(pf, value, lang),
                _interval(pf, iv, lang),
                amount(pf, p.value_per_effort, lang),
                t.pgettext(CONTEXT, BASIS_LABELS[p.basis]),
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
            t.pgettext(
                "opportunities",
                "A leak bound is the whole leak cost of the touchpoints addressed: an upper bound, "
                "not an estimate. Give the opportunity an expected effect to price it exactly.",
            )
        )
    for reason, n in pf.unranked.items():
        lines.append(
            t.ngettext(
                "{n} opportunity has no rank: {reason}.",
                "{n} opportunities have no rank: {reason}.",
                n,
            ).format(n=n, reason=t.pgettext(CONTEXT, REASON_LABELS[reason]))
        )
    for p in pf.opportunities:
        for lo in p.left_out:
            lines.append(
                t.pgettext("opportunities", "{id}: {touchpoint} adds nothing ({reason}).").format(
                    id=p.id,
                    touchpoint=lo.touchpoint,
                    reason=t.pgettext(CONTEXT, LEFT_OUT_LABELS[lo.reason]),
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
