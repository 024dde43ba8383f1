"""The Spark engine (``--engine spark``, the ``spark`` extra): the same statements, transpiled.

Each file is read by Spark itself; a row's order key is the file's rank and
``monotonically_increasing_id()`` (increasing with the position in the file). The session runs
in UTC with ANSI mode off; the statements are the DuckDB ones transpiled by sqlglot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from journeymap.events.inputs import InputFile, nested, require, require_columns
from journeymap.events.settings import Columns, SettingError
from journeymap.events.sql import CHECKS, RELATIONS, RESULTS, transpile

Progress = Callable[[str], None]


def local_session(codegen: bool = True) -> Any:
    """A local Spark session for journeymap (2 cores, UTC, small shuffles, no UI).

    ``codegen=False`` turns off Spark's code generation: much faster on small logs (tests).
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
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
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
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.ansi.enabled", "false")


class SparkEngine:
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
        require_columns(
            f,
            names,
            columns.customer,
            columns.timestamp,
            columns.event,
            columns.session,
            segment,
            wcols,
        )

        def text(col: str) -> Any:
            inside = nested(col, names)
            if inside is not None:  # a field of a struct, or of JSON text: its value as text
                head, keys = inside
                path = "$" + "".join(f"['{k}']" for k in keys)
                value = F.col(f"`{head}`")
                if not isinstance(df.schema[head].dataType, T.StringType):
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
        seg = F.coalesce(F.concat(F.lit("v"), text(segment)), F.lit("n")) if segment else F.lit("v")
        cols = [
            seg.alias("jm_seg"),
            F.lit(f.rank).alias("jm_file"),
            F.monotonically_increasing_id().alias("jm_row"),
            text(columns.customer).alias("jm_uid"),
            text(columns.event).alias("jm_event"),
            (text(columns.session) if columns.session else F.lit(None).cast("string")).alias(
                "jm_sess"
            ),
            ts_text.alias("jm_ts_text"),
            local.alias("jm_ts_local_us"),
            utc.alias("jm_ts_utc_us"),
        ]
        cols += [text(c).alias(f"jm_w{i}") for i, c in enumerate(wcols)]
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
        raw.createOrReplaceTempView("jm_raw")

    def run(
        self, stmts: dict[str, str], progress: Progress | None = None
    ) -> dict[str, list[tuple[Any, ...]]]:
        tz = stmts.get("__timezone__", "UTC")
        cached = []
        for name in RELATIONS:
            if progress:
                progress(f"Spark: {name}")
            df = self.spark.sql(transpile(stmts[name], "spark", tz))
            df = df.cache()
            cached.append(df)
            df.createOrReplaceTempView(name)
        out: dict[str, list[tuple[Any, ...]]] = {}
        try:
            for name in (*RESULTS, *CHECKS):
                out[name] = [
                    tuple(r) for r in self.spark.sql(transpile(stmts[name], "spark", tz)).collect()
                ]
        finally:
            for df in cached:
                df.unpersist()
        return out

    def run_more(self, stmts: dict[str, str], tz: str) -> dict[str, list[tuple[Any, ...]]]:
        """More statements after :meth:`run` (``jm_*`` become views, the others are queries)."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        for name, sql in stmts.items():
            df = self.spark.sql(transpile(sql, "spark", tz))
            if name.startswith("jm_"):
                df.createOrReplaceTempView(name)
            else:
                out[name] = [tuple(r) for r in df.collect()]
        return out
