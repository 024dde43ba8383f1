"""``journeymap experiment``: the readout of an A/B or multi-arm test on the journey (docs/experiments.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from journeymap.cli.event_options import OPTIONS, column_options, make_options
from journeymap.cli.experiment_arms import overlay_arms, parse_arms, read_arms, setup
from journeymap.cli.lang import checked_lang, lang_option
from journeymap.errors import ExitCode, UsageError
from journeymap.i18n import language_for
from journeymap.model import JourneyMap

if TYPE_CHECKING:
    from journeymap.analysis.experiment import ArmInput
    from journeymap.events.settings import IngestOptions


@click.command()
@click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=False))
@click.option(
    "--arm",
    "arm_specs",
    metavar="NAME=OVERLAY",
    multiple=True,
    help="One customer-grain overlay per arm (as `ingest --segment-by` writes them); repeat.",
)
@click.option(
    "--events",
    "event_logs",
    metavar="LOG",
    multiple=True,
    help="Read the arms straight from this event log (repeat for more files) with "
    "--variant-column, instead of --arm.",
)
@click.option(
    "--variant-column",
    metavar="COL",
    default=None,
    help="With --events: the column with each event's arm; a customer's first event with a "
    "variant decides its arm; customers seen in two arms are excluded and counted.",
)
@click.option(
    "--exposure-event",
    metavar="NAME",
    default=None,
    help="With --events: exposure starts at the first such event at or after the "
    "assignment (default: the assignment); only events from exposure on count.",
)
@column_options
@click.option(
    "--lost-after",
    default=None,
    metavar="DURATION",
    help="With --events: a journey whose last event lies within this of the end of the "
    "data is in progress, not an exit [default: 30d].",
)
@click.option(
    "--control", metavar="NAME", default=None, help="The control arm (default: the first --arm)."
)
@click.option(
    "--experiment",
    "experiment_id",
    metavar="ID",
    default=None,
    help="The entry of the map's experiments: block (default: its only entry).",
)
@click.option(
    "--plan",
    "plan_only",
    is_flag=True,
    help="Only the plan: customers per arm and days for the declared effect.",
)
@click.option("--goal", metavar="ID", default=None, help="Conversion to this goal only.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "csv", "github"]),
    default="table",
    show_default=True,
    help="table for people, json for tools, markdown for a PR comment, csv (one figure a "
    "row), github (annotations on the map's experiments: entry).",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write to FILE instead of standard output.",
)
@lang_option
def experiment(
    map_path: str,
    arm_specs: tuple[str, ...],
    event_logs: tuple[str, ...],
    variant_column: str | None,
    exposure_event: str | None,
    customer_column: str | None,
    timestamp_column: str | None,
    event_column: str | None,
    session_column: str | None,
    timezone: str,
    strict: bool,
    session_timeout: str,
    timestamp_unit: str | None,
    max_bad_rows: str,
    identity_columns: tuple[str, ...],
    preset: str | None,
    lost_after: str | None,
    control: str | None,
    experiment_id: str | None,
    plan_only: bool,
    goal: str | None,
    fmt: str,
    output: str | None,
    lang: str | None,
) -> None:
    """Read out an A/B or multi-arm experiment: which arm converts better, where on the journey.

    Per arm: customers, conversions and conversion (Wilson interval). Each arm against the
    control: difference (Newcombe), relative lift (Katz), p-value (pooled z, or Fisher's exact
    test for small counts) with Holm across arms, the chance to beat the control, and the
    always-valid sequential p-value and confidence sequence (mixture SPRT), safe to read every
    day. Sample ratio mismatch against the planned split; drop-off per touchpoint per arm with
    BH q-values; the plan; a decision: ship, harm, inconclusive or invalid.
    Exit 1 on significant harm or an invalid readout (sample ratio mismatch, an empty arm);
    2 when the input cannot be used (one arm, an unknown arm, visit-grain overlays).

    \b
    Examples:
      journeymap experiment maps/shop.yaml --arm control=a.yaml --arm one-page=b.yaml
      journeymap experiment maps/shop.yaml --plan --experiment one-page-checkout
    """
    from journeymap.analysis.experiment_plan import plan
    from journeymap.report.experiment import render, render_plan

    override = checked_lang(lang)
    s = setup(map_path, experiment_id, goal)
    base, exp, design, goal, declared = s.base, s.exp, s.design, s.goal, s.declared
    language = language_for(override, base.map.language)
    specs = parse_arms(arm_specs)
    if (event_logs or variant_column) and (specs or not event_logs or variant_column is None):
        raise UsageError(
            "--events needs --variant-column, and replaces --arm",
            hint="journeymap experiment MAP --events LOG --variant-column variant",
        )
    if plan_only or not (specs or event_logs):
        if not plan_only:
            raise UsageError("give two or more --arm NAME=OVERLAY, or --plan")
        names = declared or ["control", "treatment"]
        text = render_plan(plan(design, s.baseline, len(names), s.daily), fmt, names, lang=language)
        _write(text, output)
        return
    arms = overlay_arms(map_path, specs, s)
    left_out: list[str] = []
    if event_logs and variant_column is not None:
        opts = _speaking(
            lambda: make_options(
                customer_column, timestamp_column, event_column, session_column, timezone,
                strict, session_timeout, "customer", lost_after, goal,
                timestamp_unit=timestamp_unit, max_bad_rows=max_bad_rows,
                identity_columns=identity_columns, preset=preset,
            )
        )  # fmt: skip
        arms, left_out = _event_arms(base.map, event_logs, opts, variant_column, exposure_event)
        for a in arms:
            if declared and a.name not in declared:
                raise UsageError(
                    f"--variant-column: experiment '{design.id}' has no arm '{a.name}'",
                    hint=f"its arms: {', '.join(declared)}",
                )
        arms.sort(key=lambda a: declared.index(a.name) if a.name in declared else len(declared))
        specs = [(a.name, p) for a in arms for p in event_logs[:1]]
    readout = read_arms(map_path, arms, control, s, left_out)
    at = (
        base.locate("experiments", base.map.experiments.index(exp))
        if exp is not None
        else base.locate("id")
    )
    inputs = [map_path, *event_logs, *(p for _, p in specs if p not in event_logs)]
    _write(render(readout, fmt, at, lang=language), output, inputs=inputs)
    if readout.decision.value in ("harm", "invalid"):
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


T = TypeVar("T")


def _speaking(run: Callable[[], T]) -> T:
    """Run ``run``, spelling the event layer's settings as this command's options."""
    from journeymap.events.settings import SettingError

    spelling = {**OPTIONS, "segment_by": "--variant-column"}
    try:
        return run()
    except SettingError as exc:
        raise exc.spelled(spelling.get(exc.setting, exc.setting)) from None


def _event_arms(
    jm: JourneyMap,
    logs: tuple[str, ...],
    opts: IngestOptions,
    variant_column: str,
    exposure_event: str | None,
) -> tuple[list[ArmInput], list[str]]:
    """The arms read from the log, as graphs, with their excluded customers."""
    from journeymap.analysis.experiment import ArmInput
    from journeymap.events.experiment_arms import ingest_arms
    from journeymap.graph import build_graph

    log = _speaking(lambda: ingest_arms(jm, logs, opts, variant_column, exposure_event))
    if not log.arms:
        raise UsageError(
            f"--variant-column {variant_column}: no event of the log has a variant",
            hint="name the column that holds each event's arm",
        )
    notes = [
        f"rows left out: {log.rows_before_exposure:,} before exposure, "
        f"{log.rows_without_variant:,} of customers without a variant"
    ]
    return [ArmInput(a.name, build_graph(jm, a.overlay), a.excluded) for a in log.arms], notes


def _write(text: str, output: str | None, inputs: list[str] | None = None) -> None:
    if output:
        from journeymap.io import write_atomic

        write_atomic(output, text, inputs=inputs or [])
    else:
        click.echo(text, nl=False)
