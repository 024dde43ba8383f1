"""Figures by channel (or by stage): flow, leak cost, conversion from entry, and attribution.

**Groups.** Every chain touchpoint (neither a selected goal nor an after-goal touchpoint,
:mod:`journeymap.facts`) belongs to one group: its ``channel``, under :data:`NO_CHANNEL` when it
declares none, or its stage with ``by=Grouping.STAGE``. Goals are the outcome that is credited
and after-goal touchpoints can no longer convert, so neither belongs to a group. Groups come in
map order of their first touchpoint.

**Figures of group g** with members M, on the absorbing chain of
:mod:`journeymap.analysis.chain` (``T`` chain entries, ``alpha = e / T``, ``b`` the conversion
probability of each state, ``b^v`` its expected conversion value, ``C = alpha . b``,
``V = alpha . b^v``, ``c_i`` observed conversions from state i):

- ``touchpoints``, ``visits``, ``exits``: the members (map order), their visits and exits;
- ``lost_value``: ``sum_{i in M} x_i b^v_i / s_i``, the members' leak costs priced by goal value
  (:func:`journeymap.analysis.chain.leak_costs`; a member where nothing continues adds 0, as in
  ``summary.total_lost_value``); None when a goal has no value;
- ``conversion_probability``: ``sum_{i in M} alpha_i b_i / sum_{i in M} alpha_i``, the
  probability that a journey *starting* at one of the group's touchpoints converts; None when
  no journey starts there;
- ``conversions_reached``: ``T (C - C_-g)``, the expected number of converting journeys that
  touch the group at least once (equal to ``T P(reach M and convert)``);
- ``removal_effect``: ``RE_g = 1 - C_-g / C`` (Anderl, Becker, von Wangenheim & Schumann 2016),
  where ``C_-g`` is the conversion of the chain re-solved with every member sent to LOST at once
  (exact: one linear solve per group, no path simulation, no truncation);
- ``attribution_share``: ``RE_g / sum_h RE_h``, so the shares add up to 1; the period's
  conversions (observed transitions into the selected goals) are credited in that proportion
  (``attributed_conversions``), and the period's conversion value in proportion to the value
  removal effects ``1 - V_-g / V`` (``attributed_value``; the same share when every goal has the
  same value);
- ``first_touch_share``: ``sum_{i in M} alpha_i b_i / C``, the share of conversions whose journey
  entered at the group (each conversion credited to the channel of its first touchpoint);
- ``last_touch_share``: ``sum_{i in M} c_i / sum_i c_i``, the observed conversions by the channel
  of the touchpoint that converted.

**Assumptions.** The chain's first-order Markov property: where a journey goes next depends only
on the touchpoint it is at, not on the channels it came through (a path-level model such as
ChannelAttribution's higher-order chains relaxes it; ``docs/analysis.md``, "By channel").
Counts are transitions, so a customer who comes back starts a new journey.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from journeymap.analysis.chain import (
    Chain,
    ChainProbabilities,
    Solution,
    build_chain,
    leak_costs,
    solve_chain,
)
from journeymap.analysis.flow import flow_table
from journeymap.analysis.results import ChannelFigures, Grouping
from journeymap.facts import after_goal_touchpoints, selected_goals
from journeymap.graph import CHANNEL, STAGE
from journeymap.stats import ratio

__all__ = [
    "NO_CHANNEL",
    "Attribution",
    "ChannelFigures",
    "Grouping",
    "attribution",
    "attribution_on",
]

NO_CHANNEL = "(no channel)"
"""The group of chain touchpoints that declare no ``channel``."""


@dataclass(frozen=True)
class Attribution:
    """Figures by group, and the period's totals they share out."""

    by: Grouping
    goals: tuple[str, ...]
    conversions: int
    """The period's conversions: observed transitions into the selected goals."""
    value: float | None
    """Their value (conversions at each goal times its value); None when a goal has no value."""
    conversion_probability: float | None
    """C, the chain's conversion probability per entrant."""
    groups: tuple[ChannelFigures, ...]


def attribution(
    G: nx.DiGraph[str], *, by: Grouping = Grouping.CHANNEL, goal: str | None = None
) -> Attribution:
    """Figures by channel (or stage) of a journey graph, and the attribution table.

    Builds and solves the chain of the selected goals (:func:`attribution_on` does the rest).

    Examples
    --------
    Two channels: web (home, cart) and email (mail); 40 conversions from cart.

    >>> from journeymap.graph import build_graph
    >>> from journeymap.model import JourneyMap
    >>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M",
    ...     "value_per_conversion": 10, "stages": [{"id": "s", "name": "S", "touchpoints": [
    ...     {"id": "home", "name": "Home", "channel": "web", "entries": 100,
    ...      "next": {"cart": 50, "mail": 20}},
    ...     {"id": "mail", "name": "Mail", "channel": "email", "entries": 40,
    ...      "next": {"cart": 30}},
    ...     {"id": "cart", "name": "Cart", "channel": "web", "next": {"paid": 40, "mail": 10}},
    ...     {"id": "paid", "name": "Paid", "channel": "web", "goal": True}]}]})
    >>> a = attribution(build_graph(m))
    >>> [(g.channel, round(g.attribution_share, 4), round(g.attributed_conversions, 2))
    ...  for g in a.groups]
    [('web', 0.7273, 29.09), ('email', 0.2727, 10.91)]
    """
    goals = selected_goals(G, goal)
    after = after_goal_touchpoints(G, goals)
    chain = build_chain(G, goals, after)
    return attribution_on(G, chain, solve_chain(chain, with_diagonal=False), by=by)


def attribution_on(
    G: nx.DiGraph[str], chain: Chain, sol: Solution, *, by: Grouping = Grouping.CHANNEL
) -> Attribution:
    """:func:`attribution` on a chain already built and solved for the selected goals."""
    goals = list(chain.goals)
    members = _members(G, chain, by)
    flows = flow_table(G, goals)
    C = sol.conversion if goals else None
    V = (
        float(sol.alpha @ sol.b_value)
        if sol.alpha is not None and sol.b_value is not None
        else None
    )
    conversions = int(chain.conversions.sum())
    value = (
        float(chain.conversions.sum(axis=0) @ chain.goal_values)
        if goals and chain.goal_values is not None
        else None
    )
    lost_value = leak_costs(chain, sol, sol.b_value) if sol.b_value is not None else None
    removal, value_removal = _removal_effects(chain, sol, members, C, V)
    shares = _normalised(removal)
    value_shares = _normalised(value_removal)
    by_goal = chain.conversions.sum(axis=1)
    groups: list[ChannelFigures] = []
    for k, (key, idx) in enumerate(members.items()):
        states = [chain.states[i] for i in idx]
        start = float(sol.alpha[idx].sum()) if sol.alpha is not None else 0.0
        entering = float(sol.alpha[idx] @ sol.b[idx]) if sol.alpha is not None else 0.0
        re, share, value_share = removal[k], shares[k], value_shares[k]
        groups.append(
            ChannelFigures(
                channel=key,
                touchpoints=tuple(states),
                visits=sum(flows[t].visits for t in states),
                exits=sum(flows[t].exits for t in states),
                conversions_reached=(
                    None if re is None or C is None else sol.total_entries * C * re
                ),
                lost_value=(None if lost_value is None else float(np.nansum(lost_value[idx]))),
                conversion_probability=ratio(entering, start) if goals and start > 0 else None,
                removal_effect=re,
                attribution_share=share,
                attributed_conversions=None if share is None else share * conversions,
                attributed_value=None
                if value_share is None or value is None
                else value_share * value,
                first_touch_share=ratio(entering, C) if C else None,
                last_touch_share=ratio(float(by_goal[idx].sum()), conversions) if goals else None,
            )
        )
    return Attribution(
        by=by,
        goals=tuple(goals),
        conversions=conversions,
        value=value,
        conversion_probability=C,
        groups=tuple(groups),
    )


def _removal_effects(
    chain: Chain,
    sol: Solution,
    members: dict[str, np.ndarray],
    C: float | None,
    V: float | None,
) -> tuple[list[float | None], list[float | None]]:
    """Each group's removal effect on the conversion probability ``C`` and on the expected
    value ``V``: the chain solved again with the group's states sent to lost."""
    removal: list[float | None] = []
    value_removal: list[float | None] = []
    for idx in members.values():
        without = solve_chain(chain, _sent_to_lost(sol.P, idx), with_diagonal=False)
        removal.append(_removal(C, without.conversion))
        removal_value = (
            None
            if V is None or without.b_value is None or without.alpha is None
            else _removal(V, float(without.alpha @ without.b_value))
        )
        value_removal.append(removal_value)
    return removal, value_removal


def _members(G: nx.DiGraph[str], chain: Chain, by: Grouping) -> dict[str, np.ndarray]:
    """Chain state indices of each group, groups in map order of their first touchpoint."""
    out: dict[str, list[int]] = {}
    for i, t in enumerate(chain.states):
        key = G.nodes[t][STAGE] if by == Grouping.STAGE else G.nodes[t].get(CHANNEL)
        out.setdefault(key if key is not None else NO_CHANNEL, []).append(i)
    return {k: np.asarray(v, dtype=np.int64) for k, v in out.items()}


def _sent_to_lost(P: ChainProbabilities, idx: np.ndarray) -> ChainProbabilities:
    """The chain's probabilities with the states ``idx`` removed: whoever arrives there (or
    starts there) is lost."""
    import scipy.sparse as sp  # by channel only; a check needs no scipy

    keep = np.ones(P.Q.shape[0])
    keep[idx] = 0.0
    lost = P.lost.copy()
    lost[idx] = 1.0
    return ChainProbabilities(
        Q=sp.csr_matrix(sp.diags(keep) @ P.Q),
        R=P.R * keep[:, None],
        lost=lost,
        unknown=P.unknown * keep,
        after=P.after * keep,
    )


def _removal(total: float | None, without: float | None) -> float | None:
    """``1 - without / total``; None when the total is undefined or zero."""
    if total is None or without is None or total <= 0:
        return None
    return 1.0 - without / total


def _normalised(effects: list[float | None]) -> list[float | None]:
    """Each effect over their sum; None throughout when any is undefined or they sum to 0."""
    if any(e is None for e in effects):
        return [None] * len(effects)
    total = sum(e for e in effects if e is not None)
    if total <= 0:
        return [None] * len(effects)
    return [(e or 0.0) / total for e in effects]
