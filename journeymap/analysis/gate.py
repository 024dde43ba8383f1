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

from journeymap import graph as g
from journeymap.analysis.comparison import (
    VISIT_GRAIN_NOTE,
    Comparison,
    Direction,
    GateSettings,
    Grain,
    Metric,
    Side,
    match_touchpoints,
    structural_changes,
)
from journeymap.analysis.gate_periods import _overlap, _period_notes, concurrent_arms
from journeymap.analysis.gate_samples import (
    _churn_samples,
    _conversion_samples,
    _csat_samples,
    _drop_off_samples,
)
from journeymap.analysis.gate_tests import (
    _gate_ces,
    _gate_nps,
    _gate_proportions,
    mean_worsening_test,
)
from journeymap.findings import Text, text
from journeymap.model import JourneyMap


def _match_maps(current: JourneyMap, baseline: JourneyMap) -> dict[str, str]:
    return match_touchpoints(
        {tp.id: tp.formerly for _, tp in current.iter_touchpoints()}, baseline.touchpoints
    )


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


__all__ = [
    "compare_maps",
    "concurrent_arms",
    "mean_worsening_test",
]
