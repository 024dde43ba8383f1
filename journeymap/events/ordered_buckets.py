"""The numpy pass over a log too large for one go: buckets of customers (``jm_cid % k``).

``ordered_duck.run_ordered`` passes a log of more than :data:`BUCKET_ROWS` rows in buckets of
disjoint customers: every figure is a sum over customers (a customer's rows are all in one
bucket) but the lower medians of the transitions, which stay SQL over the appended table
``jm_visits``; the arrays of one bucket at a time sit beside DuckDB, whose memory limit is
lowered by their share (:data:`ROW_BYTES` a row) meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from journeymap.events import ordered_results
from journeymap.events.arms_pass import arms_results
from journeymap.events.ordered_duck import (
    OrderedPlan,
    Results,
    events_of,
    register,
    segment_sql,
)
from journeymap.events.ordered_np import Events, Visits, log_end, visits_pass

BUCKET_ROWS = 5_000_000
"""The most rows passed over at once (0.75 GB of arrays, :data:`ROW_BYTES` each)."""
ROW_BYTES = 150
"""The pass's arrays at their peak, per row (the fetched columns, the events' and the visits'
arrays and their temporaries; measured: 0.75 GB over DuckDB's own at 5 million rows)."""


def buckets(rows_read: int) -> int:
    """How many buckets of customers a log of ``rows_read`` rows is passed over in: every
    figure is a sum over disjoint customers (a customer's rows are all in one bucket) but the
    lower medians (:func:`in_buckets`).

    >>> buckets(5_000_000), buckets(50_000_000)
    (1, 10)
    """
    return max(1, -(-rows_read // BUCKET_ROWS))


def in_buckets(
    con: Any, plan: OrderedPlan, segments: list[str], k: int, variants: list[str]
) -> Results:
    """``ordered_duck.run_ordered`` over ``k`` buckets of customers: the tables appended
    bucket after bucket, ``stats_events`` and ``touchpoints`` added up
    (``ordered_results.summed``); the lower medians need every move of a pair at once, so
    ``transitions`` stays the SQL over the table ``jm_visits`` (which spills), not arrays
    held beside it.

    A journey's end is an exit or in progress against its segment's log end, the last
    timestamp of the segment over every bucket, known only after the last one (and, with
    arms, only once each bucket's customers are assigned): each bucket is passed against its
    own end, which is at or before the log's, so an exit stays an exit and only a journey in
    progress can turn out lost; those ends are kept (:class:`_Open`) and turned into exits,
    in the table and the counts, once the log's end is known (:func:`_close`)."""
    tps = list(plan.touchpoints)
    stats, points, ends, open_ends, assigned = [], [], [], [], []
    for b in range(k):
        events, a = events_of(con, plan, (b, k), variants)
        assigned.append(a)
        end = log_end(events, len(segments))
        visits = visits_pass(events, plan.settings, end)
        register(con, events, visits, segments, "append" if b else "table")
        stats.append(ordered_results.stats_events(events, segments))
        points.append(ordered_results.touchpoints(visits, segments, tps))
        ends.append(end)
        open_ends.append(_Open.of(events, visits))
        del events, visits
    counted = arms_results(con, plan, assigned, variants, segments)
    end = np.maximum.reduce(ends)
    points.append(_close(con, open_ends, end, plan.settings.lost_us, segments, tps))
    return counted | {
        "stats_events": ordered_results.stats_summed(stats),
        "touchpoints": ordered_results.summed(points, 2),
    }


@dataclass(frozen=True)
class _Open:
    """The journey ends of one bucket in progress against the bucket's own log end: their
    segment, touchpoint code, customer, journey (``jm_journey``) and last timestamp."""

    seg: Any
    code: Any
    cid: Any
    journey: Any
    last: Any

    @staticmethod
    def of(e: Events, v: Visits) -> _Open:
        at = np.flatnonzero(v.in_progress)
        last = e.last[np.flatnonzero(e.visit)[at]]
        return _Open(v.seg[at], v.code[at], v.cid[at], v.journey[at], last)


FLIPS = "jm_np_flips"


def _close(
    con: Any, ends: list[_Open], end: Any, lost_us: int, segments: list[str], tps: list[str]
) -> ordered_results.Rows:
    """Make exits of the journey ends in progress against their bucket's log end that are
    lost against the log's (``end``, per segment): in the table ``jm_visits`` (one end per
    (segment, customer, journey) is in progress) and as ``touchpoints`` rows of corrections
    (exits up, in progress down by as many, every other field 0) to add to the buckets'."""
    picks = [end[o.seg] - o.last > lost_us for o in ends]

    def picked(field: str) -> Any:
        return np.concatenate([getattr(o, field)[p] for o, p in zip(ends, picks, strict=True)])

    seg, code = picked("seg"), picked("code")
    if not len(seg):
        return []
    con.register(FLIPS, {"jm_s": seg, "jm_cid": picked("cid"), "jm_journey": picked("journey")})
    con.execute(
        "UPDATE jm_visits SET jm_exit = 1, jm_in_progress = 0 FROM "
        f"(SELECT {segment_sql(segments)} AS jm_seg, jm_cid, jm_journey FROM {FLIPS}) AS f "
        "WHERE jm_visits.jm_in_progress = 1 AND jm_visits.jm_cid = f.jm_cid "
        "AND jm_visits.jm_journey = f.jm_journey AND jm_visits.jm_seg = f.jm_seg"
    )
    con.unregister(FLIPS)
    codes = len(tps)
    n = np.bincount(seg.astype(np.int64) * codes + code, minlength=len(segments) * codes)
    return [
        (segments[g // codes], tps[g % codes], 0, 0, 0, int(n[g]), -int(n[g]), 0, 0)
        for g in np.flatnonzero(n)
    ]
