"""Flow accounting per touchpoint: entries, visits, transitions, outcomes, conservation residual.

Counting unit: transitions (visits). For touchpoint i, ``in_i = e_i + sum_j n_ji`` and
``out_i = sum_j n_ij + x_i + u_i + p_i`` (transitions into goals included in ``sum_j n_ij``);
the residual is ``in_i - out_i``. Completed departures ``m_i = out_i - p_i + max(residual, 0)``:
a positive residual is departures nobody observed, counted as unknown (never as exits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from journeymap.graph import (
    COUNT,
    CUSTOMERS,
    ENTRIES,
    EXITS,
    FLOW_RESIDUAL,
    IN_PROGRESS,
    NAME,
    STAGE,
    TRANSITIONS_OUT,
    UNKNOWN,
    VISITS,
    touchpoints_in_order,
)
from journeymap.stats import ratio, wilson_interval

RESIDUAL_TOLERANCE = 0.01
"""Relative residual above which a touchpoint gets a JM503 warning (methods §1.2)."""


@dataclass(frozen=True)
class Flow:
    """Observed flow of one touchpoint."""

    id: str
    name: str
    stage: str
    entries: int
    visits: int
    transitions_out: int
    conversions: int
    exits: int
    unknown: int
    in_progress: int
    residual: int
    customers: int | None

    @property
    def departures(self) -> int:
        """Completed departures m_i (a positive residual counts as unknown departures)."""
        return self.transitions_out + self.exits + self.unknown + max(self.residual, 0)

    @property
    def relative_residual(self) -> float | None:
        """``|in - out| / max(in, out)``; None when nothing flows."""
        out = self.transitions_out + self.exits + self.unknown + self.in_progress
        return ratio(abs(self.residual), max(self.visits, out))

    def drop_off(self) -> float | None:
        """``d_i = x_i / m_i``; None without completed departures."""
        return ratio(self.exits, self.departures)

    def customer_drop_off(self) -> float | None:
        """Customer-grain drop-off ``exits_i / customers_i``; None without customer counts."""
        return ratio(self.exits, self.customers) if self.customers else None

    def drop_off_interval(self, confidence: float = 0.95) -> tuple[float, float] | None:
        return wilson_interval(self.exits, self.departures, confidence=confidence)


def flow_table(G: nx.DiGraph[str], goals: Iterable[str] = ()) -> dict[str, Flow]:
    """Flow of every touchpoint in map order; ``conversions`` counts transitions into ``goals``.

    >>> G = nx.DiGraph()
    >>> G.add_node("a", name="A", stage="s", order=0, entries=10, visits=10, transitions_out=6,
    ...            exits=4, unknown=0, in_progress=0, flow_residual=0, customers=None)
    >>> G.add_node("b", name="B", stage="s", order=1, entries=0, visits=6, transitions_out=0,
    ...            exits=6, unknown=0, in_progress=0, flow_residual=0, customers=None)
    >>> G.add_edge("a", "b", count=6)
    >>> f = flow_table(G, ["b"])["a"]
    >>> f.conversions, f.departures, f.drop_off()
    (6, 10, 0.4)
    """
    goal_set = set(goals)
    out: dict[str, Flow] = {}
    for node in touchpoints_in_order(G):
        d = G.nodes[node]
        conversions = sum(G.edges[node, s][COUNT] for s in G.successors(node) if s in goal_set)
        out[node] = Flow(
            id=node,
            name=d[NAME],
            stage=d[STAGE],
            entries=d[ENTRIES],
            visits=d[VISITS],
            transitions_out=d[TRANSITIONS_OUT],
            conversions=conversions,
            exits=d[EXITS],
            unknown=d[UNKNOWN],
            in_progress=d[IN_PROGRESS],
            residual=d[FLOW_RESIDUAL],
            customers=d.get(CUSTOMERS),
        )
    return out
