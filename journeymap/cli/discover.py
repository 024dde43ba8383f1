"""``journeymap discover``: draft a commented map from an event log."""

from __future__ import annotations

import os

import click

from journeymap.cli.event_options import (
    LogReading,
    column_options,
    engine_of,
    engine_option,
    progress_line,
    speaks_options,
)
from journeymap.cli.options import output_option, quiet_option, to_stdout, write_output
from journeymap.errors import UsageError
from journeymap.events.inputs import expand


@click.command()
@click.argument("events", nargs=-1, required=True)
@output_option("the draft map (YAML)", required=True, metavar="DRAFT")
@click.option(
    "--goal", default=None, metavar="EVENT", help="The event that counts as a conversion."
)
@click.option(
    "--max-touchpoints",
    default=20,
    show_default=True,
    type=int,
    metavar="N",
    help="How many of the most frequent events become touchpoints.",
)
@column_options
@engine_option
@click.option("--force", is_flag=True, help="Overwrite DRAFT if it exists.")
@quiet_option
@speaks_options
def discover(
    events: tuple[str, ...],
    output: str,
    goal: str | None,
    max_touchpoints: int,
    reading: LogReading,
    engine: str,
    force: bool,
    quiet: bool,
) -> None:
    """Draft a commented map from an event log (CSV, Parquet, JSON lines; files or globs).

    \b
    The most frequent events become touchpoints (each listing its event), observed
    transitions become 'next' (those under 1% of a touchpoint's departures are left out),
    stages are guessed from where events typically fall in journeys, and --goal marks the
    goal. A person then names, groups and annotates it. Ingesting the same log onto the
    draft gives an overlay whose flow conserves exactly.

    \b
    Example:
      journeymap discover clicks.csv --goal purchase -o draft.yaml
    """
    from journeymap.events.discover import discover as run_discover
    from journeymap.events.discover import touchpoint_id

    if not to_stdout(output) and os.path.exists(output) and not force:
        raise UsageError(f"{output} exists already", hint="choose another path or pass --force")
    opts = reading.options()
    stem = os.path.basename(output).split(".")[0] or "draft"
    with progress_line(quiet) as progress:
        draft = run_discover(
            events,
            opts,
            map_id=touchpoint_id(stem, set()),
            goal=goal,
            max_touchpoints=max_touchpoints,
            engine=engine_of(engine),
            progress=progress,
        )
    write_output(output, draft.text, [f.path for f in expand(events)])
    if not to_stdout(output) and not quiet:
        click.echo(
            f"wrote {output}: {draft.touchpoints} touchpoints from {draft.events:,} events; "
            f"next: journeymap validate {output}",
            err=True,
        )
