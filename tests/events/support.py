"""Helpers for the event-log tests (a small shop map, overlays by id); fixtures stay in conftest.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from journeymap.events.settings import Columns
from journeymap.io import OverlayFormat, dump_overlay
from journeymap.model import JourneyMap, Overlay

SHOP = {
    "journeymap": 1,
    "id": "shop",
    "title": "Shop",
    "stages": [
        {
            "id": "browse",
            "name": "Browse",
            "touchpoints": [
                {"id": "home", "name": "Home", "next": ["product"]},
                {"id": "product", "name": "Product", "next": ["cart"]},
            ],
        },
        {
            "id": "buy",
            "name": "Buy",
            "touchpoints": [
                {"id": "cart", "name": "Cart", "next": ["paid"]},
                {"id": "paid", "name": "Paid", "goal": True},
            ],
        },
    ],
}

LogFile = Callable[..., Path]
"""The ``log`` fixture: ``log(rows, name=..., header=...)`` writes a CSV log and returns it."""


def make_map(base: dict[str, Any] | None = None, **touchpoint_events: Any) -> JourneyMap:
    doc = yaml.safe_load(yaml.safe_dump(base or SHOP))
    for stage in doc["stages"]:
        for tp in stage["touchpoints"]:
            if tp["id"] in touchpoint_events:
                tp["events"] = touchpoint_events[tp["id"]]
    return JourneyMap.model_validate(doc)


def written(overlay: Overlay) -> dict[str, Any]:
    """The overlay as the JSON file ``ingest`` writes, read back as plain data."""
    doc = json.loads(dump_overlay(overlay, OverlayFormat.JSON))
    assert isinstance(doc, dict)
    return doc


def by_id(overlay: Overlay | dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each touchpoint's counts as written, by id."""
    doc = written(overlay) if isinstance(overlay, Overlay) else overlay
    return dict(doc["touchpoints"])


def ga4_rows() -> list[dict[str, Any]]:
    """A GA4 BigQuery export's shape: microseconds since the epoch, written as a string in JSON."""
    return [
        {
            "event_timestamp": str((1767261600 + 60 * i) * 10**6 + 250),
            "user_pseudo_id": user,
            "event_name": ev,
        }
        for i, (user, ev) in enumerate(
            [
                ("p1", "home"),
                ("p1", "product"),
                ("p2", "home"),
                ("p1", "cart"),
                ("p2", "newsletter"),
            ]
        )
    ]


GA4 = Columns(customer="user_pseudo_id", timestamp="event_timestamp", event="event_name")


MIXPANEL = Columns(customer="properties.distinct_id", timestamp="properties.time", event="event")
# u1 (plan pro): home, view (product), cart, paid; u2 (plan free): home, view (no rule maps it)
EVENTS = [
    ("u1", 0, "home", "pro"),
    ("u1", 60, "view", "pro"),
    ("u1", 120, "cart", "pro"),
    ("u1", 180, "paid", "pro"),
    ("u2", 30, "home", "free"),
    ("u2", 90, "view", "free"),
]


def mixpanel_map() -> JourneyMap:
    return make_map(product=[{"name": "view", "where": {"properties.plan": "pro"}}])


def mixpanel(tmp_path: Path) -> Path:
    """Mixpanel's export shape: the event name at the top, everything else under properties."""
    f = tmp_path / "mixpanel.jsonl"
    f.write_text(
        "".join(
            json.dumps(
                {
                    "event": ev,
                    "properties": {
                        "time": 1767261600 + dt,
                        "distinct_id": user,
                        "plan": plan,
                        "$insert_id": f"{user}-{dt}",
                    },
                }
            )
            + "\n"
            for user, dt, ev, plan in EVENTS
        )
    )
    return f
