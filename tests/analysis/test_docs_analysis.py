"""The examples in docs/analysis.md run and print what the comments say."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.support import ROOT, run_cli, run_python_examples

TEXT = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
COMMANDS = [
    line.split("#")[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", TEXT, re.S)
    for line in block.splitlines()
    if line.strip().startswith("journeymap ")
]


def test_python_examples_print_what_they_say() -> None:
    assert run_python_examples(ROOT / "docs" / "analysis.md") >= 2


@pytest.mark.parametrize("command", COMMANDS)
def test_shell_examples_run(command: str) -> None:
    args = shlex.split(command)[1:]
    r = run_cli(*args, "--samples", "50") if "--samples" not in args else run_cli(*args)
    assert r.code == 0, r.err
    assert r.out


def test_every_json_name_is_documented() -> None:
    from journeymap.analysis import analyze
    from journeymap.graph import build_graph
    from journeymap.io import load_map

    loaded = load_map(ROOT / "maps" / "first-purchase.yaml")
    doc = analyze(build_graph(loaded.map, loaded.overlay), samples=10).to_dict()
    section = TEXT.split("## 16. The JSON document")[1].split("## 17.")[0]
    names = set(re.findall(r"`([a-z_-]+)(?:\[\])?`", section))
    for key in doc:
        assert key in names, key
    for part in ("settings", "summary"):
        for key in doc[part]:
            assert key in names, (part, key)
    for part in ("touchpoints", "stages", "leaks", "edges"):
        for key in doc[part][0]:
            assert key in names, (part, key)
    warning_codes = set(re.findall(r"\| (JM5\d\d) \|", TEXT))
    source = (ROOT / "journeymap" / "analysis" / "analysis_warnings.py").read_text(encoding="utf-8")
    assert set(re.findall(r'"(JM5\d\d)"', source)) <= warning_codes
