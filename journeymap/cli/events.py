"""``journeymap ingest``, ``discover``, ``ingest-survey`` and ``conform``: event logs and survey exports."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from journeymap.cli.console import show_progress, style, use_color
from journeymap.cli.options import quiet_option
from journeymap.errors import UsageError
from journeymap.events.settings import DIALECTS, Columns, IngestOptions, parse_duration
from journeymap.io import load_map, write_atomic

F = Callable[..., Any]


def column_options(func: F) -> F:
    """Column names and reading options (shared by ingest, discover and conform)."""
    for decl, default, text in reversed([
        ("--customer-column", "user_id", "Column with the customer id."),
        ("--timestamp-column", "timestamp", "Column with the event time (ISO 8601, epoch, or a timestamp type)."),
        ("--event-column", "event", "Column with the event name."),
    ]):
        func = click.option(decl, default=default, show_default=True, metavar="NAME", help=text)(func)
    func = click.option("--session-column", default=None, metavar="NAME",
                        help="Column with a session id; a new session starts where it changes "
                             "(instead of --session-timeout).")(func)
    func = click.option("--timezone", default="UTC", show_default=True, metavar="TZ",
                        help="Time zone of timestamps written without an offset (IANA name).")(func)
    func = click.option("--strict", is_flag=True,
                        help="Stop at the first row without a customer, readable timestamp or event "
                             "(default: leave such rows out and count them).")(func)
    func = click.option("--session-timeout", default="30m", show_default=True, metavar="DURATION",
                        help="A gap longer than this starts a new session (45s, 30m, 2h, 1d).")(func)
    return func


def pipeline_options(func: F) -> F:
    func = click.option("--journey", type=click.Choice(["customer", "session"]), default="customer",
                        show_default=True,
                        help="A journey is a customer's whole history, or one session.")(func)
    func = click.option("--lost-after", default=None, metavar="DURATION",
                        help="A journey whose last event lies within this of the end of the data is "
                             "in progress, not an exit [default: 30d for customer journeys, the "
                             "session timeout for session journeys].")(func)
    func = click.option("--goal", default=None, metavar="ID",
                        help="Count conversions into this goal only (default: every goal).")(func)
    func = click.option("--conversion-window", default=None, metavar="DURATION",
                        help="Conversions count only within this time from the journey's start; "
                             "later ones are counted apart (late_conversions).")(func)
    func = click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb",
                        show_default=True, help="Where the counting runs (spark needs the 'spark' extra).")(func)
    return func


def make_options(customer_column: str, timestamp_column: str, event_column: str,
                 session_column: str | None, timezone: str, strict: bool, session_timeout: str,
                 journey: str = "customer", lost_after: str | None = None, goal: str | None = None,
                 conversion_window: str | None = None, segment_by: str | None = None) -> IngestOptions:
    opts = IngestOptions(
        columns=Columns(customer_column, timestamp_column, event_column, session_column),
        timezone=timezone, strict=strict,
        session_timeout=parse_duration(session_timeout, "--session-timeout"),
        journey="session" if journey == "session" else "customer",
        lost_after=None if lost_after is None else parse_duration(lost_after, "--lost-after"),
        goal=goal,
        conversion_window=None if conversion_window is None
        else parse_duration(conversion_window, "--conversion-window"),
        segment_by=segment_by)
    opts.validate()
    return opts


def progress_printer(quiet: bool) -> Callable[[str], None] | None:
    if not show_progress(quiet):
        return None

    def show(text: str) -> None:
        click.echo(f"\r\033[K{text} ...", err=True, nl=False)

    return show


def _end_progress(progress: Callable[[str], None] | None) -> None:
    if progress is not None:
        click.echo("\r\033[K", err=True, nl=False)


@click.command()
@click.argument("events", nargs=-1, required=True)
@click.option("--map", "map_path", required=True, type=click.Path(dir_okay=False), metavar="MAP",
              help="The map whose touchpoints the events are counted onto.")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the overlay to FILE (default: standard output).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default=None,
              help="Overlay format [default: json for a .json output, else yaml].")
@column_options
@pipeline_options
@click.option("--segment-by", default=None, metavar="COLUMN",
              help="One overlay per value of COLUMN, named OUTPUT.<slug>-<hash>.<ext>.")
@click.option("--print-sql", is_flag=True, help="Print the counting statements and exit (reads no data).")
@click.option("--dialect", type=click.Choice(DIALECTS), default="duckdb", show_default=True,
              help="SQL dialect for --print-sql.")
@quiet_option
def ingest(events: tuple[str, ...], map_path: str, output: str | None, fmt: str | None,
           customer_column: str, timestamp_column: str, event_column: str,
           session_column: str | None, timezone: str, strict: bool, session_timeout: str,
           journey: str, lost_after: str | None, goal: str | None, conversion_window: str | None,
           engine: str, segment_by: str | None, print_sql: bool, dialect: str, quiet: bool) -> None:
    """Count an event log (CSV, Parquet, JSON lines; files or globs) onto a map as an overlay.

    \b
    The pipeline (docs/events.md): order rows (timestamp, file, row) in UTC -> leave out rows
    without customer, timestamp or event -> drop exact duplicates -> sessions -> map events to
    touchpoints (first matching rule) -> collapse repeats within a session -> journeys, exits
    and in-progress journeys -> conversions -> counts.
    Give the overlay to any command with --data.

    \b
    Example:
      journeymap ingest 'logs/*.parquet' --map shop.yaml -o 2026-07.yaml
    """
    from journeymap.events.ingest import ingest as run_ingest
    from journeymap.events.ingest import segment_path, to_json, to_yaml

    opts = make_options(customer_column, timestamp_column, event_column, session_column, timezone,
                        strict, session_timeout, journey, lost_after, goal, conversion_window,
                        segment_by)
    loaded = load_map(map_path)
    if print_sql:
        from journeymap.events.printing import print_sql as render_sql

        click.echo(render_sql(loaded.map, opts, dialect), nl=False)
        return
    if fmt is None:
        fmt = "json" if output and output.lower().endswith(".json") else "yaml"
    if segment_by and not output:
        raise UsageError("--segment-by writes one file per segment; give -o OUTPUT")
    progress = progress_printer(quiet)
    try:
        results = run_ingest(loaded.map, events, opts, engine="spark" if engine == "spark" else "duckdb",
                             progress=progress)
    finally:
        _end_progress(progress)
    inputs = [map_path, *(f for f in results[0].overlay["settings"]["files"])] if results else [map_path]
    render = to_json if fmt == "json" else to_yaml
    color = use_color(sys.stderr)
    for r in results:
        text = render(r.overlay)
        if output is None:
            click.echo(text, nl=False)
            target = "standard output"
        else:
            target = segment_path(output, r.segment_key, r.segment_null) if segment_by else output
            write_atomic(target, text, inputs=inputs)
        if not quiet:
            t = r.totals
            cov = r.overlay["coverage"]
            line = (f"{target}: {t.events:,} events of {t.customers:,} customers"
                    + (f", coverage {cov:.1%}" if cov is not None else "")
                    + f", {t.bad_rows:,} rows left out, {t.duplicates:,} duplicates, "
                    f"{len(r.unmapped):,} unmapped event names")
            click.echo(style(line, "green", color), err=True)
