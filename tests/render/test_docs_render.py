"""Every command in docs/render.md runs, and the error example prints what the page says.

The commands run one after the other in one subprocess to keep the suite fast; the CLI's exit
codes and messages are tested through their own subprocesses in test_cli_render.py and below.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, run_cli

PAGE = (ROOT / "docs" / "render.md").read_text(encoding="utf-8")


def _console_blocks() -> list[str]:
    return re.findall(r"```console\n(.*?)```", PAGE, re.S)


DRIVER = """
import json, sys
from journeymap.cli import cli
for args in json.loads(sys.argv[1]):
    cli.main(args=args, prog_name="journeymap", standalone_mode=False)
"""


@pytest.mark.slow
def test_every_render_command_in_the_page_runs(tmp_path: Path) -> None:
    commands = [ln for ln in _console_blocks()[0].splitlines() if ln.startswith("journeymap ")]
    assert len(commands) >= 6
    runs = []
    for line in commands:
        args = shlex.split(line)[1:]
        args = [str(ROOT / a) if a.startswith("maps/") else a for a in args]
        args[args.index("-o") + 1] = str(tmp_path / args[args.index("-o") + 1])
        runs.append([*args, "-q"])
    # one interpreter for all of them (fast), apart from the test process (no shared state)
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(runs)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for args in runs:
        assert Path(args[args.index("-o") + 1]).stat().st_size > 200, args


def test_the_error_example_is_what_the_command_prints() -> None:
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
