"""The run of one analysis: its :class:`Options`, and :func:`prepare`, which checks them and
builds the :class:`Run` every step of :func:`~journeymap.analysis.core.analyze` reads.

A run holds the graph, the selected goals and after-goal touchpoints, the flows, the Markov
chain and its solution, the bootstrap draws and the removal effects, each computed once. The
steps (:mod:`~journeymap.analysis.leaks`, :mod:`~journeymap.analysis.rows`,
:mod:`~journeymap.analysis.stages`, :mod:`~journeymap.analysis.analysis_warnings`, the rest of
:mod:`~journeymap.analysis.core`) import it from here, below them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np

from journeymap.analysis.bootstrap import BootstrapDraws, bootstrap
from journeymap.analysis.chain import (
    Chain,
    Solution,
    build_chain,
    leak_costs,
    removal_effects,
    solve_chain,
)
from journeymap.analysis.flow import Flow, flow_table
from journeymap.analysis.results import Grouping
from journeymap.errors import UsageError, did_you_mean
from journeymap.facts import after_goal_touchpoints, selected_goals
from journeymap.graph import STAGES, touchpoints_in_order

__all__ = ["Options", "Run", "prepare"]


@dataclass(frozen=True)
class Options:
    """How to run the analysis (the keyword arguments of :func:`analyze`)."""

    goal: str | None = None
    what_if: float = 0.10
    what_if_target: Mapping[str, str] = field(default_factory=dict)
    samples: int = 1000
    seed: int = 0
    confidence: float = 0.95
    scenario: str | None = None
    persona: str | None = None
    by: Grouping | None = None


@dataclass(frozen=True)
class Run:
    """Everything the steps of one analysis share: built once by :func:`prepare`."""

    G: nx.DiGraph[str]
    options: Options
    goals: list[str]
    after: list[str]
    flows: dict[str, Flow]
    chain: Chain
    sol: Solution
    draws: BootstrapDraws | None
    removal: np.ndarray | None
    order: dict[str, int]
    """Map order of every touchpoint."""

    @property
    def after_set(self) -> set[str]:
        return set(self.after)

    @property
    def conversion(self) -> float | None:
        """Overall conversion ``C``; None without a goal or without entries."""
        return self.sol.conversion if self.goals else None

    @cached_property
    def lost(self) -> np.ndarray:
        """``L_i = x_i b_i / s_i`` of every state (NaN where nothing continues)."""
        return leak_costs(self.chain, self.sol)

    @cached_property
    def lost_value(self) -> np.ndarray | None:
        """The same priced with each goal's value; None when a goal has no value."""
        b_value = self.sol.b_value
        return None if b_value is None else leak_costs(self.chain, self.sol, b_value)

    def b_of(self, tid: str) -> float:
        """Conversion probability from a touchpoint (1 at a goal, 0 after the goal)."""
        if tid in self.chain.index:
            return float(self.sol.b[self.chain.index[tid]])
        return 1.0 if tid in self.goals else 0.0

    def edges_in_order(self) -> list[tuple[str, str]]:
        return sorted(self.G.edges, key=lambda e: (self.order[e[0]], self.order[e[1]]))


def prepare(G: nx.DiGraph[str], options: Options) -> Run:
    """Check the options, select the goals, build and solve the chain, draw the bootstrap."""
    if not 0 < options.confidence < 1:
        raise UsageError("confidence lies strictly between 0 and 1")
    if not 0 <= options.what_if <= 1:
        raise UsageError(
            f"the what-if fraction {options.what_if} is not between 0 and 1",
            hint="a what-if closes a share of the exits: 0.1 closes 10% of them",
        )
    if options.samples < 0:
        raise UsageError("the number of bootstrap samples cannot be negative")
    goals = selected_goals(G, options.goal)
    after = after_goal_touchpoints(G, goals)
    chain = build_chain(G, goals, after)
    sol = solve_chain(chain, groups=_stage_groups(G, chain))
    _check_targets(G, chain, options.what_if_target)
    return Run(
        G=G,
        options=options,
        goals=goals,
        after=after,
        flows=flow_table(G, goals),
        chain=chain,
        sol=sol,
        draws=bootstrap(chain, options.samples, options.seed) if goals else None,
        removal=removal_effects(sol) if goals else None,
        order={t: i for i, t in enumerate(touchpoints_in_order(G))},
    )


def _stage_groups(G: nx.DiGraph[str], chain: Chain) -> list[list[int]]:
    by_stage: dict[str, list[int]] = {sid: [] for sid, _ in G.graph.get(STAGES, [])}
    for s, i in chain.index.items():
        by_stage.setdefault(G.nodes[s]["stage"], []).append(i)
    return [by_stage[sid] for sid, _ in G.graph.get(STAGES, [])]


def _check_targets(G: nx.DiGraph[str], chain: Chain, targets: Mapping[str, str]) -> None:
    for src, dst in targets.items():
        if src not in G:
            raise UsageError(
                f"what-if target: the map has no touchpoint '{src}'",
                hint=did_you_mean(src, list(G.nodes)),
            )
        if src not in chain.index:
            raise UsageError(
                f"what-if target: '{src}' is not in the conversion chain "
                "(it is a goal or an after-goal touchpoint)"
            )
        succ = sorted(G.successors(src))
        if dst not in succ:
            raise UsageError(
                f"what-if target: '{dst}' is not a next touchpoint of '{src}'",
                hint=did_you_mean(dst, succ)
                or f"next touchpoints of '{src}': {', '.join(succ) or 'none'}",
            )
