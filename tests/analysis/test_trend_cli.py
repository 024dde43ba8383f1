"""``journeymap trend``: formats, the JSON contract, ordering by period and the overlap error."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import MAPS, ROOT, Result, WriteFile, run_cli, run_python_examples

DATA = Path(__file__).parent / "data" / "trend"
FILES = sorted(str(f) for f in DATA.glob("first-purchase.2026-*.yaml"))
MAP = str(MAPS / "first-purchase.yaml")
Cli = Callable[..., Result]


def test_json_contract_and_order_by_period(cli: Cli) -> None:
    r = cli("trend", MAP, *reversed(FILES), "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert [p["period"] for p in doc["periods"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    first = doc["periods"][0]
    assert set(first) == {
        "period",
        "source",
        "journeys",
        "conversions",
        "conversion",
        "conversion_interval",
        "touchpoints",
        "stages",
        "leaks",
    }  # no surveys or business inputs in these overlays: those keys are left out
    assert [s["id"] for s in first["stages"]] == ["discover", "consider", "purchase"]
    assert [lk["rank"] for lk in first["leaks"]] == [1, 2, 3]
    assert set(first["touchpoints"][0]) == {"id", "drop_off", "drop_off_interval", "n"}
    assert first["conversions"] / first["journeys"] == pytest.approx(first["conversion"], rel=1e-9)
    assert {tuple(sorted(s)) for s in doc["signals"]} == {
        ("limit", "message", "metric", "period", "rule", "subject", "value")
    }
    checkout = [(s["period"], s["rule"]) for s in doc["signals"] if s["subject"] == "checkout"]
    assert ("2026-05", "change") in checkout and ("2026-12", "run_of_eight") in checkout
    # a folder stands for its overlays; the argument order never matters
    again = cli("trend", MAP, str(DATA), "--format", "json")
    assert [p["journeys"] for p in json.loads(again.out)["periods"]] == [
        p["journeys"] for p in doc["periods"]
    ]
    assert json.loads(again.out)["signals"] == doc["signals"]


def test_csv_is_long(cli: Cli) -> None:
    r = cli("trend", MAP, str(DATA), "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert list(rows[0]) == ["period", "metric", "subject", "value", "low", "high", "n", "flag"]
    # journeys, conversion, the 21 non-goal touchpoints, the reach of the 3 stages before the
    # goal, and lost conversions and lost value of the top 3 leaks
    assert len(rows) == 12 * (2 + 21 + 3 + 3 * 2)
    may = {(row["metric"], row["subject"]): row for row in rows if row["period"] == "2026-05"}
    assert may[("drop_off", "checkout")]["flag"] == "change"
    assert float(may[("drop_off", "checkout")]["low"]) < float(
        may[("drop_off", "checkout")]["value"]
    )


def test_table_and_markdown_say_what_moved(cli: Cli) -> None:
    table = cli("trend", MAP, str(DATA))
    assert table.code == 0, table.err
    assert (
        "drop-off at Checkout stayed above its centre line 18.6% for 8 periods in a row"
        in table.out
    )
    assert "control limits widened (Laney p'):" in table.out
    md = cli("trend", MAP, str(DATA), "--format", "markdown")
    assert md.out.startswith(
        "| period | journeys | conversion | 95% interval | drop-off checkout |"
    )
    assert (
        "- 2026-05 (`change`): drop-off at Checkout rose from 14.8% in 2026-04 to 19.6%" in md.out
    )


def test_overlapping_periods_exit_2_naming_both_files(cli: Cli, write: WriteFile) -> None:
    text = (DATA / "first-purchase.2026-02.yaml").read_text(encoding="utf-8")
    q1 = write("q1.yaml", text.replace("period: 2026-02", "period: 2026-Q1"))
    r = cli("trend", MAP, FILES[0], str(q1))
    assert r.code == 2
    assert r.err.splitlines()[0] == (
        f"{q1}:6:9: period 2026-Q1 of {q1} overlaps period 2026-01 of {FILES[0]}; "
        "every overlay of a trend describes its own period"
    )
    assert "Traceback" not in r.err
    nothing = cli("trend", MAP, str(q1.parent / "empty"))
    assert nothing.code == 2 and "Traceback" not in nothing.err


def test_empty_folder_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "none").mkdir()
    r = cli("trend", MAP, str(tmp_path / "none"))
    assert (r.code, r.err.strip()) == (
        2,
        f"{tmp_path / 'none'} holds no overlay (*.yaml, *.yml or *.json)",
    )


def test_docs_worked_example_prints_what_the_page_shows() -> None:
    text = (ROOT / "docs" / "trends.md").read_text(encoding="utf-8")
    command = re.search(r"```sh\n(journeymap trend .*?)\n```", text)
    shown = re.search(r"```console\n(.*?)```", text, re.S)
    assert command is not None and shown is not None
    r = run_cli(*shlex.split(command.group(1))[1:], cwd=ROOT)
    assert (r.code, r.out) == (0, shown.group(1))
    assert run_python_examples(ROOT / "docs" / "trends.md") == 1


def test_every_json_name_is_documented(cli: Cli) -> None:
    text = (ROOT / "docs" / "trends.md").read_text(encoding="utf-8")
    section = text.split("The JSON document")[1].split("CSV is long")[0]
    names = set(re.findall(r"`([a-z_]+)(?:\[\])?`", section))
    doc = json.loads(cli("trend", MAP, str(DATA), "--format", "json").out)
    keys = set(doc) | set(doc["periods"][0]) | set(doc["periods"][0]["touchpoints"][0])
    keys |= set(doc["charts"][0]) | set(doc["signals"][0])
    assert keys <= names, keys - names
