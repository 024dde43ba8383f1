"""The rows an engine reads, made ``jm_raw``: event naming by call kind, then identity stitching.

Each engine reads its files into a base relation with the columns of ``docs/events.md``; when
the columns name call kinds (``Columns.naming``) the event column is read as ``jm_event_src``
with ``jm_kind`` and the naming columns ``jm_n0..``, and when they name identity columns the
customer is read as ``jm_cust`` with ``jm_x0..``. The views below, the same SQL on every engine,
turn that into ``jm_raw`` (``jm_event``, ``jm_ident`` and the person key ``jm_uid``), with the
keys ``jm_cid`` and ``jm_eid`` of :func:`id_relations`.
"""

from __future__ import annotations

from typing import Any, Protocol

from journeymap.events.identity import IdentityFigures, ids_query, pairs_query, resolve, stitched
from journeymap.events.settings import Columns, EventNaming, IngestOptions
from journeymap.events.sql import lit


def naming_columns(naming: EventNaming) -> list[str]:
    """The columns the kind rules name, in first-use order (they are read as ``jm_n0, jm_n1..``).

    >>> from journeymap.events.presets import SEGMENT_NAMING
    >>> naming_columns(SEGMENT_NAMING)
    ['name']
    """
    return list(dict.fromkeys(r.column for r in naming.rules))


def named(naming: EventNaming, relation: str) -> str:
    """The rows with ``jm_event`` named by their kind and ``jm_ident`` (1 for an identity call)."""
    alias = {c: f"jm_n{i}" for i, c in enumerate(naming_columns(naming))}
    kinds = ", ".join(lit(k) for k in naming.identity_kinds)
    ident = f"jm_kind IN ({kinds})" if kinds else "1 = 0"
    whens = "".join(
        f" WHEN jm_kind = {lit(r.kind)} THEN COALESCE({lit(r.prefix)} || {alias[r.column]}, "
        f"{lit(r.kind)})"
        for r in naming.rules
    )
    return (
        f"SELECT *, CASE WHEN {ident} THEN CAST(NULL AS VARCHAR){whens} ELSE jm_event_src END "
        f"AS jm_event, CASE WHEN {ident} THEN 1 ELSE 0 END AS jm_ident FROM {relation}"
    )


def base_aliases(columns: Columns) -> tuple[str, str]:
    """What the base rows call the customer and the event column (the layers make the rest)."""
    return (
        "jm_cust" if columns.identities else "jm_uid",
        "jm_event_src" if columns.naming else "jm_event",
    )


def extra_columns(columns: Columns) -> list[tuple[str, str, bool]]:
    """The further columns the base rows carry: (column, alias, whether a file may lack it).

    A file without an optional column reads it as NULL: a Segment file of page calls only has no
    ``event``, an older Mixpanel export no ``$insert_id``.
    """
    out = [(c, f"jm_x{i}", columns.ids_optional) for i, c in enumerate(columns.identities)]
    if columns.naming is not None:
        out.append((columns.naming.kind, "jm_kind", True))
        out += [(c, f"jm_n{i}", True) for i, c in enumerate(naming_columns(columns.naming))]
    if columns.dedup is not None:
        out.append((columns.dedup, "jm_dedup", True))
    return out


class RawEngine(Protocol):
    """What an engine does for the layers: make a relation, query it, upload the persons."""

    def relation(self, name: str, sql: str, *, keep: bool = False) -> None:
        """Create relation ``name``; ``keep`` materialises it (it is read more than once)."""

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def persons(self, persons: dict[str, str]) -> None:
        """Create the table ``jm_persons (jm_id, jm_person)``."""


def id_relations(relation: str, *, dense: bool) -> dict[str, str]:
    """``jm_raw`` over the rows ``relation`` with the customer key ``jm_cid`` and the event key
    ``jm_eid``, and the event dictionary ``jm_evs (jm_event, jm_eid)``, by name in creation order.

    ``dense`` (DuckDB): the keys are whole numbers, ``row_number()`` over the distinct customers
    and event names (``jm_cids``, ``jm_evs`` are tables), joined to the rows once, so the sorts,
    hash aggregates and tables of the pipeline carry integers rather than strings (docs/
    architecture.md, "Ingest on integer ids"). Otherwise (Spark, where ``row_number() OVER ()``
    is one partition, and the printed SQL) the keys are the strings themselves. Either way the
    statements read the same columns and give the same rows: a key stands for exactly one
    string, and the order of two rows never depends on the key's value.
    """
    if not dense:
        return {
            "jm_raw": f"SELECT *, jm_uid AS jm_cid, jm_event AS jm_eid FROM {relation}",
            "jm_evs": "SELECT DISTINCT jm_event, jm_eid FROM jm_raw WHERE jm_event IS NOT NULL",
        }
    return {
        "jm_cids": f"SELECT jm_uid, row_number() OVER () AS jm_cid FROM "
        f"(SELECT DISTINCT jm_uid FROM {relation} WHERE jm_uid IS NOT NULL) AS jm_u",
        "jm_evs": f"SELECT jm_event, row_number() OVER () AS jm_eid FROM "
        f"(SELECT DISTINCT jm_event FROM {relation} WHERE jm_event IS NOT NULL) AS jm_e",
        "jm_raw": f"SELECT r.*, c.jm_cid, e.jm_eid FROM {relation} AS r "
        "LEFT JOIN jm_cids AS c ON c.jm_uid = r.jm_uid "
        "LEFT JOIN jm_evs AS e ON e.jm_event = r.jm_event",
    }


def make_raw(
    engine: RawEngine,
    base_sql: str,
    columns: Columns,
    *,
    dense: bool = False,
    dictionary: bool = True,
) -> IdentityFigures | None:
    """Create ``jm_raw`` (and ``jm_evs``, :func:`id_relations`) from the base rows; what
    stitching did (None without identity columns). ``dictionary=False`` (only with the
    strings as keys, ``dense=False``) leaves out ``jm_evs``, a scan of every row that a command
    naming no unmapped event (``cohorts``) never reads."""
    figures = _rows(engine, base_sql, columns)
    for name, sql in id_relations("jm_raw_text", dense=dense).items():
        if name == "jm_evs" and not (dictionary or dense):
            continue
        engine.relation(name, sql, keep=name != "jm_raw")
    return figures


def _rows(engine: RawEngine, base_sql: str, columns: Columns) -> IdentityFigures | None:
    """Create ``jm_raw_text``, the rows with ``jm_uid`` and ``jm_event`` (naming, stitching)."""
    if columns.naming is None and not columns.identities:
        engine.relation("jm_raw_text", base_sql)
        return None
    engine.relation("jm_raw_base", base_sql, keep=bool(columns.identities))
    rel = "jm_raw_base"
    if columns.naming is not None:
        engine.relation("jm_raw_named", named(columns.naming, rel))
        rel = "jm_raw_named"
    if not columns.identities:
        engine.relation("jm_raw_text", f"SELECT * FROM {rel}")
        return None
    n = len(columns.identities)
    persons = resolve((str(a), str(b)) for a, b in engine.rows(pairs_query(n, rel)))
    [(ids,)] = engine.rows(ids_query(n, rel))
    engine.persons(persons.persons)
    engine.relation("jm_raw_text", stitched(n, rel))
    return IdentityFigures((columns.customer, *columns.identities), int(ids), persons.ids_merged)


def provenance(opts: IngestOptions, identity: IdentityFigures | None) -> dict[str, Any]:
    """The overlay settings of presets, naming, event-id dedup and stitching (none when unused)."""
    cols, out = opts.columns, dict[str, Any]()
    if opts.preset is not None:
        out["preset"] = opts.preset
    if cols.naming is not None:
        out["event_naming"] = {
            "kind": cols.naming.kind,
            "rules": {r.kind: f"{r.prefix}<{r.column}>" for r in cols.naming.rules},
            "identity_calls": list(cols.naming.identity_kinds),
            "other": f"<{cols.event}>",
        }
    if cols.dedup is not None:
        out["dedup"] = f"same {cols.dedup} of one customer, else exact (customer, timestamp, event)"
    if identity is not None:
        out["identity"] = identity.setting()
    return out
