"""Chain facts of a journey graph: the one definition of each, for every layer above ``graph``.

Which goals are selected, where journeys start, which touchpoints can still convert, which are
*after* the goal, and which form a closed loop that no journey leaves. The analysis builds its
absorbing chain on these facts; the checks context, the lint checks and the command line ask the
same functions, so ``analyze`` and ``check`` can never disagree about them (design section 4.1).

The module needs only networkx: asking a fact never imports the numerical solvers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from typing import TypeVar

import networkx as nx

from journeymap.graph import (
    COUNT,
    ENTRIES,
    EXITS,
    FLOW_RESIDUAL,
    GOALS,
    UNKNOWN,
    touchpoints_in_order,
)
from journeymap.i18n import N_
from journeymap.model import select_goals

N = TypeVar("N", bound=Hashable)

NEGLIGIBLE = 1e-9
"""The share of a touchpoint's departures below which an outcome or a move counts as none.

A chain solve divides by the probability ``e`` of leaving a loop: ``I - Q`` has ``1 - q`` with
``q = 1 - e`` rounded to a double (error about 1.1e-16), so the relative error of ``1 / e`` is
about ``1.1e-16 / e``. Below 1e-9 that error passes 1e-7, the digits the tool reports; at
``e < 1.1e-16`` (a self-transition counted 10^20 times beside one exit) ``q`` rounds to 1.0 and
the matrix is singular. Such a loop is the closed loop it is in floating point: one in
10^9 departures is below what any count of a journey map measures."""
CLOSED_LOOP_HINT = N_("an outcome of fewer than one in 1,000,000,000 departures counts as none")
"""Said with every closed loop, so a near-closed loop (see :data:`NEGLIGIBLE`) is understood."""


def selected_goals(G: nx.DiGraph[str], goal: str | None = None) -> list[str]:
    """:func:`journeymap.model.select_goals` on a journey graph (its ``goals`` attribute and its touchpoints).

    >>> G = nx.DiGraph(goals=["a", "b"])
    >>> selected_goals(G), selected_goals(G, "b")
    (['a', 'b'], ['b'])
    """
    return select_goals(list(G.graph.get(GOALS, [])), goal, set(G))


def reachable(successors: Callable[[N], Iterable[N]], sources: Iterable[N]) -> set[N]:
    """Every node reachable from the sources (the sources included), in one pass.

    >>> sorted(reachable({1: [2], 2: [3], 3: [], 4: [1]}.__getitem__, [1]))
    [1, 2, 3]
    """
    seen = set(sources)
    stack = list(seen)
    while stack:
        node = stack.pop()
        for nxt in successors(node):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _moves_without_goal_exits(
    G: nx.DiGraph[str], goals: Collection[str]
) -> tuple[Callable[[str], Iterable[str]], Callable[[str], Iterable[str]]]:
    """Successors and predecessors in G without the edges that leave a goal (post-conversion
    flow): a goal has no successors, and no goal is a predecessor."""
    succ, pred = G.succ, G.pred

    def successors(node: str) -> Iterable[str]:
        return () if node in goals else succ[node]

    def predecessors(node: str) -> Iterable[str]:
        return [p for p in pred[node] if p not in goals]

    return successors, predecessors


def entry_points(G: nx.DiGraph[str], goals: Iterable[str] = ()) -> set[str]:
    """Touchpoints where journeys start (goals excepted).

    The touchpoints with counted entries; when nothing has entries (a qualitative map), those
    with no way in other than from a goal; when every touchpoint has a way in, the first one.

    >>> G = nx.DiGraph([("ad", "cart"), ("cart", "paid"), ("paid", "ad")])
    >>> nx.set_node_attributes(G, {"ad": 0, "cart": 1, "paid": 2}, "order")
    >>> nx.set_node_attributes(G, 0, "entries")
    >>> sorted(entry_points(G, ["paid"]))
    ['ad']
    >>> G.nodes["cart"]["entries"] = 3
    >>> sorted(entry_points(G, ["paid"]))
    ['cart']
    """
    goal_set = set(goals)
    starts = {n for n in G if G.nodes[n].get(ENTRIES, 0) > 0 and n not in goal_set}
    if starts:
        return starts
    _, predecessors = _moves_without_goal_exits(G, goal_set)
    starts = {n for n in G if not predecessors(n) and n not in goal_set}
    if not starts:
        order = [n for n in touchpoints_in_order(G) if n not in goal_set]
        starts = set(order[:1])
    return starts


def goal_starts(G: nx.DiGraph[str], goals: Iterable[str]) -> int:
    """Journeys that start at a selected goal: the entries counted at the goals.

    The one definition of a journey that starts at its goal, for every command (docs/analysis.md,
    "Journeys that start at their goal"). Journeys start outside the goals (design 4.1,
    :func:`entry_points`), so such a journey is **outside the conversion chain**: it is neither a
    journey entered nor a conversion, and it is counted apart under this reason (``analyze``'s
    warning JM513, ``trend``'s ``started_at_goal``, an experiment arm's ``started_at_goal``). If
    the customer leaves the goal and goes on, that departure is a re-entry: a new journey of the
    chain, as for any converted customer who comes back (``analyze``'s ``summary.reentries``).
    At customer grain (one journey per customer, an experiment's unit) it is the number of
    customers whose first mapped event was a goal.

    >>> G = nx.DiGraph([("cart", "paid"), ("paid", "cart")])
    >>> nx.set_node_attributes(G, {"cart": 5, "paid": 2}, "entries")
    >>> goal_starts(G, ["paid"]), goal_starts(G, [])
    (2, 0)
    """
    return sum(int(G.nodes[g].get(ENTRIES, 0) or 0) for g in set(goals) if g in G)


def can_reach_goal(G: nx.DiGraph[str], goals: Iterable[str]) -> set[str]:
    """Touchpoints with a path to a selected goal that does not pass through a goal.

    >>> G = nx.DiGraph([("ad", "cart"), ("cart", "paid"), ("ad", "help"), ("paid", "delivery")])
    >>> sorted(can_reach_goal(G, ["paid"]))
    ['ad', 'cart']
    """
    goal_set = set(goals)
    _, predecessors = _moves_without_goal_exits(G, goal_set)
    return reachable(predecessors, goal_set & set(G)) - goal_set


def after_goal_touchpoints(G: nx.DiGraph[str], goals: Iterable[str]) -> list[str]:
    """Touchpoints that customers reach after converting and from which no selected goal can
    be reached without passing through a goal (delivery, returns, loyalty in a first-purchase map).

    Precisely: touchpoints that cannot reach a selected goal, that can be reached from a goal,
    and that no journey reaches before converting (from an :func:`entry_point <entry_points>`
    without passing a goal). A touchpoint that cannot reach a goal but is met before converting
    (a help page that only loses customers) stays in the chain: it is a leak, not
    post-conversion flow. In map order.

    >>> G = nx.DiGraph([("ad", "cart"), ("cart", "paid"), ("paid", "delivery"),
    ...                 ("delivery", "review"), ("ad", "help"), ("delivery", "ad")])
    >>> nx.set_node_attributes(G, {n: i for i, n in enumerate(G)}, "order")
    >>> nx.set_node_attributes(G, 0, "entries"); G.nodes["ad"]["entries"] = 5
    >>> after_goal_touchpoints(G, ["paid"])
    ['review']
    """
    goal_set = set(goals)
    if not goal_set:
        return []
    successors, _ = _moves_without_goal_exits(G, goal_set)
    can_reach = can_reach_goal(G, goal_set)
    before = reachable(successors, entry_points(G, goal_set))
    downstream = reachable(
        G.successors, [s for goal in goal_set & set(G) for s in G.successors(goal)]
    )
    after = downstream - goal_set - can_reach - before
    return [n for n in touchpoints_in_order(G) if n in after]


def cannot_end(
    states: Iterable[N], ends: Callable[[N], bool], successors: Callable[[N], Iterable[N]]
) -> set[N]:
    """The states from which no ending outcome can be reached: the closed loops of a chain.

    ``ends(s)`` says whether state s has an outcome that ends the journey (a conversion, an exit,
    unknown outflow, a transition out of the chain); ``successors(s)`` the states it moves to
    with a positive count. One reverse pass from the ending states.

    >>> nxt = {"a": ["b"], "b": ["a"], "c": ["a"], "d": []}
    >>> sorted(cannot_end(nxt, lambda s: s == "d", nxt.__getitem__))
    ['a', 'b', 'c']
    """
    states = list(states)
    into: dict[N, list[N]] = {s: [] for s in states}
    for s in states:
        for t in successors(s):
            if t in into:
                into[t].append(s)
    reach = reachable(into.__getitem__, [s for s in states if ends(s)])
    return {s for s in states if s not in reach}


def closed_loops(G: nx.DiGraph[str], goals: Iterable[str]) -> list[str]:
    """Chain touchpoints (neither goal nor after-goal) whose counted flow can never end.

    A touchpoint ends journeys when it has exits, unknown or unobserved outflow (a positive
    flow residual), a transition into a goal or an after-goal touchpoint, or no completed
    departure at all (its continuation is unknown). Outcomes and moves of fewer than
    :data:`NEGLIGIBLE` of its departures count as none (a near-closed loop is singular in
    floating point). The rest, and every touchpoint that only
    leads to the rest, form closed loops: the absorbing chain cannot be solved (``analyze``
    stops, ``check`` reports JM209). In map order.

    >>> G = nx.DiGraph()
    >>> for i, n in enumerate(["ad", "a", "b", "paid"]):
    ...     G.add_node(n, order=i, entries=100 if n == "ad" else 0, exits=80 if n == "ad" else 0,
    ...                unknown=0, flow_residual=0)
    >>> G.add_edge("ad", "paid", count=20); G.add_edge("a", "b", count=50)
    >>> G.add_edge("b", "a", count=50)
    >>> closed_loops(G, ["paid"])
    ['a', 'b']
    """
    goal_set = set(goals)
    outside = goal_set | set(after_goal_touchpoints(G, goal_set))
    states = [n for n in touchpoints_in_order(G) if n not in outside]
    inside = set(states)
    ending: dict[str, float] = {}
    floor: dict[str, float] = {}
    for s in states:
        d = G.nodes[s]
        out = [(t, G.edges[s, t].get(COUNT, 0)) for t in G.successors(s)]
        ending[s] = (
            d.get(EXITS, 0)
            + d.get(UNKNOWN, 0)
            + max(d.get(FLOW_RESIDUAL, 0), 0)
            + sum(c for t, c in out if t not in inside)
        )
        departures = ending[s] + sum(c for t, c in out if t in inside)
        floor[s] = NEGLIGIBLE * departures  # below it, an outcome or a move counts as none
    moves: Mapping[str, list[str]] = {
        s: [
            t
            for t in G.successors(s)
            if t in inside and G.edges[s, t].get(COUNT, 0) > max(floor[s], 0)
        ]
        for s in states
    }

    def ends(s: str) -> bool:
        # no completed departure at all: the continuation is unknown
        return floor[s] == 0 or ending[s] > floor[s]

    stuck = cannot_end(states, ends, moves.__getitem__)
    return [s for s in states if s in stuck]
