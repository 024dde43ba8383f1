from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAPS = ROOT / "maps"


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            stdin: str | None = None) -> Result:
    """Run journeymap in a subprocess, as users do (exit codes, stderr, no traceback)."""
    import os

    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "journeymap", *args], capture_output=True,
                          text=True, cwd=cwd, env=full_env, input=stdin, timeout=120)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def run_python_examples(doc: Path) -> int:
    """Run every ```python block of a docs page from the repository root; each
    ``print(...)  # text`` must print that text. Returns the number of blocks run."""
    import contextlib
    import io
    import os
    import re

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
