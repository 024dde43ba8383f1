"""Options of an ingest, with their defaults; every one is written into the overlay's ``settings``
(except :class:`Resources`: how much memory and disk the engine may use changes no count)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from journeymap.errors import UsageError
from journeymap.source import Position

Journey = Literal["customer", "session"]
TimestampUnit = Literal["s", "ms", "us", "ns"]
TIMESTAMP_UNITS: tuple[TimestampUnit, ...] = ("s", "ms", "us", "ns")
Engine = Literal["duckdb", "spark"]
Progress = Callable[[str], None]
"""Reports a stage of a run in words (the CLI shows it as a progress line; ``--quiet`` and CI
give none)."""
DIALECTS = ("duckdb", "spark", "bigquery", "snowflake", "postgres")

Spelling = Callable[[str], str]
"""A message given the name of a setting (the library's name, or the CLI's option)."""


class SettingError(UsageError):
    """A setting cannot be used. The message names the setting; the CLI respells it as its option.

    >>> err = SettingError("session_timeout", lambda s: f"{s}: 'soon' is not a duration")
    >>> str(err), str(err.spelled("--session-timeout"))
    ("session_timeout: 'soon' is not a duration", "--session-timeout: 'soon' is not a duration")
    """

    def __init__(
        self,
        setting: str,
        message: Spelling,
        *,
        hint: Spelling | str | None = None,
        position: Position | None = None,
    ) -> None:
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


_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
}
_DURATION = re.compile(r"^\s*(\d+)\s*([a-z]+)?\s*$")
MAX_DURATION = 10_000 * 365 * 86400
"""The longest duration an option takes, in seconds: 10,000 years of 365 days, the span of the
timestamps an ingest reads (up to the end of the year 9999). In the queries' epoch microseconds it
is 3.2e17, far inside a 64-bit integer (9.2e18); a number of 4,301 digits no longer reaches
Python's int conversion limit (its digits are counted first)."""


def parse_duration(text: str, setting: str) -> int:
    """Seconds in a duration such as ``30m``, ``2h``, ``30 days``, ``45s`` or ``90`` (seconds).

    ``setting`` names what the duration is for, in the :class:`SettingError` it raises.

    >>> parse_duration("30m", "session_timeout"), parse_duration("30 days", "lost_after")
    (1800, 2592000)
    >>> parse_duration("3650000d", "lost_after")  # 10,000 years: the longest (MAX_DURATION)
    315360000000
    """
    m = _DURATION.match(text.lower())
    if not m or (m.group(2) is not None and m.group(2) not in _UNITS):
        raise SettingError(
            setting,
            lambda s: f"{s}: '{_shorten(text)}' is not a duration",
            hint="write a whole number and a unit: 45s, 30m, 2h, 30d, 1w",
        )
    digits, unit = m.group(1).lstrip("0") or "0", _UNITS[m.group(2) or "s"]
    if len(digits) > len(str(MAX_DURATION)) or int(digits) * unit > MAX_DURATION:
        raise SettingError(
            setting,
            lambda s: f"{s}: '{_shorten(text)}' is longer than 10,000 years",
            hint="timestamps are read up to the end of the year 9999: write at most 3650000d",
        )
    return int(digits) * unit


def _shorten(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters with an ellipsis and its length (a 4,301-digit
    number is not repeated whole in a message).

    >>> _shorten("1" * 50, 10)
    '1111111111... (50 characters)'
    """
    return text if len(text) <= width else f"{text[:width]}... ({len(text):,} characters)"


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
class BadRowLimit:
    """How many rows may be left out as unusable (no customer, timestamp or event) before an ingest fails.

    Either a count or a share of all rows read; an ingest whose every row is unusable always fails.

    >>> BadRowLimit.parse("2%", "max_bad_rows").allows(2, 100), BadRowLimit.parse("2%", "max_bad_rows").allows(3, 100)
    (True, False)
    >>> BadRowLimit.parse("5", "max_bad_rows").allows(5, 10), BadRowLimit(count=9).allows(4, 4)
    (True, False)
    >>> str(BadRowLimit()), str(BadRowLimit(count=0))
    ('1%', '0')
    """

    count: int | None = None
    share: float = 0.01
    """Used when ``count`` is None: a share of the rows read (0.01 is 1%)."""

    @classmethod
    def parse(cls, text: str, setting: str) -> BadRowLimit:
        """``12`` (rows) or ``2.5%`` (of the rows read)."""
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
        if (
            not m
            or (not m.group(2) and "." in m.group(1))
            or (m.group(2) and float(m.group(1)) > 100)
        ):
            raise SettingError(
                setting,
                lambda s: f"{s}: '{text}' is not a count or a percentage",
                hint="write a whole number of rows (0, 50) or a percentage (1%, 0.5%)",
            )
        if m.group(2):
            return cls(share=float(m.group(1)) / 100)
        return cls(count=int(m.group(1)))

    def allows(self, bad: int, rows: int) -> bool:
        """Whether ``bad`` unusable rows among ``rows`` are within the limit."""
        if rows and bad == rows:
            return False
        return bad <= self.count if self.count is not None else bad <= self.share * rows

    def __str__(self) -> str:
        return str(self.count) if self.count is not None else f"{self.share * 100:g}%"


@dataclass(frozen=True)
class KindRule:
    """Calls of one kind are named ``prefix`` + the value of ``column`` (the kind alone without one).

    >>> KindRule("page", "page:", "name")
    KindRule(kind='page', prefix='page:', column='name')
    """

    kind: str
    prefix: str
    column: str


@dataclass(frozen=True)
class EventNaming:
    """How the event name comes from a column of call kinds (Segment's ``type``), see ``events/naming.py``.

    A row of a kind in ``rules`` is named by its rule; a row of a kind in ``identity_kinds`` is
    an identity call (it links ids, it is not a journey step); any other row is named by the
    event column.
    """

    kind: str
    rules: tuple[KindRule, ...] = ()
    identity_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Columns:
    """Column names in the event log."""

    customer: str = "user_id"
    timestamp: str = "timestamp"
    event: str = "event"
    session: str | None = None
    identities: tuple[str, ...] = ()
    """Further id columns of one person (device id, anonymous id): see ``events/identity.py``."""
    dedup: str | None = None
    """A column of event ids (Mixpanel's ``$insert_id``): rows of one customer with the same id are
    one event; rows without one are deduplicated exactly (customer, timestamp, event)."""
    naming: EventNaming | None = None
    ids_optional: bool = False
    """A file may lack the customer or an identity column (read as no id): set by presets, whose
    exports leave out a field no row of a file has (Segment's ``anonymousId`` on server calls)."""


_SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_SIZE_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
MIN_MEMORY = 64 * 2**20
"""The smallest memory limit accepted: DuckDB needs a few buffers per thread to sort and spill."""


def parse_size(text: str, setting: str) -> int:
    """Bytes of a size written as a number and a unit (500MB, 4GB, 2GiB, 1.5 GiB).

    >>> parse_size("4GB", "memory_limit"), parse_size("1.5 GiB", "memory_limit")
    (4000000000, 1610612736)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    unit = m.group(2).lower() if m else ""
    if m is None or unit not in _SIZE_UNITS:
        raise SettingError(
            setting,
            lambda s: f"{s}: '{_shorten(text)}' is not a size",
            hint="write a number and a unit: 500MB, 4GB or 2GiB",
        )
    return int(float(m.group(1)) * _SIZE_UNITS[unit])


@dataclass(frozen=True)
class Resources:
    """What the engine may use: a memory limit (bytes) and a folder to spill to (None: the
    engine's defaults, ``duck._default_memory`` and a fresh temporary folder)."""

    memory_limit: int | None = None
    temp_dir: str | None = None

    @classmethod
    def parse(cls, memory_limit: str | None, temp_dir: str | None) -> Resources:
        size = None if memory_limit is None else parse_size(memory_limit, "memory_limit")
        out = cls(size, temp_dir)
        out.validate()
        return out

    def validate(self) -> None:
        if self.memory_limit is not None and self.memory_limit < MIN_MEMORY:
            raise SettingError(
                "memory_limit",
                lambda s: f"{s}: {self.memory_limit:,} bytes is too little to sort a log",
                hint="give at least 64MB; the engine spills to its temporary folder beyond the limit",
            )
        folder = self.temp_dir
        if folder is not None and not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
            why = "is not a writable folder" if os.path.exists(folder) else "does not exist"
            raise SettingError(
                "temp_dir",
                lambda s: f"{s}: '{_shorten(folder)}' {why}",
                hint="give an existing folder with room for the spilled rows (a few times the log's size)",
            )


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
    timestamp_unit: TimestampUnit | None = None
    """The unit of epoch numbers; None reads each from its magnitude (and refuses a mixed column)."""
    max_bad_rows: BadRowLimit = field(default_factory=BadRowLimit)
    preset: str | None = None
    """The preset the columns came from (``events/presets.py``), recorded in the overlay."""
    resources: Resources = field(default_factory=Resources)
    """Memory and spill folder of the engine (not recorded: they change no count)."""

    @property
    def effective_lost_after(self) -> int:
        if self.lost_after is not None:
            return self.lost_after
        return 30 * 86400 if self.journey == "customer" else self.session_timeout

    def validate(self) -> None:
        if self.session_timeout <= 0:
            raise SettingError("session_timeout", lambda s: f"{s} must be longer than 0 seconds")
        if self.journey not in ("customer", "session"):
            raise SettingError(
                "journey", lambda s: f"{s}: '{self.journey}' is not customer or session"
            )
        if self.timestamp_unit is not None and self.timestamp_unit not in TIMESTAMP_UNITS:
            raise SettingError(
                "timestamp_unit",
                lambda s: f"{s}: '{self.timestamp_unit}' is not a unit",
                hint="use s, ms, us or ns",
            )
        _check_timezone(self.timezone)
        self.resources.validate()


def _check_timezone(name: str) -> None:
    import zoneinfo

    from journeymap.errors import did_you_mean

    if name == "UTC":
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingError(
            "timezone",
            lambda s: f"{s}: unknown time zone '{name}'",
            hint=did_you_mean(name, sorted(zoneinfo.available_timezones()))
            or "use an IANA name such as Europe/Riga or America/New_York",
        ) from None
