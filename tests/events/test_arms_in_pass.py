"""DuckDB's numpy pass assigns an experiment's arms over its own sorted rows
(``events/arms_pass.py``, ``ArmsPlan``): every arm's overlay, every excluded customer and every
row left out is what the SQL assignment (``experiment_arms.assignment_sql`` and the table
``jm_p``) gives, on logs with each branch of the definition (two arms, blank variants, a tie
across files, rows before exposure, rows without a customer or an event), with and without an
exposure event, a session column, ``where:`` columns, Parquet, and a log passed in buckets of
customers.

The buckets pass each bucket against its own log end and turn the journeys in progress that
the log's end makes lost into exits afterwards (``ordered_buckets._close``): checked here against
the SQL on logs where that happens, for ingest and for the arms."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from journeymap.events import IngestOptions, experiment_arms, ordered_buckets
from journeymap.events.duck import DuckEngine
from journeymap.events.experiment_arms import ExperimentLog, ingest_arms
from journeymap.events.settings import BadRowLimit, Columns
from journeymap.model import JourneyMap
from tests.events.support import make_map, written
from tests.events.test_experiment_engines import two_files
from tests.events.test_ordered_np import OPTIONS, WHERE, results_both_ways, write

LIMIT = BadRowLimit.parse("50", "max_bad_rows")
BY_VARIANT = make_map(home=[{"name": "home", "where": {"variant": "control"}}, "cart"])
"""A map whose rule reads a column (each row's code is its own, not its event's)."""


def _both(
    jm: JourneyMap,
    files: list[str],
    opts: IngestOptions,
    exposure: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[ExperimentLog, ExperimentLog]:
    found = []
    for in_pass in (True, False):
        monkeypatch.setattr(experiment_arms._Assignment, "in_the_pass", in_pass)
        found.append(ingest_arms(jm, files, opts, "variant", exposure))
    return found[0], found[1]


def _same(fast: ExperimentLog, sql: ExperimentLog) -> None:
    assert [written(a.overlay) for a in fast.arms] == [written(a.overlay) for a in sql.arms]
    assert fast == sql


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The journey ends each bucketed run turned from in progress into exits."""
    flipped: list[int] = []
    close = ordered_buckets._close

    def counted(*args: Any) -> Any:
        rows = close(*args)
        flipped.append(sum(r[5] for r in rows))
        return rows

    monkeypatch.setattr(ordered_buckets, "_close", counted)
    return flipped


@pytest.mark.parametrize("bucket_rows", [0, 20])
@pytest.mark.parametrize("exposure", [None, "cart"])
@pytest.mark.parametrize("map_name", ["shop", "where"])
def test_the_pass_assigns_the_arms_as_the_sql_does(
    tmp_path: Path,
    bucket_rows: int,
    exposure: str | None,
    map_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if bucket_rows:
        monkeypatch.setattr(ordered_buckets, "BUCKET_ROWS", bucket_rows)
    flipped = _spy(monkeypatch)
    jm = make_map() if map_name == "shop" else BY_VARIANT
    opts = IngestOptions(lost_after=3600, max_bad_rows=LIMIT)
    fast, sql = _both(jm, two_files(tmp_path), opts, exposure, monkeypatch)
    _same(fast, sql)
    assert [a.name for a in fast.arms] == ["control", "treatment"]
    assert fast.excluded > 0 and fast.rows_without_variant > 0
    assert fast.left_out.get("no_customer") == 1
    if exposure:
        assert fast.rows_before_exposure > 0
    if bucket_rows:
        assert flipped and flipped[0] > 0  # some ends in progress in a bucket were lost


def _sessions_log(folder: Path, kind: str) -> str:
    """Customers with sessions, an exposure event, arms that change and blank variants."""
    rng = random.Random(9)
    lines = ["user_id,timestamp,event,variant,session"]
    for u in range(70):
        t = rng.randrange(0, 3 * 86400)
        for n in range(rng.randrange(1, 7)):
            t += rng.choice([0, 60, 3 * 3600])
            event = rng.choice(["home", "product", "cart", "paid", "weird", ""])
            variant = rng.choice(["control", "treatment", "", " ", "control"])
            lines.append(f"u{u % 50},{1767225600 + t},{event},{variant},s{u}-{n // 3}")
    csv = folder / "log.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if kind == "csv":
        return str(csv)
    out = folder / "log.parquet"
    duckdb.sql(
        "COPY (SELECT user_id, to_timestamp(CAST(timestamp AS BIGINT))::TIMESTAMP AS timestamp, "
        f"event, variant, session FROM read_csv('{csv}', all_varchar = true)) TO '{out}'"
    )
    return str(out)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
@pytest.mark.parametrize("journey", ["customer", "session"])
def test_sessions_and_parquet_assign_as_the_sql_does(
    tmp_path: Path, kind: str, journey: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _sessions_log(tmp_path, kind)
    opts = IngestOptions(
        columns=Columns(session="session"),
        lost_after=3600,
        max_bad_rows=BadRowLimit.parse("100%", "max_bad_rows"),
    )
    opts = replace(opts, journey=journey)  # type: ignore[arg-type]
    for exposure in (None, "cart"):
        fast, sql = _both(make_map(), [path], opts, exposure, monkeypatch)
        _same(fast, sql)
        assert fast.excluded > 0 and fast.rows_without_variant > 0
        assert fast.left_out.get("no_event", 0) > 0  # rows without an event name


def test_an_event_id_column_keeps_the_sql_assignment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``Columns.dedup`` dedup is SQL over the armed rows: no ``ArmsPlan``, same arms."""
    plans: list[Any] = []
    run = DuckEngine.run

    def spied(self: DuckEngine, *args: Any, **kwargs: Any) -> Any:
        plans.append(self.arms)
        return run(self, *args, **kwargs)

    monkeypatch.setattr(DuckEngine, "run", spied)
    path = _sessions_log(tmp_path, "csv")
    opts = IngestOptions(
        columns=Columns(dedup="session"), max_bad_rows=BadRowLimit.parse("100%", "max_bad_rows")
    )
    fast, sql = _both(make_map(), [path], opts, None, monkeypatch)
    _same(fast, sql)
    assert plans == [None, None]
    plans.clear()
    monkeypatch.setattr(experiment_arms._Assignment, "in_the_pass", True)
    ingest_arms(make_map(), [path], replace(opts, columns=Columns()), "variant")
    assert plans and plans[0] is not None


@pytest.mark.parametrize("case", ["default", "session", "segment", "column-session"])
def test_buckets_close_the_journeys_the_log_end_makes_lost(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest in buckets with a short ``lost_after``: a bucket's own end is earlier than the
    log's, so some journeys in progress there are exits of the log; the results are the SQL's."""
    monkeypatch.setattr(ordered_buckets, "BUCKET_ROWS", 50)
    flipped = _spy(monkeypatch)
    rng = random.Random(21)
    events = ["home", "product", "cart", "paid", "weird"]
    rows = [  # customer c's events between 100 c and 100 c + 400 s: staggered last events
        (f"c{c}", 100 * c + rng.randrange(0, 400), rng.choice(events), rng.choice(["web", "app"]),
         rng.choice(["s1", "s2", ""]), "")
        for c in (rng.randrange(24) for _ in range(400))
    ]  # fmt: skip
    log = write(tmp_path / "log.csv", rows)
    opts = replace(OPTIONS[case], lost_after=120)
    fast, sql = results_both_ways(log, WHERE, opts, monkeypatch)
    assert fast == sql
    assert flipped and flipped[0] > 0


@pytest.mark.parametrize("case_variants", [0, 64])
def test_the_variant_code_by_join_or_case_is_the_same(
    tmp_path: Path, case_variants: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row's variant code: a CASE over up to ``CASE_VARIANTS`` variants, else a join."""
    from journeymap.events import arms_pass

    monkeypatch.setattr(arms_pass, "CASE_VARIANTS", case_variants)
    opts = IngestOptions(lost_after=3600, max_bad_rows=LIMIT)
    fast, sql = _both(make_map(), two_files(tmp_path), opts, "cart", monkeypatch)
    _same(fast, sql)


def test_identity_calls_are_counted_as_the_sql_counts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a call-kind column (Segment's ``type``) identity calls are no journey step but
    counted apart (``jm_identity``): the counts from the arrays are the SQL's."""
    from journeymap.events.settings import EventNaming

    rng = random.Random(4)
    lines = ["user_id,timestamp,event,variant,type"]
    for u in range(40):
        t = rng.randrange(0, 86400)
        for _ in range(rng.randrange(1, 6)):
            t += rng.choice([0, 60, 600])
            kind = rng.choice(["track", "track", "identify", "page"])
            event = rng.choice(["home", "cart", "paid", ""])
            variant = rng.choice(["control", "treatment", ""])
            lines.append(f"u{u},{1767225600 + t},{event},{variant},{kind}")
    lines.append(f",{1767225600},home,control,track")  # no customer
    lines.append("u1,not a time,home,control,track")  # no readable time
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    naming = EventNaming(kind="type", identity_kinds=("identify",))
    opts = IngestOptions(
        columns=Columns(naming=naming), max_bad_rows=BadRowLimit.parse("100%", "max_bad_rows")
    )
    fast, sql = _both(make_map(), [str(path)], opts, None, monkeypatch)
    _same(fast, sql)
    assert fast.left_out.get("identity", 0) > 0 and fast.left_out.get("bad_timestamp", 0) > 0
