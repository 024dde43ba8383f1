"""Path tables to overlays (``journeymap import paths``).

A **path table** (the ChannelAttribution layout: ``path, total_conversions, total_null,
total_conversion_value``, channels separated by ``" > "``) has one row per path: a number of
journeys that went along it; ``total_conversions`` of them converted after the last channel and
``total_null`` left. Channels map to touchpoints (by id, by name, or as told); consecutive repeats
of a channel collapse into one visit (as ChannelAttribution's ``markov_model`` and our ``ingest``
do), and the number of collapsed repeats is reported.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from journeymap.events.exports import (
    ExportError,
    amount,
    read_csv,
    touchpoint_named,
    touchpoint_names,
    whole_count,
)
from journeymap.events.imports import Imported, valid_overlay
from journeymap.model import JourneyMap, OverlayTouchpoint, PeriodRange
from journeymap.source import Position

PATH_COLUMNS = ("path", "total_conversions", "total_null", "total_conversion_value")
"""The path table's columns (ChannelAttribution's layout); the value column is optional."""
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class PathCounts:
    """The journeys of one path: how many converted, how many left, and the value converted."""

    channels: tuple[str, ...]
    conversions: int
    nulls: int
    value: float
    line: int


def read_paths(path: str, *, text: str | None = None) -> list[PathCounts]:
    """Rows of a path table (``path,total_conversions,total_null[,total_conversion_value]``)."""
    header, rows, _ = read_csv(path, text=text)
    lower = {h.lower(): h for h in header}
    missing = [c for c in PATH_COLUMNS[:3] if c not in lower]
    if missing:
        raise ExportError(
            f"{path} has no column {', '.join(repr(m) for m in missing)}",
            position=Position(path, 1, 1),
            hint="a path table has the columns " + ", ".join(PATH_COLUMNS),
        )
    pcol, ccol, ncol = (lower[c] for c in PATH_COLUMNS[:3])
    vcol = lower.get(PATH_COLUMNS[3])
    out = []
    for row in rows:
        channels = tuple(c.strip() for c in row.cells[pcol].split(PATH_SEPARATOR.strip()))
        if not row.cells[pcol].strip() or any(not c for c in channels):
            raise ExportError(
                "the path has an empty channel",
                position=Position(path, row.line, 1),
                hint="channels are separated by ' > '",
            )
        out.append(
            PathCounts(
                channels,
                whole_count(row, ccol, header, path),
                whole_count(row, ncol, header, path),
                amount(row, vcol, header, path) if vcol else 0.0,
                row.line,
            )
        )
    return out


def _collapse(channels: Sequence[str]) -> tuple[list[str], int]:
    """Consecutive repeats as one visit; returns the touchpoints and how many repeats went.

    >>> _collapse(["a", "a", "b", "a"])
    (['a', 'b', 'a'], 1)
    """
    out: list[str] = []
    for c in channels:
        if not out or out[-1] != c:
            out.append(c)
    return out, len(channels) - len(out)


def _one_goal(jm: JourneyMap, goal: str | None) -> str:
    """The one goal a path table's conversions count for (an error when the map has several)."""
    goals = jm.select_goals(goal)
    if len(goals) != 1:
        raise ExportError(
            "a path table converts into one goal and the map has "
            f"{len(goals)}: {', '.join(goals) or 'none'}",
            hint="choose the goal the conversions count for",
        )
    return goals[0]


@dataclass
class _Flow:
    """A path table's journeys added up: entries, moves and exits by touchpoint, and totals."""

    entries: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    nexts: defaultdict[str, defaultdict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    exits: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    collapsed: int = 0
    journeys: int = 0
    conversions: int = 0
    value: float = 0.0

    def add(self, tids: Sequence[str], dropped: int, r: PathCounts, target: str) -> None:
        """Add the journeys of one row along its (collapsed) touchpoints ``tids``."""
        n = r.conversions + r.nulls
        self.collapsed += dropped * n
        self.journeys += n
        self.conversions += r.conversions
        self.value += r.value
        if n == 0:
            return
        self.entries[tids[0]] += n
        for a, b in itertools.pairwise(tids):
            self.nexts[a][b] += n
        if r.conversions:
            self.nexts[tids[-1]][target] += r.conversions
        self.exits[tids[-1]] += r.nulls

    def touchpoints(self, ids: Sequence[str], target: str) -> dict[str, OverlayTouchpoint]:
        """The overlay's counts of every touchpoint a journey touched, the goal's conversions
        as ``unknown``."""
        entries, nexts, exits = self.entries, self.nexts, self.exits
        touched = [
            t
            for t in ids
            if t in entries or t in nexts or t in exits or any(t in d for d in nexts.values())
        ]
        tps = {
            t: OverlayTouchpoint(
                entries=entries.get(t, 0),
                next=dict(sorted(nexts[t].items())) if t in nexts else {},
                exits=exits.get(t, 0),
            )
            for t in touched
            if t != target
        }
        tps[target] = OverlayTouchpoint(unknown=self.conversions)
        return tps


def _walk(
    path: str,
    rows: Sequence[PathCounts],
    names: Mapping[str, str],
    ids: Sequence[str],
    target: str,
) -> _Flow:
    """Every row's journeys along its channels' touchpoints, repeats collapsed."""
    flow = _Flow()
    for r in rows:
        where = Position(path, r.line, 1)
        tids = [touchpoint_named(c, names, ids, "channel", where) for c in r.channels]
        if target in tids:
            raise ExportError(
                f"the path passes the goal '{target}'",
                position=where,
                hint="a path table lists the channels before the conversion",
            )
        collapsed, dropped = _collapse(tids)
        flow.add(collapsed, dropped, r, target)
    return flow


def paths_overlay(
    jm: JourneyMap,
    path: str,
    *,
    goal: str | None = None,
    aliases: Mapping[str, str] | None = None,
    text: str | None = None,
    period: str | PeriodRange | None = None,
) -> Imported:
    """A visit-grain overlay from a path table.

    Each row's ``n = total_conversions + total_null`` journeys enter at the first channel and
    move along the path (``next`` counts add up over rows); after the last channel
    ``total_conversions`` of them reach the goal and ``total_null`` exit. The period's value of
    a conversion is ``sum(total_conversion_value) / sum(total_conversions)``, kept in
    ``settings.conversion_value`` (the map's own value still prices the leaks).
    """
    target = _one_goal(jm, goal)
    names, ids = touchpoint_names(jm, aliases or {})
    rows = read_paths(path, text=text)
    flow = _walk(path, rows, names, ids, target)
    notes = [f"{len(rows):,} paths, {flow.journeys:,} journeys, {flow.conversions:,} conversions"]
    if flow.collapsed:
        notes.append(
            f"{flow.collapsed:,} repeated visits of the same channel in a row counted once"
        )
    settings: dict[str, object] = {
        "source": "paths",
        "grain": "visits",
        "file": path,
        "goal": target,
        "collapsed_repeats": flow.collapsed,
    }
    if flow.conversions:
        settings["conversion_value"] = round(flow.value / flow.conversions, 6)
        settings["total_conversion_value"] = round(flow.value, 6)
    overlay = valid_overlay(
        {
            "journeymap-data": 1,
            "map": jm.id,
            "period": period,
            "settings": settings,
            "touchpoints": flow.touchpoints(ids, target),
        }
    )
    return Imported(overlay, rows=len(rows), notes=tuple(notes))
