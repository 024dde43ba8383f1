"""Start-up of a command as a process of its own (issue 14): the command's modules are imported
before it runs and moved out of the cyclic collector's passes (`gc.freeze`), which a caller of
`journeymap.cli.main` (a test, a script) is spared."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from journeymap.cli import main
from tests.support import ROOT

_PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("frozen", gc.get_freeze_count(), "validate" in str(sys.modules)))
sys.argv = ["journeymap", *sys.argv[1:]]
from journeymap.cli import main
main()
"""


def _frozen(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return proc.stdout.splitlines()[-1]


def test_the_command_line_freezes_the_imported_command() -> None:
    """The command's module is imported before the freeze: thousands of objects (its modules,
    the pydantic models) are frozen, and the command still runs and prints its answer."""
    line = _frozen("validate", "maps/first-purchase.yaml")
    word, count, has_validate = line.split()
    assert word == "frozen" and int(count) > 10_000 and has_validate == "True"


def test_an_unknown_command_still_gets_its_message() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "journeymap", "valdate", "maps/first-purchase.yaml"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "no such command 'valdate'" in proc.stderr


def test_a_caller_of_main_keeps_its_collector() -> None:
    before = gc.get_freeze_count()
    with pytest.raises(SystemExit) as exc:
        main(["validate", "-q", str(ROOT / "maps/first-purchase.yaml")])
    assert exc.value.code == 0
    assert gc.get_freeze_count() == before
