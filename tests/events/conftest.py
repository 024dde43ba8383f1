from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap.io import OverlayFormat, dump_overlay
from journeymap.model import JourneyMap, Overlay

SHOP = {
    "journeymap": 1, "id": "shop", "title": "Shop",
    "stages": [
        {"id": "browse", "name": "Browse", "touchpoints": [
            {"id": "home", "name": "Home", "next": ["product"]},
            {"id": "product", "name": "Product", "next": ["cart"]},
        ]},
        {"id": "buy", "name": "Buy", "touchpoints": [
            {"id": "cart", "name": "Cart", "next": ["paid"]},
            {"id": "paid", "name": "Paid", "goal": True},
        ]},
    ],
}


def make_map(base: dict[str, Any] | None = None, **touchpoint_events: Any) -> JourneyMap:
    doc = yaml.safe_load(yaml.safe_dump(base or SHOP))
    for stage in doc["stages"]:
        for tp in stage["touchpoints"]:
            if tp["id"] in touchpoint_events:
                tp["events"] = touchpoint_events[tp["id"]]
    return JourneyMap.model_validate(doc)


@pytest.fixture
def log(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV log: rows are tuples (user, timestamp, event, *extra)."""

    def _log(rows: list[tuple[str, ...]], name: str = "log.csv",
             header: tuple[str, ...] = ("user_id", "timestamp", "event")) -> Path:
        path = tmp_path / name
        lines = [",".join(header)] + [",".join(r) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return _log


def written(overlay: Overlay) -> dict[str, Any]:
    """The overlay as the JSON file ``ingest`` writes, read back as plain data."""
    doc = json.loads(dump_overlay(overlay, OverlayFormat.JSON))
    assert isinstance(doc, dict)
    return doc


def by_id(overlay: Overlay | dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each touchpoint's counts as written, by id."""
    doc = written(overlay) if isinstance(overlay, Overlay) else overlay
    return dict(doc["touchpoints"])
