"""The worked example of docs/analysis.md, "Cohorts", runs and prints exactly what the page shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.support import ROOT, run_cli

DOC = ROOT / "docs" / "analysis.md"


def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Cohorts (`journeymap cohorts`)")
    return text[start : text.index("\n## ", start + 1)]


def test_worked_example_prints_what_the_page_shows(tmp_path: Path) -> None:
    body = section()
    [log] = re.findall(r"^```csv\n(.*?)^```$", body, re.S | re.M)
    [console] = re.findall(r"^```console\n(.*?)^```$", body, re.S | re.M)
    (tmp_path / "shop-log.csv").write_text(log, encoding="utf-8")
    command, _, expected = console.partition("\n")
    args = shlex.split(command.removeprefix("$ journeymap "))
    r = run_cli(*args, cwd=tmp_path)
    assert r.code == 0, r.err
    assert r.out == expected


def test_every_json_key_is_documented(tmp_path: Path) -> None:
    import json

    body = section()
    (tmp_path / "log.csv").write_text(
        "user_id,timestamp,event,value\na,2026-01-05T10:00:00Z,buy,1\n"
        "a,2026-02-05T10:00:00Z,buy,2\nz,2026-03-05T10:00:00Z,home,\n",
        encoding="utf-8",
    )
    r = run_cli(
        "cohorts",
        "log.csv",
        "--goal-event",
        "buy",
        "--format",
        "json",
        "-q",
        "--include-partial",
        "--value-column",
        "value",
        cwd=tmp_path,
    )
    doc = json.loads(r.out)
    keys = {*doc, *doc["cohorts"][0], *doc["time_to_second"], *doc["left_out"]}
    assert sorted(k for k in keys if f"`{k}" not in body) == []
