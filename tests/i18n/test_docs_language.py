"""docs/language.md is real: its Python examples print what the comments say, its commands
run, and the error example is what the command prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.support import ROOT, run_cli, run_python_examples

PAGE = ROOT / "docs" / "language.md"


def _consoles() -> list[str]:
    return re.findall(r"```console\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_the_python_examples_print_what_the_page_says() -> None:
    assert run_python_examples(PAGE) == 3


def test_every_command_of_the_page_runs(tmp_path: Path) -> None:
    commands = [ln for ln in _consoles()[0].splitlines() if ln.startswith("journeymap ")]
    assert len(commands) == 3
    for line in commands:
        args = shlex.split(line)[1:]
        args = [str(ROOT / a) if a.startswith("maps/") else a for a in args]
        out = tmp_path / args[args.index("-o") + 1]
        args[args.index("-o") + 1] = str(out)
        r = run_cli(*args, "-q")
        assert r.code == 0, r.err
        assert out.stat().st_size > 200


def test_the_error_example_is_what_the_command_prints(tmp_path: Path) -> None:
    command, *message = _consoles()[1].strip().splitlines()
    args = shlex.split(command.removeprefix("$ "))[1:]
    args = [str(ROOT / a) if a.startswith("maps/") else a for a in args]
    args[args.index("-o") + 1] = str(tmp_path / "journey.mmd")
    r = run_cli(*args)
    assert r.code == 2
    assert r.err.strip().splitlines() == message
