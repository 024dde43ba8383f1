"""The goal events of an event log and every row accounted for, without the journey steps.

Of the ingest pipeline (``journeymap.events.sql``) ``cohorts`` needs only the rows read and
left out and why (the pipeline's own ``stats_rows``, ``epoch_units`` and ``first_bad`` over its
``jm_parsed``), the deduplicated events' counts and time range (``stats_events``: the coverage
end of the log is its last event of any kind), and the goal events. It never uses sessions,
the collapse of repeats or the journeys (the windows of ``jm_events``, all of ``jm_visits``),
so they are not computed, and it never groups every row either:

- **The counts of ``stats_events`` without the dedup of every row.** The pipeline groups the
  usable rows by (customer, timestamp, event); a group is one event, mapped when its first row
  (order key ``jm_file * KEY_SPAN + jm_row``) maps to a touchpoint. So, exactly, with U the
  usable rows, M those that map and G the groups of two rows or more:
  ``events = |U| - sum over G of (size - 1)`` and
  ``mapped = |M| - sum over G of (rows that map) + sum over G of (first row maps)``;
  customers, first and last timestamp are the usable rows' own. ``usable_events`` is one
  aggregate over U, ``duplicate_events`` the aggregate over G. On DuckDB the groups of G are
  looked for among the rows whose 64-bit hash of (segment, customer, timestamp, event) another
  usable row shares (:func:`shared_hashes`: the hashes sorted with numpy, 8 bytes a usable
  row; equal rows have equal hashes, so no group of G is missed, and a hash shared only by a
  collision finds groups of one row, which ``HAVING COUNT(*) > 1`` drops). A log without
  duplicates shares no hash (a collision among 50 million rows has odds of about 1 in 15,000),
  so the statement over G does not run. Spark groups every usable row (the same statement
  without the hash filter).
- **One scan for every row count (DuckDB).** Each read of ``jm_parsed`` parses every row
  again, so ``stats_rows``, ``usable_events`` and the hashes of U are one statement
  (:func:`row_counts`): the pipeline's ``stats_rows`` with the usable aggregate and
  ``list(hash)`` added, each over U by a ``FILTER`` clause. Its one row per segment is kept
  as a table and read twice (the counts as Python numbers, exactly as the two statements
  give them; the hashes as numpy arrays), then dropped.
- **Goal events** group only the rows whose *event name* a goal rule accepts (a group shares
  its name, so the name filter keeps or drops whole groups): the group's touchpoint is its first
  row's (``ARG_MIN`` by the order key) when a rule tests another column, else the name's.
- With an event-id column (``Columns.dedup``) the rows of one id may carry different names and
  timestamps: the pipeline's ``jm_events`` runs and the counts and goal events are read from it.

``jm_parsed`` stays a view for Parquet: each statement reads the file again with its own filters
and columns (projection and filter pushdown), which costs less than one table of every parsed
row; a text file (CSV, JSON lines) is parsed once into a table, as in ingest. The rows are read
with the strings as keys (``DuckEngine.load(dense=False)``): no statement here sorts by
customer, and without an event-id column no event dictionary ``jm_evs`` is built
(``dictionary=False``): nothing here names an unmapped event. The goal events are the table
``jm_goal_events`` (``jm_seg, jm_uid, jm_ts, jm_key, jm_tp``), which the cohort statements read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from journeymap.events.extra import Extra, Rows
from journeymap.events.inputs import InputFile
from journeymap.events.orders import goal_list
from journeymap.events.settings import Engine, IngestOptions, SettingError
from journeymap.events.sql import (
    CHECKS,
    KEY_SPAN,
    goal_events_of,
    mapping_case,
    mapping_rules,
    statements,
    stats_rows_sql,
    usable,
    where_columns,
)
from journeymap.model import JourneyMap

GOAL_EVENTS = "jm_goal_events"
"""The relation of the goal events (one row per deduplicated goal event)."""
_KEY = f"jm_file * {KEY_SPAN} + jm_row"
_GROUP = "jm_seg, jm_uid, jm_ts, jm_event"
_HASH = f"hash({_GROUP})"
"""DuckDB's 64-bit hash of a row's dedup key."""
SHARED = "jm_shared_hashes"
"""The table of the hashes that two usable rows or more share (DuckDB: ``jm_h``)."""
PIPELINE_QUERIES = ("stats_rows", "epoch_units", "first_bad")


def count_statements(jm: JourneyMap, opts: IngestOptions, goals: list[str]) -> dict[str, str]:
    """The statements (DuckDB dialect) by name, in the order they run: ``jm_parsed`` (a view),
    the row checks and counts, and :data:`GOAL_EVENTS` (see the module docstring). Without an
    event-id column, ``usable_events`` and ``duplicate_events`` stand for ``stats_events``
    (:func:`stats_events`) and ``duplicate_events`` groups every usable row (the Spark form;
    DuckDB first narrows it with :func:`duplicates_among`)."""
    pipeline = statements(jm, opts, goals)
    out = {"jm_parsed": pipeline["jm_parsed"]}
    out.update({name: pipeline[name] for name in PIPELINE_QUERIES})
    goal_in = f"IN ({goal_list(goals)})"
    if opts.columns.dedup is not None:
        out["jm_events"] = pipeline["jm_events"]
        out["stats_events"] = pipeline["stats_events"]
        out[GOAL_EVENTS] = f"SELECT * FROM {goal_events_of(jm, goals)} WHERE jm_tp {goal_in}"
        return out
    rules = mapping_rules(jm)
    wcols = where_columns(rules)
    kept = usable(opts)
    out["usable_events"] = f"""
SELECT jm_seg, {usable_aggregates(jm, "")}
FROM jm_parsed WHERE {kept} GROUP BY jm_seg"""
    out["duplicate_events"] = duplicates_among(jm, opts, "")
    # a goal rule's name (or pattern) with its conditions on other columns left out: the rows
    # whose name some goal rule accepts, the only ones whose group can be a goal event
    named = [replace(r, where=()) for r in rules if r.touchpoint in goals]
    name_ok = f"{mapping_case(named, [])} IS NOT NULL"
    case = mapping_case(rules, wcols)
    tp = f"ARG_MIN(COALESCE({case}, ''), {_KEY})" if wcols else f"MIN({case})"
    out[GOAL_EVENTS] = f"""
SELECT * FROM (
  SELECT jm_seg, jm_uid, jm_ts, MIN({_KEY}) AS jm_key, {tp} AS jm_tp
  FROM jm_parsed WHERE {name_ok} AND {kept} GROUP BY {_GROUP}
) AS jm_g WHERE jm_tp {goal_in}"""
    return out


def usable_aggregates(jm: JourneyMap, only: str) -> str:
    """The aggregates of ``usable_events`` over the usable rows (events before the dedup, those
    that map, first and last timestamp, customers); ``only``: a ``FILTER`` clause that picks
    the usable rows (empty: the statement's ``WHERE`` picks them)."""
    rules = mapping_rules(jm)
    mapped = f"CASE WHEN {mapping_case(rules, where_columns(rules))} IS NULL THEN 0 ELSE 1 END"
    return (
        f"COUNT(*){only} AS jm_n, SUM({mapped}){only} AS jm_mapped, MIN(jm_ts){only} AS jm_min, "
        f"MAX(jm_ts){only} AS jm_max, COUNT(DISTINCT jm_uid){only} AS jm_customers"
    )


_USABLE_COLUMNS = 5
"""How many aggregates :func:`usable_aggregates` gives."""


def row_counts(jm: JourneyMap, opts: IngestOptions) -> str:
    """One scan of the parsed rows for all their counts (DuckDB): the pipeline's ``stats_rows``
    (``sql.stats_rows_sql``) with :func:`usable_aggregates` and the list of the usable rows'
    hashes (``jm_hashes``) added to its select list, each over the usable rows only
    (``FILTER``). Each read of the parsed rows parses every row again, so one scan instead of
    three saves two parses."""
    only = f" FILTER (WHERE {usable(opts)})"
    added = f",\n  {usable_aggregates(jm, only)},\n  list({_HASH}){only} AS jm_hashes"
    return stats_rows_sql(opts.columns, added)


def duplicates_among(jm: JourneyMap, opts: IngestOptions, among: str) -> str:
    """Per segment, over the groups of two usable rows or more with one (customer, timestamp,
    event): the rows beyond the first, the rows that map, and the groups whose first row maps.
    ``among`` narrows the rows looked at (SQL after ``AND``; empty: every usable row)."""
    rules = mapping_rules(jm)
    mapped = f"CASE WHEN {mapping_case(rules, where_columns(rules))} IS NULL THEN 0 ELSE 1 END"
    narrow = f" AND {among}" if among else ""
    return f"""
SELECT jm_seg, SUM(jm_n - 1) AS jm_extra, SUM(jm_m) AS jm_mapped_rows, SUM(jm_f) AS jm_first
FROM (
  SELECT jm_seg, COUNT(*) AS jm_n, SUM({mapped}) AS jm_m, ARG_MIN({mapped}, {_KEY}) AS jm_f
  FROM jm_parsed WHERE {usable(opts)}{narrow} GROUP BY {_GROUP} HAVING COUNT(*) > 1
) AS jm_d GROUP BY jm_seg"""


def stats_events(
    usable: list[tuple[Any, ...]], dups: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """The pipeline's ``stats_events`` rows (segment, events, mapped, first and last timestamp,
    customers) from ``usable_events`` and ``duplicate_events`` (the module docstring's sums).

    >>> stats_events([("v", 10, 4, 1, 9, 3)], [("v", 2, 3, 1)])
    [('v', 8, 2, 1, 9, 3)]
    """
    extra = {str(seg): (int(n), int(m or 0), int(f or 0)) for seg, n, m, f in dups}
    out = []
    for seg, n, mapped, lo, hi, customers in usable:
        more, mapped_rows, first = extra.get(str(seg), (0, 0, 0))
        out.append((seg, int(n) - more, int(mapped or 0) - mapped_rows + first, lo, hi, customers))
    return out


def shared_hashes(con: Any, hashes: list[Any]) -> int:
    """Create :data:`SHARED`, the hashes that two usable rows or more share; how many.

    ``hashes``: per segment, the hashes of its usable rows (numpy arrays of ``uint64``, 8 bytes
    a row), each sorted with numpy: a value equal to its neighbour is shared. Far cheaper than
    DuckDB's hash aggregate of every row, which must keep one group per distinct value."""
    import numpy as np

    found = []
    for h in hashes:
        h.sort()
        found.append(h[1:][h[1:] == h[:-1]])
    shared = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.uint64)
    # a list parameter (not a registered array, which DuckDB reads as a table only from 2.0)
    values = shared.tolist()
    con.execute(
        f"CREATE TEMP TABLE {SHARED} AS SELECT unnest(CAST($1 AS UBIGINT[])) AS jm_h", [values]
    )
    return len(values)


_COUNTED = "jm_row_counts"


def _duck_counts(duck: Any, jm: JourneyMap, opts: IngestOptions, stmts: dict[str, str]) -> Rows:
    """The statements on DuckDB: ``stats_rows`` and ``usable_events`` in one scan with the
    hashes (:func:`_one_scan`), and the checks only when they can find rows
    (``DuckEngine.checks``); ``jm_parsed`` is a table only when a file is text
    (``DuckEngine.parsed_table``)."""
    duck.relation("jm_parsed", stmts["jm_parsed"], keep=duck.parsed_table)
    exact = "usable_events" in stmts
    later: tuple[str, ...] = ("jm_parsed", "duplicate_events", *CHECKS)
    if exact:
        later += ("stats_rows", "usable_events")
        duck.relation(_COUNTED, row_counts(jm, opts), keep=True)
    rows: Rows = duck.run_more({k: v for k, v in stmts.items() if k not in later})
    if exact:
        rows["stats_rows"], rows["stats_events"] = _one_scan(duck, jm, opts)
    rows.update(duck.checks(stmts, rows["stats_rows"]))
    return rows


def _one_scan(duck: Any, jm: JourneyMap, opts: IngestOptions) -> tuple[list[Any], list[Any]]:
    """``stats_rows`` and ``stats_events`` from the table of :func:`row_counts`, read twice (the
    counts as Python numbers, the hashes as numpy arrays), then dropped: ``duplicate_events``
    runs only among the shared hashes (none in a log without duplicates)."""
    n = _USABLE_COLUMNS
    counted = duck.rows(f"SELECT * EXCLUDE (jm_hashes) FROM {_COUNTED}")
    # a segment without usable rows has no usable_events row (its WHERE keeps none)
    usable = [(r[0], *r[-n:]) for r in counted if r[-n]]
    dups: list[tuple[Any, ...]] = []
    if usable:
        found = duck.con.execute(f"SELECT jm_hashes FROM {_COUNTED} WHERE jm_n > 0")
        if shared_hashes(duck.con, list(found.fetchnumpy()["jm_hashes"])):
            dups = duck.rows(duplicates_among(jm, opts, f"{_HASH} IN (SELECT jm_h FROM {SHARED})"))
    duck.con.execute(f"DROP TABLE {_COUNTED}")
    return [r[:-n] for r in counted], stats_events(usable, dups)


def run_counts(
    jm: JourneyMap,
    files: list[InputFile],
    opts: IngestOptions,
    goals: list[str],
    extra: Extra,
    *,
    engine: Engine = "duckdb",
    progress: Callable[[str], None] | None = None,
    spark: Any = None,
) -> Rows:
    """Run :func:`count_statements`, then the statements ``extra`` builds from their rows, on an
    engine: result rows by query name."""
    stmts = count_statements(jm, opts, goals)
    named = dict(extra.columns)
    wcols = where_columns(mapping_rules(jm)) + list(named)
    if engine == "duckdb":
        from journeymap.events.duck import DuckEngine

        duck = DuckEngine(opts.resources)
        try:
            if progress:
                progress(f"reading {len(files)} file(s), counting goal events")
            # the event dictionary only for the pipeline's jm_events (an event-id column)
            dictionary = opts.columns.dedup is not None
            duck.load(files, opts.columns, wcols, None, named, dense=False, dictionary=dictionary)
            duck.macros(opts.timezone)
            rows = _duck_counts(duck, jm, opts, stmts)
            rows.update(duck.run_more(extra.build(rows)))
        finally:
            duck.close()
        return rows
    if engine == "spark":
        from journeymap.events.spark import SparkEngine

        eng = SparkEngine(spark)
        if progress:
            progress(f"reading {len(files)} file(s) on Spark, counting goal events")
        eng.load(files, opts.columns, wcols, None, named)
        rows = eng.run_more(stmts, opts.timezone)
        if "usable_events" in rows:
            usable, dups = rows.pop("usable_events"), rows.pop("duplicate_events")
            rows["stats_events"] = stats_events(usable, dups)
        rows.update(eng.run_more(extra.build(rows), opts.timezone))
        return rows
    raise SettingError(
        "engine", lambda s: f"{s}: unknown engine '{engine}'", hint="use duckdb or spark"
    )
