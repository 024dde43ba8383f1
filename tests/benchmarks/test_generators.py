"""The benchmark logs have the shape their sections describe (benchmarks/gen_events.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

from tests.support import ROOT


@pytest.fixture
def gen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    sys.modules.pop("gen_events", None)
    import gen_events

    monkeypatch.setattr(gen_events, "CACHE", tmp_path)
    return gen_events


def _sql(query: str) -> list[tuple[Any, ...]]:
    rel = duckdb.sql(query)
    assert rel is not None
    return rel.fetchall()


def test_the_default_log_keeps_its_name_and_shape(gen: ModuleType) -> None:
    path = gen.generate(1000)
    assert path.name == "events-1000.parquet"
    (row,) = _sql(
        "SELECT count(DISTINCT user_id), count(*), max(timestamp) - min(timestamp) "
        f"< INTERVAL 30 DAY FROM read_parquet('{path}')"
    )
    assert row == (100, 1000, True)  # 1,000 events / 10 per customer, within 30 days


def test_a_year_of_repeat_visits(gen: ModuleType) -> None:
    path = gen.generate_log(1000, days=365, visits=5)
    per = _sql(f"SELECT user_id, count(*) FROM read_parquet('{path}') GROUP BY 1")
    assert len(per) == 20 and {n for _, n in per} == {50}  # 1,000 / (5 visits x 10 events)
    assert _sql(f"SELECT count(DISTINCT month(timestamp)) FROM read_parquet('{path}')") == [(12,)]
    times = [t for (t,) in _sql(f"SELECT timestamp FROM read_parquet('{path}')")]
    assert times == sorted(times)  # global time order, as an export


def test_the_variant_log_differs_from_the_plain_one_only_by_the_planted_lift(
    gen: ModuleType,
) -> None:
    plain = gen.generate_log(2000)
    ab = gen.generate_log(2000, variant=True)
    assert ab.name == "events-2000-ab.parquet"
    pairs = _sql(
        f"""SELECT a.variant, p.event, a.event, p.timestamp = min(p.timestamp) OVER (
                PARTITION BY p.user_id) AS first FROM read_parquet('{plain}') p
            JOIN read_parquet('{ab}') a USING (user_id, timestamp)"""
    )
    assert len(pairs) == 2000  # row for row the same customers and times
    changed = {(v, was, now, first) for v, was, now, first in pairs if was != now}
    assert changed == {("treatment", "logout", "purchase", False)}  # never a first event
    arms = _sql(f"SELECT user_id, count(DISTINCT variant) FROM read_parquet('{ab}') GROUP BY 1")
    assert len(arms) == 200 and {n for _, n in arms} == {1}  # one arm per customer
