"""``journeymap ingest``: count an event log onto a map as an overlay (DuckDB or Spark)."""

from __future__ import annotations

import os
import sys

import click

from journeymap.cli.console import style, use_color
from journeymap.cli.event_options import (
    LogReading,
    censoring_warning,
    column_options,
    engine_of,
    pipeline_options,
    progress_line,
    speaks_options,
    summary_line,
)
from journeymap.cli.options import (
    overlay_format,
    overlay_output_options,
    quiet_option,
    to_stdout,
    write_output,
)
from journeymap.errors import UsageError
from journeymap.events.inputs import expand
from journeymap.events.settings import DIALECTS
from journeymap.io import dump_overlay, load_map, refuse_inputs


@click.command()
@click.argument("events", nargs=-1, required=True)
@click.option(
    "--map",
    "map_path",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="MAP",
    help="The map whose touchpoints the events are counted onto.",
)
@overlay_output_options
@column_options
@pipeline_options
@click.option(
    "--segment-by",
    default=None,
    metavar="COLUMN",
    help="One overlay per value of COLUMN, named OUTPUT.<slug>-<hash>.<ext>.",
)
@click.option(
    "--print-sql", is_flag=True, help="Print the counting statements and exit (reads no data)."
)
@click.option(
    "--dialect",
    type=click.Choice(DIALECTS),
    default="duckdb",
    show_default=True,
    help="SQL dialect for --print-sql.",
)
@quiet_option
@speaks_options
def ingest(
    events: tuple[str, ...],
    map_path: str,
    output: str | None,
    fmt: str | None,
    reading: LogReading,
    journey: str,
    lost_after: str | None,
    goal: str | None,
    conversion_window: str | None,
    engine: str,
    segment_by: str | None,
    print_sql: bool,
    dialect: str,
    quiet: bool,
) -> None:
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
    from journeymap.events.ingest_output import HEADER, segment_path

    opts = reading.options(
        journey=journey,
        lost_after=lost_after,
        goal=goal,
        conversion_window=conversion_window,
        segment_by=segment_by,
    )
    loaded = load_map(map_path)
    if print_sql:
        from journeymap.events.printing import print_sql as render_sql

        click.echo(render_sql(loaded.map, opts, dialect), nl=False)
        return
    out_format = overlay_format(fmt, output)
    if segment_by and to_stdout(output):
        raise UsageError("--segment-by writes one file per segment; give -o OUTPUT")
    if not to_stdout(output) and not segment_by:  # a bad -o fails before the counting
        assert output is not None
        refuse_inputs(output, [*loaded.files, *(f.path for f in expand(list(events)))])
    with progress_line(quiet) as progress:
        results = run_ingest(
            loaded.map,
            events,
            opts,
            engine=engine_of(engine),
            progress=progress,
        )
    inputs: list[str | os.PathLike[str]] = [*loaded.files, *(results[0].files if results else ())]
    color = use_color(sys.stderr)
    for r in results:
        if not quiet and r.censoring is not None and r.censoring.censored:
            click.echo(
                style(censoring_warning(r.censoring, r.segment_key), "yellow", color), err=True
            )
        text = dump_overlay(r.overlay, out_format, header=HEADER)
        if to_stdout(output):
            click.echo(text, nl=False)
            target = "standard output"
        else:
            assert output is not None
            target = segment_path(output, r.segment_key, r.segment_null) if segment_by else output
            write_output(target, text, inputs)
        if not quiet:
            click.echo(style(summary_line(target, r), "green", color), err=True)
