"""The Spark engine (``--engine spark``, the ``spark`` extra): the same statements, transpiled.

Each file is read by Spark itself; a row's order key is the file's rank and
``monotonically_increasing_id()`` (increasing with the position in the file). The session runs
in UTC with ANSI mode off; the statements are the DuckDB ones transpiled by sqlglot.

**One row shuffle** (issue 14): the parsed rows are hash-partitioned by the customer key alone
(``jm_cid``, :data:`CUSTOMER_KEY`; on Spark the customer id itself, ``layers.id_relations``)
before they are cached. Spark's ``HashPartitioning(jm_cid)`` satisfies the
``ClusteredDistribution`` of every operator whose keys include ``jm_cid`` (the dedup
aggregate's ``(jm_cid, jm_ts, jm_eid)``, the windows' ``(jm_cid[, jm_seg][, jm_sess_no])``, the
first step of each ``COUNT(DISTINCT jm_cid)``), so those add no Exchange: the only exchanges
over row-sized data are that one; the others carry partial aggregates per (segment,
touchpoint[, next]). The key must be the column the statements use: ``jm_uid`` (of which
``jm_cid`` is an alias on Spark) left a second shuffle, since the alias is a new attribute of
the cached rows. Partitioning by ``(jm_seg, jm_cid)`` does not work: with no segment column
``jm_seg`` is a constant, folded out of the keys, which then no longer contain both.

Adaptive query execution is off (:func:`configure`): with it on, a cached relation's plan is
adaptive and reports no partitioning, so each reader of a cache shuffles its rows again
(measured at 5M events: three row shuffles ran instead of one). Its gains do not apply here:
partition counts are chosen (below), and the one join is with one row per segment, broadcast by
a hint (:func:`broadcast_segments`), which AQE would only have found after shuffling the rows
for a sort-merge join.

The shuffle partitions of :func:`local_session` are :data:`LOCAL_PARTITIONS`, four a core:
with adaptive execution off nothing coalesces or splits them, and a partition's sort takes
about ten times its shuffled bytes: at 5M events in the default 1 GB driver, two partitions
(one a core) spilled 2.8 GB from memory and 323 MB to disk, eight spilled nothing, for the same
CPU seconds (``benchmarks/profile_spark.py``). On a cluster the session's own
``spark.sql.shuffle.partitions`` is kept: size it to about 128 MB of shuffled rows a partition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journeymap.events.identity import IdentityFigures
from journeymap.events.inputs import TYPED_VALUES, InputFile, nested, require, require_columns
from journeymap.events.layers import base_aliases, extra_columns, make_raw
from journeymap.events.settings import Columns, Progress, SettingError
from journeymap.events.sql import CHECKS, RELATIONS, RESULTS, transpile

CUSTOMER_KEY = "jm_cid"
"""The column the parsed rows are partitioned by (the one row shuffle)."""
SEGMENT_KEY = "jm_seg"
DICTIONARY = "jm_evs"
"""The event dictionary (``layers.id_relations``), broadcast wherever it is joined."""
LOCAL_PARTITIONS = 8
"""Shuffle partitions of the local session (``local[2]``): four a core (module docstring)."""


def local_session(codegen: bool = True, ui: bool = False) -> Any:
    """A local Spark session for journeymap (2 cores, UTC, four shuffle partitions a core, no UI).

    ``codegen=False`` turns off Spark's code generation: much faster on small logs (tests);
    ``ui=True`` starts the Spark UI and its REST API (``benchmarks/profile_spark.py``).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SettingError(
            "engine",
            lambda s: f"{s} spark needs pyspark",
            hint="pip install 'journeymap[spark]' (and a Java runtime)",
        ) from None
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("journeymap")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.ui.enabled", "true" if ui else "false")
        .config("spark.sql.shuffle.partitions", str(LOCAL_PARTITIONS))
        .config("spark.ui.showConsoleProgress", "false")
    )
    if not codegen:
        builder = (
            builder.config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.default.parallelism", "1")
        )
    return builder.getOrCreate()


def configure(spark: Any) -> None:
    """The session settings the statements rely on: UTC, ANSI off, no adaptive execution
    (the one row shuffle reaches past the cached relations only without it, module docstring)."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.ansi.enabled", "false")
    spark.conf.set("spark.sql.adaptive.enabled", "false")


def broadcast_segments(sql: str) -> str:
    """Spark SQL ``sql`` with a ``BROADCAST`` hint on each joined subquery grouped by the segment alone.

    Such a side has one row per segment (the log's end in ``jm_visits``); a side that reads only
    the event dictionary ``jm_evs`` is hinted too (:func:`_dictionary`). Spark estimates an
    aggregate's size from its input, so above ``spark.sql.autoBroadcastJoinThreshold`` (10 MB,
    a Parquet log of about 1M events) it plans a sort-merge join and shuffles every visit by
    segment: a second row shuffle, all of a segment's rows in one task. The hint keeps the rows
    where the customer partitioning put them.

    >>> end = "(SELECT jm_seg, MAX(t) AS m FROM w GROUP BY jm_seg) AS e ON v.jm_seg = e.jm_seg"
    >>> broadcast_segments(f"SELECT v.a FROM v JOIN {end}") == f"SELECT /*+ BROADCAST(e) */ v.a FROM v JOIN {end}"
    True
    >>> per_customer = "(SELECT jm_seg, jm_uid FROM w GROUP BY jm_seg, jm_uid) AS c ON v.jm_uid = c.jm_uid"
    >>> broadcast_segments(f"SELECT v.a FROM v JOIN {per_customer}")  # row-sized: unchanged
    'SELECT v.a FROM v JOIN (SELECT jm_seg, jm_uid FROM w GROUP BY jm_seg, jm_uid) AS c ON v.jm_uid = c.jm_uid'
    """
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="spark")
    hinted = False
    for select in tree.find_all(exp.Select):
        names = []
        for join in select.args.get("joins") or []:
            side = join.this
            group = side.this.args.get("group") if isinstance(side, exp.Subquery) else None
            keys = group.expressions if group is not None else []
            by_segment = len(keys) == 1 and isinstance(keys[0], exp.Column)
            if (side.alias and by_segment and keys[0].name == SEGMENT_KEY) or _dictionary(side):
                names.append(exp.Table(this=exp.to_identifier(side.alias_or_name)))
        if names:
            select.set(
                "hint", exp.Hint(expressions=[exp.JoinHint(this="BROADCAST", expressions=names)])
            )
            hinted = True
    return tree.sql(dialect="spark") if hinted else sql


def _dictionary(side: Any) -> bool:
    """Whether a join's side reads only the event dictionary ``jm_evs`` (one row per event
    name): the mapping of the names joined to the deduplicated rows, the names of the unmapped
    events. Spark estimates a cached relation's size from its input, so without the hint it may
    plan a sort-merge join and shuffle the rows by event: a second row shuffle."""
    from sqlglot import exp

    if isinstance(side, exp.Subquery):
        side = side.this
        tables = list(side.find_all(exp.Table)) if isinstance(side, exp.Select) else []
        return bool(tables) and all(t.name == DICTIONARY for t in tables)
    return isinstance(side, exp.Table) and side.name == DICTIONARY


def keyed(records: Any, kind: Any, key: str) -> Any:
    """The value of the record whose ``key`` is ``key`` in a list of records (``inputs.TYPED_VALUES``)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    found = F.filter(records, lambda r: r["key"] == F.lit(key)).getItem(0)["value"]
    elem = kind.elementType
    names = elem.fieldNames() if isinstance(elem, T.StructType) else []
    if "value" in names and isinstance(elem["value"].dataType, T.StructType):
        as_json = F.to_json(found)
        return F.coalesce(*(F.get_json_object(as_json, f"$.{t}") for t in TYPED_VALUES))
    return found.cast("string")


class SparkEngine:
    identity: IdentityFigures | None = None
    """What stitching did (after ``load`` with identity columns)."""

    def __init__(self, spark: Any = None) -> None:
        self.spark = spark if spark is not None else local_session()
        self.spark.sparkContext.setLogLevel("ERROR")
        configure(self.spark)

    def _read(self, f: InputFile) -> Any:
        reader = self.spark.read
        if f.format in ("csv", "tsv"):
            return (
                reader.option("header", True)
                .option("quote", '"')
                .option("escape", '"')
                .option("sep", "\t" if f.format == "tsv" else ",")
                .csv(f.path)
            )
        if f.format == "json":
            return reader.option("primitivesAsString", True).json(f.path)
        return reader.parquet(f.path)

    def _raw(
        self,
        f: InputFile,
        columns: Columns,
        wcols: list[str],
        segment: str | None,
        named: Mapping[str, str] | None = None,
    ) -> Any:
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        df = self._read(f)
        names = list(df.columns)
        require(f, names, list((named or {}).items()))
        require_columns(f, names, columns, segment, wcols)

        def text(col: str) -> Any:
            inside = nested(col, names)
            if inside is not None:  # a field of a struct, or of JSON text: its value as text
                head, keys = inside
                path = "$" + "".join(f"['{k}']" for k in keys)
                value = F.col(f"`{head}`")
                kind = df.schema[head].dataType
                if isinstance(kind, T.ArrayType) and len(keys) == 1:  # key/value records (GA4)
                    return keyed(value, kind, keys[0])
                if not isinstance(kind, T.StringType):
                    value = F.to_json(value)
                return F.get_json_object(value, path)
            return F.col(f"`{col}`").cast("string")

        ts_field = (
            df.schema[columns.timestamp].dataType if columns.timestamp in names else T.StringType()
        )
        null_long = F.lit(None).cast("long")
        ts_text, local, utc = F.lit(None).cast("string"), null_long, null_long
        if isinstance(ts_field, T.TimestampType):
            utc = F.unix_micros(F.col(f"`{columns.timestamp}`"))
        elif isinstance(ts_field, (T.TimestampNTZType, T.DateType)):
            local = F.unix_micros(F.col(f"`{columns.timestamp}`").cast("timestamp"))
        else:
            ts_text = text(columns.timestamp)

        def has(col: str) -> bool:
            return col in names or nested(col, names) is not None

        null_text = F.lit(None).cast("string")
        uid, event = base_aliases(columns)
        seg = F.coalesce(F.concat(F.lit("v"), text(segment)), F.lit("n")) if segment else F.lit("v")
        cols = [
            seg.alias("jm_seg"),
            F.lit(f.rank).alias("jm_file"),
            F.monotonically_increasing_id().alias("jm_row"),
            (text(columns.customer) if has(columns.customer) else null_text).alias(uid),
            (text(columns.event) if has(columns.event) else null_text).alias(event),
            (text(columns.session) if columns.session else F.lit(None).cast("string")).alias(
                "jm_sess"
            ),
            ts_text.alias("jm_ts_text"),
            local.alias("jm_ts_local_us"),
            utc.alias("jm_ts_utc_us"),
        ]
        cols += [text(c).alias(f"jm_w{i}") for i, c in enumerate(wcols)]
        for col, alias, optional in extra_columns(columns):
            cols.append((text(col) if not optional or has(col) else null_text).alias(alias))
        return df.select(*cols)

    def load(
        self,
        files: list[InputFile],
        columns: Columns,
        wcols: list[str],
        segment: str | None,
        named: Mapping[str, str] | None = None,
    ) -> None:
        frames = [self._raw(f, columns, wcols, segment, named) for f in files]
        raw = frames[0]
        for other in frames[1:]:
            raw = raw.unionByName(other)
        raw.createOrReplaceTempView("jm_raw_rows")
        self.identity = make_raw(self, "SELECT * FROM jm_raw_rows", columns)

    def _sql(self, sql: str, tz: str) -> Any:
        """The DataFrame of one statement (DuckDB dialect) on this session."""
        return self.spark.sql(broadcast_segments(transpile(sql, "spark", tz)))

    def relation(self, name: str, sql: str, *, keep: bool = False) -> None:
        df = self._sql(sql, "UTC")
        (df.cache() if keep else df).createOrReplaceTempView(name)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._sql(sql, "UTC").collect()]

    def persons(self, persons: dict[str, str]) -> None:
        table = self.spark.createDataFrame(list(persons.items()), "jm_id string, jm_person string")
        table.createOrReplaceTempView("jm_persons")

    def _relations(self, stmts: dict[str, str], progress: Progress | None) -> list[Any]:
        """Create the pipeline's relations as cached views (lazy: nothing runs yet)."""
        tz = stmts.get("__timezone__", "UTC")
        cached = []
        for name in RELATIONS:
            if progress:
                progress(f"Spark: {name}")
            df = self._sql(stmts[name], tz)
            if name == "jm_parsed":  # the one row shuffle (module docstring)
                df = df.repartition(CUSTOMER_KEY)
            df = df.cache()
            cached.append(df)
            df.createOrReplaceTempView(name)
        return cached

    def run(
        self, stmts: dict[str, str], progress: Progress | None = None
    ) -> dict[str, list[tuple[Any, ...]]]:
        tz = stmts.get("__timezone__", "UTC")
        cached = self._relations(stmts, progress)
        out: dict[str, list[tuple[Any, ...]]] = {}
        try:
            for name in (*RESULTS, *CHECKS):
                out[name] = [tuple(r) for r in self._sql(stmts[name], tz).collect()]
        finally:
            for df in cached:
                df.unpersist()
        return out

    def plans(self, stmts: dict[str, str]) -> dict[str, str]:
        """The physical plan of each query :meth:`run` collects, by name, without running it.

        Each plan holds those of the cached relations it reads (``InMemoryRelation``), so the
        plans together show every Exchange of the pipeline (an Exchange's ``plan_id`` is the
        same wherever its cached relation appears).
        """
        tz = stmts.get("__timezone__", "UTC")
        cached = self._relations(stmts, None)
        try:
            return {
                name: str(self._sql(stmts[name], tz)._jdf.queryExecution().executedPlan())
                for name in (*RESULTS, *CHECKS)
            }
        finally:
            for df in cached:
                df.unpersist()

    def run_more(self, stmts: dict[str, str], tz: str) -> dict[str, list[tuple[Any, ...]]]:
        """More statements after :meth:`run` (``jm_*`` become views, the others are queries)."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        for name, sql in stmts.items():
            df = self._sql(sql, tz)
            if name.startswith("jm_"):
                df.createOrReplaceTempView(name)
            else:
                out[name] = [tuple(r) for r in df.collect()]
        return out
