"""Business metrics where the period declares their inputs (``business:`` at map and touchpoint level).

Definitions (``docs/analysis.md``, "Business metrics"):

- conversion rate: conversions / journeys started (the chain's entries), at the counting grain;
- retention rate ``(E - N) / S`` and churn rate ``lost / S`` (or ``1 - retention`` when only
  S, E and N are declared), S customers at the start, E at the end, N new in the period;
- repeat-customer rate: customers with two or more orders / customers with at least one;
- customer lifetime value ``AOV x purchase frequency x lifespan`` (x gross margin when declared);
- retention cost: retention spend / customers retained ``(E - N)``;
- first-response and resolution time per touchpoint: mean, median and 90th percentile (with
  their hours);
- service cost per touchpoint: cost per visit x visits.

Retention, churn and repeat rate are proportions of counted customers, so they carry a Wilson
interval (:func:`journeymap.stats.wilson_interval`, 95%; it assumes customers independent).

True to the period: the inputs are the period's (:data:`journeymap.graph.BUSINESS` and
:data:`journeymap.graph.SERVICE`: the overlay's when there is one, never the map's then). A
figure the map has inputs for but the overlay does not is reported as not measured in that
period (None with its ``reason``), never carried over from the map.

The model refuses impossible inputs (:class:`journeymap.model.Business`), so every rate lies in
0..1 and no cost is negative; a figure whose denominator is zero is None with its ``reason``.
Inputs that are possible but suspicious give coded warnings
(:func:`journeymap.analysis.business_warnings.business_warnings`).

This module has the map-level figures and the ``metrics`` section that gathers them; the
service figures per touchpoint are :mod:`journeymap.analysis.business_service`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import networkx as nx

from journeymap.analysis.business_reasons import Reasoned, not_measured
from journeymap.analysis.business_service import TouchpointService, service_figures
from journeymap.analysis.flow import Flow
from journeymap.findings import Text, text
from journeymap.graph import BUSINESS, FROM_OVERLAY, GOALS, MAP_BUSINESS, UNIT
from journeymap.i18n import NC_
from journeymap.model import Business
from journeymap.stats import ratio, wilson_interval

MAP_FIGURES: Final = (
    "retention_rate",
    "churn_rate",
    "repeat_customer_rate",
    "customer_lifetime_value",
    "retention_cost",
)
"""The map-level business figures, in the order of the document."""


@dataclass(frozen=True)
class BusinessFigure(Reasoned):
    """One map-level business figure of the period, or None with the ``reason``."""

    name: str
    value: float | None
    formula: str
    inputs: tuple[tuple[str, float], ...] = ()
    reason: str | None = None
    interval: tuple[float, float] | None = None
    """Wilson interval of a proportion of counted customers (at the analysis' confidence);
    None for other figures and when the proportion is undefined."""
    margin_adjusted: float | None = None
    """CLV x gross margin, when the margin is declared."""
    n: int | None = None
    """The denominator of a proportion (customers at the start, ordering customers)."""
    reason_text: Text | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "formula": self.formula,
            "inputs": dict(self.inputs),
        }
        if self.margin_adjusted is not None:
            out["margin_adjusted"] = self.margin_adjusted
        if self.reason is not None:
            out["reason"] = self.reason
        if self.interval is not None:
            out["interval"] = list(self.interval)
        return out


def _proportion(
    name: str,
    x: int,
    n: int,
    formula: str,
    inputs: tuple[tuple[str, float], ...],
    reason: Text,
    confidence: float,
) -> BusinessFigure:
    value = ratio(x, n)
    return BusinessFigure(
        name,
        value,
        formula,
        inputs,
        interval=wilson_interval(x, n, confidence=confidence),
        n=n,
        reason_text=None if value is not None else reason,
    )


def _customer_rates(b: Business, confidence: float) -> dict[str, BusinessFigure]:
    """Retention, churn and repeat-customer rate: the proportions of counted customers."""
    out: dict[str, BusinessFigure] = {}
    S, E, N = b.customers_start, b.customers_end, b.new_customers
    no_start = text("no customers at the start (S = 0)")
    if S is not None and E is not None and N is not None:
        out["retention_rate"] = _proportion(
            "retention_rate",
            E - N,
            S,
            "(E - N) / S",
            (("S", S), ("E", E), ("N", N)),
            no_start,
            confidence,
        )
    if S is not None and b.customers_lost is not None:
        out["churn_rate"] = _proportion(
            "churn_rate",
            b.customers_lost,
            S,
            NC_("formula", "lost / S"),
            (("lost", b.customers_lost), ("S", S)),
            no_start,
            confidence,
        )
    elif S is not None and E is not None and N is not None:
        out["churn_rate"] = _proportion(
            "churn_rate",
            S - (E - N),
            S,
            "1 - (E - N) / S",
            (("S", S), ("E", E), ("N", N)),
            no_start,
            confidence,
        )
    if b.ordering_customers is not None and b.repeat_customers is not None:
        out["repeat_customer_rate"] = _proportion(
            "repeat_customer_rate",
            b.repeat_customers,
            b.ordering_customers,
            NC_("formula", "customers with >= 2 orders / customers with >= 1 order"),
            (("repeat", b.repeat_customers), ("ordering", b.ordering_customers)),
            text("no ordering customers"),
            confidence,
        )
    return out


def _lifetime_value(b: Business) -> BusinessFigure | None:
    """``AOV x purchase frequency x lifespan`` (and x gross margin), None without its inputs."""
    if b.average_order_value is None or b.purchase_frequency is None or b.customer_lifespan is None:
        return None
    clv = b.average_order_value * b.purchase_frequency * b.customer_lifespan
    inputs: tuple[tuple[str, float], ...] = (
        ("aov", b.average_order_value),
        ("frequency", b.purchase_frequency),
        ("lifespan", b.customer_lifespan),
    )
    margin = None
    if b.gross_margin is not None:
        margin = clv * b.gross_margin
        inputs += (("gross_margin", b.gross_margin),)
    return BusinessFigure(
        "customer_lifetime_value",
        clv,
        NC_("formula", "AOV x purchase frequency x lifespan"),
        inputs,
        margin_adjusted=margin,
    )


def _retention_cost(b: Business) -> BusinessFigure | None:
    """Retention spend / customers retained ``(E - N)``, None without its inputs."""
    E, N = b.customers_end, b.new_customers
    if b.retention_spend is None or E is None or N is None:
        return None
    cost = ratio(b.retention_spend, E - N)
    return BusinessFigure(
        "retention_cost",
        cost,
        NC_("formula", "retention spend / (E - N)"),
        (("spend", b.retention_spend), ("E", E), ("N", N)),
        reason_text=None if cost is not None else text("no customer retained (E - N = 0)"),
    )


def business_figures(b: Business | None, confidence: float = 0.95) -> dict[str, BusinessFigure]:
    """Map-level figures from declared inputs; a figure is present only when its inputs are.

    >>> from journeymap.model import Business
    >>> m = business_figures(Business(customers_start=1000, customers_end=1100,
    ...                               new_customers=300, retention_spend=16000))
    >>> m["retention_rate"].value, round(m["churn_rate"].value, 3), m["retention_cost"].value
    (0.8, 0.2, 20.0)
    >>> [round(v, 4) for v in m["retention_rate"].interval]
    [0.7741, 0.8236]
    """
    if b is None:
        return {}
    out = _customer_rates(b, confidence)
    clv = _lifetime_value(b)
    if clv is not None:
        out["customer_lifetime_value"] = clv
    cost = _retention_cost(b)
    if cost is not None:
        out["retention_cost"] = cost
    return out


def map_business(b: Business | None) -> dict[str, Any]:
    """The JSON of :func:`business_figures`.

    >>> from journeymap.model import Business
    >>> r = map_business(Business(ordering_customers=10, repeat_customers=4))["repeat_customer_rate"]
    >>> r["value"], r["inputs"], [round(v, 4) for v in r["interval"]]
    (0.4, {'repeat': 4, 'ordering': 10}, [0.1682, 0.6873])
    """
    return {name: f.to_json() for name, f in business_figures(b).items()}


def period_figures(G: nx.DiGraph[str], confidence: float = 0.95) -> dict[str, BusinessFigure]:
    """The period's map-level figures (:data:`journeymap.graph.BUSINESS`); with an overlay, a
    figure the map tracks but the overlay does not carry is None, not measured."""
    own = business_figures(G.graph.get(BUSINESS), confidence)
    if not G.graph.get(FROM_OVERLAY):
        return own
    tracked = business_figures(G.graph.get(MAP_BUSINESS))
    out: dict[str, BusinessFigure] = {}
    for name in MAP_FIGURES:
        if name in own:
            out[name] = own[name]
        elif name in tracked:
            out[name] = BusinessFigure(
                name, None, tracked[name].formula, reason_text=not_measured(G)
            )
    return out


@dataclass(frozen=True)
class ConversionRate:
    """Conversions / journeys started, at the counting grain (``metrics.conversion_rate``)."""

    value: float
    grain: str
    formula: str = "conversions / journeys started"

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "formula": self.formula, "grain": self.grain}


@dataclass(frozen=True)
class Metrics:
    """The ``metrics`` section of the analysis, typed: what the period declares inputs for.

    ``figures`` holds the map-level figures in :data:`MAP_FIGURES` order (only those with
    inputs, or tracked by the map and not measured in the overlay's period); ``touchpoints``
    the service figures in map order; ``service_cost`` their sum of cost per visit x visits.
    :meth:`to_json` is its JSON form (the analysis' serializer asks it).
    """

    conversion_rate: ConversionRate | None = None
    figures: Mapping[str, BusinessFigure] = field(default_factory=dict)
    touchpoints: Mapping[str, TouchpointService] = field(default_factory=dict)
    service_cost: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.conversion_rate is not None:
            out["conversion_rate"] = self.conversion_rate.to_json()
        out.update({name: f.to_json() for name, f in self.figures.items()})
        if self.touchpoints:
            out["touchpoints"] = {tid: s.to_json() for tid, s in self.touchpoints.items()}
        if self.service_cost is not None:
            out["service_cost"] = {
                "value": self.service_cost,
                "formula": "sum of cost per visit x visits",
            }
        return out

    def __bool__(self) -> bool:
        return bool(self.conversion_rate or self.figures or self.touchpoints)


def business_metrics(
    G: nx.DiGraph[str],
    flows: Mapping[str, Flow],
    observed_conversion_rate: float | None,
    confidence: float = 0.95,
) -> Metrics:
    """The ``metrics`` section: map-level business metrics and per-touchpoint service figures."""
    conversion = (
        ConversionRate(observed_conversion_rate, G.graph.get(UNIT, "transitions"))
        if G.graph.get(GOALS) and observed_conversion_rate is not None
        else None
    )
    per_tp = service_figures(G, flows)
    costs = [
        s.cost.value for s in per_tp.values() if s.cost is not None and s.cost.value is not None
    ]
    return Metrics(conversion, period_figures(G, confidence), per_tp, sum(costs) if costs else None)
