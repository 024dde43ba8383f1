"""The sentences of an analysis (the summary, each leak in plain words, the in-progress
headline) in the run's language; the table and Markdown formats print them."""

from __future__ import annotations

import math

from journeymap.analysis.results import Analysis, Leak
from journeymap.figures import (
    about,
    count,
    level,
    money,
    percent,
    percent_interval,
    rounded_count,
)
from journeymap.i18n import ENGLISH, N_, Language, Translator, translator
from journeymap.report.figures_table import (
    survey_text,
)
from journeymap.report.timing import time_to_convert_lines


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


_UNITS = {"transitions": N_("transitions")}
"""The unit of the counts (``settings.unit``), in words."""


def _unit(t: Translator, unit: str) -> str:
    return t.gettext(_UNITS.get(unit, unit))


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
