"""Event-log edges and missing positions (issue 17): what an event log, a duration or a rule
can hold that the engine cannot, refused with its position; closed loops found by ``experiment``
point at the map's line as ``analyze`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.analysis.test_experiment import _files
from tests.support import Result

LOOP_START = "the journey cannot end from 'cart', 'checkout'"


def test_experiment_points_at_a_closed_loop_its_scenario_makes(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    # the scenario sends every checkout back to the cart and every cart to checkout: nothing
    # leaves the two, so the prediction's analysis of the to-be map is a closed loop
    exp: dict[str, Any] = {
        "experiments": [{"id": "x", "arms": [{"name": "a"}, {"name": "b"}], "scenario": "to-be"}],
        "scenarios": {
            "to-be": {
                "touchpoints": {
                    "cart": {"next": {"checkout": 400}, "exits": 0},
                    "checkout": {"next": {"cart": 400}, "exits": 0},
                }
            }
        },
    }
    args = _files(tmp_path, {"a": (1000, 400, 250, 100), "b": (1000, 400, 250, 112)}, exp)
    r = cli("experiment", *args)
    assert r.code == 2
    first = r.err.splitlines()[0]
    assert first.startswith(f"{args[0]}:")
    assert LOOP_START in first, r.err


CSV = "user_id,timestamp,event\nu1,2026-01-01 10:00:00,landing\nu1,2026-01-01 10:05:00,cart\n"


def _log(tmp_path: Path, text: str = CSV, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_duration_of_4301_digits_is_refused_not_a_traceback(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    log = _log(tmp_path)
    r = cli("discover", str(log), "--session-timeout", "9" * 4301, "-o", str(tmp_path / "d.yaml"))
    assert r.code == 2
    assert r.err.startswith(
        f"--session-timeout: '{'9' * 40}... (4,301 characters)' is longer than 10,000 years"
    )
    assert "Traceback" not in r.err and not (tmp_path / "d.yaml").exists()


def test_durations_are_bounded_at_ten_thousand_years() -> None:
    import pytest

    from journeymap.events.settings import MAX_DURATION, SettingError, parse_duration

    # 10,000 years of 365 days: 10,000 * 365 * 86,400 s = 315,360,000,000 s
    assert parse_duration("3650000d", "lost_after") == MAX_DURATION == 315_360_000_000
    assert parse_duration("0000000000000000000000000045s", "lost_after") == 45
    with pytest.raises(SettingError, match="'3650001d' is longer than 10,000 years"):
        parse_duration("3650001d", "lost_after")
    with pytest.raises(SettingError, match="longer than 10,000 years"):
        parse_duration(str(MAX_DURATION + 1), "lost_after")


def test_a_duration_limit_of_400_digits_is_refused_with_its_position(tmp_path: Path) -> None:
    import pytest

    from journeymap.errors import MapError
    from journeymap.io import load_map

    path = tmp_path / "limit.yaml"
    path.write_text(
        "journeymap: 1\nid: support\ntitle: Support\nchecks:\n  touchpoints:\n"
        f"    chat: {{first_response_time: {{median: {{max: {'9' * 400}s}}}}}}\n"
        "stages:\n  - id: help\n    name: Help\n    touchpoints:\n"
        "      - {id: chat, name: Chat, entries: 10, next: {solved: 6}}\n"
        "      - {id: solved, name: Solved, goal: true}\n",
        encoding="utf-8",
    )
    with pytest.raises(MapError) as info:
        load_map(path)
    d = info.value.diagnostics[0]
    assert d.position is not None and d.position.line == 6
    assert f"'{'9' * 40}' is longer than 1,000,000,000,000,000 seconds" in d.message
