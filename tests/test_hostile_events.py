"""Event-log edges and missing positions (issue 17): what an event log, a duration or a rule
can hold that the engine cannot, refused with its position; closed loops found by ``experiment``
point at the map's line as ``analyze`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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


def _parquet(path: Path, micros: int) -> Path:
    """A Parquet log of three events whose second is at ``micros`` epoch microseconds."""
    import duckdb

    rows = f"('u1', 1780000000000000, 'search-ad'), ('u1', {micros}, 'cart'), ('u2', 1780000100000000, 'search-ad')"
    duckdb.sql(
        f"COPY (SELECT user_id, make_timestamp(us) AS timestamp, event FROM (VALUES {rows}) t(user_id, us, event)) TO '{path}'"
    )
    return path


def test_a_parquet_timestamp_beyond_the_year_9999_is_an_unreadable_row(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    # 9,223,372,036,854,775,806 us after 1970 is 294247-01-10 04:00:54.775806, DuckDB's last
    # timestamp; -9,223,372,036,854,775,806 is 290309-12-21 BC: both outside years 1 to 9999
    shop = str(Path(__file__).parent.parent / "maps" / "starter-shop.yaml")
    for micros, text in (
        (9223372036854775806, "294247-01-10 04:00:54.775806"),
        (-9223372036854775806, "290309-12-21 (BC) 19:59:05.224194"),
    ):
        log = _parquet(tmp_path / "big.parquet", micros)
        for command in (
            ["ingest", str(log), "--map", shop],
            ["discover", str(log), "-o", str(tmp_path / "d.yaml")],
        ):
            r = cli(*command)
            assert r.code == 2 and "Traceback" not in r.err, r.err
            assert f"big.parquet: row 2: unreadable timestamp '{text}'" in r.err
        r = cli("ingest", str(log), "--map", shop, "--max-bad-rows", "1", "--format", "json")
        assert r.code == 0, r.err
        assert "3 rows read, 2 events of 2 customers" in r.err
        assert "left out: 1 with an unreadable timestamp" in r.err


def test_the_first_and_last_readable_instants() -> None:
    import datetime as dt

    from journeymap.events.sql import MAX_US, MIN_US

    epoch = dt.datetime(1970, 1, 1)
    assert epoch + dt.timedelta(microseconds=MIN_US) == dt.datetime(1, 1, 1)
    assert epoch + dt.timedelta(microseconds=MAX_US - 1) == dt.datetime(
        9999, 12, 31, 23, 59, 59, 999999
    )


def test_discover_leaves_out_an_event_name_no_rule_can_hold(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    long_name = "x" * 501
    log = _log(tmp_path, CSV + f"u2,2026-01-01 11:00:00,{long_name}\n")
    draft = tmp_path / "d.yaml"
    r = cli("discover", str(log), "-o", str(draft))
    assert r.code == 0, r.err
    text = draft.read_text(encoding="utf-8")
    assert "# 3 events, 2 customers, 3 event names." in text
    assert "# 1 event name(s) longer than 500 characters cannot be touchpoints." in text
    assert long_name not in text
    assert cli("validate", str(draft)).code == 0
    only = _log(tmp_path, f"user_id,timestamp,event\nu1,2026-01-01 10:00:00,{long_name}\n", "l.csv")
    r = cli("discover", str(only), "-o", str(draft), "--force")
    assert r.code == 2
    assert "the log holds no usable events (1 event name(s) longer than 500 characters)" in r.err


ROWS = [f"u{i},2026-01-01 10:00:00,search-ad" for i in range(5000)]


@pytest.mark.parametrize(
    ("line", "row", "what"),
    [
        (3, 'u1,2026-01-01 10:05:00,"cart', "a quoted field is never closed"),
        (3, "u1,2026-01-01 10:05:00,cart,extra,more", "5 fields where the header has 3"),
        (4001, 'u1,2026-01-01 10:05:00,"cart', "a quoted field is never closed"),
        (4001, "u1,2026-01-01 10:05:00,cart,extra", "4 fields where the header has 3"),
    ],
)
def test_a_broken_csv_row_is_named_by_its_file_and_line(
    tmp_path: Path, cli: Callable[..., Result], line: int, row: str, what: str
) -> None:
    # line 1 is the header; the broken row is written as line `line` of the file (DuckDB's
    # sniffer fails on the short file without a line, and reports the long one's by chunk)
    rows = ["user_id,timestamp,event", *ROWS[: max(line, 3) + 5]]
    rows[line - 1] = row
    log = _log(tmp_path, "\n".join(rows) + "\n")
    shop = str(Path(__file__).parent.parent / "maps" / "starter-shop.yaml")
    for command in (
        ["discover", str(log), "-o", str(tmp_path / "d.yaml")],
        ["ingest", str(log), "--map", shop],
    ):
        r = cli(*command)
        assert r.code == 2
        assert r.err.splitlines()[0] == (
            f"{log}:{line}: {what}; every row needs the header's columns, and a quoted field"
            " its closing quote"
        )


def test_bytes_that_are_not_utf8_are_named_by_their_line(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(CSV.encode() + b"u2,2026-01-01 11:00:00,land\xffing\n")
    r = cli("discover", str(log), "-o", str(tmp_path / "d.yaml"))
    assert r.code == 2
    # 'u2,2026-01-01 11:00:00,land' is 27 bytes: the 28th is 0xff
    assert r.err.startswith(f"{log}:4: not UTF-8 text (byte 28 of the line); save it as UTF-8")
