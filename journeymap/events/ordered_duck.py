"""DuckDB's ``jm_events`` and ``jm_visits`` from the numpy pass (``events/ordered_np.py``).

One statement returns the usable rows of ``jm_parsed`` (``sql.usable``) with their integer
keys, touchpoint code (``COALESCE(code, -1)``: the row's ``sql.mapping_code`` with ``where:``
columns, else the code of its event, looked up by ``jm_eid`` in the event dictionary), the
index of its session value in a dictionary of the distinct values (compared exactly, never
hashed) and the index of its segment in a dictionary of the segments, ordered by segment,
customer, timestamp and key; with an event-id column (``Columns.dedup``) the statement returns
``sql.deduplicated``'s events instead (the ``ARG_MIN`` picks stay SQL). The arrays are fetched
with ``fetchnumpy`` in the smallest exact dtypes, deduplicated and passed over in numpy, and
registered (``con.register`` scans numpy arrays without a copy) under views named
``jm_events`` and ``jm_visits`` with the columns, NULLs and segment strings of
``events/ordered.py``'s statements, so every later statement reads them unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from journeymap.events import ordered_results
from journeymap.events.ordered_np import (
    Events,
    PassSettings,
    Rows,
    Visits,
    dedup,
    events_pass,
    log_end,
    visits_pass,
)
from journeymap.events.settings import MIN_MEMORY, IngestOptions
from journeymap.events.sql import (
    ROW_KEY,
    SESSION_VALUE,
    deduplicated,
    lit,
    mapping_code,
    mapping_rules,
    touchpoint_codes,
    usable,
    where_columns,
)
from journeymap.events.sqlwords import MICROS
from journeymap.model import JourneyMap

if TYPE_CHECKING:
    from journeymap.events.arms_pass import ArmRows, ArmsPlan

Results = dict[str, list[tuple[Any, ...]]]
SEGMENTS = "jm_np_segs"
SESSIONS = "jm_np_sess"


@dataclass(frozen=True)
class OrderedPlan:
    """What the DuckDB engine needs to run the ordered pass in numpy (:func:`ordered_plan`)."""

    settings: PassSettings
    segmented: bool
    """Whether the rows carry a segment (a segment column, or arms); else every one is ``'v'``."""
    usable: str
    """``sql.usable``: the rows dedup reads."""
    row_code: str | None
    """The code of a row (with ``where:`` columns), else None: the code is its event's."""
    event_code: str
    """The code of an event of the dictionary ``jm_evs`` (without ``where:`` columns)."""
    deduplicated: str | None
    """``sql.deduplicated`` with an event-id column, else None (dedup runs in numpy)."""
    touchpoints: tuple[str, ...]
    """The touchpoint of each code (``sql.touchpoint_codes``)."""
    segment_names: str | None = None
    """A statement of every segment a row can have (``sql.SEGMENTS_KEY``: a superset, which
    the sorted fetch's inner join to the dictionary relies on), else the rows' own are read."""
    arms: ArmsPlan | None = None
    """The experiment's arms, assigned by the pass itself (``events/arms_pass.py``): the rows
    come from ``jm_p`` with their variant, and ``jm_assign`` is registered for ``jm_parsed``."""


def ordered_plan(jm: JourneyMap, opts: IngestOptions, goals: list[str]) -> OrderedPlan:
    """The plan of the pass for a map, the options and the selected goals."""
    rules = mapping_rules(jm)
    wcols = where_columns(rules)
    codes = touchpoint_codes(rules)
    window = opts.conversion_window
    settings = PassSettings(
        session_column=opts.columns.session is not None,
        timeout_us=opts.session_timeout * MICROS,
        session_journeys=opts.journey == "session",
        goals=tuple(codes.index(g) for g in goals if g in codes),
        codes=len(codes),
        window_us=None if window is None else window * MICROS,
        lost_us=opts.effective_lost_after * MICROS,
    )
    return OrderedPlan(
        settings,
        segmented=opts.segment_by is not None,
        usable=usable(opts),
        row_code=f"COALESCE({mapping_code(rules, wcols)}, -1)" if wcols else None,
        event_code="" if wcols else f"COALESCE({mapping_code(rules, [])}, -1)",
        deduplicated=deduplicated(rules, wcols, opts) if opts.columns.dedup else None,
        touchpoints=tuple(codes),
    )


def _dictionaries(con: Any, plan: OrderedPlan, variants: list[str]) -> list[str]:
    """Create the segment and session dictionaries over the rows the pass reads; the
    segments in index order (``['v']`` without a segment column; with arms, those of the
    ``variants``: ``arms_pass.armed_segments``)."""
    parsed = "jm_p" if plan.arms else "jm_parsed"
    source = (
        f"({plan.deduplicated}) AS jm_d" if plan.deduplicated else f"{parsed} WHERE {plan.usable}"
    )
    if plan.settings.session_column:
        value = "jm_sess" if plan.deduplicated else SESSION_VALUE
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {SESSIONS} AS SELECT jm_np_value, "
            "CAST(row_number() OVER () AS INTEGER) AS jm_np_q "
            f"FROM (SELECT DISTINCT {value} AS jm_np_value FROM {source}) AS jm_v"
        )
    if plan.arms is not None:
        from journeymap.events.arms_pass import armed_segments

        return armed_segments(variants)[0]
    if not plan.segmented:
        return ["v"]
    segments = f"({plan.segment_names}) AS jm_n" if plan.segment_names else source
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {SEGMENTS} AS SELECT jm_np_seg, "
        "CAST(row_number() OVER (ORDER BY jm_np_seg) - 1 AS INTEGER) AS jm_np_s "
        f"FROM (SELECT DISTINCT jm_seg AS jm_np_seg FROM {segments}) AS jm_v"
    )
    found = con.execute(f"SELECT jm_np_seg FROM {SEGMENTS} ORDER BY jm_np_s").fetchall()
    return [str(s) for (s,) in found]


def sorted_rows_sql(plan: OrderedPlan, wide_cid: bool, bucket: tuple[int, int] = (0, 1)) -> str:
    """The statement of the sorted rows (module docstring); ``wide_cid``: a customer key beyond
    32 bits (kept BIGINT); ``bucket``: ``(b, k)``, the customers whose ``jm_cid % k = b``."""
    b, k = bucket
    only = f" AND jm_cid % {k} = {b}" if k > 1 else ""
    cid = "jm_cid" if wide_cid else "CAST(jm_cid AS INTEGER)"
    # a LEFT JOIN: a row whose segment the dictionary lacks is -1 and refused (fetch_rows),
    # never left out (the dictionary may come from plan.segment_names)
    seg = "COALESCE(jm_np_s, -1)" if plan.segmented else "0"
    joins = f" LEFT JOIN {SEGMENTS} ON jm_np_seg = jm_seg" if plan.segmented else ""
    q = ""
    if plan.settings.session_column:
        value = "jm_sess" if plan.deduplicated else SESSION_VALUE
        joins += f" JOIN {SESSIONS} ON jm_np_value = {value}"
        q = ", jm_np_q AS q"
    if plan.deduplicated:
        return (
            f"SELECT {seg} AS s, {cid} AS c, jm_ts AS t, CAST(jm_eid AS INTEGER) AS e, "
            f"jm_key AS k, COALESCE(jm_code, -1) AS code, jm_rows AS r{q} "
            f"FROM ({plan.deduplicated}) AS jm_d{joins} WHERE 1 = 1{only} ORDER BY s, c, t, k"
        )
    code = plan.row_code or "0"
    return (
        f"SELECT {seg} AS s, {cid} AS c, jm_ts AS t, CAST(jm_eid AS INTEGER) AS e, "
        f"{ROW_KEY} AS k, CAST({code} AS INTEGER) AS code{q} "
        f"FROM jm_parsed{joins} WHERE {plan.usable}{only} ORDER BY s, c, t, k"
    )


def _plain(found: dict[str, Any], name: str) -> Any:
    """A fetched column as a plain array (``fetchnumpy`` masks nullable columns)."""
    return np.ma.getdata(found.pop(name))


def wide_cid(con: Any) -> bool:
    """Whether a customer key is beyond 32 bits (the sorted fetches keep it BIGINT)."""
    [(top,)] = con.execute("SELECT MAX(jm_cid) FROM jm_cids").fetchall()
    return int(top or 0) >= 2**31


def fetch_rows(con: Any, plan: OrderedPlan, bucket: tuple[int, int] = (0, 1)) -> Rows:
    """The sorted rows (deduplicated when ``plan.deduplicated``) of the customers of one
    ``bucket`` (``(b, k)``: ``jm_cid % k = b``), after :func:`_dictionaries`."""
    found = con.execute(sorted_rows_sql(plan, wide_cid(con), bucket)).fetchnumpy()
    eid = _plain(found, "e")
    code = _plain(found, "code")
    if plan.row_code is None and plan.deduplicated is None:
        code = _event_codes(con, plan)[eid]
    rows = Rows(
        _segments(_plain(found, "s")),
        _plain(found, "c"),
        _plain(found, "t"),
        eid,
        _plain(found, "k"),
        code,
        _plain(found, "q") if plan.settings.session_column else None,
        _plain(found, "r") if plan.deduplicated else None,
    )
    return rows


def _segments(seg: Any) -> Any:
    """The rows' segment indexes, refused when one is missing from the dictionary (-1)."""
    if len(seg) and int(seg.min()) < 0:
        raise RuntimeError("a row's segment is not in the segment dictionary")
    return seg.astype(np.int32, copy=False)


def _event_codes(con: Any, plan: OrderedPlan) -> Any:
    """The touchpoint code of each event key (``jm_evs``), as an array indexed by the key."""
    pairs = con.execute(f"SELECT jm_eid, {plan.event_code} AS code FROM jm_evs").fetchnumpy()
    eids, codes = np.ma.getdata(pairs["jm_eid"]), np.ma.getdata(pairs["code"])
    table = np.full(int(eids.max(initial=0)) + 1, -1, dtype=np.int32)
    table[eids] = codes
    return table


def segment_sql(segments: list[str]) -> str:
    """The segment string of an index ``jm_s`` (a list literal: few segments)."""
    if len(segments) == 1:
        return lit(segments[0])
    if not segments:
        return "CAST(NULL AS VARCHAR)"
    return f"list_extract([{', '.join(lit(s) for s in segments)}], jm_s + 1)"


def register(con: Any, e: Events, v: Visits, segments: list[str], into: str = "view") -> None:
    """``jm_events`` and ``jm_visits`` as views over the registered arrays (module docstring);
    ``into``: ``"table"`` makes them tables of these rows, ``"append"`` appends the rows to
    those tables (one bucket of customers after another, the arrays released after each)."""
    r = e.rows
    assert r.rows is not None
    con.register(
        "jm_np_events",
        {
            "jm_s": r.seg,
            "jm_cid": r.cid,
            "jm_ts": r.ts,
            "jm_eid": r.eid,
            "jm_key": r.key,
            "jm_rows": r.rows,
            "jm_sess_no": e.sess_no,
            "jm_code": r.code,
            "jm_visit": e.visit,
            "jm_last": e.last,
        },
    )
    seg = segment_sql(segments)
    _relation(
        con,
        "jm_events",
        f"SELECT {seg} AS jm_seg, jm_cid, jm_ts, jm_eid, jm_key, jm_rows, jm_sess_no, "
        "NULLIF(jm_code, -1) AS jm_code, jm_visit, jm_last FROM jm_np_events",
        into,
    )
    con.register(
        "jm_np_visits",
        {
            "jm_s": v.seg,
            "jm_cid": v.cid,
            "jm_code": v.code,
            "jm_next": v.next,
            "jm_secs": v.secs,
            "jm_return": v.ret,
            "jm_first": v.first,
            "jm_exit": v.exit,
            "jm_in_progress": v.in_progress,
            "jm_conv": v.conv,
            "jm_late": v.late,
            "jm_conv_secs": v.conv_secs,
            "jm_journey": v.journey,
        },
    )
    _relation(
        con,
        "jm_visits",
        f"SELECT {seg} AS jm_seg, jm_cid, jm_code, NULLIF(jm_next, -1) AS jm_next, "
        "NULLIF(jm_secs, -1) AS jm_secs, jm_return, jm_first, jm_exit, jm_in_progress, "
        "jm_conv, jm_late, NULLIF(jm_conv_secs, -1) AS jm_conv_secs, jm_journey "
        "FROM jm_np_visits",
        into,
    )
    if into != "view":
        con.unregister("jm_np_events")
        con.unregister("jm_np_visits")


def _relation(con: Any, name: str, sql: str, into: str) -> None:
    if into == "append":
        con.execute(f"INSERT INTO {name} {sql}")
    else:
        con.execute(f"CREATE OR REPLACE TEMP {into.upper()} {name} AS {sql}")


def integer_keys(con: Any) -> bool:
    """Whether the rows carry the integer keys of ``layers.id_relations`` (``dense``), which
    the arrays hold; with the strings as keys the window statements run."""
    [(n,)] = con.execute(
        "SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = 'jm_cids' AND temporary"
    ).fetchall()
    return bool(n)


Dating = Callable[[Events], tuple[Any, list[str]]]
"""A step between the events and the visits: each event's new segment index and the segments
(``events/periods.py`` gives a journey's events its period)."""


def run_ordered(
    con: Any,
    plan: OrderedPlan,
    progress: Callable[[str], None] | None,
    dating: Dating | None = None,
    rows_read: int = 0,
    memory: int | None = None,
) -> Results | None:
    """Create ``jm_events`` and ``jm_visits`` on ``con`` from ``jm_parsed`` (module
    docstring); the result queries the arrays answer (``events/ordered_results.py``), by
    name. None (and nothing done) when the keys are strings (:func:`integer_keys`).
    ``dating``: the events' segments are replaced before the visits (:data:`Dating`).

    ``rows_read`` (the rows of the log) beyond ``ordered_buckets.BUCKET_ROWS``: the customers
    are passed over in buckets (``events/ordered_buckets.py``), each appended to the tables
    ``jm_events`` and ``jm_visits`` (DuckDB's memory, which spills) and released, the results
    added up but the medians; with ``dating`` (whose periods need the whole log) nothing is
    done then. ``memory``: DuckDB's memory limit, lowered by the arrays' share
    (``ordered_buckets.ROW_BYTES`` a row of a bucket) while the buckets run, so that the two
    together stay within it."""
    from journeymap.events import ordered_buckets as ob
    from journeymap.events.arms_pass import arms_results

    if not integer_keys(con):
        return None
    k = ob.buckets(rows_read)
    if k > 1 and dating is not None:
        return None
    variants = _variants(con, plan)
    segments = _dictionaries(con, plan, variants)
    if k > 1:
        if progress:
            progress(f"journeys, visits, conversions in {k} buckets of customers")
        if memory is not None:
            share = max(MIN_MEMORY, memory - ob.ROW_BYTES * ob.BUCKET_ROWS)
            con.execute(f"SET memory_limit = '{share}B'")
        return ob.in_buckets(con, plan, segments, k, variants)
    events, armed = events_of(con, plan, (0, 1), variants)
    counted = arms_results(con, plan, [armed], variants, segments)
    if dating is not None and len(events.rows.ts):
        seg, segments = dating(events)
        events = replace(events, rows=replace(events.rows, seg=seg))
    if progress:
        progress("journeys, visits, conversions")
    visits = visits_pass(events, plan.settings, log_end(events, len(segments)))
    register(con, events, visits, segments)
    tps = list(plan.touchpoints)
    return counted | {
        "stats_events": ordered_results.stats_events(events, segments),
        "touchpoints": ordered_results.touchpoints(visits, segments, tps),
        "transitions": ordered_results.transitions(visits, segments, tps),
    }


def _variants(con: Any, plan: OrderedPlan) -> list[str]:
    """The variant dictionary when the pass assigns the arms (``arms_pass``), else none."""
    if plan.arms is None:
        return []
    from journeymap.events.arms_pass import variant_dictionary

    return variant_dictionary(con)


def events_of(
    con: Any, plan: OrderedPlan, bucket: tuple[int, int], variants: list[str]
) -> tuple[Events, ArmRows | None]:
    """The events of one bucket of customers, and (with arms) what the assignment read."""
    armed = None
    if plan.arms is not None:
        from journeymap.events.arms_pass import arm_rows

        codes = None if plan.row_code is not None else _event_codes(con, plan)
        armed = arm_rows(con, plan, variants, bucket, codes)
        rows = armed.rows
    else:
        rows = fetch_rows(con, plan, bucket)
    if rows.rows is None:
        rows = dedup(rows)
    return events_pass(rows, plan.settings), armed
