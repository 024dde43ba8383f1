"""DuckDB, Spark (local mode) and an independent pandas implementation agree on the same data.

Spark runs in one shared local session with code generation off (small data, fast).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot

from journeymap.events import IngestOptions, ingest
from journeymap.events.printing import print_sql
from journeymap.events.settings import DIALECTS, Columns
from journeymap.io import OverlayFormat, dump_overlay
from journeymap.model import JourneyMap
from tests.events.reference import reference_ingest
from tests.events.support import by_id, make_map

DAY = 86400


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from journeymap.events.spark import local_session

    session = local_session(codegen=False)
    yield session
    session.stop()


def rich_log(folder: Path) -> list[Path]:
    """Two CSV files: mixed timestamp formats, ties across files, duplicates, a platform column."""
    rng = random.Random(3)
    events = ["home", "view", "view", "cart", "paid", "help", "promo"]
    rows: list[list[tuple[str, ...]]] = [[], []]
    for u in range(50):
        t = 1767261600 + rng.randrange(0, 10 * DAY)
        plat = rng.choice(["web", "app", "Ünïcode / ../x"])
        for _ in range(rng.randrange(1, 10)):
            t += rng.choice([0, 30, 900, 2000, DAY])
            fmt = rng.randrange(4)
            import datetime as dt

            when = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=t)
            ts = [
                when.isoformat() + "Z",
                str(t),
                when.strftime("%Y-%m-%d %H:%M:%S"),
                (when + dt.timedelta(hours=3)).isoformat() + "+03:00",
            ][fmt]
            ev = rng.choice(events)
            page = rng.choice(["/cart", "/p/1", "/"]) if ev == "view" else ""
            row = (f"u{u}", ts, ev, page, plat)
            rows[rng.randrange(2)].append(row)
            if rng.random() < 0.1:
                rows[rng.randrange(2)].append(row)
    rows[0].append(("", "2026-01-01T00:00:00Z", "home", "", "web"))
    paths = []
    for i, part in enumerate(rows):
        p = folder / f"part-{i}.csv"
        lines = ["user_id,timestamp,event,page,platform"]
        lines += [",".join(f'"{x}"' if "," in x else x for x in r) for r in part]
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(p)
    return paths


def rich_map() -> JourneyMap:
    return make_map(
        home=["home", {"name": "view", "where": {"page": "/"}}],
        product=[{"name": "view", "where": {"page": "/p/.*"}}],
        cart=["cart", {"pattern": "vie.", "where": {"page": "/cart"}}],
    )


def parquet_log(folder: Path, src: list[Path]) -> Path:
    """The CSV rows again (users renamed), as Parquet with a native naive TIMESTAMP column."""
    pq = folder / "log.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"""COPY (SELECT 'p' || user_id AS user_id,
                          make_timestamp(1767261600000000 + row_number() OVER () * 60000000) AS timestamp,
                          event, page, platform
                          FROM read_csv(['{src[0]}', '{src[1]}'], all_varchar = true))
                   TO '{pq}' (FORMAT parquet)""")
    return pq


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_give_the_same_bytes(tmp_path: Path, spark: Any) -> None:
    """One Spark ingest (kept to one: Spark is slow to start) over CSV and Parquet together."""
    csvs = rich_log(tmp_path)
    files = [str(p) for p in [*csvs, parquet_log(tmp_path, csvs)]]
    opts = IngestOptions(
        timezone="Europe/Riga", conversion_window=DAY, lost_after=2 * DAY, segment_by="platform"
    )
    duck = [dump_overlay(r.overlay, OverlayFormat.JSON) for r in ingest(rich_map(), files, opts)]
    spk = [
        dump_overlay(r.overlay, OverlayFormat.JSON)
        for r in ingest(rich_map(), files, opts, engine="spark", spark=spark)
    ]
    assert len(duck) == 3
    assert duck == spk


def test_parquet_timestamp_types(tmp_path: Path) -> None:
    csvs = rich_log(tmp_path)
    pq = parquet_log(tmp_path, csvs)
    [r] = ingest(rich_map(), [str(pq)], IngestOptions(timezone="America/New_York"))
    # the first row is 2026-01-01T10:01 wall-clock in New York (UTC-5): 15:01Z
    assert r.overlay.time_range is not None
    assert r.overlay.time_range.start == "2026-01-01T15:01:00Z"
    [u] = ingest(rich_map(), [str(pq)], IngestOptions())
    assert u.overlay.time_range is not None
    assert u.overlay.time_range.start == "2026-01-01T10:01:00Z"
    assert u.overlay.bad_rows == 1  # the CSV row without a customer has none here either


def test_duckdb_matches_pandas_on_the_rich_log(tmp_path: Path) -> None:
    files = [str(p) for p in rich_log(tmp_path)]
    [r] = ingest(
        rich_map(),
        files,
        IngestOptions(timezone="Europe/Riga", conversion_window=DAY, lost_after=2 * DAY),
    )
    ref = reference_ingest(rich_map(), files, tz="Europe/Riga", window=DAY, lost_after=2 * DAY)
    assert r.overlay.bad_rows == ref["bad_rows"] == 1
    assert r.overlay.unmapped == ref["unmapped"]
    for tid, exp in ref["touchpoints"].items():
        assert {k: by_id(r.overlay)[tid][k] for k in exp} == exp


def test_json_lines_input(tmp_path: Path) -> None:
    log = tmp_path / "e.jsonl"
    log.write_text(
        '{"user_id": 7, "timestamp": "2026-01-01T10:00:00Z", "event": "home"}\n'
        '{"user_id": 7, "timestamp": "2026-01-01T10:00:30Z", "event": "cart"}\n'
        '{"user_id": "8", "timestamp": 1767261600, "event": "home"}\n'
    )
    [r] = ingest(make_map(), [str(log)], IngestOptions(lost_after=0))
    tp = by_id(r.overlay)
    assert tp["home"]["next"] == {"cart": 1} and tp["home"]["customers"] == 2


@pytest.mark.parametrize("dialect", DIALECTS)
def test_printed_sql_parses_back(dialect: str) -> None:
    jm = rich_map()
    opts = IngestOptions(
        timezone="Europe/Riga",
        conversion_window=DAY,
        segment_by="platform",
        columns=Columns(session="sid"),
    )
    text = print_sql(jm, opts, dialect)
    statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    assert len(statements) == 12  # the rows, jm_raw and jm_evs, three relations, six results
    assert "JM_LOCAL_TO_UTC" not in text and "JM_LOWER_MEDIAN" not in text


def test_printed_duckdb_sql_runs_and_agrees(tmp_path: Path) -> None:
    """The printed DuckDB statements, run by hand over a table `events`, give ingest's counts."""
    log = tmp_path / "log.csv"
    log.write_text(
        "user_id,timestamp,event\nu,2026-01-01T10:00:00Z,home\nu,2026-01-01T10:01:00Z,cart\n"
        "v,2026-01-01T10:00:00Z,home\nv,2026-01-01T10:03:00Z,cart\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{log}', all_varchar = true)")
    text = print_sql(make_map(), IngestOptions(), "duckdb")
    results = [
        con.execute(s.sql(dialect="duckdb")).fetchall()
        for s in sqlglot.parse(text, read="duckdb")
        if s
    ]
    transitions, times = results[-2:]
    assert transitions == [("v", "home", "cart", 2, 0, 60)]
    assert times == []  # nobody reached the goal


@pytest.mark.spark
@pytest.mark.slow
def test_epoch_units_agree_on_spark(tmp_path: Path, spark: Any) -> None:
    """GA4's microseconds written as strings, and nanoseconds: the same bytes on both engines."""
    import json

    from tests.events.support import GA4, ga4_rows

    jl = tmp_path / "ga4.jsonl"
    rows = ga4_rows()
    rows[-1]["event_timestamp"] = str(int(rows[-1]["event_timestamp"]) * 1000)  # one in ns: mixed
    jl.write_text("".join(json.dumps(r) + "\n" for r in rows[:-1]))
    opts = IngestOptions(columns=GA4, lost_after=0)
    duck = [
        dump_overlay(r.overlay, OverlayFormat.JSON) for r in ingest(make_map(), [str(jl)], opts)
    ]
    spk = [
        dump_overlay(r.overlay, OverlayFormat.JSON)
        for r in ingest(make_map(), [str(jl)], opts, engine="spark", spark=spark)
    ]
    assert duck == spk and '"bad_rows": 0' in duck[0]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    from journeymap.events.settings import SettingError

    with pytest.raises(SettingError, match=r"mixes epoch units: .*line 1 reads as microseconds"):
        ingest(make_map(), [str(mixed)], opts)
    with pytest.raises(SettingError, match=r"mixes epoch units: .*row id 0 reads as microseconds"):
        ingest(make_map(), [str(mixed)], opts, engine="spark", spark=spark)


@pytest.mark.spark
@pytest.mark.slow
def test_dotted_names_agree_on_spark(tmp_path: Path, spark: Any) -> None:
    """Nested JSON lines objects, Parquet structs and JSON text in CSV: the same bytes on Spark."""
    from tests.events.support import MIXPANEL, mixpanel, mixpanel_map

    f = mixpanel(tmp_path)
    pq = tmp_path / "m.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_json('{f}')) TO '{pq}' (FORMAT parquet)")
    csv = tmp_path / "m.csv"
    duckdb.sql(
        f"COPY (SELECT event, CAST(to_json(properties) AS VARCHAR) AS properties "
        f"FROM read_json('{f}')) TO '{csv}' (FORMAT csv, HEADER)"
    )
    opts = IngestOptions(columns=MIXPANEL, lost_after=0)
    for path in (f, pq, csv):
        duck = dump_overlay(
            ingest(mixpanel_map(), [str(path)], opts)[0].overlay, OverlayFormat.JSON
        )
        spk = dump_overlay(
            ingest(mixpanel_map(), [str(path)], opts, engine="spark", spark=spark)[0].overlay,
            OverlayFormat.JSON,
        )
        assert duck == spk, path


EXCHANGE = re.compile(
    r"\bExchange (?:hashpartitioning\((.*), \d+\)|(\w+)), (\w+), \[plan_id=(\d+)\]"
)


def exchanges(plans: dict[str, str]) -> dict[str, tuple[list[str], str, str]]:
    """Every Exchange of the plans, by ``plan_id``: its hash keys, its origin, the line below it."""
    found = {}
    for plan in plans.values():
        lines = plan.splitlines()
        for i, line in enumerate(lines):
            m = EXCHANGE.search(line)
            if m:
                keys = [re.sub(r"#\d+L?$", "", k) for k in (m[1] or "").split(", ") if k]
                found[m[4]] = (keys, m[3], lines[i + 1].strip(" :+-*()0123456789"))
    return found


@pytest.mark.spark
@pytest.mark.slow
def test_spark_plan_shuffles_the_rows_once(tmp_path: Path, spark: Any) -> None:
    """One Exchange over row-sized data, by the customer alone (issue 14); every other one
    carries partial aggregates; the log's end is broadcast even when Spark would not choose to;
    the overlays are DuckDB's with more than one partition (the fixture's session has one)."""
    from journeymap.events.inputs import log_files
    from journeymap.events.spark import SparkEngine
    from journeymap.events.sql import mapping_rules, statements, where_columns

    jm = rich_map()
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")  # only hints broadcast
    spark.conf.set("spark.sql.shuffle.partitions", "2")  # the fixture's 1 satisfies any clustering
    try:
        for segment in (None, "platform"):  # a constant segment, then a column
            opts = IngestOptions(segment_by=segment)
            stmts = statements(jm, opts, jm.select_goals(opts.goal))
            with log_files([str(p) for p in rich_log(tmp_path)]) as files:
                eng = SparkEngine(spark)
                eng.load(files, opts.columns, where_columns(mapping_rules(jm)), segment)
                plans = eng.plans(stmts)
            assert set(plans) >= {"stats_events", "touchpoints", "transitions"}
            found = exchanges(plans)
            rows = [e for e in found.values() if "jm_cid" in e[0] or "jm_uid" in e[0]]
            assert rows == [(["jm_cid"], "REPARTITION_BY_COL", rows[0][2])]
            others = [e for e in found.values() if e not in rows]
            assert len(others) >= 6  # the result queries' aggregates
            for keys, origin, below in others:
                assert origin == "ENSURE_REQUIREMENTS"
                # a partial aggregate, or an aggregate's own rows (the unmapped names' counts
                # joined to the event dictionary): never the rows themselves
                assert "Aggregate(" in below, (keys, below)
            text = "\n".join(plans.values())
            assert "SortMergeJoin" not in text
            assert "BroadcastHashJoin" in text
        # and the same bytes as DuckDB with the customers spread over the two partitions
        paths = [str(p) for p in rich_log(tmp_path)]
        opts = IngestOptions(segment_by="platform", lost_after=2 * DAY)
        duck = [dump_overlay(r.overlay, OverlayFormat.JSON) for r in ingest(jm, paths, opts)]
        spk = ingest(jm, paths, opts, engine="spark", spark=spark)
        assert [dump_overlay(r.overlay, OverlayFormat.JSON) for r in spk] == duck
    finally:
        spark.conf.unset("spark.sql.autoBroadcastJoinThreshold")
        spark.conf.set("spark.sql.shuffle.partitions", "1")


@pytest.mark.parametrize(
    "opts",
    [
        IngestOptions(),
        IngestOptions(journey="session", timezone="Europe/Riga", conversion_window=DAY),
        IngestOptions(columns=Columns(session="sid"), segment_by="platform"),
    ],
)
def test_only_the_small_sides_are_hinted_and_nothing_else_changes(opts: IngestOptions) -> None:
    """``broadcast_segments`` hints the join of ``jm_visits`` with the per-segment log end and
    every join with the event dictionary ``jm_evs``, nothing else, and each hinted statement
    parses back to the same tree once the hints are taken away."""
    from sqlglot import exp

    from journeymap.events.spark import broadcast_segments
    from journeymap.events.sql import statements, transpile

    jm = rich_map()
    seen = set()
    for name, sql in statements(jm, opts, jm.select_goals(opts.goal)).items():
        text = transpile(sql, "spark", opts.timezone)
        tree = sqlglot.parse_one(broadcast_segments(text), read="spark")
        selects = [s for s in tree.find_all(exp.Select) if s.args.get("hint")]
        hints = sorted(s.args["hint"].sql("spark") for s in selects)
        dictionary = [j for s in selects for j in s.args.get("joins") or [] if "jm_evs" in j.sql()]
        if name == "jm_visits":
            assert "/*+ BROADCAST(e) */" in hints, name
        assert len(hints) == (name == "jm_visits") + len(dictionary), (name, hints)
        seen.update(hints)
        for select in selects:
            select.set("hint", None)
        assert tree == sqlglot.parse_one(text, read="spark"), name
    assert "/*+ BROADCAST(e) */" in seen
