"""How journeymap prints a figure: percentages, money, counts, scores, intervals, and one glyph
for a missing figure. Every output (terminal table, Markdown, CSV notes, HTML report, canvas,
graph labels, charts) formats through this module, so a figure reads the same everywhere.

Each function takes the language as ``lang`` (default English, written byte for byte as before
localisation); ru, lv, zh-Hant and zh-Hans follow CLDR (:mod:`journeymap.i18n.numbers`; Babel
is imported only for them): a no-break space groups and a comma marks decimals in ru and lv.

>>> percent(0.25), percent(None), count(1234), about(6137.4), money(6137.4, "EUR")
('25.0%', '–', '1,234', '6,100', '6,100 EUR')
>>> percent_interval((0.3701, 0.4307)), signed(-12.4), whole_money(6163.2, "EUR")
('37.0–43.1%', '−12', '6,163 EUR')
>>> count(1234, lang="ru"), number(4.5, lang="ru"), percent(0.125, lang="ru"), price(48, "EUR", lang="ru")
('1\\xa0234', '4,5', '12,5\\xa0%', '48,00\\xa0€')
>>> count(1234, lang="zh-Hant"), price(48, "TWD", lang="zh-Hant"), percent(0.125, lang="lv")
('1,234', '$48.00', '12,5%')
>>> count(1234, lang="xx")
Traceback (most recent call last):
...
ValueError: no number format for the language 'xx'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from journeymap.i18n.numbers import ENGLISH_SYMBOLS, pp, symbols, unit_word
from journeymap.i18n.numbers import localised as _local
from journeymap.i18n.periods import period_words

MISSING = "–"
"""The one glyph for a figure that is undefined (null in JSON)."""
RANGE = "–"
"""Between the two ends of an interval."""
MINUS = "−"
"""The minus sign of signed scores on drawings (U+2212)."""

Language = str
ENGLISH: Language = "en"


def percent_sign(number: str, *, lang: Language = ENGLISH) -> str:
    """A number already written in ``lang`` with the percent sign as ``lang`` places it.

    >>> percent_sign("+3.0"), percent_sign("+3,0", lang="ru")
    ('+3.0%', '+3,0\\xa0%')
    """
    return symbols(lang).percent.format(n=number)


def _with_currency(amount: str, currency: str | None, lang: Language) -> str:
    """An amount already in the separators of ``lang`` with its currency: the ISO code after it
    in English, the CLDR symbol and pattern in the other languages (``48,00\\xa0€``)."""
    if not currency:
        return amount
    sym = symbols(lang)
    if sym is ENGLISH_SYMBOLS:
        return f"{amount} {currency}"
    from babel.numbers import get_currency_symbol

    sign = get_currency_symbol(currency, locale=lang.replace("-", "_"))
    return sym.money.format(n=amount, c=sign)


def about(x: float, *, lang: Language = ENGLISH) -> str:
    """A money or count figure rounded to two significant digits, with thousands separators.

    >>> about(6137.4), about(128.2), about(0.4), about(0)
    ('6,100', '130', '0.4', '0')
    """
    if x == 0:
        return _local("0", lang)
    digits = 2 - math.floor(math.log10(abs(x))) - 1
    r = round(x, digits)
    if digits <= 0:
        return _local(f"{int(r):,}", lang)
    return _local(f"{r:,.{digits}f}".rstrip("0").rstrip("."), lang)


def count(x: float | None, *, lang: Language = ENGLISH) -> str:
    """A count: whole numbers with separators, otherwise one decimal (none from 100 on).

    >>> count(1234), count(12.34), count(266.5), count(None)
    ('1,234', '12.3', '266', '–')
    """
    if x is None:
        return MISSING
    if float(x).is_integer():
        return _local(f"{int(x):,}", lang)
    if abs(x) >= 100:
        return _local(f"{x:,.0f}", lang)
    return _local(f"{x:,.1f}", lang)


def integer(x: float | None, *, lang: Language = ENGLISH) -> str:
    """A figure rounded to a whole number, with thousands separators (drawings).

    >>> integer(12000), integer(127.6), integer(None)
    ('12,000', '128', '–')
    """
    return MISSING if x is None else _local(f"{round(x):,}", lang)


def rounded_count(x: float, *, lang: Language = ENGLISH) -> str:
    """Customers in a sentence: half up to a whole number, with separators.

    >>> rounded_count(266.5), rounded_count(128.2)
    ('267', '128')
    """
    return _local(f"{math.floor(x + 0.5):,}", lang)


def percent(x: float | None, digits: int = 1, *, lang: Language = ENGLISH) -> str:
    """A fraction (0-1) as a percentage.

    >>> percent(0.25), percent(0.3456, 0), percent(None)
    ('25.0%', '35%', '–')
    """
    return MISSING if x is None else _local(f"{100 * x:.{digits}f}%", lang)


def percent_interval(
    iv: tuple[float, float] | list[float] | None, digits: int = 1, *, lang: Language = ENGLISH
) -> str:
    """An interval of fractions as percentages, one sign at the end.

    >>> percent_interval((0.0, 0.2425)), percent_interval(None)
    ('0.0–24.2%', '–')
    """
    if iv is None:
        return MISSING
    return _local(f"{100 * iv[0]:.{digits}f}{RANGE}{100 * iv[1]:.{digits}f}%", lang)


def share(x: float | None, digits: int = 1, *, lang: Language = ENGLISH) -> str:
    """A figure already on 0-100 (CSAT, share of easy answers) with a percent sign.

    >>> share(74.0, 0), share(68.14), share(None)
    ('74%', '68.1%', '–')
    """
    return MISSING if x is None else _local(f"{x:.{digits}f}%", lang)


def points(
    x: float | None, digits: int = 1, *, scale: float = 100.0, lang: Language = ENGLISH
) -> str:
    """A change of a fraction in percentage points (``scale=1``: of a figure on 0-100, CSAT).

    >>> points(-0.1), points(-2.5, scale=1), points(0.012, 2), points(None)
    ('-10.0 pp', '-2.5 pp', '+1.20 pp', '–')
    """
    return MISSING if x is None else f"{number(scale * x, digits, sign=True, lang=lang)} {pp(lang)}"


def change(x: float | None, *, lang: Language = ENGLISH) -> str:
    """A signed change of a count: whole numbers as such, otherwise one decimal.

    >>> change(12.0), change(-3.25), change(None)
    ('+12', '-3.2', '–')
    """
    if x is None:
        return MISSING
    text = f"{x:+,.1f}" if isinstance(x, float) and not x.is_integer() else f"{int(x):+,}"
    return _local(text, lang)


def money(x: float | None, currency: str | None, *, lang: Language = ENGLISH) -> str:
    """Money rounded to two significant digits (:func:`about`), with the currency.

    >>> money(13325.0, "EUR"), money(13325.0, None), money(None, "EUR")
    ('13,000 EUR', '13,000', '–')
    """
    if x is None:
        return MISSING
    return _with_currency(about(x, lang=lang), currency, lang)


def whole_money(x: float | None, currency: str | None, *, lang: Language = ENGLISH) -> str:
    """Money to the whole unit, with separators and the currency (tables, drawings).

    >>> whole_money(6163.2, "EUR"), whole_money(6163.2, None), whole_money(None, None)
    ('6,163 EUR', '6,163', '–')
    """
    if x is None:
        return MISSING
    return _with_currency(_local(f"{x:,.0f}", lang), currency, lang)


def price(x: float | None, currency: str | None, *, lang: Language = ENGLISH) -> str:
    """A unit amount (a lifetime value, a cost per customer) to the cent, with the currency.

    >>> price(2.541806, "EUR"), price(413.44, None), price(38000, "EUR"), price(None, "EUR")
    ('2.54 EUR', '413.44', '38,000.00 EUR', '–')
    """
    if x is None:
        return MISSING
    return _with_currency(_local(f"{x:,.2f}", lang), currency, lang)


def number(
    x: float | None, digits: int = 1, *, sign: bool = False, lang: Language = ENGLISH
) -> str:
    """A plain decimal figure (a mean, a CES score); ``sign`` writes ``+`` or ``-`` (the ASCII
    sign of text tables: a change of NPS or CES).

    >>> number(4.72, 2), number(5.3), number(None), number(-3.25, sign=True), number(0.5, sign=True)
    ('4.72', '5.3', '–', '-3.2', '+0.5')
    """
    return MISSING if x is None else _local(f"{x:{'+' if sign else ''}.{digits}f}", lang)


def signed(x: float | None, digits: int = 0, *, lang: Language = ENGLISH) -> str:
    """A signed score (NPS) with a typographic minus, for drawings and the HTML report.

    >>> signed(23.5), signed(-4.25, 1), signed(None)
    ('+24', '−4.2', '–')
    """
    return MISSING if x is None else number(x, digits, sign=True, lang=lang).replace("-", MINUS)


SurveyKind = Literal["nps", "csat", "ces"]
"""The three survey metrics a map can declare per touchpoint (``surveys.<id>``)."""
SURVEY_KINDS: tuple[SurveyKind, ...] = ("nps", "csat", "ces")
"""In the order every output lists them."""

SCORE_DIGITS: dict[SurveyKind, tuple[int, int]] = {"nps": (0, 1), "csat": (0, 1), "ces": (1, 2)}
"""Decimals of each score: ``(headline, detail)``. A headline (a canvas cell, a graph label, a
chart bar, a one-line summary) shows NPS and CSAT whole and CES to one decimal; a detail (a
table column with its interval, a check's value, a tooltip) shows one more decimal."""


def score(
    kind: SurveyKind,
    x: float | None,
    *,
    detail: bool = False,
    typographic: bool = False,
    digits: int | None = None,
    lang: Language = ENGLISH,
) -> str:
    """A survey score as every output writes it: NPS signed points (``typographic``: the minus
    of drawings and the HTML report, otherwise the ASCII sign of text tables), CSAT a share
    on 0-100, CES a plain mean; decimals from :data:`SCORE_DIGITS` unless ``digits`` is given.

    >>> score("nps", 23.5), score("nps", -4.25, detail=True), score("nps", -4, typographic=True)
    ('+24', '-4.2', '−4')
    >>> score("csat", 74.0), score("csat", 68.14, detail=True), score("ces", 5.27)
    ('74%', '68.1%', '5.3')
    >>> score("ces", 5.27, detail=True, lang="ru"), score("nps", None)
    ('5,27', '–')
    """
    d = digits if digits is not None else SCORE_DIGITS[kind][1 if detail else 0]
    if kind == "nps":
        return _signed(x, d, typographic, lang)
    if kind == "csat":
        return share(x, d, lang=lang)
    return number(x, d, lang=lang)


def score_kind(name: str) -> SurveyKind | None:
    """The survey score ``name`` names (a guardrail's or a check's metric), or None.

    >>> score_kind("ces"), score_kind("drop_off")
    ('ces', None)
    """
    return next((kind for kind in SURVEY_KINDS if kind == name), None)


def score_change(
    kind: SurveyKind, d: float | None, *, typographic: bool = False, lang: Language = ENGLISH
) -> str:
    """A change of a survey score (a difference of two periods or arms, or an end of its
    interval), signed, to the detail decimals of the score (:data:`SCORE_DIGITS`): NPS and
    CSAT in points of their scale, CES in points of its answer scale. The caller writes the
    unit (``pp`` for CSAT, "points" for NPS and CES).

    >>> score_change("nps", -3.25), score_change("ces", -0.05), score_change("csat", 1.86)
    ('-3.2', '-0.05', '+1.9')
    >>> score_change("nps", -4.0, typographic=True), score_change("ces", None)
    ('−4.0', '–')
    """
    return _signed(d, SCORE_DIGITS[kind][1], typographic, lang)


def _signed(x: float | None, digits: int, typographic: bool, lang: Language) -> str:
    """A signed figure: the typographic minus of drawings, or the ASCII sign of text tables."""
    return signed(x, digits, lang=lang) if typographic else number(x, digits, sign=True, lang=lang)


def emotion(x: float | None, *, lang: Language = ENGLISH) -> str:
    """An emotion on the map's -2..+2 scale (a persona's, or the share-weighted mean across
    personas): signed with a typographic minus, to at most two decimals, trailing zeros
    dropped, so a declared whole emotion reads as written.

    >>> emotion(1.0), emotion(-0.8), emotion(0.45), emotion(1 / 3), emotion(0.0), emotion(None)
    ('+1', '−0.8', '+0.45', '+0.33', '+0', '–')
    >>> emotion(-1.25, lang="ru")
    '−1,25'
    """
    if x is None:
        return MISSING
    text = f"{x:+.2f}".rstrip("0").rstrip(".")
    return _local(text, lang).replace("-", MINUS)


def level(confidence: float, *, lang: Language = ENGLISH) -> str:
    """A confidence level (or a what-if's share) as a percentage, as short as it is exact.

    >>> level(0.95), level(0.9), level(0.125), level(0.333)
    ('95%', '90%', '12.5%', '33.3%')
    """
    return _local(f"{100 * confidence:g}%", lang)


P_FLOOR = 1e-4
"""The smallest p-value printed as a number: below it, ``<0.0001`` (four decimals)."""


def p_value(x: float | None, *, lang: Language = ENGLISH) -> str:
    """A p-value (or q-value) to four decimals, ``<0.0001`` below that (:data:`P_FLOOR`).

    >>> p_value(0.035488), p_value(3e-7), p_value(None)
    ('0.0355', '<0.0001', '–')
    """
    if x is None:
        return MISSING
    return f"<{_local(f'{P_FLOOR:.4f}', lang)}" if x < P_FLOOR else _local(f"{x:.4f}", lang)


def p_relation(x: float | None, *, lang: Language = ENGLISH) -> str:
    """A p-value (or q-value) in a sentence, with its relation: ``= 0.0355``, or ``< 0.0001``
    below :data:`P_FLOOR` (:func:`p_value`'s figures; ``p = <0.0001`` would read badly).

    >>> p_relation(0.035488), p_relation(3e-7), p_relation(0.5, lang="ru"), p_relation(None)
    ('= 0.0355', '< 0.0001', '= 0,5000', '–')
    """
    if x is None:
        return MISSING
    return f"< {p_value(P_FLOOR, lang=lang)}" if x < P_FLOOR else f"= {p_value(x, lang=lang)}"


def in_brackets(iv: tuple[float, float] | list[float] | None, fmt: Callable[[float], str]) -> str:
    """`` (low–high)`` with both ends in ``fmt``, or nothing when there is no interval.

    >>> in_brackets((1.0, 2.5), lambda v: f"{v:.1f}"), in_brackets(None, str)
    (' (1.0–2.5)', '')
    """
    if iv is None or None in iv:
        return ""
    return f" ({fmt(iv[0])}{RANGE}{fmt(iv[1])})"


_TIME_UNITS: dict[str, str] = {"seconds": "s", "minutes": "min", "hours": "h", "days": "d"}


def time_unit(unit: str | None, *, lang: Language = ENGLISH) -> str:
    """The short form of a time unit (in ``lang``: ``мин``).

    >>> time_unit("minutes"), time_unit("days"), time_unit(None), time_unit("minutes", lang="ru")
    ('min', 'd', '', 'мин')
    """
    if unit in _TIME_UNITS:
        return unit_word(_TIME_UNITS[unit], lang)
    return unit or ""


_DURATION_UNITS: tuple[tuple[str, float], ...] = (("d", 86400.0), ("h", 3600.0), ("min", 60.0))
"""The units of :func:`duration`, largest first, with their seconds."""


def duration(seconds: float | None, *, lang: Language = ENGLISH) -> str:
    """A duration in its largest unit that is at least 1.5 of it (days, hours, minutes, seconds):
    whole under 60 seconds or from 10 units on, one decimal below 10 units.

    >>> duration(360), duration(45), duration(5400), duration(9000), duration(3 * 86400), duration(None)
    ('6 min', '45 s', '1.5 h', '2.5 h', '3 d', '–')
    >>> duration(89), duration(0.4), duration(1_900_000)
    ('89 s', '0 s', '22 d')
    """
    if seconds is None:
        return MISSING
    for unit, size in _DURATION_UNITS:
        if abs(seconds) >= 1.5 * size:
            x = seconds / size
            text = f"{x:,.0f}" if abs(x) >= 10 else f"{x:.1f}".removesuffix(".0")
            return f"{_local(text, lang)} {unit_word(unit, lang)}"
    return f"{_local(f'{seconds:,.0f}', lang)} {unit_word('s', lang)}"


def period(label: str, *, lang: Language = ENGLISH) -> str:
    """A period label in the words of ``lang`` (:func:`journeymap.i18n.periods.period_words`).

    >>> period("2026-Q3"), period("2026-07", lang="zh-Hans")
    ('2026-Q3', '2026年7月')
    """
    return period_words(label, lang)
