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

from journeymap.analysis.cohorts import Cohorts, left_out_words
from journeymap.figures import MISSING, count, percent, period
from journeymap.i18n import ENGLISH, Language, Translator, translator
from journeymap.io.writer import dump_json
from journeymap.report.formats import markdown_table, text_table


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


def _triangle(c: Cohorts, t: Translator) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the triangle (``*`` marks a period the log ends inside)."""
    L = t.lang
    width = max((len(r.active) for r in c.cohorts), default=0)
    head = [t.gettext("cohort"), t.gettext("customers"), *(f"+{k}" for k in range(width))]
    body = [
        [
            period(r.cohort, lang=L),
            count(r.customers, lang=L),
            *(
                percent(x, lang=L)
                + ("*" if r.partial_from is not None and k >= r.partial_from else "")
                for k, x in enumerate(r.retention)
            ),
        ]
        for r in c.cohorts
    ]
    return head, body


def _notes(c: Cohorts, tr: Translator) -> list[str]:
    t = c.time_to_second
    L = tr.lang
    lines = [
        tr.gettext("repeat customers: {n} of {total} ({pct})").format(
            n=count(c.repeat_customers, lang=L),
            total=count(c.customers, lang=L),
            pct=percent(c.repeat_rate, lang=L),
        ),
        tr.ngettext(
            "time to second goal event: median {median}, p90 {p90} ({n} customer)",
            "time to second goal event: median {median}, p90 {p90} ({n} customers)",
            t.customers,
        ).format(
            median=_days(t.median_days, tr),
            p90=_days(t.p90_days, tr),
            n=count(t.customers, lang=L),
        ),
    ]
    if c.left_out_offsets or c.left_out_cohorts:
        lines.append(left_out_words(c).format(tr))
    if any(r.partial_from is not None for r in c.cohorts):
        lines.append(tr.gettext("* the log ends before this period does: not final"))
    if c.values_unreadable:
        lines.append(
            tr.gettext("goal events without a readable value: {n}").format(
                n=count(c.values_unreadable, lang=L)
            )
        )
    return lines


def to_table(c: Cohorts, *, lang: Language = ENGLISH) -> str:
    """The retention triangle: one row per cohort, one column per offset."""
    t = translator(lang)
    head, body = _triangle(c, t)
    lines = text_table([head, *body], "lr", rule=False)
    return "\n".join([*lines, "", *_notes(c, t)]) + "\n"


def to_markdown(c: Cohorts, *, lang: Language = ENGLISH) -> str:
    """The triangle as a Markdown table (empty cells where an offset has not come yet)."""
    t = translator(lang)
    head, body = _triangle(c, t)
    lines = markdown_table([head, *body], "lr")
    return "\n".join([*lines, "", *(f"- {n}" for n in _notes(c, t))]) + "\n"


def _days(x: float | None, t: Translator) -> str:
    """``3.5 days``; a fractional count takes the plural form of 2 (in Russian "3,5 дня", the
    form CLDR gives fractions), a whole one its own."""
    if x is None:
        return MISSING
    shown = round(x, 1)
    form = int(shown) if float(shown).is_integer() else 2
    return t.ngettext("{n} day", "{n} days", form).format(n=count(shown, lang=t.lang))


RENDERERS: dict[CohortFormat, Callable[..., str]] = {
    CohortFormat.TABLE: to_table,
    CohortFormat.JSON: to_json,
    CohortFormat.CSV: to_csv,
    CohortFormat.MARKDOWN: to_markdown,
}


def render_cohorts(c: Cohorts, fmt: CohortFormat | str, *, lang: Language = ENGLISH) -> str:
    """The cohorts in one of :class:`CohortFormat`; ``lang`` is the language of the table and
    Markdown (JSON and CSV stay English)."""
    fmt = CohortFormat(fmt)
    if fmt in (CohortFormat.TABLE, CohortFormat.MARKDOWN):
        return RENDERERS[fmt](c, lang=lang)
    return RENDERERS[fmt](c)
