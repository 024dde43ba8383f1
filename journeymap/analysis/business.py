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
Inputs that are possible but suspicious give coded warnings (:func:`business_warnings`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import networkx as nx

from journeymap.analysis.flow import Flow
from journeymap.findings import Number, Text, text
from journeymap.graph import (
    BUSINESS,
    FROM_OVERLAY,
    GOALS,
    MAP_BUSINESS,
    PERIOD,
    SERVICE,
    TOUCHPOINT,
    UNIT,
    touchpoints_in_order,
)
from journeymap.i18n import NC_, Translator
from journeymap.model import Business, Durations, TimeUnit, Touchpoint, TouchpointBusiness
from journeymap.stats import quantile, ratio, wilson_interval

MAP_FIGURES: Final = (
    "retention_rate",
    "churn_rate",
    "repeat_customer_rate",
    "customer_lifetime_value",
    "retention_cost",
)
"""The map-level business figures, in the order of the document."""
ServiceName = Literal["first_response_time", "resolution_time"]
SERVICE_TIMES: Final[tuple[ServiceName, ...]] = ("first_response_time", "resolution_time")
SECONDS: Final[Mapping[str, float]] = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
"""Seconds per :data:`journeymap.model.TimeUnit`."""


class _Reasoned:
    """A figure that may be None with a reason: ``reason`` is the English sentence (the JSON,
    the checks), ``reason_text`` the same as a msgid with its fields (``reason`` is its English
    form when only it is given), written in a human output's language by :meth:`reason_in`."""

    reason: str | None
    reason_text: Text | None

    def __post_init__(self) -> None:
        if self.reason_text is not None and self.reason is None:
            object.__setattr__(self, "reason", self.reason_text.format())

    def reason_in(self, t: Translator) -> str | None:
        """The reason in the language of ``t`` (None when the figure has none)."""
        return self.reason if self.reason_text is None else self.reason_text.format(t)


@dataclass(frozen=True)
class BusinessFigure(_Reasoned):
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


@dataclass(frozen=True)
class ServiceTime(_Reasoned):
    """A service time of the period: mean, median and 90th percentile, or None with a reason."""

    mean: float | None
    median: float | None
    count: int | None
    unit: TimeUnit | None
    hours: Literal["calendar", "business"] | None
    p90: float | None = None
    """Only from samples (:func:`journeymap.stats.quantile`, Hyndman & Fan 1996 type 7)."""
    reason: str | None = None
    reason_text: Text | None = field(default=None, compare=False, repr=False)

    def seconds(self, value: float) -> float:
        """`value` (in this time's unit) in seconds."""
        return value * SECONDS[self.unit or "seconds"]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mean": self.mean,
            "median": self.median,
            "p90": self.p90,
            "count": self.count,
            "unit": self.unit,
            "hours": self.hours,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class ServiceCost(_Reasoned):
    """Cost per visit x visits of a touchpoint in the period, or None with a reason."""

    value: float | None
    per_visit: float | None
    visits: int
    reason: str | None = None
    reason_text: Text | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "per_visit": self.per_visit,
            "visits": self.visits,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class TouchpointService:
    """The service figures of one touchpoint in the period (each None when not tracked)."""

    first_response_time: ServiceTime | None = None
    resolution_time: ServiceTime | None = None
    cost: ServiceCost | None = None

    def time(self, name: ServiceName) -> ServiceTime | None:
        return self.first_response_time if name == "first_response_time" else self.resolution_time

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in SERVICE_TIMES:
            t = self.time(name)
            if t is not None:
                out[name] = t.to_json()
        if self.cost is not None:
            out["cost"] = self.cost.to_json()
        return out


def service_time(d: Durations) -> ServiceTime:
    """Mean, median and 90th percentile of a service time (from samples, or as declared).

    >>> from journeymap.model import Durations
    >>> t = service_time(Durations(samples=[4, 1, 10, 5]))
    >>> t.mean, t.median, t.count, round(t.p90, 2)
    (5.0, 4.5, 4, 8.5)
    """
    if d.samples:
        s = sorted(d.samples)
        p90 = quantile(s, 0.9)
        return ServiceTime(statistics.fmean(s), statistics.median(s), len(s), d.unit, d.hours, p90)
    reason = text("no samples") if d.mean is None and d.median is None else None
    return ServiceTime(d.mean, d.median, d.count, d.unit, d.hours, reason_text=reason)


def durations(d: Durations) -> dict[str, Any]:
    """The JSON of a service time (:func:`service_time`).

    >>> from journeymap.model import Durations
    >>> durations(Durations(samples=[4, 1, 10, 5]))
    {'mean': 5.0, 'median': 4.5, 'p90': 8.5, 'count': 4, 'unit': 'minutes', 'hours': 'calendar'}
    """
    return service_time(d).to_json()


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
    out: dict[str, BusinessFigure] = {}
    if b is None:
        return out
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
    if (
        b.average_order_value is not None
        and b.purchase_frequency is not None
        and b.customer_lifespan is not None
    ):
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
        out["customer_lifetime_value"] = BusinessFigure(
            "customer_lifetime_value",
            clv,
            NC_("formula", "AOV x purchase frequency x lifespan"),
            inputs,
            margin_adjusted=margin,
        )
    if b.retention_spend is not None and E is not None and N is not None:
        cost = ratio(b.retention_spend, E - N)
        out["retention_cost"] = BusinessFigure(
            "retention_cost",
            cost,
            NC_("formula", "retention spend / (E - N)"),
            (("spend", b.retention_spend), ("E", E), ("N", N)),
            reason_text=None if cost is not None else text("no customer retained (E - N = 0)"),
        )
    return out


def map_business(b: Business | None) -> dict[str, Any]:
    """The JSON of :func:`business_figures`.

    >>> from journeymap.model import Business
    >>> r = map_business(Business(ordering_customers=10, repeat_customers=4))["repeat_customer_rate"]
    >>> r["value"], r["inputs"], [round(v, 4) for v in r["interval"]]
    (0.4, {'repeat': 4, 'ordering': 10}, [0.1682, 0.6873])
    """
    return {name: f.to_json() for name, f in business_figures(b).items()}


def not_measured(G: nx.DiGraph[str]) -> Text:
    """The reason of a figure the map tracks but the overlay's period does not carry."""
    period = G.graph.get(PERIOD)
    if period:
        return text(
            "not measured in {period}: the overlay does not carry it, and the map's own figure "
            "is not used",
            period=str(period),
        )
    return text(
        "not measured in the overlay's period: the overlay does not carry it, and the map's "
        "own figure is not used"
    )


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


def _service(G: nx.DiGraph[str], tid: str, visits: int) -> TouchpointService | None:
    period: TouchpointBusiness | None = G.nodes[tid].get(SERVICE)
    tp = G.nodes[tid].get(TOUCHPOINT)
    tracked = tp.business if G.graph.get(FROM_OVERLAY) and isinstance(tp, Touchpoint) else None
    times: dict[str, ServiceTime | None] = {}
    for name in SERVICE_TIMES:
        d: Durations | None = getattr(period, name, None) if period is not None else None
        times[name] = (
            service_time(d)
            if d is not None
            else (
                ServiceTime(None, None, None, None, None, reason_text=not_measured(G))
                if tracked is not None and getattr(tracked, name) is not None
                else None
            )
        )
    cost = None
    if period is not None and period.cost_per_visit is not None:
        cost = ServiceCost(period.cost_per_visit * visits, period.cost_per_visit, visits)
    elif tracked is not None and tracked.cost_per_visit is not None:
        cost = ServiceCost(None, None, visits, reason_text=not_measured(G))
    if cost is None and all(t is None for t in times.values()):
        return None
    return TouchpointService(times["first_response_time"], times["resolution_time"], cost)


def service_figures(G: nx.DiGraph[str], flows: Mapping[str, Flow]) -> dict[str, TouchpointService]:
    """The period's service figures of every touchpoint that has (or tracks) one, in map order."""
    out: dict[str, TouchpointService] = {}
    for tid, f in flows.items():
        service = _service(G, tid, f.visits)
        if service is not None:
            out[tid] = service
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


@dataclass(frozen=True)
class BusinessWarning:
    """A coded warning about business inputs that are possible but suspicious: the sentence
    as a msgid with its fields (:class:`journeymap.findings.Text`), ``message`` its English."""

    code: str
    text: Text
    touchpoint: str | None = None

    @property
    def message(self) -> str:
        return self.text.format()


_TIME_WORDS: Mapping[str, Text] = {
    "first_response_time": text("first response time"),
    "resolution_time": text("resolution time"),
}
"""The service times of :data:`SERVICE_TIMES` in words (a field of JM520)."""


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
    >>> [(w.code, w.message) for w in business_warnings(G)]  # doctest: +NORMALIZE_WHITESPACE
    [('JM518', 'the customer counts do not add up: 100 at the start - 20 lost + 20 new = 100,
      but 90 at the end, so retention and churn do not add up to 100%')]
    """
    out = _count_warnings(G.graph.get(BUSINESS))
    for tid in touchpoints_in_order(G):
        service: TouchpointBusiness | None = G.nodes[tid].get(SERVICE)
        if service is not None:
            out += _service_warnings(tid, service)
    return out


def _count_warnings(b: object) -> list[BusinessWarning]:
    """JM518 and JM519: customer counts that do not add up."""
    out: list[BusinessWarning] = []
    if not isinstance(b, Business):
        return out
    S, E, N, lost = b.customers_start, b.customers_end, b.new_customers, b.customers_lost
    if S is not None and E is not None and N is not None and lost is not None and S - lost + N != E:
        sentence = text(
            "the customer counts do not add up: {start} at the start - {lost} lost + {new} new "
            "= {expected}, but {end} at the end, so retention and churn do not add up to 100%",
            start=Number(S),
            lost=Number(lost),
            new=Number(N),
            expected=Number(S - lost + N),
            end=Number(E),
        )
        out.append(BusinessWarning("JM518", sentence))
    ordering = b.ordering_customers
    if ordering is not None and S is not None and N is not None and ordering > S + N:
        sentence = text(
            "{n} ordering customers are more than the {total} customers of the period "
            "(at the start plus new)",
            n=Number(ordering),
            total=Number(S + N),
        )
        out.append(BusinessWarning("JM519", sentence))
    return out


def _service_warnings(tid: str, service: TouchpointBusiness) -> list[BusinessWarning]:
    """JM520: a declared mean or median that its samples contradict (more than 1% apart)."""
    out = []
    for name in SERVICE_TIMES:
        d: Durations | None = getattr(service, name)
        if d is None or not d.samples:
            continue
        t = service_time(d)
        for figure, declared, computed in (
            (text("mean"), d.mean, t.mean),
            (text("median"), d.median, t.median),
        ):
            if (
                declared is not None
                and computed is not None
                and not math.isclose(declared, computed, rel_tol=0.01)
            ):
                sentence = text(
                    "the declared {figure} {declared} of the {time} of '{tid}' differs from the "
                    "{figure} of its {n} sample ({computed}); the sample is used",
                    plural="the declared {figure} {declared} of the {time} of '{tid}' differs "
                    "from the {figure} of its {n} samples ({computed}); the samples are used",
                    count=len(d.samples),
                    figure=figure,
                    declared=Number(declared, "g"),
                    time=_TIME_WORDS[name],
                    tid=tid,
                    n=Number(len(d.samples), ""),
                    computed=Number(computed, "g"),
                )
                out.append(BusinessWarning("JM520", sentence, tid))
    return out
