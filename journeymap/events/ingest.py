"""``ingest``: an event log -> one overlay per segment (design section 5, step by step).

>>> import tempfile, pathlib
>>> from journeymap.model import JourneyMap, Overlay, OverlayTouchpoint
>>> m = JourneyMap.model_validate({"journeymap": 1, "id": "shop", "title": "Shop", "stages": [
...     {"id": "s", "name": "S", "touchpoints": [
...         {"id": "home", "name": "Home", "next": ["cart"]},
...         {"id": "cart", "name": "Cart", "next": ["paid"]},
...         {"id": "paid", "name": "Paid", "goal": True}]}]})
>>> log = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
>>> _ = log.write_text("user_id,timestamp,event\\n"
...     "a,2026-01-01T10:00:00Z,home\\na,2026-01-01T10:01:00Z,cart\\na,2026-01-01T10:02:00Z,paid\\n"
...     "b,2026-03-01T10:00:00Z,home\\n")
>>> [r] = ingest(m, [str(log)])
>>> home = r.overlay.touchpoints["home"]
>>> home.entries, home.visits, home.next, home.exits, home.in_progress, home.median_seconds_to_next
(2, 2, {'cart': 1}, 0, 1, {'cart': 60})
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from journeymap.events.censoring import Censoring
from journeymap.events.conversion_time import time_to_convert
from journeymap.events.engines import run_pipeline
from journeymap.events.extra import Extra, Rows
from journeymap.events.identity import IdentityFigures
from journeymap.events.inputs import InputFile, log_files
from journeymap.events.layers import provenance
from journeymap.events.orders import goal_customers_sql, ordering_of
from journeymap.events.rows import check_rows
from journeymap.events.settings import Engine, IngestOptions, Progress, format_duration
from journeymap.events.sql import goal_events_of
from journeymap.model import JourneyMap, Overlay, OverlayTouchpoint


@dataclass
class Totals:
    rows: int = 0
    bad_rows: int = 0
    bad_customer: int = 0
    bad_timestamp: int = 0
    bad_event: int = 0
    events: int = 0
    mapped: int = 0
    customers: int = 0
    start_us: int | None = None
    end_us: int | None = None
    identity_calls: int | None = None
    """Rows that only link ids (Segment's identify); None when the columns name no call kinds."""

    @property
    def duplicates(self) -> int:
        return self.rows - self.bad_rows - self.events - (self.identity_calls or 0)

    @property
    def left_out(self) -> dict[str, int]:
        """Rows left out by reason (``journeymap.events.rows``): ``rows == mapped + sum(left_out)``."""
        calls = {} if self.identity_calls is None else {"identity": self.identity_calls}
        return {
            **calls,
            "no_customer": self.bad_customer,
            "bad_timestamp": self.bad_timestamp,
            "no_event": self.bad_event,
            "duplicate": self.duplicates,
            "unmapped": self.events - self.mapped,
        }


@dataclass(frozen=True)
class IngestResult:
    """One overlay (validated by the model) and the figures behind it."""

    overlay: Overlay
    totals: Totals
    files: tuple[str, ...]
    """The files read, in the order of their rank (sorted paths)."""
    segment_key: str | None = None
    """The segment value (None without a segment column)."""
    segment_null: bool = False
    unmapped: dict[str, int] = field(default_factory=dict)
    censoring: Censoring | None = None
    """None for a log without events."""
    identity: IdentityFigures | None = None
    """What identity stitching did (None without identity columns)."""


def ingest(
    jm: JourneyMap,
    paths: list[str] | tuple[str, ...],
    options: IngestOptions | None = None,
    *,
    engine: Engine = "duckdb",
    progress: Progress | None = None,
    spark: Any = None,
) -> list[IngestResult]:
    """Count an event log onto a map: one :class:`IngestResult` per segment (one without --segment-by).

    ``spark`` is an existing SparkSession for ``engine="spark"`` (a local one is started otherwise).
    """
    opts = options or IngestOptions()
    opts.validate()
    goals = jm.select_goals(opts.goal)
    customers = opts.journey == "customer"  # ordering and repeat customers (events/orders.py)
    events = goal_events_of(jm, goals)
    extra = (
        Extra(lambda _: {"goal_customers": goal_customers_sql(goals, events=events)})
        if customers
        else None
    )
    with log_files(paths) as files:
        rows, identity = run_pipeline(
            jm, files, opts, goals, engine=engine, progress=progress, spark=spark, extra=extra
        )
        results = build_results(jm, files, opts, goals, rows, identity)
        left_out: dict[str, int] = defaultdict(int)
        for r in results:
            for reason, n in r.totals.left_out.items():
                left_out[reason] += n
        check_rows(files, opts, rows, left_out, sum(r.totals.rows for r in results), engine)
    return results


# ----------------------------------------------------------------------------- overlays


def iso_utc(us: int) -> str:
    """Epoch microseconds as ISO 8601 UTC text (fraction only when there is one).

    >>> iso_utc(0), iso_utc(1_500_000)
    ('1970-01-01T00:00:00Z', '1970-01-01T00:00:01.500000Z')
    """
    t = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=us)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        text += f".{t.microsecond:06d}"
    return text + "Z"


def settings_of(
    files: list[InputFile],
    opts: IngestOptions,
    goals: list[str],
    identity: IdentityFigures | None = None,
) -> dict[str, Any]:
    """Every setting used, so the overlay can be reproduced (no engine: engines agree)."""
    cols = opts.columns
    return {
        "source": "events",
        "files": [f.shown for f in files],
        "columns": {
            "customer": cols.customer,
            "timestamp": cols.timestamp,
            "event": cols.event,
            "session": cols.session,
        },
        "timezone": opts.timezone,
        "timestamp_unit": opts.timestamp_unit or "from magnitude",
        "strict": opts.strict,
        "max_bad_rows": str(opts.max_bad_rows),
        "dedup": "exact (customer, timestamp, event)",
        "sessions": f"column {cols.session}"
        if cols.session
        else f"gap > {format_duration(opts.session_timeout)}",
        "session_timeout": format_duration(opts.session_timeout),
        "journey": opts.journey,
        "lost_after": format_duration(opts.effective_lost_after),
        "goals": goals,
        "conversion_window": None
        if opts.conversion_window is None
        else format_duration(opts.conversion_window),
        "segment_by": opts.segment_by,
        "order": "timestamp, file rank (sorted paths), row number",
        "median": "lower median, whole seconds",
        **provenance(opts, identity),
    }


def totals_of(rows: Rows) -> dict[str, Totals]:
    """The rows read, left out and counted per segment (``stats_rows``, ``stats_events``)."""
    totals: dict[str, Totals] = defaultdict(Totals)
    for seg, n, bad, bu, bt, be, *calls in rows["stats_rows"]:
        t = totals[seg]
        t.identity_calls = int(calls[0] or 0) if calls else None
        t.rows, t.bad_rows, t.bad_customer, t.bad_timestamp, t.bad_event = (
            int(n),
            int(bad or 0),
            int(bu or 0),
            int(bt or 0),
            int(be or 0),
        )
    for seg, n, mapped, lo, hi, customers in rows["stats_events"]:
        t = totals[seg]
        t.events, t.mapped, t.customers = int(n), int(mapped or 0), int(customers)
        t.start_us, t.end_us = int(lo), int(hi)
    return totals


def _segment_counts(
    rows: Rows,
) -> tuple[
    dict[str, dict[str, int]],
    dict[str, dict[str, tuple[Any, ...]]],
    dict[str, dict[str, list[tuple[str, int, int, int]]]],
]:
    """The engine's counts by segment: unmapped events, each touchpoint's seven counts, and
    each touchpoint's transitions ``(next, count, returns, median seconds)``."""
    unmapped: dict[str, dict[str, int]] = defaultdict(dict)
    for seg, event, n in rows["unmapped"]:
        unmapped[seg][str(event)] = int(n)
    tps: dict[str, dict[str, tuple[Any, ...]]] = defaultdict(dict)
    for seg, tp, *nums in rows["touchpoints"]:
        tps[seg][tp] = tuple(int(x or 0) for x in nums)
    edges: dict[str, dict[str, list[tuple[str, int, int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for seg, tp, nxt, n, ret, med in rows["transitions"]:
        edges[seg][tp].append((str(nxt), int(n), int(ret or 0), int(med)))
    return unmapped, tps, edges


def _overlay_touchpoints(
    jm: JourneyMap,
    opts: IngestOptions,
    counts: dict[str, tuple[Any, ...]],
    edges: dict[str, list[tuple[str, int, int, int]]],
) -> dict[str, OverlayTouchpoint]:
    """Every touchpoint of the map with its counts in one segment (zeros where it has none)."""
    touchpoints: dict[str, OverlayTouchpoint] = {}
    for _, tp in jm.iter_touchpoints():
        entries, visits, customers, exits, in_progress, conv, late = counts.get(tp.id, (0,) * 7)
        es = sorted(edges.get(tp.id, []))
        late_field = {} if opts.conversion_window is None else {"late_conversions": late}
        touchpoints[tp.id] = OverlayTouchpoint(
            entries=entries,
            visits=visits,
            customers=customers,
            next={n: c for n, c, _, _ in es},
            exits=exits,
            in_progress=in_progress,
            unknown=0,
            conversions=conv,
            returns={n: r for n, _, r, _ in es if r},
            median_seconds_to_next={n: m for n, _, _, m in es},
            **late_field,
        )
    return touchpoints


def _censoring(
    t: Totals, opts: IngestOptions, counts: dict[str, tuple[Any, ...]]
) -> Censoring | None:
    """The censoring of one segment (its span, journeys and those in progress); None without
    events."""
    if t.start_us is None or t.end_us is None:
        return None
    return Censoring(
        (t.end_us - t.start_us) // 1_000_000,
        opts.effective_lost_after,
        sum(v[0] for v in counts.values()),
        sum(v[4] for v in counts.values()),
    )


def _overlay_doc(
    jm: JourneyMap,
    opts: IngestOptions,
    t: Totals,
    seg_value: str | None,
    settings: dict[str, Any],
    censoring: Censoring | None,
    unmapped: dict[str, int],
) -> dict[str, Any]:
    """The overlay of one segment up to its touchpoints: period, segment, settings and the
    figures of the rows read."""
    doc: dict[str, Any] = {"journeymap-data": 1, "map": jm.id}
    if t.start_us is not None and t.end_us is not None:
        start, end = iso_utc(t.start_us), iso_utc(t.end_us)
        doc["period"] = {"start": start[:10], "end": end[:10]}
    if opts.segment_by is not None:
        doc["segment"] = {opts.segment_by: seg_value}
    doc["settings"] = (
        settings if censoring is None else {**settings, "censoring": censoring.setting()}
    )
    doc["coverage"] = round(t.mapped / t.rows, 6) if t.rows else None
    doc["unmapped"] = dict(sorted(unmapped.items()))
    doc["bad_rows"] = t.bad_rows
    doc["left_out"] = t.left_out
    doc["time_range"] = (
        {"start": iso_utc(t.start_us), "end": iso_utc(t.end_us)}
        if t.start_us is not None and t.end_us is not None
        else None
    )
    return doc


def build_results(
    jm: JourneyMap,
    files: list[InputFile],
    opts: IngestOptions,
    goals: list[str],
    rows: dict[str, list[tuple[Any, ...]]],
    identity: IdentityFigures | None = None,
) -> list[IngestResult]:
    """Engine rows -> overlays (the same code for every engine, so the bytes agree)."""
    totals = totals_of(rows)
    unmapped, tps, edges = _segment_counts(rows)
    ordering = ordering_of(rows["goal_customers"]) if "goal_customers" in rows else None
    if not totals:
        totals["v"] = Totals()
    settings = settings_of(files, opts, goals, identity)
    times = time_to_convert(rows["time_to_convert"])
    out = []
    for seg in sorted(totals):
        t = totals[seg]
        seg_value = None if seg == "n" else seg[1:]
        censoring = _censoring(t, opts, tps[seg])
        doc = _overlay_doc(jm, opts, t, seg_value, settings, censoring, unmapped[seg])
        if seg in times:
            doc["time_to_convert"] = times[seg]
        doc["touchpoints"] = _overlay_touchpoints(jm, opts, tps[seg], edges[seg])
        if ordering is not None:
            doc["business"] = ordering[seg]
        out.append(
            IngestResult(
                Overlay.model_validate(doc),
                t,
                tuple(dict.fromkeys(f.source for f in files)),
                seg_value if opts.segment_by else None,
                seg == "n",
                dict(unmapped[seg]),
                censoring,
                identity,
            )
        )
    return out
