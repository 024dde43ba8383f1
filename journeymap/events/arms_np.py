"""The experiment's assignment in numpy, over rows sorted by customer (issue 10).

The same table as ``experiment_arms.assignment_sql`` (``jm_assign``: one row per customer with a
variant: its arm, whether it was seen in two or more arms, its exposure time), computed in one
vectorised pass over the rows that the DuckDB engine fetches sorted by (customer, time, file
rank and row number) for its ordered pass (:func:`arm_rows`), instead of two hash aggregates
and a table of the parsed rows (docs/architecture.md, "Experiment assignment in the ordered
pass"). The definitions are the module docstring of ``journeymap.events.experiment_arms``; the
SQL stays the definition, the Spark path and the path with an event-id column (whose dedup is
SQL over the armed rows), and the tests compare both on the same rows.

Contract of the input (what the caller guarantees, not checked here):

- the rows are those the SQL assignment reads: every row with a customer and a readable time
  (``jm_bad_uid = 0 AND jm_bad_ts = 0``), including rows without an event name, before dedup;
- each customer's rows are contiguous and in (time, key) order (any order of the customers);
- ``variant`` is a code per row: ``-1`` for no variant (missing, empty or spaces only, as
  ``experiment_arms.VARIANT_SQL`` decides on the variant dictionary), else the variant's
  index in that dictionary;
- ``exposure`` marks the rows of the exposure event (None: exposure is the assignment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from journeymap.events.experiment_arms import BEFORE, TWO_ARMS, VARIANT_SQL
from journeymap.events.ordered_np import Rows
from journeymap.events.sql import ROW_KEY, SESSION_VALUE, lit

if TYPE_CHECKING:
    from journeymap.events.ordered_duck import OrderedPlan

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
    starts = np.ones(n, dtype=np.bool_)
    np.not_equal(cid[1:], cid[:-1], out=starts[1:])
    customer = np.cumsum(starts, dtype=np.int64) - 1  # the row's run of equal cid
    with_variant = np.flatnonzero(variant >= 0)
    run = customer[with_variant]
    first = np.ones(len(run), dtype=np.bool_)
    np.not_equal(run[1:], run[:-1], out=first[1:])
    first_rows = with_variant[first]
    arm = variant[first_rows].astype(np.int32)
    of_run = np.full(int(customer[-1]) + 1 if n else 0, -1, dtype=np.int32)
    of_run[customer[first_rows]] = np.arange(len(first_rows), dtype=np.int32)
    row_customer = of_run[customer]
    mine = row_customer[with_variant]
    mixed = np.zeros(len(first_rows), dtype=np.bool_)
    mixed[mine[variant[with_variant] != arm[mine]]] = True
    assigned = ts[first_rows].astype(np.int64)
    exposed = assigned if exposure is None else _exposed(ts, exposure, row_customer, assigned)
    return Assignment(cid[first_rows], arm, mixed, exposed, row_customer)


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


def row_segments(a: Assignment, ts: Ints) -> npt.NDArray[np.int32]:
    """Each row's segment code (:data:`NO_VARIANT`, :data:`BEFORE_EXPOSURE`, an arm's or a
    two-arm customer's: :func:`segment_names`), as ``experiment_arms.armed_sql`` writes the
    segment: the arm from the exposure time on, before it (or never exposed) apart.

    Within a customer the codes change at most once, at its exposure time, so rows sorted by
    customer then time keep every (segment, customer) partition contiguous and in order.

    >>> a = assign(np.array([7, 7, 7, 9]), np.array([5, 6, 8, 1]), np.array([-1, 1, -1, -1]),
    ...            np.array([False, False, True, False]))
    >>> row_segments(a, np.array([5, 6, 8, 1])).tolist()
    [1, 1, 4, 0]
    """
    who = a.row_customer
    if not len(a.cid):
        return np.full(len(who), NO_VARIANT, dtype=np.int32)
    mine = np.maximum(who, 0)
    arm = 2 + 2 * a.arm[mine]
    exposed = a.exposed[mine]
    before = (exposed == NEVER) | (ts < exposed)
    seg = np.where(a.mixed[mine], arm + 1, np.where(before, BEFORE_EXPOSURE, arm))
    return np.where(who < 0, NO_VARIANT, seg).astype(np.int32)


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


@dataclass(frozen=True)
class ArmsPlan:
    """What the ordered pass needs to assign the arms itself (``experiment_arms``' prepare step
    sets it on the DuckDB engine): the rows' ``jm_seg`` is then ``'v' || variant`` (``'n'``
    without one), read from ``jm_p`` (the parsed rows before the arms), and the pass registers
    ``jm_assign`` for the armed ``jm_parsed`` that the row counts read after it."""

    exposure_event: str | None
    naming: bool = False
    """Whether rows may be identity calls (``jm_ident``: ``Columns.naming``)."""
    bad_rows: str = ""
    """``stats_rows`` of the rows the pass does not read (``sql.stats_rows_sql`` where not
    :data:`ROWS_OK`), added to the counts of those it reads (:func:`row_counts`)."""


VARIANTS = "jm_np_vars"
ROWS_OK = "jm_bad_uid = 0 AND jm_bad_ts = 0"
"""The rows the assignment reads (``experiment_arms``: a customer and a readable time)."""


def variant_dictionary(con: Any) -> list[str]:
    """Create the variant dictionary ``jm_np_vars`` (``jm_np_var``: every distinct ``jm_seg``
    of the loaded rows, a superset of the parsed rows'; ``jm_np_v``: the index of a variant in
    the returned list, ``-1`` for none: ``'n'``, empty or spaces only, decided by
    ``experiment_arms.VARIANT_SQL`` itself) and return the variants (without the ``'v'``)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {VARIANTS} AS SELECT jm_seg AS jm_np_var, "
        f"CAST(CASE WHEN {VARIANT_SQL} THEN "
        f"row_number() OVER (PARTITION BY {VARIANT_SQL} ORDER BY jm_seg) - 1 ELSE -1 END "
        "AS INTEGER) AS jm_np_v FROM (SELECT DISTINCT jm_seg FROM jm_raw_text) AS jm_r"
    )
    found = con.execute(
        f"SELECT jm_np_var FROM {VARIANTS} WHERE jm_np_v >= 0 ORDER BY jm_np_v"
    ).fetchall()
    return [str(v)[1:] for (v,) in found]


def armed_segments(variants: list[str]) -> tuple[list[str], npt.NDArray[np.int32]]:
    """The segment dictionary of the armed rows (:func:`segment_names`, sorted as the ordered
    pass's own dictionary is) and, per code of :func:`row_segments`, its index there.

    >>> names, at = armed_segments(["b", "a"])
    >>> [n.replace("\\0", "|") for n in names], at.tolist()
    (['n', 'v|before exposure', 'v|two arms|a', 'v|two arms|b', 'va', 'vb'], [0, 1, 5, 3, 4, 2])
    """
    names = segment_names(variants)
    ordered = sorted(names)
    at = {name: i for i, name in enumerate(ordered)}
    return ordered, np.array([at[n] for n in names], dtype=np.int32)


CASE_VARIANTS = 64
"""Up to this many variants a row's code is a ``CASE`` over their strings, beyond it a join to
the dictionary (the join costs 0.25 CPU seconds more at 10M rows of two variants)."""


def _variant_code(variants: list[str]) -> tuple[str, str]:
    """A row's variant code (``-2``: a variant the dictionary lacks, refused) and the join it
    needs, if any (:data:`CASE_VARIANTS`)."""
    if len(variants) > CASE_VARIANTS:
        return "COALESCE(jm_np_v, -2)", f" LEFT JOIN {VARIANTS} ON jm_np_var = jm_seg"
    known = " ".join(f"WHEN {lit('v' + v)} THEN {i}" for i, v in enumerate(variants))
    other = f"CASE WHEN {VARIANT_SQL} THEN -2 ELSE -1 END"
    return (f"CASE jm_seg {known} ELSE {other} END" if known else other), ""


def arm_rows_sql(
    plan: OrderedPlan, wide_cid: bool, bucket: tuple[int, int], variants: list[str]
) -> str:
    """The rows of one ``bucket`` of customers that the assignment reads (:data:`ROWS_OK`:
    with rows without an event name, which dedup leaves out), sorted by (customer, time, key),
    with the variant code ``v`` (the index in ``variants``, ``-1`` for none, ``-2``: not in
    the dictionary, refused), the flag of a row without an event ``be`` (and of an identity
    call ``i``: the rows dedup reads have neither, ``sql.usable``), the touchpoint code of a
    row with ``where:`` columns, the session's index ``q`` and whether the row is the exposure
    event ``x``."""
    from journeymap.events.ordered_duck import SESSIONS

    assert plan.arms is not None
    b, k = bucket
    only = f" AND jm_cid % {k} = {b}" if k > 1 else ""
    cid = "jm_cid" if wide_cid else "CAST(jm_cid AS INTEGER)"
    code = plan.row_code or "0"
    variant, joins = _variant_code(variants)
    more = ", CAST(jm_ident AS TINYINT) AS i" if plan.arms.naming else ""
    if plan.settings.session_column:
        joins += f" LEFT JOIN {SESSIONS} ON jm_np_value = {SESSION_VALUE}"
        more += ", COALESCE(jm_np_q, -1) AS q"
    if plan.arms.exposure_event is not None:
        more += f", COALESCE(jm_event = {lit(plan.arms.exposure_event)}, false) AS x"
    return (
        f"SELECT {cid} AS c, jm_ts AS t, COALESCE(CAST(jm_eid AS INTEGER), -1) AS e, "
        f"{ROW_KEY} AS k, CAST({code} AS INTEGER) AS code, {variant} AS v, "
        f"CAST(jm_bad_event AS TINYINT) AS be{more} "
        f"FROM jm_p{joins} WHERE {ROWS_OK}{only} ORDER BY c, t, k"
    )


@dataclass(frozen=True)
class ArmRows:
    """What :func:`arm_rows` reads of one bucket of customers."""

    rows: Rows
    """The rows dedup reads, with their armed segments (indexes in :func:`armed_segments`)."""
    assignment: Assignment
    counts: npt.NDArray[np.int64]
    """Per segment (rows) of the rows read: the rows, those without an event and the identity
    calls among the others (``stats_rows``' ``jm_rows``, ``jm_bad_event`` and
    ``jm_identity`` of rows with a customer and a time)."""


def arm_rows(
    con: Any,
    plan: OrderedPlan,
    variants: list[str],
    bucket: tuple[int, int],
    event_codes: Any,
) -> ArmRows:
    """The rows of one bucket, their customers' assignment and their row counts
    (:class:`ArmRows`); ``event_codes``: the touchpoint code by event key (None with
    ``where:`` columns, whose code is the row's)."""
    [(top,)] = con.execute("SELECT MAX(jm_cid) FROM jm_cids").fetchall()
    sql = arm_rows_sql(plan, int(top or 0) >= 2**31, bucket, variants)
    found = con.execute(sql).fetchnumpy()
    col = {name: np.ma.getdata(values) for name, values in found.items()}
    del found
    variant = col.pop("v")
    if len(variant) and int(variant.min()) < -1:
        raise RuntimeError("a row's variant is not in the variant dictionary")
    cid, ts = col.pop("c"), col.pop("t")
    exposure = col.pop("x").astype(np.bool_, copy=False) if "x" in col else None
    a = assign(cid, ts, variant, exposure)
    _, position = armed_segments(variants)
    seg = position[row_segments(a, ts)]
    del variant, exposure
    bad = col.pop("be").astype(np.bool_, copy=False)
    ident = col.pop("i").astype(np.bool_, copy=False) if "i" in col else None
    keep = ~bad if ident is None else ~bad & ~ident
    eid = col.pop("e")[keep]
    code = col.pop("code")[keep] if event_codes is None else event_codes[eid]
    sess = col.pop("q")[keep] if plan.settings.session_column else None
    n = len(position)
    counts = np.zeros((n, 3), dtype=np.int64)
    counts[:, 0] = np.bincount(seg, minlength=n)
    counts[:, 1] = np.bincount(seg[bad], minlength=n)
    if ident is not None:
        counts[:, 2] = np.bincount(seg[ident], minlength=n)
    rows = Rows(seg[keep], cid[keep], ts[keep], eid, col.pop("k")[keep], code, sess)
    return ArmRows(rows, a, counts)


def row_counts(con: Any, plan: ArmsPlan, counts: Any, segments: list[str]) -> list[Any]:
    """``stats_rows`` of the armed rows: ``counts`` (:class:`ArmRows`, summed over the buckets)
    for the rows the pass read, plus the statement over the others (rows without a customer or
    a readable time, segmented by ``jm_parsed``'s armed view as the SQL path does)."""
    found: dict[str, list[int]] = {}
    for seg, rows, bad_event, identity in zip(segments, *counts.T.tolist(), strict=True):
        if rows:
            found[seg] = [rows, bad_event, 0, 0, bad_event, identity]
    for seg, *figures in con.execute(plan.bad_rows).fetchall():
        mine = found.setdefault(str(seg), [0] * 6)
        for i, x in enumerate(figures):
            mine[i] += int(x or 0)
    width = 6 if plan.naming else 5
    return [(seg, *f[:width]) for seg, f in found.items()]


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
