"""The examples in docs/api.md run and print what the comments say."""

from __future__ import annotations

from tests.support import ROOT, run_python_examples


def test_api_examples_run() -> None:
    assert run_python_examples(ROOT / "docs" / "api.md") >= 1
