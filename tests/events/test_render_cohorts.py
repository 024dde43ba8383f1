"""``render --view cohorts LOG... --goal-event NAME``: the heatmap without a map, one code path
with ``cohorts --chart`` (the same bytes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.events.test_goal_first import LOG, MAP
from tests.support import Result

Cli = Callable[..., Result]


@pytest.mark.parametrize(
    "given", [["--goal-event", "paid"], ["--map", "m.yaml", "--goal", "paid"]], ids=["event", "map"]
)
def test_the_view_is_the_chart_of_cohorts(tmp_path: Path, cli: Cli, given: list[str]) -> None:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    given = [str(tmp_path / g) if g == "m.yaml" else g for g in given]
    cut = ["--by", "week", "--include-partial"]
    chart, view = tmp_path / "chart.svg", tmp_path / "view.svg"
    r = cli("cohorts", str(log), *given, *cut, "--chart", str(chart), "-q")
    assert r.code == 0, r.err
    r = cli("render", "--view", "cohorts", str(log), *given, *cut, "-o", str(view))
    assert r.code == 0, r.err
    assert f"wrote {view} (cohorts view)" in r.err
    assert view.read_bytes() == chart.read_bytes()
    assert b"2026-W27" in view.read_bytes()  # the one cohort: a, f and g


def test_misuse_is_exit_2_with_a_hint(tmp_path: Path, cli: Cli) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    out = tmp_path / "x.svg"
    r = cli("render", "--view", "graph", "-o", str(out))
    assert r.code == 2 and "the graph view draws a map: give MAP" in r.err
    assert "journeymap render MAP --view graph -o FILE" in r.err
    r = cli("render", "--view", "cohorts", "--goal-event", "paid", "-o", str(out))
    assert r.code == 2 and "the cohorts view needs the event log(s)" in r.err
    r = cli("render", "--view", "cohorts", str(log), "-o", str(out))
    assert r.code == 2 and "give --goal-event NAME or --map MAP (one of them)" in r.err
    r = cli("render", "--view", "cohorts", str(log), "--goal-event", "paid", "-o", "x.dot")
    assert r.code == 2 and "Traceback" not in r.err
    assert not out.exists()
