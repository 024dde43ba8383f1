"""Aggregated exports to overlays: funnel reports and path tables (``journeymap import``).

Two shapes that analytics tools export when the raw events are out of reach:

* a **funnel report** (GA4 funnel exploration, Amplitude funnel chart, PostHog funnel, as CSV):
  one row per step with the users who reached it. The steps are declared in order and map to
  touchpoints; the users of step k become a *customer-grain* overlay: ``customers`` and
  ``visits`` are the step's users, step k continues to step k+1 with the next step's users and
  the rest exit. A funnel has no loops and no returns, so the overlay is marked
  ``settings.grain: funnel``.
* a **path table** (the ChannelAttribution layout: ``path, total_conversions, total_null,
  total_conversion_value``, channels separated by ``" > "``): each row is a number of journeys
  that went along the path; ``total_conversions`` of them converted after the last channel and
  ``total_null`` left. Channels map to touchpoints (by id, by name, or as told); consecutive
  repeats of a channel collapse into one visit (as ChannelAttribution's ``markov_model`` and our
  ``ingest`` do), and the number of collapsed repeats is reported.

Nothing is dropped in silence: a row that cannot be read is an error with its line, and every
figure that was left out or changed is a note of the result.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from journeymap.errors import did_you_mean
from journeymap.events.exports import (
    ExportError,
    Row,
    amount,
    column_of,
    find_column,
    read_csv,
    touchpoint_named,
    touchpoint_names,
    whole_count,
)
from journeymap.model import JourneyMap, Overlay, OverlayTouchpoint, PeriodRange
from journeymap.source import Position

STEP_COLUMNS = ("step", "step name", "funnel step", "steps", "event", "step_name", "name")
"""Header names (case-insensitive) of a funnel report's step column, in the order tried."""
USER_COLUMNS = (
    "users",
    "active users",
    "total users",
    "unique users",
    "persons",
    "count",
    "completed",
    "users_count",
    "total",
)
"""Header names of a funnel report's users column, in the order tried."""
PATH_COLUMNS = ("path", "total_conversions", "total_null", "total_conversion_value")
"""The path table's columns (ChannelAttribution's layout); the value column is optional."""
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class Imported:
    """An overlay made from an export, with what the reader had to say about it."""

    overlay: Overlay
    rows: int
    """Data rows read (every one is used: a row that cannot be used is an error)."""
    notes: tuple[str, ...] = ()
    """What was merged, collapsed or assumed, in plain words (shown by the CLI, kept in settings)."""


def _overlay(data: dict[str, object]) -> Overlay:
    """Validate the overlay before anything is written; a bad period is the caller's error."""
    from pydantic import ValidationError

    try:
        return Overlay.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ExportError(
            f"the overlay would not be valid: {where}: {first['msg']}",
            hint="a period is written 2026-Q3, 2026-07, 2026 or 2026-W05",
        ) from exc


# ---------------------------------------------------------------------------------- funnels


GA4_DATE = re.compile(r"#\s*(start|end) date:\s*(\d{8})", re.IGNORECASE)


def period_from_comments(comments: Sequence[str]) -> PeriodRange | None:
    """The report's dates from GA4's comment lines (``# Start date: 20260701``), if both are there.

    >>> period_from_comments(["# Start date: 20260701", "# End date: 20260930"])
    PeriodRange(start=datetime.date(2026, 7, 1), end=datetime.date(2026, 9, 30))
    """
    found: dict[str, dt.date] = {}
    for line in comments:
        m = GA4_DATE.match(line)
        if m:
            try:
                found[m.group(1).lower()] = dt.datetime.strptime(m.group(2), "%Y%m%d").date()
            except ValueError:
                continue
    if "start" in found and "end" in found and found["start"] <= found["end"]:
        return PeriodRange(start=found["start"], end=found["end"])
    return None


def parse_steps(spec: Sequence[str]) -> list[tuple[str | None, str]]:
    """``--steps`` items: ``ID`` (the report's rows in order) or ``STEP NAME=ID``.

    >>> parse_steps(["product-page", "Add to cart=cart"])
    [(None, 'product-page'), ('Add to cart', 'cart')]
    """
    out: list[tuple[str | None, str]] = []
    for item in spec:
        for part in (p.strip() for p in item.split(",")):
            if not part:
                continue
            name, sep, tid = part.rpartition("=")
            out.append((name.strip(), tid.strip()) if sep else (None, part))
    return out


def _funnel_rows(
    jm: JourneyMap,
    path: str,
    steps: Sequence[tuple[str | None, str]],
    rows: Sequence[Row],
    scol: str,
) -> list[tuple[str, Row]]:
    """The touchpoint of each declared step and the report row that counts it, in step order."""
    names, ids = touchpoint_names(jm, {})
    chosen: list[tuple[str, Row]] = []
    if all(name is None for name, _ in steps):
        if len(rows) != len(steps):
            raise ExportError(
                f"{path} has {len(rows)} steps and {len(steps)} touchpoints were named",
                position=Position(path, rows[0].line if rows else 1, 1),
                hint="name one touchpoint per step, or pick rows with 'STEP NAME=ID'",
            )
        pairs = [(tid, row) for (_, tid), row in zip(steps, rows, strict=True)]
    else:
        by_name = {row.cells[scol].casefold(): row for row in rows}
        pairs = []
        for name, tid in steps:
            if name is None:
                raise ExportError(f"'{tid}': give every step as 'STEP NAME=ID' when one is")
            row = by_name.get(name.casefold())
            if row is None:
                step_names = [r.cells[scol] for r in rows]
                raise ExportError(
                    f"{path} has no step '{name}'",
                    hint=did_you_mean(name, step_names) or f"steps: {', '.join(step_names)}",
                )
            pairs.append((tid, row))
    for tid, row in pairs:
        chosen.append((touchpoint_named(tid, names, ids, "step", Position(path, row.line, 1)), row))
    seen: set[str] = set()
    for tid, row in chosen:
        if tid in seen:
            raise ExportError(
                f"the touchpoint '{tid}' is two steps of the funnel",
                position=Position(path, row.line, 1),
                hint="a funnel has no loops: name each touchpoint once",
            )
        seen.add(tid)
    return chosen


def funnel_overlay(
    jm: JourneyMap,
    path: str,
    steps: Sequence[tuple[str | None, str]],
    *,
    text: str | None = None,
    step_column: str | None = None,
    users_column: str | None = None,
    period: str | PeriodRange | None = None,
) -> Imported:
    """A customer-grain overlay along the declared steps of a funnel report.

    For steps ``t_1 .. t_n`` with users ``u_1 >= ... >= u_n``: ``entries(t_1) = u_1``,
    ``customers(t_k) = visits(t_k) = u_k``, ``next(t_k) = {t_(k+1): u_(k+1)}`` and
    ``exits(t_k) = u_k - u_(k+1)``. What the users of the last step did next is not in a
    funnel report: ``unknown`` (a goal as the last step is a conversion either way).

    Steps given as ``ID`` take the report's rows in order (there must be as many); steps given
    as ``NAME=ID`` pick the row whose step column is NAME.
    """
    header, rows, comments = read_csv(path, text=text)
    scol = find_column(header, STEP_COLUMNS, path, "step", step_column)
    ucol = find_column(header, USER_COLUMNS, path, "users", users_column)
    if len(steps) < 2:
        raise ExportError(
            "a funnel needs at least two steps",
            hint="name the steps in the order customers pass them",
        )
    chosen = _funnel_rows(jm, path, steps, rows, scol)
    users = [whole_count(row, ucol, header, path) for _, row in chosen]
    for k in range(1, len(users)):
        if users[k] > users[k - 1]:
            tid, row = chosen[k]
            raise ExportError(
                f"step {k + 1} '{tid}' has more users ({users[k]:,}) than step {k} ({users[k - 1]:,})",
                position=Position(path, row.line, column_of(row, ucol, header)),
                hint="a closed funnel never grows: export a closed funnel (users must pass every step)",
            )
    goals = set(jm.goals)
    tps: dict[str, OverlayTouchpoint] = {}
    for k, (tid, _) in enumerate(chosen):
        last = k == len(chosen) - 1
        tps[tid] = OverlayTouchpoint(
            entries=users[0] if k == 0 else 0,
            visits=users[k],
            customers=users[k],
            next={} if last else {chosen[k + 1][0]: users[k + 1]},
            exits=0 if last else users[k] - users[k + 1],
            unknown=users[k] if last else 0,
        )
    notes = [
        f"{len(chosen)} steps, {users[0]:,} customers entered, {users[-1]:,} reached "
        f"'{chosen[-1][0]}'"
    ]
    if chosen[-1][0] not in goals:
        notes.append(
            f"the last step '{chosen[-1][0]}' is not a goal: the overlay counts no conversion"
        )
    used = {row.line for _, row in chosen}
    unused = [row.cells[scol] for row in rows if row.line not in used]
    if unused:
        notes.append(
            f"{len(unused)} step(s) of the report named by no touchpoint, not counted: "
            + ", ".join(f"'{name}'" for name in unused)
        )
    overlay = _overlay(
        {
            "journeymap-data": 1,
            "map": jm.id,
            "period": period if period is not None else period_from_comments(comments),
            "settings": {
                "source": "funnel",
                "grain": "funnel",
                "file": path,
                "columns": {"step": scol, "users": ucol},
                "steps": [
                    {"row": row.line, "step": row.cells[scol], "touchpoint": tid}
                    for tid, row in chosen
                ],
            },
            "touchpoints": tps,
        }
    )
    return Imported(overlay, rows=len(rows), notes=tuple(notes))


# ------------------------------------------------------------------------------------ paths


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
    goals = jm.select_goals(goal)
    if len(goals) != 1:
        raise ExportError(
            "a path table converts into one goal and the map has "
            f"{len(goals)}: {', '.join(goals) or 'none'}",
            hint="choose the goal the conversions count for",
        )
    target = goals[0]
    names, ids = touchpoint_names(jm, aliases or {})
    entries: dict[str, int] = defaultdict(int)
    nexts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    exits: dict[str, int] = defaultdict(int)
    collapsed = journeys = conversions = 0
    value = 0.0
    rows = read_paths(path, text=text)
    for r in rows:
        where = Position(path, r.line, 1)
        tids = [touchpoint_named(c, names, ids, "channel", where) for c in r.channels]
        if target in tids:
            raise ExportError(
                f"the path passes the goal '{target}'",
                position=where,
                hint="a path table lists the channels before the conversion",
            )
        tids, dropped = _collapse(tids)
        n = r.conversions + r.nulls
        collapsed += dropped * n
        journeys += n
        conversions += r.conversions
        value += r.value
        if n == 0:
            continue
        entries[tids[0]] += n
        for a, b in itertools.pairwise(tids):
            nexts[a][b] += n
        if r.conversions:
            nexts[tids[-1]][target] += r.conversions
        exits[tids[-1]] += r.nulls
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
    tps[target] = OverlayTouchpoint(unknown=conversions)
    notes = [f"{len(rows):,} paths, {journeys:,} journeys, {conversions:,} conversions"]
    if collapsed:
        notes.append(f"{collapsed:,} repeated visits of the same channel in a row counted once")
    settings: dict[str, object] = {
        "source": "paths",
        "grain": "visits",
        "file": path,
        "goal": target,
        "collapsed_repeats": collapsed,
    }
    if conversions:
        settings["conversion_value"] = round(value / conversions, 6)
        settings["total_conversion_value"] = round(value, 6)
    overlay = _overlay(
        {
            "journeymap-data": 1,
            "map": jm.id,
            "period": period,
            "settings": settings,
            "touchpoints": tps,
        }
    )
    return Imported(overlay, rows=len(rows), notes=tuple(notes))
