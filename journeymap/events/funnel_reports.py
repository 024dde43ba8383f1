"""Funnel reports to overlays (``journeymap import funnel``).

A **funnel report** (GA4 funnel exploration, Amplitude funnel chart, PostHog funnel, as CSV) has
one row per step with the users who reached it. The steps are declared in order and map to
touchpoints; the users of step k become a *customer-grain* overlay: ``customers`` and ``visits``
are the step's users, step k continues to step k+1 with the next step's users and the rest exit.
A funnel has no loops and no returns, so the overlay is marked ``settings.grain: funnel``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from journeymap.errors import did_you_mean
from journeymap.events.exports import (
    ExportError,
    Row,
    column_of,
    find_column,
    read_csv,
    touchpoint_named,
    touchpoint_names,
    whole_count,
)
from journeymap.events.imports import Imported, valid_overlay
from journeymap.model import JourneyMap, OverlayTouchpoint, PeriodRange
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


def _closed(
    chosen: Sequence[tuple[str, Row]],
    users: Sequence[int],
    path: str,
    header: Sequence[str],
    ucol: str,
) -> None:
    """Raise unless every step has at most the users of the step before (a closed funnel)."""
    for k in range(1, len(users)):
        if users[k] > users[k - 1]:
            tid, row = chosen[k]
            raise ExportError(
                f"step {k + 1} '{tid}' has more users ({users[k]:,}) than step {k} ({users[k - 1]:,})",
                position=Position(path, row.line, column_of(row, ucol, header)),
                hint="a closed funnel never grows: export a closed funnel (users must pass every step)",
            )


def _funnel_touchpoints(
    chosen: Sequence[tuple[str, Row]], users: Sequence[int]
) -> dict[str, OverlayTouchpoint]:
    """The overlay's counts of each step (the formulas of :func:`funnel_overlay`)."""
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
    return tps


def _funnel_notes(
    jm: JourneyMap,
    chosen: Sequence[tuple[str, Row]],
    users: Sequence[int],
    rows: Sequence[Row],
    scol: str,
) -> list[str]:
    """What the import says: the steps and customers, a last step that is no goal, the report's
    steps that no touchpoint names."""
    goals = set(jm.goals)
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
    return notes


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
    _closed(chosen, users, path, header, ucol)
    overlay = valid_overlay(
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
            "touchpoints": _funnel_touchpoints(chosen, users),
        }
    )
    notes = _funnel_notes(jm, chosen, users, rows, scol)
    return Imported(overlay, rows=len(rows), notes=tuple(notes))
