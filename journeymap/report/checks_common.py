"""What the formats of a check run share: every finding of a run, its closing count, a finding's
line, and the figures of a comparison with the baseline (through :mod:`journeymap.figures`)."""

from __future__ import annotations

from collections.abc import Iterable

from journeymap.analysis.comparison import PROPORTIONS as _PROPORTIONS
from journeymap.analysis.comparison import Test
from journeymap.checks import Finding, MapResult, Severity
from journeymap.figures import (
    MISSING,
    SCORE_DIGITS,
    SurveyKind,
    percent,
    points,
    score,
    score_change,
    score_kind,
    whole_money,
)
from journeymap.i18n import ENGLISH, Language, Translator, translator


def _all(results: Iterable[MapResult]) -> list[Finding]:
    return [f for r in results for f in r.findings]


def _count_line(results: list[MapResult], t: Translator | None = None) -> str:
    """ "1 map, 0 errors, 1 warning" (English unless ``t`` says otherwise)."""
    t = t or translator(ENGLISH)
    found = _all(results)
    e = sum(f.severity == Severity.ERROR for f in found)
    w = sum(f.severity == Severity.WARNING for f in found)
    n = len(results)
    return t.gettext("{maps}, {errors}, {warnings}").format(
        maps=t.ngettext("{n} map", "{n} maps", n).format(n=n),
        errors=t.ngettext("{n} error", "{n} errors", e).format(n=e),
        warnings=t.ngettext("{n} warning", "{n} warnings", w).format(n=w),
    )


def _line(f: Finding, t: Translator | None = None) -> str:
    """``path:line:col: CODE severity: message; hint``: the prefix stays as it is in every
    language (editors and CI parse it), the message and hint are written in the language of
    ``t``."""
    if t is None or t.lang == ENGLISH:
        return f"{f}; {f.hint}" if f.hint else str(f)
    hint = f.hint_in(t)
    where = f"{f.position}: " if f.position else ""
    return f"{where}{f.code} {f.severity.value}: {f.message_in(t)}" + (f"; {hint}" if hint else "")


def _value(t: Test, v: float | None, lang: Language = ENGLISH) -> str:
    """A compared figure as the check table and Markdown show it, in ``lang``'s separators
    (English: ``4.8%``; Russian: ``4,8 %``), through :mod:`journeymap.figures`."""
    if v is None:
        return MISSING
    if t.metric in _PROPORTIONS:
        return percent(v, lang=lang)
    return score(_score_kind(t), v, detail=True, lang=lang)


def _score_kind(t: Test) -> SurveyKind:
    """The survey score a compared figure that is not a proportion is (NPS, CSAT or CES)."""
    kind = score_kind(t.metric)
    assert kind is not None, f"{t.metric} is neither a proportion nor a survey score"
    return kind


def _delta(t: Test, lang: Language = ENGLISH) -> str:
    """The change of a compared figure: percentage points for proportions and CSAT."""
    d = t.delta
    if d is None:
        return MISSING
    if t.metric in _PROPORTIONS:
        return points(d, lang=lang)
    kind = _score_kind(t)
    if kind == "csat":  # CSAT is already on 0-100: its change is in points as it stands
        return points(d, SCORE_DIGITS["csat"][1], scale=1, lang=lang)
    return score_change(kind, d, lang=lang)


def _money(v: float | None, currency: str | None, lang: Language = ENGLISH) -> str:
    """Money in the check Markdown: :func:`journeymap.figures.whole_money` (``MISSING`` for None)."""
    return whole_money(v, currency, lang=lang)


def _verdict(t: Translator, failed: bool) -> str:
    """ "{tool} failed: {counts}" or "{tool} passed: {counts}" in the language of ``t``."""
    return t.gettext("{tool} failed: {counts}") if failed else t.gettext("{tool} passed: {counts}")


def _cell(s: object) -> str:
    """Text inside a code span of a table cell (a path): backslash escapes do not work there,
    so only what would end the cell or the line is replaced. Other user text goes through
    :func:`~journeymap.report.formats.escape_markdown`."""
    return str(s).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
