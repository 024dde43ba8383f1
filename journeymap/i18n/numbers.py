"""How each language writes a number: group separator, decimal mark, percent and currency
patterns, from CLDR through Babel for ru, lv, zh-Hant and zh-Hans; English as journeymap wrote
it before localisation (no Babel import for it). :mod:`journeymap.figures` prints through these.

>>> symbols("ru").group == "\\xa0", symbols("ru").decimal, symbols("zh-Hant").group
(True, ',', ',')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from journeymap.i18n import N_, translator

Language = str
ENGLISH: Language = "en"
LOCALISED: tuple[Language, ...] = ("ru", "lv", "zh-Hant", "zh-Hans")
"""The languages whose numbers follow CLDR through Babel (English is written as before)."""


@dataclass(frozen=True)
class Symbols:
    """How one language writes a number: group separator, decimal mark, the text around a
    percentage (``%`` after the number; ``\\xa0%`` in Russian) and around an amount of money
    (``{n}\\xa0{c}`` in Russian and Latvian, ``{c}{n}`` in Chinese, ``{n} {c}`` in English,
    where English writes the currency's ISO code)."""

    group: str
    decimal: str
    percent: str
    money: str


ENGLISH_SYMBOLS = Symbols(",", ".", "{n}%", "{n} {c}")


@cache
def symbols(lang: Language) -> Symbols:
    """The number symbols of ``lang``: English as written before localisation, the others
    from CLDR (Babel's ``Locale.number_symbols``, ``percent_formats`` and ``currency_formats``).

    >>> symbols("en").group, symbols("ru").group, symbols("ru").percent, symbols("zh-Hans").money
    (',', '\\xa0', '{n}\\xa0%', '{c}{n}')
    """
    if lang == ENGLISH:
        return ENGLISH_SYMBOLS
    if lang not in LOCALISED:
        raise ValueError(f"no number format for the language '{lang}'")
    from babel import Locale

    locale = Locale.parse(lang.replace("-", "_"))
    numbers = locale.number_symbols["latn"]
    return Symbols(
        numbers["group"],
        numbers["decimal"],
        _around(locale.percent_formats[None].pattern, "#,##0"),
        _around(locale.currency_formats["standard"].pattern, "#,##0.00"),
    )


def localised(text: str, lang: Language) -> str:
    """``text`` written with English separators (and a trailing ``%``), in those of ``lang``."""
    sym = symbols(lang)
    if sym is ENGLISH_SYMBOLS:
        return text
    out = text.translate({ord(","): "\x00", ord("."): sym.decimal}).replace("\x00", sym.group)
    if out.endswith("%"):
        out = sym.percent.format(n=out[:-1])
    return out


def written(x: float, spec: str = ",", *, lang: Language = ENGLISH) -> str:
    """``x`` in a Python format spec (English separators: ``,`` groups, ``.`` decimals, a
    trailing ``%``), written with those of ``lang``: the numbers of the analysis' sentences,
    whose English bytes are those of the spec.

    >>> written(12345.6, ",.0f"), written(12345.6, ",.0f", lang="ru"), written(0.125, ".1%", lang="lv")
    ('12,346', '12\xa0346', '12,5%')
    """
    return localised(format(x, spec), lang)


def _around(pattern: str, digits: str) -> str:
    """A CLDR pattern (``#,##0\\xa0%``) as a template around the number (``{n}\\xa0%``) and
    the currency sign (``¤#,##0.00`` as ``{c}{n}``)."""
    return pattern.split(";")[0].replace(digits, "{n}").replace("¤", "{c}")


def pp(lang: Language = ENGLISH) -> str:
    """The unit of a change of a proportion, percentage points (``pp``, ``п. п.``).

    >>> pp(), pp("ru")
    ('pp', 'п. п.')
    """
    return translator(lang).pgettext("unit", "pp")


def range_word(lang: Language = ENGLISH) -> str:
    """The word between the two ends of a range of signed figures (``to``; ``до``).

    >>> range_word(), range_word("lv")
    ('to', 'līdz')
    """
    return translator(lang).pgettext("range", "to")


def unit_word(unit: str, lang: Language = ENGLISH) -> str:
    """A short time unit (``d``, ``h``, ``min``, ``s``) in ``lang`` (``мин``, ``分钟``).

    >>> unit_word("min"), unit_word("min", "ru"), unit_word("h", "zh-Hans")
    ('min', 'мин', '小时')
    """
    t = translator(lang)
    words = {
        "d": t.pgettext("unit", "d"),
        "h": t.pgettext("unit", "h"),
        "min": t.pgettext("unit", "min"),
        "s": t.pgettext("unit", "s"),
    }
    return words.get(unit, unit)


SERVICE_UNITS = (N_("seconds"), N_("minutes"), N_("hours"), N_("days"))
"""The units a service time is declared in, in words (translated where they are shown)."""


def service_unit(unit: str | None, business: bool = False, lang: Language = ENGLISH) -> str:
    """The unit of a service time in words (``minutes``; ``hours, business hours``; in
    ``lang``: ``часы, рабочие часы``), empty when the period does not measure it.

    >>> service_unit("minutes"), service_unit("hours", True), service_unit(None)
    ('minutes', 'hours, business hours', '')
    """
    if unit is None:
        return ""
    t = translator(lang)
    word = t.gettext(unit)
    return t.gettext("{unit}, business hours").format(unit=word) if business else word
