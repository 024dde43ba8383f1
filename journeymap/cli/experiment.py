"""``journeymap experiment``: the readout of an A/B or multi-arm test on the journey (docs/experiments.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from journeymap.cli.event_options import OPTIONS, column_options, make_options
from journeymap.cli.options import load, located
from journeymap.errors import ExitCode, UsageError, did_you_mean
from journeymap.model import Experiment, JourneyMap, PeriodRange, period_bounds

if TYPE_CHECKING:
    from journeymap.analysis.experiment import ArmInput
    from journeymap.analysis.experiment_plan import Design
    from journeymap.events.settings import IngestOptions


def _arms(values: tuple[str, ...]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for v in values:
        name, sep, path = v.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(
                f"--arm '{v}' is not NAME=OVERLAY",
                hint="for example --arm control=overlays/control.yaml",
            )
        if name.strip() in [n for n, _ in out]:
            raise UsageError(f"--arm '{name.strip()}' is given twice")
        out.append((name.strip(), path.strip()))
    return out


def _experiment(jm: JourneyMap, experiment_id: str | None) -> Experiment | None:
    if experiment_id is None:
        return jm.experiments[0] if len(jm.experiments) == 1 else None
    for exp in jm.experiments:
        if exp.id == experiment_id:
            return exp
    ids = [e.id for e in jm.experiments]
    raise UsageError(
        f"--experiment: the map has no experiment '{experiment_id}'",
        hint=did_you_mean(experiment_id, ids)
        or (f"its experiments: {', '.join(ids)}" if ids else "the map has no experiments: block"),
    )


def _design(exp: Experiment | None) -> Design:
    from journeymap.analysis.experiment_plan import Design, Effect, GuardrailSpec
    from journeymap.model import parse_effect

    if exp is None:
        return Design()
    if exp.primary.metric != "conversion":
        raise UsageError(
            f"experiment '{exp.id}': the primary metric '{exp.primary.metric}' is not read out yet",
            hint="journeymap experiment reads out conversion",
        )
    value, relative = exp.effect
    return Design(
        id=exp.id,
        split={a.name: a.split for a in exp.arms if a.split is not None},
        effect=Effect(value, relative),
        alpha=exp.alpha,
        power=exp.power,
        guardrails=tuple(
            GuardrailSpec(
                g.metric,
                g.touchpoint,
                None if g.tolerance is None else Effect(*parse_effect(g.tolerance)),
            )
            for g in exp.guardrails
        ),
        scenario=exp.scenario,
    )


def _days(period: str | PeriodRange | None) -> int | None:
    if period is None:
        return None
    start, end = period_bounds(period)
    return (end - start).days + 1


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
    from journeymap.analysis.experiment import ArmInput, read_out, require_customer_grain
    from journeymap.analysis.experiment_plan import map_baseline, plan
    from journeymap.graph import build_graph
    from journeymap.report.experiment import render, render_plan

    base = load(map_path, goal=goal)
    exp = _experiment(base.map, experiment_id)
    design = _design(exp)
    if goal is None and exp is not None and exp.primary.touchpoint is not None:
        goal = exp.primary.touchpoint
    declared = [a.name for a in exp.arms] if exp is not None else []
    specs = _arms(arm_specs)
    if (event_logs or variant_column) and (specs or not event_logs or variant_column is None):
        raise UsageError(
            "--events needs --variant-column, and replaces --arm",
            hint="journeymap experiment MAP --events LOG --variant-column variant",
        )
    started, baseline = map_baseline(build_graph(base.map, base.overlay), goal)
    days = _days(base.period)
    daily = started / days if days and started else None
    if plan_only or not (specs or event_logs):
        if not plan_only:
            raise UsageError("give two or more --arm NAME=OVERLAY, or --plan")
        names = declared or ["control", "treatment"]
        text = render_plan(plan(design, baseline, len(names), daily), fmt, names)
        _write(text, output)
        return
    for name, _ in specs:
        if declared and name not in declared:
            raise UsageError(
                f"--arm: experiment '{design.id}' has no arm '{name}'",
                hint=did_you_mean(name, declared) or f"its arms: {', '.join(declared)}",
            )
    arms: list[ArmInput] = []
    left_out: list[str] = []
    for name, path in specs:
        loaded = load(map_path, data=path, goal=goal)
        require_customer_grain(name, loaded.overlay)
        arms.append(ArmInput(name, build_graph(loaded.map, loaded.overlay)))
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
    names = [n for n, _ in specs]
    control_name = control or specs[0][0]
    if control_name not in names:
        raise UsageError(
            f"--control: no arm named '{control_name}'",
            hint=did_you_mean(control_name, names) or f"the arms: {', '.join(names)}",
        )
    pred = None
    if design.scenario is not None:
        from journeymap.analysis.experiment_scenario import prediction

        to_be = load(map_path, scenario=design.scenario, goal=goal)
        with located(to_be):
            pred = prediction(
                design.scenario,
                build_graph(base.map, base.overlay),
                build_graph(to_be.map, to_be.overlay),
                goal,
            )
    with located(base):
        readout = read_out(
            arms,
            control_name,
            design,
            goal=goal,
            daily_customers=daily,
            prediction=pred,
            left_out=left_out,
        )
    at = (
        base.locate("experiments", base.map.experiments.index(exp))
        if exp is not None
        else base.locate("id")
    )
    inputs = [map_path, *event_logs, *(p for _, p in specs if p not in event_logs)]
    _write(render(readout, fmt, at), output, inputs=inputs)
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
