"""``journeymap cohorts``: hand-worked numbers, an independent pandas reference, the engines agree."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events.cohorts import CohortSettings, cohorts, goal_event_map
from journeymap.model import JourneyMap
from journeymap.report.cohorts import to_document, to_json
from tests.support import run_cli

DATA = Path(__file__).parent / "data"
ECOM = DATA / "retentioneering-ecom.csv.gz"
Log = Callable[..., Path]

HAND = [  # customer, timestamp, event, value
    ("a", "2026-01-05T10:00:00Z", "buy", "10"),
    ("a", "2026-01-05T10:00:00Z", "buy", "10"),  # an exact duplicate: left out
    ("a", "2026-02-03T10:00:00Z", "buy", "5.5"),
    ("b", "2026-01-20T10:00:00Z", "buy", "3"),
    ("b", "2026-01-20T10:00:00Z", "home", ""),
    ("c", "2026-02-10T10:00:00Z", "buy", "x"),  # a value that is not a number
    ("c", "2026-03-10T10:00:00Z", "buy", "1"),
    ("d", "2026-04-02T10:00:00Z", "buy", "7"),  # converts in the last, partial period
]
HEADER = ("user_id", "timestamp", "event", "value")


def test_hand_worked_triangle(log: Log) -> None:
    """Jan: a, b; Feb: a back, c new; Mar: c back; April is partial (the log ends on the 2nd).

    retention Jan = (2/2, 1/2, 0/2), Feb = (1/1, 1/1); d's cohort (April) is left out.
    Repeat: a (Jan 5, Feb 3) and c (Feb 10, Mar 10) of a, b, c, d: 2/4. Time to second: 29 and
    28 days: median 28.5, p90 28 + 0.9 * (29 - 28) = 28.9 (type 7).
    """
    path = log(HAND, header=HEADER)
    run = cohorts(goal_event_map("buy"), [str(path)], settings=CohortSettings(value_column="value"))
    doc = to_document(run.cohorts)
    assert [(r["cohort"], r["active"], r["retention"]) for r in doc["cohorts"]] == [
        ("2026-01", [2, 1, 0], [1.0, 0.5, 0.0]),
        ("2026-02", [1, 1], [1.0, 1.0]),
    ]
    assert [r["revenue"] for r in doc["cohorts"]] == [[13.0, 5.5, 0.0], [0.0, 1.0]]
    assert doc["repeat_rate"] == 0.5 and doc["customers"] == 4
    assert doc["time_to_second"] == {"customers": 2, "median_days": 28.5, "p90_days": 28.9}
    assert doc["left_out"] == {
        "partial_cohorts": 1,
        "partial_cohort_customers": 1,
        "partial_offsets": 2,
        "values_unreadable": 1,
    }
    assert run.totals.left_out["duplicate"] == 1 and run.totals.left_out["unmapped"] == 1
    assert doc["rows"] == {  # 8 rows read = 6 goal events counted + 1 duplicate + 1 unmapped
        "read": 8,
        "left_out": {
            "no_customer": 0,
            "bad_timestamp": 0,
            "no_event": 0,
            "duplicate": 1,
            "unmapped": 1,
        },
    }
    kept = cohorts(
        goal_event_map("buy"), [str(path)], settings=CohortSettings(include_partial=True)
    )
    rows = to_document(kept.cohorts)["cohorts"]
    assert [(r["cohort"], r["active"], r["partial_from"]) for r in rows] == [
        ("2026-01", [2, 1, 0, 0], 3),
        ("2026-02", [1, 1, 0], 2),
        ("2026-04", [1], 0),
    ]


def test_ties_count_once_and_gaps(log: Log) -> None:
    """Two goal events of one customer at one timestamp (two rules of the goal) count once."""
    jm = JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "shop",
            "title": "Shop",
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "touchpoints": [
                        {"id": "home", "name": "Home", "next": ["paid"]},
                        {"id": "paid", "name": "Paid", "goal": True, "events": ["buy", "order"]},
                    ],
                }
            ],
        }
    )
    rows = [
        ("a", "2026-01-05T10:00:00Z", "buy"),
        ("a", "2026-01-05T10:00:00Z", "order"),  # a tie: not a second goal event
        ("a", "2026-03-05T10:00:00Z", "buy"),  # back after a gap of one month
        ("b", "2026-01-06T10:00:00Z", "home"),
        ("b", "2026-04-30T10:00:00Z", "home"),
    ]
    run = cohorts(jm, [str(log(rows))], settings=CohortSettings(by="month"))
    doc = to_document(run.cohorts)
    assert doc["cohorts"] == [
        {"cohort": "2026-01", "customers": 1, "active": [1, 0, 1], "retention": [1.0, 0.0, 1.0]}
    ]
    assert (doc["customers"], doc["repeat_customers"]) == (1, 1)
    assert doc["time_to_second"]["median_days"] == 59.0


def test_time_zone_moves_an_event_to_the_next_month(log: Log) -> None:
    """23:30 UTC on 31 January is 01:30 on 1 February in Riga (UTC+2)."""
    rows = [
        ("a", "2026-01-31T23:30:00Z", "buy"),
        ("b", "2026-01-10T10:00:00Z", "buy"),
        ("z", "2026-03-15T00:00:00Z", "home"),
    ]
    path = str(log(rows))
    utc = to_document(cohorts(goal_event_map("buy"), [path]).cohorts)
    riga = to_document(
        cohorts(goal_event_map("buy"), [path], IngestOptions(timezone="Europe/Riga")).cohorts
    )
    assert [(r["cohort"], r["customers"]) for r in utc["cohorts"]] == [("2026-01", 2)]
    assert [(r["cohort"], r["customers"]) for r in riga["cohorts"]] == [
        ("2026-01", 1),
        ("2026-02", 1),
    ]


def reference(path: Path, goal: str, by: str, tz: str) -> dict[str, Any]:
    """The definitions of docs/analysis.md, "Cohorts", in pandas (whole periods only)."""
    import numpy as np
    import pandas as pd

    d = pd.read_csv(path, dtype=str)
    d = d.dropna(subset=["user_id", "timestamp", "event"])
    d["ts"] = pd.to_datetime(d["timestamp"], utc=True)
    d = d.drop_duplicates(["user_id", "ts", "event"])
    local = d["ts"].dt.tz_convert(tz).dt.tz_localize(None)
    freq = {"week": "W-SUN", "month": "M", "quarter": "Q"}[by]
    d["period"] = local.dt.to_period(freq)
    last = local.max()
    g = d[d["event"] == goal].drop_duplicates(["user_id", "ts"])
    first = g.groupby("user_id")["period"].min().rename("cohort")
    g = g.join(first, on="user_id")
    g["k"] = [(p - c).n for p, c in zip(g["period"], g["cohort"], strict=True)]

    def whole(p: Any) -> bool:
        return bool((p + 1).start_time <= last)

    rows = []
    for c, grp in g.groupby("cohort"):
        if not whole(c):
            continue
        size = grp.loc[grp["k"] == 0, "user_id"].nunique()
        ks = []
        k = 0
        while whole(c + k):
            ks.append(int(grp.loc[grp["k"] == k, "user_id"].nunique()))
            k += 1
        rows.append((str(c), size, ks))
    n = g.groupby("user_id")["ts"].nunique()
    second = (
        g.sort_values("ts")
        .groupby("user_id")["ts"]
        .apply(lambda s: (s.iloc[1] - s.iloc[0]).total_seconds() // 1 if len(s) > 1 else np.nan)
    )
    days = second.dropna().to_numpy() / 86400
    return {
        "rows": rows,
        "repeat_rate": round(float((n >= 2).sum() / len(n)), 6),
        "median": round(float(np.quantile(days, 0.5)), 6),
        "p90": round(float(np.quantile(days, 0.9)), 6),
    }


@pytest.mark.parametrize(("by", "tz"), [("week", "UTC"), ("month", "America/New_York")])
def test_bundled_clickstream_matches_pandas(by: str, tz: str) -> None:
    ref = reference(ECOM, "purchase", by, tz)
    run = cohorts(
        goal_event_map("purchase"),
        [str(ECOM)],
        IngestOptions(timezone=tz),
        CohortSettings(by="week" if by == "week" else "month"),
    )
    doc = to_document(run.cohorts)
    got = [(r["cohort"], r["customers"], r["active"]) for r in doc["cohorts"]]
    want = [
        (label if by == "month" else _iso_week(label), size, ks) for label, size, ks in ref["rows"]
    ]
    assert got == want
    assert doc["repeat_rate"] == ref["repeat_rate"]
    assert doc["time_to_second"]["median_days"] == ref["median"]
    assert doc["time_to_second"]["p90_days"] == ref["p90"]
    assert len(got) > 3


def _iso_week(pandas_week: str) -> str:
    """pandas names a W-SUN week by its dates (2024-01-01/2024-01-07): its ISO label."""
    monday = dt.date.fromisoformat(pandas_week.split("/")[0])
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def test_write_business_feeds_analyze(tmp_path: Path, log: Log) -> None:
    """February: S = January's customers {a, b}, E = {a, c}, N = {c}, lost = {b}; repeat none."""
    path = log(HAND, header=HEADER)
    mp = tmp_path / "shop.yaml"
    mp.write_text(
        "journeymap: 1\nid: shop\ntitle: Shop\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n      - id: home\n        name: Home\n        next: [buy]\n"
        "      - id: buy\n        name: Buy\n        goal: true\n"
        "business:\n  customers_start: 10\n  customers_end: 10\n  new_customers: 1\n",
        encoding="utf-8",
    )
    out = tmp_path / "2026-02.yaml"
    r = run_cli(
        "cohorts", str(path), "--map", str(mp), "--write-business", "2026-02", "-o", str(out)
    )
    assert r.code == 0, r.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    for line in (
        "customers_start: 2",
        "customers_end: 2",
        "new_customers: 1",
        "customers_lost: 1",
        "ordering_customers: 2",
        "repeat_customers: 0",
    ):
        assert line in text
    a = run_cli("analyze", str(mp), "--data", str(out), "--format", "json")
    metrics = json.loads(a.out)["metrics"]
    assert metrics["retention_rate"]["value"] == 0.5  # (E - N) / S = (2 - 1) / 2
    assert metrics["churn_rate"]["value"] == 0.5  # lost / S
    # a .JSON name (any case) is a JSON overlay, as every command that writes one decides
    upper = tmp_path / "2026-02.JSON"
    r = run_cli(
        "cohorts", str(path), "--map", str(mp), "--write-business", "2026-02", "-o", str(upper)
    )
    assert r.code == 0, r.err
    assert json.loads(upper.read_text(encoding="utf-8"))["business"]["customers_lost"] == 1
    first = run_cli(
        "cohorts", str(path), "--map", str(mp), "--write-business", "2026-01", "-o", str(out)
    )
    assert first.code == 2
    assert "--write-business: 2026-01 is the log's first period" in first.err
    assert "Traceback" not in first.err


def test_ingest_writes_ordering_and_repeat_customers(log: Log) -> None:
    """The same definition as cohorts: a has goal events at two timestamps, b at one (a tie)."""
    jm = goal_event_map("buy")
    rows = [
        ("a", "2026-01-05T10:00:00Z", "buy"),
        ("a", "2026-01-07T10:00:00Z", "buy"),
        ("b", "2026-01-06T10:00:00Z", "buy"),
        ("c", "2026-01-06T10:00:00Z", "home"),
    ]
    [r] = ingest(jm, [str(log(rows))])
    assert r.overlay.business is not None
    assert (r.overlay.business.ordering_customers, r.overlay.business.repeat_customers) == (2, 1)
    [s] = ingest(jm, [str(log(rows, name="s.csv"))], IngestOptions(journey="session"))
    assert s.overlay.business is None


def test_cli_formats_and_errors(log: Log) -> None:
    path = str(log(HAND, header=HEADER))
    table = run_cli("cohorts", path, "--goal-event", "buy", "-q")
    assert table.code == 0
    assert table.out.splitlines()[:3] == [
        "cohort   customers      +0      +1    +2",
        "2026-01          2  100.0%   50.0%  0.0%",
        "2026-02          1  100.0%  100.0%",
    ]
    csv = run_cli("cohorts", path, "--goal-event", "buy", "--format", "csv", "-q")
    assert csv.out.splitlines()[:2] == [
        "cohort,customers,offset,active,retention,partial",
        "2026-01,2,0,2,1.0,no",
    ]
    md = run_cli("cohorts", path, "--goal-event", "buy", "--format", "markdown", "-q")
    assert md.out.splitlines()[:3] == [
        "| cohort | customers | +0 | +1 | +2 |",
        "|---|---:|---:|---:|---:|",
        "| 2026-01 | 2 | 100.0% | 50.0% | 0.0% |",
    ]
    both = run_cli("cohorts", path)
    assert both.code == 2 and "give --goal-event NAME or --map MAP" in both.err
    value = run_cli("cohorts", path, "--goal-event", "buy", "--value-column", "amount")
    assert value.code == 2 and "no column 'amount' (named by --value-column)" in value.err
    bad = run_cli("cohorts", path, "--goal-event", "buy", "--timezone", "Europe/Rgia")
    assert bad.code == 2 and "--timezone: unknown time zone 'Europe/Rgia'" in bad.err


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from journeymap.events.spark import local_session

    session = local_session(codegen=False)
    yield session
    session.stop()


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_give_the_same_bytes(tmp_path: Path, spark: Any) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        ",".join(HEADER) + "\n" + "\n".join(",".join(r) for r in HAND) + "\n", encoding="utf-8"
    )
    settings = CohortSettings(by="month", include_partial=True, value_column="value")
    opts = IngestOptions(timezone="Europe/Riga")
    duck = cohorts(goal_event_map("buy"), [str(path)], opts, settings)
    on_spark = cohorts(
        goal_event_map("buy"), [str(path)], opts, settings, engine="spark", spark=spark
    )
    assert to_json(on_spark.cohorts) == to_json(duck.cohorts)
    assert on_spark.totals.left_out == duck.totals.left_out
