"""The period a map's (or an overlay's) numbers are for: an ISO period or ``{start, end}``."""

import datetime as dt
import re
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from journeymap.model.base import _Model

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|W(0[1-9]|[1-4]\d|5[0-3])))?$")


class PeriodRange(_Model):
    start: dt.date = Field(
        description="First day of the period (YYYY-MM-DD)", examples=["2026-07-01"]
    )
    end: dt.date = Field(
        description="Last day of the period, included (YYYY-MM-DD)", examples=["2026-09-30"]
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        return self


def parse_period(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of an ISO period: ``2026``, ``2026-07``, ``2026-Q3``, ``2026-W05``.

    >>> parse_period("2026-Q3")
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    """
    m = _PERIOD_RE.match(value)
    if not m:
        raise ValueError(f"'{value}' is not an ISO period (2026, 2026-07, 2026-Q3, 2026-W05)")
    year = int(m.group(1))
    if m.group(2):
        month = int(m.group(2))
        start = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    if m.group(3):
        q = int(m.group(3))
        start = dt.date(year, 3 * q - 2, 1)
        nxt = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    if m.group(4):
        start = dt.date.fromisocalendar(year, int(m.group(4)), 1)
        return start, start + dt.timedelta(days=6)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _period(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a period is text such as 2026-Q3")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        parse_period(value)
    return value


Period = Annotated[str | PeriodRange, Field(union_mode="left_to_right")]


def period_label(period: str | PeriodRange | None) -> str | None:
    """How output names a period: ``2026-Q3`` or ``2026-07-01..2026-09-30``."""
    if period is None or isinstance(period, str):
        return period
    return f"{period.start.isoformat()}..{period.end.isoformat()}"


def period_bounds(period: str | PeriodRange) -> tuple[dt.date, dt.date]:
    return parse_period(period) if isinstance(period, str) else (period.start, period.end)
