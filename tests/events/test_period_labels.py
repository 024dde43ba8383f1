"""Period labels computed once: ``trend --events`` looks a journey's period up in the calendar
``cohorts`` uses (``events.cohorts.Calendar``: local midnights by ``zoneinfo``, labels by
``analysis.cohorts.period_of``), so both commands cut a log at the same instants."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.events.test_goal_first import MAP
from tests.support import Result

Cli = Callable[..., Result]

# Europe/Riga is UTC+3 in summer time: x's 21:30Z is 00:30 on 1 April there, y's 20:30Z is
# 23:30 on 31 March; w's 2024-12-30 is in ISO week 2025-W01 (its Monday).
LOG = """user_id,timestamp,event
y,2026-03-31T20:30:00Z,landing
y,2026-03-31T20:31:00Z,cart
x,2026-03-31T21:30:00Z,landing
x,2026-03-31T21:31:00Z,paid
"""


@pytest.mark.parametrize(
    ("by", "expected"), [("month", ["2026-03", "2026-04"]), ("quarter", ["2026-Q1", "2026-Q2"])]
)
def test_trend_and_cohorts_cut_at_local_midnight(
    tmp_path: Path, cli: Cli, by: str, expected: list[str]
) -> None:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    m, log, tz = str(tmp_path / "m.yaml"), str(tmp_path / "log.csv"), "Europe/Riga"
    r = cli("trend", m, "--events", log, "--every", by, "--timezone", tz, "--format", "json")
    assert r.code == 0, r.err
    periods = json.loads(r.out)["periods"]
    assert [(p["period"], p["journeys"]) for p in periods] == [(expected[0], 1), (expected[1], 1)]
    r = cli("cohorts", log, "--goal-event", "landing", "--by", by, "--timezone", tz,
            "--include-partial", "--format", "json")  # fmt: skip
    assert [c["cohort"] for c in json.loads(r.out)["cohorts"]] == expected


def test_iso_week_of_the_year_before(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("user_id,timestamp,event\nw,2024-12-30T10:00:00Z,landing\n", encoding="utf-8")
    r = cli("trend", str(tmp_path / "m.yaml"), "--events", str(log), "--every", "week",
            "--format", "json")  # fmt: skip
    assert [p["period"] for p in json.loads(r.out)["periods"]] == ["2025-W01"]
