"""Cohort retention from goal events (``journeymap cohorts``): the calendar and the result.

Definitions (docs/analysis.md, "Cohorts"; issue 12):

- A customer's **cohort** is the period of its first goal event. Goal events of one customer
  at the same timestamp count once.
- The customer is **active at offset k** when it has at least one goal event in the period k
  after its cohort's; ``retention[k] = active[k] / customers`` (so ``retention[0] = 1``).
- A period counts only when the log covers it whole: its end (the start of the next period)
  is at or before the last event of the log. Later offsets, and cohorts whose own period is
  not whole, are left out and counted, unless partial periods are asked for; they are then
  kept and marked (``partial_from``).
- **Repeat rate** = customers with goal events on two or more different timestamps /
  customers with one or more (Reichheld's repeat customer rate).
- **Time to second**: from a customer's first to its second goal timestamp, in days; median and
  90th percentile by :func:`journeymap.stats.quantile` (Hyndman & Fan type 7).

Periods are calendar periods in the log's time zone: ISO weeks (Monday to Sunday, labelled
``2026-W05``), months (``2026-07``) and quarters (``2026-Q3``); the labels are the ISO periods
that :func:`journeymap.model.parse_period` reads.

The engines (``journeymap.events.cohorts``) count; this module turns the counts into the
result, so every engine gives the same figures.

>>> period_of(dt.date(2026, 1, 1), "week"), period_of(dt.date(2026, 8, 9), "quarter")
('2026-W01', '2026-Q3')
>>> c = build_cohorts(CohortCounts("month", ("2026-01", "2026-02", "2026-03"), 2,
...     active={(0, 0): 4, (0, 1): 2, (0, 2): 1, (1, 0): 2, (1, 1): 1},
...     customers=6, repeat_customers=3, seconds_to_second=(86400, 172800, 864000)))
>>> [(r.cohort, r.customers, r.retention) for r in c.cohorts]
[('2026-01', 4, (1.0, 0.5)), ('2026-02', 2, (1.0,))]
>>> c.repeat_rate, c.time_to_second.median_days, c.left_out_offsets
(0.5, 2.0, 2)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, get_args

from journeymap.findings import Number, Text, text
from journeymap.model import parse_period
from journeymap.stats import quantile

CohortBy = Literal["week", "month", "quarter"]
COHORT_BY: tuple[CohortBy, ...] = get_args(CohortBy)
DAY_SECONDS = 86400


def period_of(day: dt.date, by: CohortBy) -> str:
    """The ISO label of the period a (local) date falls in.

    >>> period_of(dt.date(2024, 12, 30), "week"), period_of(dt.date(2026, 3, 31), "month")
    ('2025-W01', '2026-03')
    """
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def periods_between(first: dt.date, last: dt.date, by: CohortBy) -> list[tuple[str, dt.date]]:
    """Every period from the one of ``first`` to the one of ``last``: (label, first day).

    >>> periods_between(dt.date(2026, 1, 30), dt.date(2026, 3, 2), "month")
    [('2026-01', datetime.date(2026, 1, 1)), ('2026-02', datetime.date(2026, 2, 1)), ('2026-03', datetime.date(2026, 3, 1))]
    """
    out: list[tuple[str, dt.date]] = []
    label = period_of(first, by)
    while True:
        start, end = parse_period(label)
        out.append((label, start))
        if end >= last:
            return out
        label = period_of(end + dt.timedelta(days=1), by)


@dataclass(frozen=True)
class CohortCounts:
    """What an engine counts, by period index (0 = the period of the log's first event)."""

    by: CohortBy
    periods: tuple[str, ...]
    """The label of every period from the log's first to its last event."""
    whole: int
    """How many leading periods the log covers whole (their end is at or before the last event)."""
    active: Mapping[tuple[int, int], int]
    """(cohort index, offset) -> customers of the cohort with a goal event in that period."""
    customers: int
    """Customers with one or more goal events (every period)."""
    repeat_customers: int
    """... with goal events on two or more different timestamps."""
    seconds_to_second: tuple[int, ...]
    """Whole seconds from the first to the second goal timestamp, one per repeat customer."""
    revenue: Mapping[tuple[int, int], Decimal] | None = None
    """(cohort index, offset) -> sum of the value column over those goal events (None: no column)."""
    values_unreadable: int = 0
    """Goal events whose value is empty or not a number (left out of the revenue)."""


@dataclass(frozen=True)
class CohortRow:
    cohort: str
    customers: int
    active: tuple[int, ...]
    retention: tuple[float, ...]
    partial_from: int | None = None
    """The first offset whose period the log does not cover whole (kept on request), else None."""
    revenue: tuple[float, ...] | None = None


@dataclass(frozen=True)
class TimeToSecond:
    customers: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class Cohorts:
    """The retention triangle, the repeat rate and the time to a second goal event."""

    by: CohortBy
    cohorts: tuple[CohortRow, ...]
    customers: int
    repeat_customers: int
    repeat_rate: float | None
    time_to_second: TimeToSecond
    last_whole_period: str | None
    include_partial: bool = False
    left_out_cohorts: int = 0
    """Cohorts whose own period the log does not cover whole (left out unless partial is kept)."""
    left_out_customers: int = 0
    """Their customers."""
    left_out_offsets: int = 0
    """Cells (cohort, offset) of whole cohorts left out because their period is not whole."""
    values_unreadable: int | None = None
    rows_read: int = 0
    """Rows of the log read (set by the engine side)."""
    rows_left_out: tuple[tuple[str, int], ...] = field(default=())
    """Rows left out by reason, as ``ingest`` counts them (``Totals.left_out``)."""


def build_cohorts(counts: CohortCounts, *, include_partial: bool = False) -> Cohorts:
    """The :class:`Cohorts` of engine counts (see the module docstring for every definition)."""
    n = len(counts.periods)
    rows: list[CohortRow] = []
    left_cohorts = left_customers = left_offsets = 0
    for c in range(n):
        size = counts.active.get((c, 0), 0)
        if size == 0:
            continue  # no customer had its first goal event in this period
        whole_offsets = max(counts.whole - c, 0)
        if whole_offsets == 0 and not include_partial:
            left_cohorts += 1
            left_customers += size
            continue
        kept = n - c if include_partial else whole_offsets
        left_offsets += n - c - kept
        active = tuple(counts.active.get((c, k), 0) for k in range(kept))
        revenue = None
        if counts.revenue is not None:
            revenue = tuple(
                round(float(counts.revenue.get((c, k), Decimal(0))), 6) for k in range(kept)
            )
        rows.append(
            CohortRow(
                counts.periods[c],
                size,
                active,
                tuple(round(a / size, 6) for a in active),
                whole_offsets if kept > whole_offsets else None,
                revenue,
            )
        )
    days = [s / DAY_SECONDS for s in counts.seconds_to_second]
    return Cohorts(
        counts.by,
        tuple(rows),
        counts.customers,
        counts.repeat_customers,
        round(counts.repeat_customers / counts.customers, 6) if counts.customers else None,
        TimeToSecond(len(days), _days(quantile(days, 0.5)), _days(quantile(days, 0.9))),
        counts.periods[counts.whole - 1] if counts.whole else None,
        include_partial,
        left_cohorts,
        left_customers,
        left_offsets,
        counts.values_unreadable if counts.revenue is not None else None,
    )


def _days(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def left_out_words(c: Cohorts) -> Text:
    """What the triangle leaves out, counted, as a translatable sentence (the last note of the
    table and Markdown, the footer of the chart): cells and cohorts of periods the log does not
    cover whole, with plural forms for each count.

    >>> c = Cohorts("month", (), 4, 2, 0.5, TimeToSecond(2, 28.5, 28.9), "2026-03",
    ...             left_out_offsets=2, left_out_cohorts=1, left_out_customers=1)
    >>> print(left_out_words(c))
    left out (the log ends before the period does): 2 cells, 1 cohort of 1 customer
    """
    return text(
        "left out (the log ends before the period does): {cells}, {cohorts} of {customers}",
        cells=text(
            "{n} cell",
            plural="{n} cells",
            count=c.left_out_offsets,
            n=Number(c.left_out_offsets, ","),
        ),
        cohorts=text(
            "{n} cohort",
            plural="{n} cohorts",
            count=c.left_out_cohorts,
            n=Number(c.left_out_cohorts, ","),
        ),
        customers=text(
            "{n} customer",
            plural="{n} customers",
            count=c.left_out_customers,
            n=Number(c.left_out_customers, ","),
        ),
    )
