"""Options shared by every command that reads a map, and the one way a command loads it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from journeymap.errors import AnalysisError
from journeymap.io import LoadedMap, OverlayFormat, load_map, write_atomic
from journeymap.report.formats import choices

F = TypeVar("F", bound=Callable[..., Any])


def map_options(func: F) -> F:
    """``--data``, ``--scenario``, ``--persona``, ``--goal`` (the options wherever a map is read)."""
    func = click.option(
        "--goal",
        "goal",
        metavar="ID",
        default=None,
        help="Select one goal touchpoint; the other goals become ordinary touchpoints.",
    )(func)
    func = click.option(
        "--persona",
        metavar="ID",
        default=None,
        help="Read the map for one persona (its emotions; its segment overlay via --data).",
    )(func)
    func = click.option(
        "--scenario",
        metavar="NAME",
        default=None,
        help="Apply a scenario of the map (as-is, to-be, ...) before anything else.",
    )(func)
    func = click.option(
        "--data",
        "data",
        metavar="FILE",
        default=None,
        type=click.Path(),
        help="Overlay with the numbers of one period; replaces every count of the map. "
        "A folder of segment overlays picks the one of --persona.",
    )(func)
    return func


def output_option(
    holds: str, *, required: bool = False, stdout: bool = True, metavar: str = "FILE"
) -> Callable[[F], F]:
    """``-o/--output``, the one definition of every command that writes a result to a file.

    ``holds`` says what the file holds ("the report"); a ``required`` output has no default
    (``render``, ``discover``); ``stdout`` says whether ``-`` means standard output (not for
    ``render``, which picks the format by the file's extension). A file is written by
    :func:`write_output`: atomically, and never over one of the command's inputs.

    >>> import click
    >>> @click.command()
    ... @output_option("the report")
    ... def cmd(output: str | None) -> None: ...
    >>> [p.help for p in cmd.params]
    ["Write the report to FILE, atomically and never over an input (default and '-': standard output)."]
    """
    dash = "'-'" if required else "default and '-'"
    where = f" ({dash}: standard output)" if stdout else ""
    return click.option(
        "-o",
        "--output",
        metavar=metavar,
        required=required,
        type=click.Path(dir_okay=False),
        help=f"Write {holds} to {metavar}, atomically and never over an input{where}.",
    )


def overlay_output_options(func: F) -> F:
    """``-o/--output`` and ``--format yaml|json`` of every command that writes an overlay."""
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(choices(OverlayFormat)),
        default=None,
        help="Overlay format [default: json for a .json output, else yaml].",
    )(func)
    return output_option("the overlay")(func)


def overlay_format(fmt: str | None, output: str | None) -> OverlayFormat:
    """The ``--format`` of :func:`overlay_output_options` given, else JSON for a ``.json``
    output and YAML otherwise.

    >>> overlay_format(None, "june.JSON"), overlay_format(None, None), overlay_format("json", "-")
    (<OverlayFormat.JSON: 'json'>, <OverlayFormat.YAML: 'yaml'>, <OverlayFormat.JSON: 'json'>)
    """
    if fmt is not None:
        return OverlayFormat(fmt)
    return OverlayFormat.JSON if output and output.lower().endswith(".json") else OverlayFormat.YAML


confidence_option = click.option(
    "--confidence",
    type=click.FloatRange(0.5, 0.999),
    default=0.95,
    show_default=True,
    help="Level of every interval.",
)
"""``--confidence``: the level of every interval of the command (one definition for every
command that takes it)."""

seed_option = click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap."
)
"""``--seed``: the seed of the bootstrap."""


def samples_option(intervals_of: str) -> Callable[[F], F]:
    """``--samples``: the bootstrap samples of the intervals of ``intervals_of``."""
    return click.option(
        "--samples",
        type=click.IntRange(0),
        default=1000,
        show_default=True,
        help=f"Bootstrap samples for the intervals of {intervals_of}; 0 turns the bootstrap off.",
    )


def bootstrap_options(intervals_of: str) -> Callable[[F], F]:
    """``--samples``, ``--seed``, ``--confidence`` (in that order in the help): the bootstrap
    of the intervals of ``intervals_of`` and the level of every interval."""

    def add(func: F) -> F:
        return samples_option(intervals_of)(seed_option(confidence_option(func)))

    return add


def quiet_option(func: F) -> F:
    return click.option("-q", "--quiet", is_flag=True, help="No progress or summary lines.")(func)


def load(
    path: str,
    data: str | None = None,
    scenario: str | None = None,
    persona: str | None = None,
    goal: str | None = None,
) -> LoadedMap:
    """Load a map for a command; checks that ``goal`` names a goal touchpoint."""
    loaded = load_map(path, data=data, scenario=scenario, persona=persona)
    loaded.map.select_goals(goal)
    return loaded


@contextmanager
def located(loaded: LoadedMap) -> Iterator[None]:
    """Point an analysis error about touchpoints (a closed loop) at the first one's line, with
    its code frame, as ``check`` reports it (JM209)."""
    try:
        yield
    except AnalysisError as exc:
        if exc.touchpoints:
            exc.at(loaded.touchpoint_position(exc.touchpoints[0]), loaded.sources)
        raise


def to_stdout(output: str | None) -> bool:
    """Whether ``-o`` means standard output: not given, or ``-``."""
    return output is None or output == "-"


def write_output(
    output: str | None, data: str | bytes, inputs: Iterable[str | os.PathLike[str]] = ()
) -> None:
    """Write a command's result: standard output for no ``-o`` or ``-o -``, else the file
    (atomically; FIFOs and devices directly; never one of `inputs`, see ``io/atomic.py``)."""
    if not to_stdout(output):
        assert output is not None
        write_atomic(output, data, inputs=inputs)
    else:  # click writes bytes to the binary stream underneath
        click.echo(data, nl=False)
