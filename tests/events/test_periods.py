"""An event log cut into periods (``journeymap.events.periods``, ``trend --events --every``):
hand-worked boundaries and time zones, and an independent pandas cut checked against ``ingest``
of each period's rows."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events.periods import Every, ingest_periods
from journeymap.events.settings import BadRowLimit
from tests.events.support import LogFile, make_map, written
from tests.support import run_cli

MIN, HOUR, DAY = 60, 3600, 86400


def cut(path: Path, every: Every, **kw: Any) -> dict[str, dict[str, Any]]:
    r = ingest_periods(make_map(), [str(path)], IngestOptions(**kw), every=every)
    return {str(p.overlay.period): written(p.overlay) for p in r.periods}


def entries(doc: dict[str, Any]) -> int:
    return sum(t["entries"] for t in doc["touchpoints"].values())


def test_a_journey_belongs_to_the_period_of_its_first_event(log: LogFile) -> None:
    f = log(
        [
            # a starts on 31 January and converts in February: January's journey
            ("a", "2026-01-31T23:30:00Z", "home"),
            ("a", "2026-02-01T00:10:00Z", "cart"),
            ("a", "2026-02-01T00:20:00Z", "paid"),
            ("b", "2026-02-03T10:00:00Z", "home"),
            ("b", "2026-02-03T10:05:00Z", "product"),
        ]
    )
    months = cut(f, "month")
    assert list(months) == ["2026-01", "2026-02"]
    jan, feb = months["2026-01"], months["2026-02"]
    assert (entries(jan), jan["touchpoints"]["cart"]["conversions"]) == (1, 1)
    assert jan["time_to_convert"] == {
        "journeys": 1,
        "median_seconds": 3000.0,
        "p90_seconds": 3000.0,
    }
    assert (entries(feb), "time_to_convert" in feb) == (1, False)
    assert "segment" not in jan and jan["settings"]["every"] == "month"
    # in Riga (UTC+2) a's first event is 01:30 on 1 February: both journeys are February's
    riga = cut(f, "month", timezone="Europe/Riga")
    assert list(riga) == ["2026-02"] and entries(riga["2026-02"]) == 2


def test_weeks_and_quarters_in_a_time_zone(log: LogFile) -> None:
    f = log(
        [
            ("s", "2026-01-04T22:30:00Z", "home"),  # Sunday (W01); Monday 00:30 in Riga
            ("m", "2026-01-05T08:00:00Z", "home"),  # Monday: W02
            ("q", "2026-03-31T21:30:00Z", "home"),  # 1 April 00:30 in Riga (UTC+3 from 29 March)
        ]
    )
    assert {k: entries(v) for k, v in cut(f, "week").items()} == {
        "2026-W01": 1,
        "2026-W02": 1,
        "2026-W14": 1,
    }
    assert list(cut(f, "week", timezone="Europe/Riga")) == ["2026-W02", "2026-W14"]
    assert list(cut(f, "quarter")) == ["2026-Q1"]
    assert list(cut(f, "quarter", timezone="Europe/Riga")) == ["2026-Q1", "2026-Q2"]


def test_session_journeys_take_their_session_start(log: LogFile) -> None:
    f = log(
        [
            ("a", "2026-01-31T23:50:00Z", "home"),
            ("a", "2026-02-01T00:05:00Z", "cart"),  # same session: January
            ("a", "2026-02-01T09:00:00Z", "home"),  # a new session: February
        ]
    )
    months = cut(f, "month", journey="session", lost_after=MIN)
    assert {k: entries(v) for k, v in months.items()} == {"2026-01": 1, "2026-02": 1}
    assert {k: entries(v) for k, v in cut(f, "month").items()} == {"2026-01": 1}


def test_duplicates_follow_their_journey_across_a_period_boundary(log: LogFile) -> None:
    """A period holds the rows its journeys' events stand for: the duplicate cart at 00:05 on
    1 February belongs to the session that started on 31 January (January: 3 rows, 1
    duplicate); the 09:00 session and its duplicate are February's (2 rows, 1 duplicate). As
    one customer journey all five rows are January's. Either way the periods add up to one
    ingest of the log (5 rows, 2 duplicates)."""
    f = log(
        [
            ("a", "2026-01-31T23:50:00Z", "home"),
            ("a", "2026-02-01T00:05:00Z", "cart"),
            ("a", "2026-02-01T00:05:00Z", "cart"),  # duplicate, in the January session
            ("a", "2026-02-01T09:00:00Z", "home"),  # a new session: February
            ("a", "2026-02-01T09:00:00Z", "home"),  # duplicate, in February
        ]
    )
    jm = make_map()
    sessions = ingest_periods(jm, [str(f)], IngestOptions(journey="session"), every="month")
    assert [
        (str(p.overlay.period), p.totals.rows, p.totals.duplicates) for p in sessions.periods
    ] == [
        ("2026-01", 3, 1),
        ("2026-02", 2, 1),
    ]
    customers = ingest_periods(jm, [str(f)], IngestOptions(), every="month")
    assert [(p.totals.rows, p.totals.duplicates) for p in customers.periods] == [(5, 2)]
    [whole] = ingest(jm, [str(f)], IngestOptions())
    assert (whole.totals.rows, whole.totals.duplicates) == (5, 2)
    assert sessions.unassigned.rows == customers.unassigned.rows == 0


def test_rows_left_out_are_counted_per_period_and_the_limit_applies(
    log: LogFile, tmp_path: Path
) -> None:
    f = log(
        [
            ("a", "2026-01-02T10:00:00Z", "home"),
            ("a", "2026-01-02T10:00:00Z", "home"),  # duplicate, in January
            ("a", "2026-01-02T10:01:00Z", "newsletter"),  # unmapped, in January
            ("b", "2026-02-02T10:00:00Z", "home"),
            ("", "2026-02-02T10:00:00Z", "home"),  # no customer: no period
            ("c", "soon", "home"),  # no timestamp: no period
        ]
    )
    r = ingest_periods(
        make_map(), [str(f)], IngestOptions(max_bad_rows=BadRowLimit.parse("2", "m")), every="month"
    )
    jan, feb = (p.totals.left_out for p in r.periods)
    assert (jan["duplicate"], jan["unmapped"], sum(feb.values())) == (1, 1, 0)
    assert (r.unassigned.rows, r.unassigned.left_out["no_customer"]) == (2, 1)
    assert r.unassigned.left_out["bad_timestamp"] == 1
    m = tmp_path / "shop.yaml"
    m.write_text(json.dumps(make_map().model_dump(mode="json", exclude_none=True)))
    res = run_cli("trend", str(m), str(f), "--events", "--every", "month")
    assert res.code == 2
    assert "2 of 6 rows cannot be used" in res.err and "--max-bad-rows allows 1%" in res.err
    assert "Traceback" not in res.err
    ok = run_cli("trend", str(m), str(f), "--events", "--every", "month", "--max-bad-rows", "2")
    assert ok.code == 0, ok.err
    assert "no period: 2 rows without a journey" in ok.err
    assert "2026-01: 3 rows read" in ok.err


def test_refusals(log: LogFile, tmp_path: Path) -> None:
    f = log([("a", "2026-01-02T10:00:00Z", "home")])
    m = tmp_path / "shop.yaml"
    m.write_text(json.dumps(make_map().model_dump(mode="json", exclude_none=True)))
    for args, message in [
        (["--events"], "--events needs --every"),
        (["--every", "month"], "--every cuts an event log into periods: give it with --events"),
        (["--events", "--every", "month", "--engine", "spark"], "--engine: cutting an event log"),
    ]:
        r = run_cli("trend", str(m), str(f), *args)
        assert (r.code, message in r.err, "Traceback" in r.err) == (2, True, False), r.err


# ----------------------------------------------------------------------- pandas reference


def _period(ts: pd.Series, every: Every, tz: str) -> pd.Series:
    local = ts.dt.tz_convert(tz)
    if every == "month":
        return local.dt.strftime("%Y-%m")
    if every == "quarter":
        return local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    iso = local.dt.isocalendar()
    return iso["year"].astype(str) + "-W" + iso["week"].map("{:02d}".format)


def _random_rows(seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    rows = []
    for u in range(80):
        t = rng.randrange(200 * DAY)
        for _ in range(rng.randrange(1, 9)):
            t += rng.choice([0, 30, 600, 3 * HOUR, 2 * DAY, 20 * DAY])
            stamp = pd.Timestamp(1767225600 + t, unit="s", tz="UTC")
            event = rng.choice(["home", "product", "cart", "paid", "newsletter"])
            rows.append((f"u{u}", stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), event))
    return rows


@pytest.mark.parametrize(("every", "tz"), [("month", "UTC"), ("week", "America/New_York")])
def test_matches_a_pandas_cut_and_ingest_of_each_period(
    log: LogFile, tmp_path: Path, every: Every, tz: str
) -> None:
    rows = _random_rows(7)
    df = pd.DataFrame(rows, columns=["user_id", "timestamp", "event"])
    ts = pd.to_datetime(df["timestamp"], utc=True)
    mapped = df["event"] != "newsletter"
    first = (
        ts.where(mapped)
        .groupby(df["user_id"])
        .transform("min")
        .fillna(ts.groupby(df["user_id"]).transform("min"))
    )
    df["period"] = _period(first, every, tz)
    got = cut(log(rows), every, timezone=tz, lost_after=3 * DAY)
    assert list(got) == sorted(df["period"].unique())
    for period, part in df.groupby("period"):
        path = tmp_path / f"{period}.csv"
        part[["user_id", "timestamp", "event"]].to_csv(path, index=False)
        [ref] = ingest(make_map(), [str(path)], IngestOptions(timezone=tz, lost_after=3 * DAY))
        want = written(ref.overlay)
        for key in ("touchpoints", "left_out", "unmapped", "time_range"):
            assert got[str(period)][key] == want[key], (period, key)
        assert got[str(period)].get("time_to_convert") == want.get("time_to_convert")


@pytest.mark.slow
def test_docs_event_log_example_prints_what_the_page_shows(tmp_path: Path) -> None:
    import re
    import shlex

    from tests.support import ROOT

    text = (ROOT / "docs" / "trends.md").read_text(encoding="utf-8")
    section = text.split("## From an event log")[1]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block is not None
    lines = block.group(1).splitlines()
    commands = [line[2:] for line in lines if line.startswith("$ ")]
    shown = "\n".join(line for line in lines if not line.startswith("$ ")) + "\n"
    out = ""
    for command in commands:
        args = [str(ROOT / a) if a.startswith("tests/") else a for a in shlex.split(command)[1:]]
        r = run_cli(*args, cwd=tmp_path)
        assert r.code == 0, r.err
        out = r.out
    assert out == shown


def test_trend_outputs_carry_the_time_to_convert_per_period(log: LogFile, tmp_path: Path) -> None:
    f = log(
        [
            ("a", "2026-01-05T10:00:00Z", "home"),
            ("a", "2026-01-05T10:10:00Z", "paid"),  # 600 s
            ("b", "2026-01-06T10:00:00Z", "home"),
            ("b", "2026-01-06T10:00:30Z", "paid"),  # 30 s
            ("c", "2026-02-02T10:00:00Z", "home"),
        ]
    )
    m = tmp_path / "shop.yaml"
    m.write_text(json.dumps(make_map().model_dump(mode="json", exclude_none=True)))
    args = ("trend", str(m), str(f), "--events", "--every", "month", "--quiet")
    doc = json.loads(run_cli(*args, "--format", "json").out)
    jan, feb = doc["periods"]
    # [30, 600]: median 315; p90 at h = 0.9: 30 + 0.9 * 570 = 543
    assert jan["time_to_convert"] == {"journeys": 2, "median_seconds": 315.0, "p90_seconds": 543.0}
    assert (jan["source"], "time_to_convert" in feb) == ("2026-01", False)
    csv_rows = run_cli(*args, "--format", "csv").out.splitlines()
    assert "2026-01,time_to_convert_median,,315.0,,,2," in csv_rows
    assert "2026-01,time_to_convert_p90,,543.0,,,2," in csv_rows
    table = run_cli(*args).out.splitlines()
    assert table[0].split()[-4:] == ["time", "to", "convert", "p90"]
    assert table[1].endswith("5.2 min  9.1 min")  # 315 s and 543 s (figures.duration)
    assert table[2].endswith("–        –")


EXPORTS = Path(__file__).parents[1] / "data" / "exports"


@pytest.mark.parametrize(
    ("preset", "sample"),
    [("mixpanel", "mixpanel/export.jsonl"), ("posthog", "posthog/events.csv")],
)
def test_periods_add_up_to_one_ingest_of_an_export(preset: str, sample: str) -> None:
    # Mixpanel's sample holds two views by one person in the same second, kept apart by their
    # $insert_id: each row still belongs to one period (they were counted twice before)
    from journeymap.events.presets import preset as get_preset
    from journeymap.io import load_map

    jm = load_map(str(EXPORTS / "shop.yaml")).map
    p = get_preset(preset)
    opts = IngestOptions(columns=p.with_columns(), timestamp_unit=p.timestamp_unit)
    [whole] = ingest(jm, [str(EXPORTS / sample)], opts)
    cut = ingest_periods(jm, [str(EXPORTS / sample)], opts, every="week")
    parts = [r.totals for r in cut.periods] + [cut.unassigned]
    assert sum(t.rows for t in parts) == whole.totals.rows
    assert sum(t.events for t in parts) == whole.totals.events
    assert sum(t.duplicates for t in parts) == whole.totals.duplicates
