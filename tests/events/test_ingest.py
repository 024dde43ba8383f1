"""Ingest on small logs whose answers are worked out by hand (design section 5, step by step)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events.settings import BadRowLimit, Columns
from journeymap.graph import FLOW_RESIDUAL, build_graph
from journeymap.io import OverlayFormat, dump_overlay, load_map, load_overlay
from journeymap.model import JourneyMap
from tests.events.reference import reference_ingest
from tests.events.support import LogFile, by_id, make_map, written
from tests.support import run_cli

MIN, HOUR, DAY = 60, 3600, 86400


def at(day: int, hh: int, mm: int = 0, ss: int = 0) -> str:
    return f"2026-01-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z"


def one(jm: JourneyMap, files: Iterable[Path | str], **kw: Any) -> dict[str, Any]:
    [r] = ingest(jm, [str(f) for f in files], IngestOptions(**kw))
    return written(r.overlay)


def test_counts_repeats_exits_and_coverage(log: LogFile) -> None:
    # u1: home -> product -> cart -> paid (converts). u2: home, home (a repeat: one visit),
    # product, then leaves. z: one unmapped event at 12:00 sets the end of the data.
    f = log(
        [
            ("u1", at(1, 10), "home"),
            ("u1", at(1, 10, 1), "product"),
            ("u1", at(1, 10, 5), "cart"),
            ("u1", at(1, 10, 10), "paid"),
            ("u2", at(1, 10), "home"),
            ("u2", at(1, 10, 2), "home"),
            ("u2", at(1, 10, 3), "product"),
            ("z", at(1, 12), "newsletter"),
        ]
    )
    o = one(make_map(), [f], lost_after=MIN)
    tp = by_id(o)
    assert tp["home"] == {
        "entries": 2,
        "visits": 2,
        "customers": 2,
        "next": {"product": 2},
        "exits": 0,
        "in_progress": 0,
        "unknown": 0,
        "conversions": 0,
        "returns": {},
        "median_seconds_to_next": {"product": 60},
    }  # 60 s and 180 s: lower median
    assert tp["product"]["next"] == {"cart": 1}
    assert tp["product"]["exits"] == 1
    assert tp["cart"]["conversions"] == 1
    assert tp["cart"]["median_seconds_to_next"] == {"paid": 300}
    assert tp["paid"]["exits"] == 1 and tp["paid"]["visits"] == 1
    assert o["unmapped"] == {"newsletter": 1}
    assert o["coverage"] == round(7 / 8, 6)
    assert o["bad_rows"] == 0
    assert o["time_range"] == {"start": at(1, 10), "end": at(1, 12)}


def test_in_progress_against_the_end_of_the_data(log: LogFile) -> None:
    # default --lost-after is 30 days for customer journeys; the data ends on 2026-03-01.
    f = log(
        [
            ("old", "2026-01-01T10:00:00Z", "home"),
            ("mid", "2026-01-30T10:01:00Z", "home"),
            ("new", "2026-03-01T10:00:00Z", "home"),
            ("new", "2026-03-01T10:01:00Z", "other"),
        ]
    )
    tp = by_id(one(make_map(), [f]))
    # old: 59 days before the end -> exit; mid: exactly 30 days -> in progress; new: in progress
    assert (tp["home"]["exits"], tp["home"]["in_progress"]) == (1, 2)


def test_ties_are_broken_by_file_rank_then_row(log: LogFile) -> None:
    same = at(1, 10)
    b = log([("u", same, "home")], name="b.csv")
    a = log([("u", same, "product"), ("u", same, "cart")], name="a.csv")
    tp = by_id(one(make_map(), [b, a], lost_after=0))
    # sorted paths: a.csv (product, cart) then b.csv (home)
    assert tp["product"]["next"] == {"cart": 1}
    assert tp["cart"]["next"] == {"home": 1}
    assert tp["product"]["entries"] == 1
    assert tp["cart"]["median_seconds_to_next"] == {"home": 0}


def test_returns_between_sessions_and_session_journeys(log: LogFile) -> None:
    rows = [
        ("u", at(1, 10), "home"),
        ("u", at(1, 10, 5), "cart"),
        ("u", at(1, 10, 20), "cart"),
        ("u", at(1, 12, 10), "cart"),
        ("u", at(1, 12, 15), "paid"),
        ("z", at(3, 0), "ping"),
    ]
    f = log(rows)
    tp = by_id(one(make_map(), [f], lost_after=HOUR))
    # 10:05 and 10:20 are one session (15 min gap): one visit. 12:10 starts a new session:
    # the same touchpoint stays as a self-transition, counted as a return.
    assert tp["cart"]["visits"] == 2
    assert tp["cart"]["next"] == {"cart": 1, "paid": 1}
    assert tp["cart"]["returns"] == {"cart": 1}
    assert tp["cart"]["median_seconds_to_next"] == {"cart": 2 * HOUR + 5 * MIN, "paid": 5 * MIN}
    assert tp["home"]["entries"] == 1
    s = by_id(one(make_map(), [f], journey="session", lost_after=HOUR))
    # two journeys: home -> cart (exit), cart -> paid (exit)
    assert s["home"]["entries"] == 1 and s["cart"]["entries"] == 1
    assert s["cart"]["next"] == {"paid": 1} and s["cart"]["returns"] == {}
    assert s["cart"]["exits"] == 1 and s["paid"]["exits"] == 1
    # a shorter timeout splits 10:05 / 10:20 too
    t = by_id(one(make_map(), [f], session_timeout=10 * MIN, lost_after=HOUR))
    assert t["cart"]["next"] == {"cart": 2, "paid": 1}
    assert t["cart"]["returns"] == {"cart": 2}


def test_session_column(log: LogFile) -> None:
    f = log(
        [
            ("u", at(1, 10), "cart", "s1"),
            ("u", at(1, 10, 1), "cart", "s2"),
            ("u", at(1, 10, 2), "paid", "s2"),
        ],
        header=("user_id", "timestamp", "event", "sid"),
    )
    [r] = ingest(make_map(), [str(f)], IngestOptions(columns=Columns(session="sid"), lost_after=0))
    tp = by_id(r.overlay)
    assert tp["cart"]["next"] == {"cart": 1, "paid": 1}
    assert tp["cart"]["returns"] == {"cart": 1}


def test_bad_rows_are_counted_and_strict_refuses(log: LogFile, tmp_path: Path) -> None:
    f = log(
        [
            ("u", at(1, 10), "home"),
            ("", at(1, 10), "home"),
            ("v", "yesterday", "home"),
            ("w", "2026-02-30T10:00:00Z", "home"),
            ("x", at(1, 11), ""),
        ]
    )
    o = one(make_map(), [f], max_bad_rows=BadRowLimit(count=4))
    assert o["bad_rows"] == 4
    assert by_id(o)["home"]["visits"] == 1
    m = tmp_path / "m.yaml"
    m.write_text(
        json.dumps(make_map().model_dump(mode="json", exclude_defaults=True, by_alias=True))
    )
    r = run_cli("ingest", str(f), "--map", str(m), "--strict")
    assert r.code == 2
    assert f"{f}: line 3: no customer id (--strict refuses incomplete rows)" in r.err
    assert "Traceback" not in r.err


def test_time_zones_and_mixed_formats(log: LogFile) -> None:
    base = calendar.timegm(dt.datetime(2026, 1, 1, 10, 0).timetuple())
    rows = [
        ("u", "2026-01-01 12:00:00", "e0"),  # naive, read in Europe/Riga (UTC+2): 10:00Z
        ("u", "2026-01-01T10:01:00Z", "e1"),  # UTC
        ("u", "2026-01-01T13:02:00+03:00", "e2"),  # offset: 10:02Z
        ("u", str(base + 180), "e3"),  # epoch seconds: 10:03Z
        ("u", "2026-01-01T10:04:00.5Z", "e4"),  # a fraction: 10:04:00.5Z
        ("u", "2026-01-01 10:05:30.250-0000", "e5"),  # fraction and a compact offset
        ("u", "2026-01-02", "e6"),  # a date: midnight in Riga, 22:00Z
        ("u", "2026-13-01T10:00:00Z", "e0"),  # no 13th month: left out
        ("u", "01/02/2026 10:00", "e0"),  # not ISO: left out
    ]
    f = log(rows)
    chain = {
        "journeymap": 1,
        "id": "tz",
        "title": "TZ",
        "stages": [
            {
                "id": "s",
                "name": "S",
                "touchpoints": [{"id": f"e{i}", "name": f"E{i}"} for i in range(7)],
            }
        ],
    }
    o = one(
        make_map(chain),
        [f],
        timezone="Europe/Riga",
        lost_after=0,
        max_bad_rows=BadRowLimit(count=2),
    )
    tp = by_id(o)
    assert [tp[f"e{i}"]["next"] for i in range(6)] == [{f"e{i + 1}": 1} for i in range(6)]
    assert [tp[f"e{i}"]["median_seconds_to_next"][f"e{i + 1}"] for i in range(6)] == [
        60,
        60,
        60,
        60,
        89,
        11 * HOUR + 54 * MIN + 29,
    ]
    assert o["bad_rows"] == 2
    assert o["time_range"] == {"start": "2026-01-01T10:00:00Z", "end": "2026-01-01T22:00:00Z"}
    assert o["period"] == {"start": "2026-01-01", "end": "2026-01-01"}
    # the same rows read in UTC: the naive ones move by two hours
    utc = one(make_map(chain), [f], lost_after=0, max_bad_rows=BadRowLimit(count=2))
    assert utc["time_range"] == {"start": "2026-01-01T10:01:00Z", "end": "2026-01-02T00:00:00Z"}


def test_exact_duplicates_count_once_and_the_first_row_is_kept(log: LogFile) -> None:
    jm = make_map(
        cart=[{"name": "view", "where": {"page": "/cart.*"}}],
        home=[{"name": "view", "where": {"page": "/"}}],
    )
    f = log(
        [
            ("u", at(1, 10), "view", "/cart/1"),
            ("u", at(1, 10), "view", "/"),
            ("u", at(1, 10, 1), "view", "/"),
            ("u", at(1, 10, 1), "view", "/"),
            ("u", at(1, 10, 2), "paid", "/thanks"),
        ],
        header=("user_id", "timestamp", "event", "page"),
    )
    [r] = ingest(jm, [str(f)], IngestOptions(lost_after=0))
    tp = by_id(r.overlay)
    # row 2 duplicates row 1 (same customer, time, event): row 1 (/cart/1) is kept
    assert tp["cart"]["next"] == {"home": 1}
    assert tp["home"]["next"] == {"paid": 1}
    assert r.totals.duplicates == 2
    assert r.totals.events == 3


def test_rules_are_fully_anchored_and_first_match_wins(log: LogFile) -> None:
    jm = make_map(
        home=["landing", {"pattern": "home_.*"}],
        product=[{"pattern": "prod"}],
        cart=[{"pattern": "home_cart|cart.*"}],
    )
    f = log(
        [
            ("u", at(1, 10), "landing"),
            ("u", at(1, 10, 1), "home_cart"),
            ("u", at(1, 10, 2), "production"),
            ("u", at(1, 10, 3), "cart_view"),
            ("u", at(1, 10, 4), "prod"),
        ]
    )
    o = one(jm, [f], lost_after=0)
    tp = by_id(o)
    # home_cart matches home first (map order); 'prod' does not match 'production'
    assert tp["home"]["next"] == {"cart": 1}
    assert tp["home"]["visits"] == 1
    assert tp["cart"]["next"] == {"product": 1}
    assert o["unmapped"] == {"production": 1}


def test_conversion_window(log: LogFile) -> None:
    f = log(
        [
            ("fast", at(1, 10), "home"),
            ("fast", at(1, 20), "paid"),
            ("slow", at(1, 10), "home"),
            ("slow", at(5, 10), "paid"),
            ("z", at(20, 0), "ping"),
        ]
    )
    tp = by_id(one(make_map(), [f], conversion_window=DAY, lost_after=0))
    assert tp["home"]["next"] == {"paid": 2}  # nothing is truncated
    assert (tp["home"]["conversions"], tp["home"]["late_conversions"]) == (1, 1)
    no_window = by_id(one(make_map(), [f], lost_after=0))
    assert no_window["home"]["conversions"] == 2
    assert "late_conversions" not in no_window["home"]


def test_goal_selects_one_goal(log: LogFile) -> None:
    jm = make_map()
    doc = jm.model_dump(by_alias=True, exclude_defaults=True)
    doc["stages"][1]["touchpoints"][0]["goal"] = True  # cart is a goal too
    from journeymap.model import JourneyMap

    two = JourneyMap.model_validate(doc)
    f = log([("u", at(1, 10), "product"), ("u", at(1, 10, 1), "cart"), ("u", at(1, 10, 2), "paid")])
    both = by_id(one(two, [f], lost_after=0))
    assert (both["product"]["conversions"], both["cart"]["conversions"]) == (1, 1)
    only = by_id(one(two, [f], lost_after=0, goal="paid"))
    assert (only["product"]["conversions"], only["cart"]["conversions"]) == (0, 1)


def test_overlays_load_and_flow_conserves(log: LogFile, tmp_path: Path) -> None:
    rng = random.Random(7)
    names = ["home", "product", "cart", "paid", "help", "search"]
    rows = []
    for u in range(60):
        t = 1767261600 + rng.randrange(0, 20 * DAY)
        for _ in range(rng.randrange(1, 12)):
            t += rng.choice([5, 30, 600, 4000, 3 * DAY])
            rows.append((f"user-{u}", str(t), rng.choice(names)))
    f = log(rows)
    jm = make_map()
    [r] = ingest(jm, [str(f)], IngestOptions(conversion_window=2 * DAY))
    m = tmp_path / "map.json"
    m.write_text(json.dumps(jm.model_dump(mode="json", by_alias=True, exclude_defaults=True)))
    for fmt in OverlayFormat:
        name, text = f"o.{fmt.value}", dump_overlay(r.overlay, fmt)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        overlay, _, _ = load_overlay(path)
        loaded = load_map(m, data=path)
        G = build_graph(loaded.map, loaded.overlay)
        assert all(G.nodes[n][FLOW_RESIDUAL] == 0 for n in G.nodes)
        assert overlay == r.overlay


@pytest.mark.parametrize("journey", ["customer", "session"])
def test_matches_an_independent_pandas_implementation(log: LogFile, journey: str) -> None:
    rng = random.Random(11)
    events = ["home", "product", "cart", "paid", "landing", "help", "x"]
    rows = []
    for u in range(80):
        t = 1767261600 + rng.randrange(0, 40 * DAY)
        for _ in range(rng.randrange(1, 15)):
            t += rng.choice([0, 1, 45, 700, 1800, 1801, 5000, 2 * DAY])
            ts = (dt.datetime(1970, 1, 1) + dt.timedelta(seconds=t)).isoformat() + rng.choice(
                ["Z", "+00:00", ""]
            )
            rows.append((f"u{u:03d}", ts if rng.random() > 0.1 else str(t), rng.choice(events)))
            if rng.random() < 0.05:
                rows.append(rows[-1])  # an exact duplicate
    rows.append(("", "2026-01-01T00:00:00Z", "home"))
    half = len(rows) // 2
    f1, f2 = log(rows[:half], name="p1.csv"), log(rows[half:], name="p2.csv")
    jm = make_map(home=["home", "landing"])
    o = one(jm, [f2, f1], journey=journey, conversion_window=DAY, lost_after=3 * DAY)
    ref = reference_ingest(jm, [str(f1), str(f2)], journey=journey, window=DAY, lost_after=3 * DAY)
    assert o["bad_rows"] == ref["bad_rows"] == 1
    assert o["unmapped"] == ref["unmapped"]
    for tid, item in o["touchpoints"].items():
        exp = ref["touchpoints"].get(tid)
        assert exp is not None, tid
        got = {k: item[k] for k in exp}
        assert got == exp, tid
