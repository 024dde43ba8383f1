"""The checks context asks journeymap.facts: after-goal touchpoints are the analysis' own."""

from __future__ import annotations

import pytest

from journeymap.analysis import analyze
from journeymap.checks.context import make_context
from journeymap.io import is_map_document, load_map
from tests.support import MAPS

EXAMPLES = sorted(p for p in MAPS.rglob("*.yaml") if is_map_document(p))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_after_goal_is_what_analyze_reports(path: object) -> None:
    ctx = make_context(load_map(path))  # type: ignore[arg-type]
    doc = analyze(ctx.G, samples=0).to_dict()
    assert ctx.after_goal == {a["id"] for a in doc["after_goal"]}


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 4
