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


def time_to_convert_lines(a: Analysis) -> list[str]:
    """The summary sentence on the time to convert (nothing when the data has no such figure)."""
    t = a.time_to_convert
    if t is None:
        return []
    return [
        f"Converting journeys took a median of {duration(t.median_seconds)} from their first "
        f"event to the goal; 90% converted within {duration(t.p90_seconds)} "
        f"({count(t.journeys)} journeys)."
    ]
