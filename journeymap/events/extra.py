"""Statements that run after the counting pipeline, on the same engine and its relations
(and a step before it).

``ingest`` adds the ordering and repeat customers this way, ``cohorts`` its whole query set:
``journeymap.events.engines.run_pipeline(extra=...)`` (and ``goal_events.run_counts``, for
``cohorts``) builds them from the pipeline's rows (the log's time range, say) and runs them
in order; a name starting with ``jm_`` is a relation kept for the statements after it, any
other a query whose rows join the result. ``prepare`` runs once the files are loaded, before
the pipeline: ``experiment --events`` creates the arm assignment there and rewrites
``jm_parsed`` over it (``journeymap.events.experiment_arms``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Rows = dict[str, list[tuple[Any, ...]]]
"""Result rows of the statements, by query name."""
Prepare = Callable[[Any, dict[str, str]], None]
"""Called with the engine (``DuckEngine`` or ``SparkEngine``) and the pipeline's statements by
name: it may create relations on the engine and rewrite statements in place."""


@dataclass(frozen=True)
class Extra:
    """More statements, built from the pipeline's rows (see the module docstring)."""

    build: Callable[[Rows], dict[str, str]]
    """The statements by name, in the order they run (DuckDB dialect; Spark transpiles them)."""
    columns: tuple[tuple[str, str], ...] = ()
    """More columns read into ``jm_raw``, as ``jm_w<n>`` after the columns the rules test:
    (column, the setting that names it, for the error when a file lacks it)."""
    prepare: Prepare | None = None
    """A step between loading the files and the pipeline (see the module docstring)."""
