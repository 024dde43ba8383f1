"""``journeymap import funnel|paths``: aggregated exports to overlays."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from journeymap.cli.console import style, use_color
from journeymap.cli.options import (
    overlay_format,
    overlay_output_options,
    quiet_option,
    to_stdout,
    write_output,
)
from journeymap.errors import UsageError
from journeymap.io import load_map

if TYPE_CHECKING:
    from journeymap.events.imports import Imported

F = TypeVar("F", bound=Callable[..., Any])

OVERLAY_HEADER = (
    "journeymap overlay written by `journeymap import {kind}` from {file}; numbers "
    "for one period.\nGive it to any command with --data. See docs/events.md."
)


def output_options(func: F) -> F:
    func = click.option(
        "--period",
        default=None,
        metavar="PERIOD",
        help="The period the export covers (2026-Q3, 2026-07, ...).",
    )(func)
    func = overlay_output_options(func)
    func = click.option(
        "--map",
        "map_path",
        required=True,
        type=click.Path(dir_okay=False),
        metavar="MAP",
        help="The map whose touchpoints the export is counted onto.",
    )(func)
    return func


@click.group(name="import")
def import_group() -> None:
    """Turn aggregated exports (funnel reports, path tables) into overlays.

    \b
    Examples:
      journeymap import funnel ga4-funnel.csv --map shop.yaml --steps product-page,cart,checkout,paid -o q3.yaml
      journeymap import paths paths.csv --map shop.yaml -o paths.yaml
    """


@import_group.command()
@click.argument("report", type=click.Path(dir_okay=False))
@output_options
@click.option(
    "--steps",
    "steps",
    multiple=True,
    required=True,
    metavar="ID,ID,...",
    help="The touchpoints of the funnel's steps in order; 'STEP NAME=ID' picks a row by name.",
)
@click.option(
    "--step-column",
    default=None,
    metavar="COLUMN",
    help="The report's step column [default: Step, Step name, Funnel step, Event].",
)
@click.option(
    "--users-column",
    default=None,
    metavar="COLUMN",
    help="The report's users column [default: Users, Active users, Total users, ...].",
)
@quiet_option
def funnel(
    report: str,
    map_path: str,
    output: str | None,
    fmt: str | None,
    period: str | None,
    steps: tuple[str, ...],
    step_column: str | None,
    users_column: str | None,
    quiet: bool,
) -> None:
    """Read a funnel report (CSV) as a customer-grain overlay along the declared steps.

    \b
    GA4 funnel exploration, Amplitude funnel chart and PostHog funnel exports: one row per step
    with the users who reached it. Step k continues to step k+1 with the next step's users;
    the rest exit. GA4's '# Start date' / '# End date' lines give the period.
    """
    from journeymap.events.funnel_reports import funnel_overlay, parse_steps

    loaded = load_map(map_path)
    result = funnel_overlay(
        loaded.map,
        report,
        parse_steps(steps),
        step_column=step_column,
        users_column=users_column,
        period=period,
    )
    _write(result, "funnel", report, output, fmt, [*map(str, loaded.files), report], quiet)


@import_group.command()
@click.argument("table", type=click.Path(dir_okay=False))
@output_options
@click.option("--goal", default=None, metavar="ID", help="The goal the conversions count for.")
@click.option(
    "--channel",
    "channels",
    multiple=True,
    metavar="NAME=ID",
    help="Map a channel name of the table to a touchpoint (repeatable).",
)
@quiet_option
def paths(
    table: str,
    map_path: str,
    output: str | None,
    fmt: str | None,
    period: str | None,
    goal: str | None,
    channels: tuple[str, ...],
    quiet: bool,
) -> None:
    """Read a path table (path,total_conversions,total_null,total_conversion_value) as an overlay.

    \b
    Channels are separated by ' > ' and match touchpoints by id, by name, or by --channel.
    Each row's journeys enter at the first channel, follow the path, and convert or leave
    after the last one.
    """
    from journeymap.events.path_tables import paths_overlay

    aliases: dict[str, str] = {}
    for item in channels:
        name, sep, tid = item.rpartition("=")
        if not sep or not name.strip():
            raise UsageError(
                f"--channel '{item}' is not NAME=ID",
                hint="for example --channel 'Paid search=search-ad'",
            )
        aliases[name.strip()] = tid.strip()
    loaded = load_map(map_path)
    result = paths_overlay(loaded.map, table, goal=goal, aliases=aliases, period=period)
    _write(result, "paths", table, output, fmt, [*map(str, loaded.files), table], quiet)


def _write(
    result: Imported,
    kind: str,
    source: str,
    output: str | None,
    fmt: str | None,
    inputs: list[str],
    quiet: bool,
) -> None:
    from journeymap.io import dump_overlay

    text = dump_overlay(
        result.overlay,
        overlay_format(fmt, output),
        header=OVERLAY_HEADER.format(kind=kind, file=source),
    )
    write_output(output, text, inputs)
    if not quiet:
        color = use_color(sys.stderr)
        target = "standard output" if to_stdout(output) else output
        click.echo(style(f"{target}: " + "; ".join(result.notes), "green", color), err=True)
