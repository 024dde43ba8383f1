"""Ordering and repeat customers of an event log: the one definition, for ``ingest`` and ``cohorts``.

An **ordering customer** has at least one goal event (an event that the map's rules map to a
goal touchpoint); a **repeat customer** has goal events on two or more different timestamps
(goal events of one customer at the same timestamp count once). Both are counted among the
deduplicated events of the pipeline (``jm_events``), within a window of time when one is given;
they fill the overlay's ``business.ordering_customers`` and ``business.repeat_customers``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from journeymap.events.sql import lit


def goal_list(goals: list[str]) -> str:
    """The goal touchpoints as a SQL list (``NULL`` for none, which matches nothing).

    >>> goal_list(["paid", "it's"]), goal_list([])
    ("'paid', 'it''s'", 'NULL')
    """
    return ", ".join(lit(g) for g in goals) or "NULL"


def goal_customers_sql(
    goals: list[str], window: tuple[int, int] | None = None, events: str = "jm_events"
) -> str:
    """Per segment: ``jm_seg, ordering customers, repeat customers`` (see the module docstring).

    ``window`` is ``(start, end)`` in epoch microseconds (UTC), start included, end excluded;
    ``events`` is the relation of the events (``jm_seg, jm_uid, jm_ts, jm_tp``).
    """
    inside = "" if window is None else f" AND jm_ts >= {window[0]} AND jm_ts < {window[1]}"
    return f"""
SELECT jm_seg, COUNT(*) AS jm_ordering, SUM(CASE WHEN jm_n >= 2 THEN 1 ELSE 0 END) AS jm_repeat
FROM (
  SELECT jm_seg, jm_uid, COUNT(DISTINCT jm_ts) AS jm_n
  FROM {events} WHERE jm_tp IN ({goal_list(goals)}){inside}
  GROUP BY jm_seg, jm_uid
) AS jm_o
GROUP BY jm_seg"""


def ordering_of(rows: list[tuple[Any, ...]]) -> defaultdict[str, dict[str, int]]:
    """The rows of :func:`goal_customers_sql` as ``business:`` keys per segment (0 when none).

    >>> dict(ordering_of([("v", 5, 2)])), ordering_of([])["v"]
    ({'v': {'ordering_customers': 5, 'repeat_customers': 2}}, {'ordering_customers': 0, 'repeat_customers': 0})
    """
    out: defaultdict[str, dict[str, int]] = defaultdict(
        lambda: {"ordering_customers": 0, "repeat_customers": 0}
    )
    for seg, ordering, repeat in rows:
        out[str(seg)] = {"ordering_customers": int(ordering), "repeat_customers": int(repeat or 0)}
    return out
