"""How the map-level business figures print (``metrics`` of the analysis: conversion,
retention, churn, repeat rate, lifetime value, retention cost): their plain words, a value at
its digits, its interval, whom it counts and the inputs of its formula, through
:mod:`journeymap.figures` (the report's key figures, its business table, the terminal table).
"""

from __future__ import annotations

from collections.abc import Callable

from journeymap.figures import ENGLISH, Language, count, number, percent, percent_interval, price
from journeymap.i18n import N_, translator
from journeymap.i18n.formulas import input_name

CX_LABELS: dict[str, str] = {
    "conversion_rate": N_("Conversion"),
    "retention_rate": N_("Retention"),
    "churn_rate": N_("Churn"),
    "repeat_customer_rate": N_("Repeat rate"),
    "customer_lifetime_value": N_("Customer lifetime value"),
    "retention_cost": N_("Retention cost"),
}
"""Plain words for the map-level business figures (``metrics`` of the analysis), in English;
translated where they are shown (:func:`cx_label`)."""


def cx_label(name: str, *, lang: Language = ENGLISH) -> str:
    """The plain words of a map-level figure in ``lang`` (:data:`CX_LABELS`; else its name)."""
    return translator(lang).gettext(CX_LABELS[name]) if name in CX_LABELS else name


CX_OF_WHOM: dict[str, str] = {
    "retention_rate": N_("customers at the start"),
    "churn_rate": N_("customers at the start"),
    "repeat_customer_rate": N_("ordering customers"),
}
"""The denominators of the figures that are proportions of counted customers."""
_CX_DIGITS: dict[str, int] = {"retention_rate": 2, "churn_rate": 2}
"""Retention and churn print to hundredths of a percent (a churn of 2.35% a month and one of
2.4% are different budgets); other shares to tenths."""


def cx_value(
    name: str,
    x: float | None,
    currency: str | None,
    margin_adjusted: float | None = None,
    *,
    lang: Language = ENGLISH,
) -> str:
    """A map-level business figure: a proportion as a percentage, an amount to the cent.

    >>> cx_value("retention_rate", 0.8125, "EUR"), cx_value("repeat_customer_rate", 0.37705, None)
    ('81.25%', '37.7%')
    >>> cx_value("customer_lifetime_value", 413.44, "EUR", 173.6448), cx_value("churn_rate", None, None)
    ('413.44 EUR (173.64 EUR after the gross margin)', '–')
    """
    if name in CX_OF_WHOM:
        return percent(x, _CX_DIGITS.get(name, 1), lang=lang)
    text = price(x, currency, lang=lang)
    if x is not None and margin_adjusted is not None:
        after = translator(lang).gettext("{amount} after the gross margin")
        text += f" ({after.format(amount=price(margin_adjusted, currency, lang=lang))})"
    return text


def cx_interval(name: str, iv: tuple[float, float] | None, *, lang: Language = ENGLISH) -> str:
    """The interval of a proportion, at the digits of its value (:func:`cx_value`).

    >>> cx_interval("churn_rate", (0.18193, 0.19320)), cx_interval("retention_cost", None)
    ('18.19–19.32%', '–')
    """
    return percent_interval(iv, _CX_DIGITS.get(name, 1), lang=lang)


def cx_of(name: str, n: float | None, *, lang: Language = ENGLISH) -> str:
    """Whom a figure counts: ``18,400 customers at the start``; per customer for amounts.

    >>> cx_of("retention_rate", 18400), cx_of("retention_cost", None)
    ('18,400 customers at the start', 'per retained customer')
    """
    t = translator(lang)
    if name in CX_OF_WHOM:
        return f"{count(n, lang=lang)} {t.gettext(CX_OF_WHOM[name])}"
    return (
        t.gettext("per retained customer")
        if name == "retention_cost"
        else t.gettext("per customer")
    )


def formula_inputs(
    inputs: tuple[tuple[str, float], ...], currency: str | None, *, lang: Language = ENGLISH
) -> str:
    """The inputs of a formula in words: counts, money to the cent, margins as percentages.

    >>> formula_inputs((("S", 18400), ("spend", 38000.0), ("gross_margin", 0.42)), "EUR")
    'S = 18,400, spend = 38,000.00 EUR, gross_margin = 42%'
    """
    t = translator(lang)
    fmt: dict[str, Callable[[float], str]] = {
        "aov": lambda v: price(v, currency, lang=lang),
        "spend": lambda v: price(v, currency, lang=lang),
        "gross_margin": lambda v: percent(v, 0, lang=lang),
        "frequency": lambda v: t.gettext("{n} orders a year").format(n=number(v, 2, lang=lang)),
        "lifespan": lambda v: t.gettext("{n} years").format(n=number(v, 2, lang=lang)),
    }

    def plain(v: float) -> str:
        return count(v, lang=lang)

    return ", ".join(f"{input_name(k, lang)} = {fmt.get(k, plain)(v)}" for k, v in inputs)
