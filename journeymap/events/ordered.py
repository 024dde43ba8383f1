"""Steps 3 to 7 of the pipeline in one ordered pass per customer (issue 14).

After dedup (a hash aggregate, ``sql.statements``) every step is a window function over ONE
order, ``PARTITION BY jm_cid, jm_seg ORDER BY jm_ts, jm_key`` (timestamp, then file rank and
row number; ``jm_cid`` is the customer's key, events/layers.py, and the segment is left out of
the partition without a segment column, where every row's is ``'v'`` until a journey is dated:
events/periods.py gives a journey's events one period, so the partition is the same), so the engine sorts the events once per nesting level and shares that sort between
the functions of a level (DuckDB and Spark both group window expressions by their spec):

1. ``LAG``/``LEAD`` of the timestamp (and session value): where a session starts and ends; the
   row number; the customer's last event (a full-partition ``MAX``).
2. Running sums and maxima over the same order: the session number; the last session start; the
   previous mapped event's touchpoint and position (``jm_rn * CODE_SPAN + jm_code``, one
   running ``MAX``), which decide whether an event repeats its predecessor's touchpoint in the
   same session (collapse, step 5) with no second pass over the mapped events; and, for session
   journeys, the session's last event (the first session end at or after the row).
3. Over the visits (``jm_events`` rows with ``jm_visit = 1``) and the journey's partition:
   ``LEAD`` to the next visit, the position, the journey's start (full-frame ``MIN``s, which
   share the ordered sort instead of a partition-only one); the log's end is one small aggregate.

Every value is the one the step-by-step statements gave (the same rows, the same bytes: the
tests compare the overlays of both engines and of an independent reference).

These statements are THE definition of steps 2 to 7, and what Spark and ``--print-sql`` run.
DuckDB executes them as a numpy pass over one sorted fetch (``events/ordered_np.py``,
``events/ordered_duck.py``), proven equal table for table against these statements on the
same connection (tests/events/test_ordered_np.py); a change here is a change there.
"""

from __future__ import annotations

from journeymap.events.settings import IngestOptions
from journeymap.events.sqlwords import MICROS

CODE_SPAN = 1_048_576
"""``jm_rn * CODE_SPAN + jm_code`` packs a row's position and touchpoint code into one
integer (maps of up to 2^20 touchpoints, customers of up to 8.7 * 10^12 events)."""
ORDER = "jm_ts, jm_key"
ALL_ROWS = "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
SO_FAR = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"


def customer(opts: IngestOptions) -> str:
    """The partition of a customer's events (module docstring)."""
    return "PARTITION BY jm_cid, jm_seg" if opts.segment_by is not None else "PARTITION BY jm_cid"


def carried_segment(opts: IngestOptions) -> str:
    """``jm_seg, `` when the rows carry their segment through dedup and the windows; without a
    segment column every row's is ``'v'``, written back by :func:`ordered_events` (a string
    column less in every sort and hash table)."""
    return "jm_seg, " if opts.segment_by is not None else ""


def _session_edges(opts: IngestOptions) -> tuple[str, str]:
    """Whether a row starts a session, and whether the next row does (step 3)."""
    w = f"OVER ({customer(opts)} ORDER BY {ORDER})"
    if opts.columns.session is not None:
        starts = f"LAG(jm_ts) {w} IS NULL OR jm_sess <> LAG(jm_sess) {w}"
        next_starts = f"LEAD(jm_ts) {w} IS NULL OR LEAD(jm_sess) {w} <> jm_sess"
    else:
        timeout = opts.session_timeout * MICROS
        starts = f"LAG(jm_ts) {w} IS NULL OR jm_ts - LAG(jm_ts) {w} > {timeout}"
        next_starts = f"LEAD(jm_ts) {w} IS NULL OR LEAD(jm_ts) {w} - jm_ts > {timeout}"
    return (
        f"CASE WHEN {starts} THEN 1 ELSE 0 END",
        f"CASE WHEN {next_starts} THEN 1 ELSE 0 END",
    )


def ordered_events(dedup: str, opts: IngestOptions) -> str:
    """``jm_events`` from the deduplicated rows ``dedup`` (``jm_seg`` (:func:`carried_segment`),
    ``jm_cid, jm_ts, jm_eid, jm_key, jm_rows, jm_code, jm_sess``): sessions, touchpoint codes, whether each event starts a
    visit (``jm_visit``) and its journey's last event (``jm_last``); every column but the
    segment is a number (``jm_cid`` and ``jm_eid`` on DuckDB)."""
    w = f"{customer(opts)} ORDER BY {ORDER}"
    starts, ends = _session_edges(opts)
    if opts.journey == "session":  # the session's last event: the first session end from here
        end_col, last = (
            f", {ends} AS jm_sess_end",
            "MIN(CASE WHEN jm_sess_end = 1 THEN jm_ts END) OVER "
            f"({w} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
        )
    else:
        end_col, last = f", MAX(jm_ts) OVER ({w} {ALL_ROWS}) AS jm_cust_last", "jm_cust_last"
    collapse = f"jm_prev IS NULL OR jm_prev % {CODE_SPAN} <> jm_code OR jm_start_rn > jm_prev // {CODE_SPAN}"
    return f"""
SELECT {carried_segment(opts) or "'v' AS jm_seg, "}jm_cid, jm_ts, jm_eid, jm_key, jm_rows, jm_sess_no, jm_code,
  CASE WHEN jm_code IS NOT NULL AND ({collapse}) THEN 1 ELSE 0 END AS jm_visit, jm_last
FROM (
  SELECT *,
    SUM(jm_new) OVER ({w} {SO_FAR}) AS jm_sess_no,
    MAX(CASE WHEN jm_new = 1 THEN jm_rn END) OVER ({w} {SO_FAR}) AS jm_start_rn,
    MAX(CASE WHEN jm_code IS NOT NULL THEN jm_rn * {CODE_SPAN} + jm_code END)
      OVER ({w} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS jm_prev,
    {last} AS jm_last
  FROM (
    SELECT *, {starts} AS jm_new, CAST(ROW_NUMBER() OVER ({w}) AS BIGINT) AS jm_rn{end_col}
    FROM ({dedup}
    ) AS jm_d
  ) AS jm_s1
) AS jm_s2"""


def ordered_visits(opts: IngestOptions, goals: list[int]) -> str:
    """``jm_visits`` (steps 5 to 7): each visit with the next one of its journey, the seconds
    to it, whether it returns in a later session, exits, is in progress or converts.

    A journey starts at its first visit outside the goals (facts.goal_starts: one that starts
    at a goal enters the chain at its first departure from it), so the conversion window and
    the time to convert run from there (from its first visit when it has none); the time to
    convert is that of its first arrival at a goal from outside the goals. ``goals`` are the
    goals' touchpoint codes; ``jm_code`` and ``jm_next`` are codes (``sql.touchpoint_case``).
    """
    session_journeys = opts.journey == "session"
    jk = f"{customer(opts)}, jm_sess_no" if session_journeys else customer(opts)
    w = f"{jk} ORDER BY {ORDER}"
    goal_list = ", ".join(str(g) for g in goals) or "NULL"
    window = opts.conversion_window
    in_window = "1 = 1" if window is None else f"v.jm_next_ts - v.jm_start <= {window * MICROS}"
    lost = opts.effective_lost_after * MICROS
    ret = "0" if session_journeys else "CASE WHEN v.jm_next_sess <> v.jm_sess_no THEN 1 ELSE 0 END"
    to_goal = f"v.jm_next IN ({goal_list})"
    return f"""
SELECT v.jm_seg, v.jm_cid, v.jm_code, v.jm_next,
  (v.jm_next_ts - v.jm_ts) // {MICROS} AS jm_secs,
  CASE WHEN v.jm_next IS NOT NULL THEN {ret} ELSE 0 END AS jm_return,
  CASE WHEN v.jm_pos = 1 THEN 1 ELSE 0 END AS jm_first,
  CASE WHEN v.jm_next IS NULL AND e.jm_end - v.jm_last > {lost} THEN 1 ELSE 0 END AS jm_exit,
  CASE WHEN v.jm_next IS NULL AND e.jm_end - v.jm_last <= {lost} THEN 1 ELSE 0 END AS jm_in_progress,
  CASE WHEN {to_goal} AND {in_window} THEN 1 ELSE 0 END AS jm_conv,
  CASE WHEN {to_goal} AND NOT ({in_window}) THEN 1 ELSE 0 END AS jm_late,
  CASE WHEN {to_goal} AND v.jm_code NOT IN ({goal_list}) AND {in_window} THEN (v.jm_next_ts - v.jm_start) // {MICROS} END AS jm_conv_secs,
  {"v.jm_sess_no" if session_journeys else "0"} AS jm_journey
FROM (
  SELECT jm_seg, jm_cid, jm_ts, jm_code, jm_sess_no, jm_key, jm_last,
    LEAD(jm_code) OVER ({w}) AS jm_next,
    LEAD(jm_ts) OVER ({w}) AS jm_next_ts,
    LEAD(jm_sess_no) OVER ({w}) AS jm_next_sess,
    ROW_NUMBER() OVER ({w}) AS jm_pos,
    COALESCE(MIN(CASE WHEN jm_code NOT IN ({goal_list}) THEN jm_ts END) OVER ({w} {ALL_ROWS}),
      MIN(jm_ts) OVER ({w} {ALL_ROWS})) AS jm_start
  FROM jm_events
  WHERE jm_visit = 1
) AS v
JOIN (SELECT jm_seg, MAX(jm_ts) AS jm_end FROM jm_events GROUP BY jm_seg) AS e ON v.jm_seg = e.jm_seg"""
