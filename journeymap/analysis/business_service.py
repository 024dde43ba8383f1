"""Service figures of the period per touchpoint: first-response and resolution time, and cost.

Definitions (``docs/analysis.md``, "Business metrics"): a service time is its mean, median and
90th percentile (with its unit and hours), from samples or as declared; the service cost of a
touchpoint is its cost per visit x visits. The inputs are the period's
(:data:`journeymap.graph.SERVICE`); a time or cost the map tracks but the overlay does not carry
is None, not measured (:func:`journeymap.analysis.business_reasons.not_measured`).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import networkx as nx

from journeymap.analysis.business_reasons import Reasoned, not_measured
from journeymap.analysis.flow import Flow
from journeymap.findings import Text, text
from journeymap.graph import FROM_OVERLAY, SERVICE, TOUCHPOINT
from journeymap.model import Durations, TimeUnit, Touchpoint, TouchpointBusiness
from journeymap.stats import quantile

ServiceName = Literal["first_response_time", "resolution_time"]
SERVICE_TIMES: Final[tuple[ServiceName, ...]] = ("first_response_time", "resolution_time")
SECONDS: Final[Mapping[str, float]] = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
"""Seconds per :data:`journeymap.model.TimeUnit`."""


@dataclass(frozen=True)
class ServiceTime(Reasoned):
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
class ServiceCost(Reasoned):
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
    >>> t.to_json()
    {'mean': 5.0, 'median': 4.5, 'p90': 8.5, 'count': 4, 'unit': 'minutes', 'hours': 'calendar'}
    """
    if d.samples:
        s = sorted(d.samples)
        p90 = quantile(s, 0.9)
        return ServiceTime(statistics.fmean(s), statistics.median(s), len(s), d.unit, d.hours, p90)
    reason = text("no samples") if d.mean is None and d.median is None else None
    return ServiceTime(d.mean, d.median, d.count, d.unit, d.hours, reason_text=reason)


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
