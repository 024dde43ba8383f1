"""The words of the CX figures' formulas and of their inputs, in a language.

A formula is written in English in the analysis (``metrics`` of the JSON, the long CSV); the
ones with words are marked ``NC_("formula", ...)`` where they are defined
(:mod:`journeymap.analysis.business`) and written in the run's language by the human outputs.
A formula of symbols only (``(E - N) / S``) has no message and is written as it is; so are the
one-letter inputs (``S``, ``E``, ``N``).

>>> formula("lost / S", "ru"), formula("(E - N) / S", "ru"), input_name("spend", "zh-Hant")
('ушедшие / S', '(E - N) / S', '支出')
>>> input_name("S", "ru"), input_name("lost")
('S', 'lost')
"""

from __future__ import annotations

from journeymap.i18n import ENGLISH, NC_, Language, translator

CONTEXT = "formula"
INPUTS: dict[str, str] = {
    "lost": NC_("formula", "lost"),
    "repeat": NC_("formula", "repeat"),
    "ordering": NC_("formula", "ordering"),
    "spend": NC_("formula", "spend"),
    "aov": NC_("formula", "aov"),
    "frequency": NC_("formula", "frequency"),
    "lifespan": NC_("formula", "lifespan"),
    "gross_margin": NC_("formula", "gross_margin"),
}
"""The named inputs of the formulas (``formula_inputs`` of :mod:`journeymap.figures`)."""


def formula(text: str, lang: Language = ENGLISH) -> str:
    """A formula in the words of ``lang`` (as written when it has no words)."""
    return translator(lang).pgettext(CONTEXT, text)


def input_name(name: str, lang: Language = ENGLISH) -> str:
    """The name of a formula's input in ``lang`` (a one-letter input as it is)."""
    return translator(lang).pgettext(CONTEXT, INPUTS[name]) if name in INPUTS else name
