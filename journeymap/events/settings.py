"""Options of an ingest, with their defaults; every one is written into the overlay's ``settings``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from journeymap.errors import UsageError
from journeymap.source import Position

Journey = Literal["customer", "session"]
Engine = Literal["duckdb", "spark"]
DIALECTS = ("duckdb", "spark", "bigquery", "snowflake", "postgres")

Spelling = Callable[[str], str]
"""A message given the name of a setting (the library's name, or the CLI's option)."""


class SettingError(UsageError):
    """A setting cannot be used. The message names the setting; the CLI respells it as its option.

    >>> err = SettingError("session_timeout", lambda s: f"{s}: 'soon' is not a duration")
    >>> str(err), str(err.spelled("--session-timeout"))
    ("session_timeout: 'soon' is not a duration", "--session-timeout: 'soon' is not a duration")
    """

    def __init__(self, setting: str, message: Spelling, *, hint: Spelling | str | None = None,
                 position: Position | None = None) -> None:
        self.setting = setting
        self._message = message
        self._hint = hint
        self._position = position
        super().__init__(message(setting), position=position, hint=self._hint_for(setting))

    def _hint_for(self, name: str) -> str | None:
        return self._hint(name) if callable(self._hint) else self._hint

    def spelled(self, name: str) -> UsageError:
        """The same error with the setting called `name` (a command-line option)."""
        return UsageError(self._message(name), position=self._position, hint=self._hint_for(name))


def missing_column(path: str, column: str) -> Spelling:
    """The message for a column, named by a setting, that a file does not have."""
    return lambda setting: f"{path}: no column '{column}' (named by {setting})"


_UNITS = {"s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "minute": 60,
          "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400,
          "days": 86400, "w": 604800, "week": 604800, "weeks": 604800}
_DURATION = re.compile(r"^\s*(\d+)\s*([a-z]+)?\s*$")


def parse_duration(text: str, setting: str) -> int:
    """Seconds in a duration such as ``30m``, ``2h``, ``30 days``, ``45s`` or ``90`` (seconds).

    ``setting`` names what the duration is for, in the :class:`SettingError` it raises.

    >>> parse_duration("30m", "session_timeout"), parse_duration("30 days", "lost_after")
    (1800, 2592000)
    """
    m = _DURATION.match(text.lower())
    if not m or (m.group(2) is not None and m.group(2) not in _UNITS):
        raise SettingError(setting, lambda s: f"{s}: '{text}' is not a duration",
                           hint="write a whole number and a unit: 45s, 30m, 2h, 30d, 1w")
    return int(m.group(1)) * _UNITS[m.group(2) or "s"]


def format_duration(seconds: int) -> str:
    """The shortest exact spelling of a duration.

    >>> format_duration(1800), format_duration(2592000), format_duration(61)
    ('30m', '30d', '61s')
    """
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class Columns:
    """Column names in the event log."""

    customer: str = "user_id"
    timestamp: str = "timestamp"
    event: str = "event"
    session: str | None = None


@dataclass(frozen=True)
class IngestOptions:
    """How a log is counted (design section 5); defaults are the documented ones."""

    columns: Columns = field(default_factory=Columns)
    timezone: str = "UTC"
    strict: bool = False
    session_timeout: int = 1800
    journey: Journey = "customer"
    lost_after: int | None = None
    """Seconds; None means the default: 30 days for customer journeys, the session timeout for sessions."""
    goal: str | None = None
    conversion_window: int | None = None
    segment_by: str | None = None

    @property
    def effective_lost_after(self) -> int:
        if self.lost_after is not None:
            return self.lost_after
        return 30 * 86400 if self.journey == "customer" else self.session_timeout

    def validate(self) -> None:
        if self.session_timeout <= 0:
            raise SettingError("session_timeout", lambda s: f"{s} must be longer than 0 seconds")
        if self.journey not in ("customer", "session"):
            raise SettingError("journey", lambda s: f"{s}: '{self.journey}' is not customer or session")
        _check_timezone(self.timezone)


def _check_timezone(name: str) -> None:
    import zoneinfo

    from journeymap.errors import did_you_mean

    if name == "UTC":
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingError("timezone", lambda s: f"{s}: unknown time zone '{name}'",
                           hint=did_you_mean(name, sorted(zoneinfo.available_timezones()))
                           or "use an IANA name such as Europe/Riga or America/New_York") from None
