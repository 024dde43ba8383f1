"""``cohorts`` counts without the journey steps (events/goal_events.py): the same rows left out,
the same goal events as the whole ingest pipeline, hand-worked where a rule tests another column."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events.cohorts import CohortSettings, cohorts, goal_event_map
from journeymap.events.goal_events import count_statements
from journeymap.events.settings import BadRowLimit, Columns
from journeymap.model import JourneyMap

Log = Callable[..., Path]

ROWS = [  # customer, timestamp, event, channel, event id
    ("a", "2026-01-05T10:00:00Z", "buy", "web", "e1"),
    ("a", "2026-01-05T10:00:00Z", "buy", "shop", "e2"),  # same (customer, time, event): a duplicate
    ("a", "2026-02-03T10:00:00Z", "buy", "shop", "e3"),
    ("a", "2026-02-03T11:00:00Z", "home", "web", "e3"),  # event id e3 again
    ("b", "2026-01-20T10:00:00Z", "buy", "web", "e4"),
    ("b", "2026-01-20T10:00:00Z", "home", "web", "e5"),
    ("", "2026-01-21T10:00:00Z", "buy", "web", "e6"),  # no customer
    ("c", "not a time", "buy", "web", "e7"),  # unreadable timestamp
    ("c", "2026-03-10T10:00:00Z", "buy", "web", "e8"),
    ("c", "2026-03-10T10:00:00Z", "", "web", "e9"),  # no event
    ("d", "2026-04-02T10:00:00Z", "buy", "web", "e10"),
]
HEADER = ("user_id", "timestamp", "event", "channel", "event_id")


def _map(where: bool) -> JourneyMap:
    """home -> buy (the goal); with ``where``, only a web purchase is the goal event."""
    rule: dict[str, object] = (
        {"name": "buy", "where": {"channel": "web"}} if where else {"name": "buy"}
    )
    return JourneyMap.model_validate(
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
                        {"id": "paid", "name": "Paid", "goal": True, "events": [rule]},
                    ],
                }
            ],
        }
    )


LIMIT = BadRowLimit.parse("50%", "max_bad_rows")
OPTIONS = {
    "exact": IngestOptions(max_bad_rows=LIMIT),
    "event ids": IngestOptions(columns=Columns(dedup="event_id"), max_bad_rows=LIMIT),
}


@pytest.mark.parametrize("where", [False, True], ids=["by name", "where channel"])
@pytest.mark.parametrize("name", list(OPTIONS))
def test_the_same_rows_and_goal_customers_as_ingest(log: Log, name: str, where: bool) -> None:
    """An independent cross-check: ``ingest`` runs the whole pipeline (sessions, journeys) and
    counts the ordering and repeat customers from its ``jm_events``; cohorts must agree."""
    path = log(ROWS, header=HEADER)
    jm, opts = _map(where), OPTIONS[name]
    [full] = ingest(jm, [str(path)], opts)
    run = cohorts(jm, [str(path)], opts)
    assert run.totals.left_out == full.totals.left_out
    assert (run.totals.rows, run.totals.events, run.totals.customers) == (
        full.totals.rows,
        full.totals.events,
        full.totals.customers,
    )
    assert (run.totals.start_us, run.totals.end_us) == (full.totals.start_us, full.totals.end_us)
    business = full.overlay.business
    assert business is not None
    assert (run.cohorts.customers, run.cohorts.repeat_customers) == (
        business.ordering_customers,
        business.repeat_customers,
    )


def test_the_first_row_of_a_duplicate_decides_the_goal(log: Log) -> None:
    """a's two rows at 2026-01-05 10:00 are one event (exact dedup); its first row is a web
    purchase, so it is a goal event, and a's shop purchase of 2026-02-03 is not: a has one
    goal timestamp. Put the shop row first and a has none. Rows: 11 read = 7 events (6
    mapped: 4 goal events of a, b, c, d and two homes) + 3 unusable + 1 duplicate; the one
    unmapped event is a's shop purchase (two when the shop row comes first)."""
    jm = _map(where=True)
    path = log(ROWS, header=HEADER)
    run = cohorts(jm, [str(path)], IngestOptions(max_bad_rows=LIMIT))
    assert run.cohorts.customers == 4 and run.cohorts.repeat_customers == 0
    assert run.totals.left_out == {
        "no_customer": 1,
        "bad_timestamp": 1,
        "no_event": 1,
        "duplicate": 1,
        "unmapped": 1,
    }
    swapped = [ROWS[1], ROWS[0], *ROWS[2:]]
    later = cohorts(jm, [str(log(swapped, header=HEADER))], IngestOptions(max_bad_rows=LIMIT))
    assert later.cohorts.customers == 3  # b, c, d
    assert later.totals.left_out["unmapped"] == 2


def test_no_sessions_or_journeys_are_computed() -> None:
    """Without an event-id column the statements never build ``jm_events`` or ``jm_visits``;
    with one, ``jm_events`` (the pipeline's dedup by id) runs, and ``jm_visits`` never."""
    jm = goal_event_map("buy")
    exact = count_statements(jm, IngestOptions(), ["goal"])
    assert "jm_events" not in exact and "jm_visits" not in exact
    reads = re.compile(r"\b(FROM|JOIN) (jm_events|jm_visits)\b|jm_sess_no")
    assert not any(reads.search(sql) for sql in exact.values())
    by_id = count_statements(jm, IngestOptions(columns=Columns(dedup="event_id")), ["goal"])
    assert "jm_events" in by_id and "jm_visits" not in by_id


def test_value_column_reads_the_first_row_of_the_goal_event(log: Log) -> None:
    """The value of a deduplicated goal event is its first row's: a's Jan 5 rows are 10 then
    99 (the duplicate), so January's revenue is 10 + b's 3 = 13."""
    rows = [
        ("a", "2026-01-05T10:00:00Z", "buy", "10"),
        ("a", "2026-01-05T10:00:00Z", "buy", "99"),
        ("b", "2026-01-20T10:00:00Z", "buy", "3"),
        ("b", "2026-02-20T10:00:00Z", "home", ""),
    ]
    path = log(rows, header=("user_id", "timestamp", "event", "value"))
    run = cohorts(goal_event_map("buy"), [str(path)], settings=CohortSettings(value_column="value"))
    assert [(r.cohort, r.revenue) for r in run.cohorts.cohorts] == [("2026-01", (13.0,))]


def test_parquet_is_read_with_only_the_columns_cohorts_need(tmp_path: Path) -> None:
    """Projection pushdown: the parse of a wide Parquet file reads the customer, timestamp and
    event columns and the row number, never the others (not even a value column, which only
    the goal events' value join reads)."""
    import duckdb

    from journeymap.events.duck import DuckEngine
    from journeymap.events.inputs import log_files

    path = tmp_path / "wide.parquet"
    duckdb.sql(
        "COPY (SELECT 'a' AS user_id, TIMESTAMP '2026-01-05 10:00:00' AS timestamp, 'buy' AS "
        "event, 'x' AS junk_one, 42 AS junk_two, 1.5 AS amount) "
        f"TO '{path}' (FORMAT parquet)"
    )
    jm, opts = goal_event_map("buy"), IngestOptions()
    stmts = count_statements(jm, opts, ["goal"])
    with log_files([str(path)]) as files:
        duck = DuckEngine()
        try:
            duck.load(files, opts.columns, ["amount"], None)
            duck.macros(opts.timezone)
            plan = "\n".join(
                str(r[1]) for r in duck.rows(f"EXPLAIN SELECT * FROM ({stmts['jm_parsed']})")
            )
        finally:
            duck.close()
    scan = plan[plan.index("READ_PARQUET") :]
    read = re.search(r"Projections: ([\w, ]+)", scan)
    assert read is not None
    assert set(read.group(1).replace(" ", "").split(",")) == {
        "file_row_number",
        "user_id",
        "timestamp",
        "event",
    }
    run = cohorts(jm, [str(path)])
    assert run.cohorts.customers == 1 and run.totals.rows == 1


def _tangled_log(seed: int) -> list[tuple[str, str, str, str, str]]:
    """Many duplicates on purpose: 4 customers, 5 instants, 3 names and 2 channels, so most
    (customer, timestamp, event) groups have several rows whose channels differ."""
    import random

    rng = random.Random(seed)
    rows = []
    for i in range(240):
        user = rng.choice("abcd")
        ts = f"2026-0{rng.randint(1, 5)}-0{rng.randint(1, 2)}T10:00:00Z"
        rows.append(
            (user, ts, rng.choice(["buy", "home", "other"]), rng.choice(["web", "shop"]), f"e{i}")
        )
    return rows


@pytest.mark.parametrize("collide", [False, True], ids=["64-bit hash", "every hash shared"])
@pytest.mark.parametrize("where", [False, True], ids=["by name", "where channel"])
def test_duplicates_found_through_shared_hashes_are_exact(
    log: Log, monkeypatch: pytest.MonkeyPatch, where: bool, collide: bool
) -> None:
    """``stats_events`` from the usable rows and the groups of shared hashes equals the
    pipeline's dedup of every row (``ingest``), and a plain Python count of the distinct
    (customer, timestamp, event) rows; with a hash of three values every row shares its hash
    with others, so the groups of one row must be dropped, not counted as duplicates."""
    from journeymap.events import goal_events

    if collide:
        monkeypatch.setattr(goal_events, "_HASH", "hash(jm_seg, jm_uid, jm_ts, jm_event) % 3")
    rows = _tangled_log(7)
    path = log(rows, header=HEADER)
    jm = _map(where)
    [full] = ingest(jm, [str(path)], IngestOptions())
    run = cohorts(jm, [str(path)], IngestOptions())
    assert run.totals.left_out == full.totals.left_out
    assert (run.totals.events, run.totals.mapped) == (full.totals.events, full.totals.mapped)
    assert run.totals.events == len({(u, t, e) for u, t, e, _, _ in rows})
    first: dict[tuple[str, str, str], str] = {}
    for u, t, e, channel, _ in rows:
        first.setdefault((u, t, e), channel)
    goal = {k for k, ch in first.items() if k[2] == "buy" and (ch == "web" or not where)}
    assert run.cohorts.customers == len({u for u, _, _ in goal})
    assert run.totals.left_out["duplicate"] == len(rows) - len(first) > 100


@pytest.mark.parametrize(
    "ids", [("", " ", "\u00a0", "\u3000\u3000", "\t", "a", " a", "!x", "~", "\x7f", "é", " é ")]
)
def test_blank_customer_ids_are_the_ones_trim_empties(log: Log, ids: tuple[str, ...]) -> None:
    """The parse skips ``trim`` for ids starting with a printable ASCII character other than
    a space (``sql.statements``); the rows left out for no customer are still exactly those
    that DuckDB's ``trim`` empties (Unicode spaces, not tabs), asked of DuckDB directly."""
    import duckdb

    path = log([(i, "2026-01-05T10:00:00Z", "buy") for i in ids])
    blank = sum(
        duckdb.execute("SELECT $1 = '' OR trim($1) = ''", [i]).fetchall()[0][0] for i in ids
    )
    [full] = ingest(goal_event_map("buy"), [str(path)], IngestOptions(max_bad_rows=LIMIT))
    assert full.totals.bad_customer == blank == 4


def test_one_scan_gives_the_pipeline_row_counts_and_usable_aggregate(log: Log) -> None:
    """``row_counts`` (one scan: ``stats_rows`` + the usable-row aggregate + the hashes) gives
    the rows of the two statements it stands for, run apart on the same engine: 11 rows, 3
    unusable (one each), 8 usable of 4 customers (a, b, c, d), every one mapped (6 purchases, 2
    homes)."""
    from journeymap.events.duck import DuckEngine
    from journeymap.events.goal_events import row_counts
    from journeymap.events.inputs import log_files

    jm, opts = _map(where=False), IngestOptions(max_bad_rows=LIMIT)
    stmts = count_statements(jm, opts, ["paid"])
    with log_files([str(log(ROWS, header=HEADER))]) as files:
        duck = DuckEngine()
        try:
            duck.load(files, opts.columns, [], None, dense=False, dictionary=False)
            duck.macros(opts.timezone)
            duck.relation("jm_parsed", stmts["jm_parsed"])
            apart = duck.rows(stmts["stats_rows"]), duck.rows(stmts["usable_events"])
            one = row_counts(jm, opts)
            [fused] = duck.rows(f"SELECT * EXCLUDE (jm_hashes), len(jm_hashes) FROM ({one})")
        finally:
            duck.close()
    assert apart[0] == [("v", 11, 3, 1, 1, 1)]
    assert apart[1][0][:3] + apart[1][0][-1:] == ("v", 8, 8, 4)
    assert [fused[:6]] == apart[0] and [(fused[0], *fused[6:11])] == apart[1]
    assert fused[11] == 8  # a hash for every usable row


@pytest.mark.parametrize("dedup", [None, "event_id"])
def test_the_event_dictionary_is_built_only_when_read(
    log: Log, monkeypatch: pytest.MonkeyPatch, dedup: str | None
) -> None:
    """Cohorts name no unmapped event, so ``jm_evs`` (a scan of every row) is not built; with
    an event-id column the pipeline's ``jm_events`` reads it, and it is."""
    from journeymap.events.duck import DuckEngine

    made: list[str] = []
    relation = DuckEngine.relation

    def spy(self: DuckEngine, name: str, sql: str, *, keep: bool = False) -> None:
        made.append(name)
        relation(self, name, sql, keep=keep)

    monkeypatch.setattr(DuckEngine, "relation", spy)
    opts = IngestOptions(columns=Columns(dedup=dedup), max_bad_rows=LIMIT)
    run = cohorts(_map(where=False), [str(log(ROWS, header=HEADER))], opts)
    assert ("jm_evs" in made) == (dedup is not None)
    assert run.totals.rows == 11 and run.cohorts.customers == 4
