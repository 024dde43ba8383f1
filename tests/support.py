"""Helpers the tests import (paths, running the CLI, running docs examples).

Fixtures stay in conftest.py; a test module imports plain helpers from here, never from conftest.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPS = ROOT / "maps"

WriteFile = Callable[[str, str], Path]
"""The ``write`` fixture: ``write(name, text)`` writes a file under ``tmp_path`` and returns it."""


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> Result:
    """Run journeymap in a subprocess, as users do (exit codes, stderr, no traceback)."""
    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "journeymap", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        input=stdin,
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_python_examples(doc: Path) -> int:
    """Run every ```python block of a docs page from the repository root; each
    ``print(...)  # text`` must print that text. Returns the number of blocks run."""
    text = doc.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        for block in blocks:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block, str(doc.relative_to(ROOT)), "exec"), {})
            expected = [m.group(1).strip() for m in re.finditer(r"print\(.*\)\s+# (.*)", block)]
            assert out.getvalue().splitlines() == expected
    finally:
        os.chdir(old)
    return len(blocks)
