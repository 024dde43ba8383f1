"""``journeymap cohorts``: cohort retention of an event log, and measured ``business:`` inputs."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from journeymap.analysis.cohorts import COHORT_BY
from journeymap.cli.event_options import (
    LogReading,
    column_options,
    engine_of,
    engine_option,
    progress_line,
    speaks_options,
)
from journeymap.cli.lang import checked_lang, lang_option
from journeymap.cli.options import (
    output_option,
    overlay_format,
    quiet_option,
    to_stdout,
    write_output,
)
from journeymap.errors import UsageError
from journeymap.i18n import language_for
from journeymap.io import dump_overlay, load_map
from journeymap.report.cohorts import CohortFormat
from journeymap.report.formats import choices

if TYPE_CHECKING:
    from journeymap.events.cohorts import CohortRun, CohortSettings
    from journeymap.events.settings import IngestOptions
    from journeymap.io import LoadedMap
    from journeymap.model import JourneyMap

F = Callable[..., Any]

BUSINESS_HEADER = (
    "journeymap overlay written by `journeymap cohorts --write-business`: the business inputs\n"
    "of one period measured from an event log (docs/analysis.md, 'Cohorts'). Give it with --data."
)


@click.command()
@click.argument("events", metavar="LOG...", nargs=-1, required=True)
@click.option(
    "--goal-event", metavar="NAME", default=None, help="The raw event that is a goal event."
)
@click.option(
    "--map",
    "map_path",
    metavar="MAP",
    default=None,
    type=click.Path(dir_okay=False),
    help="A map whose goal's event rules decide what a goal event is (instead of --goal-event).",
)
@click.option(
    "--goal", metavar="ID", default=None, help="With --map: one goal (default: every goal)."
)
@click.option(
    "--by",
    type=click.Choice(COHORT_BY),
    default="month",
    show_default=True,
    help="Cohorts and offsets by ISO week (Monday start), month or quarter, in --timezone.",
)
@click.option(
    "--include-partial",
    is_flag=True,
    help="Keep periods the log ends inside (marked as partial) instead of leaving them out.",
)
@click.option(
    "--value-column",
    metavar="NAME",
    default=None,
    help="Column with each goal event's value: revenue per cohort and offset.",
)
@click.option(
    "--write-business",
    metavar="PERIOD",
    default=None,
    help="Write an overlay (-o) with the business: inputs of PERIOD (e.g. 2026-03) measured "
    "from the log; needs --map.",
)
@column_options
@engine_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices(CohortFormat)),
    default="table",
    show_default=True,
    help="table (the triangle), json for tools, csv (long), markdown.",
)
@output_option("the cohorts (the overlay with --write-business)")
@click.option(
    "--chart",
    metavar="FILE",
    default=None,
    type=click.Path(dir_okay=False),
    help="Also draw the triangle as a heatmap to FILE (.svg, .png or .pdf).",
)
@lang_option
@quiet_option
@speaks_options
def cohorts(
    events: tuple[str, ...],
    goal_event: str | None,
    map_path: str | None,
    goal: str | None,
    by: str,
    include_partial: bool,
    value_column: str | None,
    write_business: str | None,
    reading: LogReading,
    engine: str,
    fmt: str,
    output: str | None,
    chart: str | None,
    lang: str | None,
    quiet: bool,
) -> None:
    """Cohort retention from an event log: who comes back, period after period.

    \b
    A customer's cohort is the period of its first goal event; it is active at offset k when
    it has a goal event k periods later; retention[k] = active[k] / cohort size. Only periods
    the log covers whole count (--include-partial keeps the others, marked). Also the repeat
    customer rate and the time from the first to the second goal event (docs/analysis.md,
    "Cohorts"). Rows are read, cleaned and left out exactly as ingest does.

    \b
    Examples:
      journeymap cohorts 'logs/*.parquet' --goal-event order_completed --by month
      journeymap cohorts logs.csv --map shop.yaml --by week --format json
      journeymap cohorts logs.csv --map shop.yaml --write-business 2026-03 -o 2026-03.yaml
      journeymap cohorts logs.csv --goal-event buy --chart retention.svg -q
    """
    from journeymap.events.cohorts import CohortSettings
    from journeymap.events.rows import left_out_text
    from journeymap.report.cohorts import render_cohorts

    override = checked_lang(lang)
    check_goal_source(goal_event, map_path, goal)
    if write_business is not None and (map_path is None or to_stdout(output)):
        raise UsageError(
            "--write-business writes an overlay of a map",
            hint="give --map MAP and -o OVERLAY.yaml",
        )
    chart_format = _chart_format(chart)
    opts = reading.options(goal=goal)
    settings = CohortSettings(
        next(b for b in COHORT_BY if b == by), include_partial, value_column, write_business
    )
    loaded, jm, run = run_log(events, goal_event, map_path, opts, settings, engine, quiet)
    language = language_for(override, jm.language)
    inputs: list[str | os.PathLike[str]] = [*(loaded.files if loaded else ()), *run.files]
    if write_business is not None and run.business is not None:
        text = _business_overlay(jm.id, write_business, run, output or "")
    else:
        text = render_cohorts(run.cohorts, fmt, lang=language)
    write_output(output, text, inputs)
    if chart is not None and chart_format is not None:
        write_output(chart, chart_bytes(run, chart_format, lang=language), inputs)
    if not quiet:
        t = run.totals
        click.echo(
            f"{output if not to_stdout(output) else 'standard output'}: {t.rows:,} rows read, "
            f"{t.events:,} events of {t.customers:,} customers; left out: "
            f"{left_out_text(t.left_out)}",
            err=True,
        )


def check_goal_source(goal_event: str | None, map_path: str | None, goal: str | None) -> None:
    """``--goal-event NAME`` or ``--map MAP [--goal ID]``, one of them."""
    if (goal_event is None) == (map_path is None):
        raise UsageError("give --goal-event NAME or --map MAP (one of them)")
    if goal is not None and map_path is None:
        raise UsageError("--goal picks a goal of --map", hint="give --map MAP, or --goal-event")


@dataclass(frozen=True)
class CohortView:
    """``render --view cohorts``: what a goal event is and how the log is cut."""

    goal_event: str | None
    map_path: str | None
    by: str
    include_partial: bool


def cohort_view_options(func: F) -> F:
    """``--goal-event``, ``--map``, ``--by``, ``--include-partial`` of ``render --view cohorts``,
    passed as one :class:`CohortView` (keyword ``cohort``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        names = ("goal_event", "map_path", "by", "include_partial")
        values = {name: kwargs.pop(name) for name in names}
        return func(*args, cohort=CohortView(**values), **kwargs)

    out: F = click.option(
        "--include-partial",
        is_flag=True,
        help="cohorts view: keep periods the log ends inside (marked as partial).",
    )(wrapper)
    out = click.option(
        "--by",
        type=click.Choice(COHORT_BY),
        default="month",
        show_default=True,
        help="cohorts view: cohorts and offsets by ISO week, month or quarter, in --timezone.",
    )(out)
    out = click.option(
        "--map",
        "map_path",
        metavar="MAP",
        default=None,
        type=click.Path(dir_okay=False),
        help="cohorts view: a map whose goal's event rules decide what a goal event is.",
    )(out)
    return click.option(
        "--goal-event",
        metavar="NAME",
        default=None,
        help="cohorts view: the raw event that is a goal event (the positional arguments are "
        "then the event logs, and no MAP is needed).",
    )(out)


def run_log(
    events: tuple[str, ...],
    goal_event: str | None,
    map_path: str | None,
    opts: IngestOptions,
    settings: CohortSettings,
    engine: str,
    quiet: bool,
) -> tuple[LoadedMap | None, JourneyMap, CohortRun]:
    """The cohorts of the log (``journeymap cohorts`` and ``render --view cohorts``): the goal
    events of ``--goal-event`` or of ``--map``'s goal."""
    from journeymap.events.cohorts import cohorts as run_cohorts
    from journeymap.events.cohorts import goal_event_map

    loaded = load_map(map_path) if map_path is not None else None
    jm = loaded.map if loaded is not None else goal_event_map(goal_event or "")
    with progress_line(quiet) as progress:
        run = run_cohorts(
            jm,
            events,
            opts,
            settings,
            engine=engine_of(engine),
            progress=progress,
        )
    return loaded, jm, run


def chart_bytes(run: CohortRun, fmt: str, theme: str = "light", lang: str = "en") -> bytes:
    """The heatmap of the cohorts (``cohorts --chart`` and ``render --view cohorts``)."""
    from journeymap.render.cohort_chart import cohort_chart

    return cohort_chart(run.cohorts, fmt, theme, lang)


def _business_overlay(map_id: str, period: str, run: CohortRun, output: str) -> str:
    from journeymap.model import Overlay

    overlay = Overlay.model_validate(
        {
            "journeymap-data": 1,
            "map": map_id,
            "period": period,
            "settings": {
                "source": "events",
                "measured": "business inputs (journeymap cohorts)",
                "files": list(run.files),
                "goals": list(run.goals),
            },
            "business": run.business,
        }
    )
    return dump_overlay(overlay, overlay_format(None, output), header=BUSINESS_HEADER)


def _chart_format(chart: str | None) -> str | None:
    """The format of ``--chart FILE`` from its extension (checked before the log is read)."""
    if chart is None:
        return None
    from journeymap.render.cohort_chart import FORMATS

    fmt = Path(chart).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(
            f"--chart draws the heatmap as .svg, .png or .pdf, not {Path(chart).name}",
            hint="name the file heat.svg, heat.png or heat.pdf",
        )
    return fmt
