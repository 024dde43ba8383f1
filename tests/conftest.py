"""Fixtures shared by every test; plain helpers live in tests/support.py."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import Result, WriteFile, run_cli


def _missing(marker: str) -> str | None:
    """What a marked test needs and this machine lacks, or None."""
    if marker == "spark":
        if importlib.util.find_spec("pyspark") is None:
            return "pyspark is not installed (pip install -e '.[spark]')"
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            return "no Java runtime for Spark (make test installs one through .ci/system-deps.sh)"
    if marker == "browser":
        from tests.render.cdp import chromium_path

        if chromium_path() is None:
            return "Chromium is not installed (make test installs it through .ci/system-deps.sh)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a `spark` or `browser` test when its runtime is missing, so `pytest -k loader` works on
    any laptop; `make unit` sets JOURNEYMAP_NO_SKIP=1 and a missing runtime fails instead."""
    for marker in ("spark", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing(marker)
        if reason is not None:
            if os.environ.get("JOURNEYMAP_NO_SKIP") == "1":
                pytest.fail(f"{item.nodeid} needs {marker}: {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
