"""A :class:`journeymap.analysis.cohorts.Cohorts` as text: pure functions picked by :class:`CohortFormat`.

JSON is the documented contract (docs/analysis.md, "Cohorts"): ``by``, ``cohorts[]`` with
``cohort``, ``customers``, ``active[]``, ``retention[]`` (and ``partial_from``, ``revenue[]``
when asked for), ``repeat_rate``, ``time_to_second`` with ``customers``, ``median_days`` and
``p90_days``, and ``left_out`` (what the triangle does not show, counted). CSV is long: one
row per cohort and offset. The table (and Markdown) is the usual triangle of retention
percentages; ``rows`` counts the rows of the log read and left out by reason (as ``ingest``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from journeymap.analysis.cohorts import Cohorts
from journeymap.figures import MISSING, count, percent
from journeymap.io.writer import dump_json


class CohortFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def to_document(c: Cohorts) -> dict[str, Any]:
    """The JSON document (plain data, in the documented key order)."""
    rows: list[dict[str, Any]] = []
    for r in c.cohorts:
        row: dict[str, Any] = {
            "cohort": r.cohort,
            "customers": r.customers,
            "active": list(r.active),
            "retention": list(r.retention),
        }
        if c.include_partial:
            row["partial_from"] = r.partial_from
        if r.revenue is not None:
            row["revenue"] = list(r.revenue)
        rows.append(row)
    doc: dict[str, Any] = {
        "by": c.by,
        "cohorts": rows,
        "customers": c.customers,
        "repeat_customers": c.repeat_customers,
        "repeat_rate": c.repeat_rate,
        "time_to_second": {
            "customers": c.time_to_second.customers,
            "median_days": c.time_to_second.median_days,
            "p90_days": c.time_to_second.p90_days,
        },
        "last_whole_period": c.last_whole_period,
        "left_out": {
            "partial_cohorts": c.left_out_cohorts,
            "partial_cohort_customers": c.left_out_customers,
            "partial_offsets": c.left_out_offsets,
        },
    }
    if c.values_unreadable is not None:
        doc["left_out"]["values_unreadable"] = c.values_unreadable
    doc["rows"] = {"read": c.rows_read, "left_out": dict(c.rows_left_out)}
    return doc


def to_json(c: Cohorts) -> str:
    return dump_json(to_document(c))


def to_csv(c: Cohorts) -> str:
    """Long CSV: ``cohort, customers, offset, active, retention, partial[, revenue]``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    revenue = any(r.revenue is not None for r in c.cohorts)
    w.writerow(
        ["cohort", "customers", "offset", "active", "retention", "partial"]
        + (["revenue"] if revenue else [])
    )
    for r in c.cohorts:
        for k, (a, ret) in enumerate(zip(r.active, r.retention, strict=True)):
            partial = r.partial_from is not None and k >= r.partial_from
            extra = [r.revenue[k]] if r.revenue is not None else []
            w.writerow([r.cohort, r.customers, k, a, ret, "yes" if partial else "no", *extra])
    return buf.getvalue()


def _triangle(c: Cohorts) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the triangle (``*`` marks a period the log ends inside)."""
    width = max((len(r.active) for r in c.cohorts), default=0)
    head = ["cohort", "customers", *(f"+{k}" for k in range(width))]
    body = [
        [
            r.cohort,
            count(r.customers),
            *(
                percent(x) + ("*" if r.partial_from is not None and k >= r.partial_from else "")
                for k, x in enumerate(r.retention)
            ),
        ]
        for r in c.cohorts
    ]
    return head, body


def _notes(c: Cohorts) -> list[str]:
    t = c.time_to_second
    lines = [
        f"repeat customers: {count(c.repeat_customers)} of {count(c.customers)} "
        f"({percent(c.repeat_rate)})",
        f"time to second goal event: median {_days(t.median_days)}, p90 {_days(t.p90_days)} "
        f"({count(t.customers)} customers)",
    ]
    if c.left_out_offsets or c.left_out_cohorts:
        lines.append(
            f"left out (the log ends before the period does): {count(c.left_out_offsets)} "
            f"cells, {count(c.left_out_cohorts)} cohorts of {count(c.left_out_customers)} customers"
        )
    if any(r.partial_from is not None for r in c.cohorts):
        lines.append("* the log ends before this period does: not final")
    if c.values_unreadable:
        lines.append(f"goal events without a readable value: {count(c.values_unreadable)}")
    return lines


def to_table(c: Cohorts) -> str:
    """The retention triangle: one row per cohort, one column per offset."""
    head, body = _triangle(c)
    sizes = [max(len(row[i]) for row in [head, *body] if i < len(row)) for i in range(len(head))]
    lines = [
        "  ".join(cell.rjust(sizes[i]) if i else cell.ljust(sizes[i]) for i, cell in enumerate(row))
        for row in [head, *body]
    ]
    return "\n".join([*lines, "", *_notes(c)]) + "\n"


def to_markdown(c: Cohorts) -> str:
    """The triangle as a Markdown table (empty cells where an offset has not come yet)."""
    head, body = _triangle(c)
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---", *["---:"] * (len(head) - 1)]) + "|",
    ]
    lines += ["| " + " | ".join(r + [""] * (len(head) - len(r))) + " |" for r in body]
    return "\n".join([*lines, "", *(f"- {n}" for n in _notes(c))]) + "\n"


def _days(x: float | None) -> str:
    return MISSING if x is None else f"{count(round(x, 1))} days"


RENDERERS: dict[CohortFormat, Callable[[Cohorts], str]] = {
    CohortFormat.TABLE: to_table,
    CohortFormat.JSON: to_json,
    CohortFormat.CSV: to_csv,
    CohortFormat.MARKDOWN: to_markdown,
}


def render_cohorts(c: Cohorts, fmt: CohortFormat | str) -> str:
    """The cohorts in one of :class:`CohortFormat`."""
    return RENDERERS[CohortFormat(fmt)](c)
