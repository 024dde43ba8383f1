"""The experiment's assignment in numpy, over rows sorted by customer (issue 10).

The same table as ``experiment_arms.assignment_sql`` (``jm_assign``: one row per customer with a
variant: its arm, whether it was seen in two or more arms, its exposure time), computed in one
vectorised pass over the rows that the DuckDB engine fetches sorted by (customer, time, file
rank and row number) for its ordered pass (``events/arms_pass.py``), instead of two hash
aggregates and a table of the parsed rows (docs/architecture.md, "Experiment assignment in the
ordered pass"). The definitions are the module docstring of ``journeymap.events.experiment_arms``; the
SQL stays the definition, the Spark path and the path with an event-id column (whose dedup is
SQL over the armed rows), and the tests compare both on the same rows.

Contract of the input (what the caller guarantees, not checked here):

- the rows are those the SQL assignment reads: every row with a customer and a readable time
  (``sql.TIMED``), including rows without an event name, before dedup;
- each customer's rows are contiguous and in (time, key) order (any order of the customers);
- ``variant`` is a code per row: ``-1`` for no variant (missing, empty or spaces only, as
  ``experiment_arms.VARIANT_SQL`` decides on the variant dictionary), else the variant's
  index in that dictionary;
- ``exposure`` marks the rows of the exposure event (None: exposure is the assignment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from journeymap.events.experiment_arms import BEFORE, TWO_ARMS
from journeymap.events.ordered_np import changes, run_index

NEVER = np.iinfo(np.int64).min
"""``Assignment.exposed`` of a customer never exposed (NULL in SQL): below every readable time
(``sql.MIN_US``), so no time is mistaken for it (a time of -1 microsecond is readable)."""

NO_VARIANT, BEFORE_EXPOSURE = 0, 1
"""Segment codes of :func:`row_segments` below the arms': a customer without a variant, a row
before its customer's exposure. Variant ``v`` is arm ``2 + 2 * v``; a customer seen in two arms
whose first was ``v`` is ``3 + 2 * v`` (:func:`segment_names`)."""

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Assignment:
    """One entry per customer with a variant, in the order of the rows' customers."""

    cid: npt.NDArray[Any]
    """The customer keys (the rows' ``cid`` dtype)."""
    arm: npt.NDArray[np.int32]
    """The variant code of the customer's first row with a variant."""
    mixed: Bools
    """Whether the customer's rows carry two or more variants."""
    exposed: Ints
    """The exposure time: the assignment's, or the first exposure event's at or after it
    (:data:`NEVER`: none)."""
    row_customer: npt.NDArray[np.int32]
    """Per row: the index of its customer here, ``-1`` for a customer without a variant."""


def assign(
    cid: npt.NDArray[Any],
    ts: Ints,
    variant: npt.NDArray[np.integer[Any]],
    exposure: Bools | None = None,
) -> Assignment:
    """The assignment of rows sorted by customer (module docstring): per customer with a
    variant, the variant of its first row with one, whether another variant occurs, and the
    exposure time.

    Customers are runs of equal ``cid``; the first row with ``variant >= 0`` of each run
    decides its arm (the rows are in time, then key, order); the exposure is the first
    ``exposure`` row of the run whose time is at or after that row's time.

    Examples
    --------
    >>> a = assign(np.array([7, 7, 7, 9]), np.array([5, 6, 8, 1]), np.array([-1, 1, 0, -1]),
    ...            np.array([True, False, True, False]))
    >>> a.cid.tolist(), a.arm.tolist(), a.mixed.tolist(), a.exposed.tolist()
    ([7], [1], [True], [8])
    >>> a.row_customer.tolist()
    [0, 0, 0, -1]
    """
    n = len(cid)
    starts = changes(cid)
    customer = run_index(starts)  # the row's run of equal cid
    has = variant >= 0
    if n and has.all():  # every row carries a variant (most logs of an experiment)
        first_rows = np.flatnonzero(starts)
        arm = variant[first_rows].astype(np.int32)
        row_customer = customer.astype(np.int32, copy=False)
        mixed = np.zeros(len(first_rows), dtype=np.bool_)
        mixed[row_customer[variant != arm[row_customer]]] = True
    else:
        first_rows, arm, mixed, row_customer = _some_variants(customer, variant, has)
    assigned = ts[first_rows].astype(np.int64)
    exposed = assigned if exposure is None else _exposed(ts, exposure, row_customer, assigned)
    return Assignment(cid[first_rows], arm, mixed, exposed, row_customer)


def _some_variants(
    customer: npt.NDArray[Any], variant: npt.NDArray[np.integer[Any]], has: Bools
) -> tuple[Ints, npt.NDArray[np.int32], Bools, npt.NDArray[np.int32]]:
    """:func:`assign`'s first rows, arms, mixing and row customers when some rows have no
    variant: the rows with one, and the customers they belong to."""
    with_variant = np.flatnonzero(has)
    run = customer[with_variant]
    first = np.ones(len(run), dtype=np.bool_)
    np.not_equal(run[1:], run[:-1], out=first[1:])
    first_rows = with_variant[first]
    arm = variant[first_rows].astype(np.int32)
    of_run = np.full(int(customer[-1]) + 1 if len(customer) else 0, -1, dtype=np.int32)
    of_run[customer[first_rows]] = np.arange(len(first_rows), dtype=np.int32)
    row_customer = of_run[customer]
    mine = row_customer[with_variant]
    mixed = np.zeros(len(first_rows), dtype=np.bool_)
    mixed[mine[variant[with_variant] != arm[mine]]] = True
    return first_rows, arm, mixed, row_customer


def _exposed(
    ts: Ints, exposure: Bools, row_customer: npt.NDArray[np.int32], assigned: Ints
) -> Ints:
    """Per customer: the time of its first ``exposure`` row at or after ``assigned``."""
    rows = np.flatnonzero(exposure & (row_customer >= 0))
    who = row_customer[rows]
    rows, who = rows[ts[rows] >= assigned[who]], who[ts[rows] >= assigned[who]]
    first = np.ones(len(who), dtype=np.bool_)
    np.not_equal(who[1:], who[:-1], out=first[1:])
    exposed = np.full(len(assigned), NEVER, dtype=np.int64)
    exposed[who[first]] = ts[rows[first]]
    return exposed


def row_segments(
    a: Assignment, ts: Ints, position: npt.NDArray[np.int32] | None = None
) -> npt.NDArray[np.int32]:
    """Each row's segment code (:data:`NO_VARIANT`, :data:`BEFORE_EXPOSURE`, an arm's or a
    two-arm customer's: :func:`segment_names`), as ``experiment_arms.armed_sql`` writes the
    segment: the arm from the exposure time on, before it (or never exposed) apart;
    ``position``: each code's index in another order (:func:`armed_segments`) instead.

    Within a customer the codes change at most once, at its exposure time, so rows sorted by
    customer then time keep every (segment, customer) partition contiguous and in order.

    >>> a = assign(np.array([7, 7, 7, 9]), np.array([5, 6, 8, 1]), np.array([-1, 1, -1, -1]),
    ...            np.array([False, False, True, False]))
    >>> row_segments(a, np.array([5, 6, 8, 1])).tolist()
    [1, 1, 4, 0]
    """
    to = np.arange(2 + 2 * (int(a.arm.max()) + 1) if len(a.arm) else 2, dtype=np.int32)
    if position is not None:
        to = position[: len(to)]
    who = a.row_customer
    if not len(a.cid):
        return np.full(len(who), to[NO_VARIANT], dtype=np.int32)
    # per customer: its code, and the time before which a row is before exposure (never for
    # a customer in two arms, always for one never exposed)
    code = to[2 + 2 * a.arm + a.mixed]
    top, bottom = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    until = np.where(a.mixed, bottom, np.where(a.exposed == NEVER, top, a.exposed))
    outside = who < 0
    mine = np.maximum(who, 0) if outside.any() else who
    seg = code[mine]
    seg[ts < until[mine]] = to[BEFORE_EXPOSURE]
    seg[outside] = to[NO_VARIANT]
    return seg


def segment_names(variants: list[str]) -> list[str]:
    """The segment of each code of :func:`row_segments`, as ``armed_sql`` spells ``jm_seg``
    (``'n'``, ``'v'`` and the marker or variant), for ``variants`` the variant dictionary.

    >>> segment_names(["a"])
    ['n', 'v\\x00before exposure', 'va', 'v\\x00two arms\\x00a']
    """
    names = ["n", "v" + BEFORE]
    for v in variants:
        names += ["v" + v, "v" + TWO_ARMS + v]
    return names


def register_assignment(
    con: Any, a: Assignment, variants: list[str], name: str = "jm_assign"
) -> None:
    """Make ``a`` the DuckDB table ``name`` with the columns of ``assignment_sql`` (``jm_cid``,
    ``jm_arm`` as ``'v' || variant``, ``jm_mixed`` 1 or 0, ``jm_exposed`` NULL when never), so
    the statements over ``jm_assign`` (``armed_sql``: the row counts, the row checks) read it
    as they read the SQL's table; ``con`` is the engine's DuckDB connection. The arms cross as
    integer codes and are spelled by a join to the few variants: DuckDB reads a numpy array of
    strings one Python object at a time (0.4 s for a million customers)."""
    con.register(
        f"{name}_np",
        {
            "jm_cid": a.cid,
            "jm_a": a.arm,
            "jm_mixed": a.mixed.astype(np.int32),
            "jm_exposed": a.exposed,
        },
    )
    con.register(
        f"{name}_arms",
        {
            "jm_a": np.arange(len(variants), dtype=np.int32),
            "jm_arm": np.array(["v" + v for v in variants], dtype=object),
        },
    )
    con.execute(f"DROP VIEW IF EXISTS {name}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT a.jm_cid, "
        "CAST(v.jm_arm AS VARCHAR) AS jm_arm, a.jm_mixed, "
        f"NULLIF(a.jm_exposed, {NEVER}) AS jm_exposed FROM {name}_np AS a "
        f"JOIN {name}_arms AS v ON v.jm_a = a.jm_a"
    )
    con.unregister(f"{name}_np")
    con.unregister(f"{name}_arms")


def merged(parts: list[Assignment]) -> Assignment:
    """The assignments of disjoint buckets of customers as one (``row_customer`` dropped)."""
    if len(parts) == 1:
        return parts[0]
    return Assignment(
        np.concatenate([a.cid for a in parts]),
        np.concatenate([a.arm for a in parts]),
        np.concatenate([a.mixed for a in parts]),
        np.concatenate([a.exposed for a in parts]),
        np.zeros(0, dtype=np.int32),
    )
