"""The graph facts lint relies on agree with the analysis layer on every example map."""

from __future__ import annotations

import pytest

from journeymap.analysis import after_goal_touchpoints, selected_goals
from journeymap.checks.context import make_context
from journeymap.io import is_map_document, load_map
from tests.support import MAPS

EXAMPLES = sorted(p for p in MAPS.rglob("*.yaml") if is_map_document(p))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_after_goal_agrees_with_the_analysis(path: object) -> None:
    ctx = make_context(load_map(path))  # type: ignore[arg-type]
    goals = selected_goals(ctx.G)
    assert ctx.goals == goals
    assert ctx.after_goal == set(after_goal_touchpoints(ctx.G, goals))


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 4
