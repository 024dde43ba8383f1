"""Options shared by the event-log commands, and the lines they print about a log."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any, get_args

import click

from journeymap.cli.progress import StageLine, stage_line
from journeymap.events.censoring import Censoring
from journeymap.events.ingest import IngestResult
from journeymap.events.presets import PRESET_NAMES, Preset
from journeymap.events.presets import preset as get_preset
from journeymap.events.rows import left_out_text
from journeymap.events.settings import (
    TIMESTAMP_UNITS,
    BadRowLimit,
    Columns,
    Engine,
    IngestOptions,
    Journey,
    Resources,
    SettingError,
    format_duration,
    parse_duration,
)

F = Callable[..., Any]

OPTIONS = {
    "columns.customer": "--customer-column",
    "columns.timestamp": "--timestamp-column",
    "columns.event": "--event-column",
    "columns.session": "--session-column",
    "columns.identities": "--identity-column",
    "preset": "--preset",
    "columns.touchpoint": "--touchpoint-column",
    "columns.score": "--score-column",
    "columns.time": "--time-column",
    "session_timeout": "--session-timeout",
    "lost_after": "--lost-after",
    "conversion_window": "--conversion-window",
    "timezone": "--timezone",
    "journey": "--journey",
    "engine": "--engine",
    "strict": "--strict",
    "segment_by": "--segment-by",
    "goal": "--goal",
    "max_touchpoints": "--max-touchpoints",
    "timestamp_unit": "--timestamp-unit",
    "max_bad_rows": "--max-bad-rows",
    "business_period": "--write-business",
    "value_column": "--value-column",
    "memory_limit": "--memory-limit",
    "temp_dir": "--temp-dir",
}
"""The command-line option of each setting the event layer names in its errors."""


def speaks_options(func: F) -> F:
    """Respell the settings named in the event layer's errors as this command's options."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SettingError as exc:
            raise exc.spelled(OPTIONS.get(exc.setting, exc.setting)) from None

    return wrapper


RESOURCES = "journeymap.resources"
"""Where ``resource_options`` leaves the engine's resources for ``LogReading.options`` (click's
per-invocation ``Context.meta``, so every command with the column options takes them)."""


def resource_options(func: F) -> F:
    """``--memory-limit`` and ``--temp-dir``: read here, handed to ``LogReading.options`` by the context."""

    @functools.wraps(func)
    def wrapper(*args: Any, memory_limit: str | None, temp_dir: str | None, **kwargs: Any) -> Any:
        try:
            resources = Resources.parse(memory_limit, temp_dir)
        except SettingError as exc:
            raise exc.spelled(OPTIONS[exc.setting]) from None
        click.get_current_context().meta[RESOURCES] = resources
        return func(*args, **kwargs)

    wrapper = click.option(
        "--temp-dir",
        default=None,
        metavar="DIR",
        help="Folder where DuckDB spills rows beyond --memory-limit [default: a new temporary "
        "folder, removed afterwards].",
    )(wrapper)
    return click.option(
        "--memory-limit",
        default=None,
        metavar="SIZE",
        help="Memory DuckDB may use (500MB, 4GB, 2GiB); beyond it, it spills to --temp-dir "
        "[default: 60% of the memory, at most 3GB].",
    )(wrapper)


@dataclass(frozen=True)
class LogReading:
    """How an event-log command reads its log: the options of :func:`column_options`, as
    given on the command line (the one place they are turned into :class:`IngestOptions`)."""

    customer_column: str | None
    timestamp_column: str | None
    event_column: str | None
    session_column: str | None
    identity_columns: tuple[str, ...]
    preset: str | None
    timezone: str
    strict: bool
    session_timeout: str
    timestamp_unit: str | None
    max_bad_rows: str

    def options(
        self,
        *,
        journey: str = "customer",
        lost_after: str | None = None,
        goal: str | None = None,
        conversion_window: str | None = None,
        segment_by: str | None = None,
    ) -> IngestOptions:
        """The ingest's options: a preset (if any), then every option given, checked."""
        base = get_preset(self.preset) if self.preset is not None else Preset("", "", Columns())
        unit = self.timestamp_unit or base.timestamp_unit
        window = conversion_window
        opts = IngestOptions(
            columns=base.with_columns(
                customer=self.customer_column,
                timestamp=self.timestamp_column,
                event=self.event_column,
                session=self.session_column,
                identities=tuple(self.identity_columns),
            ),
            timezone=self.timezone,
            strict=self.strict,
            session_timeout=parse_duration(self.session_timeout, "session_timeout"),
            journey="session" if journey == "session" else "customer",
            lost_after=None if lost_after is None else parse_duration(lost_after, "lost_after"),
            goal=goal,
            conversion_window=None
            if window is None
            else parse_duration(window, "conversion_window"),
            segment_by=segment_by,
            timestamp_unit=next((u for u in TIMESTAMP_UNITS if u == unit), None),
            max_bad_rows=BadRowLimit.parse(self.max_bad_rows, "max_bad_rows"),
            preset=base.name or None,
            resources=_resources(),
        )
        opts.validate()
        return opts


_READING_FIELDS = tuple(f.name for f in fields(LogReading))


def column_options(command: F) -> F:
    """Column names and reading options (shared by every command that reads an event log),
    passed to the command as one :class:`LogReading` (keyword ``reading``), and the engine's
    resources (``resource_options``)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _READING_FIELDS}
        return command(*args, reading=LogReading(**values), **kwargs)

    func = resource_options(wrapper)
    for decl, default, text in reversed(
        [
            ("--customer-column", "user_id", "Column with the customer id."),
            (
                "--timestamp-column",
                "timestamp",
                "Column with the event time (ISO 8601, epoch, or a timestamp type).",
            ),
            ("--event-column", "event", "Column with the event name."),
        ]
    ):
        func = click.option(
            decl, default=None, metavar="NAME", help=f"{text} [default: {default}, or the preset's]"
        )(func)
    func = click.option(
        "--preset",
        type=click.Choice(PRESET_NAMES),
        default=None,
        help="Read a tool's export: its columns, timestamp unit, sessions, ids and event names "
        "(docs/events.md, 'Presets'); options given explicitly override it.",
    )(func)
    func = click.option(
        "--session-column",
        default=None,
        metavar="NAME",
        help="Column with a session id; a new session starts where it changes "
        "(instead of --session-timeout).",
    )(func)
    func = click.option(
        "--identity-column",
        "identity_columns",
        multiple=True,
        metavar="NAME",
        help="Another id column of the same person (device or anonymous id; repeatable): "
        "ids that appear on one row are one person (docs/events.md, 'Presets').",
    )(func)
    func = click.option(
        "--timezone",
        default="UTC",
        show_default=True,
        metavar="TZ",
        help="Time zone of timestamps written without an offset (IANA name).",
    )(func)
    func = click.option(
        "--strict",
        is_flag=True,
        help="Stop at the first row without a customer, readable timestamp or event "
        "(default: leave such rows out and count them).",
    )(func)
    func = click.option(
        "--session-timeout",
        default="30m",
        show_default=True,
        metavar="DURATION",
        help="A gap longer than this starts a new session (45s, 30m, 2h, 1d).",
    )(func)
    func = click.option(
        "--timestamp-unit",
        type=click.Choice(TIMESTAMP_UNITS),
        default=None,
        help="Unit of epoch-number timestamps [default: read from their magnitude; "
        "a column mixing units is an error].",
    )(func)
    func = click.option(
        "--max-bad-rows",
        default="1%",
        show_default=True,
        metavar="N|P%",
        help="Fail (exit 2) when more rows than this lack a customer, a readable "
        "timestamp or an event: a count, or a share of the rows read.",
    )(func)
    return func


def pipeline_options(func: F) -> F:
    func = click.option(
        "--journey",
        type=click.Choice(get_args(Journey)),
        default="customer",
        show_default=True,
        help="A journey is a customer's whole history, or one session.",
    )(func)
    func = click.option(
        "--lost-after",
        default=None,
        metavar="DURATION",
        help="A journey whose last event lies within this of the end of the data is "
        "in progress, not an exit [default: 30d for customer journeys, the "
        "session timeout for session journeys].",
    )(func)
    func = click.option(
        "--goal",
        default=None,
        metavar="ID",
        help="Count conversions into this goal only (default: every goal).",
    )(func)
    func = click.option(
        "--conversion-window",
        default=None,
        metavar="DURATION",
        help="Conversions count only within this time from the journey's start; "
        "later ones are counted apart (late_conversions).",
    )(func)
    return engine_option(func)


def engine_option(func: F) -> F:
    """``--engine duckdb|spark`` (ingest, experiment and render read the log on either)."""
    return click.option(
        "--engine",
        type=click.Choice(get_args(Engine)),
        default="duckdb",
        show_default=True,
        help="Where the counting runs (spark needs the 'spark' extra).",
    )(func)


def engine_of(name: str) -> Engine:
    """The ``--engine`` value as the event layer's :data:`Engine`."""
    return "spark" if name == "spark" else "duckdb"


def _resources() -> Resources:
    """The resources ``resource_options`` read for this command (the defaults outside one)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_root().meta.get(RESOURCES) if ctx is not None else None
    return found if isinstance(found, Resources) else Resources()


@contextlib.contextmanager
def progress_line(quiet: bool) -> Iterator[Callable[[str], None] | None]:
    """The stage line of a long read on a terminal (``cli/progress.py``), or None when quiet,
    not a terminal or in CI; its line is ended however the read ends."""
    progress = stage_line(quiet)
    try:
        yield progress
    finally:
        if isinstance(progress, StageLine):
            progress.end()


def summary_line(target: str, r: IngestResult) -> str:
    """What an ingest counted and left out, by reason (docs/events.md, 'No row is lost in silence')."""
    t = r.totals
    cov = r.overlay.coverage
    ident = r.identity
    merged = (
        ""
        if ident is None
        else f" ({ident.ids_merged:,} id{'s' * (ident.ids_merged != 1)} merged: "
        f"{ident.ids:,} ids, {ident.persons:,} persons)"
    )
    return (
        f"{target}: {t.rows:,} rows read, {t.events:,} events of {t.customers:,} customers{merged}"
        + (f", coverage {cov:.1%} of the rows" if cov is not None else "")
        + f"; left out: {left_out_text(t.left_out)}"
        + (f" ({len(r.unmapped):,} event names)" if r.unmapped else "")
    )


def about(seconds: int) -> str:
    """A duration to read, rounded to one decimal of its largest unit.

    >>> about(172800), about(90061), about(5400), about(59)
    ('2.0 days', '1.0 days', '1.5 hours', '59 seconds')
    """
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds} seconds"


def censoring_warning(c: Censoring, segment: str | None = None) -> str:
    """The warning shown before an overlay whose journeys are mostly unfinished is written."""
    share = c.in_progress_share or 0.0
    lost = format_duration(c.lost_after)
    why = (
        f"the log spans {about(c.span_seconds)}, less than --lost-after {lost}"
        if c.short_log
        else f"--lost-after is {lost}"
    )
    where = f" (segment {segment!r})" if segment is not None else ""
    return (
        f"warning{where}: {c.in_progress:,} of {c.journeys:,} journeys ({share:.0%}) are still in "
        f"progress at the end of the log ({why}); their outcome is unknown, so conversion and "
        "drop-off describe only the finished journeys. Use a longer log, or a --lost-after "
        "shorter than the log (docs/events.md, 'Short logs')."
    )
