"""The examples in docs/decisions.md run and print what the comments say; every JSON name of
``journeymap opportunities`` is documented there."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from tests.support import ROOT, run_cli, run_python_examples

TEXT = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
COMMANDS = [
    line.strip()
    for block in re.findall(r"```sh\n(.*?)```", TEXT, re.S)
    for line in block.splitlines()
    if line.strip().startswith("journeymap ")
]


def test_python_examples_print_what_they_say() -> None:
    assert run_python_examples(ROOT / "docs" / "decisions.md") == 1


@pytest.mark.parametrize("command", COMMANDS)
def test_shell_examples_run(command: str, tmp_path: object) -> None:
    args = shlex.split(command)[1:]
    args = [str(tmp_path) + "/" + a if a.endswith(".md") and "/" not in a else a for a in args]
    r = run_cli(*args, "--samples", "20") if "--samples" not in args else run_cli(*args)
    assert r.code == 0, r.err


def test_every_json_name_is_documented() -> None:
    r = run_cli(
        "opportunities",
        str(ROOT / "maps" / "first-purchase.yaml"),
        "--format",
        "json",
        "--samples",
        "0",
    )
    doc = json.loads(r.out)
    section = TEXT.split("## The command")[1].split("## The matrix")[0]
    names = set(re.findall(r"`([a-z_-]+)(?:\[\])?`", section)) | {"journeymap-opportunities"}
    keys = set(doc) | {k for o in doc["opportunities"] for k in o}
    keys |= {k for o in doc["opportunities"] for k in o["value_at_stake"]}
    keys |= {k for o in doc["opportunities"] for lk in o["leaks"] for k in lk}
    keys |= {k for t in doc["texts"] for k in t}
    assert sorted(keys - names) == []
