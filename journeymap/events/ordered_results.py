"""Three result queries of ``sql.statements`` straight from the arrays of the numpy pass.

``stats_events``, ``touchpoints`` and ``transitions`` are SQL over ``jm_events`` and
``jm_visits`` (the definition, and what Spark runs); on DuckDB after the numpy pass the same
rows come from the arrays, which saves a scan of each view, the hash table of ``COUNT(DISTINCT
jm_cid)`` and the sort of each pair's seconds. The tests run both and compare the rows.

- counts and sums per (segment, code) or (segment, code, next code): ``np.bincount`` over one
  integer per group (``(segment * codes + code) * (codes + 1) + next``);
- the distinct customers per (segment, code): the visits of one (segment, customer) are
  contiguous (``ordered_np``'s contract), so each group of them counts each code once,
  from a presence matrix (partitions x codes) when it is small, else from a sort;
- the lower median of a pair's seconds (``JM_LOWER_MEDIAN``, DuckDB's ``quantile_disc(x,
  0.5)``): the order statistic ``x_(ceil(n / 2))`` of the sorted ``x_1..x_n``, the inverse of
  the empirical distribution function (Hyndman & Fan 1996, definition 1), the lower of the two
  middle values for an even ``n``: one sort of the pair's index and seconds packed in an int64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from journeymap.events.ordered_np import Events, Visits, changes, run_index, run_last

Rows = list[tuple[Any, ...]]
PRESENCE_CELLS = 200_000_000
"""The largest presence matrix (bytes) of the distinct customers; beyond it, a sort."""
SECONDS_BITS = 40
"""Bits of the seconds in a packed sort key (2^40 s is 34,000 years: any span of the log)."""


def stats_events(e: Events, segments: list[str]) -> Rows:
    """``stats_events``: per segment with events, the events, the mapped ones, the first and
    last timestamp and the customers (one per partition)."""
    r, k = e.rows, len(segments)
    events = np.bincount(r.seg, minlength=k)
    mapped = np.bincount(r.seg[r.code >= 0], minlength=k)
    starts = changes(r.seg, r.cid)  # a partition's events are in time order
    first, last = np.flatnonzero(starts), run_last(starts)
    customers = np.bincount(r.seg[first], minlength=k)
    lo = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(k, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(lo, r.seg[first], r.ts[first])
    np.maximum.at(hi, r.seg[last], r.ts[last])
    return [
        (segments[s], int(events[s]), int(mapped[s]), int(lo[s]), int(hi[s]), int(customers[s]))
        for s in np.flatnonzero(events)
    ]


def _distinct_customers(v: Visits, codes: int, groups: int) -> Any:
    """Per (segment, code) group, the customers with a visit there (``COUNT(DISTINCT jm_cid)``)."""
    part = run_index(changes(v.seg, v.cid))
    parts = int(part[-1]) + 1 if len(part) else 0
    if parts * codes <= PRESENCE_CELLS:
        present = np.zeros((parts, codes), dtype=bool)
        present[part, v.code] = True
        cell = np.flatnonzero(present.ravel())
        del present
        p, c = np.divmod(cell, codes)
    else:
        key = np.sort(part.astype(np.int64) * codes + v.code)
        p, c = np.divmod(key[changes(key)], codes)
    seg = v.seg[np.flatnonzero(changes(part))][p]
    return np.bincount(seg.astype(np.int64) * codes + c, minlength=groups)


def touchpoints(v: Visits, segments: list[str], tps: list[str]) -> Rows:
    """``touchpoints``: per (segment, touchpoint) with visits: entries, visits, customers,
    exits, in progress, conversions and late conversions."""
    codes = len(tps)
    groups = len(segments) * codes
    group = v.seg.astype(np.int64) * codes + v.code
    visits = np.bincount(group, minlength=groups)
    sums = [
        np.bincount(group, weights=f, minlength=groups).astype(np.int64)
        for f in (v.first, v.exit, v.in_progress, v.conv, v.late)
    ]
    customers = _distinct_customers(v, codes, groups)
    out: Rows = []
    for g in np.flatnonzero(visits):
        s, c = divmod(int(g), codes)
        entries, exits, progress, conv, late = (int(x[g]) for x in sums)
        counted = (int(visits[g]), int(customers[g]), exits, progress, conv, late)
        out.append((segments[s], tps[c], entries, *counted))
    return out


@dataclass(frozen=True)
class Moves:
    """The visits with a next visit: the pair's index (``(segment * codes + code) * codes +
    next``), the whole seconds to the next visit and whether it returns in a later session."""

    pair: Any
    secs: Any
    ret: Any

    @staticmethod
    def of(v: Visits, codes: int) -> Moves:
        moved = np.flatnonzero(v.next >= 0)
        pair = (v.seg[moved].astype(np.int64) * codes + v.code[moved]) * codes + v.next[moved]
        return Moves(pair, v.secs[moved], v.ret[moved])


def transitions(v: Visits, segments: list[str], tps: list[str]) -> Rows:
    """``transitions`` of the visits ``v`` (:func:`transitions_of`)."""
    return transitions_of(Moves.of(v, len(tps)), segments, tps)


def transitions_of(m: Moves, segments: list[str], tps: list[str]) -> Rows:
    """``transitions``: per (segment, touchpoint, next touchpoint): the moves, the returns (in
    a later session) and the lower median of the whole seconds between them."""
    codes = len(tps)
    pair, secs = m.pair, m.secs
    pairs = len(segments) * codes * codes
    n = np.bincount(pair, minlength=pairs)
    returns = np.bincount(pair, weights=m.ret, minlength=pairs).astype(np.int64)
    if len(secs) and int(secs.max()) < 2**SECONDS_BITS and pairs < 2 ** (63 - SECONDS_BITS):
        ordered = np.sort((pair << SECONDS_BITS) | secs) & (2**SECONDS_BITS - 1)
    else:
        ordered = secs[np.lexsort((secs, pair))]
    found = np.flatnonzero(n)
    starts = np.cumsum(n[found]) - n[found]
    medians = ordered[starts + (n[found] - 1) // 2]
    out: Rows = []
    for g, median in zip(found.tolist(), medians.tolist(), strict=True):
        s, rest = divmod(g, codes * codes)
        c, nxt = divmod(rest, codes)
        out.append((segments[s], tps[c], tps[nxt], int(n[g]), int(returns[g]), median))
    return out


def summed(parts: list[Rows], keys: int) -> Rows:
    """Rows of disjoint customers (buckets) with their first ``keys`` fields equal made one, the
    other fields added (``touchpoints``: every figure, the distinct customers too).

    >>> summed([[("v", "a", 1, 2)], [("v", "a", 3, 4), ("v", "b", 1, 1)]], 2)
    [('v', 'a', 4, 6), ('v', 'b', 1, 1)]
    """
    out: dict[tuple[Any, ...], list[int]] = {}
    for rows in parts:
        for row in rows:
            found = out.setdefault(row[:keys], [0] * (len(row) - keys))
            for i, x in enumerate(row[keys:]):
                found[i] += x
    return [(*k, *v) for k, v in out.items()]


def stats_summed(parts: list[Rows]) -> Rows:
    """``stats_events`` of disjoint customers (buckets): counts added, the first timestamp the
    least, the last the greatest."""
    out: dict[str, list[int]] = {}
    for rows in parts:
        for seg, n, mapped, lo, hi, customers in rows:
            if seg not in out:
                out[seg] = [n, mapped, lo, hi, customers]
                continue
            f = out[seg]
            f[0], f[1], f[2], f[3], f[4] = (
                f[0] + n,
                f[1] + mapped,
                min(f[2], lo),
                max(f[3], hi),
                f[4] + customers,
            )
    return [(seg, *f) for seg, f in out.items()]
