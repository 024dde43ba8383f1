"""The journey as a ``networkx.DiGraph``: touchpoints are nodes, transitions are edges.

Attribute names are the constants below; analysis, checks and renderers use them, never the
literal strings. Building a graph never reads files: give it a validated map and, optionally,
the overlay whose numbers replace the map's.

Counting unit: *transitions* (visits), stated in the graph attribute ``unit``.

>>> from journeymap.model import JourneyMap
>>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M", "stages": [
...     {"id": "s", "name": "S", "touchpoints": [
...         {"id": "ad", "name": "Ad", "entries": 100, "next": {"shop": 40}},
...         {"id": "shop", "name": "Shop", "next": {"paid": 10}},
...         {"id": "paid", "name": "Paid", "goal": True}]}]})
>>> G = build_graph(m)
>>> G.nodes["ad"][EXITS], G.nodes["shop"][VISITS], G.nodes["shop"][CONVERSIONS]
(60, 40, 10)
>>> G.edges["ad", "shop"][COUNT]
40
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from journeymap.model import JourneyMap, Overlay, Touchpoint, period_label

# graph attributes --------------------------------------------------------------------------
MAP_ID = "map_id"
TITLE = "title"
UNIT = "unit"
"""Always ``"transitions"``: counts are visits along transitions, not unique customers."""
CURRENCY = "currency"
VALUE_PER_CONVERSION = "value_per_conversion"
PERIOD = "period"
"""The period label as written (``2026-Q3``) or ``start..end``; None when the map has none."""
STAGES = "stages"
"""Ordered list of ``(stage id, stage name)``."""
GOALS = "goals"
"""Ids of goal touchpoints, in map order."""
HAS_COUNTS = "has_counts"
"""False when neither the map nor the overlay gives any flow number."""
EMOTION_SCALE = "emotion_scale"
FROM_OVERLAY = "from_overlay"
COVERAGE = "coverage"
UNMAPPED = "unmapped"
BUSINESS = "business"
"""The period's :class:`~journeymap.model.Business` inputs: the overlay's when there is one
(never the map's then), else the map's; None when the period has none."""
TIME_TO_CONVERT = "time_to_convert"
"""The overlay's :class:`~journeymap.model.TimeToConvert` (from an event log), else None."""
MAP_BUSINESS = "map_business"
"""The map's own :class:`~journeymap.model.Business` inputs, also with an overlay: what the
team tracks, so a figure the overlay does not carry is reported as not measured."""

# node attributes ---------------------------------------------------------------------------
TOUCHPOINT = "touchpoint"
"""The :class:`~journeymap.model.Touchpoint` itself, for qualitative fields."""
NAME = "name"
STAGE = "stage"
STAGE_INDEX = "stage_index"
ORDER = "order"
"""Position of the touchpoint in map order (0-based, across stages)."""
CHANNEL = "channel"
GOAL = "goal"
VALUE = "value"
"""Value of one conversion at this goal (the goal's ``value`` or the map's value_per_conversion)."""
ENTRIES = "entries"
VISITS = "visits"
"""``entries + sum of counts on in-edges``."""
TRANSITIONS_OUT = "transitions_out"
"""Sum of counts on out-edges (including those into goals)."""
CONVERSIONS = "conversions"
"""Sum of counts on out-edges into goal touchpoints (every goal)."""
EXITS = "exits"
"""Declared exits, or derived ``visits - transitions_out - unknown - in_progress`` (at least 0)."""
EXITS_DECLARED = "exits_declared"
UNKNOWN = "unknown"
IN_PROGRESS = "in_progress"
CUSTOMERS = "customers"
"""Unique customers (from an overlay made from events), or None."""
FLOW_RESIDUAL = "flow_residual"
"""``visits - (transitions_out + exits + unknown + in_progress)``; 0 when flow conserves."""
SCORES = "scores"
SERVICE = "service"
"""The period's :class:`~journeymap.model.TouchpointBusiness` (service times and cost per
visit): the overlay touchpoint's when there is an overlay, else the touchpoint's; or None."""
EMOTION = "emotion"
DECLARED = "declared"
"""On nodes: always True. On edges: False for transitions only an overlay knows."""

# edge attributes ---------------------------------------------------------------------------
COUNT = "count"
COUNT_KNOWN = "count_known"
RETURNS = "returns"
MEDIAN_SECONDS = "median_seconds"


def build_graph(journey_map: JourneyMap, overlay: Overlay | None = None) -> nx.DiGraph[str]:
    """Build the annotated journey graph of a validated map.

    With an overlay, every count, survey response and business input (map-level ``business``,
    per-touchpoint service times and costs) comes from the overlay and the map's own numbers
    are ignored, so one period is never a mix. Transitions the overlay has but the map
    does not declare become edges with ``declared=False``.
    """
    G: nx.DiGraph[str] = nx.DiGraph()
    goals = journey_map.goals
    G.graph.update(
        {
            MAP_ID: journey_map.id,
            TITLE: journey_map.title,
            UNIT: "transitions",
            CURRENCY: journey_map.currency,
            VALUE_PER_CONVERSION: journey_map.value_per_conversion,
            PERIOD: period_label(
                overlay.period if overlay and overlay.period else journey_map.period
            ),
            STAGES: [(s.id, s.name) for s in journey_map.stages],
            GOALS: goals,
            EMOTION_SCALE: tuple(journey_map.emotion_scale),
            FROM_OVERLAY: overlay is not None,
            COVERAGE: overlay.coverage if overlay else None,
            UNMAPPED: dict(overlay.unmapped) if overlay else {},
            BUSINESS: overlay.business if overlay is not None else journey_map.business,
            MAP_BUSINESS: journey_map.business,
            TIME_TO_CONVERT: overlay.time_to_convert if overlay else None,
        }
    )
    has_counts = _add_touchpoints(G, journey_map, overlay)
    for _, tp in journey_map.iter_touchpoints():
        for target, count in tp.transitions.items():
            G.add_edge(
                tp.id,
                target,
                **{
                    COUNT: count or 0,
                    COUNT_KNOWN: count is not None,
                    DECLARED: True,
                    RETURNS: tp.returns.get(target, 0),
                    MEDIAN_SECONDS: None,
                },
            )
    if overlay is not None:
        _count_from_overlay(G, overlay)
    G.graph[HAS_COUNTS] = has_counts or any(d[COUNT] for *_, d in G.edges(data=True))
    _derive_flow(G, set(goals))
    return G


def _add_touchpoints(G: nx.DiGraph[str], journey_map: JourneyMap, overlay: Overlay | None) -> bool:
    """One node per touchpoint in map order; True when any touchpoint has counts."""
    has_counts = False
    order = 0
    for stage_index, stage in enumerate(journey_map.stages):
        for tp in stage.touchpoints:
            numbers = _numbers(tp, overlay)
            has_counts = has_counts or numbers["has_counts"]
            value = tp.value if tp.value is not None else journey_map.value_per_conversion
            G.add_node(
                tp.id,
                **{
                    TOUCHPOINT: tp,
                    NAME: tp.name,
                    STAGE: stage.id,
                    STAGE_INDEX: stage_index,
                    ORDER: order,
                    CHANNEL: tp.channel,
                    GOAL: tp.goal,
                    VALUE: value if tp.goal else None,
                    ENTRIES: numbers["entries"],
                    EXITS: numbers["exits"],
                    EXITS_DECLARED: numbers["exits"] is not None,
                    UNKNOWN: numbers["unknown"],
                    IN_PROGRESS: numbers["in_progress"],
                    CUSTOMERS: numbers["customers"],
                    SCORES: numbers["scores"],
                    SERVICE: numbers["service"],
                    EMOTION: tp.emotion,
                    DECLARED: True,
                },
            )
            order += 1
    return has_counts


def _count_from_overlay(G: nx.DiGraph[str], overlay: Overlay) -> None:
    """Every transition count comes from the overlay; undeclared transitions become edges."""
    for e in G.edges:
        G.edges[e][COUNT] = 0
        G.edges[e][COUNT_KNOWN] = True
        G.edges[e][RETURNS] = 0
    for tid, data in overlay.touchpoints.items():
        for target, count in data.next.items():
            if G.has_edge(tid, target):
                G.edges[tid, target][COUNT] = count
            else:
                G.add_edge(
                    tid,
                    target,
                    **{
                        COUNT: count,
                        COUNT_KNOWN: True,
                        DECLARED: False,
                        RETURNS: 0,
                        MEDIAN_SECONDS: None,
                    },
                )
            G.edges[tid, target][RETURNS] = data.returns.get(target, 0)
            G.edges[tid, target][MEDIAN_SECONDS] = data.median_seconds_to_next.get(target)


def _derive_flow(G: nx.DiGraph[str], goal_set: set[str]) -> None:
    """Visits, transitions out, conversions, exits (derived when not declared), residual."""
    for node, attrs in G.nodes(data=True):
        entries = attrs[ENTRIES]
        visits = entries + sum(G.edges[p, node][COUNT] for p in G.predecessors(node))
        out = sum(G.edges[node, s][COUNT] for s in G.successors(node))
        conversions = sum(G.edges[node, s][COUNT] for s in G.successors(node) if s in goal_set)
        unknown, in_progress = attrs[UNKNOWN], attrs[IN_PROGRESS]
        exits = (
            max(visits - out - unknown - in_progress, 0) if attrs[EXITS] is None else attrs[EXITS]
        )
        attrs[VISITS] = visits
        attrs[TRANSITIONS_OUT] = out
        attrs[CONVERSIONS] = conversions
        attrs[EXITS] = exits
        attrs[FLOW_RESIDUAL] = visits - (out + exits + unknown + in_progress)


def _numbers(tp: Touchpoint, overlay: Overlay | None) -> dict[str, Any]:
    if overlay is None:
        return {
            "entries": tp.entries or 0,
            "exits": tp.exits,
            "unknown": tp.unknown or 0,
            "in_progress": tp.in_progress or 0,
            "customers": tp.customers,
            "scores": tp.scores,
            "service": tp.business,
            "has_counts": any(
                v is not None for v in (tp.entries, tp.exits, tp.unknown, tp.in_progress)
            )
            or any(c is not None for c in tp.transitions.values()),
        }
    data = overlay.touchpoints.get(tp.id)
    if data is None:
        return {
            "entries": 0,
            "exits": None,
            "unknown": 0,
            "in_progress": 0,
            "customers": None,
            "scores": None,
            "service": None,
            "has_counts": False,
        }
    return {
        "entries": data.entries,
        "exits": data.exits,
        "unknown": data.unknown or 0,
        "in_progress": data.in_progress or 0,
        "customers": data.customers,
        "scores": data.scores,
        "service": data.business,
        "has_counts": True,
    }


def touchpoints_in_order(G: nx.DiGraph[str]) -> list[str]:
    """Touchpoint ids in map order (stage by stage, as written).

    >>> G = nx.DiGraph(); G.add_node("b", order=1); G.add_node("a", order=0)
    >>> touchpoints_in_order(G)
    ['a', 'b']
    """
    return sorted(G.nodes, key=lambda n: G.nodes[n][ORDER])
