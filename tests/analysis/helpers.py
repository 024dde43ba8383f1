"""Tiny maps for the analysis tests, built in code."""

from __future__ import annotations

from typing import Any

import networkx as nx

from journeymap.graph import build_graph
from journeymap.model import JourneyMap


def make_map(touchpoints: list[dict[str, Any]], **top: Any) -> JourneyMap:
    """One-stage map (or several stages when touchpoints carry a 'stage' key)."""
    stages: dict[str, list[dict[str, Any]]] = {}
    for tp in touchpoints:
        tp = dict(tp)
        stage = tp.pop("stage", "s")
        tp.setdefault("name", tp["id"].title())
        stages.setdefault(stage, []).append(tp)
    doc = {
        "journeymap": 1,
        "id": "m",
        "title": "Test map",
        "stages": [{"id": s, "name": s.title(), "touchpoints": tps} for s, tps in stages.items()],
        **top,
    }
    return JourneyMap.model_validate(doc)


def graph(touchpoints: list[dict[str, Any]], **top: Any) -> nx.DiGraph[str]:
    return build_graph(make_map(touchpoints, **top))


LOOP: list[dict[str, Any]] = [
    {"id": "a", "entries": 100, "next": {"b": 60}},
    {"id": "b", "next": {"goal": 30, "a": 10}},
    {"id": "goal", "goal": True},
]
"""a: 110 visits (100 entries + 10 back from b), 50 exits; b: 60 visits, 20 exits.
Worked by hand: b_b = 0.5 + b_a/6, b_a = 6/11 b_b, so b_b = 0.55, b_a = 0.3 = C."""
