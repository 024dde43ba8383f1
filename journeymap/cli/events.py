"""``journeymap ingest``, ``discover``, ``ingest-survey`` and ``conform``: event logs and survey exports."""

from __future__ import annotations

import os
import sys

import click

from journeymap.cli.console import style, use_color
from journeymap.cli.event_options import (
    censoring_warning,
    column_options,
    engine_of,
    engine_option,
    make_options,
    pipeline_options,
    progress_printer,
    speaks_options,
    summary_line,
)
from journeymap.cli.event_options import end_progress as _end_progress
from journeymap.cli.options import (
    output_option,
    overlay_output_options,
    quiet_option,
    to_stdout,
    write_output,
)
from journeymap.errors import UsageError
from journeymap.events.inputs import expand
from journeymap.events.settings import DIALECTS
from journeymap.findings import Severity
from journeymap.io import OverlayFormat, dump_overlay, load_map, load_overlay, refuse_inputs
from journeymap.model import period_label
from journeymap.report.formats import Format, choices


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
    customer_column: str | None,
    timestamp_column: str | None,
    event_column: str | None,
    session_column: str | None,
    identity_columns: tuple[str, ...],
    preset: str | None,
    timezone: str,
    strict: bool,
    session_timeout: str,
    timestamp_unit: str | None,
    max_bad_rows: str,
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
    from journeymap.events.ingest import HEADER, segment_path
    from journeymap.events.ingest import ingest as run_ingest

    opts = make_options(
        customer_column,
        timestamp_column,
        event_column,
        session_column,
        timezone,
        strict,
        session_timeout,
        journey,
        lost_after,
        goal,
        conversion_window,
        segment_by,
        timestamp_unit=timestamp_unit,
        max_bad_rows=max_bad_rows,
        identity_columns=identity_columns,
        preset=preset,
    )
    loaded = load_map(map_path)
    if print_sql:
        from journeymap.events.printing import print_sql as render_sql

        click.echo(render_sql(loaded.map, opts, dialect), nl=False)
        return
    out_format = _overlay_format(fmt, output)
    if segment_by and to_stdout(output):
        raise UsageError("--segment-by writes one file per segment; give -o OUTPUT")
    if not to_stdout(output) and not segment_by:  # a bad -o fails before the counting
        assert output is not None
        refuse_inputs(output, [*loaded.files, *(f.path for f in expand(list(events)))])
    progress = progress_printer(quiet)
    try:
        results = run_ingest(
            loaded.map,
            events,
            opts,
            engine=engine_of(engine),
            progress=progress,
        )
    finally:
        _end_progress(progress)
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
    customer_column: str | None,
    timestamp_column: str | None,
    event_column: str | None,
    session_column: str | None,
    identity_columns: tuple[str, ...],
    preset: str | None,
    timezone: str,
    strict: bool,
    session_timeout: str,
    timestamp_unit: str | None,
    max_bad_rows: str,
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
    opts = make_options(
        customer_column,
        timestamp_column,
        event_column,
        session_column,
        timezone,
        strict,
        session_timeout,
        timestamp_unit=timestamp_unit,
        max_bad_rows=max_bad_rows,
        identity_columns=identity_columns,
        preset=preset,
    )
    stem = os.path.basename(output).split(".")[0] or "draft"
    progress = progress_printer(quiet)
    try:
        draft = run_discover(
            events,
            opts,
            map_id=touchpoint_id(stem, set()),
            goal=goal,
            max_touchpoints=max_touchpoints,
            engine=engine_of(engine),
            progress=progress,
        )
    finally:
        _end_progress(progress)
    write_output(output, draft.text, [f.path for f in expand(events)])
    if not to_stdout(output) and not quiet:
        click.echo(
            f"wrote {output}: {draft.touchpoints} touchpoints from {draft.events:,} events; "
            f"next: journeymap validate {output}",
            err=True,
        )


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
    text = dump_overlay(result.overlay, _overlay_format(fmt, output), header=HEADER)
    write_output(output, text, [responses, *loaded.files, *([base] if base else [])])
    if not quiet:
        click.echo(
            f"{'standard output' if to_stdout(output) else output}: {result.answers:,} answers counted, "
            f"{result.skipped:,} rows without an answer, {result.duplicates:,} repeated answers "
            "replaced by the respondent's latest",
            err=True,
        )


def _overlay_format(fmt: str | None, output: str | None) -> OverlayFormat:
    """The --format given, else JSON for a ``.json`` output and YAML otherwise."""
    if fmt is not None:
        return OverlayFormat(fmt)
    return OverlayFormat.JSON if output and output.lower().endswith(".json") else OverlayFormat.YAML


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
    customer_column: str | None,
    timestamp_column: str | None,
    event_column: str | None,
    session_column: str | None,
    identity_columns: tuple[str, ...],
    preset: str | None,
    timezone: str,
    strict: bool,
    session_timeout: str,
    timestamp_unit: str | None,
    max_bad_rows: str,
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

    opts = make_options(
        customer_column,
        timestamp_column,
        event_column,
        session_column,
        timezone,
        strict,
        session_timeout,
        journey,
        lost_after,
        goal,
        conversion_window,
        timestamp_unit=timestamp_unit,
        max_bad_rows=max_bad_rows,
        identity_columns=identity_columns,
        preset=preset,
    )
    loaded = load_map(map_path)
    progress = progress_printer(quiet)
    try:
        [result] = run_ingest(
            loaded.map,
            events,
            opts,
            engine=engine_of(engine),
            progress=progress,
        )
    finally:
        _end_progress(progress)
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
        cov = "n/a" if conf.coverage is None else f"{conf.coverage:.1%}"
        shadow = "n/a" if conf.undeclared_share is None else f"{conf.undeclared_share:.1%}"
        report += f"coverage {cov}, {shadow} of {conf.transitions:,} transitions on shadow paths\n"
    write_output(output, report, [*loaded.files, *result.files])
    code = exit_code(results, Severity.WARNING)
    if code:
        raise click.exceptions.Exit(int(code))
