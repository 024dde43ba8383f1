"""``ingest``: an event log -> one overlay per segment (design section 5, step by step).

>>> import tempfile, pathlib
>>> from journeymap.model import JourneyMap, Overlay, OverlayTouchpoint
>>> m = JourneyMap.model_validate({"journeymap": 1, "id": "shop", "title": "Shop", "stages": [
...     {"id": "s", "name": "S", "touchpoints": [
...         {"id": "home", "name": "Home", "next": ["cart"]},
...         {"id": "cart", "name": "Cart", "next": ["paid"]},
...         {"id": "paid", "name": "Paid", "goal": True}]}]})
>>> log = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
>>> _ = log.write_text("user_id,timestamp,event\\n"
...     "a,2026-01-01T10:00:00Z,home\\na,2026-01-01T10:01:00Z,cart\\na,2026-01-01T10:02:00Z,paid\\n"
...     "b,2026-03-01T10:00:00Z,home\\n")
>>> [r] = ingest(m, [str(log)])
>>> home = r.overlay.touchpoints["home"]
>>> home.entries, home.visits, home.next, home.exits, home.in_progress, home.median_seconds_to_next
(2, 2, {'cart': 1}, 0, 1, {'cart': 60})
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from journeymap.events.censoring import Censoring
from journeymap.events.conversion_time import time_to_convert
from journeymap.events.extra import Extra, Rows
from journeymap.events.identity import IdentityFigures
from journeymap.events.inputs import InputFile, log_files
from journeymap.events.layers import provenance
from journeymap.events.orders import goal_customers_sql, ordering_of
from journeymap.events.rows import check_rows
from journeymap.events.settings import Engine, IngestOptions, SettingError, format_duration
from journeymap.events.sql import goal_events_of, mapping_rules, statements, where_columns
from journeymap.model import JourneyMap, Overlay, OverlayTouchpoint

Progress = Callable[[str], None]


@dataclass
class Totals:
    rows: int = 0
    bad_rows: int = 0
    bad_customer: int = 0
    bad_timestamp: int = 0
    bad_event: int = 0
    events: int = 0
    mapped: int = 0
    customers: int = 0
    start_us: int | None = None
    end_us: int | None = None
    identity_calls: int | None = None
    """Rows that only link ids (Segment's identify); None when the columns name no call kinds."""

    @property
    def duplicates(self) -> int:
        return self.rows - self.bad_rows - self.events - (self.identity_calls or 0)

    @property
    def left_out(self) -> dict[str, int]:
        """Rows left out by reason (``journeymap.events.rows``): ``rows == mapped + sum(left_out)``."""
        calls = {} if self.identity_calls is None else {"identity": self.identity_calls}
        return {
            **calls,
            "no_customer": self.bad_customer,
            "bad_timestamp": self.bad_timestamp,
            "no_event": self.bad_event,
            "duplicate": self.duplicates,
            "unmapped": self.events - self.mapped,
        }


@dataclass(frozen=True)
class IngestResult:
    """One overlay (validated by the model) and the figures behind it."""

    overlay: Overlay
    totals: Totals
    files: tuple[str, ...]
    """The files read, in the order of their rank (sorted paths)."""
    segment_key: str | None = None
    """The segment value (None without a segment column)."""
    segment_null: bool = False
    unmapped: dict[str, int] = field(default_factory=dict)
    censoring: Censoring | None = None
    """None for a log without events."""
    identity: IdentityFigures | None = None
    """What identity stitching did (None without identity columns)."""


def ingest(
    jm: JourneyMap,
    paths: list[str] | tuple[str, ...],
    options: IngestOptions | None = None,
    *,
    engine: Engine = "duckdb",
    progress: Progress | None = None,
    spark: Any = None,
) -> list[IngestResult]:
    """Count an event log onto a map: one :class:`IngestResult` per segment (one without --segment-by).

    ``spark`` is an existing SparkSession for ``engine="spark"`` (a local one is started otherwise).
    """
    opts = options or IngestOptions()
    opts.validate()
    goals = jm.select_goals(opts.goal)
    customers = opts.journey == "customer"  # ordering and repeat customers (events/orders.py)
    events = goal_events_of(jm, goals)
    extra = (
        Extra(lambda _: {"goal_customers": goal_customers_sql(goals, events=events)})
        if customers
        else None
    )
    with log_files(paths) as files:
        rows, identity = run_pipeline(
            jm, files, opts, goals, engine=engine, progress=progress, spark=spark, extra=extra
        )
        results = build_results(jm, files, opts, goals, rows, identity)
        left_out: dict[str, int] = defaultdict(int)
        for r in results:
            for reason, n in r.totals.left_out.items():
                left_out[reason] += n
        check_rows(files, opts, rows, left_out, sum(r.totals.rows for r in results), engine)
    return results


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


# ----------------------------------------------------------------------------- overlays


def iso_utc(us: int) -> str:
    """Epoch microseconds as ISO 8601 UTC text (fraction only when there is one).

    >>> iso_utc(0), iso_utc(1_500_000)
    ('1970-01-01T00:00:00Z', '1970-01-01T00:00:01.500000Z')
    """
    t = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=us)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        text += f".{t.microsecond:06d}"
    return text + "Z"


def settings_of(
    files: list[InputFile],
    opts: IngestOptions,
    goals: list[str],
    identity: IdentityFigures | None = None,
) -> dict[str, Any]:
    """Every setting used, so the overlay can be reproduced (no engine: engines agree)."""
    cols = opts.columns
    return {
        "source": "events",
        "files": [f.shown for f in files],
        "columns": {
            "customer": cols.customer,
            "timestamp": cols.timestamp,
            "event": cols.event,
            "session": cols.session,
        },
        "timezone": opts.timezone,
        "timestamp_unit": opts.timestamp_unit or "from magnitude",
        "strict": opts.strict,
        "max_bad_rows": str(opts.max_bad_rows),
        "dedup": "exact (customer, timestamp, event)",
        "sessions": f"column {cols.session}"
        if cols.session
        else f"gap > {format_duration(opts.session_timeout)}",
        "session_timeout": format_duration(opts.session_timeout),
        "journey": opts.journey,
        "lost_after": format_duration(opts.effective_lost_after),
        "goals": goals,
        "conversion_window": None
        if opts.conversion_window is None
        else format_duration(opts.conversion_window),
        "segment_by": opts.segment_by,
        "order": "timestamp, file rank (sorted paths), row number",
        "median": "lower median, whole seconds",
        **provenance(opts, identity),
    }


def totals_of(rows: Rows) -> dict[str, Totals]:
    """The rows read, left out and counted per segment (``stats_rows``, ``stats_events``)."""
    totals: dict[str, Totals] = defaultdict(Totals)
    for seg, n, bad, bu, bt, be, *calls in rows["stats_rows"]:
        t = totals[seg]
        t.identity_calls = int(calls[0] or 0) if calls else None
        t.rows, t.bad_rows, t.bad_customer, t.bad_timestamp, t.bad_event = (
            int(n),
            int(bad or 0),
            int(bu or 0),
            int(bt or 0),
            int(be or 0),
        )
    for seg, n, mapped, lo, hi, customers in rows["stats_events"]:
        t = totals[seg]
        t.events, t.mapped, t.customers = int(n), int(mapped or 0), int(customers)
        t.start_us, t.end_us = int(lo), int(hi)
    return totals


def build_results(
    jm: JourneyMap,
    files: list[InputFile],
    opts: IngestOptions,
    goals: list[str],
    rows: dict[str, list[tuple[Any, ...]]],
    identity: IdentityFigures | None = None,
) -> list[IngestResult]:
    """Engine rows -> overlays (the same code for every engine, so the bytes agree)."""
    totals = totals_of(rows)
    unmapped: dict[str, dict[str, int]] = defaultdict(dict)
    for seg, event, n in rows["unmapped"]:
        unmapped[seg][str(event)] = int(n)
    tps: dict[str, dict[str, tuple[Any, ...]]] = defaultdict(dict)
    for seg, tp, *nums in rows["touchpoints"]:
        tps[seg][tp] = tuple(int(x or 0) for x in nums)
    edges: dict[str, dict[str, list[tuple[str, int, int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for seg, tp, nxt, n, ret, med in rows["transitions"]:
        edges[seg][tp].append((str(nxt), int(n), int(ret or 0), int(med)))
    ordering = ordering_of(rows["goal_customers"]) if "goal_customers" in rows else None
    if not totals:
        totals["v"] = Totals()
    settings = settings_of(files, opts, goals, identity)
    times = time_to_convert(rows["time_to_convert"])
    out = []
    for seg in sorted(totals):
        t = totals[seg]
        touchpoints: dict[str, OverlayTouchpoint] = {}
        for _, tp in jm.iter_touchpoints():
            entries, visits, customers, exits, in_progress, conv, late = tps[seg].get(
                tp.id, (0,) * 7
            )
            es = sorted(edges[seg].get(tp.id, []))
            late_field = {} if opts.conversion_window is None else {"late_conversions": late}
            touchpoints[tp.id] = OverlayTouchpoint(
                entries=entries,
                visits=visits,
                customers=customers,
                next={n: c for n, c, _, _ in es},
                exits=exits,
                in_progress=in_progress,
                unknown=0,
                conversions=conv,
                returns={n: r for n, _, r, _ in es if r},
                median_seconds_to_next={n: m for n, _, _, m in es},
                **late_field,
            )
        doc: dict[str, Any] = {"journeymap-data": 1, "map": jm.id}
        if t.start_us is not None and t.end_us is not None:
            start, end = iso_utc(t.start_us), iso_utc(t.end_us)
            doc["period"] = {"start": start[:10], "end": end[:10]}
        seg_value = None if seg == "n" else seg[1:]
        if opts.segment_by is not None:
            doc["segment"] = {opts.segment_by: seg_value}
        censoring = None
        if t.start_us is not None and t.end_us is not None:
            censoring = Censoring(
                (t.end_us - t.start_us) // 1_000_000,
                opts.effective_lost_after,
                sum(v[0] for v in tps[seg].values()),
                sum(v[4] for v in tps[seg].values()),
            )
        doc["settings"] = (
            settings if censoring is None else {**settings, "censoring": censoring.setting()}
        )
        doc["coverage"] = round(t.mapped / t.rows, 6) if t.rows else None
        doc["unmapped"] = dict(sorted(unmapped[seg].items()))
        doc["bad_rows"] = t.bad_rows
        doc["left_out"] = t.left_out
        doc["time_range"] = (
            {"start": iso_utc(t.start_us), "end": iso_utc(t.end_us)}
            if t.start_us is not None and t.end_us is not None
            else None
        )
        if seg in times:
            doc["time_to_convert"] = times[seg]
        doc["touchpoints"] = touchpoints
        if ordering is not None:
            doc["business"] = ordering[seg]
        out.append(
            IngestResult(
                Overlay.model_validate(doc),
                t,
                tuple(dict.fromkeys(f.source for f in files)),
                seg_value if opts.segment_by else None,
                seg == "n",
                dict(unmapped[seg]),
                censoring,
                identity,
            )
        )
    return out


# ------------------------------------------------------------------------------ writing


HEADER = (
    "journeymap overlay written by `journeymap ingest`; numbers for one period.\n"
    "Give it to any command with --data. See docs/events.md for every field."
)
"""The comment at the top of an overlay written as YAML."""


def segment_path(base: str, value: str | None, is_null: bool) -> str:
    """``out.yaml`` + a segment value -> ``out.<slug>-<hash>.yaml``: a safe slug and a short hash.

    The file name never holds raw data: the slug keeps ASCII letters, digits and dashes (40 at
    most) and the hash (8 hex digits of SHA-256) tells apart values with the same slug.

    >>> segment_path("out/o.yaml", "Bargain hunter / EU", False)
    'out/o.bargain-hunter-eu-2e53b85b.yaml'
    >>> segment_path("o.json", "../../etc", False)
    'o.etc-74ccf3c5.json'
    """
    import os

    key = "\0null" if is_null else (value or "")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    text = "null" if is_null else unicodedata.normalize("NFKD", value or "")
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode().lower()).strip("-")[
        :40
    ]
    slug = slug.strip("-") or "segment"
    root, ext = os.path.splitext(base)
    return f"{root}.{slug}-{digest}{ext}"
