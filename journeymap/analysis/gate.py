"""The regression gate: compare the current period of a map with a baseline's (methods 3.2-3.5).

For every matched touchpoint (:func:`~journeymap.analysis.comparison.match_touchpoints`) that
is a goal on neither side, the drop-off of the two periods is compared:

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
Benjamini-Hochberg; so are the CES mean per touchpoint (:func:`mean_worsening_test`, threshold
in scale points, default 0.1) and churn ``lost / S`` when both periods carry the customer
counts (their ``business:``; a two-proportion test at customer grain, default threshold one
percentage point; retention ``(E - N) / S`` falls exactly when this churn rises, so one test
gates both).

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
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from journeymap import graph as g
from journeymap import stats
from journeymap.analysis.comparison import (
    VISIT_GRAIN_NOTE,
    Comparison,
    Direction,
    GateSettings,
    Grain,
    Metric,
    Side,
    Test,
    Verdict,
    match_touchpoints,
    structural_changes,
)
from journeymap.analysis.flow import flow_table
from journeymap.findings import Text, text
from journeymap.model import (
    Business,
    CesSurvey,
    CsatSurvey,
    JourneyMap,
    NpsSurvey,
    period_bounds,
)
from journeymap.model import Direction as CesDirection
from journeymap.stats import MeanEstimate

__all__ = ["compare_maps"]


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


def _gate_proportions(
    samples: list[_Sample],
    settings: GateSettings,
    threshold: float,
    direction: Direction,
    metric: Metric,
    scale: float = 1.0,
) -> list[Test]:
    """Guard, one-sided pooled z, BH over the eligible samples, threshold; returns the tests.

    Values and the threshold are in display units: fractions times `scale`.
    """
    alternative: stats.Alternative = "greater" if direction == Direction.INCREASE else "less"
    eligible = [
        s for s in samples if _eligible(s.x1, s.n1, settings) and _eligible(s.x2, s.n2, settings)
    ]
    ps = [
        stats.two_proportion_test(s.x1, s.n1, s.x2, s.n2, alternative=alternative) for s in eligible
    ]
    adjusted = dict(
        zip(
            (id(s) for s in eligible),
            zip(ps, stats.benjamini_hochberg(ps), strict=True),
            strict=True,
        )
    )
    tests = []
    for s in samples:
        before = s.x1 / s.n1 * scale if s.n1 else None
        after = s.x2 / s.n2 * scale if s.n2 else None
        test = Test(
            metric=metric,
            subject=s.subject,
            baseline_subject=s.old,
            grain=s.grain,
            before=before,
            after=after,
            n_before=s.n1,
            n_after=s.n2,
            x_before=s.x1,
            x_after=s.x2,
            threshold=threshold,
            direction=direction,
            verdict=Verdict.INSUFFICIENT_DATA,
            note=s.note,
        )
        if id(s) not in adjusted or before is None or after is None:
            tests.append(test)
            continue
        p, padj = adjusted[id(s)]
        change = after - before if direction == Direction.INCREASE else before - after
        # a 90% two-sided interval: each end is a one-sided 95% bound
        bounds = (
            stats.newcombe_difference(s.x1, s.n1, s.x2, s.n2, confidence=0.90)
            if direction == Direction.INCREASE
            else stats.newcombe_difference(s.x2, s.n2, s.x1, s.n1, confidence=0.90)
        )
        tests.append(
            dataclasses.replace(
                test,
                verdict=_verdict(change, threshold, padj < settings.q),
                p_value=p,
                p_adjusted=padj,
                worsening_lower=None if bounds is None else bounds[0] * scale,
            )
        )
    return tests


def _drop_off_samples(current: Side, baseline: Side, matched: Mapping[str, str]) -> list[_Sample]:
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
    if not (
        current.goals
        and baseline.goals
        and baseline.G.graph[g.HAS_COUNTS]
        and current.G.graph[g.HAS_COUNTS]
    ):
        return []
    n1, x1 = _journeys(baseline)
    n2, x2 = _journeys(current)
    return [
        _Sample(
            "map",
            "map",
            min(x1, n1),
            n1,
            min(x2, n2),
            n2,
            Grain.JOURNEYS,
            "conversions into the selected goals over entries",
        )
    ]


def _csat(G: nx.DiGraph[str], tid: str) -> CsatSurvey | None:
    scores = G.nodes[tid][g.SCORES]
    return scores.csat if scores is not None else None


def _nps(G: nx.DiGraph[str], tid: str) -> NpsSurvey | None:
    scores = G.nodes[tid][g.SCORES]
    return scores.nps if scores is not None else None


def _csat_samples(current: Side, baseline: Side, matched: Mapping[str, str]) -> list[_Sample]:
    """Top-box answers over all answers per matched touchpoint."""
    samples = []
    for tid, oid in matched.items():
        s1, s2 = _csat(baseline.G, oid), _csat(current.G, tid)
        if s1 is None or s2 is None:
            continue
        samples.append(
            _Sample(tid, oid, s1.satisfied, s1.total, s2.satisfied, s2.total, Grain.RESPONSES)
        )
    return samples


def _gate_nps(
    current: Side, baseline: Side, matched: Mapping[str, str], settings: GateSettings
) -> list[Test]:
    """``z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)`` with multinomial standard errors, BH, threshold."""
    rows = []
    for tid, oid in matched.items():
        s1, s2 = _nps(baseline.G, oid), _nps(current.G, tid)
        if s1 is None or s2 is None or not (s1.on_nps_scale and s2.on_nps_scale):
            continue
        rows.append((tid, oid, s1.counts(), s2.counts()))
    eligible = []
    results: dict[str, tuple[float, float]] = {}
    for tid, _, a, b in rows:
        if a.responses >= settings.min_departures and b.responses >= settings.min_departures:
            z_p = stats.nps_test(a, b)
            if z_p is not None:
                eligible.append(tid)
                results[tid] = z_p
    adjusted = dict(
        zip(eligible, stats.benjamini_hochberg([results[t][1] for t in eligible]), strict=True)
    )
    threshold = settings.nps_min_decrease
    tests = []
    for tid, oid, a, b in rows:
        v1, v2 = stats.nps_score(a), stats.nps_score(b)
        test = Test(
            metric=Metric.NPS,
            subject=tid,
            baseline_subject=oid,
            grain=Grain.RESPONSES,
            before=v1,
            after=v2,
            n_before=a.responses,
            n_after=b.responses,
            x_before=None,
            x_after=None,
            threshold=threshold,
            direction=Direction.DECREASE,
            verdict=Verdict.INSUFFICIENT_DATA,
            note="z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)",
        )
        if tid not in adjusted or v1 is None or v2 is None:
            tests.append(test)
            continue
        tests.append(
            dataclasses.replace(
                test,
                verdict=_verdict(v1 - v2, threshold, adjusted[tid] < settings.q),
                p_value=results[tid][1],
                p_adjusted=adjusted[tid],
            )
        )
    return tests


def _ces(G: nx.DiGraph[str], tid: str) -> CesSurvey | None:
    scores = G.nodes[tid][g.SCORES]
    return scores.ces if scores is not None else None


def mean_worsening_test(
    before: MeanEstimate, after: MeanEstimate, higher_is_better: bool
) -> tuple[float, float] | None:
    """One-sided test that a mean got worse: ``(z, p)`` with ``p = P(Z > z)``.

    ``z = (m1 - m2) / sqrt(SE1^2 + SE2^2)`` when higher is better (``(m2 - m1) / ...`` when
    lower is better), the standard errors of :func:`journeymap.stats.mean_interval`: the
    large-sample two-sample z test for means with unequal variances (Welch's statistic with
    the normal instead of Student's t; Welch, Biometrika 34, 1947). It assumes independent
    respondents. None when a standard error is missing (one answer) or both are 0.

    >>> from journeymap.stats import mean_interval
    >>> a, b = mean_interval({3: 10, 5: 20, 7: 10}), mean_interval({3: 20, 5: 10, 7: 10})
    >>> z, p = mean_worsening_test(a, b, higher_is_better=True)
    >>> round(z, 3), round(p, 4)
    (1.433, 0.076)
    """
    if before.standard_error is None or after.standard_error is None:
        return None
    se = (before.standard_error**2 + after.standard_error**2) ** 0.5
    if se == 0.0:
        return None
    z = (before.mean - after.mean if higher_is_better else after.mean - before.mean) / se
    return z, stats.normal_sf(z)


def _gate_ces(
    current: Side, baseline: Side, matched: Mapping[str, str], settings: GateSettings
) -> list[Test]:
    """The CES mean per matched touchpoint: the guard on responses, the z test of
    :func:`mean_worsening_test`, Benjamini-Hochberg, the threshold in scale points. Surveys
    on different scales or directions are not compared (INSUFFICIENT_DATA with a note)."""
    rows = []
    for tid, oid in matched.items():
        s1, s2 = _ces(baseline.G, oid), _ces(current.G, tid)
        if s1 is not None and s2 is not None:
            rows.append((tid, oid, s1, s2))
    results: dict[str, tuple[float, float]] = {}
    for tid, _, s1, s2 in rows:
        m1, m2 = stats.mean_interval(s1.responses), stats.mean_interval(s2.responses)
        comparable = tuple(s1.scale) == tuple(s2.scale) and s1.direction == s2.direction
        if (
            comparable
            and m1 is not None
            and m2 is not None
            and min(s1.total, s2.total) >= settings.min_departures
        ):
            z_p = mean_worsening_test(m1, m2, s2.direction == CesDirection.HIGHER_IS_BETTER)
            if z_p is not None:
                results[tid] = z_p
    eligible = list(results)
    adjusted = dict(
        zip(eligible, stats.benjamini_hochberg([results[t][1] for t in eligible]), strict=True)
    )
    tests = []
    for tid, oid, s1, s2 in rows:
        m1, m2 = stats.mean_interval(s1.responses), stats.mean_interval(s2.responses)
        higher = s2.direction == CesDirection.HIGHER_IS_BETTER
        same = tuple(s1.scale) == tuple(s2.scale) and s1.direction == s2.direction
        test = Test(
            metric=Metric.CES,
            subject=tid,
            baseline_subject=oid,
            grain=Grain.RESPONSES,
            before=None if m1 is None else m1.mean,
            after=None if m2 is None else m2.mean,
            n_before=s1.total,
            n_after=s2.total,
            x_before=None,
            x_after=None,
            threshold=settings.ces_min_decrease,
            direction=Direction.DECREASE if higher else Direction.INCREASE,
            verdict=Verdict.INSUFFICIENT_DATA,
            note="z = (mean1 - mean2) / sqrt(SE1^2 + SE2^2)"
            if same
            else "the two CES surveys differ in scale or direction: not comparable",
        )
        if tid not in adjusted or m1 is None or m2 is None:
            tests.append(test)
            continue
        change = m1.mean - m2.mean if higher else m2.mean - m1.mean
        tests.append(
            dataclasses.replace(
                test,
                verdict=_verdict(change, settings.ces_min_decrease, adjusted[tid] < settings.q),
                p_value=results[tid][1],
                p_adjusted=adjusted[tid],
            )
        )
    return tests


def _lost(b: Business | None) -> tuple[int, int] | None:
    """``(customers lost, customers at the start)`` of a period: ``customers_lost``, else
    ``S - (E - N)``; None without the counts (the numerator and denominator of churn)."""
    if b is None or b.customers_start is None:
        return None
    if b.customers_lost is not None:
        return b.customers_lost, b.customers_start
    if b.customers_end is not None and b.new_customers is not None:
        return b.customers_start - (b.customers_end - b.new_customers), b.customers_start
    return None


def _churn_samples(current: Side, baseline: Side) -> list[_Sample]:
    """Churn ``lost / S`` of both periods when both carry the counts (their ``business``)."""
    a, b = _lost(baseline.G.graph[g.BUSINESS]), _lost(current.G.graph[g.BUSINESS])
    if a is None or b is None:
        return []
    return [
        _Sample(
            "map",
            "map",
            a[0],
            a[1],
            b[0],
            b[1],
            Grain.CUSTOMERS,
            "customers lost over the customers at the start",
        )
    ]


def _match_maps(current: JourneyMap, baseline: JourneyMap) -> dict[str, str]:
    return match_touchpoints(
        {tp.id: tp.formerly for _, tp in current.iter_touchpoints()}, baseline.touchpoints
    )


def _bounds(side: Side) -> tuple[dt.date, dt.date] | None:
    return period_bounds(side.period) if side.period is not None else None


def concurrent_arms(current: Side, baseline: Side) -> bool:
    """Whether the two sides are arms of one experiment (or segments) counted side by side:
    overlays split by the same ``segment:`` column with different values. Comparing them
    over the same window is a concurrent comparison, not peeking (issue 10, JM305).

    >>> from types import SimpleNamespace as S
    >>> concurrent_arms(S(segment={"variant": "b"}), S(segment={"variant": "a"}))
    True
    >>> concurrent_arms(S(segment={"variant": "a"}), S(segment={"variant": "a"}))
    False
    >>> concurrent_arms(S(segment=None), S(segment={"variant": "a"}))
    False
    """
    a, b = current.segment, baseline.segment
    if not a or not b:
        return False
    return a.keys() == b.keys() and dict(a) != dict(b)


def _segment_label(side: Side) -> str:
    return ", ".join(f"{k} {v}" for k, v in (side.segment or {}).items())


def _overlap(current: Side, baseline: Side) -> Text | None:
    a, b = _bounds(baseline), _bounds(current)
    if a is None or b is None or concurrent_arms(current, baseline):
        return None  # compare_maps() adds a note
    if a == b:
        return text(
            "the baseline and the current period are the same ({start} to {end})",
            start=str(a[0]),
            end=str(a[1]),
        )
    if a[0] <= b[1] and b[0] <= a[1]:
        return text(
            "the baseline period ({start} to {end}) overlaps the current one ({now_start} to "
            "{now_end})",
            start=str(a[0]),
            end=str(a[1]),
            now_start=str(b[0]),
            now_end=str(b[1]),
        )
    return None


def _period_notes(current: Side, baseline: Side) -> list[Text]:
    notes = []
    if _bounds(current) is None or _bounds(baseline) is None:
        notes.append(
            text(
                "the baseline or the current numbers have no period, so journeymap "
                "cannot tell whether the two windows overlap"
            )
        )
    if concurrent_arms(current, baseline):
        notes.append(
            text(
                "the baseline ({baseline}) and the current numbers ({current}) are segments of "
                "one log counted side by side: a concurrent comparison, not peeking",
                baseline=_segment_label(baseline),
                current=_segment_label(current),
            )
        )
    return notes


def compare_maps(current: Side, baseline: Side, *, label: str) -> Comparison:
    """Compare the current period with the baseline's and gate regressions.

    The settings are the current map's ``checks.regression`` (defaults for what it does not
    declare); `label` names the baseline in reports.
    """
    settings = GateSettings.of(current.map.checks.regression if current.map.checks else None)
    matched = _match_maps(current.map, baseline.map)
    notes = _period_notes(current, baseline)
    drop = _drop_off_samples(current, baseline, matched)
    tests = _gate_proportions(
        drop, settings, settings.drop_off_min_increase, Direction.INCREASE, Metric.DROP_OFF
    )
    if any(s.grain == Grain.VISITS for s in drop):
        notes.append(
            text(
                "drop-off is compared at {grain}; overlays made from event logs carry customer "
                "counts",
                grain=Text(VISIT_GRAIN_NOTE),
            )
        )
    tests += _gate_proportions(
        _conversion_samples(current, baseline),
        settings,
        settings.conversion_min_decrease,
        Direction.DECREASE,
        Metric.CONVERSION,
    )
    tests += _gate_proportions(
        _csat_samples(current, baseline, matched),
        settings,
        settings.csat_min_decrease,
        Direction.DECREASE,
        Metric.CSAT,
        scale=100.0,
    )
    tests += _gate_nps(current, baseline, matched, settings)
    tests += _gate_ces(current, baseline, matched, settings)
    tests += _gate_proportions(
        _churn_samples(current, baseline),
        settings,
        settings.churn_min_increase,
        Direction.INCREASE,
        Metric.CHURN,
    )
    order = {tid: i for i, tid in enumerate(g.touchpoints_in_order(current.G))}
    overlap = _overlap(current, baseline)
    metrics = list(Metric)
    tests.sort(key=lambda t: (metrics.index(t.metric), order.get(t.subject, -1)))
    return Comparison(
        baseline=label,
        baseline_period=baseline.G.graph[g.PERIOD],
        current_period=current.G.graph[g.PERIOD],
        settings=settings,
        tests=tuple(tests),
        changes=tuple(structural_changes(current.map, baseline.map, matched)),
        notes=tuple(n.format() for n in notes),
        overlap=None if overlap is None else overlap.format(),
        note_texts=tuple(notes),
        overlap_text=overlap,
    )
