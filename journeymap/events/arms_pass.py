"""The experiment's arms in DuckDB's ordered pass (issue 10): what the pass reads and gives.

With ``DuckEngine.arms`` set (:class:`ArmsPlan`, by ``experiment_arms``' prepare step) the
ordered pass (``events/ordered_duck.py``) fetches, per bucket of customers, the rows the
assignment reads sorted by (customer, time, key) with each row's variant code
(:func:`arm_rows_sql`), assigns the arms over them (``events/arms_np.py``), gives each row its
armed segment before dedup and counts the rows (:func:`arm_rows`); afterwards it registers
``jm_assign`` and gives ``stats_rows`` (:func:`row_counts`). docs/architecture.md, "Experiment
assignment in the ordered pass".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from journeymap.events.arms_np import (
    Assignment,
    assign,
    merged,
    register_assignment,
    row_segments,
    segment_names,
)
from journeymap.events.experiment_arms import VARIANT_SQL
from journeymap.events.ordered_np import Rows
from journeymap.events.sql import ROW_KEY, SESSION_VALUE, TIMED, lit

if TYPE_CHECKING:
    from journeymap.events.ordered_duck import OrderedPlan, Results


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
    ``sql.TIMED``), added to the counts of those it reads (:func:`row_counts`)."""


VARIANTS = "jm_np_vars"


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
    """The rows of one ``bucket`` of customers that the assignment reads (``sql.TIMED``:
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
        f"FROM jm_p{joins} WHERE {TIMED}{only} ORDER BY c, t, k"
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
    from journeymap.events.ordered_duck import wide_cid

    found = con.execute(arm_rows_sql(plan, wide_cid(con), bucket, variants)).fetchnumpy()
    col = {name: np.ma.getdata(values) for name, values in found.items()}
    del found
    variant = col.pop("v")
    if len(variant) and int(variant.min()) < -1:
        raise RuntimeError("a row's variant is not in the variant dictionary")
    cid, ts = col.pop("c"), col.pop("t")
    exposure = col.pop("x").astype(np.bool_, copy=False) if "x" in col else None
    a = assign(cid, ts, variant, exposure)
    _, position = armed_segments(variants)
    seg = row_segments(a, ts, position)
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


def arms_results(
    con: Any,
    plan: OrderedPlan,
    parts: list[ArmRows | None],
    variants: list[str],
    segments: list[str],
) -> Results:
    """With arms: register ``jm_assign`` (the armed ``jm_parsed`` reads it) and give
    ``stats_rows`` (``arms_pass.row_counts``: the arrays' counts, the SQL for the rows not read);
    else nothing."""
    found = [a for a in parts if a is not None]
    if plan.arms is None or not found:
        return {}
    register_assignment(con, merged([a.assignment for a in found]), variants)
    counts = sum(a.counts for a in found[1:]) + found[0].counts
    return {"stats_rows": row_counts(con, plan.arms, counts, segments)}
