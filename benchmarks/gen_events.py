"""Synthetic event logs for the ingest benchmark, cached under benchmarks/.cache/.

    .venv/bin/python benchmarks/gen_events.py 1000000 5000000

Each log: N events of N/10 customers with string ids, 20 event names with a skewed
frequency, one visit of about ten events per customer (about 40 s apart) starting anywhere in
30 days, and rows in global time order, as a raw export would be. Parquet, with a TIMESTAMP
column. Deterministic (DuckDB's hash of the row number).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
EVENTS = [
    "page_view",
    "product_view",
    "search",
    "catalog",
    "home",
    "add_to_cart",
    "cart",
    "checkout",
    "shipping",
    "payment",
    "purchase",
    "login",
    "signup",
    "wishlist",
    "review",
    "support_chat",
    "promo",
    "compare",
    "account",
    "logout",
]

MAP_YAML = """\
journeymap: 1
id: bench
title: Benchmark journey
stages:
  - id: all
    name: All
    touchpoints:
""" + "".join(
    f"      - {{id: {e.replace('_', '-')}, name: {e}, events: [{e}]"
    f"{', goal: true' if e == 'purchase' else ''}}}\n"
    for e in EVENTS
)


EXPERIMENT_YAML = """\
experiments:
  - id: bench-ab
    hypothesis: The treatment converts more customers.
    arms: [{name: control}, {name: treatment}]
    primary: {metric: conversion, touchpoint: purchase}
"""


def log_path(n: int, days: int = 30, visits: int = 1, variant: bool = False) -> Path:
    shape = "" if (days, visits) == (30, 1) else f"-{days}d-{visits}v"
    return CACHE / f"events-{n}{shape}{'-ab' if variant else ''}.parquet"


def map_path() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "bench-map.yaml"
    if not path.exists() or path.read_text(encoding="utf-8") != MAP_YAML:
        path.write_text(MAP_YAML, encoding="utf-8")
    return path


def experiment_map_path() -> Path:
    """The benchmark map with an experiments: block (arms control and treatment)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "bench-experiment-map.yaml"
    text = MAP_YAML + EXPERIMENT_YAML
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def generate(n: int) -> Path:
    """The cached log of n events (written once)."""
    return generate_log(n)


def generate_log(n: int, days: int = 30, visits: int = 1, variant: bool = False) -> Path:
    """The cached log of n events: n / (10 visits) customers, ``visits`` visits each in
    ``days`` days, optionally with the variant column (written once)."""
    import duckdb

    path = log_path(n, days, visits, variant)
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    names = "[" + ", ".join(f"'{e}'" for e in EVENTS) + "]"
    tmp = path.with_suffix(".tmp")
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    per = 10 * visits
    name = (
        f"{names}[1 + CAST(floor(20 * pow((hash(i * 7 + 1) % 1000000) / 1000000.0, 2)) AS BIGINT)]"
    )
    arm = f"CASE WHEN hash(i // {per} + 17) % 2 = 0 THEN 'control' ELSE 'treatment' END"
    if variant:
        name = (
            f"CASE WHEN {arm} = 'treatment' AND i % 10 > 0 AND {name} = 'logout' "
            f"AND hash(i * 13) % 2 = 0 "
            f"THEN 'purchase' ELSE {name} END"
        )
    con.execute(f"""
        COPY (
          SELECT 'user-' || lpad(CAST(i // {per} AS VARCHAR), 9, '0') AS user_id,
                 TIMESTAMP '2026-01-01' + to_seconds(CAST(hash(i // 10) % {days * 86400} + (i % 10) * 40
                                                           + hash(i) % 30 AS BIGINT)) AS timestamp,
                 {name} AS event{f", {arm} AS variant" if variant else ""}
          FROM range({n}) t(i)
          ORDER BY timestamp, i
        ) TO '{tmp}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")
    tmp.replace(path)
    return path


if __name__ == "__main__":
    print(map_path())
    for arg in sys.argv[1:]:
        print(generate(int(arg)))
