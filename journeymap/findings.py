"""Findings: the one value type for every problem journeymap reports on valid inputs.

``journeymap check`` (limits, lint, regressions: :mod:`journeymap.checks`) and ``journeymap
conform`` (an event log against a map: :mod:`journeymap.events.conform`) both produce
:class:`Finding` values, and :mod:`journeymap.report.checks` renders them in every format. The
type lives here, below both, so the event layer need not import the checks.

>>> from journeymap.source import Position
>>> f = Finding("JM101", "limit.conversion", Severity.ERROR, "conversion 1.2% is below 1.5%",
...             Position("maps/shop.yaml", 22, 5))
>>> codes([f])
[('JM101', 22, 5)]
>>> str(f)
'maps/shop.yaml:22:5: JM101 error: conversion 1.2% is below 1.5%'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from journeymap.figures import p_relation, period
from journeymap.i18n import ENGLISH, Translator, translator
from journeymap.i18n.numbers import written
from journeymap.model import Severity
from journeymap.source import Position

__all__ = [
    "SEVERITY_RANK",
    "Finding",
    "Number",
    "PValue",
    "Period",
    "Phrase",
    "Severity",
    "Text",
    "codes",
    "stage_subject",
    "subject_touchpoint",
    "text",
    "text_of",
    "touchpoint_subject",
]


class Phrase(Protocol):
    """A field of a :class:`Text` written in the language of the output: a nested :class:`Text`,
    or a figure that prints its number by the locale (``12.0%`` in English, ``12,0 %`` in
    Russian; :class:`journeymap.checks.limits.Shown`). ``format()`` without a translator is
    the English form, the one every machine format keeps."""

    def format(self, t: Translator | None = None) -> str: ...


@dataclass(frozen=True)
class Number:
    """A figure inside a :class:`Text`, printed in the language the sentence is written in:
    ``spec`` is a Python format spec (``","`` a count with separators, ``",.0f"`` rounded,
    ``".1%"`` a percentage). English is ``format(value, spec)`` byte for byte (the machine
    formats keep it); another language takes the group separator, decimal mark and percent sign
    of its CLDR locale (:func:`journeymap.i18n.numbers.written`).

    >>> Number(12400).format(), Number(12400).format(translator("ru"))
    ('12,400', '12\xa0400')
    >>> Number(0.0312, ".1%").format(translator("ru")), Number(0.0047, ".2g").format(translator("lv"))
    ('3,1\xa0%', '0,0047')
    """

    value: float
    spec: str = ","

    def format(self, t: Translator | None = None) -> str:
        """The number in the language of ``t`` (English when None)."""
        return written(self.value, self.spec, lang=ENGLISH if t is None else t.lang)


@dataclass(frozen=True)
class Period:
    """A period label inside a :class:`Text`, in the words of the sentence's language
    (:func:`journeymap.figures.period`: ``2026-Q3``, ``3-й кв. 2026 г.``).

    >>> Period("2026-Q3").format(), Period("2026-Q3").format(translator("zh-Hant"))
    ('2026-Q3', '2026年第3季')
    """

    label: str

    def format(self, t: Translator | None = None) -> str:
        return period(self.label, lang=ENGLISH if t is None else t.lang)


@dataclass(frozen=True)
class PValue:
    """A p-value inside a :class:`Text` with its relation, in the sentence's language
    (:func:`journeymap.figures.p_relation`): the template writes ``p {p}``.

    >>> PValue(0.0047).format(), PValue(9.1e-16).format(), PValue(0.0312).format(translator("lv"))
    ('= 0.0047', '< 0.0001', '= 0,0312')
    """

    value: float

    def format(self, t: Translator | None = None) -> str:
        return p_relation(self.value, lang=ENGLISH if t is None else t.lang)


Field = str | Phrase
"""A field of a :class:`Text`: a string as written, or a phrase written in the output's language."""


@dataclass(frozen=True)
class Text:
    """A sentence of a finding as a gettext msgid with named fields, so that a human output can
    write it in the run's language while machine formats keep the English ``message``.

    ``message`` is always ``Text.format()`` (English): SARIF, JUnit, GitHub annotations and JSON
    are unchanged. A field is a string (an id, a figure already printed) or a :class:`Phrase`:
    a :class:`Number` or :class:`Period` (printed in the sentence's language), a figure of
    :mod:`journeymap.checks.phrases`, or a nested :class:`Text` (a phrase translated in its
    turn). ``plural`` and ``count`` pick a plural form.

    >>> t = text("'{id}' has {n} pain point and no opportunities",
    ...          plural="'{id}' has {n} pain points and no opportunities", count=2, id="cart", n="2")
    >>> t.format()
    "'cart' has 2 pain points and no opportunities"
    >>> text("{what} got worse", what=text("drop-off")).format()
    'drop-off got worse'
    """

    msgid: str
    fields: tuple[tuple[str, Field], ...] = ()
    plural: str | None = None
    count: int = 1

    def format(self, t: Translator | None = None) -> str:
        """The sentence in the language of ``t`` (English when None)."""
        t = t or translator(ENGLISH)
        values = {k: v if isinstance(v, str) else v.format(t) for k, v in self.fields}
        if self.plural is None:
            template = t.gettext(self.msgid)
        else:
            template = t.ngettext(self.msgid, self.plural, self.count)
        return template.format(**values)

    def __str__(self) -> str:
        return self.format()


def text(msgid: str, /, *, plural: str | None = None, count: int = 1, **fields: Field) -> Text:
    """A :class:`Text` (fields in keyword order)."""
    return Text(msgid, tuple(fields.items()), plural, count)


def text_of(msgid: str, fields: Mapping[str, Field]) -> Text:
    """A :class:`Text` whose fields come as a mapping (several sentences sharing fields)."""
    return Text(msgid, tuple(fields.items()))


SEVERITY_RANK = {Severity.ERROR: 2, Severity.WARNING: 1}

_TOUCHPOINT = "touchpoint:"


def touchpoint_subject(tid: str) -> str:
    """The subject of a finding (and a CSV row) about a touchpoint: what JUnit names a test
    case and ``checks.lint.disable`` matches.

    >>> touchpoint_subject("checkout"), stage_subject("buy"), subject_touchpoint("touchpoint:a:b")
    ('touchpoint:checkout', 'stage:buy', 'a:b')
    """
    return _TOUCHPOINT + tid


def stage_subject(sid: str) -> str:
    """The subject of a finding about a stage (:func:`touchpoint_subject`)."""
    return f"stage:{sid}"


def subject_touchpoint(subject: str) -> str | None:
    """The touchpoint a subject names, or None for the map, a stage or an event."""
    return subject.removeprefix(_TOUCHPOINT) if subject.startswith(_TOUCHPOINT) else None


@dataclass(frozen=True)
class Finding:
    """One problem found on a valid map: a comparable value.

    Sorting is by file, line, column, then code, so outputs are stable.
    """

    code: str
    name: str
    severity: Severity
    message: str
    position: Position | None = None
    subject: str = "map"
    """What was checked: ``map``, ``touchpoint:<id>``, ``stage:<id>``, ``event:<name>``."""
    hint: str | None = None
    data: tuple[tuple[str, Any], ...] = ()
    """Figures behind the finding (value, limit, p-value ...), as sorted key/value pairs."""
    text: Text | None = field(default=None, compare=False, repr=False)
    """The message as a translatable :class:`Text` (``message`` is its English form); None
    for messages that exist in English only."""
    hint_text: Text | None = field(default=None, compare=False, repr=False)
    """The hint as a translatable :class:`Text` (``hint`` is its English form)."""

    def message_in(self, t: Translator) -> str:
        """The message in the language of ``t`` (the English ``message`` when it has no
        :class:`Text`)."""
        return self.message if self.text is None or t.lang == ENGLISH else self.text.format(t)

    def hint_in(self, t: Translator) -> str | None:
        """The hint in the language of ``t`` (the English ``hint`` when it has no :class:`Text`).

        >>> f = Finding("JM203", "lint.dead_end", Severity.ERROR, "x",
        ...             hint="add 'next'", hint_text=text("add 'next'"))
        >>> f.hint_in(translator("en")), f == Finding("JM203", "lint.dead_end", Severity.ERROR, "x",
        ...                                             hint="add 'next'")
        ("add 'next'", True)
        """
        if self.hint_text is None or t.lang == ENGLISH:
            return self.hint
        return self.hint_text.format(t)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        pos = self.position
        return (
            pos.path if pos else "",
            pos.line if pos else 0,
            pos.col if pos else 0,
            self.code,
            self.message,
        )

    def __lt__(self, other: Finding) -> bool:
        return self.sort_key() < other.sort_key()

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of a finding (stable key names)."""
        pos = self.position
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "file": pos.path if pos else None,
            "line": pos.line if pos else None,
            "col": pos.col if pos else None,
            "subject": self.subject,
            "hint": self.hint,
            "data": dict(self.data),
        }

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        return f"{where}{self.code} {self.severity.value}: {self.message}"


def codes(findings: Iterable[Finding]) -> list[tuple[str, int, int]]:
    """The compact test form of findings: ``[(code, line, col), ...]`` in sorted order."""
    return [
        (f.code, f.position.line if f.position else 0, f.position.col if f.position else 0)
        for f in sorted(findings)
    ]
