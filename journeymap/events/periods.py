"""An event log cut into periods (``journeymap trend --events``): one overlay per period, in one
run of the ingest pipeline.

A journey belongs to the period of its first event: a customer journey to the period of the
customer's first event mapped to a touchpoint (its first event of any kind when none is
mapped), a session journey to the period of its session's first such event. Periods are ISO
weeks (``2026-W05``), months (``2026-07``) or quarters (``2026-Q3``) of the wall-clock time in
the ingest time zone. The pipeline runs once over the whole log up to its events
(``jm_events``: cleaning, deduplication, sessions, mapping); each journey is then dated once
and its period becomes the segment of its events, so the later steps (the collapse of
repeats, the journeys, the censoring against the last event of each period's journeys), the
counts and the time to convert are ingest's own, per period. A period's rows are those its
events stand for (duplicates included).

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
from journeymap.events.extra import Rows
from journeymap.events.ingest import IngestResult, Totals, build_results
from journeymap.events.inputs import InputFile, log_files
from journeymap.events.rows import check_rows
from journeymap.events.settings import Engine, IngestOptions, SettingError
from journeymap.events.sql import RESULTS, mapping_rules, statements, where_columns
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


def _dated_events(cal: Calendar, opts: IngestOptions) -> str:
    """``jm_events`` with the period of each event's journey as its segment, from the
    pipeline's events of the whole log (``jm_events_log``, one segment).

    A journey (a customer, or a customer's session) is dated once, by its first event mapped
    to a touchpoint (its first event of any kind when none is), looked up in the calendar of
    the log (:class:`journeymap.events.cohorts.Calendar`: local midnights in the time zone, by
    ``zoneinfo``, labelled by :func:`journeymap.analysis.cohorts.period_of`), the one
    definition ``cohorts`` uses too; the journeys' periods are then joined to their events,
    not to every row read."""
    jk = "jm_cid, jm_sess_no" if opts.journey == "session" else "jm_cid"
    first = "COALESCE(MIN(CASE WHEN jm_code IS NOT NULL THEN jm_ts END), MIN(jm_ts))"
    on = " AND ".join(f"e.{c} = q.{c}" for c in jk.split(", "))
    return f"""
SELECT q.jm_period AS jm_seg, e.* EXCLUDE (jm_seg)
FROM jm_events_log AS e
JOIN (SELECT j.*, 'v' || c.jm_label AS jm_period
      FROM (SELECT {jk}, {first} AS jm_first FROM jm_events_log GROUP BY {jk}) AS j
      JOIN {cal.labelled().replace(") AS p(", ") AS c(")}
        ON j.jm_first >= c.jm_start AND j.jm_first < c.jm_end) AS q ON {on}"""


def _period_rows(
    log_rows: list[tuple[Any, ...]], per_period: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """``stats_rows`` per period: a period holds the rows its events stand for (``jm_rows``:
    duplicates included), none unusable; the rest of the log's rows (unusable rows, identity
    calls) have no journey, hence no period (segment ``n``)."""
    out: list[tuple[Any, ...]] = []
    assigned = 0
    for seg, rows in sorted(per_period):
        extra = (0,) * (len(log_rows[0]) - 6) if log_rows else ()
        out.append((seg, int(rows), 0, 0, 0, 0, *extra))
        assigned += int(rows)
    for _, rows, *rest in log_rows:  # one segment: the whole log
        if int(rows) > assigned:
            out.append(("n", int(rows) - assigned, *rest))
    return out


def _run(
    jm: JourneyMap, files: list[InputFile], opts: IngestOptions, goals: list[str], every: Every
) -> Rows:
    from journeymap.events.duck import DuckEngine

    stmts = statements(jm, opts, goals)
    duck = DuckEngine(opts.resources)
    try:
        duck.load(files, opts.columns, where_columns(mapping_rules(jm)), None)
        duck.macros(opts.timezone)
        duck.relation("jm_parsed", stmts["jm_parsed"], keep=duck.parsed_table)
        fast = _numpy_pass(duck, jm, opts, goals, every) if duck.numpy_pass else None
        if fast is not None:
            rows = {
                name: fast[name] if name in fast else duck.rows(stmts[name]) for name in RESULTS
            }
        else:
            rows = _sql_pass(duck, stmts, opts, every)
        rows.update(duck.checks(stmts, rows["stats_rows"]))
        per_period = duck.rows("SELECT jm_seg, SUM(jm_rows) FROM jm_events GROUP BY jm_seg")
        rows["stats_rows"] = _period_rows(rows["stats_rows"], per_period)
        return rows
    finally:
        duck.close()


def _numpy_pass(
    duck: Any, jm: JourneyMap, opts: IngestOptions, goals: list[str], every: Every
) -> Rows | None:
    """The ordered pass in numpy (``events/ordered_duck.py``) with each journey's events given
    its period (:func:`_dated_events`' definition: the journey's first mapped event, else its
    first event, looked up in the calendar of the log); None when the keys are strings or
    the log is too large for one pass (``ordered_duck.buckets``: the periods need the whole
    log at once; the window statements run then, within DuckDB's memory).

    The pass's contract holds with the period as the segment: a customer journey has one
    period, and a customer's session journeys are in time order, so are their periods (the
    events of one customer and period are contiguous, in time order)."""
    import numpy as np

    from journeymap.events.ordered_duck import ordered_plan, run_ordered
    from journeymap.events.ordered_np import Events, journey_first

    def dating(e: Events) -> tuple[Any, list[str]]:
        first = journey_first(e, opts.journey == "session")
        cal = Calendar.of(int(e.rows.ts.min()), int(e.rows.ts.max()), opts.timezone, every)
        bounds = np.array(cal.bounds, dtype=np.int64)
        period = np.searchsorted(bounds, first, side="right") - 1
        assert period.min() >= 0 and period.max() < len(cal.labels), "the calendar covers the log"
        return period.astype(np.int32), ["v" + label for label in cal.labels]

    plan = ordered_plan(jm, opts, goals)
    return run_ordered(duck.con, plan, None, dating, rows_read=duck.rows_read())


def _sql_pass(duck: Any, stmts: dict[str, str], opts: IngestOptions, every: Every) -> Rows:
    """The window statements of ``events/ordered.py`` and :func:`_dated_events`: the result
    rows (the definition, which the numpy pass is tested against)."""
    duck.relation("jm_events_log", stmts["jm_events"], keep=True)
    [(lo, hi)] = duck.rows("SELECT MIN(jm_ts), MAX(jm_ts) FROM jm_events_log")
    if lo is None:  # no usable event: no journey, no period
        duck.relation("jm_events", "SELECT * FROM jm_events_log")
    else:
        cal = Calendar.of(int(lo), int(hi), opts.timezone, every)
        duck.relation("jm_events", _dated_events(cal, opts), keep=True)
        duck.con.execute("DROP TABLE jm_events_log")
    duck.relation("jm_visits", stmts["jm_visits"], keep=True)
    return {name: duck.rows(stmts[name]) for name in RESULTS}


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
