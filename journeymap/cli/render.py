"""``journeymap render``: draw one view of a map to a file (optionally re-drawing on every save)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from journeymap.analysis.cohorts import COHORT_BY
from journeymap.cli.cohorts import cohort_view_options
from journeymap.cli.experiment_arms import event_arm_options
from journeymap.cli.lang import checked_lang, lang_option
from journeymap.cli.options import (
    load,
    located,
    map_options,
    output_option,
    quiet_option,
    samples_option,
    seed_option,
    write_output,
)
from journeymap.errors import JourneymapError, UsageError
from journeymap.render.scene import COLOR_BY, CURVES

if TYPE_CHECKING:
    from journeymap.analysis.experiment import Readout
    from journeymap.cli.cohorts import CohortView
    from journeymap.cli.experiment_arms import EventArms
    from journeymap.render.report_trend import TrendData

VIEW_NAMES = (
    "graph",
    "canvas",
    "funnel",
    "leaks",
    "scores",
    "emotions",
    "mermaid",
    "mermaid-flow",
    "report",
    "experiment",
    "trend",
    "deck",
    "cohorts",
    "opportunities",
)


@click.command("render")
@click.argument("map_file", metavar="MAP", required=False, type=click.Path())
@click.argument("periods", metavar="[DATA]...", nargs=-1, type=click.Path())
@map_options
@click.option(
    "--view",
    required=True,
    type=click.Choice(VIEW_NAMES),
    help="What to draw; the format follows the extension of -o "
    "(graph: svg png pdf dot; canvas, funnel, leaks, scores, emotions: svg png pdf; "
    "mermaid, mermaid-flow: mmd; report: html; experiment: svg png pdf; trend: svg png pdf, "
    "with the overlays of its periods as DATA; deck: pptx, with the experiment and trend slides "
    "when --arm or DATA are given; opportunities: svg png pdf, the value-versus-effort matrix).",
)
@output_option("the view", required=True, stdout=False)
@click.option(
    "--theme",
    type=click.Choice(["light", "dark", "print"]),
    default="light",
    show_default=True,
    help="Colours; every theme is colour-blind safe.",
)
@click.option(
    "--color-by",
    type=click.Choice(COLOR_BY),
    default="drop_off",
    show_default=True,
    help="What colours the graph's touchpoints.",
)
@click.option(
    "--curves",
    type=click.Choice(CURVES),
    default="auto",
    show_default=True,
    help="Emotion curves on canvas and emotions: one per persona, one per scenario "
    "(the map and each of its scenarios), or a single one; auto: per persona when "
    "the map has emotions per persona and no --persona is given.",
)
@click.option(
    "--page",
    type=click.Choice(["A3", "A4"], case_sensitive=False),
    default="A3",
    show_default=True,
    help="Canvas page size (landscape).",
)
@samples_option("the leaks view, the report and the deck")
@seed_option
@click.option(
    "--watch",
    is_flag=True,
    help="Keep running and re-render whenever the map, its includes or the overlay change.",
)
@click.option(
    "--arm",
    "arm_specs",
    metavar="NAME=OVERLAY",
    multiple=True,
    help="experiment view, report, deck: one customer-grain overlay per arm of an experiment "
    "(as `ingest --segment-by` writes them); repeat.",
)
@event_arm_options
@cohort_view_options
@click.option(
    "--control",
    metavar="NAME",
    default=None,
    help="With --arm: the control arm (default: the first).",
)
@click.option(
    "--experiment",
    "experiment_id",
    metavar="ID",
    default=None,
    help="With --arm: the entry of the map's experiments: block (default: its only entry).",
)
@lang_option
@quiet_option
def render(
    map_file: str | None,
    periods: tuple[str, ...],
    data: str | None,
    scenario: str | None,
    persona: str | None,
    goal: str | None,
    view: str,
    output: str,
    theme: str,
    color_by: str,
    curves: str,
    page: str,
    samples: int,
    seed: int,
    watch: bool,
    arm_specs: tuple[str, ...],
    events: EventArms,
    cohort: CohortView,
    control: str | None,
    experiment_id: str | None,
    lang: str | None,
    quiet: bool,
) -> None:
    """Draw one view of MAP to a file: graph, canvas, charts, Mermaid, the HTML report or a deck.

    \b
    Examples:
      journeymap render maps/shop.yaml --view graph -o shop.svg
      journeymap render maps/shop.yaml --view canvas --page A4 -o shop.pdf
      journeymap render maps/shop.yaml --view report -o shop.html
      journeymap render maps/shop.yaml --view deck -o shop.pptx
      journeymap render maps/shop.yaml --view canvas -o wall.png --watch
      journeymap render maps/shop.yaml --view trend overlays/2026-*.yaml -o trend.svg
      journeymap render maps/shop.yaml --view experiment --arm a=a.yaml --arm b=b.yaml -o ab.svg
      journeymap render maps/shop.yaml --view experiment --events log.csv --variant-column v -o ab.svg
      journeymap render --view cohorts logs.csv --goal-event buy --by month -o heat.svg
    """
    from journeymap.render import view_format
    from journeymap.render.build import render_loaded

    fmt = view_format(view, output)
    language = checked_lang(lang)
    if view == "cohorts":
        _cohorts(map_file, periods, cohort, events, goal, theme, fmt, output, language or "en")
        if not quiet:
            click.echo(f"wrote {output} ({view} view)", err=True)
        return
    if map_file is None:
        raise UsageError(
            f"the {view} view draws a map: give MAP",
            hint=f"journeymap render MAP --view {view} -o FILE (only the cohorts view reads "
            "event logs without a map)",
        )
    if periods and view not in ("trend", "report", "deck"):
        raise UsageError(
            f"the {view} view draws one period: give its numbers with --data",
            hint="the overlays of several periods (DATA...) are for --view trend, report and deck",
        )
    arms = _experiment_arms(view, arm_specs, events)

    def once() -> list[Path]:
        if view == "trend":
            return _trend_once(map_file, periods, goal, theme, fmt, output, language)
        trend_data, read = _trend_data(map_file, periods, goal) if periods else (None, [])
        loaded = load(map_file, data=data, scenario=scenario, persona=persona, goal=goal)
        readout = _readout(map_file, arm_specs, events, control, experiment_id, goal)
        with located(loaded):
            payload = render_loaded(
                loaded,
                view,
                fmt,
                theme=theme,
                color_by=color_by,
                goal=goal,
                page=page,
                curves=curves,
                samples=samples,
                seed=seed,
                experiment=readout,
                trend=trend_data,
                lang=language,
            )
        write_output(output, payload, [*loaded.files, *arms, *read])
        return [*loaded.files, *arms, *read]

    if not watch:
        once()
        if not quiet:
            click.echo(f"wrote {output} ({view} view)", err=True)
        return
    _watch(once, output, quiet)


def _trend_data(
    map_file: str, periods: tuple[str, ...], goal: str | None
) -> tuple[TrendData, list[Path]]:
    """The trend of the overlays DATA (files or folders, as ``journeymap trend`` reads them)
    and the files read."""
    from journeymap.analysis.trend import trend
    from journeymap.cli.trend import overlay_periods
    from journeymap.render.report_trend import TrendData

    inputs, read, _map = overlay_periods(map_file, periods, goal)
    result = trend(inputs, goal=goal)
    data = TrendData(result)
    return data, [Path(f) for f in dict.fromkeys(read)]


def _trend_once(
    map_file: str,
    periods: tuple[str, ...],
    goal: str | None,
    theme: str,
    fmt: str,
    output: str,
    lang: str | None,
) -> list[Path]:
    """Draw the trend view of the overlays DATA."""
    from journeymap.render.scene import build_scene
    from journeymap.render.trend_chart import trend_chart

    if not periods:
        raise UsageError(
            "the trend view needs the overlays of its periods",
            hint="give them after MAP: render MAP --view trend overlays/2026-*.yaml -o trend.svg",
        )
    data, files = _trend_data(map_file, periods, goal)
    scene = build_scene(load(map_file, goal=goal).map, theme=theme, goal=goal, lang=lang)
    write_output(output, trend_chart(scene, data.trend, data.surveys, fmt), files)
    return files


def _cohorts(
    map_file: str | None,
    periods: tuple[str, ...],
    cohort: CohortView,
    events: EventArms,
    goal: str | None,
    theme: str,
    fmt: str,
    output: str,
    lang: str,
) -> None:
    """The cohorts heatmap of the event logs (every positional argument is a log), read and
    drawn as ``journeymap cohorts --chart`` does (one code path)."""
    from journeymap.cli.cohorts import chart_bytes, check_goal_source, run_log
    from journeymap.events.cohorts import CohortSettings

    logs = tuple(p for p in (map_file, *periods) if p is not None)
    if not logs:
        raise UsageError(
            "the cohorts view needs the event log(s)",
            hint="journeymap render --view cohorts LOG... --goal-event NAME -o heat.svg",
        )
    if events.event_logs or events.variant_column:
        raise UsageError(
            "the cohorts view reads its logs as positional arguments, not with --events",
            hint="journeymap render --view cohorts LOG... --goal-event NAME -o heat.svg",
        )
    check_goal_source(cohort.goal_event, cohort.map_path, goal)
    by = next(b for b in COHORT_BY if b == cohort.by)
    settings = CohortSettings(by, cohort.include_partial, None, None)
    opts = events.options(goal)
    loaded, _, run = run_log(
        logs, cohort.goal_event, cohort.map_path, opts, settings, "duckdb", True
    )
    inputs = [*(loaded.files if loaded else ()), *run.files]
    write_output(output, chart_bytes(run, fmt, theme, lang), inputs)


def _experiment_arms(view: str, arm_specs: tuple[str, ...], events: EventArms) -> list[Path]:
    """The files of ``--arm`` or ``--events`` (read by the experiment view and the report only)."""
    from journeymap.cli.experiment_arms import parse_arms
    from journeymap.errors import UsageError
    from journeymap.render import NEEDS_ARMS

    if view in NEEDS_ARMS and not (arm_specs or events.event_logs):
        raise UsageError(
            "the experiment view needs two or more --arm NAME=OVERLAY, or --events LOG "
            "--variant-column COL",
            hint="for example --arm control=arms/control.yaml --arm one-page=arms/one-page.yaml",
        )
    if (arm_specs or events.event_logs) and view not in {*NEEDS_ARMS, "report", "deck"}:
        given = "--arm" if arm_specs else "--events"
        raise UsageError(
            f"{given} is read by the experiment view, the report and the deck, not the {view} view",
            hint="draw the arms with --view experiment, or --view report for the whole page",
        )
    return [Path(p) for _, p in parse_arms(arm_specs)] + [Path(p) for p in events.event_logs]


def _readout(
    map_file: str,
    arm_specs: tuple[str, ...],
    events: EventArms,
    control: str | None,
    experiment_id: str | None,
    goal: str | None,
) -> Readout | None:
    """The experiment's readout when ``--arm`` or ``--events`` is given (as ``journeymap
    experiment`` reads it)."""
    if not (arm_specs or events.event_logs or events.variant_column):
        return None
    from journeymap.cli.experiment_arms import arm_readout

    return arm_readout(map_file, arm_specs, control, experiment_id, goal, events)


def _watch(render_once: Callable[[], list[Path]], output: str, quiet: bool) -> None:
    """Render, then re-render on every change of the files the last render read.

    watchfiles (inotify through Rust's notify) watches the folders of those files, so editors
    that save by writing a new file and renaming it are seen too; the map is loaded again on
    every change, so a new include is watched from the next save on.
    """
    from watchfiles import watch

    files = render_once()  # the first render fails loudly (exit 2) like a plain render
    click.echo(f"wrote {output}; watching {len(files)} file(s), Ctrl-C to stop", err=True)
    while True:
        targets = {f.resolve() for f in files}
        folders = sorted({f.parent for f in targets})

        def only_inputs(_change: object, path: str, targets: set[Path] = targets) -> bool:
            return Path(path).resolve() in targets

        try:
            for _ in watch(
                *folders, watch_filter=only_inputs, debounce=40, step=10, raise_interrupt=True
            ):
                break
        except KeyboardInterrupt:
            return
        start = time.perf_counter()
        try:
            files = render_once()
        except JourneymapError as exc:
            click.echo(exc.render(), err=True)
            click.echo("not re-rendered; fix the map and save again", err=True)
            continue
        if not quiet:
            click.echo(f"re-rendered {output} in {time.perf_counter() - start:.2f} s", err=True)
