"""JM305 and experiment arms: overlays split by one segment column are compared side by side."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from journeymap.analysis.comparison import Side
from journeymap.analysis.gate import compare_maps
from journeymap.graph import build_graph
from journeymap.model import JourneyMap


def _side(segment: Mapping[str, object] | None) -> Side:
    m = JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "m",
            "title": "M",
            "period": "2026-Q3",
            "stages": [{"id": "s", "name": "S", "touchpoints": [
                {"id": "cart", "name": "Cart", "entries": 100, "next": {"paid": 60}},
                {"id": "paid", "name": "Paid", "goal": True},
            ]}],
        }
    )  # fmt: skip
    return Side(m, build_graph(m), ("paid",), m.period, segment)


def test_two_arms_of_one_period_are_not_peeking() -> None:
    c = compare_maps(_side({"variant": "b"}), _side({"variant": "a"}), label="a")
    assert c.overlap is None
    assert (
        "the baseline (variant a) and the current numbers (variant b) are segments of one log "
        "counted side by side: a concurrent comparison, not peeking"
    ) in c.notes


def test_the_same_window_without_arms_is_still_peeking() -> None:
    for current, baseline in [(None, None), ({"variant": "a"}, {"variant": "a"}),
                              ({"variant": "a"}, {"persona": "b"})]:  # fmt: skip
        c = compare_maps(_side(current), _side(baseline), label="base")
        assert c.overlap is not None and c.overlap.startswith("the baseline and the current")
        assert not any("concurrent" in n for n in c.notes)
    assert dataclasses.fields(Side)[-1].name == "segment"
