"""What a comparison of two maps is: matching, structural changes and the gate's typed results
(design 4.2, methods 3.2-3.5, 6.2).

Touchpoints are matched by id, and by ``formerly`` when the current map renamed one
(:func:`match_touchpoints`; the loader refuses an old id claimed by two touchpoints, so the
matching is one-to-one); ids on one side only are ADDED or REMOVED (:func:`structural_changes`)
and not compared. :func:`journeymap.analysis.gate.compare_maps` computes a
:class:`Comparison`: one :class:`Test` per metric and subject, with a :class:`Verdict`.
``journeymap check``'s JM30x checks judge it; ``journeymap diff`` prints it;
``analyze --compare-data`` matches touchpoints with the same :func:`match_touchpoints`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

import networkx as nx

from journeymap.findings import Text, text
from journeymap.i18n import ENGLISH, N_, Translator
from journeymap.model import JourneyMap, PeriodRange, Regression

__all__ = [
    "Change",
    "ChangeKind",
    "Comparison",
    "Direction",
    "GateSettings",
    "Grain",
    "Metric",
    "Side",
    "Test",
    "Verdict",
    "match_touchpoints",
    "structural_changes",
]

DEFAULT_DROP_OFF = 0.01
DEFAULT_CONVERSION = 0.01
DEFAULT_NPS = 1.0
DEFAULT_CSAT = 1.0
DEFAULT_CES = 0.1
"""CES points (on the survey's own scale)."""
DEFAULT_CHURN = 0.01
VISIT_GRAIN_NOTE = N_(
    "visit grain: a customer who loops back is counted at each visit, which can "
    "overstate significance"
)


class Verdict(StrEnum):
    """The verdict of one comparison of a metric."""

    REGRESSION = "REGRESSION"
    WARN = "WARN"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    OK = "OK"


class Metric(StrEnum):
    """What is compared (in the order the tests are listed)."""

    CONVERSION = "conversion"
    DROP_OFF = "drop_off"
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    CHURN = "churn"


PROPORTIONS: frozenset[Metric] = frozenset({Metric.CONVERSION, Metric.DROP_OFF, Metric.CHURN})
"""The metrics that are fractions of 0-1 (printed as percentages, changes in points); CSAT is
on 0-100 already, NPS and CES are scores."""


class Grain(StrEnum):
    """What one observation of a test is."""

    CUSTOMERS = "customers"
    VISITS = "visits"
    JOURNEYS = "journeys"
    RESPONSES = "responses"


class Direction(StrEnum):
    """Which way a metric gets worse."""

    INCREASE = "increase"
    DECREASE = "decrease"


class ChangeKind(StrEnum):
    """A kind of structural change between the baseline and the current map."""

    ADDED = "ADDED"
    REMOVED = "REMOVED"
    RENAMED = "RENAMED"
    MOVED = "MOVED"
    GOAL_ADDED = "GOAL_ADDED"
    GOAL_REMOVED = "GOAL_REMOVED"
    TRANSITION_ADDED = "TRANSITION_ADDED"
    TRANSITION_REMOVED = "TRANSITION_REMOVED"
    STAGE_ADDED = "STAGE_ADDED"
    STAGE_REMOVED = "STAGE_REMOVED"


@dataclass(frozen=True)
class Test:
    """One comparison of a metric between the baseline and the current period."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    metric: Metric
    subject: str
    """A touchpoint id, or ``map`` for overall conversion and churn."""
    baseline_subject: str
    grain: Grain
    before: float | None
    after: float | None
    n_before: int
    n_after: int
    x_before: int | None
    x_after: int | None
    threshold: float
    direction: Direction
    verdict: Verdict
    p_value: float | None = None
    p_adjusted: float | None = None
    note: str | None = None
    worsening_lower: float | None = None
    """One-sided 95% Newcombe lower bound of the worsening (display units), proportions only."""

    @property
    def confident(self) -> bool | None:
        """A REGRESSION whose worsening is above the threshold even at its lower bound."""
        if self.verdict != Verdict.REGRESSION or self.worsening_lower is None:
            return None
        return self.worsening_lower > self.threshold

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def as_dict(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 6)

        return {
            "metric": self.metric.value,
            "subject": self.subject,
            "baseline_subject": self.baseline_subject,
            "grain": self.grain.value,
            "before": r(self.before),
            "after": r(self.after),
            "delta": r(self.delta),
            "n_before": self.n_before,
            "n_after": self.n_after,
            "x_before": self.x_before,
            "x_after": self.x_after,
            "threshold": self.threshold,
            "direction": self.direction.value,
            "p_value": r(self.p_value),
            "p_adjusted": r(self.p_adjusted),
            "worsening_lower": r(self.worsening_lower),
            "confident": self.confident,
            "verdict": self.verdict.value,
            "note": self.note,
        }


@dataclass(frozen=True)
class Change:
    """A structural change between the baseline and the current map."""

    kind: ChangeKind
    subject: str
    detail: str
    text: Text | None = field(default=None, compare=False, repr=False)
    """``detail`` as a translatable sentence (``detail`` is its English form)."""

    @classmethod
    def of(cls, kind: ChangeKind, subject: str, sentence: Text) -> Change:
        """A change whose detail is the English form of ``sentence``."""
        return cls(kind, subject, sentence.format(), sentence)

    def detail_in(self, t: Translator) -> str:
        """The detail in the language of ``t``."""
        return _in(self.detail, self.text, t)

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "subject": self.subject, "detail": self.detail}


@dataclass(frozen=True)
class GateSettings:
    """The gate's guard, false discovery rate and thresholds (declared or default)."""

    q: float
    min_departures: int
    min_each: int
    drop_off_min_increase: float
    conversion_min_decrease: float
    nps_min_decrease: float
    csat_min_decrease: float
    ces_min_decrease: float
    churn_min_increase: float

    @classmethod
    def of(cls, declared: Regression | None) -> GateSettings:
        """The settings of ``checks.regression`` (defaults for what it does not say)."""
        s = declared or Regression()
        return cls(
            q=s.q,
            min_departures=s.min_departures,
            min_each=s.min_each,
            drop_off_min_increase=s.drop_off.min_increase if s.drop_off else DEFAULT_DROP_OFF,
            conversion_min_decrease=(
                s.conversion.min_decrease if s.conversion else DEFAULT_CONVERSION
            ),
            nps_min_decrease=s.nps.min_decrease if s.nps else DEFAULT_NPS,
            csat_min_decrease=s.csat.min_decrease if s.csat else DEFAULT_CSAT,
            ces_min_decrease=s.ces.min_decrease if s.ces else DEFAULT_CES,
            churn_min_increase=s.churn.min_increase if s.churn else DEFAULT_CHURN,
        )

    def as_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Comparison:
    """Everything the comparison with a baseline found, in stable order."""

    baseline: str
    """How the baseline is named in reports (a file, ``REF``, ``old + overlay``)."""
    baseline_period: str | None
    current_period: str | None
    settings: GateSettings
    tests: tuple[Test, ...] = ()
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()
    overlap: str | None = None
    """Why the periods overlap (peeking), or None."""
    note_texts: tuple[Text, ...] = field(default=(), compare=False, repr=False)
    """``notes`` as translatable sentences (``notes`` are their English forms)."""
    overlap_text: Text | None = field(default=None, compare=False, repr=False)

    def notes_in(self, t: Translator) -> list[str]:
        """The notes in the language of ``t``."""
        if t.lang == ENGLISH or len(self.note_texts) != len(self.notes):
            return list(self.notes)
        return [n.format(t) for n in self.note_texts]

    def overlap_in(self, t: Translator) -> str | None:
        """Why the periods overlap, in the language of ``t`` (None when they do not)."""
        return None if self.overlap is None else _in(self.overlap, self.overlap_text, t)

    def as_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "baseline_period": self.baseline_period,
            "current_period": self.current_period,
            "settings": self.settings.as_dict(),
            "tests": [t.as_dict() for t in self.tests],
            "changes": [c.as_dict() for c in self.changes],
            "notes": list(self.notes),
            "overlap": self.overlap,
        }

    def verdicts(self) -> dict[str, int]:
        """How many tests got each verdict (every verdict listed, in the enum's order)."""
        out = {v.value: 0 for v in Verdict}
        for t in self.tests:
            out[t.verdict.value] += 1
        return out


@dataclass(frozen=True, eq=False)
class Side:
    """One side of a comparison: the map, its graph, the selected goals and its period."""

    map: JourneyMap
    G: nx.DiGraph[str]
    goals: tuple[str, ...]
    period: str | PeriodRange | None
    """The period the numbers describe (the overlay's, else the map's)."""
    segment: Mapping[str, object] | None = None
    """The overlay's ``segment:`` (the arm of an experiment, a persona...), or None."""


# --------------------------------------------------------------------------------- matching


def match_touchpoints(
    current: Mapping[str, Sequence[str]], baseline: Collection[str]
) -> dict[str, str]:
    """``{current id: baseline id}`` by id, then by the current touchpoint's ``formerly``.

    `current` maps each current touchpoint id to its ``formerly`` ids, in map order;
    `baseline` holds the baseline's ids. The result is in the order of `current` and
    one-to-one (the loader refuses an old id claimed by two touchpoints).

    >>> match_touchpoints({"cart": ["basket"], "pay": []}, {"basket", "pay"})
    {'cart': 'basket', 'pay': 'pay'}
    """
    found: dict[str, str] = {t: t for t in current if t in baseline}
    used = set(found.values())
    for tid, formerly in current.items():
        if tid in found:
            continue
        for former in formerly:
            if former in baseline and former not in used:
                found[tid] = former
                used.add(former)
                break
    return {t: found[t] for t in current if t in found}


def _touchpoint_changes(
    current: JourneyMap, baseline: JourneyMap, tid: str, oid: str, back: Mapping[str, str]
) -> list[Change]:
    """What changed at one matched touchpoint: its stage, its goal flag, its transitions."""
    changes: list[Change] = []
    cur, old = current.touchpoints[tid], baseline.touchpoints[oid]
    s_new, s_old = current.stage_of(tid).id, baseline.stage_of(oid).id
    if s_new != s_old:
        moved = text("'{tid}' moved from stage '{old}' to '{new}'", tid=tid, old=s_old, new=s_new)
        changes.append(Change.of(ChangeKind.MOVED, tid, moved))
    if cur.goal and not old.goal:
        changes.append(
            Change.of(ChangeKind.GOAL_ADDED, tid, text("'{tid}' is now a goal", tid=tid))
        )
    elif old.goal and not cur.goal:
        changes.append(
            Change.of(ChangeKind.GOAL_REMOVED, tid, text("'{tid}' is no longer a goal", tid=tid))
        )
    old_next = {back.get(t, f"(removed) {t}") for t in old.transitions}
    new_next = set(cur.transitions)
    for t in sorted(new_next - old_next):
        new = text("'{tid}' -> '{target}' is new", tid=tid, target=t)
        changes.append(Change.of(ChangeKind.TRANSITION_ADDED, tid, new))
    for t in sorted(old_next - new_next):
        gone = text("'{tid}' -> '{target}' is gone", tid=tid, target=t)
        changes.append(Change.of(ChangeKind.TRANSITION_REMOVED, tid, gone))
    return changes


def structural_changes(
    current: JourneyMap, baseline: JourneyMap, matched: Mapping[str, str]
) -> list[Change]:
    """Touchpoints and stages added, removed, renamed or moved; goals and transitions changed."""
    changes: list[Change] = []
    back = {v: k for k, v in matched.items()}
    cur_tps, old_tps = current.touchpoints, baseline.touchpoints
    for tid in cur_tps:
        if tid not in matched:
            new = text("touchpoint '{tid}' is new", tid=tid)
            changes.append(Change.of(ChangeKind.ADDED, tid, new))
        elif matched[tid] != tid:
            renamed = text("'{old}' is now '{tid}'", old=matched[tid], tid=tid)
            changes.append(Change.of(ChangeKind.RENAMED, tid, renamed))
    for oid in old_tps:
        if oid not in back:
            gone = text("touchpoint '{tid}' is gone", tid=oid)
            changes.append(Change.of(ChangeKind.REMOVED, oid, gone))
    for tid, oid in matched.items():
        changes += _touchpoint_changes(current, baseline, tid, oid, back)
    new_stages = [s.id for s in current.stages]
    old_stages = [s.id for s in baseline.stages]
    for sid in new_stages:
        if sid not in old_stages:
            new = text("stage '{sid}' is new", sid=sid)
            changes.append(Change.of(ChangeKind.STAGE_ADDED, sid, new))
    for sid in old_stages:
        if sid not in new_stages:
            gone = text("stage '{sid}' is gone", sid=sid)
            changes.append(Change.of(ChangeKind.STAGE_REMOVED, sid, gone))
    return changes


def _in(english: str, sentence: Text | None, t: Translator) -> str:
    """``english`` in the language of ``t`` when its sentence is known."""
    return english if sentence is None or t.lang == ENGLISH else sentence.format(t)
