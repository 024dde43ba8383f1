"""Run the CLI in this process (fast), with the exit code, stdout and stderr a user would see."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from tests.support import Result

CI_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "CI")


def run_inproc(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    from journeymap.cli import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    for key in CI_VARIABLES:
        os.environ.pop(key, None)
    os.environ.update({"NO_COLOR": "1", **(env or {})})
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        _forget_help_options()
    return Result(int(code or 0), out.getvalue(), err.getvalue())


def _forget_help_options() -> None:
    """click caches each command's help option on first use, with the help option names of
    that context; drop the caches so later code (docs/gen_cli.py in the same process) sees the
    commands as a fresh process does."""
    import importlib
    import sys

    from journeymap.cli import COMMANDS, cli

    commands: list[object] = [cli]
    for spec, _ in COMMANDS.values():
        module, attr = spec.split(":")
        if module in sys.modules:
            commands.append(getattr(importlib.import_module(module), attr))
    for cmd in commands:
        if hasattr(cmd, "_help_option"):
            cmd._help_option = None
