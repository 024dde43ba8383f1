"""``journeymap opportunities``: the ranked portfolio, priced by the value at stake."""

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


@click.command()
@click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=False))
@map_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "csv"]),
    default="table",
    show_default=True,
    help="table for people, json for tools, markdown for issues and PRs, csv = one row each.",
)
@bootstrap_options("the value at stake")
@output_option("the opportunities")
@lang_option
@quiet_option
def opportunities(
    map_path: str,
    data: str | None,
    scenario: str | None,
    persona: str | None,
    goal: str | None,
    fmt: str,
    samples: int,
    seed: int,
    confidence: float,
    output: str | None,
    lang: str | None,
    quiet: bool,
) -> None:
    """Rank the map's opportunities by the value at stake per unit of effort.

    Each opportunity object (one with an id) is priced from the measured flow, never typed:
    with 'expected' the exact what-if gain of the touchpoints it addresses, with 'scenario'
    the scenario's gain against the map as written, otherwise the leak cost of the touchpoints
    it addresses (an upper bound, labelled leak bound). Open ones (idea, planned,
    in-progress) with an effort are ranked; done and dropped ones are listed after them.
    With --scenario the what-if and leak bounds are priced on the map with that scenario
    applied. Exit 0; 2 when the map cannot be used.

    \b
    Examples:
      journeymap opportunities maps/shop.yaml
      journeymap opportunities maps/shop.yaml --data q3.yaml --format markdown -o portfolio.md
      journeymap opportunities maps/shop.yaml --format json --samples 0
    """
    from journeymap.analysis.portfolio import portfolio_of
    from journeymap.analysis.run import Options
    from journeymap.i18n import language_for
    from journeymap.report.opportunities import render_portfolio

    chosen = checked_lang(lang)
    loaded = load(map_path, data=data, scenario=scenario, persona=persona, goal=goal)
    options = Options(
        goal=goal,
        samples=samples,
        seed=seed,
        confidence=confidence,
        scenario=scenario,
        persona=persona,
    )
    with located(loaded):
        pf = portfolio_of(loaded, options)
    inputs = [str(f) for f in loaded.files]
    text = render_portfolio(pf, fmt, language_for(chosen, loaded.map.language))
    write_output(output, text, inputs)
    if not to_stdout(output) and not quiet:
        click.echo(f"wrote {output}", err=True)
