"""Run the counting pipeline on an engine: DuckDB by default, Spark optional.

The statements are ``sql.statements`` (one set for every engine); :func:`run_pipeline` loads
the files, runs them and returns the result rows by query name, with those of an
:class:`~journeymap.events.extra.Extra` run after them on the same engine.
"""

from __future__ import annotations

from typing import Any

from journeymap.events.extra import Extra
from journeymap.events.identity import IdentityFigures
from journeymap.events.inputs import InputFile
from journeymap.events.settings import Engine, IngestOptions, Progress, SettingError
from journeymap.events.sql import mapping_rules, statements, where_columns
from journeymap.model import JourneyMap


def run_pipeline(
    jm: JourneyMap,
    files: list[InputFile],
    opts: IngestOptions,
    goals: list[str],
    *,
    engine: Engine = "duckdb",
    progress: Progress | None = None,
    spark: Any = None,
    extra: Extra | None = None,
) -> tuple[dict[str, list[tuple[Any, ...]]], IdentityFigures | None]:
    """Run the statements on an engine: result rows by query name (with those of ``extra``),
    and what stitching did; ``extra.prepare`` runs between loading and the pipeline."""
    stmts = statements(jm, opts, goals)
    stmts["__timezone__"] = opts.timezone
    named = dict(extra.columns if extra else ())
    wcols = where_columns(mapping_rules(jm)) + list(named)
    if engine == "duckdb":
        from journeymap.events.duck import DuckEngine
        from journeymap.events.ordered_duck import ordered_plan

        duck = DuckEngine(opts.resources)
        try:
            if progress:
                progress(f"opening {len(files):,} file{'s' * (len(files) != 1)}")
            duck.load(files, opts.columns, wcols, opts.segment_by, named)
            if extra is not None and extra.prepare is not None:
                extra.prepare(duck, stmts)
            rows, identity = duck.run(stmts, progress, ordered_plan(jm, opts, goals)), duck.identity
            if extra is not None:
                rows.update(duck.run_more(extra.build(rows)))
        finally:
            duck.close()
    elif engine == "spark":
        from journeymap.events.spark import SparkEngine

        _duckdb_only(opts)
        eng = SparkEngine(spark)
        if progress:
            progress(f"reading {len(files)} file(s) on Spark")
        eng.load(files, opts.columns, wcols, opts.segment_by, named)
        if extra is not None and extra.prepare is not None:
            extra.prepare(eng, stmts)
        rows, identity = eng.run(stmts, progress), eng.identity
        if extra is not None:
            rows.update(eng.run_more(extra.build(rows), opts.timezone))
    else:
        raise SettingError(
            "engine", lambda s: f"{s}: unknown engine '{engine}'", hint="use duckdb or spark"
        )
    return rows, identity


def _duckdb_only(opts: IngestOptions) -> None:
    """Spark takes its memory and spill folder from its own configuration, not from the options."""
    res = opts.resources
    for setting, given in (("memory_limit", res.memory_limit), ("temp_dir", res.temp_dir)):
        if given is not None:
            raise SettingError(
                setting,
                lambda s: f"{s} applies to the duckdb engine; Spark does not read it",
                hint="size a Spark run with spark.driver.memory and spark.local.dir",
            )
