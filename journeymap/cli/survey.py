"""``journeymap ingest-survey``: a survey export (one row per answer) as an overlay's responses."""

from __future__ import annotations

import click

from journeymap.cli.event_options import speaks_options
from journeymap.cli.options import (
    overlay_format,
    overlay_output_options,
    quiet_option,
    to_stdout,
    write_output,
)
from journeymap.errors import UsageError
from journeymap.io import dump_overlay, load_map, load_overlay


@click.command("ingest-survey")
@click.argument("responses", type=click.Path(dir_okay=False))
@click.option(
    "--map",
    "map_path",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="MAP",
    help="The map whose touchpoints and declared scales the answers belong to.",
)
@overlay_output_options
@click.option(
    "--overlay",
    "base",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    default=None,
    help="Add the responses to this overlay (for example one from 'ingest') instead of "
    "writing responses only.",
)
@click.option(
    "--touchpoint-column",
    default="touchpoint",
    show_default=True,
    metavar="NAME",
    help="Column with the touchpoint id or the question text.",
)
@click.option(
    "--score-column",
    default="score",
    show_default=True,
    metavar="NAME",
    help="Column with the answer (a whole number on the declared scale).",
)
@click.option(
    "--metric-column",
    default="metric",
    show_default=True,
    metavar="NAME",
    help="Column with nps, csat or ces (optional when a touchpoint declares one survey).",
)
@click.option(
    "--customer-column",
    default=None,
    metavar="NAME",
    help="Column with the respondent; then each respondent's latest answer counts once.",
)
@click.option(
    "--time-column",
    default=None,
    metavar="NAME",
    help="Column with the answer time (ISO 8601), to pick a respondent's latest answer.",
)
@quiet_option
@speaks_options
def ingest_survey(
    responses: str,
    map_path: str,
    output: str | None,
    fmt: str | None,
    base: str | None,
    touchpoint_column: str,
    score_column: str,
    metric_column: str,
    customer_column: str | None,
    time_column: str | None,
    quiet: bool,
) -> None:
    """Turn a survey export (one row per answer) into the responses of an overlay.

    \b
    Works with exports from Qualtrics, Typeform or Google Forms saved as UTF-8 CSV with one
    header row. A row names a touchpoint id, or a question the map declares under a
    touchpoint's scores ('question:'); NPS is counted on 0-10, CSAT and CES on the scales the
    map declares (CSAT 1-5 by default; CES must be declared with its direction).

    \b
    Example:
      journeymap ingest-survey answers.csv --map shop.yaml --overlay 2026-07.json -o with-scores.json
    """
    from journeymap.events.survey import HEADER, SurveyColumns
    from journeymap.events.survey import ingest_survey as run_survey

    loaded = load_map(map_path)
    base_overlay = None
    if base is not None:
        base_overlay, _, _ = load_overlay(base)
        if base_overlay.map != loaded.map.id:
            raise UsageError(
                f"--overlay {base} is for map '{base_overlay.map}', not '{loaded.map.id}'"
            )
    cols = SurveyColumns(
        touchpoint_column, score_column, metric_column, customer_column, time_column
    )
    result = run_survey(loaded.map, responses, cols, base_overlay)
    text = dump_overlay(result.overlay, overlay_format(fmt, output), header=HEADER)
    write_output(output, text, [responses, *loaded.files, *([base] if base else [])])
    if not quiet:
        click.echo(
            f"{'standard output' if to_stdout(output) else output}: {result.answers:,} answers counted, "
            f"{result.skipped:,} rows without an answer, {result.duplicates:,} repeated answers "
            "replaced by the respondent's latest",
            err=True,
        )
