"""The numpy assignment (``events.arms_np``) is the SQL's (``experiment_arms.assignment_sql``,
both order keys: DuckDB's packed 128-bit integer and the struct that Spark runs), table for
table, on hand-made rows with every case the definition names and on a seeded random log; and
the segment of every row is ``armed_sql``'s."""

from __future__ import annotations

import random
from typing import Any

import duckdb
import numpy as np
import pytest

from journeymap.events.arms_np import (
    NEVER,
    assign,
    register_assignment,
    row_segments,
    segment_names,
)
from journeymap.events.experiment_arms import (
    BEFORE,
    TWO_ARMS,
    VARIANT_SQL,
    armed_sql,
    assignment_sql,
    first_arm_sql,
    variant_firsts_sql,
)
from journeymap.events.sql import KEY_SPAN

Row = tuple[int | None, str | None, int | None, int, int, str]
"""(customer key or None: no customer, variant or None, time or None: unreadable, file rank,
row number, event name)."""

HAND: list[Row] = [
    # 1: three rows at one time; the first by key (row 1) is A, so A, mixed
    (1, "A", 10, 0, 5, "home"),
    (1, "A", 10, 0, 1, "home"),
    (1, "B", 10, 0, 3, "home"),
    # 2: blank variants are none: the first variant is B at time 3, one arm only
    (2, "  ", 1, 0, 10, "home"),
    (2, "", 2, 0, 11, "home"),
    (2, "B", 3, 0, 12, "home"),
    # 3: a tie across files: file 0 comes first, so A; mixed
    (3, "B", 10, 1, 0, "home"),
    (3, "A", 10, 0, 9, "home"),
    # 4: an exposure before the assignment does not count, the one at its time does
    (4, None, 1, 0, 20, "expose"),
    (4, "A", 5, 0, 21, "home"),
    (4, None, 5, 0, 22, "expose"),
    # 5: exposure before and after: the later one
    (5, "B", 5, 0, 30, "home"),
    (5, None, 3, 0, 31, "expose"),
    (5, None, 9, 0, 32, "expose"),
    (5, None, 12, 0, 33, "expose"),
    # 6: never exposed
    (6, "A", 5, 0, 40, "home"),
    (6, "A", 6, 0, 41, "cart"),
    # 7: the assignment's own row is the exposure event
    (7, "B", 8, 0, 50, "expose"),
    # 8: an exposure at the assignment's time but an earlier row still counts (time, not key)
    (8, None, 5, 0, 60, "expose"),
    (8, "A", 5, 0, 61, "home"),
    # 9: no variant at all
    (9, None, 1, 0, 70, "home"),
    (9, " ", 2, 0, 71, "expose"),
    # 10: a row without an event name carries the first variant; B, mixed
    (10, "B", 1, 0, 80, ""),
    (10, "A", 2, 0, 81, "home"),
    # 11: negative times (before 1970): B at -2^40 comes first
    (11, "A", -1, 0, 90, "home"),
    (11, "B", -(2**40), 0, 91, "home"),
    # 12: a row with no customer and one with no readable time are no part of it: A only
    (None, "B", 1, 0, 100, "home"),
    (12, "B", None, 0, 101, "home"),
    (12, "A", 7, 0, 102, "home"),
    # 13: a tab is not trimmed by the SQL's test: it is a variant of its own
    (13, "\t", 4, 0, 110, "home"),
    # 14: a large file rank and row number, near the top of the years read
    (14, "A", 253_402_300_799_000_000, 7, 10**11, "home"),
    (14, "B", 253_402_300_799_000_000, 7, 10**11 - 1, "expose"),
]


def _sql_side(con: Any, rows: list[Row], exposure: str | None, *, packed: bool) -> Any:
    """Load ``rows`` as ``jm_p`` and run the SQL assignment: its table, sorted by customer."""
    con.execute(
        "CREATE OR REPLACE TABLE jm_p (jm_cid BIGINT, jm_seg VARCHAR, jm_ts BIGINT, "
        "jm_file INTEGER, jm_row BIGINT, jm_event VARCHAR, jm_bad_uid INTEGER, jm_bad_ts INTEGER)"
    )
    con.executemany(
        "INSERT INTO jm_p VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (c, "n" if v is None else "v" + v, t, f, r, e, int(c is None), int(t is None))
            for c, v, t, f, r, e in rows
        ],
    )
    con.execute(f"CREATE OR REPLACE TABLE jm_seen AS {variant_firsts_sql(packed=packed)}")
    con.execute(f"CREATE OR REPLACE TABLE jm_first AS {first_arm_sql()}")
    con.execute(f"CREATE OR REPLACE TABLE jm_assign AS {assignment_sql(exposure)}")
    return con.execute("SELECT * FROM jm_assign ORDER BY jm_cid").fetchall()


def _np_side(con: Any, rows: list[Row], exposure: str | None) -> tuple[Any, list[str], Any]:
    """The numpy assignment of the SQL's input rows: those with a customer and a time, sorted by
    (customer, time, key), the variant codes from the dictionary as the SQL tests blankness."""
    usable = sorted(
        (r for r in rows if r[0] is not None and r[2] is not None),
        key=lambda r: (r[0], r[2], r[3] * KEY_SPAN + r[4]),
    )
    segs = sorted({"v" + r[1] for r in usable if r[1] is not None})
    blank = dict(
        con.execute(
            f"SELECT jm_seg, NOT ({VARIANT_SQL}) FROM unnest(CAST(? AS VARCHAR[])) AS t(jm_seg)",
            [segs],
        ).fetchall()
    )
    variants = [s[1:] for s in segs if not blank[s]]
    code = {"v" + v: i for i, v in enumerate(variants)}
    cid = np.array([r[0] for r in usable], dtype=np.int64)
    ts = np.array([r[2] for r in usable], dtype=np.int64)
    var = np.array([-1 if r[1] is None else code.get("v" + r[1], -1) for r in usable])
    marks = None if exposure is None else np.array([r[5] == exposure for r in usable])
    return assign(cid, ts, var, marks), variants, (usable, ts)


def _as_rows(a: Any, variants: list[str]) -> list[tuple[Any, ...]]:
    return [
        (int(c), "v" + variants[int(v)], int(m), None if int(x) == NEVER else int(x))
        for c, v, m, x in zip(a.cid, a.arm, a.mixed, a.exposed, strict=True)
    ]


@pytest.mark.parametrize("packed", [True, False])
@pytest.mark.parametrize("exposure", [None, "expose"])
def test_hand_made_rows(exposure: str | None, packed: bool) -> None:
    con = duckdb.connect()
    sql = _sql_side(con, HAND, exposure, packed=packed)
    a, variants, _ = _np_side(con, HAND, exposure)
    assert _as_rows(a, variants) == sql
    by = {c: (arm, mixed) for c, arm, mixed, _ in sql}
    assert by[1] == by[3] == ("vA", 1) and by[10] == by[11] == by[14] == ("vB", 1)
    assert by[2] == ("vB", 0) and by[12] == ("vA", 0) and by[13] == ("v\t", 0)
    assert 9 not in by  # blank or no variant: not in the experiment
    exposed = {c: x for c, _, _, x in sql}
    t14 = 253_402_300_799_000_000
    if exposure is None:  # the assignment's time
        assert [exposed[c] for c in (1, 2, 4, 5, 7, 8, 11, 14)] == [
            10,
            3,
            5,
            5,
            8,
            5,
            -(2**40),
            t14,
        ]
    else:  # before / at, before and after, never, the assignment's own row, same time
        assert [exposed[c] for c in (4, 5, 6, 7, 8, 14)] == [5, 9, None, 8, 5, t14]
        assert exposed[1] is exposed[2] is exposed[11] is None


def _random_log(seed: int) -> list[Row]:
    rng = random.Random(seed)
    rows: list[Row] = []
    for n in range(3000):
        cid = rng.randrange(250) if rng.random() > 0.01 else None
        ts = rng.randrange(-50, 400) if rng.random() > 0.01 else None
        variant = rng.choice([None, None, "", " ", "a", "a", "a", "b", "b", "c"])
        if cid is not None and cid % 3 == 0:  # most customers keep one variant
            variant = rng.choice([None, "a" if cid % 2 else "b"])
        rows.append((cid, variant, ts, rng.randrange(3), n, rng.choice(["x", "y", "z", ""])))
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("exposure", [None, "x"])
def test_a_random_log(seed: int, exposure: str | None) -> None:
    rows = _random_log(seed)
    con = duckdb.connect()
    sql = _sql_side(con, rows, exposure, packed=True)
    a, variants, _ = _np_side(con, rows, exposure)
    assert _as_rows(a, variants) == sql
    assert len(sql) > 150 and any(m for _, _, m, _ in sql) and not all(m for _, _, m, _ in sql)
    if exposure is not None:
        assert any(x is None for *_, x in sql) and any(x is not None for *_, x in sql)


@pytest.mark.parametrize("rows", [HAND, _random_log(4)], ids=["hand", "random"])
@pytest.mark.parametrize("exposure", [None, "expose", "x"])
def test_each_rows_segment_and_the_registered_table(rows: list[Row], exposure: str | None) -> None:
    con = duckdb.connect()
    sql = _sql_side(con, rows, exposure, packed=True)
    a, variants, (usable, ts) = _np_side(con, rows, exposure)
    armed = dict(
        ((f, r), seg)
        for f, r, seg in con.execute(
            f"SELECT jm_file, jm_row, jm_seg FROM ({armed_sql(['jm_file', 'jm_row', 'jm_seg'])})"
        ).fetchall()
    )
    names = segment_names(variants)
    got = [names[s] for s in row_segments(a, ts)]
    assert got == [armed[(r[3], r[4])] for r in usable]
    assert "v" + BEFORE in got and any(s.startswith("v" + TWO_ARMS) for s in got)
    assert ("n" in got) == (rows is HAND)  # customer 9; every random customer has a variant
    register_assignment(con, a, variants, name="jm_assign_np")
    assert con.execute("SELECT * FROM jm_assign_np ORDER BY jm_cid").fetchall() == sql


def test_no_rows_and_no_variant() -> None:
    empty = np.array([], dtype=np.int64)
    a = assign(empty, empty, empty, np.array([], dtype=np.bool_))
    assert (len(a.cid), len(a.row_customer)) == (0, 0)
    a = assign(np.array([3, 3]), np.array([1, 2]), np.array([-1, -1]))
    assert len(a.cid) == 0 and a.row_customer.tolist() == [-1, -1]
    assert row_segments(a, np.array([1, 2])).tolist() == [0, 0]


def test_every_row_with_a_variant_takes_the_short_path_to_the_same_assignment() -> None:
    """``assign``'s path for logs whose every row has a variant is the general one's."""
    from journeymap.events.arms_np import _some_variants
    from journeymap.events.ordered_np import changes, run_index

    rng = np.random.default_rng(3)
    cid = np.sort(rng.integers(0, 60, 500)).astype(np.int32)
    ts = np.arange(500, dtype=np.int64)
    variant = np.where(rng.random(500) < 0.9, 0, rng.integers(0, 3, 500)).astype(np.int32)
    a = assign(cid, ts, variant)
    first_rows, arm, mixed, row_customer = _some_variants(
        run_index(changes(cid)), variant, variant >= 0
    )
    assert a.arm.tolist() == arm.tolist() and a.mixed.tolist() == mixed.tolist()
    assert a.row_customer.tolist() == row_customer.tolist()
    assert a.cid.tolist() == cid[first_rows].tolist()
    assert 0 < int(a.mixed.sum()) < len(a.mixed)
