"""The typed side-by-side comparison of two analyses (:func:`journeymap.analysis.compare`), and
its JSON form.

:class:`SideBySide` holds both :class:`ComparedSide` s, the :class:`SummaryPairs` of the whole
chain, one :class:`TouchpointRow` per touchpoint (with its :class:`ComparedFigures`), one
:class:`StageRow` per stage and the :class:`TopLeaks`. Consumers (the table, Markdown and CSV of
``journeymap analyze --compare-data`` / ``--compare-scenario``) read their attributes;
:meth:`SideBySide.to_dict` is the ``journeymap-comparison: 1`` document. As in
:mod:`journeymap.analysis.results`, the field order of each class is the key order of its JSON
object (``docs/analysis.md`` section 14 is the contract). Not to be confused with
:class:`journeymap.analysis.comparison.Comparison`, the baseline gate's statistics.

>>> pair = FigurePair(a=0.6, b=0.5, change=-0.1)
>>> to_document(pair)
{'a': 0.6, 'b': 0.5, 'change': -0.1}
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from journeymap.analysis.document import to_document

Status = Literal["COMPARED", "RENAMED", "ADDED", "REMOVED"]
"""What happened to a touchpoint between the two sides (ADDED and REMOVED: one side only)."""


@dataclass(frozen=True)
class ComparedSide:
    """``a`` / ``b``: which analysis a side is (its label, map and settings)."""

    label: str | None
    map: str | None
    period: str | None
    scenario: str | None
    persona: str | None
    goal: str | None
    data: str


@dataclass(frozen=True)
class FigurePair:
    """``summary.<figure>``: a figure on both sides and its change ``b - a`` (None unless both
    are numbers)."""

    a: float | None
    b: float | None
    change: float | None


@dataclass(frozen=True)
class SummaryPairs:
    """``summary``: the figures of the whole chain compared (in this order)."""

    entries: FigurePair
    conversions: FigurePair
    exits: FigurePair
    observed_conversion_rate: FigurePair
    conversion_probability: FigurePair
    unknown_probability: FigurePair
    expected_touchpoints: FigurePair
    total_lost_conversions: FigurePair
    total_lost_value: FigurePair

    def pairs(self) -> tuple[tuple[str, FigurePair], ...]:
        """``(figure, pair)`` of every summary figure, in document order."""
        return tuple((name, getattr(self, name)) for name in SUMMARY_FIGURES)


SUMMARY_FIGURES: tuple[str, ...] = tuple(f.name for f in fields(SummaryPairs))
"""The summary figures a comparison shows, in document order (the fields of :class:`SummaryPairs`)."""


@dataclass(frozen=True)
class ComparedFigures:
    """``touchpoints[].a`` / ``.b`` / ``.change``: one touchpoint's figures on one side (its
    leak's losses, None when it is no ranked leak; its survey headlines), or their changes
    ``b - a`` (None unless both are numbers)."""

    visits: int
    exits: int
    departures: int
    drop_off: float | None
    conversion_probability: float | None
    reach_probability: float | None
    removal_effect: float | None
    lost_conversions: float | None
    lost_value: float | None
    nps: float | None
    csat: float | None
    ces: float | None


@dataclass(frozen=True)
class TouchpointRow:
    """``touchpoints[]``: one touchpoint side by side, by its id on side b (on side a when
    REMOVED); ``formerly`` is its id on side a when RENAMED. ``change`` is None, and ``a`` or
    ``b`` too, for a touchpoint on one side only."""

    id: str
    status: Status
    formerly: str | None
    a: ComparedFigures | None
    b: ComparedFigures | None
    change: ComparedFigures | None

    def to_json(self) -> dict[str, Any]:
        """The row's object: ``formerly`` (null when COMPARED) only on matched touchpoints."""
        matched = self.status in ("COMPARED", "RENAMED")
        head = {"id": self.id, "status": self.status}
        return {**head, **({"formerly": self.formerly} if matched else {}), **self._sides()}

    def _sides(self) -> dict[str, ComparedFigures | None]:
        """The ``a``, ``b`` and ``change`` keys of the row's object."""
        return {"a": self.a, "b": self.b, "change": self.change}


@dataclass(frozen=True)
class StageRow:
    """``stages[]``: the reach probability of a stage of b beside a's (None where a has no
    such stage) and its change."""

    id: str
    a: float | None
    b: float | None
    change: float | None


@dataclass(frozen=True)
class TopLeaks:
    """``top_leaks``: the ids of the first five ranked leaks of each side."""

    a: tuple[str, ...]
    b: tuple[str, ...]


@dataclass(frozen=True)
class SideBySide:
    """The side-by-side comparison of two analyses (numbers rounded to 10 significant digits);
    :meth:`to_dict` is its JSON document."""

    a: ComparedSide
    b: ComparedSide
    unit: str
    currency: str | None
    summary: SummaryPairs
    touchpoints: tuple[TouchpointRow, ...]
    stages: tuple[StageRow, ...]
    top_leaks: TopLeaks
    note: str
    """English (an ``N_`` msgid, translated where it is printed)."""

    def to_dict(self) -> dict[str, Any]:
        """The document ``journeymap analyze --compare-data ... --format json`` prints."""
        out: dict[str, Any] = {"journeymap-comparison": 1, **to_document(self)}
        return out
