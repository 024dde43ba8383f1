"""Comparison of two maps: matching, structural changes and the regression gate (design 4.2,
methods 3.2-3.5, 6.2).

Touchpoints are matched by id, and by ``formerly`` when the current map renamed one
(:func:`match_touchpoints`; the loader refuses an old id claimed by two touchpoints, so the
matching is one-to-one); ids on one side only are ADDED or REMOVED and not compared. For every
matched touchpoint the drop-off of the two periods is compared:

1. minimum-sample guard first: at least ``min_departures`` (30) departures and at least
   ``min_each`` (5) exits and 5 non-exits in *both* periods, else INSUFFICIENT_DATA;
2. a one-sided two-proportion pooled z test of "drop-off increased" (the score test whose
   square is Pearson's chi-squared of the 2x2 table without continuity correction; Agresti,
   *Categorical Data Analysis*, 3rd ed., 2013, section 3.1);
3. Benjamini-Hochberg over the eligible touchpoints (adjusted p below ``q``, default 0.05;
   Benjamini and Hochberg, JRSS B 57, 1995);
4. the practical threshold: an increase of at least ``min_increase`` (default 0.01, one
   percentage point).

Verdict: REGRESSION when significant and at least the threshold; WARN when at least the
threshold but not significant; OK otherwise. A REGRESSION is *confident* when the one-sided
95% Newcombe lower bound of the worsening (Newcombe, Stat. Med. 17, 1998, method 10, from
Wilson intervals) is above the threshold.

Grain: customers (exits over unique customers) when both periods count customers at the
touchpoint, which assumes customers are independent; otherwise visits (exits over completed
departures, :attr:`~journeymap.analysis.flow.Flow.departures`, the same definition
``analyze`` reports), where a customer who loops back is counted at each visit and the test
can overstate significance (noted). Overall conversion (conversions into the selected goals
over entries) and NPS / CSAT per touchpoint are gated the same way, each family with its own
Benjamini-Hochberg.

>>> from journeymap.graph import build_graph
>>> from journeymap.model import JourneyMap
>>> def side(exits, period):
...     m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M",
...         "period": period, "stages": [{"id": "s", "name": "S", "touchpoints": [
...         {"id": "cart", "name": "Cart", "entries": 1000, "next": {"paid": 1000 - exits},
...          "exits": exits}, {"id": "paid", "name": "Paid", "goal": True}]}]})
...     return Side(m, build_graph(m), ("paid",), m.period)
>>> c = compare_maps(side(400, "2026-Q3"), side(300, "2026-Q2"), label="q2")
>>> t = c.tests[1]
>>> t.metric.value, t.grain.value, t.before, t.after, t.verdict.value
('drop_off', 'visits', 0.3, 0.4, 'REGRESSION')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

import networkx as nx

from journeymap import graph as g
from journeymap import stats
from journeymap.analysis.flow import flow_table
from journeymap.model import JourneyMap, PeriodRange, Regression, Survey, period_bounds

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
    "compare_maps",
    "match_touchpoints",
    "structural_changes",
]

DEFAULT_DROP_OFF = 0.01
DEFAULT_CONVERSION = 0.01
DEFAULT_NPS = 1.0
DEFAULT_CSAT = 1.0
VISIT_GRAIN_NOTE = ("visit grain: a customer who loops back is counted at each visit, which can "
                    "overstate significance")


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
    """A touchpoint id, or ``map`` for overall conversion."""
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

        return {"metric": self.metric.value, "subject": self.subject,
                "baseline_subject": self.baseline_subject, "grain": self.grain.value,
                "before": r(self.before), "after": r(self.after), "delta": r(self.delta),
                "n_before": self.n_before, "n_after": self.n_after,
                "x_before": self.x_before, "x_after": self.x_after,
                "threshold": self.threshold, "direction": self.direction.value,
                "p_value": r(self.p_value), "p_adjusted": r(self.p_adjusted),
                "worsening_lower": r(self.worsening_lower), "confident": self.confident,
                "verdict": self.verdict.value, "note": self.note}


@dataclass(frozen=True)
class Change:
    """A structural change between the baseline and the current map."""

    kind: ChangeKind
    subject: str
    detail: str

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

    @classmethod
    def of(cls, declared: Regression | None) -> GateSettings:
        """The settings of ``checks.regression`` (defaults for what it does not say)."""
        s = declared or Regression()
        return cls(
            q=s.q, min_departures=s.min_departures, min_each=s.min_each,
            drop_off_min_increase=s.drop_off.min_increase if s.drop_off else DEFAULT_DROP_OFF,
            conversion_min_decrease=(s.conversion.min_decrease if s.conversion
                                     else DEFAULT_CONVERSION),
            nps_min_decrease=s.nps.min_decrease if s.nps else DEFAULT_NPS,
            csat_min_decrease=s.csat.min_decrease if s.csat else DEFAULT_CSAT)

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

    def as_dict(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "baseline_period": self.baseline_period,
                "current_period": self.current_period, "settings": self.settings.as_dict(),
                "tests": [t.as_dict() for t in self.tests],
                "changes": [c.as_dict() for c in self.changes],
                "notes": list(self.notes), "overlap": self.overlap}

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
    G: nx.DiGraph
    goals: tuple[str, ...]
    period: str | PeriodRange | None
    """The period the numbers describe (the overlay's, else the map's)."""


# --------------------------------------------------------------------------------- matching


def match_touchpoints(current: Mapping[str, Sequence[str]],
                      baseline: Collection[str]) -> dict[str, str]:
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


def _match_maps(current: JourneyMap, baseline: JourneyMap) -> dict[str, str]:
    return match_touchpoints({tp.id: tp.formerly for _, tp in current.iter_touchpoints()},
                             baseline.touchpoints)


def structural_changes(current: JourneyMap, baseline: JourneyMap,
                       matched: Mapping[str, str]) -> list[Change]:
    """Touchpoints and stages added, removed, renamed or moved; goals and transitions changed."""
    changes: list[Change] = []
    back = {v: k for k, v in matched.items()}
    cur_tps, old_tps = current.touchpoints, baseline.touchpoints
    for tid in cur_tps:
        if tid not in matched:
            changes.append(Change(ChangeKind.ADDED, tid, f"touchpoint '{tid}' is new"))
        elif matched[tid] != tid:
            changes.append(Change(ChangeKind.RENAMED, tid, f"'{matched[tid]}' is now '{tid}'"))
    for oid in old_tps:
        if oid not in back:
            changes.append(Change(ChangeKind.REMOVED, oid, f"touchpoint '{oid}' is gone"))
    for tid, oid in matched.items():
        s_new, s_old = current.stage_of(tid).id, baseline.stage_of(oid).id
        if s_new != s_old:
            changes.append(Change(ChangeKind.MOVED, tid,
                                  f"'{tid}' moved from stage '{s_old}' to '{s_new}'"))
        was, now = old_tps[oid].goal, cur_tps[tid].goal
        if now and not was:
            changes.append(Change(ChangeKind.GOAL_ADDED, tid, f"'{tid}' is now a goal"))
        elif was and not now:
            changes.append(Change(ChangeKind.GOAL_REMOVED, tid, f"'{tid}' is no longer a goal"))
        old_next = {back.get(t, f"(removed) {t}") for t in old_tps[oid].transitions}
        new_next = set(cur_tps[tid].transitions)
        for t in sorted(new_next - old_next):
            changes.append(Change(ChangeKind.TRANSITION_ADDED, tid, f"'{tid}' -> '{t}' is new"))
        for t in sorted(old_next - new_next):
            changes.append(Change(ChangeKind.TRANSITION_REMOVED, tid, f"'{tid}' -> '{t}' is gone"))
    new_stages = [s.id for s in current.stages]
    old_stages = [s.id for s in baseline.stages]
    for sid in new_stages:
        if sid not in old_stages:
            changes.append(Change(ChangeKind.STAGE_ADDED, sid, f"stage '{sid}' is new"))
    for sid in old_stages:
        if sid not in new_stages:
            changes.append(Change(ChangeKind.STAGE_REMOVED, sid, f"stage '{sid}' is gone"))
    return changes


# ------------------------------------------------------------------------------ the gate


@dataclass(frozen=True)
class _Sample:
    """``x`` of ``n`` in each period for one subject (``x`` successes of the metric)."""

    subject: str
    old: str
    x1: int
    n1: int
    x2: int
    n2: int
    grain: Grain
    note: str | None = None


def _eligible(x: int, n: int, settings: GateSettings) -> bool:
    return n >= settings.min_departures and min(x, n - x) >= settings.min_each


def _verdict(delta: float, threshold: float, significant: bool) -> Verdict:
    if delta >= threshold - 1e-12:
        return Verdict.REGRESSION if significant else Verdict.WARN
    return Verdict.OK


def _gate_proportions(samples: list[_Sample], settings: GateSettings, threshold: float,
                      direction: Direction, metric: Metric, scale: float = 1.0) -> list[Test]:
    """Guard, one-sided pooled z, BH over the eligible samples, threshold; returns the tests.

    Values and the threshold are in display units: fractions times `scale`.
    """
    alternative = "greater" if direction == Direction.INCREASE else "less"
    eligible = [s for s in samples if _eligible(s.x1, s.n1, settings)
                and _eligible(s.x2, s.n2, settings)]
    ps = [stats.two_proportion_test(s.x1, s.n1, s.x2, s.n2, alternative=alternative)
          for s in eligible]
    adjusted = dict(zip((id(s) for s in eligible), zip(ps, stats.benjamini_hochberg(ps),
                                                       strict=True), strict=True))
    tests = []
    for s in samples:
        before = s.x1 / s.n1 * scale if s.n1 else None
        after = s.x2 / s.n2 * scale if s.n2 else None
        test = Test(metric=metric, subject=s.subject, baseline_subject=s.old, grain=s.grain,
                    before=before, after=after, n_before=s.n1, n_after=s.n2, x_before=s.x1,
                    x_after=s.x2, threshold=threshold, direction=direction,
                    verdict=Verdict.INSUFFICIENT_DATA, note=s.note)
        if id(s) not in adjusted or before is None or after is None:
            tests.append(test)
            continue
        p, padj = adjusted[id(s)]
        change = after - before if direction == Direction.INCREASE else before - after
        bounds = (stats.newcombe_difference(s.x1, s.n1, s.x2, s.n2)
                  if direction == Direction.INCREASE else
                  stats.newcombe_difference(s.x2, s.n2, s.x1, s.n1))
        tests.append(dataclasses.replace(
            test, verdict=_verdict(change, threshold, padj < settings.q), p_value=p,
            p_adjusted=padj, worsening_lower=None if bounds is None else bounds[0] * scale))
    return tests


def _drop_off_samples(current: Side, baseline: Side,
                      matched: Mapping[str, str]) -> list[_Sample]:
    """Exits over customers when both periods count them, else over completed departures."""
    old_flows = flow_table(baseline.G, baseline.goals)
    samples = []
    for tid, f2 in flow_table(current.G, current.goals).items():
        oid = matched.get(tid)
        if oid is None or tid in current.goals or oid in baseline.goals:
            continue
        f1 = old_flows[oid]
        if f1.customers is not None and f2.customers is not None:
            n1, n2, grain = f1.customers, f2.customers, Grain.CUSTOMERS
        else:
            n1, n2, grain = f1.departures, f2.departures, Grain.VISITS
        samples.append(_Sample(tid, oid, min(f1.exits, n1), n1, min(f2.exits, n2), n2, grain))
    return samples


def _journeys(side: Side) -> tuple[int, int]:
    """``(entries, conversions into the selected goals)``, both outside the goals."""
    flows = [f for f in flow_table(side.G, side.goals).values() if f.id not in side.goals]
    return sum(f.entries for f in flows), sum(f.conversions for f in flows)


def _conversion_samples(current: Side, baseline: Side) -> list[_Sample]:
    if not (current.goals and baseline.goals and baseline.G.graph[g.HAS_COUNTS]
            and current.G.graph[g.HAS_COUNTS]):
        return []
    n1, x1 = _journeys(baseline)
    n2, x2 = _journeys(current)
    return [_Sample("map", "map", min(x1, n1), n1, min(x2, n2), n2, Grain.JOURNEYS,
                    "conversions into the selected goals over entries")]


def _survey(G: nx.DiGraph, tid: str, kind: str) -> Survey | None:
    scores = G.nodes[tid][g.SCORES]
    return getattr(scores, kind, None) if scores is not None else None


def _top_box(s: Survey) -> int:
    top = set(s.top_box) if s.top_box is not None else {4, 5}
    return sum(c for a, c in s.responses.items() if a in top)


def _csat_samples(current: Side, baseline: Side, matched: Mapping[str, str]) -> list[_Sample]:
    """Top-box answers over all answers per matched touchpoint."""
    samples = []
    for tid, oid in matched.items():
        s1, s2 = _survey(baseline.G, oid, "csat"), _survey(current.G, tid, "csat")
        if s1 is None or s2 is None:
            continue
        samples.append(_Sample(tid, oid, _top_box(s1), s1.total, _top_box(s2), s2.total,
                               Grain.RESPONSES))
    return samples


def _gate_nps(current: Side, baseline: Side, matched: Mapping[str, str],
              settings: GateSettings) -> list[Test]:
    """``z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)`` with multinomial standard errors, BH, threshold."""
    rows = []
    for tid, oid in matched.items():
        s1, s2 = _survey(baseline.G, oid, "nps"), _survey(current.G, tid, "nps")
        if s1 is None or s2 is None or tuple(s1.scale) != (0, 10) or tuple(s2.scale) != (0, 10):
            continue
        rows.append((tid, oid, stats.nps_counts(dict(s1.responses)),
                     stats.nps_counts(dict(s2.responses))))
    eligible = []
    results: dict[str, tuple[float, float]] = {}
    for tid, _, a, b in rows:
        if a[2] >= settings.min_departures and b[2] >= settings.min_departures:
            z_p = stats.nps_test(a, b)
            if z_p is not None:
                eligible.append(tid)
                results[tid] = z_p
    adjusted = dict(zip(eligible, stats.benjamini_hochberg([results[t][1] for t in eligible]),
                        strict=True))
    threshold = settings.nps_min_decrease
    tests = []
    for tid, oid, a, b in rows:
        v1, v2 = stats.nps_value_se(*a), stats.nps_value_se(*b)
        test = Test(metric=Metric.NPS, subject=tid, baseline_subject=oid, grain=Grain.RESPONSES,
                    before=v1[0] if v1 else None, after=v2[0] if v2 else None,
                    n_before=a[2], n_after=b[2], x_before=None, x_after=None,
                    threshold=threshold, direction=Direction.DECREASE,
                    verdict=Verdict.INSUFFICIENT_DATA,
                    note="z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)")
        if tid not in adjusted or v1 is None or v2 is None:
            tests.append(test)
            continue
        tests.append(dataclasses.replace(
            test, verdict=_verdict(v1[0] - v2[0], threshold, adjusted[tid] < settings.q),
            p_value=results[tid][1], p_adjusted=adjusted[tid]))
    return tests


def _bounds(side: Side) -> tuple[dt.date, dt.date] | None:
    return period_bounds(side.period) if side.period is not None else None


def _overlap(current: Side, baseline: Side) -> str | None:
    a, b = _bounds(baseline), _bounds(current)
    if a is None or b is None:
        return None  # compare_maps() adds a note
    if a == b:
        return f"the baseline and the current period are the same ({a[0]} to {a[1]})"
    if a[0] <= b[1] and b[0] <= a[1]:
        return (f"the baseline period ({a[0]} to {a[1]}) overlaps the current one "
                f"({b[0]} to {b[1]})")
    return None


def compare_maps(current: Side, baseline: Side, *, label: str) -> Comparison:
    """Compare the current period with the baseline's and gate regressions.

    The settings are the current map's ``checks.regression`` (defaults for what it does not
    declare); `label` names the baseline in reports.
    """
    settings = GateSettings.of(current.map.checks.regression if current.map.checks else None)
    matched = _match_maps(current.map, baseline.map)
    notes = []
    if _bounds(current) is None or _bounds(baseline) is None:
        notes.append("the baseline or the current numbers have no period, so journeymap "
                     "cannot tell whether the two windows overlap")
    drop = _drop_off_samples(current, baseline, matched)
    tests = _gate_proportions(drop, settings, settings.drop_off_min_increase,
                              Direction.INCREASE, Metric.DROP_OFF)
    if any(s.grain == Grain.VISITS for s in drop):
        notes.append(f"drop-off is compared at {VISIT_GRAIN_NOTE}; overlays made from "
                     "event logs carry customer counts")
    tests += _gate_proportions(_conversion_samples(current, baseline), settings,
                               settings.conversion_min_decrease, Direction.DECREASE,
                               Metric.CONVERSION)
    tests += _gate_proportions(_csat_samples(current, baseline, matched), settings,
                               settings.csat_min_decrease, Direction.DECREASE, Metric.CSAT,
                               scale=100.0)
    tests += _gate_nps(current, baseline, matched, settings)
    order = {tid: i for i, tid in enumerate(g.touchpoints_in_order(current.G))}
    metrics = list(Metric)
    tests.sort(key=lambda t: (metrics.index(t.metric), order.get(t.subject, -1)))
    return Comparison(
        baseline=label, baseline_period=baseline.G.graph[g.PERIOD],
        current_period=current.G.graph[g.PERIOD], settings=settings, tests=tuple(tests),
        changes=tuple(structural_changes(current.map, baseline.map, matched)),
        notes=tuple(notes), overlap=_overlap(current, baseline))
