"""``journeymap trend``: a journey over many periods, and which changes are real."""

from __future__ import annotations

from pathlib import Path

import click

from journeymap.cli.options import load, quiet_option, to_stdout, write_output
from journeymap.errors import UsageError
from journeymap.report.formats import choices
from journeymap.report.trend import TrendFormat

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
    "--goal",
    "goal",
    metavar="ID",
    default=None,
    help="Select one goal touchpoint; the other goals become ordinary touchpoints.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices(TrendFormat)),
    default="table",
    show_default=True,
    help="table for people, json for tools, csv (long), markdown.",
)
@click.option(
    "--confidence",
    type=click.FloatRange(0.5, 0.999),
    default=0.95,
    show_default=True,
    help="Level of every interval.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write to FILE instead of standard output.",
)
@quiet_option
def trend(
    map_path: str,
    data: tuple[str, ...],
    goal: str | None,
    fmt: str,
    confidence: float,
    output: str | None,
    quiet: bool,
) -> None:
    """Follow conversion and drop-off over many periods and flag the changes that are real.

    DATA are overlays of MAP (files, or folders of them), one per period; they are ordered by
    their period, never by the order given, and two overlapping periods are an error. Flags:
    a point beyond its p-chart limits (Laney p' when periods vary more than sampling explains),
    eight periods in a row on one side of the centre line, a significant change between
    consecutive periods (Benjamini-Hochberg across touchpoints) and a monotone trend
    (Cochran-Armitage). Exit 0; 2 when an input cannot be used.

    \b
    Examples:
      journeymap trend maps/first-purchase.yaml overlays/2026-*.yaml
      journeymap trend maps/first-purchase.yaml overlays/ --format json -o trend.json
    """
    from journeymap.analysis.trend import PeriodInput
    from journeymap.analysis.trend import trend as run_trend
    from journeymap.graph import build_graph
    from journeymap.report.trend import render_trend

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
    text = render_trend(run_trend(inputs, goal=goal, confidence=confidence), fmt)
    write_output(output, text, list(dict.fromkeys(read)))
    if not to_stdout(output) and not quiet:
        click.echo(f"wrote {output}", err=True)
