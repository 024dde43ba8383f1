"""``ingest --print-sql``: the counting statements for a warehouse, transpiled with sqlglot."""

from __future__ import annotations

from journeymap.events.layers import id_relations
from journeymap.events.settings import IngestOptions, SettingError
from journeymap.events.sql import (
    RELATIONS,
    RESULTS,
    ident,
    mapping_rules,
    statements,
    transpile,
    where_columns,
)
from journeymap.model import JourneyMap


def raw_from_table(opts: IngestOptions, wcols: list[str], table: str = "events") -> str:
    """The rows of ``jm_raw`` (before its keys, ``layers.id_relations``) over a warehouse table (DuckDB dialect); the timestamp is read as text."""
    c = opts.columns

    def text(col: str) -> str:
        return f"CAST({ident(col)} AS VARCHAR)"

    seg = f"COALESCE('v' || {text(opts.segment_by)}, 'n')" if opts.segment_by else "'v'"
    sess = text(c.session) if c.session else "CAST(NULL AS VARCHAR)"
    ws = "".join(f", {text(col)} AS jm_w{i}" for i, col in enumerate(wcols))
    return (
        f"SELECT {seg} AS jm_seg, 0 AS jm_file, 0 AS jm_row, {text(c.customer)} AS jm_uid, "
        f"{text(c.event)} AS jm_event, {sess} AS jm_sess, {text(c.timestamp)} AS jm_ts_text, "
        f"CAST(NULL AS BIGINT) AS jm_ts_local_us, CAST(NULL AS BIGINT) AS jm_ts_utc_us{ws} "
        f"FROM {table}"
    )


def print_sql(jm: JourneyMap, opts: IngestOptions, dialect: str) -> str:
    """Every statement of the pipeline in ``dialect``, separated by semicolons, with comments."""
    if opts.columns.identities:
        raise SettingError(
            "columns.identities",
            lambda s: f"{s}: identity stitching runs on the data, so it has no statements to print",
            hint="print the statements without it; they count one id as one customer",
        )
    goals = jm.select_goals(opts.goal)
    stmts = statements(jm, opts, goals)
    wcols = where_columns(mapping_rules(jm))
    out = [
        f"-- journeymap ingest: the counting statements for {dialect} (map '{jm.id}').",
        "-- Input: a table `events`; rows with equal timestamps are ordered by jm_file, jm_row",
        "-- (set them from your load order if you have one). Result queries follow the",
        "-- temporary tables; docs/events.md explains every column.",
        "",
    ]
    relations = {
        "jm_raw_text": raw_from_table(opts, wcols),
        **id_relations("jm_raw_text", dense=False),
        **{n: stmts[n] for n in RELATIONS},
    }
    for name, body in relations.items():
        sql = transpile(f"CREATE TEMPORARY TABLE {name} AS {body}", dialect, opts.timezone)
        out += [f"-- {name}", sql + ";", ""]
    for name in RESULTS:
        out += [f"-- result: {name}", transpile(stmts[name], dialect, opts.timezone) + ";", ""]
    return "\n".join(out)
