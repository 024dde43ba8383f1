"""Business metrics where the map declares their inputs (``business:`` at map and touchpoint level).

Definitions (``docs/analysis.md``, "Business metrics"):

- conversion rate: conversions / journeys started (the chain's entries), at the counting grain;
- retention rate ``(E - N) / S`` and churn rate ``lost / S`` (or ``1 - retention`` when only
  S, E and N are declared), S customers at the start, E at the end, N new in the period;
- repeat-customer rate: customers with two or more orders / customers with at least one;
- customer lifetime value ``AOV x purchase frequency x lifespan`` (x gross margin when declared);
- retention cost: retention spend / customers retained ``(E - N)``;
- first-response and resolution time per touchpoint: mean and median (with their hours);
- service cost per touchpoint: cost per visit x visits.
"""

from __future__ import annotations

import statistics
from typing import Any

import networkx as nx

from journeymap.analysis.flow import Flow
from journeymap.graph import BUSINESS, GOALS, TOUCHPOINT, UNIT
from journeymap.model import Business, Durations, Touchpoint
from journeymap.stats import ratio


def durations(d: Durations) -> dict[str, Any]:
    """Mean and median of a service time (from samples, or as declared).

    >>> from journeymap.model import Durations
    >>> durations(Durations(samples=[4, 1, 10, 5]))
    {'mean': 5.0, 'median': 4.5, 'count': 4, 'unit': 'minutes', 'hours': 'calendar'}
    """
    if d.samples:
        mean: float | None = statistics.fmean(d.samples)
        median: float | None = statistics.median(d.samples)
        count: int | None = len(d.samples)
    else:
        mean, median, count = d.mean, d.median, d.count
    return {"mean": mean, "median": median, "count": count, "unit": d.unit, "hours": d.hours}


def map_business(b: Business | None) -> dict[str, Any]:
    """Map-level metrics from declared inputs; a metric is present only when its inputs are.

    >>> from journeymap.model import Business
    >>> m = map_business(Business(customers_start=1000, customers_end=1100, new_customers=300,
    ...                           retention_spend=16000))
    >>> m["retention_rate"]["value"], round(m["churn_rate"]["value"], 3), m["retention_cost"]["value"]
    (0.8, 0.2, 20.0)
    """
    out: dict[str, Any] = {}
    if b is None:
        return out
    S, E, N = b.customers_start, b.customers_end, b.new_customers
    if S is not None and E is not None and N is not None:
        out["retention_rate"] = {"value": ratio(E - N, S), "formula": "(E - N) / S",
                                 "inputs": {"S": S, "E": E, "N": N}}
    if S is not None and b.customers_lost is not None:
        out["churn_rate"] = {"value": ratio(b.customers_lost, S), "formula": "lost / S",
                             "inputs": {"lost": b.customers_lost, "S": S}}
    elif "retention_rate" in out and out["retention_rate"]["value"] is not None:
        out["churn_rate"] = {"value": 1 - out["retention_rate"]["value"],
                             "formula": "1 - (E - N) / S", "inputs": {"S": S, "E": E, "N": N}}
    if b.ordering_customers is not None and b.repeat_customers is not None:
        out["repeat_customer_rate"] = {
            "value": ratio(b.repeat_customers, b.ordering_customers),
            "formula": "customers with >= 2 orders / customers with >= 1 order",
            "inputs": {"repeat": b.repeat_customers, "ordering": b.ordering_customers}}
    if (b.average_order_value is not None and b.purchase_frequency is not None
            and b.customer_lifespan is not None):
        clv = b.average_order_value * b.purchase_frequency * b.customer_lifespan
        entry: dict[str, Any] = {"value": clv, "formula": "AOV x purchase frequency x lifespan",
                                 "inputs": {"aov": b.average_order_value,
                                            "frequency": b.purchase_frequency,
                                            "lifespan": b.customer_lifespan}}
        if b.gross_margin is not None:
            entry["margin_adjusted"] = clv * b.gross_margin
            entry["inputs"]["gross_margin"] = b.gross_margin
        out["customer_lifetime_value"] = entry
    if b.retention_spend is not None and E is not None and N is not None:
        out["retention_cost"] = {"value": ratio(b.retention_spend, E - N),
                                 "formula": "retention spend / (E - N)",
                                 "inputs": {"spend": b.retention_spend, "E": E, "N": N}}
    return out


def business_metrics(G: nx.DiGraph, flows: dict[str, Flow],
                     observed_conversion_rate: float | None) -> dict[str, Any]:
    """The ``metrics`` section: map-level business metrics and per-touchpoint service figures."""
    business = G.graph.get(BUSINESS)
    out: dict[str, Any] = {}
    if G.graph.get(GOALS) and observed_conversion_rate is not None:
        out["conversion_rate"] = {"value": observed_conversion_rate,
                                  "formula": "conversions / journeys started",
                                  "grain": G.graph.get(UNIT, "transitions")}
    out.update(map_business(business if isinstance(business, Business) else None))
    per_tp: dict[str, Any] = {}
    for tid, f in flows.items():
        tp = G.nodes[tid].get(TOUCHPOINT)
        if not isinstance(tp, Touchpoint) or tp.business is None:
            continue
        entry: dict[str, Any] = {}
        if tp.business.first_response_time is not None:
            entry["first_response_time"] = durations(tp.business.first_response_time)
        if tp.business.resolution_time is not None:
            entry["resolution_time"] = durations(tp.business.resolution_time)
        if tp.business.cost_per_visit is not None:
            entry["cost"] = {"value": tp.business.cost_per_visit * f.visits,
                             "per_visit": tp.business.cost_per_visit, "visits": f.visits}
        if entry:
            per_tp[tid] = entry
    if per_tp:
        out["touchpoints"] = per_tp
        costs = [e["cost"]["value"] for e in per_tp.values() if "cost" in e]
        if costs:
            out["service_cost"] = {"value": sum(costs), "formula": "sum of cost per visit x visits"}
    return out
