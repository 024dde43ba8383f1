"""The arms of an experiment straight from an event log with an assignment column (issue 10).

One pass of the ingest pipeline (DuckDB or Spark) with the variant column as its segment, where
the segment of every row is rewritten per customer before the counting (docs/experiments.md,
"From an event log"):

- a variant that is empty or only spaces is no variant (as a missing one is);
- a customer belongs to the arm of its **first** event that carries a variant (by time, then
  file rank and row number);
- a customer whose events carry two or more variants is **excluded** and counted, under the
  arm of its first variant;
- exposure starts at that first event, or at the first ``exposure_event`` at or after it;
  only events at or after exposure count; earlier events (and every event of a customer who
  was never exposed) are counted apart as ``before exposure``;
- customers without any variant are not in the experiment (they and their rows are counted
  apart, as ``no variant``).

The assignment is computed once, as a table of one row per customer with a variant
(``jm_assign``: arm, number of arms, exposure time; from ``jm_seen``, one row per customer and
variant), and joined to the parsed rows; the SQL is DuckDB's dialect without DuckDB-only
syntax, so that it transpiles to Spark as the pipeline does (the one exception, the order key
of :func:`variant_firsts_sql`, is chosen per engine). The rewritten segments stay inside the pipeline: the arms come back as customer-grain
overlays (one journey per customer) with the ingest's own counting and settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from journeymap.events.engines import run_pipeline
from journeymap.events.extra import Extra
from journeymap.events.ingest import IngestResult, build_results
from journeymap.events.inputs import log_files
from journeymap.events.rows import check_rows
from journeymap.events.settings import Columns, Engine, IngestOptions, Progress
from journeymap.events.sql import KEY_SPAN, SEGMENTS_KEY, TIMED, ident, lit, stats_rows_sql
from journeymap.model import JourneyMap, Overlay

TWO_ARMS = "\0two arms\0"
BEFORE = "\0before exposure"
_TWO_ARMS_SQL = "'v' || chr(0) || 'two arms' || chr(0)"
_BEFORE_SQL = "'v' || chr(0) || 'before exposure'"
"""``'v' ||`` the markers, their NUL characters as ``chr(0)`` (portable to every dialect)."""
VARIANT_SQL = "jm_seg <> 'n' AND trim(substr(jm_seg, 2)) <> ''"
"""A row with a variant: ``jm_seg`` is ``'v' || variant`` (``'n'`` without one), and a variant
of spaces only is none (the pipeline's test of an empty customer id)."""


def variant_firsts_sql(*, packed: bool = True) -> str:
    """``jm_seen``: per customer and variant (``jm_seg``, over ``jm_p``, the parsed rows with a
    customer and a time) the time of its first row (``jm_t``) and that row's order key
    (``jm_o``): (time, file rank * KEY_SPAN + row number), ``packed`` (DuckDB) as one 128-bit
    integer, time * 2^64 + key (exact: the key is in [0, 2^63), so the integer orders as the
    pair does), else a struct (Spark has no 128-bit integer; DuckDB compares a struct through a
    sort key built per row: docs/architecture.md, "Experiment assignment at almost no cost")."""
    key = f"jm_file * {KEY_SPAN} + jm_row"
    order = f"CAST(jm_ts AS HUGEINT) * {2**64} + {key}" if packed else f"{{'t': jm_ts, 'k': {key}}}"
    return f"""
SELECT jm_cid, jm_seg, MIN(jm_ts) AS jm_t, MIN({order}) AS jm_o
FROM jm_p WHERE {TIMED} AND jm_seg <> 'n' GROUP BY jm_cid, jm_seg"""


def first_arm_sql() -> str:
    """``jm_first``: per customer with a variant (over :func:`variant_firsts_sql` as
    ``jm_seen``), the variant of its first row with one (``jm_arm``, by time, then file rank and
    row number), whether its rows carry two or more variants (``jm_mixed``, 1 or 0) and the time
    of that first row (``jm_assigned``).

    A customer has one ``jm_seen`` row per variant (mostly one), so the test of a variant of
    spaces only runs once per customer and variant here, not once per row; on DuckDB
    ``jm_seen`` is a table, or the engine pushes this filter down to the rows."""
    return f"""
SELECT jm_cid, ARG_MIN(jm_seg, jm_o) AS jm_arm, CASE WHEN COUNT(*) > 1 THEN 1 ELSE 0 END AS jm_mixed,
  MIN(jm_t) AS jm_assigned
FROM jm_seen WHERE {VARIANT_SQL} GROUP BY jm_cid"""


def assignment_sql(exposure_event: str | None) -> str:
    """``jm_assign``: :func:`first_arm_sql` (as ``jm_first``) with the exposure time
    ``jm_exposed``: the assignment, or the first ``exposure_event`` at or after it (NULL when
    there is none: the customer was never exposed)."""
    if exposure_event is None:
        return "SELECT jm_cid, jm_arm, jm_mixed, jm_assigned AS jm_exposed FROM jm_first"
    ok = TIMED.replace("jm_", "p.jm_")
    return f"""
SELECT a.jm_cid, a.jm_arm, a.jm_mixed, x.jm_exposed
FROM jm_first AS a
LEFT JOIN (
  SELECT p.jm_cid, MIN(p.jm_ts) AS jm_exposed FROM jm_p AS p JOIN jm_first AS f
    ON p.jm_cid = f.jm_cid
  WHERE {ok} AND p.jm_event = {lit(exposure_event)} AND p.jm_ts >= f.jm_assigned
  GROUP BY p.jm_cid
) AS x ON a.jm_cid = x.jm_cid"""


def armed_sql(columns: list[str]) -> str:
    """The pipeline's ``jm_parsed``: the parsed rows (``columns`` of ``jm_p``) with ``jm_seg``
    the customer's arm (``'v' || arm``), ``'v' || TWO_ARMS || first arm``, ``'v' || BEFORE`` or
    ``'n'`` (module docstring)."""
    seg = f"""CASE WHEN a.jm_arm IS NULL THEN 'n'
       WHEN a.jm_mixed = 1 THEN {_TWO_ARMS_SQL} || substr(a.jm_arm, 2)
       WHEN a.jm_exposed IS NULL OR p.jm_ts < a.jm_exposed THEN {_BEFORE_SQL}
       ELSE a.jm_arm END AS jm_seg"""
    cols = [seg if c == "jm_seg" else f"p.{ident(c)}" for c in columns]
    return f"""
SELECT {", ".join(cols)}
FROM jm_p AS p LEFT JOIN jm_assign AS a ON p.jm_cid = a.jm_cid"""


def armed_segments_sql() -> str:
    """Every segment :func:`armed_sql` can give a row (a superset of those it gives: the four
    branches of its ``CASE`` over each arm of ``jm_assign``), so that the ordered pass's
    segment dictionary (``ordered_duck.OrderedPlan.segment_names``) comes from the small
    assignment instead of a ``DISTINCT`` over every armed row."""
    return f"""
SELECT 'n' AS jm_seg UNION ALL SELECT {_BEFORE_SQL}
UNION ALL SELECT jm_arm FROM (SELECT DISTINCT jm_arm FROM jm_assign) AS jm_a
UNION ALL SELECT {_TWO_ARMS_SQL} || substr(jm_arm, 2)
  FROM (SELECT DISTINCT jm_arm FROM jm_assign) AS jm_a"""


class _Assignment:
    """The ``prepare`` step of the pipeline (``events.extra.Extra``): the parsed rows as
    ``jm_p``, the assignment as the table ``jm_assign``, and ``jm_parsed`` rewritten over them."""

    in_the_pass = True
    """Whether DuckDB's numpy pass assigns the arms over its own sorted rows
    (``events/arms_pass.py``) when it can: integer keys and no event-id column, whose dedup is SQL
    over the armed rows; the tests set it False to compare with the SQL assignment."""

    def __init__(
        self, exposure_event: str | None, columns: Columns, progress: Progress | None = None
    ) -> None:
        self.exposure_event = exposure_event
        self.columns = columns
        self.sessions = columns.session is not None
        """Whether the rows' sessions come from a session column (``jm_sess`` is read)."""
        self.dedup = columns.dedup is not None
        """Whether an event-id column deduplicates the rows (its dedup is SQL)."""
        self.progress = progress
        self.cached: list[Any] = []

    def __call__(self, engine: Any, stmts: dict[str, str]) -> None:
        from journeymap.events.duck import DuckEngine

        tz = stmts["__timezone__"]
        if self.progress:
            self.progress("reading, assigning the arms")
        # DuckDB reads jm_parsed for the events, the row counts (and the checks, when they can
        # find rows) and the assignment once more: the parsed rows are kept once
        # (docs/benchmarks.md), without the strings the pipeline no longer reads (the customer
        # id, whose key jm_cid and bad-row flag are columns, and the event name unless the
        # exposure event or a rule's where: column needs it); Spark caches jm_parsed itself
        duck = isinstance(engine, DuckEngine)
        if duck and self._numpy(engine):
            self._in_ordered_pass(engine, stmts, tz)
            return
        parsed = self._relation(engine, "jm_pv", stmts["jm_parsed"], tz, keep=False)
        unread = {"jm_uid"} | (set() if self._reads_event(parsed) else {"jm_event"})
        if duck:
            unread |= self._constant(engine)
        kept = ", ".join(ident(c) for c in parsed if c not in unread)
        columns = self._relation(engine, "jm_p", f"SELECT {kept} FROM jm_pv", tz, keep=duck)
        self._relation(engine, "jm_seen", variant_firsts_sql(packed=duck), tz, keep=duck)
        self._relation(engine, "jm_first", first_arm_sql(), tz, keep=True)
        exposure = self.exposure_event is not None  # without one, a projection of jm_first
        self._relation(engine, "jm_assign", assignment_sql(self.exposure_event), tz, keep=exposure)
        stmts["jm_parsed"] = armed_sql(columns)
        if duck:
            stmts[SEGMENTS_KEY] = armed_segments_sql()

    def _numpy(self, engine: Any) -> bool:
        from journeymap.events.ordered_duck import integer_keys

        ok = self.in_the_pass and engine.numpy_pass and not self.dedup
        return ok and integer_keys(engine.con)

    def _in_ordered_pass(self, engine: Any, stmts: dict[str, str], tz: str) -> None:
        """The DuckDB numpy pass assigns the arms (``arms_pass.ArmsPlan``): the parsed rows as
        ``jm_p`` (a table when the files are text, as ``jm_parsed`` would be), ``jm_parsed``
        the armed view over it and ``jm_assign``, which the pass registers (until then an
        empty relation of its columns, so that the view can be created)."""
        from journeymap.events.arms_pass import ArmsPlan

        engine.macros(tz)
        engine.relation("jm_p", stmts["jm_parsed"], keep=engine.parsed_table)
        engine.parsed_table = False  # jm_parsed: the armed rows, a view over jm_p
        found = engine.con.execute("SELECT * FROM jm_p LIMIT 0").description
        engine.relation(
            "jm_assign",
            "SELECT CAST(NULL AS BIGINT) AS jm_cid, CAST(NULL AS VARCHAR) AS jm_arm, "
            "0 AS jm_mixed, CAST(NULL AS BIGINT) AS jm_exposed WHERE false",
        )
        stmts["jm_parsed"] = armed_sql([str(d[0]) for d in found])
        naming = self.columns.naming is not None
        bad_rows = stats_rows_sql(self.columns, where=f"NOT ({TIMED})")
        engine.arms = ArmsPlan(self.exposure_event, naming, bad_rows)

    def _constant(self, engine: Any) -> set[str]:
        """The parsed columns that no statement reads on this log (DuckDB): the placeholder of
        no ``where:`` columns, the session value without a session column (dedup writes
        ``'n'``), the epoch unit when no file's timestamps are text (``epoch_units`` is not
        run); 0.1 of the table's 0.9 CPU seconds at 5M events."""
        found = {"jm_nowhere"} | (set() if self.sessions else {"jm_sess"})
        return found | (set() if engine.text_timestamps else {"jm_unit"})

    def _reads_event(self, columns: list[str]) -> bool:
        """Whether a statement after this step reads the event name of the parsed rows: the
        exposure event's test, or the mapping of a rule with ``where:`` columns (``jm_w0..``)."""
        return self.exposure_event is not None or "jm_w0" in columns

    def _relation(self, engine: Any, name: str, sql: str, tz: str, *, keep: bool) -> list[str]:
        """Create ``name`` on the engine (a table when ``keep``); its column names."""
        from journeymap.events.duck import DuckEngine

        if isinstance(engine, DuckEngine):
            engine.macros(tz)
            engine.relation(name, sql, keep=keep)
            found = engine.con.execute(f"SELECT * FROM {name} LIMIT 0").description
            return [str(d[0]) for d in found]
        from journeymap.events.sql import transpile

        df = engine.spark.sql(transpile(sql, "spark", tz))
        if keep:
            df = df.cache()
            self.cached.append(df)
        df.createOrReplaceTempView(name)
        return [str(c) for c in df.columns]

    def release(self) -> None:
        for df in self.cached:
            df.unpersist()
        self.cached.clear()


@dataclass(frozen=True)
class ArmOverlay:
    name: str
    overlay: Overlay
    excluded: int
    """Customers whose first variant was this arm and who were seen in another arm too."""


@dataclass(frozen=True)
class ExperimentLog:
    """The arms read from a log, and what was left out of them: every row read is in an arm's
    counts or in exactly one of ``rows_before_exposure``, ``rows_without_variant``,
    ``rows_two_arms`` and ``left_out``."""

    arms: tuple[ArmOverlay, ...]
    excluded: int
    """Customers seen in two or more arms (left out of every arm)."""
    rows_before_exposure: int
    """Rows of customers with a variant before their exposure (or never exposed)."""
    rows_without_variant: int
    """Rows of customers without any variant (none, empty or spaces): not in the experiment."""
    files: tuple[str, ...]
    customers_without_variant: int = 0
    """The customers of ``rows_without_variant`` that have an event (whose rows are not all
    left out for a reason of ``left_out``)."""
    rows_two_arms: int = 0
    """Rows of the ``excluded`` customers."""
    left_out: dict[str, int] = field(default_factory=dict)
    """The other rows left out, by the ingest's reasons (``events.rows``): those of the arms'
    customers, and the rows without a customer id."""


def _split(results: list[IngestResult]) -> ExperimentLog:
    arms: dict[str, IngestResult] = {}
    excluded: dict[str, int] = {}
    before = without = customers = two = 0
    left_out: dict[str, int] = {}
    files: tuple[str, ...] = ()
    for r in results:
        files, key, t = r.files, r.segment_key, r.totals
        if r.segment_null or key is None:
            without += t.rows - t.bad_customer
            customers += t.customers
            out = {"no_customer": t.bad_customer}
        elif key == BEFORE:
            before, out = before + t.rows, {}
        elif key.startswith(TWO_ARMS):
            name = key[len(TWO_ARMS) :]
            excluded[name] = excluded.get(name, 0) + t.customers
            two, out = two + t.rows, {}
        else:
            arms[key], out = r, t.left_out
        for reason, n in out.items():
            left_out[reason] = left_out.get(reason, 0) + n
    names = sorted(set(arms) | set(excluded))
    found = []
    for name in names:
        overlay = arms[name].overlay if name in arms else _empty(results[0].overlay)
        found.append(ArmOverlay(name, overlay, excluded.get(name, 0)))
    return ExperimentLog(
        tuple(found), sum(excluded.values()), before, without, files, customers, two, left_out
    )


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
    *,
    engine: Engine = "duckdb",
    spark: Any = None,
    progress: Progress | None = None,
) -> ExperimentLog:
    """The arms of the experiment in ``paths`` (module docstring), counted on ``engine``
    (``spark``: an existing SparkSession for ``engine="spark"``); ``progress`` is told each
    step as ``ingest``'s is.

    ``options`` are the ingest's (columns, time zone, sessions...); its journeys are
    customers' histories whatever it says, because an experiment compares customers.
    """
    opts = replace(options, segment_by=variant_column, journey="customer")
    opts.validate()
    goals = jm.select_goals(opts.goal)
    assignment = _Assignment(exposure_event, opts.columns, progress)
    with log_files(paths) as files:
        try:
            extra = Extra(lambda _: {}, prepare=assignment)
            rows, _ = run_pipeline(
                jm, files, opts, goals, engine=engine, spark=spark, extra=extra, progress=progress
            )
        finally:
            assignment.release()
        results = build_results(jm, files, opts, goals, rows)
        left_out: dict[str, int] = {}
        for r in results:
            for reason, n in r.totals.left_out.items():
                left_out[reason] = left_out.get(reason, 0) + n
        check_rows(files, opts, rows, left_out, sum(r.totals.rows for r in results), engine)
    return _split(results)
