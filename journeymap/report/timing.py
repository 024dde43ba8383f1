"""Time in the journey, in the human formats of ``analyze``: the median time between two
touchpoints (``edges[].median_seconds_to_next``) and the time to convert.

Both come from an event log (``journeymap ingest``); without one, the sections are left out.
Durations print through :func:`journeymap.figures.duration`.
"""

from __future__ import annotations

from journeymap.analysis.results import Analysis
from journeymap.figures import count, duration


def markdown_timing(a: Analysis) -> list[str]:
    """The Markdown section ``### Time between touchpoints`` (nothing when no edge is timed)."""
    timed = [e for e in a.edges if e.median_seconds_to_next is not None]
    if not timed:
        return []
    out = ["", "### Time between touchpoints", ""]
    out += ["| from | to | transitions | median time |", "|---|---|---|---|"]
    for e in timed:
        out.append(
            f"| `{e.from_}` | `{e.to}` | {count(e.count)} | {duration(e.median_seconds_to_next)} |"
        )
    return out
