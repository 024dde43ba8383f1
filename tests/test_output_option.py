"""``-o/--output``: one definition (``cli.options.output_option``) in every command that writes.

Every command's ``-o`` is the option that definition builds (same names, type and help
sentence, differing only in what the file holds and whether it is required), and ``-`` means
standard output in each (``experiment`` included: it used to write a file named ``-``) except
``render``, which picks the format by the extension and says so in its help.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest

from journeymap.cli import COMMANDS
from tests.analysis.test_experiment_guardrails import COUNTED
from tests.support import MAPS, Result

HELP = re.compile(
    r"Write (?P<holds>.+) to (?P<metavar>[A-Z]+), atomically and never over an input"
    r"(?: \((?P<stdout>default and '-'|'-'): standard output\))?\."
)


def _commands() -> Iterator[tuple[str, click.Command]]:
    for name, (spec, _) in sorted(COMMANDS.items()):
        module, attr = spec.split(":")
        command = getattr(importlib.import_module(module), attr)
        if isinstance(command, click.Group):
            for sub, cmd in sorted(command.commands.items()):
                yield f"{name} {sub}", cmd
        else:
            yield name, command


def _outputs() -> dict[str, click.Option]:
    found = {}
    for name, command in _commands():
        for p in command.params:
            if isinstance(p, click.Option) and "-o" in p.opts:
                found[name] = p
    return found


def test_every_output_option_is_the_one_definition() -> None:
    outputs = _outputs()
    # the commands that write a result to a file; init writes its starter map by argument
    assert sorted(outputs) == [
        "analyze", "check", "cohorts", "conform", "diff", "discover", "experiment",
        "import funnel", "import paths", "ingest", "ingest-survey", "opportunities", "render",
        "schema", "trend",
    ]  # fmt: skip
    for name, p in outputs.items():
        assert p.opts == ["-o", "--output"] and p.name == "output", name
        assert isinstance(p.type, click.Path) and not p.type.dir_okay, name
        m = HELP.fullmatch(p.help or "")
        assert m is not None, f"{name}: {p.help!r}"
        assert m["metavar"] == p.metavar, name
        # a required -o has no default, so only '-' is standard output; render has none
        if name == "render":
            assert m["stdout"] is None and p.required
        else:
            assert (m["stdout"] == "'-'") == p.required, name
    assert {n for n, p in outputs.items() if p.required} == {"discover", "render"}
    assert outputs["discover"].metavar == "DRAFT"


def test_no_command_spells_out_its_own_output_option() -> None:
    """The option is written once: no module of the cli names ``"-o"`` except options.py."""
    cli = Path(importlib.import_module("journeymap.cli").__file__ or "").parent
    spelled = [p.name for p in sorted(cli.glob("*.py")) if '"-o"' in p.read_text(encoding="utf-8")]
    assert spelled == ["options.py"]


@pytest.mark.parametrize("dash", [True, False])
def test_experiment_dash_is_standard_output(
    tmp_path: Path, cli: Callable[..., Result], dash: bool
) -> None:
    import yaml

    m = tmp_path / "m.yaml"
    m.write_text(yaml.safe_dump(COUNTED), encoding="utf-8")
    args = ["experiment", str(m), "--plan", "--format", "csv"]
    plain = cli(*args)
    r = cli(*args, "-o", "-") if dash else cli(*args, "-o", str(tmp_path / "plan.csv"))
    assert plain.code == r.code == 0, r.err
    assert not (tmp_path / "-").exists() and not Path("-").exists()
    if dash:
        assert r.out == plain.out and ",plan_customers_per_arm,10%,14751,,,," in r.out
    else:
        assert r.out == "" and (tmp_path / "plan.csv").read_text(encoding="utf-8") == plain.out


def test_render_refuses_dash_as_its_help_says(cli: Callable[..., Result]) -> None:
    """render picks the format by the file's extension, so '-' is no standard output there."""
    r = cli("render", str(MAPS / "starter-shop.yaml"), "--view", "mermaid", "-o", "-")
    assert r.code == 2 and r.out == "" and not Path("-").exists()
    assert r.err.startswith("the mermaid view cannot be written as a file without an extension")
