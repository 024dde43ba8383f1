"""``.zip`` and ``.json.gz`` logs in ``cohorts``, ``trend --events`` and ``experiment --events``,
read as ``ingest`` reads them (``events.inputs.log_files``, the one reader): the figures are
those of the plain CSV log."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.events.test_goal_first import LOG, MAP
from tests.support import Result

Cli = Callable[..., Result]


def logs(tmp_path: Path) -> dict[str, Path]:
    """The hand-made log as CSV, as a .zip of two CSV halves (and a README), as .json.gz."""
    plain = tmp_path / "log.csv"
    plain.write_text(LOG, encoding="utf-8")
    header, *rows = LOG.splitlines()
    archive = tmp_path / "log.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("README.txt", "not a log")
        z.writestr("part-1.csv", "\n".join([header, *rows[:5]]) + "\n")
        z.writestr("part-2.csv", "\n".join([header, *rows[5:]]) + "\n")
    # an empty CSV cell is no value: the JSON record leaves the key out (an empty string would
    # be a value, a variant named '')
    records = [{k: v for k, v in r.items() if v} for r in csv.DictReader(io.StringIO(LOG))]
    lines = "".join(json.dumps(r) + "\n" for r in records)
    gz = tmp_path / "log.json.gz"
    gz.write_bytes(gzip.compress(lines.encode("utf-8"), mtime=0))
    return {"csv": plain, "zip": archive, "json.gz": gz}


def figures(cli: Cli, tmp_path: Path, command: str, log: Path) -> object:
    m = tmp_path / "m.yaml"
    m.write_text(MAP, encoding="utf-8")
    if command == "cohorts":
        args = ["cohorts", str(log), "--map", str(m), "--by", "week", "--include-partial"]
    elif command == "trend":
        args = ["trend", str(m), "--events", str(log), "--every", "week"]
    else:
        args = ["experiment", str(m), "--events", str(log), "--variant-column", "variant"]
    r = cli(*args, "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    if command == "cohorts":
        return doc["cohorts"], doc["customers"], doc["rows"]
    if command == "trend":
        return doc["periods"]
    return doc["arms"], doc["comparisons"], doc["touchpoints"]


@pytest.mark.parametrize("command", ["cohorts", "trend", "experiment"])
def test_archives_read_as_the_plain_log(tmp_path: Path, cli: Cli, command: str) -> None:
    files = logs(tmp_path)
    plain = figures(cli, tmp_path, command, files["csv"])
    assert figures(cli, tmp_path, command, files["zip"]) == plain
    assert figures(cli, tmp_path, command, files["json.gz"]) == plain
    if command == "experiment":  # the hand-worked arms of test_goal_first
        arms = plain[0]  # type: ignore[index]
        assert [(a["name"], a["customers"], a["conversions"]) for a in arms] == [
            ("control", 1, 1),
            ("treatment", 1, 0),
        ]


def test_an_archive_without_a_log_is_exit_2(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("README.txt", "not a log")
    r = cli("cohorts", str(empty), "--goal-event", "paid")
    assert r.code == 2 and "the archive holds no event-log file" in r.err
    assert "Traceback" not in r.err
