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

The model refuses impossible inputs (:class:`journeymap.model.Business`), so every rate lies in
0..1 and no cost is negative; a figure whose denominator is zero is None with its ``reason``.
Inputs that are possible but suspicious give coded warnings (:func:`business_warnings`).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

import networkx as nx

from journeymap.analysis.flow import Flow
from journeymap.graph import BUSINESS, GOALS, TOUCHPOINT, UNIT, touchpoints_in_order
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
    out: dict[str, Any] = {"mean": mean, "median": median, "count": count, "unit": d.unit,
                           "hours": d.hours}
    if mean is None and median is None:
        out["reason"] = "no samples"
    return out


def _figure(value: float | None, formula: str, inputs: dict[str, Any],
            reason: str) -> dict[str, Any]:
    """One metric: value, formula and inputs, and the ``reason`` when the value is undefined."""
    out: dict[str, Any] = {"value": value, "formula": formula, "inputs": inputs}
    if value is None:
        out["reason"] = reason
    return out


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
    no_start = "no customers at the start (S = 0)"
    if S is not None and E is not None and N is not None:
        out["retention_rate"] = _figure(ratio(E - N, S), "(E - N) / S", {"S": S, "E": E, "N": N},
                                        no_start)
    if S is not None and b.customers_lost is not None:
        out["churn_rate"] = _figure(ratio(b.customers_lost, S), "lost / S",
                                    {"lost": b.customers_lost, "S": S}, no_start)
    elif "retention_rate" in out:
        retention = out["retention_rate"]["value"]
        out["churn_rate"] = _figure(None if retention is None else 1 - retention,
                                    "1 - (E - N) / S", {"S": S, "E": E, "N": N}, no_start)
    if b.ordering_customers is not None and b.repeat_customers is not None:
        out["repeat_customer_rate"] = _figure(
            ratio(b.repeat_customers, b.ordering_customers),
            "customers with >= 2 orders / customers with >= 1 order",
            {"repeat": b.repeat_customers, "ordering": b.ordering_customers},
            "no ordering customers")
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
        out["retention_cost"] = _figure(ratio(b.retention_spend, E - N),
                                        "retention spend / (E - N)",
                                        {"spend": b.retention_spend, "E": E, "N": N},
                                        "no customer retained (E - N = 0)")
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


@dataclass(frozen=True)
class BusinessWarning:
    """A coded warning about business inputs that are possible but suspicious."""

    code: str
    message: str
    touchpoint: str | None = None


def business_warnings(G: nx.DiGraph[str]) -> list[BusinessWarning]:
    """Suspicious business inputs: map-level first, then touchpoints in map order.

    - JM518: S, E, N and customers lost are all declared and ``S - lost + N != E``, so the
      retention ``(E - N) / S`` and the churn ``lost / S`` do not add up to 100%;
    - JM519: more ordering customers than the period had customers (``S + N``);
    - JM520: a service time declares a mean or median beside samples that give another one
      (more than 1% apart; the samples are used).

    >>> from journeymap.model import Business
    >>> G = nx.DiGraph(business=Business(customers_start=100, customers_end=90,
    ...                                  new_customers=20, customers_lost=20))
    >>> [w.code for w in business_warnings(G)]
    ['JM518']
    """
    out: list[BusinessWarning] = []
    b = G.graph.get(BUSINESS)
    if isinstance(b, Business):
        S, E, N, lost = b.customers_start, b.customers_end, b.new_customers, b.customers_lost
        if S is not None and E is not None and N is not None and lost is not None \
                and S - lost + N != E:
            out.append(BusinessWarning(
                "JM518", f"the customer counts do not add up: {S:,} at the start - {lost:,} lost "
                f"+ {N:,} new = {S - lost + N:,}, but {E:,} at the end, so retention and churn "
                "do not add up to 100%"))
        if b.ordering_customers is not None and S is not None and N is not None \
                and b.ordering_customers > S + N:
            out.append(BusinessWarning(
                "JM519", f"{b.ordering_customers:,} ordering customers are more than the "
                f"{S + N:,} customers of the period (at the start plus new)"))
    for tid in touchpoints_in_order(G):
        tp = G.nodes[tid].get(TOUCHPOINT)
        if not isinstance(tp, Touchpoint) or tp.business is None:
            continue
        for name in ("first_response_time", "resolution_time"):
            d: Durations | None = getattr(tp.business, name)
            if d is None or not d.samples:
                continue
            figures = durations(d)
            for figure, declared in (("mean", d.mean), ("median", d.median)):
                if declared is not None and not math.isclose(declared, figures[figure],
                                                             rel_tol=0.01):
                    out.append(BusinessWarning(
                        "JM520", f"the declared {figure} {declared:g} of the "
                        f"{name.replace('_', ' ')} of '{tid}' differs from the {figure} of its {len(d.samples)} samples "
                        f"({figures[figure]:g}); the samples are used", tid))
    return out
