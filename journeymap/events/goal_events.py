"""The goal events of an event log and every row accounted for, without the journey steps.

Of the ingest pipeline (``journeymap.events.sql``) ``cohorts`` needs only the rows read and
left out and why (the pipeline's own ``stats_rows``, ``epoch_units`` and ``first_bad`` over its
``jm_parsed``), the deduplicated events' counts and time range (``stats_events``: the coverage
end of the log is its last event of any kind), and the goal events. It never uses sessions,
the collapse of repeats or the journeys (the windows of ``jm_events``, all of ``jm_visits``),
so they are not computed:

- Deduplication of exact (customer, timestamp, event) rows groups rows of one event name, and
  a group's touchpoint is its first row's (order key ``jm_file * KEY_SPAN + jm_row``), as in
  the pipeline. When the map's rules test no other column the event name alone decides the
  touchpoint, so the goal filter runs on the rows, before the grouping; when they do, the
  group's first row decides (``ARG_MIN`` by the order key).
- With an event-id column (``Columns.dedup``) the rows of one id may carry different names and
  timestamps: the pipeline's ``jm_events`` runs and the goal events are read from it.

``jm_parsed`` is a table on DuckDB (``run_more`` makes ``jm_*`` tables): its parse runs once
for the statements that read it. The goal events are the relation ``jm_goal_events``
(``jm_seg, jm_uid, jm_ts, jm_key, jm_tp``), which the cohort statements read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from journeymap.events.extra import Extra, Rows
from journeymap.events.inputs import InputFile
from journeymap.events.orders import goal_list
from journeymap.events.settings import Engine, IngestOptions, SettingError
from journeymap.events.sql import (
    KEY_SPAN,
    goal_events_of,
    mapping_case,
    mapping_rules,
    statements,
    where_columns,
)
from journeymap.model import JourneyMap

GOAL_EVENTS = "jm_goal_events"
"""The relation of the goal events (one row per deduplicated goal event)."""
_KEY = f"jm_file * {KEY_SPAN} + jm_row"


def count_statements(jm: JourneyMap, opts: IngestOptions, goals: list[str]) -> dict[str, str]:
    """The statements (DuckDB dialect) by name, in the order they run: ``jm_parsed``, the row
    checks and counts, and :data:`GOAL_EVENTS` (see the module docstring)."""
    pipeline = statements(jm, opts, goals)
    out = {"jm_parsed": pipeline["jm_parsed"]}
    goal_in = f"IN ({goal_list(goals)})"
    if opts.columns.dedup is not None:
        out["jm_events"] = pipeline["jm_events"]
        out["stats_events"] = pipeline["stats_events"]
        goal_events = f"SELECT * FROM {goal_events_of(jm, goals)} WHERE jm_tp {goal_in}"
    else:
        out["stats_events"], goal_events = _grouped(jm, opts, goal_in)
    out.update({name: pipeline[name] for name in ("stats_rows", "epoch_units", "first_bad")})
    out[GOAL_EVENTS] = goal_events
    return out


def _grouped(jm: JourneyMap, opts: IngestOptions, goal_in: str) -> tuple[str, str]:
    """``stats_events`` and the goal events, grouped from ``jm_parsed`` by (customer, timestamp,
    event) as the pipeline deduplicates."""
    rules = mapping_rules(jm)
    wcols = where_columns(rules)
    case = mapping_case(rules, wcols)
    usable = "jm_bad_uid = 0 AND jm_bad_ts = 0 AND jm_bad_event = 0" + (
        " AND jm_ident = 0" if opts.columns.naming is not None else ""
    )
    group = "GROUP BY jm_seg, jm_uid, jm_ts, jm_event"
    mapped = f"CASE WHEN {case} IS NULL THEN 0 ELSE 1 END"
    # the name alone decides (no rule tests another column): any row of the group says it
    first_mapped = f"ARG_MIN({mapped}, {_KEY})" if wcols else f"MIN({mapped})"
    stats_events = f"""
SELECT jm_seg, COUNT(*) AS jm_events, SUM(jm_m) AS jm_mapped, MIN(jm_ts) AS jm_min,
  MAX(jm_ts) AS jm_max, COUNT(DISTINCT jm_uid) AS jm_customers
FROM (
  SELECT jm_seg, jm_uid, jm_ts, {first_mapped} AS jm_m
  FROM jm_parsed WHERE {usable} {group}
) AS jm_g GROUP BY jm_seg"""
    if wcols:
        goal_events = f"""
SELECT * FROM (
  SELECT jm_seg, jm_uid, jm_ts, MIN({_KEY}) AS jm_key, ARG_MIN(COALESCE({case}, ''), {_KEY}) AS jm_tp
  FROM jm_parsed WHERE {usable} {group}
) AS jm_g WHERE jm_tp {goal_in}"""
    else:
        goal_events = f"""
SELECT jm_seg, jm_uid, jm_ts, MIN({_KEY}) AS jm_key, MIN(jm_tp) AS jm_tp
FROM (SELECT *, {case} AS jm_tp FROM jm_parsed WHERE {usable}) AS jm_r
WHERE jm_tp {goal_in} {group}"""
    return stats_events, goal_events


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
            duck.load(files, opts.columns, wcols, None, named)
            duck.macros(opts.timezone)
            rows = duck.run_more(stmts)
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
        rows.update(eng.run_more(extra.build(rows), opts.timezone))
        return rows
    raise SettingError(
        "engine", lambda s: f"{s}: unknown engine '{engine}'", hint="use duckdb or spark"
    )
