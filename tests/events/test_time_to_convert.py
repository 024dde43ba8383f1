"""Time to convert (``time_to_convert`` of an ingested overlay): hand-worked logs, numpy for the
quantiles, and an independent pandas implementation of the definition in docs/events.md."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from journeymap.analysis import analyze
from journeymap.events import IngestOptions, ingest
from journeymap.graph import build_graph
from journeymap.model import JourneyMap, TimeToConvert
from journeymap.report.analysis import to_markdown, to_table
from tests.events.support import LogFile, make_map, written

MIN, HOUR, DAY = 60, 3600, 86400


def at(day: int, hh: int, mm: int = 0, ss: int = 0) -> str:
    return f"2026-01-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z"


HAND = [
    # a: 600 s from home to paid
    ("a", at(1, 10), "home"),
    ("a", at(1, 10, 2), "product"),
    ("a", at(1, 10, 5), "cart"),
    ("a", at(1, 10, 10), "paid"),
    # b: 2 h to the first purchase; the second one (3 h) does not count again
    ("b", at(1, 9), "home"),
    ("b", at(1, 9, 30), "cart"),
    ("b", at(1, 11), "paid"),
    ("b", at(1, 11, 30), "cart"),
    ("b", at(1, 12), "paid"),
    # c: 30 s (an undeclared home -> paid transition still converts)
    ("c", at(1, 10), "home"),
    ("c", at(1, 10, 0, 30), "paid"),
    # d: never converts; e: starts at the goal (an entry, not a conversion)
    ("d", at(1, 10), "home"),
    ("d", at(1, 10, 1), "product"),
    ("e", at(1, 10), "paid"),
    ("e", at(1, 10, 1), "home"),
    ("z", at(2, 10), "newsletter"),
]


def times(jm: JourneyMap, path: Path, **kw: Any) -> TimeToConvert | None:
    [r] = ingest(jm, [str(path)], IngestOptions(**kw))
    return r.overlay.time_to_convert


def test_hand_worked_median_and_p90(log: LogFile) -> None:
    t = times(make_map(), log(HAND))
    assert t is not None
    # [30, 600, 7200]: median 600; p90 at h = 2 * 0.9 = 1.8: 600 + 0.8 * 6600 = 5880
    assert (t.journeys, t.median_seconds, t.p90_seconds) == (3, 600, 5880)
    assert np.percentile([30, 600, 7200], [50, 90]).tolist() == [600, 5880]


def test_the_conversion_window_and_session_journeys(log: LogFile) -> None:
    f = log(HAND)
    t = times(make_map(), f, conversion_window=HOUR)  # b's 2 h is a late conversion
    assert t is not None and (t.journeys, t.median_seconds, t.p90_seconds) == (2, 315, 543)
    # sessions (a new one after a gap of more than 30 min): b's 9:30 -> 11:00 gap starts a
    # session at its first purchase (an entry at the goal, no conversion); 11:30 and 12:00 are
    # 30 min apart, so that session is paid, cart, paid: it starts at its goal, enters the
    # chain at cart (11:30; docs/analysis.md) and converts 12:00 - 11:30 = 1800 s in
    t = times(make_map(), f, journey="session")
    assert t is not None
    # a 600, c 30, b 1800: p90 at h = 1.8: 600 + 0.8 * 1200 = 1560
    assert (t.journeys, t.median_seconds, t.p90_seconds) == (3, 600, 1560)
    assert t.p90_seconds == pytest.approx(float(np.percentile([30, 600, 1800], 90)))


def test_no_conversion_leaves_the_field_out(log: LogFile) -> None:
    f = log([("d", at(1, 10), "home"), ("d", at(1, 10, 1), "product")])
    [r] = ingest(make_map(), [str(f)], IngestOptions())
    assert r.overlay.time_to_convert is None
    assert "time_to_convert" not in written(r.overlay)
    a = analyze(build_graph(make_map(), r.overlay), samples=0)
    assert "time_to_convert" not in a.to_dict()


def test_analyze_shows_it(log: LogFile) -> None:
    jm = make_map()
    [r] = ingest(jm, [str(log(HAND))], IngestOptions())
    assert written(r.overlay)["time_to_convert"] == {
        "journeys": 3,
        "median_seconds": 600.0,
        "p90_seconds": 5880.0,
    }
    a = analyze(build_graph(jm, r.overlay), samples=0)
    assert a.to_dict()["time_to_convert"] == written(r.overlay)["time_to_convert"]
    line = (
        "Converting journeys took a median of 10 min from their first event to the goal; "
        "90% converted within 1.6 h (3 journeys)."
    )
    assert line in to_table(a) and line in to_markdown(a)


# ----------------------------------------------------------------------- pandas reference


def reference_times(
    rows: list[tuple[str, str, str]],
    goals: set[str],
    touchpoints: set[str],
    *,
    journey: str = "customer",
    timeout: int = 30 * MIN,
    window: int | None = None,
) -> list[int]:
    """Whole seconds from each journey's first mapped event outside the goals to its first
    conversion."""
    df = pd.DataFrame(rows, columns=["uid", "ts", "event"])
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    df["ts"] = (pd.to_datetime(df["ts"], utc=True) - epoch) // pd.Timedelta(microseconds=1)
    df["row"] = range(len(df))
    df = df.drop_duplicates(["uid", "ts", "event"]).sort_values(["uid", "ts", "row"])
    out = []
    for _, g in df.groupby("uid", sort=True):
        gap = g["ts"].diff()
        g = g.assign(sess=(gap.isna() | (gap > timeout * 1_000_000)).cumsum())
        g = g[g["event"].isin(touchpoints)]
        keep = (g["event"] != g["event"].shift()) | (g["sess"] != g["sess"].shift())
        g = g[keep]
        parts = [g] if journey == "customer" else [p for _, p in g.groupby("sess")]
        for j in parts:
            ts, ev = j["ts"].tolist(), j["event"].tolist()
            # a journey starts at its first visit outside the goals (docs/analysis.md)
            first = next((k for k, e in enumerate(ev) if e not in goals), len(ev))
            for k in range(first + 1, len(ev)):
                secs = (ts[k] - ts[first]) // 1_000_000
                if ev[k] in goals and (window is None or ts[k] - ts[first] <= window * 1_000_000):
                    out.append(secs)
                    break
    return out


@pytest.mark.parametrize(("journey", "window"), [("customer", None), ("session", 2 * HOUR)])
def test_matches_pandas_on_a_random_log(log: LogFile, journey: str, window: int | None) -> None:
    rng = random.Random(12)
    events = ["home", "product", "cart", "paid", "newsletter"]
    rows = []
    for u in range(60):
        t = rng.randrange(3 * DAY)
        for _ in range(rng.randrange(1, 12)):
            t += rng.choice([0, 20, 90, 600, 1700, 2000, 5 * HOUR])
            stamp = pd.Timestamp(1767225600 + t, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append((f"u{u}", stamp, rng.choice(events)))
    jm = make_map()
    got = times(jm, log(rows), journey=journey, conversion_window=window)
    ref = reference_times(
        rows, {"paid"}, {"home", "product", "cart", "paid"}, journey=journey, window=window
    )
    assert len(ref) > 10
    assert got is not None
    assert got.journeys == len(ref)
    assert got.median_seconds == pytest.approx(float(np.median(ref)))
    assert got.p90_seconds == pytest.approx(float(np.percentile(ref, 90)))
