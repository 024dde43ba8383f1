"""``discover``: a commented draft map from an event log.

The most frequent events become touchpoints (each maps its own event name), observed
transitions become ``next``, and stages are guessed from where touchpoints typically fall in
sessions: the expected number of steps since the session's start, solved exactly on the observed
flow (``visits_i p_i - sum_j n_ji p_j = sum_j n_ji``), cut into up to three stages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from journeymap.errors import UsageError, did_you_mean
from journeymap.events.ingest import ingest
from journeymap.events.settings import Engine, IngestOptions, Progress, SettingError
from journeymap.io.writer import MAP_SCHEMA, modeline, yaml_scalar
from journeymap.model import JourneyMap, OverlayTouchpoint

MIN_SHARE = 0.01
"""Transitions below this share of a touchpoint's departures are left out of the draft's ``next``."""


@dataclass(frozen=True)
class Draft:
    """The draft map: its model (validated) and the commented YAML text that loads back to it."""

    map: JourneyMap
    text: str
    touchpoints: int
    events: int
    left_out: dict[str, int]


def touchpoint_id(name: str, taken: set[str]) -> str:
    """A valid, unique touchpoint id for an event name.

    >>> touchpoint_id("Add to cart", set()), touchpoint_id("/cart", {"cart"})
    ('Add-to-cart', 'cart-2')
    """
    base = re.sub(r"[^\w.\-]+", "-", name).strip("-.") or "event"
    if not re.match(r"^\w", base):
        base = "e-" + base
    base = base[:180]
    out, k = base, 2
    while out in taken:
        out, k = f"{base}-{k}", k + 1
    taken.add(out)
    return out


def _q(text: str) -> str:
    return yaml_scalar(text, double=True)


def _positions(ids: list[str], tps: Mapping[str, OverlayTouchpoint]) -> dict[str, float]:
    """Expected steps since the journey's start of a visit to each touchpoint (exact, on the flow)."""
    import numpy as np

    index = {t: i for i, t in enumerate(ids)}
    n = len(ids)
    A = np.zeros((n, n))
    b = np.zeros(n)
    for t in ids:
        i = index[t]
        A[i, i] += max(tps[t].visits or 0, 1)
    for src in ids:
        for dst, count in tps[src].next.items():
            if dst in index:
                A[index[dst], index[src]] -= count
                b[index[dst]] += count
    try:
        p = np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        p = np.zeros(n)
    return {t: float(p[index[t]]) for t in ids}


def _reading(opts: IngestOptions) -> IngestOptions:
    """The options that decide which rows are read and how (no goal, window or segments)."""
    return IngestOptions(
        columns=opts.columns,
        timezone=opts.timezone,
        strict=opts.strict,
        session_timeout=opts.session_timeout,
        timestamp_unit=opts.timestamp_unit,
        max_bad_rows=opts.max_bad_rows,
        resources=opts.resources,
    )


def discover(
    paths: list[str] | tuple[str, ...],
    options: IngestOptions | None = None,
    *,
    map_id: str = "draft",
    goal: str | None = None,
    max_touchpoints: int = 20,
    engine: Engine = "duckdb",
    progress: Progress | None = None,
) -> Draft:
    """Write a draft map (YAML text with comments) from a log."""
    opts = options or IngestOptions()
    if max_touchpoints < 1:
        raise SettingError("max_touchpoints", lambda s: f"{s} must be at least 1")
    empty = JourneyMap.model_validate(
        {"journeymap": 1, "id": map_id, "title": "draft", "stages": [{"id": "all", "name": "All"}]}
    )
    if progress:
        progress("counting event names")
    [first] = ingest(empty, paths, _reading(opts), engine=engine, progress=progress)
    # an event rule names at most 500 characters (ShortText): longer names cannot be touchpoints
    counts = {n: c for n, c in first.unmapped.items() if len(n) <= 500}
    too_long = len(first.unmapped) - len(counts)
    if not counts:
        raise UsageError(
            "the log holds no usable events"
            + (f" ({too_long:,} event name(s) longer than 500 characters)" if too_long else ""),
            hint="check the column options",
        )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen = [name for name, _ in ranked[:max_touchpoints]]
    if goal is not None:
        if goal not in counts:
            raise SettingError(
                "goal",
                lambda s: f"{s}: no event '{goal}' in the log",
                hint=did_you_mean(goal, list(counts)) or "give an event name",
            )
        if goal not in chosen:
            chosen = [*chosen[: max_touchpoints - 1], goal]
    taken: set[str] = set()
    ids = {name: touchpoint_id(name, taken) for name in chosen}
    flat = {
        "journeymap": 1,
        "id": map_id,
        "title": "draft",
        "stages": [
            {
                "id": "all",
                "name": "All",
                "touchpoints": [
                    {"id": ids[e], "name": e[:500] or ids[e], "events": [e], "goal": e == goal}
                    for e in chosen
                ],
            }
        ],
    }
    jm = JourneyMap.model_validate(flat)
    if progress:
        progress("counting transitions")
    [res] = ingest(
        jm,
        paths,
        replace(_reading(opts), journey=opts.journey, lost_after=opts.lost_after),
        engine=engine,
        progress=progress,
    )
    tps = res.overlay.touchpoints
    order = [ids[e] for e in chosen]
    # where touchpoints fall: steps since the start of a session (customer histories are too long)
    [by_session] = ingest(
        jm, paths, replace(_reading(opts), journey="session"), engine=engine, progress=progress
    )
    pos = _positions(order, by_session.overlay.touchpoints)
    goal_id = ids.get(goal) if goal else None
    ranked_ids = sorted(order, key=lambda t: (t == goal_id, pos[t], t))
    k = min(3, len(ranked_ids))
    names = {1: ["Journey"], 2: ["Early", "Late"], 3: ["Early", "Middle", "Late"]}[k]
    stages: list[list[str]] = [[] for _ in range(k)]
    for i, t in enumerate(ranked_ids):
        stages[min(k - 1, i * k // len(ranked_ids))].append(t)
    name_of = {ids[e]: e for e in chosen}
    label = {ids[e]: e[:500] or ids[e] for e in chosen}
    total = sum(first.unmapped.values())
    files = [os.path.basename(f) for f in res.files]
    title = ("Draft journey from " + ", ".join(files))[:300]
    lines = [
        modeline(MAP_SCHEMA),
        f"# DRAFT written by `journeymap discover` from {len(files)} file(s):",
        f"# {total:,} events, {first.totals.customers:,} customers, {len(first.unmapped):,} event names.",
        *(
            [f"# {too_long:,} event name(s) longer than 500 characters cannot be touchpoints."]
            if too_long
            else []
        ),
        f"# The {len(chosen)} most frequent events are touchpoints; stages are guessed from the mean",
        "# number of steps since a session's start. Rename, group, annotate, then check it with:",
        "#   journeymap validate THIS.yaml && journeymap ingest LOG --map THIS.yaml -o overlay.yaml",
        "journeymap: 1",
        f"id: {yaml_scalar(map_id)}",
        f"title: {_q(title)}",
        "stages:",
    ]
    doc_stages: list[dict[str, Any]] = []
    for si, (sname, members) in enumerate(zip(names, stages, strict=True)):
        lines += [f"  - id: stage-{si + 1}", f"    name: {_q(sname)}", "    touchpoints:"]
        doc_tps: list[dict[str, Any]] = []
        doc_stages.append({"id": f"stage-{si + 1}", "name": sname, "touchpoints": doc_tps})
        for t in members:
            tp = tps[t]
            visits, customers, entries = tp.visits or 0, tp.customers or 0, tp.entries
            exits, in_progress = tp.exits or 0, tp.in_progress or 0
            out_total = sum(tp.next.values()) + exits + in_progress
            lines.append(
                f"      # {visits:,} visits by {customers:,} customers; "
                f"{entries:,} journeys start here, {exits:,} exit, "
                f"{in_progress:,} in progress; about {pos[t]:.1f} steps into a session"
            )
            lines += [
                f"      - id: {yaml_scalar(t)}",
                f"        name: {_q(label[t])}",
                f"        events: [{_q(name_of[t])}]",
            ]
            item: dict[str, Any] = {"id": t, "name": label[t], "events": [name_of[t]]}
            if t == goal_id:
                lines.append("        goal: true")
                item["goal"] = True
            kept = sorted(
                ((d, c) for d, c in tp.next.items() if out_total and c / out_total >= MIN_SHARE),
                key=lambda dc: (-dc[1], dc[0]),
            )
            dropped = sum(c for d, c in tp.next.items() if (d, c) not in kept)
            if kept:
                lines.append("        next:")
                item["next"] = [d for d, _ in kept]
                for d, c in kept:
                    lines.append(
                        f"          - {yaml_scalar(d)}  # {c:,} transitions ({c / out_total:.0%})"
                    )
            if dropped:
                lines.append(
                    f"        # {dropped:,} more transitions under {MIN_SHARE:.0%} each are left out"
                    " (an overlay still counts them, as undeclared)"
                )
            doc_tps.append(item)
    if goal_id is None:
        lines.append(
            "# No goal yet: mark the touchpoint that counts as a conversion with 'goal: true'."
        )
    rest = [(n, c) for n, c in ranked if n not in ids]
    if rest:
        lines.append(
            f"# Events not on the map ({len(rest):,} names, "
            f"{sum(c for _, c in rest):,} events), most frequent first:"
        )
        for n, c in rest[:30]:
            lines.append(f"#   {_q(n)}: {c:,}")
    draft = JourneyMap.model_validate(
        {"journeymap": 1, "id": map_id, "title": title, "stages": doc_stages}
    )
    return Draft(draft, "\n".join(lines) + "\n", len(chosen), total, dict(rest))
