"""Coded warnings about business inputs that are possible but suspicious (JM518-JM520).

The model refuses impossible inputs (:class:`journeymap.model.Business`); these are the
possible ones that do not add up: customer counts whose retention and churn do not make 100%,
more ordering customers than customers, a declared service time its samples contradict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from journeymap.analysis.business_service import SERVICE_TIMES, service_time
from journeymap.findings import Number, Text, text
from journeymap.graph import BUSINESS, SERVICE, touchpoints_in_order
from journeymap.model import Business, Durations, TouchpointBusiness


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
