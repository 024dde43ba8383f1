"""The command line: thin click commands wiring options to the library. The only layer that prints or exits.

Commands are loaded lazily (``COMMANDS`` maps a name to ``module:attribute``), so
``journeymap check`` never imports the rendering or event-log engines.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import sys
from typing import Any

import click

from journeymap import __version__
from journeymap.errors import ExitCode, JourneymapError

# The linear algebra of a journey map is many small solves (a few thousand states at most):
# BLAS threads only spin against each other there, and on a shared 2-core runner they made
# `analyze` of a 2,000-touchpoint map 3x slower. One thread unless the user says otherwise;
# set before numpy is first imported (every command imports it lazily, after this).
for _blas in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_blas, "1")

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "journeymap.cli.validate:validate",
        "Validate maps and overlays; print every error with its line.",
    ),
    "schema": (
        "journeymap.cli.validate:schema",
        "Print the JSON Schema of the map (or overlay) format.",
    ),
    "init": ("journeymap.cli.validate:init", "Write a commented starter map."),
    "ingest": (
        "journeymap.cli.ingest:ingest",
        "Count an event log onto a map as an overlay (DuckDB or Spark).",
    ),
    "analyze": (
        "journeymap.cli.analyze:analyze",
        "Rank leaks: flow, conversion, what each leak costs, with intervals.",
    ),
    "check": (
        "journeymap.cli.check:check",
        "Check maps against their limits, lint and a baseline (CI).",
    ),
    "diff": ("journeymap.cli.check:diff", "Show structural and numeric changes between two maps."),
    "render": (
        "journeymap.cli.render:render",
        "Draw a view of a map: graph, canvas, charts, Mermaid, HTML report.",
    ),
    "discover": ("journeymap.cli.discover:discover", "Draft a commented map from an event log."),
    "ingest-survey": (
        "journeymap.cli.survey:ingest_survey",
        "Turn a survey export into an overlay's responses.",
    ),
    "import": (
        "journeymap.cli.imports:import_group",
        "Turn funnel reports and path tables into overlays.",
    ),
    "conform": (
        "journeymap.cli.conform:conform",
        "Compare an event log with a map: shadow paths, unused parts.",
    ),
    "trend": (
        "journeymap.cli.trend:trend",
        "Follow a journey over many periods; flag the changes that are real.",
    ),
    "cohorts": (
        "journeymap.cli.cohorts:cohorts",
        "Cohort retention from an event log: who comes back, period after period.",
    ),
    "experiment": (
        "journeymap.cli.experiment:experiment",
        "Read out an A/B or multi-arm test: lift, intervals, where it moved, a decision.",
    ),
    "opportunities": (
        "journeymap.cli.opportunities:opportunities",
        "Rank the opportunities by the value at stake per unit of effort.",
    ),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: ARG002 (click's signature)
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:  # noqa: ARG002
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module_name, attr = spec[0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            from journeymap.errors import did_you_mean

            hint = did_you_mean(name, list(COMMANDS))
            raise click.UsageError(f"no such command '{name}'" + (f"; {hint}" if hint else ""), ctx)
        return super().resolve_command(ctx, args)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(
    __version__, "--version", "-V", prog_name="journeymap", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Customer journey maps as code.

    Keep journey maps in git as YAML, validate them, find where customers leave
    (leak points) and what that costs, render workshop visuals, and gate CI.

    \b
    Start here:
      journeymap init journey.yaml        write a commented starter map
      journeymap validate maps/           check maps with file:line:col errors
    Exit codes: 0 clean, 1 findings, 2 the input cannot be used.
    """


OPTION_OF_ERROR: tuple[tuple[str, str], ...] = (
    ("journeymap.model:UnknownGoalError", "--goal"),
    ("journeymap.io.loader:PersonaNeededError", "--persona"),
)
"""Domain errors (``module:class``) that one option causes: the library speaks of the setting,
the CLI names the option. Classes are looked up only when an error is printed."""


def for_option(exc: JourneymapError) -> JourneymapError:
    """Prefix the message of a domain error with the option that caused it (see OPTION_OF_ERROR).

    >>> from journeymap.model import UnknownGoalError
    >>> print(for_option(UnknownGoalError("payd", ["paid"])).render())
    --goal: the map has no goal 'payd'; did you mean 'paid'?
    """
    for name, option in OPTION_OF_ERROR:
        module, _, attr = name.partition(":")
        if module not in sys.modules:
            continue  # never imported, so never raised
        cls = getattr(sys.modules[module], attr)
        if isinstance(exc, cls) and exc.diagnostics:
            first = exc.diagnostics[0]
            exc.diagnostics[0] = dataclasses.replace(first, message=f"{option}: {first.message}")
            break
    return exc


def _freeze_imports(args: list[str]) -> None:
    """Import the command's module, then move every object made so far (modules, classes, the
    pydantic validators) out of the cyclic collector's passes (`gc.freeze`): they live as long
    as the process, and each pass over them, the last one at exit included, cost a large
    ``validate`` or a cold ``check`` a tenth of its time (issue 14). Only for the process's own
    command line: a caller of :func:`main` (a test) keeps its collector as it is."""
    import gc

    spec = COMMANDS.get(args[0]) if args else None
    if spec is not None:
        importlib.import_module(spec[0].split(":")[0])
    gc.freeze()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: our errors print one message (no traceback) and exit with their code."""
    from journeymap.cli.interrupts import Interrupted, interruptible

    try:
        with interruptible():
            if argv is None:
                _freeze_imports(sys.argv[1:])
            rc = cli.main(args=argv, prog_name="journeymap", standalone_mode=False)
    except Interrupted as exc:
        click.echo(exc.message, err=True)
        sys.exit(exc.exit_code)
    except JourneymapError as exc:
        click.echo(for_option(exc).render(), err=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.ERROR))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(rc if isinstance(rc, int) else 0)
