"""``journeymap trend``: a journey over many periods, and which changes are real."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from journeymap.cli.event_options import (
    LogReading,
    column_options,
    pipeline_options,
    progress_line,
    speaks_options,
    summary_line,
)
from journeymap.cli.lang import checked_lang, lang_option
from journeymap.cli.options import (
    confidence_option,
    load,
    located,
    output_option,
    quiet_option,
    to_stdout,
    write_output,
)
from journeymap.errors import UsageError
from journeymap.events.periods import EVERY
from journeymap.events.rows import left_out_text
from journeymap.i18n import language_for
from journeymap.report.formats import choices
from journeymap.report.trend import TrendFormat

if TYPE_CHECKING:
    from journeymap.analysis.trend import PeriodInput
    from journeymap.events.periods import PeriodIngest
    from journeymap.io import LoadedMap

OVERLAY_SUFFIXES = (".yaml", ".yml", ".json")


def overlay_files(values: tuple[str, ...]) -> list[Path]:
    """The overlay files named, a folder standing for its ``*.yaml``, ``*.yml`` and ``*.json``."""
    files: list[Path] = []
    for v in values:
        path = Path(v)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix in OVERLAY_SUFFIXES and p.is_file()
            )
            if not found:
                raise UsageError(f"{v} holds no overlay (*.yaml, *.yml or *.json)")
            files += found
        else:
            files.append(path)
    return files


@click.command()
@click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=False))
@click.argument("data", metavar="DATA...", nargs=-1, required=True, type=click.Path())
@click.option(
    "--events",
    "from_events",
    is_flag=True,
    help="DATA are event logs (files or globs, as for ingest): cut them into periods "
    "(--every) and count each onto MAP.",
)
@click.option(
    "--every",
    type=click.Choice(EVERY),
    default=None,
    help="With --events: the length of a period (ISO weeks, months or quarters in --timezone).",
)
@column_options
@pipeline_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices(TrendFormat)),
    default="table",
    show_default=True,
    help="table for people, json for tools, csv (long), markdown.",
)
@confidence_option
@output_option("the trend")
@lang_option
@quiet_option
@speaks_options
def trend(
    map_path: str,
    data: tuple[str, ...],
    from_events: bool,
    every: str | None,
    goal: str | None,
    fmt: str,
    confidence: float,
    output: str | None,
    lang: str | None,
    quiet: bool,
    **event_options: Any,
) -> None:
    """Follow conversion and drop-off over many periods and flag the changes that are real.

    DATA are overlays of MAP (files, or folders of them), one per period; they are ordered by
    their period, never by the order given, and two overlapping periods are an error. With
    --events, DATA are event logs cut into periods in one pass: a journey belongs to the
    period of its first event, and the ingest options apply. Flags:
    a point beyond its p-chart limits (Laney p' when periods vary more than sampling explains),
    eight periods in a row on one side of the centre line, a significant change between
    consecutive periods (Benjamini-Hochberg across touchpoints) and a monotone trend
    (Cochran-Armitage). Exit 0; 2 when an input cannot be used.

    \b
    Examples:
      journeymap trend maps/first-purchase.yaml overlays/2026-*.yaml
      journeymap trend maps/first-purchase.yaml overlays/ --format json -o trend.json
      journeymap trend shop.yaml 'logs/*.parquet' --events --every month
    """
    from journeymap.analysis.trend import trend as run_trend
    from journeymap.report.trend import render_trend

    if every is not None and not from_events:
        raise UsageError("--every cuts an event log into periods: give it with --events")
    override = checked_lang(lang)
    if from_events:
        inputs, read, loaded = _event_periods(map_path, data, every, goal, quiet, event_options)
    else:
        inputs, read, loaded = overlay_periods(map_path, data, goal)
    with located(loaded):
        text = render_trend(
            run_trend(inputs, goal=goal, confidence=confidence),
            fmt,
            lang=language_for(override, loaded.map.language),
        )
    write_output(output, text, list(dict.fromkeys(read)))
    if not to_stdout(output) and not quiet:
        click.echo(f"wrote {output}", err=True)


def overlay_periods(
    map_path: str, data: tuple[str, ...], goal: str | None
) -> tuple[list[PeriodInput], list[str], LoadedMap]:
    """The periods of overlay files or folders (``trend DATA...``, ``render --view trend``):
    their inputs in order, the files read, and the map."""
    from journeymap.analysis.trend import PeriodInput
    from journeymap.graph import build_graph

    inputs: list[PeriodInput] = []
    read: list[str] = []
    for file in overlay_files(data):
        loaded = load(map_path, data=str(file), goal=goal)
        assert loaded.overlay is not None
        inputs.append(
            PeriodInput(
                loaded.overlay.period,
                str(file),
                build_graph(loaded.map, loaded.overlay),
                loaded.overlay_position("period") or loaded.overlay_position(),
            )
        )
        read += [str(f) for f in loaded.files]
    return inputs, read, loaded


def _event_periods(
    map_path: str,
    logs: tuple[str, ...],
    every: str | None,
    goal: str | None,
    quiet: bool,
    event_options: dict[str, Any],
) -> tuple[list[PeriodInput], list[str], LoadedMap]:
    """The periods of an event log (``journeymap.events.periods``), as trend inputs."""
    from journeymap.analysis.trend import PeriodInput
    from journeymap.events.periods import ingest_periods
    from journeymap.graph import build_graph

    if every is None:
        raise UsageError(
            "--events needs --every: the length of a period", hint="add --every month, for one"
        )
    engine = event_options.pop("engine")
    reading: LogReading = event_options.pop("reading")
    opts = reading.options(**event_options, goal=goal)
    loaded = load(map_path)
    with progress_line(quiet) as progress:
        cut = ingest_periods(
            loaded.map,
            list(logs),
            opts,
            every=next(e for e in EVERY if e == every),
            engine=engine,
            progress=progress,
        )
    if not quiet:
        for line in period_lines(cut):
            click.echo(line, err=True)
    inputs = [
        PeriodInput(r.overlay.period, f"{r.overlay.period}", build_graph(loaded.map, r.overlay))
        for r in cut.periods
    ]
    files = cut.periods[0].files if cut.periods else ()
    return inputs, [*map(str, loaded.files), *files], loaded


def period_lines(cut: PeriodIngest) -> list[str]:
    """What each period counted and left out, and the rows no period holds (docs/trends.md)."""
    lines = [summary_line(str(r.overlay.period), r) for r in cut.periods]
    u = cut.unassigned
    if u.rows:
        lines.append(f"no period: {u.rows:,} rows without a journey ({left_out_text(u.left_out)})")
    return lines
