"""The counting pipeline as SQL: one set of statements, every engine and dialect.

The statements are written once in DuckDB's dialect over a relation ``jm_raw`` (one row per
input row: ``jm_seg, jm_file, jm_row, jm_uid, jm_event, jm_cid, jm_eid, jm_sess, jm_ts_text,
jm_ts_local_us, jm_ts_utc_us, jm_w0..``; the keys ``jm_cid``, ``jm_eid``: events/layers.py) and transpiled with sqlglot for Spark and the warehouses. Everything
the statements compute is whole numbers and text, so every engine returns the same rows.

The order of the steps is the contract of ``docs/events.md`` (design section 5):
parse and clean -> dedup -> sessions -> map -> collapse repeats -> journeys -> conversions -> counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.events.conversion_time import TIME_TO_CONVERT_SQL
from journeymap.events.dialects import transpile as transpile
from journeymap.events.ordered import carried_segment, ordered_events, ordered_visits
from journeymap.events.settings import Columns, IngestOptions
from journeymap.events.sqlwords import MICROS as MICROS
from journeymap.events.sqlwords import anchored as anchored
from journeymap.events.sqlwords import ident as ident
from journeymap.events.sqlwords import lit as lit
from journeymap.model import EventRule, JourneyMap

MAX_US = 253_402_300_800 * MICROS
"""Epoch microseconds of 10000-01-01: timestamps are read up to the end of the year 9999."""
MIN_US = -62_135_596_800 * MICROS
"""Epoch microseconds of 0001-01-01, the first instant read. A native timestamp column (Parquet,
DuckDB) outside ``[MIN_US, MAX_US)`` is unreadable, as an ISO date outside years 1 to 9999 is:
DuckDB holds timestamps up to the year 294247, whose spans overflow 64-bit microseconds and
which Python's ``datetime`` cannot show."""
FIRST_BAD = 5
"""How many of the rows left out an error quotes."""
KEY_SPAN = 1_000_000_000_000
"""Order key of a row: file rank * KEY_SPAN + row number (files of up to 10^12 rows)."""

# Timestamps as text (after trimming): ISO 8601 / RFC 3339 date, optional time, optional
# fraction, optional offset; or a whole Unix epoch number (also written as a string), whose unit
# is read from its magnitude (EPOCH_UNITS) unless the unit is given.
ISO_RE = (
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?)?"
    r"\s*(Z|z|[+-]\d{2}(:?\d{2})?)?$"
)
EPOCH_RE = r"^\d{1,19}$"

EPOCH_UNITS: tuple[tuple[str, int, int], ...] = (
    ("s", 10**11, MICROS),
    ("ms", 10**14, 1000),
    ("us", 10**17, 1),
    ("ns", 10**19, -1000),
)
"""Each epoch unit: its name, the bound below which a number is read in it, and its factor to
microseconds (negative: divide). Seconds below 10^11 (until the year 5138), milliseconds below
10^14, microseconds below 10^17, nanoseconds beyond: the magnitudes of dates from 1973 on do not
overlap. A unit given explicitly reads every number in it (numbers too large for it are unreadable)."""
_FRACTION_RE = r"^.{19}[.,](\d{1,9})"
_OFFSET_RE = r"^\d{4}-\d{2}-\d{2}[T ][0-9:.,]+\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"


@dataclass(frozen=True)
class Rule:
    """One mapping rule in map order: the event name or pattern, and conditions on other columns."""

    touchpoint: str
    name: str | None
    pattern: str | None
    where: tuple[tuple[str, str], ...]


def mapping_rules(jm: JourneyMap) -> list[Rule]:
    """Every mapping rule of a map, in map order; a touchpoint that lists none stands for its own id."""
    rules: list[Rule] = []
    for _, tp in jm.iter_touchpoints():
        items: list[str | EventRule] = list(tp.events) or [tp.id]
        for item in items:
            if isinstance(item, str):
                rules.append(Rule(tp.id, item, None, ()))
            else:
                rules.append(
                    Rule(tp.id, item.name, item.pattern, tuple(sorted(item.where.items())))
                )
    return rules


def where_columns(rules: list[Rule]) -> list[str]:
    """The other columns the rules test, sorted (they become ``jm_w0, jm_w1, ...``)."""
    return sorted({col for r in rules for col, _ in r.where})


def touchpoint_codes(rules: list[Rule]) -> list[str]:
    """The touchpoints the rules map to, in map order: a touchpoint's code is its index here
    (the pipeline sorts and compares these small integers, and names them once at the end)."""
    return list(dict.fromkeys(r.touchpoint for r in rules))


def _rule_case(rules: list[Rule], wcols: list[str], then: dict[str, str], null: str) -> str:
    if not rules:
        return null
    alias = {c: f"jm_w{i}" for i, c in enumerate(wcols)}
    whens = []
    for r in rules:
        conds = [
            f"jm_event = {lit(r.name)}"
            if r.name is not None
            else f"regexp_matches(jm_event, {lit(anchored(r.pattern or ''))})"
        ]
        conds += [f"regexp_matches({alias[c]}, {lit(anchored(p))})" for c, p in r.where]
        whens.append(f"WHEN {' AND '.join(conds)} THEN {then[r.touchpoint]}")
    return "CASE " + " ".join(whens) + " END"


def mapping_case(rules: list[Rule], wcols: list[str]) -> str:
    """``CASE WHEN <rule> THEN '<touchpoint>' ... END``: first match in map order wins."""
    ids = {tp: lit(tp) for tp in touchpoint_codes(rules)}
    return _rule_case(rules, wcols, ids, "CAST(NULL AS VARCHAR)")


def mapping_code(rules: list[Rule], wcols: list[str]) -> str:
    """:func:`mapping_case` giving the touchpoint's code (``touchpoint_codes``) instead of its id."""
    codes = {tp: str(i) for i, tp in enumerate(touchpoint_codes(rules))}
    return _rule_case(rules, wcols, codes, "CAST(NULL AS INTEGER)")


def touchpoint_case(rules: list[Rule], column: str = "jm_code") -> str:
    """``CASE jm_code WHEN <code> THEN '<touchpoint>' ... END``: a code's touchpoint id."""
    codes = touchpoint_codes(rules)
    if not codes:
        return "CAST(NULL AS VARCHAR)"
    return (
        f"CASE {column} "
        + " ".join(f"WHEN {i} THEN {lit(tp)}" for i, tp in enumerate(codes))
        + " END"
    )


def goal_events_of(jm: JourneyMap, goals: list[str]) -> str:
    """The pipeline's events (``jm_events``) at the touchpoints ``goals``, with the customer key
    as ``jm_uid`` and the touchpoint id as ``jm_tp`` (``jm_seg, jm_uid, jm_ts, jm_key, jm_tp``):
    a relation for the statements that read goal events by id (``orders``, ``goal_events``)."""
    rules = mapping_rules(jm)
    codes = touchpoint_codes(rules)
    found = ", ".join(str(codes.index(g)) for g in goals if g in codes) or "NULL"
    return (
        f"(SELECT jm_seg, jm_cid AS jm_uid, jm_ts, jm_key, {touchpoint_case(rules)} AS jm_tp "
        f"FROM jm_events WHERE jm_code IN ({found})) AS jm_goal_rows"
    )


def _scaled(value: str, factor: int) -> str:
    return f"{value} * {factor}" if factor > 0 else f"{value} // {-factor}"


def epoch_class(value: str) -> str:
    """The index in :data:`EPOCH_UNITS` of the unit an epoch number's magnitude gives."""
    whens = " ".join(
        f"WHEN {value} < {bound} THEN {i}" for i, (_, bound, _) in enumerate(EPOCH_UNITS[:-1])
    )
    return f"CASE {whens} ELSE {len(EPOCH_UNITS) - 1} END"


def epoch_micros(value: str, unit: str | None) -> str:
    """Epoch microseconds of an epoch number: in ``unit``, or in the unit its magnitude gives (None).

    A number beyond the year 9999 in the given unit is unreadable (as ISO dates beyond it are).
    """
    if unit is None:
        whens = " ".join(
            f"WHEN {value} < {bound} THEN {_scaled(value, f)}" for _, bound, f in EPOCH_UNITS[:-1]
        )
        return f"CASE {whens} ELSE {_scaled(value, EPOCH_UNITS[-1][2])} END"
    factor = {name: f for name, _, f in EPOCH_UNITS}[unit]
    limit = MAX_US // factor if factor > 0 else 10**19
    return f"CASE WHEN {value} < {limit} THEN {_scaled(value, factor)} END"


def _readable(column: str, value: str) -> str:
    """``value`` when the native timestamp ``column`` lies in the years 1 to 9999, else NULL.

    >>> _readable("t", "t")
    'CASE WHEN t >= -62135596800000000 AND t < 253402300800000000 THEN t END'
    """
    return f"CASE WHEN {column} >= {MIN_US} AND {column} < {MAX_US} THEN {value} END"


def _parse_stage(unit: str | None) -> str:
    # layer 1: trimmed text; layer 2: components; layer 3: wall-clock micros and validity.
    t = "jm_t"
    comp = f"""
SELECT *,
  TRY_CAST(substring({t}, 1, 4) AS BIGINT) AS jm_y,
  TRY_CAST(substring({t}, 6, 2) AS BIGINT) AS jm_mo,
  TRY_CAST(substring({t}, 9, 2) AS BIGINT) AS jm_d,
  CASE WHEN length({t}) >= 16 AND substring({t}, 11, 1) IN ('T', ' ') AND substring({t}, 14, 1) = ':'
       THEN TRY_CAST(substring({t}, 12, 2) AS BIGINT) ELSE 0 END AS jm_h,
  CASE WHEN length({t}) >= 16 AND substring({t}, 11, 1) IN ('T', ' ') AND substring({t}, 14, 1) = ':'
       THEN TRY_CAST(substring({t}, 15, 2) AS BIGINT) ELSE 0 END AS jm_mi,
  CASE WHEN length({t}) >= 19 AND substring({t}, 17, 1) = ':'
       THEN TRY_CAST(substring({t}, 18, 2) AS BIGINT) ELSE 0 END AS jm_s,
  COALESCE(TRY_CAST(substring(rpad(regexp_extract({t}, {lit(_FRACTION_RE)}, 1), 6, '0'), 1, 6) AS BIGINT), 0) AS jm_us,
  regexp_extract({t}, {lit(_OFFSET_RE)}, 1) AS jm_tz
FROM (SELECT *, trim(jm_ts_text) AS {t}, regexp_matches(trim(jm_ts_text), {lit(ISO_RE)}) AS jm_iso,
             regexp_matches(trim(jm_ts_text), {lit(EPOCH_RE)}) AS jm_epoch
      FROM jm_raw) AS jm_l1"""
    leap = "((jm_y % 4 = 0 AND jm_y % 100 <> 0) OR jm_y % 400 = 0)"
    dim = (
        f"CASE WHEN jm_mo IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN jm_mo IN (4, 6, 9, 11) THEN 30 "
        f"WHEN {leap} THEN 29 ELSE 28 END"
    )
    valid = (
        f"jm_iso AND jm_y >= 1 AND jm_mo BETWEEN 1 AND 12 AND jm_d BETWEEN 1 AND {dim} "
        "AND jm_h BETWEEN 0 AND 23 AND jm_mi BETWEEN 0 AND 59 AND jm_s BETWEEN 0 AND 59"
    )
    yp = "(jm_y - CASE WHEN jm_mo <= 2 THEN 1 ELSE 0 END)"
    era = f"({yp} // 400)"
    yoe = f"({yp} - {era} * 400)"
    doy = "((153 * ((jm_mo + 9) % 12) + 2) // 5 + jm_d - 1)"
    doe = f"({yoe} * 365 + {yoe} // 4 - {yoe} // 100 + {doy})"
    days = f"({era} * 146097 + {doe} - 719468)"
    wall = f"(({days} * 86400 + jm_h * 3600 + jm_mi * 60 + jm_s) * {MICROS} + jm_us)"
    sign = "CASE WHEN substring(jm_tz, 1, 1) = '-' THEN -1 ELSE 1 END"
    tzd = "replace(jm_tz, ':', '')"
    offset = (
        f"({sign} * (COALESCE(TRY_CAST(substring({tzd}, 2, 2) AS BIGINT), 0) * 3600 + "
        f"COALESCE(TRY_CAST(substring({tzd}, 4, 2) AS BIGINT), 0) * 60))"
    )
    epoch = "TRY_CAST(jm_t AS BIGINT)"
    ts = f"""CASE
    WHEN jm_ts_utc_us IS NOT NULL THEN {_readable("jm_ts_utc_us", "jm_ts_utc_us")}
    WHEN jm_ts_local_us IS NOT NULL THEN {_readable("jm_ts_local_us", "JM_LOCAL_TO_UTC(jm_ts_local_us)")}
    WHEN jm_epoch THEN {epoch_micros(epoch, unit)}
    WHEN {valid} THEN CASE WHEN jm_tz IN ('Z', 'z') THEN {wall}
                           WHEN jm_tz <> '' THEN {wall} - {offset} * {MICROS}
                           ELSE JM_LOCAL_TO_UTC({wall}) END
  END"""
    native = "jm_ts_utc_us IS NULL AND jm_ts_local_us IS NULL"
    return f"""
SELECT jm_seg, jm_file, jm_row, jm_uid, jm_event, jm_cid, jm_eid, jm_sess, jm_ts_text, jm_wcols,
  {ts} AS jm_ts,
  CASE WHEN {native} AND jm_epoch THEN {epoch_class(epoch)} END AS jm_unit
FROM ({comp}) AS jm_l2"""


ROW_KEY = f"jm_file * {KEY_SPAN} + jm_row"
"""A row's order key (:data:`KEY_SPAN`)."""
SESSION_VALUE = "COALESCE('v' || jm_sess, 'n')"
"""A row's session value (``'n'`` without one), carried by dedup as its first row's."""


TIMED = "jm_bad_uid = 0 AND jm_bad_ts = 0"
"""The parsed rows with a customer and a readable timestamp (an experiment's assignment reads
them, rows without an event too)."""


def usable(opts: IngestOptions) -> str:
    """The parsed rows dedup reads: a customer, a readable timestamp, an event, no identity call."""
    ident_ok = " AND jm_ident = 0" if opts.columns.naming else ""
    return f"{TIMED} AND jm_bad_event = 0{ident_ok}"


def deduplicated(rules: list[Rule], wcols: list[str], opts: IngestOptions) -> str:
    """Step 2, dedup, over ``jm_parsed``: ``jm_seg`` (:func:`carried_segment`), ``jm_cid,
    jm_ts, jm_eid, jm_key, jm_rows, jm_code, jm_sess`` (the input of ``ordered_events``)."""
    cols, key = opts.columns, ROW_KEY
    group, picked = "jm_ts, jm_eid", "jm_ts, jm_eid"
    if cols.dedup:  # rows of one customer with the same event id are one event (the first)
        group = (
            "COALESCE('i' || NULLIF(jm_dedup, ''), "
            "'t' || CAST(jm_ts AS VARCHAR) || '|' || CAST(jm_eid AS VARCHAR))"
        )
        picked = f"ARG_MIN(jm_ts, {key}) AS jm_ts, ARG_MIN(jm_eid, {key}) AS jm_eid"
    # dedup (on the keys jm_cid, jm_eid: events/layers.py) carries the first row's touchpoint
    # code and session; with no where: columns the code is a function of the (picked) event,
    # mapped once per distinct event name (jm_evs) and joined, and without a session column
    # every row's session is the same
    code = f"COALESCE({mapping_code(rules, wcols)}, -1)"
    sess, seg = SESSION_VALUE, carried_segment(opts)
    dedup = f"""
    SELECT {seg}jm_cid, {picked}, MIN({key}) AS jm_key, COUNT(*) AS jm_rows,
      {f"NULLIF(ARG_MIN({code}, {key}), -1)" if wcols else "0"} AS jm_code,
      {f"ARG_MIN({sess}, {key})" if cols.session is not None else "'n'"} AS jm_sess
    FROM jm_parsed
    WHERE {usable(opts)}
    GROUP BY {seg}jm_cid, {group}"""
    if not wcols:
        by_name = f"SELECT jm_eid, {mapping_code(rules, [])} AS jm_code FROM jm_evs"
        dedup = f"""
    SELECT {seg.replace("jm_", "g.jm_")}g.jm_cid, g.jm_ts, g.jm_eid, g.jm_key, g.jm_rows, m.jm_code, g.jm_sess
    FROM ({dedup}) AS g LEFT JOIN ({by_name}) AS m ON m.jm_eid = g.jm_eid"""
    return dedup


def stats_rows_sql(cols: Columns, added: str = "", where: str = "") -> str:
    """``stats_rows``: per segment, the rows read and those left out by reason (a row left out
    for several counts under the first: customer, timestamp, event); ``added``: more aggregates
    of the same scan (``, ...``; ``goal_events.row_counts``); ``where``: of those rows only
    (``arms_pass.row_counts`` counts the others from its arrays)."""
    ident = (
        ", SUM(CASE WHEN jm_bad_uid + jm_bad_ts = 0 THEN jm_ident ELSE 0 END) AS jm_identity"
        if cols.naming
        else ""
    )
    return f"""
SELECT jm_seg, COUNT(*) AS jm_rows,
  SUM(CASE WHEN jm_bad_uid + jm_bad_ts + jm_bad_event > 0 THEN 1 ELSE 0 END) AS jm_bad,
  SUM(jm_bad_uid) AS jm_bad_uid,
  SUM(CASE WHEN jm_bad_uid = 0 THEN jm_bad_ts ELSE 0 END) AS jm_bad_ts,
  SUM(CASE WHEN jm_bad_uid = 0 AND jm_bad_ts = 0 THEN jm_bad_event ELSE 0 END) AS jm_bad_event{ident}{added}
FROM jm_parsed{f" WHERE {where}" if where else ""} GROUP BY jm_seg"""


def statements(jm: JourneyMap, opts: IngestOptions, goals: list[str]) -> dict[str, str]:
    """The pipeline's statements (DuckDB dialect) by name, in the order they run.

    ``jm_parsed`` (step 1) and ``jm_events`` (steps 2-4; ``jm_rows``: the rows each event
    stands for) and ``jm_visits`` (steps 5-7) are relations; ``stats_rows``, ``stats_events``, ``unmapped``, ``touchpoints`` and
    ``transitions`` (step 8) are the result queries, and ``time_to_convert``: per segment,
    how many journeys first converted ``jm_secs`` whole seconds after their first event.
    """
    rules = mapping_rules(jm)
    wcols = where_columns(rules)
    cols, key = opts.columns, ROW_KEY
    extras = [c for c, on in (("jm_ident", cols.naming), ("jm_dedup", cols.dedup)) if on]
    wlist = ", ".join([*(f"jm_w{i}" for i in range(len(wcols))), *extras])
    # an identity call (events/layers.py) has no event name and is not a journey step
    no_event = ("jm_ident = 0 AND " if cols.naming else "") + "(jm_event IS NULL OR jm_event = '')"
    parsed = _parse_stage(opts.timestamp_unit).replace(
        "jm_wcols", wlist if wlist else "0 AS jm_nowhere"
    )
    # an id that starts with a printable ASCII character other than a space is not blank, so
    # trim (which copies the id) runs on the others only
    parsed = f"""
SELECT *,
  CASE WHEN jm_uid IS NULL THEN 1 WHEN ascii(jm_uid) BETWEEN 33 AND 126 THEN 0
       WHEN trim(jm_uid) = '' THEN 1 ELSE 0 END AS jm_bad_uid,
  CASE WHEN jm_ts IS NULL THEN 1 ELSE 0 END AS jm_bad_ts,
  CASE WHEN {no_event} THEN 1 ELSE 0 END AS jm_bad_event
FROM ({parsed}) AS jm_l3"""
    # a row left out for several reasons counts under the first: customer, timestamp, event
    reason = (
        "CASE WHEN jm_bad_uid = 1 THEN 'no_customer' WHEN jm_bad_ts = 1 THEN 'bad_timestamp' "
        "WHEN jm_bad_event = 1 THEN 'no_event' END"
    )
    dedup = deduplicated(rules, wcols, opts)
    events = ordered_events(dedup, opts)
    codes = touchpoint_codes(rules)
    visits = ordered_visits(opts, [codes.index(g) for g in goals if g in codes])
    tp, nxt = touchpoint_case(rules), touchpoint_case(rules, "jm_next")
    return {
        "jm_parsed": parsed,
        "jm_events": events,
        "jm_visits": visits,
        "stats_rows": stats_rows_sql(cols),
        "epoch_units": f"""
SELECT jm_unit, COUNT(*) AS jm_n, MIN({key}) AS jm_first, ARG_MIN(trim(jm_ts_text), {key}) AS jm_first_text
FROM jm_parsed WHERE jm_unit IS NOT NULL AND jm_bad_uid = 0 GROUP BY jm_unit""",
        "stats_events": """
SELECT jm_seg, COUNT(*) AS jm_events, SUM(CASE WHEN jm_code IS NULL THEN 0 ELSE 1 END) AS jm_mapped,
  MIN(jm_ts) AS jm_min, MAX(jm_ts) AS jm_max, COUNT(DISTINCT jm_cid) AS jm_customers
FROM jm_events GROUP BY jm_seg""",
        "unmapped": """
SELECT u.jm_seg, d.jm_event, u.jm_n FROM (
  SELECT jm_seg, jm_eid, COUNT(*) AS jm_n FROM jm_events WHERE jm_code IS NULL GROUP BY jm_seg, jm_eid
) AS u JOIN jm_evs AS d ON d.jm_eid = u.jm_eid""",
        "touchpoints": f"""
SELECT jm_seg, {tp} AS jm_tp, SUM(jm_first) AS jm_entries, COUNT(*) AS jm_visits,
  COUNT(DISTINCT jm_cid) AS jm_customers, SUM(jm_exit) AS jm_exits,
  SUM(jm_in_progress) AS jm_in_progress, SUM(jm_conv) AS jm_conversions, SUM(jm_late) AS jm_late
FROM jm_visits GROUP BY jm_seg, jm_code""",
        "transitions": f"""
SELECT jm_seg, {tp} AS jm_tp, {nxt} AS jm_next, COUNT(*) AS jm_n, SUM(jm_return) AS jm_returns,
  JM_LOWER_MEDIAN(jm_secs) AS jm_median
FROM jm_visits WHERE jm_next IS NOT NULL GROUP BY jm_seg, jm_code, jm_next""",
        "time_to_convert": TIME_TO_CONVERT_SQL,
        "first_bad": f"""
SELECT jm_file, jm_row, {reason} AS jm_reason, jm_ts_text
FROM jm_parsed WHERE jm_bad_uid + jm_bad_ts + jm_bad_event > 0
ORDER BY jm_file, jm_row LIMIT {FIRST_BAD}""",
    }


RELATIONS = ("jm_parsed", "jm_events", "jm_visits")
SEGMENTS_KEY = "__segments__"
"""A statement a ``prepare`` step may add (DuckDB): every segment a row of ``jm_parsed`` can
have, as ``jm_seg`` (a superset: the ordered pass's segment dictionary reads it instead of
every row's segment; ``experiment_arms.armed_segments_sql``)."""
RESULTS = (
    "stats_rows",
    "stats_events",
    "unmapped",
    "touchpoints",
    "transitions",
    "time_to_convert",
)
CHECKS = ("epoch_units", "first_bad")
"""Queries about the rows rather than the counts (the engines run them; ``--print-sql`` leaves them out)."""
