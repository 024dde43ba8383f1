"""Period labels in the words of each language: the one decision per locale of how an ISO
period (``2026-Q3``, ``2026-07``, ``2026-W05``) is written (docs/language.md, "Periods").

Quarters and months follow CLDR through Babel (imported only for a language other than
English); ISO weeks stay as they are in every language.
"""

from __future__ import annotations

import re

Language = str
ENGLISH: Language = "en"

_ISO_PERIOD = re.compile(r"^(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2]))$")
_PERIOD_SKELETON: dict[Language, tuple[str, str]] = {
    "ru": ("yQQQ", "yMM"),
    "lv": ("yQQQ", "yMM"),
    "zh-Hant": ("yQQQ", "yMMM"),
    "zh-Hans": ("yQQQ", "yMMM"),
}
"""The CLDR skeletons of a quarter and a month per language (see docs/language.md): quarters
in the language's words (``3-й кв. 2026 г.``, ``2026. g. 3. cet.``, ``2026年第3季``), months
as the local habit writes them (``07.2026`` in ru, ``07.2026.`` in lv, ``2026年7月`` in zh)."""


def period_words(label: str, lang: Language = ENGLISH) -> str:
    """A period label (``2026-Q3``, ``2026-07``, ``2026-W05``) in the words of ``lang``.

    English keeps the ISO labels; the other languages write quarters and months by CLDR
    (:data:`_PERIOD_SKELETON`) and keep ISO weeks (``2026-W05``: ISO 8601 week numbers are what
    Russian, Latvian and Chinese business calendars count, and CLDR has no pattern for them).
    Any other label (a name an overlay gave its period) is kept as written.

    >>> period_words("2026-Q3"), period_words("2026-07", "ru"), period_words("2026-W05", "ru")
    ('2026-Q3', '07.2026', '2026-W05')
    >>> period_words("2026-Q3", "zh-Hant"), period_words("2026-07", "zh-Hans"), period_words("spring", "lv")
    ('2026年第3季', '2026年7月', 'spring')
    """
    match = _ISO_PERIOD.match(label)
    if lang == ENGLISH or match is None:
        return label
    import datetime as dt

    from babel.dates import format_skeleton

    year, quarter, month = match.groups()
    quarters, months = _PERIOD_SKELETON[lang]
    first = dt.date(int(year), int(month) if month else 3 * int(quarter) - 2, 1)
    return format_skeleton(quarters if quarter else months, first, locale=lang.replace("-", "_"))
