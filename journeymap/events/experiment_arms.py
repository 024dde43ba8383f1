"""The arms of an experiment straight from an event log with an assignment column (issue 10).

One pass of the ingest pipeline (DuckDB) with the variant column as its segment, where the
segment of every row is rewritten per customer before the counting (docs/experiments.md,
"From an event log"):

- a customer belongs to the arm of its **first** event that carries a variant (by time, then
  file rank and row number);
- a customer whose events carry two or more variants is **excluded** and counted, under the
  arm of its first variant;
- exposure starts at that first event, or at the first ``exposure_event`` at or after it;
  only events at or after exposure count; earlier events (and every event of a customer who
  was never exposed) are counted apart as ``before exposure``;
- customers without any variant are not in the experiment (their rows are counted apart too).

The rewritten segments stay inside the pipeline: the arms come back as customer-grain
overlays (one journey per customer) with the ingest's own counting and settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journeymap.events.ingest import IngestResult, build_results
from journeymap.events.inputs import log_files
from journeymap.events.rows import check_rows
from journeymap.events.settings import IngestOptions
from journeymap.events.sql import lit, mapping_rules, statements, where_columns
from journeymap.model import JourneyMap, Overlay

TWO_ARMS = "\0two arms\0"
BEFORE = "\0before exposure"


def assign_arms(parsed: str, exposure_event: str | None) -> str:
    """Wrap the pipeline's ``jm_parsed`` statement so that ``jm_seg`` is the customer's arm.

    ``jm_seg`` comes in as ``'v' || variant`` (``'n'`` without one) per row and goes out as
    the arm (``'v' || arm``), ``'v' || TWO_ARMS || first arm``, ``'v' || BEFORE``, or ``'n'``
    (module docstring). The parsed rows are materialised once, so the log is read once.
    """
    ok = "jm_bad_uid = 0 AND jm_bad_ts = 0"
    if exposure_event is None:
        exposed = "SELECT jm_uid, jm_assigned AS jm_exposed FROM jm_a"
    else:
        exposed = (
            "SELECT p.jm_uid, MIN(p.jm_ts) AS jm_exposed FROM jm_p AS p JOIN jm_a AS a "
            f"ON p.jm_uid = a.jm_uid WHERE p.{ok.replace(' AND ', ' AND p.')} "
            f"AND p.jm_event = {lit(exposure_event)} AND p.jm_ts >= a.jm_assigned "
            "GROUP BY p.jm_uid"
        )
    two, before = lit(TWO_ARMS), lit(BEFORE)
    return f"""
WITH jm_p AS MATERIALIZED ({parsed}),
jm_a AS (
  SELECT jm_uid, FIRST(jm_seg ORDER BY jm_ts, jm_file, jm_row) AS jm_arm,
    COUNT(DISTINCT jm_seg) AS jm_arms, MIN(jm_ts) AS jm_assigned
  FROM jm_p WHERE {ok} AND jm_seg <> 'n' GROUP BY jm_uid
),
jm_x AS ({exposed})
SELECT p.* REPLACE (
  CASE WHEN a.jm_arm IS NULL THEN 'n'
       WHEN a.jm_arms > 1 THEN 'v' || {two} || substr(a.jm_arm, 2)
       WHEN x.jm_exposed IS NULL OR p.jm_ts < x.jm_exposed THEN 'v' || {before}
       ELSE a.jm_arm END AS jm_seg)
FROM jm_p AS p
LEFT JOIN jm_a AS a ON p.jm_uid = a.jm_uid
LEFT JOIN jm_x AS x ON p.jm_uid = x.jm_uid"""


@dataclass(frozen=True)
class ArmOverlay:
    name: str
    overlay: Overlay
    excluded: int
    """Customers whose first variant was this arm and who were seen in another arm too."""


@dataclass(frozen=True)
class ExperimentLog:
    """The arms read from a log, and what was left out of them."""

    arms: tuple[ArmOverlay, ...]
    excluded: int
    """Customers seen in two or more arms (left out of every arm)."""
    rows_before_exposure: int
    """Rows of customers with a variant before their exposure (or never exposed)."""
    rows_without_variant: int
    """Rows of customers without any variant: not in the experiment."""
    files: tuple[str, ...]


def _split(results: list[IngestResult]) -> ExperimentLog:
    arms: dict[str, IngestResult] = {}
    excluded: dict[str, int] = {}
    before = without = 0
    files: tuple[str, ...] = ()
    for r in results:
        files = r.files
        key = r.segment_key
        if r.segment_null or key is None:
            without += r.totals.rows
        elif key == BEFORE:
            before += r.totals.rows
        elif key.startswith(TWO_ARMS):
            name = key[len(TWO_ARMS) :]
            excluded[name] = excluded.get(name, 0) + r.totals.customers
        else:
            arms[key] = r
    names = sorted(set(arms) | set(excluded))
    out = []
    for name in names:
        overlay = arms[name].overlay if name in arms else _empty(results[0].overlay)
        out.append(ArmOverlay(name, overlay, excluded.get(name, 0)))
    return ExperimentLog(tuple(out), sum(excluded.values()), before, without, files)


def _empty(like: Overlay) -> Overlay:
    """An arm that only has excluded customers: every count 0."""
    doc: dict[str, Any] = like.model_dump(by_alias=True, exclude_none=True)
    doc["touchpoints"] = {
        tid: {"entries": 0, "visits": 0, "customers": 0, "next": {}, "exits": 0}
        for tid in like.touchpoints
    }
    return Overlay.model_validate(doc)


def ingest_arms(
    jm: JourneyMap,
    paths: list[str] | tuple[str, ...],
    options: IngestOptions,
    variant_column: str,
    exposure_event: str | None = None,
) -> ExperimentLog:
    """The arms of the experiment in ``paths`` (module docstring); DuckDB only.

    ``options`` are the ingest's (columns, time zone, sessions...); its journeys are
    customers' histories whatever it says, because an experiment compares customers.
    """
    from dataclasses import replace

    from journeymap.events.duck import DuckEngine

    opts = replace(options, segment_by=variant_column, journey="customer")
    opts.validate()
    goals = jm.select_goals(opts.goal)
    stmts = statements(jm, opts, goals)
    stmts["jm_parsed"] = assign_arms(stmts["jm_parsed"], exposure_event)
    stmts["__timezone__"] = opts.timezone
    with log_files(paths) as files:
        duck = DuckEngine(opts.resources)
        try:
            duck.load(files, opts.columns, where_columns(mapping_rules(jm)), variant_column)
            rows = duck.run(stmts)
        finally:
            duck.close()
        results = build_results(jm, files, opts, goals, rows)
        left_out: dict[str, int] = {}
        for r in results:
            for reason, n in r.totals.left_out.items():
                left_out[reason] = left_out.get(reason, 0) + n
        check_rows(files, opts, rows, left_out, sum(r.totals.rows for r in results), "duckdb")
    return _split(results)
