"""``journeymap conform``: compare an event log with a map (shadow paths, unused parts, JM4xx)."""

from __future__ import annotations

import os

import click

from journeymap.cli.console import use_color
from journeymap.cli.event_options import (
    LogReading,
    column_options,
    engine_of,
    pipeline_options,
    progress_line,
    speaks_options,
)
from journeymap.cli.options import output_option, quiet_option, to_stdout, write_output
from journeymap.figures import percent
from journeymap.findings import Severity
from journeymap.io import load_map
from journeymap.model import period_label
from journeymap.report.formats import Format, choices


@click.command()
@click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=False))
@click.argument("events", nargs=-1, required=True)
@column_options
@pipeline_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices(Format)),
    default=None,
    help="Output format (the formats of 'check') [default: text; github inside GitHub Actions].",
)
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=int,
    metavar="N",
    help="Text output: list at most N findings per code, the largest first (other formats "
    "list everything).",
)
@output_option("the report")
@quiet_option
@speaks_options
def conform(
    map_path: str,
    events: tuple[str, ...],
    reading: LogReading,
    journey: str,
    lost_after: str | None,
    goal: str | None,
    conversion_window: str | None,
    engine: str,
    fmt: str | None,
    limit: int,
    output: str | None,
    quiet: bool,
) -> None:
    """Compare an event log with a map: where real customers do not follow it.

    \b
    Findings (JM4xx): JM401 shadow paths (transitions customers take that the map does not
    declare) with counts and share of flow; JM402 declared transitions nobody takes; JM403
    touchpoints nobody visits; JM404 event names no rule maps, by volume.
    Each finding points at the touchpoint's YAML; the summary gives the coverage and the share
    of transitions on shadow paths. Exit 0 when the log conforms, 1 with any finding, 2 when
    the input cannot be used.

    \b
    Example:
      journeymap conform shop.yaml 'logs/*.parquet'
    """
    from journeymap.checks import MapResult, exit_code
    from journeymap.events.conform import RULES, conformance
    from journeymap.events.ingest import ingest as run_ingest
    from journeymap.report.checks import render

    opts = reading.options(
        journey=journey, lost_after=lost_after, goal=goal, conversion_window=conversion_window
    )
    loaded = load_map(map_path)
    with progress_line(quiet) as progress:
        [result] = run_ingest(
            loaded.map,
            events,
            opts,
            engine=engine_of(engine),
            progress=progress,
        )
    conf = conformance(loaded, result.overlay)
    out_format = Format(fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"))
    results = [
        MapResult(
            loaded.display,
            loaded.map.id,
            loaded.map.title,
            period_label(result.overlay.period),
            list(conf.findings),
            summary=conf.figures(),
        )
    ]
    color = out_format == Format.TEXT and to_stdout(output) and use_color()
    report = render(
        results,
        out_format,
        fail_on=Severity.WARNING,
        color=color,
        tool="journeymap conform",
        limit=limit if out_format == Format.TEXT else None,
        rules=RULES,
    )
    if out_format == Format.TEXT and not quiet:
        cov, shadow = percent(conf.coverage), percent(conf.undeclared_share)
        report += f"coverage {cov}, {shadow} of {conf.transitions:,} transitions on shadow paths\n"
    write_output(output, report, [*loaded.files, *result.files])
    code = exit_code(results, Severity.WARNING)
    if code:
        raise click.exceptions.Exit(int(code))
