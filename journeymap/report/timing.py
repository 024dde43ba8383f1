"""Time in the journey, in the human formats of ``analyze``: the median time between two
touchpoints (``edges[].median_seconds_to_next``) and the time to convert.

Both come from an event log (``journeymap ingest``); without one, the sections are left out.
Durations print through :func:`journeymap.figures.duration`.
"""

from __future__ import annotations

from journeymap.analysis.results import Analysis
from journeymap.figures import count, duration
from journeymap.i18n import ENGLISH, Language, translator


def markdown_timing(a: Analysis, *, lang: Language = ENGLISH) -> list[str]:
    """The Markdown section ``### Time between touchpoints`` (nothing when no edge is timed)."""
    timed = [e for e in a.edges if e.median_seconds_to_next is not None]
    if not timed:
        return []
    tr = translator(lang)
    out = ["", "### " + tr.gettext("Time between touchpoints"), ""]
    head = [
        tr.gettext("from"),
        tr.gettext("to"),
        tr.gettext("transitions"),
        tr.gettext("median time"),
    ]
    out += ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
    for e in timed:
        out.append(
            f"| `{e.from_}` | `{e.to}` | {count(e.count, lang=lang)} | "
            f"{duration(e.median_seconds_to_next, lang=lang)} |"
        )
    return out


def time_to_convert_lines(a: Analysis, *, lang: Language = ENGLISH) -> list[str]:
    """The summary sentence on the time to convert (nothing when the data has no such figure)."""
    t = a.time_to_convert
    if t is None:
        return []
    return [
        translator(lang)
        .ngettext(
            "Converting journeys took a median of {median} from their first event to the goal; "
            "90% converted within {p90} ({n} journey).",
            "Converting journeys took a median of {median} from their first event to the goal; "
            "90% converted within {p90} ({n} journeys).",
            round(t.journeys),
        )
        .format(
            median=duration(t.median_seconds, lang=lang),
            p90=duration(t.p90_seconds, lang=lang),
            n=count(t.journeys, lang=lang),
        )
    ]
