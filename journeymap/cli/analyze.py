"""``journeymap analyze``: flow, conversion and leak cost with honest uncertainty."""

from __future__ import annotations

import click

from journeymap.cli.lang import checked_lang, lang_option
from journeymap.cli.options import (
    bootstrap_options,
    load,
    located,
    map_options,
    output_option,
    quiet_option,
    to_stdout,
    write_output,
)
from journeymap.collector import collector_paused
from journeymap.errors import UsageError
from journeymap.i18n import language_for


def _targets(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        src, sep, dst = v.partition("=")
        if not sep or not src or not dst:
            raise UsageError(
                f"--what-if-target '{v}' is not FROM=TO",
                hint="for example --what-if-target checkout=order-confirmed",
            )
        out[src.strip()] = dst.strip()
    return out


@click.command()
@click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=False))
@map_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "csv"]),
    default="table",
    show_default=True,
    help="table for people, json for tools, markdown for issues and PRs, csv = the leak table.",
)
@click.option(
    "--table",
    "table",
    type=click.Choice(["leaks", "metrics"]),
    default="leaks",
    show_default=True,
    help="With --format csv: leaks = the ranked leaks, metrics = the CX figures in long form "
    "(metric, subject, value, low, high, n, unit, formula, reason).",
)
@click.option(
    "--what-if",
    "what_if",
    metavar="PCT",
    type=click.FloatRange(0, 100),
    default=10.0,
    show_default=True,
    help="Close PCT% of each leak's exits in the what-if.",
)
@click.option(
    "--what-if-target",
    "what_if_target",
    metavar="FROM=TO",
    multiple=True,
    help="Send FROM's closed exits along its transition to TO instead of pro rata (repeatable).",
)
@bootstrap_options("leak costs")
@click.option(
    "--compare-data",
    "compare_data",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Compare side by side with the map read with this overlay (for example the "
    "previous period): a is this overlay, b is --data (or the map's own numbers).",
)
@click.option(
    "--compare-scenario",
    "compare_scenario",
    metavar="NAME",
    help="Compare side by side with this scenario of the map (a = the analysis "
    "without it, or with --scenario; b = NAME).",
)
@click.option(
    "--by",
    type=click.Choice(["channel", "stage"]),
    help="Also show figures by channel (or stage) and credit the conversions to them "
    "(removal effects, with first and last touch beside them); csv becomes one row per group.",
)
@output_option("the analysis")
@lang_option
@quiet_option
@collector_paused()
def analyze(
    map_path: str,
    data: str | None,
    scenario: str | None,
    persona: str | None,
    goal: str | None,
    fmt: str,
    table: str,
    what_if: float,
    what_if_target: tuple[str, ...],
    samples: int,
    seed: int,
    confidence: float,
    compare_data: str | None,
    compare_scenario: str | None,
    by: str | None,
    output: str | None,
    lang: str | None,
    quiet: bool,
) -> None:
    """Find where customers leave, what it costs and which fix is worth most.

    Ranks leaks by expected conversions lost (x value per conversion), with drop-off
    (Wilson interval), a bootstrap interval of the cost, the what-if of closing --what-if %
    of the exits, removal effects, the best next touchpoint and the survey context.
    Figures are counted in transitions (visits). Exit 0; 2 when the map cannot be used
    (for example a closed loop customers can never leave).

    \b
    Examples:
      journeymap analyze maps/shop.yaml
      journeymap analyze maps/shop.yaml --data q3.yaml --format markdown -o leaks.md
      journeymap analyze maps/shop.yaml --data q3.yaml --compare-data q2.yaml
      journeymap analyze maps/shop.yaml --by channel
    """
    from journeymap.analysis import Analysis, compare
    from journeymap.analysis import analyze as run_analysis
    from journeymap.analysis.results import Grouping
    from journeymap.graph import build_graph
    from journeymap.report.analysis import render_analysis

    targets = _targets(what_if_target)
    override = checked_lang(lang)
    declared: list[str] = []
    if by is not None and (compare_data is not None or compare_scenario is not None):
        raise UsageError(
            "--by cannot be combined with --compare-data or --compare-scenario",
            hint="run analyze --by once for each period or scenario",
        )
    if table != "leaks" and fmt != "csv":
        raise UsageError(
            f"--table {table} applies to --format csv",
            hint="the table, Markdown and JSON formats show the CX figures already",
        )

    def run(overlay_path: str | None, scenario_name: str | None) -> tuple[Analysis, list[str]]:
        loaded = load(
            map_path, data=overlay_path, scenario=scenario_name, persona=persona, goal=goal
        )
        declared.append(loaded.map.language)
        with located(loaded):
            result = run_analysis(
                build_graph(loaded.map, loaded.overlay),
                goal=goal,
                what_if=what_if / 100,
                what_if_target=targets,
                samples=samples,
                seed=seed,
                confidence=confidence,
                scenario=scenario_name,
                persona=persona,
                by=None if by is None else Grouping(by),
            )
        return result, [str(f) for f in loaded.files]

    result, inputs = run(data, scenario)
    if compare_data is not None or compare_scenario is not None:
        other_result, more = run(
            compare_data if compare_data is not None else data,
            compare_scenario if compare_scenario is not None else scenario,
        )
        inputs += more
        if compare_data is not None:  # the other period is the baseline (a)
            same = other_result.settings.period == result.settings.period
            side_by_side = compare(
                other_result,
                result,
                labels=(compare_data, data or map_path) if same else (None, None),
            )
        else:
            side_by_side = compare(
                result, other_result, labels=(scenario or "as written", compare_scenario)
            )
        if table != "leaks":
            raise UsageError(
                f"--table {table} is not available with --compare-data or --compare-scenario",
                hint="write the CX figures of each side with its own analyze run",
            )
        text = render_analysis(side_by_side, fmt, lang=language_for(override, declared[0]))
    else:
        text = render_analysis(result, fmt, table, lang=language_for(override, declared[0]))
    write_output(output, text, inputs)
    if not to_stdout(output) and not quiet:
        click.echo(f"wrote {output}", err=True)
