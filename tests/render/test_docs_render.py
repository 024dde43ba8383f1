"""Every command in docs/render.md runs, and the error example prints what the page says.

The commands run in-process (click's runner) to keep the suite fast; the CLI's exit codes and
messages are tested through real subprocesses in test_cli_render.py and below.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from journeymap.cli import cli
from tests.conftest import ROOT, run_cli

PAGE = (ROOT / "docs" / "render.md").read_text(encoding="utf-8")


def _console_blocks() -> list[str]:
    return re.findall(r"```console\n(.*?)```", PAGE, re.S)


def test_every_render_command_in_the_page_runs(tmp_path: Path) -> None:
    commands = [ln for ln in _console_blocks()[0].splitlines() if ln.startswith("journeymap ")]
    assert len(commands) >= 6
    for line in commands:
        args = shlex.split(line)[1:]
        args = [str(ROOT / a) if a.startswith("maps/") else a for a in args]
        args[args.index("-o") + 1] = str(tmp_path / args[args.index("-o") + 1])
        r = CliRunner().invoke(cli, [*args, "-q"], catch_exceptions=False)
        assert r.exit_code == 0, (line, r.output)
        assert (tmp_path / Path(args[args.index("-o") + 1]).name).stat().st_size > 200


def test_the_error_example_is_what_the_command_prints(tmp_path: Path) -> None:
    block = _console_blocks()[1].splitlines()
    assert block[0].startswith("$ journeymap render")
    args = shlex.split(block[0][2:])[1:]
    args = [str(ROOT / a) if a.startswith("maps/") else a for a in args]
    r = run_cli(*args)
    assert r.code == 2
    assert r.err.strip() == block[1]


def test_the_python_example_runs() -> None:
    import os

    code = re.search(r"```python\n(.*?)```", PAGE, re.S)
    assert code is not None
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        exec(compile(code.group(1), "docs/render.md", "exec"), {})
    finally:
        os.chdir(cwd)
