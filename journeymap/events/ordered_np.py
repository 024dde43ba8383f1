"""The ordered pass of ``events/ordered.py`` in numpy: DuckDB's execution of steps 2 to 7.

``events/ordered.py`` is THE statement of the definitions (and the path of Spark and of the
printed SQL); this module computes the same columns of ``jm_events`` and ``jm_visits`` over
arrays that one SQL statement returns sorted (``events/ordered_duck.py``), with no window
function: a window over ``PARTITION BY p ORDER BY jm_ts, jm_key`` becomes a comparison of
neighbours, a running sum a ``cumsum``, ``LEAD`` a shift by one within the partition.

The pass only requires the rows of one partition (segment, customer) to be contiguous and in
(timestamp, key) order; which partition comes first does not matter, and every per-segment
figure (the log's end) is read from the segment index, never from the order. The tests
(tests/events/test_ordered_np.py) compare every table with the SQL's on the same connection.

Integer division: DuckDB's ``//`` truncates toward zero and numpy's floors; they agree on the
non-negative values divided here (the seconds to the next visit of the same journey, which
follows in time; and the seconds to convert, from the journey's first visit outside the goals,
which is at or before the visit that converts since that visit is outside the goals too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from journeymap.events.sqlwords import MICROS

Array = npt.NDArray[Any]
"""An integer array (int8, int32 or int64: the smallest exact dtype of each column)."""
Flags = npt.NDArray[np.bool_]
NULL = -1
"""The sentinel of NULL in the integer arrays (codes, seconds; every real value is >= 0)."""


@dataclass(frozen=True)
class PassSettings:
    """What the pass needs of the ingest options (``events/ordered.py`` reads them as SQL)."""

    session_column: bool
    """Sessions from a column (``Rows.sess``), else from gaps longer than ``timeout_us``."""
    timeout_us: int
    session_journeys: bool
    goals: tuple[int, ...]
    """The goals' touchpoint codes."""
    codes: int
    """How many touchpoint codes there are (codes run from 0 to ``codes - 1``)."""
    window_us: int | None
    lost_us: int


@dataclass(frozen=True)
class Rows:
    """Rows sorted by partition, then (timestamp, key): the usable rows (``rows`` None) or the
    deduplicated events (``rows``: how many rows each stands for)."""

    seg: Array
    cid: Array
    ts: npt.NDArray[np.int64]
    eid: Array
    key: npt.NDArray[np.int64]
    code: Array
    """Touchpoint code, :data:`NULL` for an unmapped row."""
    sess: Array | None
    """The session value's index in a dictionary (None without a session column)."""
    rows: Array | None = None


@dataclass(frozen=True)
class Events:
    """``jm_events`` (``ordered.ordered_events``), and the indexes the visits pass reuses."""

    rows: Rows
    sess_no: Array
    visit: npt.NDArray[np.int8]
    last: npt.NDArray[np.int64]
    sid: Array
    """The session's index over the whole log (sessions never span partitions)."""
    pid: Array
    """The partition's index over the whole log."""


@dataclass(frozen=True)
class Visits:
    """``jm_visits`` (``ordered.ordered_visits``); :data:`NULL` stands for NULL."""

    seg: Array
    cid: Array
    code: Array
    next: Array
    secs: npt.NDArray[np.int64]
    ret: npt.NDArray[np.int8]
    first: npt.NDArray[np.int8]
    exit: npt.NDArray[np.int8]
    in_progress: npt.NDArray[np.int8]
    conv: npt.NDArray[np.int8]
    late: npt.NDArray[np.int8]
    conv_secs: npt.NDArray[np.int64]
    journey: Array


def changes(*columns: Array) -> Flags:
    """Where a run of equal values (of every column) starts: True at 0 and wherever a column
    differs from the row before.

    >>> changes(np.array([1, 1, 2, 2]), np.array([5, 6, 6, 6])).tolist()
    [True, True, True, False]
    """
    n = len(columns[0])
    out = np.ones(n, dtype=bool)
    if n > 1:
        same = np.ones(n - 1, dtype=bool)
        for col in columns:
            same &= col[1:] == col[:-1]
        out[1:] = ~same
    return out


def _index(n: int) -> type[np.int32] | type[np.int64]:
    return np.int32 if n < 2**31 - 1 else np.int64


def run_index(starts: Flags) -> Array:
    """The index of the run each row is in, from the flags of the runs' starts (a ``cumsum``
    in the smallest exact dtype: numpy's default int64 sum of booleans is 15 times slower).

    >>> run_index(np.array([True, False, True, True])).tolist()
    [0, 0, 1, 2]
    """
    out: Array = np.cumsum(starts, dtype=_index(len(starts) + 1)) - 1
    return out


def run_last(starts: Flags) -> Array:
    """The index of each run's last row, from the flags of the runs' starts.

    >>> run_last(np.array([True, False, True, True])).tolist()
    [1, 2, 3]
    """
    first = np.flatnonzero(starts)
    return np.append(first[1:] - 1, len(starts) - 1) if len(first) else first


def dedup(r: Rows) -> Rows:
    """Step 2 on the sorted usable rows: rows of one (segment, customer, timestamp, event) are
    one event, the first in key order, whose code and session it keeps (``ARG_MIN`` by key in
    ``sql.deduplicated``); ``rows``: how many rows it stands for.

    Equal events can only lie in a group of equal (segment, customer, timestamp), contiguous
    after the sort; the rare groups of two rows or more are sorted by (group, event, key), where
    the first of each run of one event is the one kept.

    >>> a = lambda *v: np.array(v, dtype=np.int64)
    >>> r = dedup(Rows(a(0, 0, 0, 0), a(1, 1, 1, 1), a(5, 5, 5, 6), a(7, 8, 7, 7),
    ...                a(10, 11, 12, 13), a(0, 1, 0, 0), None))
    >>> r.key.tolist(), r.rows.tolist()
    ([10, 11, 13], [2, 1, 1])
    """
    n = len(r.ts)
    counts = np.ones(n, dtype=np.int32)
    tie = (
        (r.ts[1:] == r.ts[:-1]) & (r.cid[1:] == r.cid[:-1]) & (r.seg[1:] == r.seg[:-1])
        if n > 1
        else np.zeros(0, dtype=bool)
    )
    if not tie.any():
        return Rows(r.seg, r.cid, r.ts, r.eid, r.key, r.code, r.sess, counts)
    in_tie = np.zeros(n, dtype=bool)
    in_tie[1:] |= tie
    in_tie[:-1] |= tie
    tied = np.flatnonzero(in_tie)
    del in_tie
    group_start = np.ones(len(tied), dtype=bool)
    group_start[1:] = ~tie[tied[1:] - 1]
    group = run_index(group_start)
    # group is non-decreasing along ``tied`` and the primary sort key: it stays in place
    order = tied[np.lexsort((r.key[tied], r.eid[tied], group))]
    runs = changes(group, r.eid[order])
    keep = np.ones(n, dtype=bool)
    keep[order[~runs]] = False
    starts = np.flatnonzero(runs)
    counts[order[starts]] = np.diff(np.append(starts, len(order)))
    return Rows(
        r.seg[keep],
        r.cid[keep],
        r.ts[keep],
        r.eid[keep],
        r.key[keep],
        r.code[keep],
        None if r.sess is None else r.sess[keep],
        counts[keep],
    )


def events_pass(r: Rows, s: PassSettings) -> Events:
    """Steps 3 to 5 (``ordered.ordered_events``): sessions (``jm_sess_no``), visits after the
    collapse of repeats (``jm_visit``) and each event's journey end (``jm_last``).

    A session starts at a partition's first event and wherever the session value changes
    (with a session column) or the gap to the event before exceeds the timeout. A mapped event
    starts a visit unless the mapped event before it in the partition is in the same session
    and at the same touchpoint (unmapped events in between do not break a repeat). ``jm_last``:
    the partition's last timestamp (customer journeys) or the session's (session journeys).
    """
    n = len(r.ts)
    pstart = changes(r.seg, r.cid)
    new = pstart.copy()
    if n > 1:
        if s.session_column:
            assert r.sess is not None
            new[1:] |= r.sess[1:] != r.sess[:-1]
        else:
            new[1:] |= (r.ts[1:] - r.ts[:-1]) > s.timeout_us
    sid = run_index(new)
    pid = run_index(pstart)
    pfirst = np.flatnonzero(pstart)
    sess_no = sid - sid[pfirst][pid] + 1
    mapped = np.flatnonzero(r.code >= 0)
    starts = changes(sid[mapped], r.code[mapped])
    visit = np.zeros(n, dtype=np.int8)
    visit[mapped[starts]] = 1
    del mapped, starts
    ends = run_last(new if s.session_journeys else pstart)
    last = r.ts[ends][sid if s.session_journeys else pid]
    return Events(r, sess_no, visit, last, sid, pid)


def log_end(e: Events, segments: int) -> npt.NDArray[np.int64]:
    """The last timestamp of each segment (``MAX(jm_ts) ... GROUP BY jm_seg``), by segment
    index (the smallest int64 for a segment without events)."""
    r = e.rows
    out = np.full(segments, np.iinfo(np.int64).min, dtype=np.int64)
    if len(r.ts):  # the last event of each run of one (segment, customer), in time order
        last = run_last(changes(r.seg, r.cid))
        np.maximum.at(out, r.seg[last], r.ts[last])
    return out


def journey_first(e: Events, session_journeys: bool) -> npt.NDArray[np.int64]:
    """Per event, its journey's first timestamp mapped to a touchpoint, else its first
    timestamp (``events/periods.py`` dates a journey by it)."""
    r = e.rows
    first = changes(e.sid if session_journeys else e.pid)
    out: npt.NDArray[np.int64] = _journey_start(first, r.ts, r.code >= 0)[run_index(first)]
    return out


def _flags(mask: Flags) -> npt.NDArray[np.int8]:
    return mask.astype(np.int8)


def visits_pass(e: Events, s: PassSettings, end: npt.NDArray[np.int64]) -> Visits:
    """Steps 5 to 7 (``ordered.ordered_visits``) over the visits of ``e``: the next visit of the
    journey (a partition, or one of its sessions), the seconds to it, return, first visit,
    exit or in progress against the segment's log end ``end`` (:func:`log_end`), conversion
    within the window, and the seconds to convert from the journey's start (its first visit
    outside the goals, else its first visit)."""
    r = e.rows
    at = np.flatnonzero(e.visit)
    code, ts = r.code[at], r.ts[at]
    journey = e.sid[at] if s.session_journeys else e.pid[at]
    first = changes(journey)
    del journey
    nv = len(at)
    has_next = np.zeros(nv, dtype=bool)
    has_next[:-1] = ~first[1:]
    nxt = np.full(nv, NULL, dtype=code.dtype)
    nxt[:-1] = code[1:]
    nxt[~has_next] = NULL
    next_ts = ts.copy()
    next_ts[:-1] = ts[1:]
    next_ts[~has_next] = ts[~has_next]
    gap = next_ts - ts
    assert not (gap < 0).any(), "a journey's visits are in time order"
    secs = np.where(has_next, gap // MICROS, NULL)
    del gap
    sess_no = e.sess_no[at]
    ret = np.zeros(nv, dtype=bool)
    if not s.session_journeys:
        ret[:-1] = sess_no[1:] != sess_no[:-1]
        ret &= has_next
    is_goal = np.zeros(s.codes + 1, dtype=bool)  # the last slot stands for NULL (index -1)
    is_goal[list(s.goals)] = True
    seg = r.seg[at]
    ends = np.flatnonzero(~has_next)  # a journey's last visit: exit or in progress
    lost = end[seg[ends]] - e.last[at[ends]] > s.lost_us
    exits = np.zeros(nv, dtype=np.int8)
    exits[ends[lost]] = 1
    in_progress = np.zeros(nv, dtype=np.int8)
    in_progress[ends[~lost]] = 1
    del ends, lost
    conv, late, conv_secs = _conversions(s, is_goal, first, code, ts, nxt, next_ts, has_next)
    return Visits(
        seg,
        r.cid[at],
        code,
        nxt,
        secs,
        _flags(ret),
        _flags(first),
        exits,
        in_progress,
        conv,
        late,
        conv_secs,
        sess_no if s.session_journeys else np.zeros(nv, dtype=np.int32),
    )


def _conversions(
    s: PassSettings,
    is_goal: Flags,
    first: Flags,
    code: Array,
    ts: npt.NDArray[np.int64],
    nxt: Array,
    next_ts: npt.NDArray[np.int64],
    has_next: Flags,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    """Per visit: a move to a goal within the window from the journey's start (``jm_conv``),
    beyond it (``jm_late``), and the whole seconds from the start when the visit is outside
    the goals and within the window (``jm_conv_secs``, :data:`NULL` otherwise)."""
    nv = len(code)
    arrive = np.flatnonzero(has_next & is_goal[nxt])
    start = _journey_start(first, ts, ~is_goal[code])
    waited = next_ts[arrive] - start[run_index(first)[arrive]]
    in_window = np.ones(len(arrive), dtype=bool) if s.window_us is None else waited <= s.window_us
    conv = np.zeros(nv, dtype=np.int8)
    conv[arrive[in_window]] = 1
    late = np.zeros(nv, dtype=np.int8)
    late[arrive[~in_window]] = 1
    timed = in_window & ~is_goal[code[arrive]]
    assert not (waited[timed] < 0).any(), (
        "a journey starts at or before its visits outside the goals"
    )
    conv_secs = np.full(nv, NULL, dtype=np.int64)
    conv_secs[arrive[timed]] = waited[timed] // MICROS
    return conv, late, conv_secs


def _journey_start(
    first: Flags, ts: npt.NDArray[np.int64], outside: Flags
) -> npt.NDArray[np.int64]:
    """Per journey (its rows start where ``first`` is True), the timestamp of its first row
    where ``outside`` holds, else of its first row (``COALESCE(MIN(CASE WHEN ... THEN jm_ts
    END), MIN(jm_ts))`` over the journey): the visits pass's journey start (the first visit
    outside the goals), and :func:`journey_first`."""
    start = ts[first]
    candidates = np.flatnonzero(outside)
    owner = run_index(first)[candidates]
    earliest = changes(owner)
    start[owner[earliest]] = ts[candidates[earliest]]
    return start
