"""The numpy pass of DuckDB (events/ordered_np.py) gives the tables of the SQL (events/ordered.py).

Each log is run both ways on ONE DuckDB connection: the window statements of
``events/ordered.py`` (``jm_events``, ``jm_visits``, the definition, as Spark runs them) are
made tables and renamed, then the numpy pass registers its views under the same names; every
row of both tables must agree, and the result queries of ingest (and its overlays) too. The
logs hold ties at one timestamp (A B A), exact duplicates (adjacent or not), repeats across a
session gap and across an unmapped event, session columns, session journeys, where-columns,
segments, unmapped events, goals at the start, conversion windows, censoring and event-id
dedup; a seeded random log full of ties closes the set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events.duck import DuckEngine
from journeymap.events.engines import run_pipeline
from journeymap.events.inputs import log_files
from journeymap.events.ordered_duck import ordered_plan, run_ordered
from journeymap.events.ordered_np import Rows, dedup
from journeymap.events.settings import BadRowLimit, Columns
from journeymap.events.sql import mapping_rules, statements, where_columns
from journeymap.model import JourneyMap
from tests.events.support import make_map, written

T0 = 1_767_261_600  # 2026-01-01T10:00:00Z
LIMIT = BadRowLimit(count=1000)
HEADER = "user_id,timestamp,event,platform,sess,insert_id"

# customer, seconds after T0, event, platform, session value, event id
ROWS = [
    ("u1", 0, "home", "web", "s1", "a"),
    ("u1", 0, "product", "web", "s1", "b"),
    ("u1", 0, "home", "web", "s1", "c"),  # A B A at one instant: a duplicate of row 1
    ("u1", 60, "weird", "web", "s1", "d"),  # unmapped between two homes
    ("u1", 90, "home", "web", "s1", "e"),  # a repeat of home in the same session: collapsed
    ("u1", 4000, "home", "web", "s2", "f"),  # after a gap: a new session, a visit again
    ("u1", 4000, "home", "web", "s2", "f"),  # exact duplicate, adjacent
    ("u1", 4100, "cart", "app", "s2", "g"),
    ("u1", 4200, "paid", "app", "s2", "h"),
    ("u2", 10, "paid", "app", "s9", "i"),  # a goal at the start of the journey
    ("u2", 20, "paid", "app", "s9", "j"),  # a repeat of the goal
    ("u2", 30, "home", "app", "", "k"),  # no session value
    ("u2", 40, "cart", "app", "", "k"),  # the same event id: one event with event-id dedup
    ("u2", 200, "paid", "app", "", ""),
    ("u3", 5, "home", "web", "s1", "l"),
    ("u3", 5, "home", "app", "s1", "m"),  # one instant, two segments
    ("u3", 8000, "product", "web", "s1", "n"),  # a gap inside one session value
    ("", 10, "home", "web", "s1", "o"),  # no customer
    ("u4", 100_000, "cart", "web", "s1", "p"),  # the log's end
]


def write(path: Path, rows: list[tuple[str, int, str, str, str, str]]) -> Path:
    lines = [HEADER] + [f"{u},{T0 + t},{e},{p},{s},{i}" for u, t, e, p, s, i in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SHOP = make_map()
WHERE = make_map(
    home=[{"name": "home", "where": {"platform": "web"}}, "home"],
    cart=[{"name": "cart", "where": {"platform": "app"}}],
)
OPTIONS = {
    "default": IngestOptions(max_bad_rows=LIMIT),
    "session": IngestOptions(journey="session", max_bad_rows=LIMIT),
    "segment": IngestOptions(segment_by="platform", max_bad_rows=LIMIT),
    "column": IngestOptions(columns=Columns(session="sess"), max_bad_rows=LIMIT),
    "column-session": IngestOptions(
        columns=Columns(session="sess"), journey="session", max_bad_rows=LIMIT
    ),
    "window": IngestOptions(conversion_window=150, lost_after=5000, max_bad_rows=LIMIT),
    "gap": IngestOptions(session_timeout=30, segment_by="platform", max_bad_rows=LIMIT),
    "dedup": IngestOptions(columns=Columns(dedup="insert_id"), max_bad_rows=LIMIT),
    "dedup-segment": IngestOptions(
        columns=Columns(dedup="insert_id", session="sess"),
        segment_by="platform",
        journey="session",
        max_bad_rows=LIMIT,
    ),
}
MAPS = {"shop": SHOP, "where": WHERE}


def tables_both_ways(path: Path, jm: JourneyMap, opts: IngestOptions) -> dict[str, Any]:
    """``jm_events`` and ``jm_visits`` of the SQL and of the numpy pass, sorted, on one engine."""
    goals = jm.select_goals(opts.goal)
    stmts = statements(jm, opts, goals)
    engine = DuckEngine()
    try:
        with log_files([str(path)]) as files:
            engine.load(files, opts.columns, where_columns(mapping_rules(jm)), opts.segment_by)
            engine.macros(opts.timezone)
            con = engine.con
            con.execute(f"CREATE TEMP VIEW jm_parsed AS {stmts['jm_parsed']}")
            for name in ("jm_events", "jm_visits"):
                con.execute(f"CREATE TEMP TABLE {name} AS {stmts[name]}")
            for name in ("jm_events", "jm_visits"):
                con.execute(f"ALTER TABLE {name} RENAME TO {name}_sql")
            assert run_ordered(con, ordered_plan(jm, opts, goals), None)
            out = {}
            for name in ("jm_events", "jm_visits"):
                for side in (name, f"{name}_sql"):
                    cols = con.execute(f"SELECT * FROM {side} LIMIT 0").description
                    rows = con.execute(f"SELECT * FROM {side} ORDER BY ALL").fetchall()
                    out[side] = ([str(d[0]) for d in cols], rows)
            return out
    finally:
        engine.close()


def results_both_ways(
    path: Path, jm: JourneyMap, opts: IngestOptions, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    goals = jm.select_goals(opts.goal)
    found = []
    for numpy_pass in (True, False):
        monkeypatch.setattr(DuckEngine, "numpy_pass", numpy_pass)
        with log_files([str(path)]) as files:
            rows, _ = run_pipeline(jm, files, opts, goals)
        found.append({k: sorted(v, key=repr) for k, v in rows.items()})
    return found[0], found[1]


@pytest.mark.parametrize("map_name", list(MAPS))
@pytest.mark.parametrize("case", list(OPTIONS))
def test_numpy_pass_gives_the_tables_of_the_sql(tmp_path: Path, case: str, map_name: str) -> None:
    log = write(tmp_path / "log.csv", ROWS)
    t = tables_both_ways(log, MAPS[map_name], OPTIONS[case])
    for name in ("jm_events", "jm_visits"):
        assert t[name][0] == t[f"{name}_sql"][0]  # the same columns, in the same order
        assert t[name][1] == t[f"{name}_sql"][1]
    assert t["jm_visits"][1]  # the cases are not empty


@pytest.mark.parametrize("case", ["default", "segment", "dedup", "window"])
def test_numpy_pass_gives_the_results_of_the_sql(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = write(tmp_path / "log.csv", ROWS)
    fast, sql = results_both_ways(log, SHOP, OPTIONS[case], monkeypatch)
    assert fast == sql


def test_hand_worked_visits_of_the_tricky_log(tmp_path: Path) -> None:
    """By hand (30 min sessions, customer journeys, the platform ignored):

    - u1: home (0; row 3 is its duplicate though product lies between), product (0), weird
      (unmapped), home (90: its mapped predecessor is product, a visit), home (4000: a new
      session, a visit and a return; row 7 a duplicate), cart, paid;
    - u2: paid (10), paid (20: a repeat in the session, collapsed), home, cart, paid (200);
    - u3: home (5; the app row a duplicate: same customer, instant, event), product (8000:
      a new session, a return);
    - u4: cart.
    """
    log = write(tmp_path / "log.csv", ROWS)
    [r] = ingest(SHOP, [str(log)], OPTIONS["default"])
    tp = written(r.overlay)["touchpoints"]
    assert tp["home"]["visits"] == 5  # u1 three, u2 one, u3 one
    assert tp["home"]["next"] == {"product": 2, "home": 1, "cart": 2}
    assert tp["home"]["returns"] == {"home": 1, "product": 1}  # u1 at 4000, u3 at 8000
    assert tp["paid"]["visits"] == 3  # u1 one, u2 two
    assert tp["paid"]["next"] == {"home": 1}
    assert tp["paid"]["entries"] == 1  # u2 starts at the goal
    assert r.totals.duplicates == 3  # (u1, 0, home), (u1, 4000, home), (u3, 5, home)
    assert r.totals.events == 15  # 19 rows, one without a customer, three duplicates


def test_dedup_keeps_the_first_row_of_each_event_in_a_tie_group() -> None:
    """A B A at one instant (keys 10, 11, 12), then A in another segment: the second A is the
    first's duplicate (it keeps the first's code 2 and session 5), the other segment's is not."""

    def a(*v: int) -> Any:
        return np.array(v, dtype=np.int64)

    r = dedup(
        Rows(
            seg=a(0, 0, 0, 1),
            cid=a(1, 1, 1, 1),
            ts=a(5, 5, 5, 5),
            eid=a(7, 8, 7, 7),
            key=a(10, 11, 12, 13),
            code=a(2, 1, 0, 0),
            sess=a(5, 4, 3, 6),
        )
    )
    assert r.rows is not None and r.sess is not None
    assert r.key.tolist() == [10, 11, 13]
    assert r.rows.tolist() == [2, 1, 1]
    assert r.code.tolist() == [2, 1, 0]
    assert r.sess.tolist() == [5, 4, 6]


def test_a_seeded_random_log_gives_the_tables_of_the_sql(tmp_path: Path) -> None:
    rng = np.random.default_rng(14)
    events = ["home", "product", "cart", "paid", "weird"]
    rows = [
        (
            f"c{rng.integers(12)}",
            int(rng.integers(0, 40)) * 50,  # few instants: many ties and duplicates
            events[rng.integers(5)],
            ["web", "app"][rng.integers(2)],
            ["s1", "s2", ""][rng.integers(3)],
            f"i{rng.integers(60)}",
        )
        for _ in range(400)
    ]
    log = write(tmp_path / "log.csv", rows)
    for case in ("default", "session", "gap", "column-session", "window", "dedup-segment"):
        opts = OPTIONS[case]
        if case == "gap":
            opts = IngestOptions(session_timeout=120, segment_by="platform", max_bad_rows=LIMIT)
        for jm in MAPS.values():
            t = tables_both_ways(log, jm, opts)
            for name in ("jm_events", "jm_visits"):
                assert t[name] == t[f"{name}_sql"], (case, name)


def _random_log(path: Path, seed: int, n: int = 400) -> Path:
    rng = np.random.default_rng(seed)
    events = ["home", "product", "cart", "paid", "weird"]
    rows = [
        (
            f"c{rng.integers(12)}",
            int(rng.integers(0, 40)) * 50,
            events[rng.integers(5)],
            ["web", "app"][rng.integers(2)],
            ["s1", "s2", ""][rng.integers(3)],
            f"i{rng.integers(60)}",
        )
        for _ in range(n)
    ]
    return write(path, rows)


@pytest.mark.parametrize("fallback", [False, True])
@pytest.mark.parametrize("case", ["default", "session", "segment", "window"])
def test_results_from_the_arrays_are_the_sql_rows(
    tmp_path: Path, case: str, fallback: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``stats_events``, ``touchpoints`` and ``transitions`` (ordered_results) against the SQL
    on a random log whose pairs have even and odd counts (the lower median); ``fallback``:
    the distinct customers by a sort and the medians by a lexsort instead of the packed keys."""
    from journeymap.events import ordered_results

    if fallback:
        monkeypatch.setattr(ordered_results, "PRESENCE_CELLS", 0)
        monkeypatch.setattr(ordered_results, "SECONDS_BITS", 1)
    log = _random_log(tmp_path / "log.csv", 10)
    fast, sql = results_both_ways(log, WHERE, OPTIONS[case], monkeypatch)
    counts = {r[3] % 2 for r in sql["transitions"]}
    assert counts == {0, 1}  # even and odd counts of moves
    for name in ("stats_events", "touchpoints", "transitions"):
        assert fast[name] == sql[name], name


def test_lower_median_is_duckdb_quantile_disc() -> None:
    """The rank rule checked on DuckDB itself: x_(ceil(n/2)) for n = 1..6."""
    import duckdb

    for n in range(1, 7):
        values = [10 * (i + 1) for i in range(n)]
        sql = f"SELECT quantile_disc(x, 0.5) FROM unnest({values}) AS t(x)"
        [(found,)] = duckdb.connect().execute(sql).fetchall()
        assert found == values[(n - 1) // 2] == values[-(-n // 2) - 1]


@pytest.mark.parametrize("journey", ["customer", "session"])
@pytest.mark.parametrize("every", ["week", "month"])
def test_periods_by_the_numpy_pass_are_the_sql_periods(
    tmp_path: Path, journey: str, every: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``trend --events``: a journey's events take its period; a customer's session journeys
    fall in several periods (sessions days apart over three months), the customer journeys
    in the period of their first mapped event."""
    from journeymap.events.periods import ingest_periods

    rng = np.random.default_rng(12)
    events = ["weird", "home", "product", "cart", "paid"]
    rows = [
        (
            f"c{rng.integers(60)}",
            int(rng.integers(0, 90)) * 86_400 + int(rng.integers(0, 4)) * 600,
            events[rng.integers(5)],
            "web",
            "",
            "",
        )
        for _ in range(300)
    ]
    log = write(tmp_path / "log.csv", rows)
    opts = IngestOptions(journey=journey, max_bad_rows=LIMIT)  # type: ignore[arg-type]
    found = []
    for numpy_pass in (True, False):
        monkeypatch.setattr(DuckEngine, "numpy_pass", numpy_pass)
        run = ingest_periods(WHERE, [str(log)], opts, every=every)  # type: ignore[arg-type]
        found.append([(written(p.overlay), p.totals) for p in run.periods])
    assert len(found[0]) >= 3
    assert found[0] == found[1]


@pytest.mark.parametrize("case", ["default", "session", "segment", "dedup-segment", "window"])
def test_buckets_of_customers_give_the_sql_results(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log beyond ``BUCKET_ROWS`` is passed over in buckets of customers (``jm_cid % k``),
    appended to tables: forced here with k = 8 on a small log."""
    from journeymap.events import ordered_buckets

    monkeypatch.setattr(ordered_buckets, "BUCKET_ROWS", 50)
    assert ordered_buckets.buckets(400) == 8
    log = _random_log(tmp_path / "log.csv", 11)
    fast, sql = results_both_ways(log, WHERE, OPTIONS[case], monkeypatch)
    assert fast == sql
    assert len(sql["transitions"]) > 10


def test_buckets_take_the_arrays_share_of_duckdb_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In buckets DuckDB's limit is lowered by ROW_BYTES * BUCKET_ROWS (here 1 GiB - 1 MiB)."""
    from journeymap.events import ordered_buckets

    monkeypatch.setattr(ordered_buckets, "BUCKET_ROWS", 50)
    monkeypatch.setattr(ordered_buckets, "ROW_BYTES", 2**20 // 50)
    log = _random_log(tmp_path / "log.csv", 12)
    opts = OPTIONS["default"]
    goals = SHOP.select_goals(None)
    engine = DuckEngine()
    try:
        with log_files([str(log)]) as files:
            engine.load(files, opts.columns, [], None)
            engine.macros("UTC")
            engine.con.execute(
                f"CREATE TEMP TABLE jm_parsed AS {statements(SHOP, opts, goals)['jm_parsed']}"
            )
            plan = ordered_plan(SHOP, opts, goals)
            assert run_ordered(engine.con, plan, None, rows_read=400, memory=2**30) is not None
            [(limit,)] = engine.con.execute("SELECT current_setting('memory_limit')").fetchall()
            assert limit == "1023.0 MiB"
    finally:
        engine.close()
