"""An event log cut into periods (``journeymap trend --events``): one overlay per period, in one
run of the ingest pipeline.

A journey belongs to the period of its first event: a customer journey to the period of the
customer's first event mapped to a touchpoint (its first event of any kind when none is
mapped), a session journey to the period of its session's first such event. Periods are ISO
weeks (``2026-W05``), months (``2026-07``) or quarters (``2026-Q3``) of the wall-clock time in
the ingest time zone. Every row of a journey carries its period as the segment of the ingest
pipeline (the segment column of ``ingest --segment-by``), so the statements, the censoring
(against the last event of each period's journeys), the counts and the time to convert are
ingest's own, per period.

Rows without a customer, a readable timestamp or an event have no journey, hence no period:
they are counted apart (:attr:`PeriodIngest.unassigned`), and the bad-row limit applies to
the whole log as in ``ingest``. DuckDB only: the period step is DuckDB SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from journeymap.analysis.cohorts import COHORT_BY, CohortBy
from journeymap.events.cohorts import Calendar
from journeymap.events.ingest import IngestResult, Totals, build_results
from journeymap.events.inputs import InputFile, log_files
from journeymap.events.rows import check_rows
from journeymap.events.settings import Engine, IngestOptions, SettingError
from journeymap.events.sql import mapping_rules, statements, where_columns
from journeymap.model import JourneyMap, Overlay

Every = CohortBy
"""The periods a log is cut into: the cohorts' periods (one list, one labelling)."""
EVERY: tuple[Every, ...] = COHORT_BY
PERIOD = "period"
"""The segment name the period step gives the pipeline (never written to an overlay)."""


@dataclass(frozen=True)
class PeriodIngest:
    """The overlays of a log cut into periods, in period order, and the rows no period holds."""

    periods: tuple[IngestResult, ...]
    unassigned: Totals
    """Rows without a customer, a readable timestamp or an event (``left_out`` by reason)."""
    every: Every


def _journey_periods(cal: Calendar | None, opts: IngestOptions) -> str:
    """``jm_row_period``: the period of every usable row, from its journey's first event.

    The period is looked up in the calendar of the log (:class:`journeymap.events.cohorts.
    Calendar`: local midnights in the time zone, by ``zoneinfo``, labelled by
    :func:`journeymap.analysis.cohorts.period_of`), the one definition ``cohorts`` uses too.
    One row per input row: rows that share customer, time and event (two events an event id
    keeps apart) match each other's events, so the join is grouped back to the row."""
    if cal is None:  # no usable event: no row has a period
        return "SELECT 0 AS jm_file, 0 AS jm_row, CAST(NULL AS VARCHAR) AS jm_period WHERE false"
    jk = "jm_uid, jm_sess_no" if opts.journey == "session" else "jm_uid"
    start = "COALESCE(MIN(CASE WHEN jm_tp IS NOT NULL THEN jm_ts END), MIN(jm_ts))"
    on = " AND ".join(f"e.{c} = s.{c}" for c in jk.split(", "))
    return f"""
SELECT p.jm_file, p.jm_row, MIN(s.jm_period) AS jm_period
FROM jm_parsed AS p
JOIN jm_events AS e ON p.jm_uid = e.jm_uid AND p.jm_ts = e.jm_ts AND p.jm_event = e.jm_event
JOIN (SELECT j.*, c.jm_label AS jm_period
      FROM (SELECT {jk}, {start} AS jm_first FROM jm_events GROUP BY {jk}) AS j
      JOIN {cal.labelled().replace(") AS p(", ") AS c(")}
        ON j.jm_first >= c.jm_start AND j.jm_first < c.jm_end) AS s ON {on}
WHERE p.jm_bad_uid = 0 AND p.jm_bad_ts = 0 AND p.jm_bad_event = 0
GROUP BY p.jm_file, p.jm_row"""


def _run(
    jm: JourneyMap, files: list[InputFile], opts: IngestOptions, goals: list[str], every: Every
) -> dict[str, list[tuple[Any, ...]]]:
    from journeymap.events.duck import DuckEngine

    stmts = statements(jm, opts, goals)
    stmts["__timezone__"] = opts.timezone
    duck = DuckEngine(opts.resources)
    con = duck.con
    try:
        duck.load(files, opts.columns, where_columns(mapping_rules(jm)), None)
        duck.macros(opts.timezone)
        con.execute(f"CREATE TEMP VIEW jm_parsed AS {stmts['jm_parsed']}")
        con.execute(f"CREATE TEMP TABLE jm_events AS {stmts['jm_events']}")
        span = con.execute("SELECT MIN(jm_ts), MAX(jm_ts) FROM jm_events").fetchone()
        cal = None
        if span is not None and span[0] is not None:
            cal = Calendar.of(int(span[0]), int(span[1]), opts.timezone, every)
        con.execute(f"CREATE TEMP TABLE jm_row_period AS {_journey_periods(cal, opts)}")
        con.execute("DROP TABLE jm_events")
        con.execute("DROP VIEW jm_parsed")
        con.execute("ALTER VIEW jm_raw RENAME TO jm_raw_log")
        con.execute(
            "CREATE TEMP VIEW jm_raw AS SELECT COALESCE('v' || q.jm_period, 'n') AS jm_seg, "
            "r.* EXCLUDE (jm_seg) FROM jm_raw_log AS r "
            "LEFT JOIN jm_row_period AS q ON r.jm_file = q.jm_file AND r.jm_row = q.jm_row"
        )
        return duck.run(stmts)
    finally:
        duck.close()


def ingest_periods(
    jm: JourneyMap,
    paths: list[str] | tuple[str, ...],
    options: IngestOptions | None = None,
    *,
    every: Every,
    engine: Engine = "duckdb",
    progress: Callable[[str], None] | None = None,
) -> PeriodIngest:
    """Cut an event log into periods and count each onto the map (see the module docstring)."""
    opts = options or IngestOptions()
    opts.validate()
    if engine != "duckdb":
        raise SettingError(
            "engine",
            lambda s: f"{s}: cutting an event log into periods runs on duckdb only",
            hint="use duckdb, or ingest each period with spark and pass the overlays",
        )
    if opts.segment_by is not None:
        raise SettingError(
            "segment_by",
            lambda s: f"{s}: a log cut into periods cannot be split by another column too",
            hint="leave it out, or ingest each segment apart",
        )
    goals = jm.select_goals(opts.goal)
    with log_files(paths) as files:
        if progress:
            progress(f"reading {len(files)} file(s), cutting them into {every}s")
        rows = _run(jm, files, opts, goals, every)
        results = build_results(jm, files, replace(opts, segment_by=PERIOD), goals, rows)
        left_out: dict[str, int] = defaultdict(int)
        for r in results:
            for reason, n in r.totals.left_out.items():
                left_out[reason] += n
        check_rows(files, opts, rows, left_out, sum(r.totals.rows for r in results), engine)
    unassigned = next((r.totals for r in results if r.segment_null), Totals())
    periods = tuple(_as_period(r, every) for r in results if not r.segment_null)
    return PeriodIngest(periods, unassigned, every)


def _as_period(r: IngestResult, every: Every) -> IngestResult:
    """The result of one period: its overlay says the period, not a segment."""
    doc = r.overlay.model_dump(by_alias=True, exclude_unset=True)
    doc.pop("segment", None)
    doc["period"] = r.segment_key
    doc["settings"] = {**doc["settings"], "segment_by": None, "every": every}
    return replace(r, overlay=Overlay.model_validate(doc), segment_key=None)
