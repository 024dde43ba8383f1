"""The commands of docs/experiments.md "On the wall" run, on the map and arms of the page."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tests.analysis.test_experiment import MAP, overlay_doc
from tests.render.test_docs_render import DRIVER
from tests.support import ROOT


def commands() -> list[str]:
    page = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    section = page.split("## On the wall", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block is not None
    return [ln for ln in block.group(1).splitlines() if ln.startswith("journeymap ")]


def test_the_wall_commands_run(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text(yaml.safe_dump(MAP, sort_keys=False), encoding="utf-8")
    (tmp_path / "arms").mkdir()
    for name, counts in {
        "control": (1000, 400, 250, 100),
        "one-page": (1000, 400, 280, 130),
    }.items():
        doc = yaml.safe_dump(overlay_doc(*counts), sort_keys=False)
        (tmp_path / "arms" / f"{name}.yaml").write_text(doc, encoding="utf-8")
    runs = [[*shlex.split(line)[1:], "-q"] for line in commands()]
    assert [r[r.index("--view") + 1] for r in runs] == ["experiment", "experiment", "report"]
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(runs)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "experiment.svg").read_bytes().startswith(b"<?xml")
    assert (tmp_path / "experiment.pdf").read_bytes().startswith(b"%PDF")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Experiment: INCONCLUSIVE: no significant difference yet" in html
