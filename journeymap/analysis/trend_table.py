"""The second table of a trend, for people: per period the top leak and its lost value, the
journey's survey scores and the business figures (``journeymap trend``'s table and Markdown,
and the HTML report's trend section, write the same rows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeymap.figures import MISSING, SURVEY_KINDS, count, period, score, whole_money
from journeymap.figures_cx import cx_label, cx_value
from journeymap.i18n import Translator

if TYPE_CHECKING:
    from journeymap.analysis.results import Leak
    from journeymap.analysis.trend import Trend


def detail_table(t: Trend, tr: Translator) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the second table: per period, the top leak and its lost value, the
    journey's survey scores (headlines) and the business figures; empty when no period has
    any of them (stage reach per period is in JSON and CSV)."""
    L = tr.lang
    kinds = [k for k in SURVEY_KINDS if any(p.surveys.metric(k) for p in t.periods)]
    names = list(dict.fromkeys(n for p in t.periods for n in p.business))
    if not (kinds or names or any(p.leaks for p in t.periods)):
        return [], []
    priced = any(p.leaks and p.leaks[0].lost_value is not None for p in t.periods)
    lost_words = tr.gettext("lost value") if priced else tr.gettext("conversions lost")
    header = [tr.gettext("period"), tr.gettext("top leak"), lost_words]
    header += [k.upper() for k in kinds] + [cx_label(n, lang=L) for n in names]
    rows = []
    for p in t.periods:
        top = p.leaks[0] if p.leaks else None
        cells = [
            period(p.period, lang=L),
            MISSING if top is None else top.name,
            MISSING if top is None else _lost(top, priced, t.currency, tr),
        ]
        for k in kinds:
            m = p.surveys.metric(k)
            cells.append(score(k, None if m is None else m.headline, lang=L))
        for n in names:
            f = p.business.get(n)
            cells.append(
                MISSING
                if f is None
                else cx_value(n, f.value, t.currency, f.margin_adjusted, lang=L)
            )
        rows.append(cells)
    return header, rows


def _lost(leak: Leak, priced: bool, currency: str | None, tr: Translator) -> str:
    """What a leak lost: its value; in a priced table a leak without one says its conversions
    (``12.5 conv.``); in a table without values, the conversions alone."""
    if leak.lost_value is not None:
        return whole_money(leak.lost_value, currency, lang=tr.lang)
    n = count(leak.lost_conversions, lang=tr.lang)
    return tr.gettext("{n} conv.").format(n=n) if priced else n
