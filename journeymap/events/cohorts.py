"""``cohorts``: an event log -> cohort retention by period (SQL on DuckDB or Spark).

The log is read, cleaned and deduplicated by the ingest pipeline's own statements, and the
map's event rules decide (``journeymap.events.sql``), so rows are left out for the same
reasons and counted the same way; a goal event is an event that the rules map to a goal
touchpoint. Only what cohorts use is computed (``journeymap.events.goal_events``: the row
counts and the goal events, no sessions or journeys). The statements below then run on the
same engine over its goal events: the period of each goal event comes from a small table of
period boundaries computed here in Python (local midnight in the log's time zone, by the IANA
rules of :mod:`zoneinfo`), so both engines compare whole numbers only and return the same
rows. ``journeymap.analysis.cohorts`` turns them into the result (definitions in its docstring
and in docs/analysis.md, "Cohorts").
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from journeymap.analysis.cohorts import (
    CohortBy,
    CohortCounts,
    Cohorts,
    build_cohorts,
    period_of,
    periods_between,
)
from journeymap.errors import UsageError
from journeymap.events.extra import Extra, Rows
from journeymap.events.goal_events import GOAL_EVENTS, run_counts
from journeymap.events.ingest import Totals, totals_of
from journeymap.events.inputs import InputFile, log_files
from journeymap.events.orders import goal_customers_sql, goal_list, ordering_of
from journeymap.events.rows import check_rows
from journeymap.events.settings import Engine, IngestOptions, Progress, SettingError
from journeymap.events.sql import KEY_SPAN, lit, mapping_rules, where_columns
from journeymap.model import Business, JourneyMap, parse_period

MAX_PERIODS = 10_000
"""More periods than this between the first and the last event is an error (bad timestamps)."""
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class CohortSettings:
    """What ``cohorts`` computes besides the triangle."""

    by: CohortBy = "month"
    include_partial: bool = False
    """Keep the periods the log does not cover whole (marked ``partial_from``)."""
    value_column: str | None = None
    """A column with the value of each goal event (revenue per cohort and offset)."""
    business_period: str | None = None
    """An ISO period label: measure the ``business:`` inputs of that period."""


@dataclass(frozen=True)
class Calendar:
    """The periods from the log's first to its last event, with their bounds in UTC microseconds."""

    labels: tuple[str, ...]
    bounds: tuple[int, ...]
    """``len(labels) + 1`` bounds: period i is ``[bounds[i], bounds[i + 1])``."""
    whole: int

    @classmethod
    def of(cls, first_us: int, last_us: int, timezone: str, by: CohortBy) -> Calendar:
        tz = dt.UTC if timezone == "UTC" else zoneinfo.ZoneInfo(timezone)

        def day(us: int) -> dt.date:
            return (_EPOCH + dt.timedelta(microseconds=us)).astimezone(tz).date()

        def micros(d: dt.date) -> int:
            local = dt.datetime.combine(d, dt.time(), tzinfo=tz)
            return (local - _EPOCH) // dt.timedelta(microseconds=1)

        first, last = day(first_us), day(last_us)
        if by == "week" and (last - first).days > 7 * MAX_PERIODS:
            raise UsageError(
                f"the log spans {first} to {last}, more than {MAX_PERIODS:,} weeks",
                hint="check the timestamps, or count by a longer period",
            )
        periods = periods_between(first, last, by)
        if len(periods) > MAX_PERIODS:
            raise UsageError(
                f"the log spans {first} to {last}, more than {MAX_PERIODS:,} periods",
                hint="check the timestamps, or count by a longer period",
            )
        end = parse_period(periods[-1][0])[1] + dt.timedelta(days=1)
        bounds = (*(micros(start) for _, start in periods), micros(end))
        whole = sum(1 for b in bounds[1:] if b <= last_us)
        return cls(tuple(label for label, _ in periods), bounds, whole)

    def values(self) -> str:
        """The periods as an inline SQL table ``p(jm_idx, jm_start, jm_end)``."""
        rows = ", ".join(
            f"({i}, {self.bounds[i]}, {self.bounds[i + 1]})" for i in range(len(self.labels))
        )
        return f"(VALUES {rows}) AS p(jm_idx, jm_start, jm_end)"

    def labelled(self) -> str:
        """The periods with their labels, ``p(jm_start, jm_end, jm_label)`` (``trend --events``)."""
        rows = ", ".join(
            f"({self.bounds[i]}, {self.bounds[i + 1]}, {lit(label)})"
            for i, label in enumerate(self.labels)
        )
        return f"(VALUES {rows}) AS p(jm_start, jm_end, jm_label)"


@dataclass(frozen=True)
class CohortRun:
    """The result of :func:`cohorts` and the figures behind it."""

    cohorts: Cohorts
    totals: Totals
    files: tuple[str, ...]
    goals: tuple[str, ...]
    business: Business | None = None
    """The measured ``business:`` inputs of ``CohortSettings.business_period``."""


def goal_event_map(event: str) -> JourneyMap:
    """A map of one goal touchpoint that the raw event ``event`` stands for (``--goal-event``).

    >>> [r.name for r in goal_event_map("order_completed").touchpoints["goal"].events]
    ['order_completed']
    """
    return JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "cohorts",
            "title": "Goal events",
            "stages": [
                {
                    "id": "goal_events",
                    "name": "Goal events",
                    "touchpoints": [
                        {"id": "goal", "name": event, "goal": True, "events": [{"name": event}]}
                    ],
                }
            ],
        }
    )


def statements(
    cal: Calendar, goals: list[str], settings: CohortSettings, value_alias: str | None
) -> dict[str, str]:
    """The cohort statements (DuckDB dialect, over the goal events ``goal_events.GOAL_EVENTS``)
    by name, in the order they run."""
    stmts = {
        "jm_goal": f"""
SELECT e.jm_uid, e.jm_ts, e.jm_key, p.jm_idx
FROM {GOAL_EVENTS} AS e JOIN {cal.values()} ON e.jm_ts >= p.jm_start AND e.jm_ts < p.jm_end
WHERE e.jm_tp IN ({goal_list(goals)})""",
        "jm_cust": """
SELECT jm_uid, MIN(jm_idx) AS jm_cohort, MIN(jm_ts) AS jm_first FROM jm_goal GROUP BY jm_uid""",
        "cohort_active": """
SELECT c.jm_cohort, g.jm_idx - c.jm_cohort AS jm_k, COUNT(DISTINCT g.jm_uid) AS jm_n
FROM jm_goal AS g JOIN jm_cust AS c ON g.jm_uid = c.jm_uid
GROUP BY c.jm_cohort, g.jm_idx - c.jm_cohort""",
        "goal_customers": goal_customers_sql(goals, events=GOAL_EVENTS),
        # a customer's second goal timestamp is its first after its first (no window, no
        # DISTINCT: ties at the first timestamp fail ts > first)
        "cohort_second": """
SELECT jm_d, COUNT(*) AS jm_n FROM (
  SELECT MIN(g.jm_ts) - c.jm_first AS jm_d
  FROM jm_goal AS g JOIN jm_cust AS c ON g.jm_uid = c.jm_uid AND g.jm_ts > c.jm_first
  GROUP BY g.jm_uid, c.jm_first
) AS jm_s GROUP BY jm_d""",
    }
    if value_alias is not None:
        stmts["jm_value"] = f"""
SELECT g.jm_uid, g.jm_idx, TRY_CAST(trim(r.{value_alias}) AS DECIMAL(38, 6)) AS jm_v
FROM jm_goal AS g JOIN jm_raw AS r ON r.jm_file * {KEY_SPAN} + r.jm_row = g.jm_key"""
        stmts["cohort_revenue"] = """
SELECT c.jm_cohort, v.jm_idx - c.jm_cohort AS jm_k, SUM(v.jm_v) AS jm_sum,
  SUM(CASE WHEN v.jm_v IS NULL THEN 1 ELSE 0 END) AS jm_bad
FROM jm_value AS v JOIN jm_cust AS c ON v.jm_uid = c.jm_uid
GROUP BY c.jm_cohort, v.jm_idx - c.jm_cohort"""
    if settings.business_period is not None:
        p = business_index(cal, settings)
        stmts["business_counts"] = f"""
SELECT SUM(jm_prev), SUM(jm_cur), SUM(CASE WHEN jm_cur = 1 AND jm_prev = 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN jm_prev = 1 AND jm_cur = 0 THEN 1 ELSE 0 END)
FROM (
  SELECT jm_uid, MAX(CASE WHEN jm_idx = {p - 1} THEN 1 ELSE 0 END) AS jm_prev,
    MAX(CASE WHEN jm_idx = {p} THEN 1 ELSE 0 END) AS jm_cur
  FROM jm_goal GROUP BY jm_uid
) AS jm_b"""
        window = (cal.bounds[p], cal.bounds[p + 1])
        stmts["business_orders"] = goal_customers_sql(goals, window, GOAL_EVENTS)
    return stmts


def business_index(cal: Calendar, settings: CohortSettings) -> int:
    """The index of the business period in the calendar; an error when it cannot be measured."""
    label = settings.business_period or ""
    try:
        start, _ = parse_period(label)
    except ValueError as exc:
        why = str(exc)
        raise SettingError("business_period", lambda s: f"{s}: {why}") from None
    if period_of(start, settings.by) != label:
        raise SettingError(
            "business_period",
            lambda s: f"{s}: '{label}' is not a {settings.by}",
            hint=f"give a {settings.by} such as {cal.labels[-1]}, or count by its kind of period",
        )
    span = f"the log covers {cal.labels[0]} to {cal.labels[-1]}"
    if label not in cal.labels:
        raise SettingError("business_period", lambda s: f"{s}: {span}, not {label}")
    p = cal.labels.index(label)
    if p == 0:
        raise SettingError(
            "business_period",
            lambda s: (
                f"{s}: {label} is the log's first period; {span}, and the customers at "
                "the start of a period are those of the period before"
            ),
            hint=f"give a later period such as {cal.labels[min(1, len(cal.labels) - 1)]}",
        )
    if p >= cal.whole and not settings.include_partial:
        raise SettingError(
            "business_period",
            lambda s: f"{s}: the log ends before {label} does, so its figures are not final",
            hint="give an earlier period, or keep partial periods",
        )
    return p


def cohorts(
    jm: JourneyMap,
    paths: list[str] | tuple[str, ...],
    options: IngestOptions | None = None,
    settings: CohortSettings | None = None,
    *,
    engine: Engine = "duckdb",
    progress: Progress | None = None,
    spark: Any = None,
) -> CohortRun:
    """Cohort retention of an event log; ``options.goal`` picks the goal (default: every goal)."""
    opts = replace(options or IngestOptions(), segment_by=None)
    opts.validate()
    cs = settings or CohortSettings()
    goals = jm.select_goals(opts.goal)
    with log_files(paths) as files:
        return _count(jm, files, opts, cs, goals, engine=engine, progress=progress, spark=spark)


def _count(
    jm: JourneyMap,
    files: list[InputFile],
    opts: IngestOptions,
    cs: CohortSettings,
    goals: list[str],
    *,
    engine: Engine,
    progress: Progress | None,
    spark: Any,
) -> CohortRun:
    value_alias = None
    if cs.value_column is not None:
        value_alias = f"jm_w{len(where_columns(mapping_rules(jm)))}"
    calendars: list[Calendar] = []

    def build(rows: Rows) -> dict[str, str]:
        t = totals_of(rows).get("v")
        if t is None or t.start_us is None or t.end_us is None:
            return {}
        calendars.append(Calendar.of(t.start_us, t.end_us, opts.timezone, cs.by))
        return statements(calendars[0], goals, cs, value_alias)

    extra = Extra(build, () if cs.value_column is None else ((cs.value_column, "value_column"),))
    rows = run_counts(jm, files, opts, goals, extra, engine=engine, progress=progress, spark=spark)
    t = totals_of(rows).get("v", Totals())
    check_rows(files, opts, rows, t.left_out, t.rows, engine)
    counts = counts_of(rows, calendars[0] if calendars else None, cs)
    business = None
    if cs.business_period is not None:
        if not calendars:
            raise UsageError("the event log has no usable event")
        business = business_of(rows)
    result = build_cohorts(counts, include_partial=cs.include_partial)
    return CohortRun(
        replace(result, rows_read=t.rows, rows_left_out=tuple(t.left_out.items())),
        t,
        tuple(dict.fromkeys(f.source for f in files)),
        tuple(goals),
        business,
    )


def counts_of(rows: Rows, cal: Calendar | None, cs: CohortSettings) -> CohortCounts:
    """Engine rows -> :class:`CohortCounts` (the same code for every engine)."""
    if cal is None:
        return CohortCounts(cs.by, (), 0, {}, 0, 0, (), {} if cs.value_column else None)
    active = {(int(c), int(k)): int(n) for c, k, n in rows["cohort_active"]}
    orders = ordering_of(rows["goal_customers"])["v"]
    customers, repeat = orders["ordering_customers"], orders["repeat_customers"]
    seconds: list[int] = []
    for d, n in sorted(rows["cohort_second"]):
        seconds += [int(d) // 1_000_000] * int(n)
    revenue: dict[tuple[int, int], Decimal] | None = None
    unreadable = 0
    if cs.value_column is not None:
        revenue = {}
        for c, k, total, bad in rows["cohort_revenue"]:
            revenue[(int(c), int(k))] = Decimal(total or 0)
            unreadable += int(bad or 0)
    return CohortCounts(
        cs.by, cal.labels, cal.whole, active, customers, repeat, tuple(seconds), revenue, unreadable
    )


def business_of(rows: Rows) -> Business:
    """The ``business:`` inputs of the period (docs/analysis.md, "Cohorts"): S, E, N, lost,
    ordering and repeat customers."""
    [(start, end, new, lost)] = rows["business_counts"]
    return Business(
        customers_start=int(start or 0),
        customers_end=int(end or 0),
        new_customers=int(new or 0),
        customers_lost=int(lost or 0),
        **ordering_of(rows["business_orders"])["v"],
    )
