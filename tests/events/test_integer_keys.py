"""The pipeline on integer keys (DuckDB) gives the bytes of the pipeline on the strings.

``events/layers.id_relations``: DuckDB numbers customers and event names (``dense=True``);
Spark and the printed SQL key rows by the strings themselves. Both kinds run the same
statements, so running DuckDB both ways on a log full of ties, duplicates that are not
adjacent in the file, unmapped events, unusable rows and two segments proves that no result
depends on a key's value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events import duck as duck_module
from journeymap.events.duck import DuckEngine
from journeymap.events.inputs import log_files
from journeymap.events.layers import make_raw
from journeymap.events.settings import BadRowLimit, Columns
from tests.events.support import by_id, make_map, written

T0 = 1_767_261_600  # 2026-01-01T10:00:00Z
LIMIT = BadRowLimit(count=5)

# customer, seconds after T0, event, segment; file order is shuffled on purpose: the duplicate
# (u1, +0, home) comes after a row of another event at the same instant, and u2's two events
# at +60 appear in the file in the opposite order of their names
ROWS = [
    ("u1", 0, "home", "web"),
    ("u1", 0, "product", "web"),
    ("u2", 60, "product", "app"),
    ("u1", 0, "home", "app"),  # duplicate of row 1, not adjacent, another segment value
    ("u2", 60, "home", "app"),
    ("u1", 120, "cart", "web"),
    ("u1", 120, "weird", "web"),  # unmapped
    ("u2", 4000, "cart", "app"),  # a new session (gap > 30 min)
    ("u2", 4000, "cart", "app"),  # duplicate, adjacent
    ("u3", 10, "paid", "web"),
    ("", 10, "home", "web"),  # no customer
    ("u3", 20, "home", "web"),
    ("u3", 20, "paid", "web"),
    ("u3", 20, "home", "web"),  # duplicate of two rows up
]


@pytest.fixture
def tricky(tmp_path: Path) -> Path:
    path = tmp_path / "log.csv"
    lines = ["user_id,timestamp,event,platform"]
    lines += [f"{u},{T0 + s},{e},{p}" for u, s, e, p in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _string_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB with the keys Spark uses (the strings themselves)."""

    def strings(engine: Any, base_sql: str, columns: Columns, **_: bool) -> Any:
        return make_raw(engine, base_sql, columns, dense=False)

    monkeypatch.setattr(duck_module, "make_raw", strings)


OPTIONS = [
    IngestOptions(max_bad_rows=LIMIT),
    IngestOptions(journey="session", max_bad_rows=LIMIT),
    IngestOptions(segment_by="platform", max_bad_rows=LIMIT),
    IngestOptions(columns=Columns(session="platform"), journey="session", max_bad_rows=LIMIT),
    IngestOptions(session_timeout=30, max_bad_rows=LIMIT),
]


@pytest.mark.parametrize("opts", OPTIONS, ids=["default", "session", "segment", "column", "gap"])
def test_integer_keys_give_the_bytes_of_string_keys(
    tricky: Path, opts: IngestOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    jm = make_map(home=["home"], product=["product"], cart=["cart"], paid=["paid"])
    dense = [written(r.overlay) for r in ingest(jm, [str(tricky)], opts)]
    _string_keys(monkeypatch)
    strings = [written(r.overlay) for r in ingest(jm, [str(tricky)], opts)]
    assert dense == strings


def test_hand_counted_ties_and_duplicates(tricky: Path) -> None:
    """The counts worked by hand: duplicates are the rows repeating (customer, time, event);
    at equal times the file order decides (u1: home then product; u2: product then home)."""
    jm = make_map(home=["home"], product=["product"], cart=["cart"], paid=["paid"])
    [r] = ingest(jm, [str(tricky)], IngestOptions(max_bad_rows=LIMIT))
    doc = written(r.overlay)
    assert doc["left_out"] == {
        "no_customer": 1,
        "bad_timestamp": 0,
        "no_event": 0,
        "duplicate": 3,
        "unmapped": 1,
    }
    tps = by_id(r.overlay)
    # u1: home -> product -> cart; u2: product -> home -> cart (new session); u3: paid -> home -> paid
    assert tps["home"]["next"] == {"product": 1, "cart": 1, "paid": 1}
    assert tps["product"]["next"] == {"cart": 1, "home": 1}
    assert tps["home"]["returns"] == {"cart": 1}
    assert r.totals.customers == 3


def test_typed_timestamps_skip_the_epoch_check(tmp_path: Path) -> None:
    """A Parquet TIMESTAMP column cannot hold epoch numbers, so ``epoch_units`` is not run;
    a clean log has no first unusable rows to quote either."""
    log = tmp_path / "log.parquet"
    duckdb.execute(
        "COPY (SELECT 'u' AS user_id, TIMESTAMP '2026-01-01 10:00:00' AS timestamp, "
        f"'home' AS event) TO '{log}' (FORMAT parquet)"
    )
    engine = DuckEngine()
    try:
        with log_files([str(log)]) as files:
            engine.load(files, Columns(), [], None)
        assert engine.text_timestamps is False
        stmts = {"epoch_units": "SELECT 1 / 0", "first_bad": "SELECT 1 / 0"}  # would fail
        assert engine.checks(stmts, [("v", 1, 0, 0, 0, 0)]) == {"epoch_units": [], "first_bad": []}
    finally:
        engine.close()
