"""The DuckDB engine (the default): reads the files directly, out of core, on every core."""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from journeymap.errors import UsageError
from journeymap.events.csv_errors import csv_error, is_csv_error
from journeymap.events.identity import IdentityFigures
from journeymap.events.inputs import TYPED_VALUES, InputFile, nested, require, require_columns
from journeymap.events.layers import base_aliases, extra_columns, make_raw
from journeymap.events.settings import Columns, Progress, Resources
from journeymap.events.sql import (
    CHECKS,
    MAX_US,
    MIN_US,
    RELATIONS,
    RESULTS,
    SEGMENTS_KEY,
    ident,
    lit,
)

if TYPE_CHECKING:
    from journeymap.events.arms_pass import ArmsPlan
    from journeymap.events.ordered_duck import OrderedPlan


def _scan(f: InputFile) -> str:
    path = lit(f.path)
    if f.format == "parquet":
        return f"read_parquet({path}, file_row_number = true)"
    if f.format == "json":
        return (
            f"read_json({path}, format = 'newline_delimited', auto_detect = true, sample_size = -1)"
        )
    delim = lit("\t" if f.format == "tsv" else ",")
    return (
        f"read_csv({path}, all_varchar = true, header = true, delim = {delim}, "
        "quote = '\"', escape = '\"')"
    )


def _describe(con: Any, f: InputFile) -> list[tuple[str, str]]:
    import duckdb

    try:
        rel = con.sql(f"SELECT * FROM {_scan(f)} LIMIT 0")
        return [(str(c), str(t)) for c, t in zip(rel.columns, rel.types, strict=True)]
    except duckdb.Error as exc:
        if is_csv_error(str(exc)):
            raise csv_error([f], str(exc)) from None
        raise UsageError(
            f"{f.shown}: cannot read it as {f.format}: {str(exc).splitlines()[0]}"
        ) from None


def _timestamp(ts: str, kind: str) -> tuple[str | None, str, str]:
    """The text (None: the column's own), local and UTC epoch microseconds of a timestamp
    column of DuckDB type ``kind``. A native timestamp outside the years 1 to 9999 keeps its text,
    to quote it as unreadable (``sql.MIN_US``, ``sql.MAX_US``)."""
    null = "CAST(NULL AS BIGINT)"
    if kind in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        us, local, utc = f"epoch_us({ts})", null, f"epoch_us({ts})"
    elif kind.startswith("TIMESTAMP") or kind == "DATE":
        us = local = f"epoch_us(CAST({ts} AS TIMESTAMP))"
        utc = null
    else:
        return None, null, null
    text = f"CASE WHEN NOT ({us} BETWEEN {MIN_US} AND {MAX_US - 1}) THEN CAST({ts} AS VARCHAR) END"
    return text, local, utc


def raw_select(
    f: InputFile,
    schema: list[tuple[str, str]],
    columns: Columns,
    wcols: list[str],
    segment: str | None,
    named: Mapping[str, str] | None = None,
) -> str:
    """The ``jm_raw`` rows of one file (DuckDB dialect); ``named``: more columns -> their setting."""
    names = [c for c, _ in schema]
    types = dict(schema)
    require(f, names, list((named or {}).items()))
    require_columns(f, names, columns, segment, wcols)

    def text(col: str) -> str:
        inside = nested(col, names)
        if inside is not None:  # a field of a struct, or of JSON text: its value as text
            head, keys = inside
            path = lit("$" + "".join(f'."{k}"' for k in keys))
            kind = types[head].upper()
            if kind in ("VARCHAR", "JSON"):
                h = ident(head)
                record = f"json_extract_string({h}, {path})"
                if len(keys) == 1:  # JSON text may hold a list of key/value records too
                    record = f"CASE WHEN json_type({h}) = 'ARRAY' THEN {_keyed(h, keys[0])} ELSE {record} END"
                return f"CASE WHEN json_valid({h}) THEN {record} END"
            if kind.endswith("[]") and len(keys) == 1:  # a list of key/value records (GA4)
                return _keyed(f"to_json({ident(head)})", keys[0])
            return f"json_extract_string(to_json({ident(head)}), {path})"
        if types[col].upper() == "JSON":  # mixed JSON types: strings unquoted, numbers as written
            return f"json_extract_string({ident(col)}, '$')"
        return f"CAST({ident(col)} AS VARCHAR)"

    ts_text, local, utc = _timestamp(
        ident(columns.timestamp), types.get(columns.timestamp, "VARCHAR").upper()
    )
    if ts_text is None:
        ts_text = text(columns.timestamp)
    seg = f"COALESCE('v' || {text(segment)}, 'n')" if segment else "'v'"
    sess = text(columns.session) if columns.session else "CAST(NULL AS VARCHAR)"
    row = "file_row_number" if f.format == "parquet" else "jm_rn"
    ws = "".join(f", {text(c)} AS jm_w{i}" for i, c in enumerate(wcols))
    null = "CAST(NULL AS VARCHAR)"

    def maybe(col: str, optional: bool = True) -> str:  # an optional column a file lacks is NULL
        found = not optional or col in names or nested(col, names) is not None
        return text(col) if found else null

    for col, alias, optional in extra_columns(columns):
        ws += f", {maybe(col, optional)} AS {alias}"
    uid, event = base_aliases(columns)
    src = _scan(f)
    if f.format != "parquet":
        src = f"(SELECT *, row_number() OVER () AS jm_rn FROM {src})"
    return (
        f"SELECT {seg} AS jm_seg, {f.rank} AS jm_file, CAST({row} AS BIGINT) AS jm_row, "
        f"{maybe(columns.customer, columns.ids_optional)} AS {uid}, "
        f"{maybe(columns.event, columns.naming is not None)} AS {event}, {sess} AS jm_sess, "
        f"{ts_text} AS jm_ts_text, {local} AS jm_ts_local_us, {utc} AS jm_ts_utc_us{ws} FROM {src}"
    )


def _keyed(records: str, key: str) -> str:
    """The value of the record whose ``key`` is ``key`` in a JSON list (``inputs.TYPED_VALUES``)."""
    found = (
        f"list_filter(json_extract({records}, '$[*]'), "
        f"lambda r: json_extract_string(r, '$.key') = {lit(key)})[1]"
    )
    values = [f"json_extract_string({found}, {lit('$.value.' + t)})" for t in TYPED_VALUES]
    value = f"CASE WHEN json_type({found}, '$.value') <> 'OBJECT' THEN json_extract_string({found}, '$.value') END"
    return f"COALESCE({', '.join(values)}, {value})"


_OPEN: weakref.WeakSet[DuckEngine] = weakref.WeakSet()
"""The engines open now, for :func:`interrupt_queries`."""


def interrupt_queries() -> None:
    """Stop the query every open engine runs (from any thread: Ctrl-C or SIGTERM reach the
    main thread only once DuckDB returns, so ``cli/interrupts.py`` calls this from a watcher)."""
    for engine in list(_OPEN):
        engine.con.interrupt()


class DuckEngine:
    """Runs the pipeline statements on an in-process DuckDB database."""

    def __init__(self, resources: Resources | None = None, threads: int | None = None) -> None:
        import duckdb

        res = resources or Resources()
        self._tmp = tempfile.TemporaryDirectory(prefix="journeymap-duckdb-", dir=res.temp_dir)
        self.memory_bytes = res.memory_limit if res.memory_limit is not None else _default_memory()
        """DuckDB's memory limit in bytes (the numpy pass in buckets takes its arrays' share)."""
        # no statement's result depends on the order rows are stored in (every query that
        # quotes rows orders them), so DuckDB may write and spill in any order
        self.con = duckdb.connect(
            config={
                "temp_directory": self._tmp.name,
                "preserve_insertion_order": False,
                "memory_limit": f"{self.memory_bytes}B",
            }
        )
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        _OPEN.add(self)

    def close(self) -> None:
        _OPEN.discard(self)
        self.con.close()
        self._tmp.cleanup()

    identity: IdentityFigures | None = None
    """What stitching did (after ``load`` with identity columns)."""
    text_timestamps = True
    """Whether a file's timestamp column is text (after ``load``): only then can a row read an
    epoch number, whose unit the ``epoch_units`` check tests."""
    _files: Sequence[InputFile] = ()
    parsed_table = False
    """Whether ``jm_parsed`` is made a table (after ``load``): when a file is text (CSV, JSON),
    whose every read parses it again, so the parsed rows are kept once instead of being read
    and parsed by each statement over them (1M-row CSV: 3.7 against 9.6 CPU seconds); Parquet
    reads only the columns a statement needs, and a table would only cost memory."""

    def _failure(self, exc: Exception) -> UsageError:
        """A DuckDB error as the user's: a CSV one at its file and line (``csv_errors``)."""
        if is_csv_error(str(exc)):
            return csv_error(self._files, str(exc))
        return UsageError(f"cannot read the event log: {str(exc).splitlines()[0]}")

    def load(
        self,
        files: list[InputFile],
        columns: Columns,
        wcols: list[str],
        segment: str | None,
        named: Mapping[str, str] | None = None,
        *,
        dense: bool = True,
        dictionary: bool = True,
    ) -> None:
        """Read ``files`` into ``jm_raw``; ``dense``: with the integer keys of
        ``layers.id_relations`` (the pipeline's sorts and tables), else the strings as keys (a
        command that never sorts by customer, such as ``cohorts``, saves building and joining
        the dictionaries on every read); ``dictionary=False`` with ``dense=False``: no event
        dictionary ``jm_evs`` either (``layers.make_raw``)."""
        self._files = files
        schemas = [_describe(self.con, f) for f in files]
        selects = [
            raw_select(f, schema, columns, wcols, segment, named)
            for f, schema in zip(files, schemas, strict=True)
        ]
        kinds = [dict(schema).get(columns.timestamp, "VARCHAR").upper() for schema in schemas]
        self.parsed_table = any(f.format != "parquet" for f in files)
        self.text_timestamps = any(_timestamp("t", kind)[0] is None for kind in kinds)
        self.identity = make_raw(
            self, "\nUNION ALL\n".join(selects), columns, dense=dense, dictionary=dictionary
        )

    def relation(self, name: str, sql: str, *, keep: bool = False) -> None:
        self._sql(f"CREATE TEMP {'TABLE' if keep else 'VIEW'} {name} AS {sql}")

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = self._sql(sql).fetchall()
        return found

    def persons(self, persons: dict[str, str]) -> None:
        self.con.execute(
            "CREATE TEMP TABLE jm_persons AS SELECT unnest(CAST($1 AS VARCHAR[])) AS jm_id, "
            "unnest(CAST($2 AS VARCHAR[])) AS jm_person",
            [list(persons), list(persons.values())],
        )

    def _sql(self, sql: str) -> Any:
        import duckdb

        try:
            return self.con.execute(sql)
        except duckdb.Error as exc:
            raise self._failure(exc) from None

    def macros(self, tz: str) -> None:
        """The two macros that stand for the dialect-specific parts of the statements (which
        are DuckDB SQL already: no transpiling here, which saves sqlglot's time on every ingest)."""
        to_utc = "x" if tz == "UTC" else f"epoch_us(timezone({lit(tz)}, make_timestamp(x)))"
        self.con.execute(f"CREATE OR REPLACE TEMP MACRO JM_LOCAL_TO_UTC(x) AS {to_utc}")
        self.con.execute("CREATE OR REPLACE TEMP MACRO JM_LOWER_MEDIAN(x) AS quantile_disc(x, 0.5)")

    arms: ArmsPlan | None = None
    """The experiment's arms, assigned in the numpy pass (set by ``experiment_arms``' prepare
    step, which then leaves ``jm_assign`` for the pass to register)."""
    numpy_pass = True
    """Whether ``run`` with a plan computes ``jm_events`` and ``jm_visits`` in numpy
    (``events/ordered_duck.py``); the tests set it False to run the SQL of
    ``events/ordered.py`` on the same engine and compare."""

    def run(
        self,
        stmts: dict[str, str],
        progress: Progress | None = None,
        plan: OrderedPlan | None = None,
    ) -> dict[str, list[tuple[Any, ...]]]:
        """The pipeline and its result rows; with ``plan`` (and :attr:`numpy_pass`) the
        ordered pass runs in numpy over the sorted rows instead of the window statements."""
        import duckdb

        out: dict[str, list[tuple[Any, ...]]] = {}
        try:
            self.macros(stmts.get("__timezone__", "UTC"))
            stages = {"jm_events": self._reading(), "jm_visits": "journeys, visits, conversions"}
            for name in RELATIONS:
                kind = "VIEW" if name == "jm_parsed" and not self.parsed_table else "TABLE"
                if progress and name in stages:
                    progress(stages[name])
                if name == "jm_events" and plan is not None and self.numpy_pass:
                    from journeymap.events.ordered_duck import run_ordered

                    if SEGMENTS_KEY in stmts:
                        plan = replace(plan, segment_names=stmts[SEGMENTS_KEY])
                    plan = replace(plan, arms=self.arms)
                    found = run_ordered(
                        self.con,
                        plan,
                        progress,
                        rows_read=self.rows_read(),
                        memory=self.memory_bytes,
                    )
                    if found is not None:
                        out.update(found)
                        break
                    if self.arms is not None:  # jm_assign would stay empty
                        raise RuntimeError("the numpy pass did not assign the arms")
                self.con.execute(f"CREATE TEMP {kind} {name} AS {stmts[name]}")
            if progress:
                progress("counting")
            for name in RESULTS:
                if name not in out:
                    out[name] = self.con.execute(stmts[name]).fetchall()
            out.update(self.checks(stmts, out["stats_rows"]))
        except duckdb.Error as exc:
            raise self._failure(exc) from None
        return out

    def checks(
        self, stmts: dict[str, str], stats_rows: list[tuple[Any, ...]]
    ) -> dict[str, list[tuple[Any, ...]]]:
        """The ``CHECKS`` queries, each skipped when its answer is known to be no rows: the
        first unusable rows when ``stats_rows`` counts none, the epoch units when no file's
        timestamp column is text (each is another scan of the parsed rows)."""
        needed = {
            "epoch_units": self.text_timestamps,
            "first_bad": any(int(r[2] or 0) for r in stats_rows),
        }
        return {
            name: self.con.execute(stmts[name]).fetchall() if needed[name] else []
            for name in CHECKS
        }

    def _reading(self) -> str:
        """The first stage line: the rows read when the files say (Parquet's metadata)."""
        n = self._parquet_rows()
        if n is None:
            return "reading the rows, sorting them by customer and time"
        return f"reading {n:,} rows, sorting them by customer and time"

    def _parquet_rows(self) -> int | None:
        """The rows of the files when they are all Parquet (their metadata), else None."""
        if not self._files or any(f.format != "parquet" for f in self._files):
            return None
        paths = ", ".join(lit(f.path) for f in self._files)
        [(n,)] = self.con.execute(
            f"SELECT SUM(num_rows) FROM parquet_file_metadata([{paths}])"
        ).fetchall()
        return int(n or 0)

    def rows_read(self) -> int:
        """The rows of the log (after ``load`` and ``jm_parsed``): Parquet's metadata, else
        a count of ``jm_parsed``, a table for text files (:attr:`parsed_table`)."""
        n = self._parquet_rows()
        if n is None:
            [(n,)] = self.con.execute("SELECT COUNT(*) FROM jm_parsed").fetchall()
        return int(n or 0)

    def run_more(self, stmts: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
        """More statements after :meth:`run` (``jm_*`` become tables, the others are queries)."""
        import duckdb

        out: dict[str, list[tuple[Any, ...]]] = {}
        try:
            for name, sql in stmts.items():
                if name.startswith("jm_"):
                    self.con.execute(f"CREATE TEMP TABLE {name} AS {sql}")
                else:
                    out[name] = self.con.execute(sql).fetchall()
        except duckdb.Error as exc:
            raise self._failure(exc) from None
        return out


def _default_memory() -> int:
    """DuckDB's memory limit in bytes: at most 3 GiB (it spills to a temporary folder beyond
    that)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 3 * 10**9
    return max(256, min(3 * 1024, int(total * 0.6) // 2**20)) * 10**6  # DuckDB: MB = 10^6 B
