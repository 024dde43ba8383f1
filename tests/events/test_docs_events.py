"""Every command in docs/events.md's console blocks runs (from the repository's root)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.support import ROOT, run_cli


@pytest.mark.slow
def test_event_docs_examples_run(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    commands = [
        line[2:]
        for block in re.findall(r"```console\n(.*?)```", text, re.S)
        for line in block.splitlines()
        if line.startswith("$ journeymap ") and "--preset" not in line  # test_export_presets
    ]
    assert len(commands) >= 10
    for command in commands:
        args = [
            str(ROOT / a) if a.startswith(("tests/", "maps/")) else a
            for a in shlex.split(command)[1:]
        ]
        r = run_cli(*args, cwd=tmp_path)
        expected = (0, 1) if args[0] == "conform" else (0,)
        assert r.code in expected, f"{command}\n{r.err}"
    assert len(list(tmp_path.glob("by-platform.*-*.yaml"))) == 3
    assert (
        "CREATE TEMPORARY TABLE"
        in run_cli(
            "ingest",
            "x",
            "--map",
            str(tmp_path / "draft.yaml"),
            "--print-sql",
            "--dialect",
            "bigquery",
        ).out
    )
