"""Limits on the period's business figures and service times (JM131-JM136, JM141-JM142): the
issue's acceptance on maps/support.yaml, durations, and the figures checked by hand."""

from __future__ import annotations

import statistics

import pytest
from pydantic import ValidationError

from journeymap.checks.metrics import format_duration
from journeymap.model import Checks, parse_duration
from tests.support import MAPS, WriteFile, run_cli

LIMIT = "    live-chat: {csat: {min: 70}, ces: {max: 3.5}}"


def test_support_map_with_a_median_first_response_limit_fails_at_that_line(
    write: WriteFile,
) -> None:
    text = (MAPS / "support.yaml").read_text(encoding="utf-8")
    assert LIMIT in text
    path = write(
        "support.yaml",
        text.replace(LIMIT, LIMIT[:-1] + ", first_response_time: {median: {max: 3m}}}"),
    )
    line = text.splitlines().index(LIMIT) + 1
    result = run_cli("check", str(path))
    assert result.code == 1, result.err
    # live chat's 20 samples: median (3.5 + 4) / 2 = 3.75 minutes
    samples = [0.5, 0.8, 1.2, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 12, 15, 21]
    assert statistics.median(samples) == 3.75
    assert (
        f"{path}:{line}:81: JM141 error: median first response time at 'live-chat' is "
        "3.75m; it is above the maximum 3m"
    ) in result.out
    assert "Traceback" not in result.err


def test_the_support_map_as_shipped_has_no_service_findings() -> None:
    result = run_cli("check", str(MAPS / "support.yaml"), "--format", "json")
    assert "JM141" not in result.out and "JM142" not in result.out


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90.0), ("3m", 180.0), ("1.5h", 5400.0), ("2d", 172800.0), ("0m", 0.0)],
)
def test_durations_by_hand(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds
    assert parse_duration(format_duration(seconds) if seconds else "0s") == pytest.approx(seconds)


@pytest.mark.parametrize("value", [3, 2.5, "3", "3 min", "-3m", "3w", True])
def test_a_duration_without_its_unit_is_refused(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        Checks.model_validate({"first_response_time": {"median": {"max": value}}})
    assert "is not a duration: write it with its unit, such as 90s, 3m, 1.5h or 2d" in str(
        info.value
    )


def test_a_service_limit_names_a_statistic_and_orders_its_bounds() -> None:
    with pytest.raises(ValidationError, match="needs 'mean', 'median' or 'p90'"):
        Checks.model_validate({"resolution_time": {}})
    with pytest.raises(ValidationError, match="'min' is longer than 'max'"):
        Checks.model_validate({"resolution_time": {"p90": {"min": "2h", "max": "1h"}}})


def test_a_duration_limit_dumps_with_its_unit_and_loads_back() -> None:
    checks = Checks.model_validate(
        {"touchpoints": {"chat": {"first_response_time": {"median": {"max": "3m"}}}}}
    )
    dumped = checks.model_dump(mode="json", exclude_none=True)
    assert dumped["touchpoints"]["chat"]["first_response_time"]["median"]["max"] == "180s"
    assert Checks.model_validate(dumped) == checks


def test_invalid_duration_in_a_map_is_a_load_error_with_its_position(write: WriteFile) -> None:
    path = write(
        "m.yaml",
        "journeymap: 1\nid: m\ntitle: M\nchecks:\n"
        "  first_response_time: {median: {max: 3}}\n"
        "stages:\n  - {id: s, name: S, touchpoints: [{id: a, name: A}]}\n",
    )
    result = run_cli("check", str(path))
    assert result.code == 2
    assert f"{path}:5:" in result.err
    assert "3 is not a duration: write it with its unit" in result.err
    assert "Traceback" not in result.err
