"""Figures inside the sentences of findings, printed in the language of the output.

A finding's message is a :class:`~journeymap.findings.Text`; the figures in it are the
:class:`~journeymap.findings.Phrase` values of this module, which print their number when the
sentence is written: in English (``Text.format()`` without a translator, the message every
machine format keeps, byte for byte as before) or in the language of a table or Markdown
output, through :mod:`journeymap.figures` (the one printer of figures) with that language's
separators, decimal mark and currency.

>>> from journeymap.i18n import translator
>>> ru = translator("ru")
>>> Shown(0.125, "rate").format(), Shown(0.125, "rate").format(ru)
('12.5%', '12,5\\xa0%')
>>> Shown(6163.2, "money", "EUR").format(), Shown(6163.2, "money", "EUR").format(ru)
('6,163 EUR', '6\\xa0163\\xa0€')
>>> Shown(8.75, "nps").format(), Shown(72.04, "csat").format(), Shown(4.5, "ces").format(ru)
('+8.8', '72.0%', '4,50')
>>> Duration(225).format(), Duration(225).format(ru), Duration(5400, "business").format()
('3.75m', '3,75 мин', '1.5h (business hours)')
>>> Change(-5.5, "+.1f").format(), Change(-5.5, "+.1f").format(ru), Change(2.0, "g", True).format()
('-5.5pp', '-5,5 п. п.', '2 points')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from journeymap import figures
from journeymap.findings import Phrase, text
from journeymap.i18n import ENGLISH, Translator
from journeymap.i18n.numbers import pp, symbols, unit_word, written
from journeymap.model import DURATION_UNITS

__all__ = ["Change", "Duration", "Listed", "Shown", "Unit", "format_duration"]

Unit = Literal["rate", "nps", "csat", "ces", "money", "count"]
"""How a limited figure is written: a fraction as a percentage (``rate``), a survey score as
:func:`journeymap.figures.score` writes its detail (NPS signed, CSAT a share on 0-100, CES a
mean), money in the map's currency, a whole count."""


@dataclass(frozen=True)
class Shown:
    """A limited figure (or its limit) as a sentence shows it, in the output's language."""

    value: float
    unit: Unit
    currency: str | None = None
    digits: int | None = None
    """Decimals of a rate or score (default: 1 for a rate, a score's detail decimals,
    :data:`journeymap.figures.SCORE_DIGITS`)."""

    def format(self, t: Translator | None = None) -> str:
        lang = ENGLISH if t is None else t.lang
        v, digits, kind = self.value, self.digits, figures.score_kind(self.unit)
        if self.unit == "rate":
            return figures.percent(v, 1 if digits is None else digits, lang=lang)
        if kind is not None:
            return figures.score(kind, v, detail=True, digits=digits, lang=lang)
        return figures.whole_money(v, self.currency if self.unit == "money" else None, lang=lang)


@dataclass(frozen=True)
class Change:
    """A change of a compared figure (or its threshold) in points, already scaled (a proportion
    times 100): ``+5.0pp`` for proportions and CSAT, ``+3.0 points`` for NPS and CES
    (``points``), as the English message writes them; another language writes its decimal
    mark and its unit word (``+5,0 п. п.``)."""

    value: float
    spec: str
    """A Python format spec (``+.1f`` a change, ``g`` a threshold)."""
    points: bool = False

    def format(self, t: Translator | None = None) -> str:
        lang = ENGLISH if t is None else t.lang
        n = written(self.value, self.spec, lang=lang)
        if self.points:
            return text("{n} points", n=n).format(t)
        return f"{n}pp" if lang == ENGLISH else f"{n} {pp(lang)}"


_DURATION_WORDS: Final = (("d", "d"), ("h", "h"), ("m", "min"))
"""The suffixes of a written duration (``3m``) with the unit words of the languages."""


def format_duration(seconds: float) -> str:
    """A duration in the largest unit it fills, as a limit is written: ``45s``, ``3.75m``,
    ``2.5h``, ``1.5d`` (three significant digits).

    >>> format_duration(45), format_duration(225), format_duration(9000)
    ('45s', '3.75m', '2.5h')
    """
    return Duration(seconds).format()


@dataclass(frozen=True)
class Duration:
    """A service time (or its limit) in the largest unit it fills, three significant digits:
    ``3.75m`` in English (as limits are written), the decimal mark and unit word of the
    language otherwise (``3,75 мин``, ``3.75 分钟``). ``hours="business"`` adds the words
    "(business hours)"."""

    seconds: float
    hours: str | None = None

    def format(self, t: Translator | None = None) -> str:
        lang = ENGLISH if t is None else t.lang
        amount, suffix, word = self.seconds, "s", "s"
        for suffix_, word_ in _DURATION_WORDS:
            if self.seconds >= DURATION_UNITS[suffix_]:
                amount, suffix, word = self.seconds / DURATION_UNITS[suffix_], suffix_, word_
                break
        number = f"{amount:.3g}"
        if lang == ENGLISH:
            shown = f"{number}{suffix}"
        else:
            shown = f"{number.replace('.', symbols(lang).decimal)} {unit_word(word, lang)}"
        if self.hours != "business":
            return shown
        return text("{duration} (business hours)", duration=shown).format(t)


@dataclass(frozen=True)
class Listed:
    """Phrases one after the other, separated by a comma (``'cart' 30.0% -> 31.0%, ...``)."""

    items: tuple[str | Phrase, ...]

    def format(self, t: Translator | None = None) -> str:
        return ", ".join(i if isinstance(i, str) else i.format(t) for i in self.items)
