"""The table and Markdown print at most five warnings of one code and count the rest in one
line; JSON keeps every warning (no silent loss: the count is shown, the figures kept)."""

from __future__ import annotations

from typing import Any

from journeymap.analysis import analyze
from journeymap.graph import build_graph
from journeymap.model import JourneyMap, Overlay
from journeymap.report.analysis_text import WARNINGS_PER_CODE, to_markdown, to_table

TARGETS = [f"t{i}" for i in range(7)]


def _analysis() -> Any:
    """A map that declares home -> paid only; the overlay also sends 1..7 customers from home
    to each of seven touchpoints the map does not connect it to: seven JM512 warnings."""
    jm = JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "m",
            "title": "M",
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "touchpoints": [
                        {"id": "home", "name": "Home", "next": ["paid"]},
                        *({"id": t, "name": t.upper(), "next": ["paid"]} for t in TARGETS),
                        {"id": "paid", "name": "Paid", "goal": True},
                    ],
                }
            ],
        }
    )
    next_ = {"paid": 50, **{t: i + 1 for i, t in enumerate(TARGETS)}}
    overlay = Overlay.model_validate(
        {
            "journeymap-data": 1,
            "map": "m",
            "touchpoints": {"home": {"entries": 100, "next": next_}},
        }
    )
    return analyze(build_graph(jm, overlay), samples=0)


def test_the_table_shows_five_undeclared_transitions_and_counts_the_other_two() -> None:
    a = _analysis()
    assert sum(w.code == "JM512" for w in a.warnings) == 7  # every one kept for JSON
    lines = [ln for ln in to_table(a).splitlines() if "JM512" in ln]
    assert len(lines) == WARNINGS_PER_CODE + 1 == 6
    assert (
        lines[0] == "  JM512 1 transition goes from 'home' to 't0', which the map does not declare"
    )
    assert lines[-1] == "  JM512 ... and 2 more (see --format json or csv)"
    md = [ln for ln in to_markdown(a).splitlines() if "JM512" in ln]
    assert md[-1] == "- **JM512** ... and 2 more (see --format json or csv)"
    assert len(md) == 6
