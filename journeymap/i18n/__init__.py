"""The language of human outputs: which languages journeymap writes, and the translator that
turns a fixed English string into the map's language.

Every fixed string journeymap writes into a human output (canvas, legend, charts, HTML report,
Markdown and table output, Mermaid labels) goes through a :class:`Translator`; CLI error
messages and machine formats (JSON, SARIF, JUnit, GitHub annotations) stay English.

The language of a run is :func:`language_for`: ``--lang`` beats the map's ``language:``, which
beats English. Catalogues are gettext ``.po`` files in ``journeymap/i18n/locale``; a message
without a translation is written in English (a test asserts that no catalogue has one).

>>> t = translator("en")
>>> t.gettext("Actions"), t.ngettext("{n} visit", "{n} visits", 2).format(n=2)
('Actions', '2 visits')
>>> language_for("ru", None), language_for(None, "lv"), language_for(None, None)
('ru', 'lv', 'en')
>>> check_language("zh-hant")
'zh-Hant'
>>> check_language("zh")
Traceback (most recent call last):
...
ValueError: unknown language 'zh'; languages: en, ru, lv, zh-Hant, zh-Hans
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

Language = str
"""A BCP 47 tag of one of :data:`LANGUAGES`."""

ENGLISH: Language = "en"
LANGUAGES: tuple[Language, ...] = ("en", "ru", "lv", "zh-Hant", "zh-Hans")
"""The languages journeymap writes its human outputs in (the map's ``language:``, ``--lang``)."""

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "journeymap"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translated where it is shown)."""
    return message


def NC_(context: str, message: str) -> str:
    """Mark a string for extraction in a gettext context (``pgettext`` where it is shown)
    without translating it."""
    del context
    return message


def check_language(tag: str) -> Language:
    """``tag`` as one of :data:`LANGUAGES` (matched without regard to case), or ValueError."""
    for lang in LANGUAGES:
        if lang.lower() == tag.strip().lower():
            return lang
    raise ValueError(f"unknown language '{tag}'; languages: {', '.join(LANGUAGES)}")


def language_for(override: str | None, declared: str | None) -> Language:
    """The language of one run: ``--lang`` (override), else the map's ``language:``, else en."""
    if override:
        return check_language(override)
    if declared:
        return check_language(declared)
    return ENGLISH


class Translator:
    """Fixed strings in one language: ``gettext``, ``ngettext`` (plural forms of the
    language), ``pgettext`` (a message in a context, where one English word has two
    translations)."""

    def __init__(self, lang: Language, catalogue: _gettext.NullTranslations) -> None:
        self.lang = lang
        self._catalogue = catalogue

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalogue.pgettext(context, message)

    _ = gettext


def _catalogue(lang: Language) -> _gettext.NullTranslations:
    """The catalogue of ``lang``: English is the messages as written; another language reads
    its compiled ``.mo``, or compiles its ``.po`` in memory with Babel when the ``.mo`` is
    missing or older (a fresh checkout, an edited translation)."""
    if lang == ENGLISH:
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return _gettext.GNUTranslations(f)
    if not po.is_file():
        return _gettext.NullTranslations()
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=lang.replace("-", "_"))
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


@cache
def translator(lang: Language = ENGLISH) -> Translator:
    """The translator of one of :data:`LANGUAGES` (cached: catalogues are read once)."""
    return Translator(check_language(lang), _catalogue(check_language(lang)))
