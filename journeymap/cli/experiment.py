"""``journeymap experiment``: the readout of an A/B or multi-arm test on the journey (docs/experiments.md)."""

from __future__ import annotations

import click

from journeymap.cli.experiment_arms import (
    EventArms,
    check_sources,
    event_arm_options,
    event_arms,
    overlay_arms,
    parse_arms,
    read_arms,
    setup,
)
from journeymap.cli.lang import checked_lang, lang_option
from journeymap.cli.options import output_option, quiet_option, write_output
from journeymap.errors import ExitCode, UsageError
from journeymap.i18n import language_for


@click.command()
@click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=False))
@click.option(
    "--arm",
    "arm_specs",
    metavar="NAME=OVERLAY",
    multiple=True,
    help="One customer-grain overlay per arm (as `ingest --segment-by` writes them); repeat.",
)
@event_arm_options
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
@output_option("the readout (or the plan)")
@lang_option
@quiet_option
def experiment(
    map_path: str,
    arm_specs: tuple[str, ...],
    events: EventArms,
    control: str | None,
    experiment_id: str | None,
    plan_only: bool,
    goal: str | None,
    fmt: str,
    output: str | None,
    lang: str | None,
    quiet: bool,
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
    check_sources(specs, events)
    if plan_only or not (specs or events.event_logs):
        if not plan_only:
            raise UsageError("give two or more --arm NAME=OVERLAY, or --plan")
        names = declared or ["control", "treatment"]
        text = render_plan(plan(design, s.baseline, len(names), s.daily), fmt, names, lang=language)
        write_output(output, text)
        return
    arms = overlay_arms(map_path, specs, s)
    left_out: list[str] = []
    if events.event_logs:
        arms, left_out = event_arms(base.map, events, s, quiet)
        specs = [(a.name, p) for a in arms for p in events.event_logs[:1]]
    readout = read_arms(map_path, arms, control, s, left_out)
    at = (
        base.locate("experiments", base.map.experiments.index(exp))
        if exp is not None
        else base.locate("id")
    )
    logs = events.event_logs
    inputs = [map_path, *logs, *(p for _, p in specs if p not in logs)]
    write_output(output, render(readout, fmt, at, lang=language), inputs)
    if readout.decision.value in ("harm", "invalid"):
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))
