"""What each family of the regression gate compares (:mod:`journeymap.analysis.gate`): the
samples of drop-off, conversion, CSAT and churn on both sides, and the survey lookups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from journeymap import graph as g
from journeymap.analysis.comparison import (
    Grain,
    Side,
)
from journeymap.analysis.flow import flow_table
from journeymap.model import (
    Business,
    CesSurvey,
    CsatSurvey,
    NpsSurvey,
)


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


def _ces(G: nx.DiGraph[str], tid: str) -> CesSurvey | None:
    scores = G.nodes[tid][g.SCORES]
    return scores.ces if scores is not None else None


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
