"""Event-log edges and missing positions (issue 17): what an event log, a duration or a rule
can hold that the engine cannot, refused with its position; closed loops found by ``experiment``
point at the map's line as ``analyze`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.analysis.test_experiment import _files
from tests.support import Result

LOOP_START = "the journey cannot end from 'cart', 'checkout'"


def test_experiment_points_at_a_closed_loop_its_scenario_makes(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    # the scenario sends every checkout back to the cart and every cart to checkout: nothing
    # leaves the two, so the prediction's analysis of the to-be map is a closed loop
    exp: dict[str, Any] = {
        "experiments": [{"id": "x", "arms": [{"name": "a"}, {"name": "b"}], "scenario": "to-be"}],
        "scenarios": {
            "to-be": {
                "touchpoints": {
                    "cart": {"next": {"checkout": 400}, "exits": 0},
                    "checkout": {"next": {"cart": 400}, "exits": 0},
                }
            }
        },
    }
    args = _files(tmp_path, {"a": (1000, 400, 250, 100), "b": (1000, 400, 250, 112)}, exp)
    r = cli("experiment", *args)
    assert r.code == 2
    first = r.err.splitlines()[0]
    assert first.startswith(f"{args[0]}:")
    assert LOOP_START in first, r.err
