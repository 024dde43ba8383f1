"""Every row read is accounted for (issue 13): reasons, limits, positions, epoch units, censoring."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events.settings import BadRowLimit, SettingError
from tests.events.reference import reference_ingest
from tests.events.support import GA4, LogFile, by_id, ga4_rows, make_map, written
from tests.support import run_cli

T0 = 1767261600  # 2026-01-01T10:00:00Z


def at(minute: int) -> str:
    return f"2026-01-01T10:{minute:02d}:00Z"


def map_file(tmp_path: Path) -> Path:
    m = tmp_path / "m.yaml"
    m.write_text(
        json.dumps(make_map().model_dump(mode="json", exclude_defaults=True, by_alias=True))
    )
    return m


def hand_log(log: LogFile) -> Path:
    return log(
        [
            ("u1", at(0), "home"),  # line 2: counted
            ("", at(0), "home"),  # line 3: no customer
            ("u1", "soon", "home"),  # line 4: unreadable timestamp
            ("", "soon", "home"),  # line 5: no customer (the first reason)
            ("u1", at(1), ""),  # line 6: no event
            ("u1", at(0), "home"),  # line 7: duplicate of line 2
            ("u1", at(2), "newsletter"),  # line 8: unmapped
            ("u1", at(3), "cart"),
        ]
    )  # line 9: counted


def test_every_row_is_counted_under_one_reason(log: LogFile) -> None:
    f = hand_log(log)
    [r] = ingest(
        make_map(), [str(f)], IngestOptions(max_bad_rows=BadRowLimit(count=4), lost_after=0)
    )
    o = written(r.overlay)
    assert o["left_out"] == {
        "no_customer": 2,
        "bad_timestamp": 1,
        "no_event": 1,
        "duplicate": 1,
        "unmapped": 1,
    }
    assert o["bad_rows"] == 4
    # 8 rows read, 2 counted: coverage is measured against every row read, not the kept ones
    assert o["coverage"] == 0.25
    assert r.totals.rows == 8 == r.totals.mapped + sum(o["left_out"].values())
    assert by_id(o)["home"]["next"] == {"cart": 1}
    assert o["settings"]["max_bad_rows"] == "4"
    ref = reference_ingest(make_map(), [str(f)], lost_after=0)
    assert (ref["left_out"], ref["coverage"], ref["rows"]) == (o["left_out"], o["coverage"], 8)


def test_too_many_bad_rows_stop_the_ingest_with_reasons_and_rows(log: LogFile) -> None:
    f = hand_log(log)
    with pytest.raises(SettingError) as info:
        ingest(make_map(), [str(f)], IngestOptions(max_bad_rows=BadRowLimit(count=3)))
    assert str(info.value) == (
        "4 of 8 rows cannot be used (2 without a customer id, 1 with an unreadable timestamp, "
        "1 without an event name); max_bad_rows allows 3; the first 4:\n"
        f"  {f}: line 3: no customer id\n  {f}: line 4: unreadable timestamp 'soon'\n"
        f"  {f}: line 5: no customer id\n  {f}: line 6: no event name"
    )


def test_thirty_percent_unreadable_timestamps_exit_2_even_quietly(
    log: LogFile, tmp_path: Path
) -> None:
    rows = [("u", at(i), "home") for i in range(3)]
    rows += [("u", f"day {i}", "home") for i in range(7)]  # 7 of 10: only the first five are quoted
    f = log(rows)
    for quiet in ((), ("-q",)):
        r = run_cli("ingest", str(f), "--map", str(map_file(tmp_path)), *quiet)
        assert r.code == 2
        assert (
            "7 of 10 rows cannot be used (7 with an unreadable timestamp); --max-bad-rows allows 1%; "
            "the first 5:\n" in r.err
        )
        assert f"  {f}: line 5: unreadable timestamp 'day 0'\n" in r.err
        assert "line 9: unreadable timestamp 'day 4'" in r.err and "day 5" not in r.err
        assert "or raise --max-bad-rows (a count, or a share such as 5%)" in r.err
        assert "Traceback" not in r.err and r.out == ""
    assert (
        run_cli("ingest", str(f), "--map", str(map_file(tmp_path)), "--max-bad-rows", "69%").code
        == 2
    )
    ok = run_cli("ingest", str(f), "--map", str(map_file(tmp_path)), "--max-bad-rows", "70%")
    assert ok.code == 0
    assert (
        "10 rows read, 3 events of 1 customers, coverage 30.0% of the rows; left out: "
        "7 with an unreadable timestamp\n" in ok.err
    )


def test_max_bad_rows_is_a_count_or_a_percentage(log: LogFile, tmp_path: Path) -> None:
    assert BadRowLimit.parse("0", "x") == BadRowLimit(count=0)
    assert BadRowLimit.parse("2.5%", "x") == BadRowLimit(share=0.025)
    r = run_cli(
        "ingest",
        str(log([("u", at(0), "home")])),
        "--map",
        str(map_file(tmp_path)),
        "--max-bad-rows",
        "many",
    )
    assert r.code == 2
    assert "--max-bad-rows: 'many' is not a count or a percentage" in r.err


def test_a_log_whose_every_row_is_bad_fails_whatever_the_limit(log: LogFile) -> None:
    f = log([("", at(0), "home")])
    with pytest.raises(SettingError, match=r"1 of 1 rows cannot be used .*; no row is usable"):
        ingest(make_map(), [str(f)], IngestOptions(max_bad_rows=BadRowLimit(count=5)))


def test_json_lines_and_parquet_positions(tmp_path: Path) -> None:
    jl = tmp_path / "e.jsonl"
    jl.write_text(
        '{"user_id": "a", "timestamp": "2026-01-01T10:00:00Z", "event": "home"}\n'
        '{"user_id": null, "timestamp": "2026-01-01T10:00:00Z", "event": "home"}\n'
    )
    with pytest.raises(SettingError) as info:
        ingest(make_map(), [str(jl)], IngestOptions(strict=True))
    assert str(info.value) == f"{jl}: line 2: no customer id (strict refuses incomplete rows)"
    pq = tmp_path / "e.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_json('{jl}')) TO '{pq}' (FORMAT parquet)")
    with pytest.raises(SettingError) as info:
        ingest(make_map(), [str(pq)], IngestOptions(strict=True))
    assert str(info.value) == f"{pq}: row 2: no customer id (strict refuses incomplete rows)"


# ---------------------------------------------------------------------------- epoch units


def test_ga4_microseconds_as_strings_are_read(tmp_path: Path) -> None:
    jl = tmp_path / "ga4.jsonl"
    jl.write_text("".join(json.dumps(r) + "\n" for r in ga4_rows()))
    [r] = ingest(make_map(), [str(jl)], IngestOptions(columns=GA4, lost_after=0))
    o = written(r.overlay)
    assert (r.totals.customers, o["bad_rows"]) == (2, 0)
    assert o["time_range"] == {
        "start": "2026-01-01T10:00:00.000250Z",
        "end": "2026-01-01T10:04:00.000250Z",
    }
    assert by_id(o)["home"]["next"] == {"product": 1}
    ref = reference_ingest(
        make_map(),
        [str(jl)],
        lost_after=0,
        columns=("user_pseudo_id", "event_timestamp", "event_name"),
    )
    assert (
        ref["left_out"]
        == o["left_out"]
        == {"no_customer": 0, "bad_timestamp": 0, "no_event": 0, "duplicate": 0, "unmapped": 1}
    )
    for tid, exp in ref["touchpoints"].items():
        assert exp.pop("late_conversions") == 0  # no conversion window: not written
        assert {k: by_id(o)[tid][k] for k in exp} == exp
    # the same export as Parquet with a 64-bit integer column: the same overlay
    pq = tmp_path / "ga4.parquet"
    duckdb.sql(
        f"COPY (SELECT CAST(event_timestamp AS BIGINT) AS event_timestamp, user_pseudo_id, event_name "
        f"FROM read_json('{jl}', columns = {{'event_timestamp': 'VARCHAR', 'user_pseudo_id': "
        f"'VARCHAR', 'event_name': 'VARCHAR'}})) TO '{pq}' (FORMAT parquet)"
    )
    [p] = ingest(make_map(), [str(pq)], IngestOptions(columns=GA4, lost_after=0))
    assert written(p.overlay)["touchpoints"] == o["touchpoints"]


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (T0, "2026-01-01T10:00:00Z"),
        (T0 * 1000 + 5, "2026-01-01T10:00:00.005000Z"),
        (T0 * 10**6 + 7, "2026-01-01T10:00:00.000007Z"),
        (T0 * 10**9 + 8999, "2026-01-01T10:00:00.000008Z"),
    ],
)
def test_epoch_units_from_the_magnitude(log: LogFile, number: int, expected: str) -> None:
    [r] = ingest(make_map(), [str(log([("u", str(number), "home")]))])
    assert r.overlay.time_range is not None and r.overlay.time_range.start == expected
    ref = reference_ingest(make_map(), [str(log([("u", str(number), "home")], name="r.csv"))])
    assert ref["bad_rows"] == 0


def test_a_column_mixing_units_names_two_rows(log: LogFile, tmp_path: Path) -> None:
    f = log(
        [("u", str(T0), "home"), ("u", str(T0 * 1000 + 60_000), "cart"), ("v", str(T0 + 5), "home")]
    )
    r = run_cli("ingest", str(f), "--map", str(map_file(tmp_path)))
    assert r.code == 2
    assert (
        f"the timestamp column mixes epoch units: {f}: line 2 reads as seconds ({T0}), "
        f"{f}: line 3 as milliseconds ({T0 * 1000 + 60_000})"
    ) in r.err
    assert "give --timestamp-unit (s, ms, us or ns) to read every number in one unit" in r.err
    # a unit given reads every number in it: milliseconds read as seconds lie beyond the year 9999
    with pytest.raises(
        SettingError, match=r"1 of 3 rows cannot be used .1 with an unreadable timestamp."
    ):
        ingest(make_map(), [str(f)], IngestOptions(timestamp_unit="s"))
    [ok] = ingest(
        make_map(), [str(f)], IngestOptions(timestamp_unit="s", max_bad_rows=BadRowLimit(count=1))
    )
    assert written(ok.overlay)["settings"]["timestamp_unit"] == "s"


def test_a_unit_given_overrides_the_magnitude(log: LogFile) -> None:
    f = log([("u", "1000", "home"), ("u", "61000", "cart")])  # milliseconds near 1970
    [r] = ingest(make_map(), [str(f)], IngestOptions(timestamp_unit="ms", lost_after=0))
    assert by_id(r.overlay)["home"]["median_seconds_to_next"] == {"cart": 60}
    ref = reference_ingest(make_map(), [str(f)], unit="ms", lost_after=0)
    assert ref["touchpoints"]["home"]["median_seconds_to_next"] == {"cart": 60}


# ---------------------------------------------------------------------------- censoring


def test_a_short_log_is_told_before_the_overlay_is_written(log: LogFile, tmp_path: Path) -> None:
    # three customers over two days; the default --lost-after is 30 days, so every journey is
    # still in progress at the end of the log: 3 of 3, and the log is shorter than lost_after
    f = log(
        [
            ("a", "2026-01-01T10:00:00Z", "home"),
            ("a", "2026-01-01T10:05:00Z", "cart"),
            ("a", "2026-01-01T10:06:00Z", "paid"),
            ("b", "2026-01-02T09:00:00Z", "home"),
            ("c", "2026-01-03T10:00:00Z", "product"),
        ]
    )
    out = tmp_path / "o.json"
    r = run_cli("ingest", str(f), "--map", str(map_file(tmp_path)), "-o", str(out))
    assert r.code == 0
    warning, summary = r.err.splitlines()
    assert warning == (
        "warning: 3 of 3 journeys (100%) are still in progress at the end of the log (the log spans "
        "2.0 days, less than --lost-after 30d); their outcome is unknown, so conversion and drop-off "
        "describe only the finished journeys. Use a longer log, or a --lost-after shorter than the "
        "log (docs/events.md, 'Short logs')."
    )
    assert summary.startswith(f"{out}: 5 rows read")
    doc = json.loads(out.read_text())
    assert doc["settings"]["censoring"] == {
        "span": "2d",
        "journeys": 3,
        "in_progress": 3,
        "in_progress_share": 1.0,
        "short_log": True,
        "censored": True,
    }
    assert (
        run_cli("ingest", str(f), "--map", str(map_file(tmp_path)), "-q", "-o", str(out)).err == ""
    )
    # with --lost-after 1d only c (ending with the log) is in progress: 1 of 3, span 2d >= 1d
    r = run_cli(
        "ingest", str(f), "--map", str(map_file(tmp_path)), "-o", str(out), "--lost-after", "1d"
    )
    assert "warning" not in r.err
    assert json.loads(out.read_text())["settings"]["censoring"] == {
        "span": "2d",
        "journeys": 3,
        "in_progress": 1,
        "in_progress_share": round(1 / 3, 6),
        "short_log": False,
        "censored": False,
    }


def test_discover_stops_too(log: LogFile, tmp_path: Path) -> None:
    f = hand_log(log)
    r = run_cli("discover", str(f), "-o", str(tmp_path / "d.yaml"), "-q")
    assert r.code == 2
    assert (
        "4 of 8 rows cannot be used (2 without a customer id" in r.err
        and "--max-bad-rows allows 1%" in r.err
    )
    assert not (tmp_path / "d.yaml").exists()
    ok = run_cli("discover", str(f), "-o", str(tmp_path / "d.yaml"), "--max-bad-rows", "50%")
    assert ok.code == 0, ok.err


def test_analyze_of_a_mostly_unfinished_overlay_says_so_first(log: LogFile, tmp_path: Path) -> None:
    # ten customers over two days: a converts (home -> cart -> paid); b..j only look at home.
    # With the default 30-day --lost-after every unconverted journey is in progress, so the
    # chain's conversion among *finished* journeys is 1 of 1 = 100%, while 1 of the 10
    # journeys started converted: 10.0%. The headline must not say 100% alone.
    rows = [
        ("a", "2026-01-01T10:00:00Z", "home"),
        ("a", "2026-01-01T10:05:00Z", "cart"),
        ("a", "2026-01-01T10:06:00Z", "paid"),
    ]
    rows += [(u, f"2026-01-0{1 + k % 2}T12:00:00Z", "home") for k, u in enumerate("bcdefghij")]
    f = log(rows)
    out = tmp_path / "o.json"
    assert (
        run_cli("ingest", str(f), "--map", str(map_file(tmp_path)), "-o", str(out), "-q").code == 0
    )
    doc = json.loads(out.read_text())
    r = run_cli("analyze", str(map_file(tmp_path)), "--data", str(out), "--samples", "0")
    assert r.code == 0, r.err
    _title, _blank, first, *_ = r.out.splitlines()
    in_progress = doc["settings"]["censoring"]["in_progress"]
    # ingest counts all 10 as still in progress (a went on after paying); the analysis counts
    # the 9 whose outcome is unknown: a converted
    assert in_progress == 10
    assert first == (
        "Most journeys have no outcome yet: 9 of 10 (90.0%) were still in progress when the data "
        "ended, so conversion is 100.0% among finished journeys but 10.0% of all journeys "
        "started (1 of 10); the outcome of the rest is unknown (docs/events.md, 'Short logs')."
    )
    # a finished log (lost-after shorter than the gaps) keeps the usual headline first
    assert (
        run_cli(
            "ingest",
            str(f),
            "--map",
            str(map_file(tmp_path)),
            "-o",
            str(out),
            "-q",
            "--lost-after",
            "1m",
        ).code
        == 0
    )
    r = run_cli("analyze", str(map_file(tmp_path)), "--data", str(out), "--samples", "0")
    assert "Most journeys" not in r.out
