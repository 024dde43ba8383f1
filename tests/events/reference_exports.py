"""An independent reading of analytics-tool exports and their counts, in pandas (tests only).

Written from the tools' published export schemas and from docs/events.md, sharing no code with
``journeymap.events``: each tool's reader turns its rows into one frame of *ids* (every id the row
carries), a UTC timestamp in microseconds, an event name, a session key and a dedup key; persons
are the connected components of the graph whose edges are the rows carrying two ids (union-find);
then the documented pipeline runs as plain loops per person: leave out unusable rows by reason,
drop duplicates, cut sessions, map events by name, collapse repeats within a session, and count
entries, transitions, conversions, exits and journeys in progress (docs/events.md, "The pipeline,
step by step"). Parquet is read with DuckDB's reader (pandas would need pyarrow); everything after
the read is pandas and Python.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

Record = dict[str, Any]
"""One exported row as a JSON object (nested objects kept)."""


@dataclass(frozen=True)
class Row:
    """One exported row reduced to what the pipeline reads."""

    ids: tuple[str, ...]
    ts_us: int | None
    event: str | None
    session: str | None = None
    dedup: str | None = None
    identity_only: bool = False  # a Segment identify call: it links ids, it is no event


# ---------------------------------------------------------------------------------- files


def records(path: Path) -> Iterator[Record]:
    """The rows of one file as objects: JSON lines (``.gz`` too), a zip of such files, CSV
    (cells as text), Parquet (nested values as dicts and lists)."""
    name = path.name
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for member in sorted(zf.namelist()):
                yield from _json_lines(gzip.decompress(zf.read(member)).decode("utf-8"))
    elif name.endswith(".gz"):
        yield from _json_lines(gzip.decompress(path.read_bytes()).decode("utf-8"))
    elif name.endswith((".jsonl", ".json")):
        yield from _json_lines(path.read_text(encoding="utf-8"))
    elif name.endswith(".csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            yield from csv.DictReader(fh)
    elif name.endswith(".parquet"):
        import duckdb

        cur = duckdb.connect().execute("SELECT * FROM read_parquet(?)", [str(path)])
        names = [d[0] for d in cur.description]
        for values in cur.fetchall():
            yield dict(zip(names, values, strict=True))
    else:
        raise ValueError(f"no reader for {path}")


def _json_lines(text: str) -> Iterator[Record]:
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _obj(value: Any) -> Record:
    """A nested object, or the object a CSV cell's JSON text holds."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    return value if isinstance(value, dict) else {}


def iso_us(text: str | None) -> int | None:
    """ISO 8601 text (with an offset or Z; without, UTC) as epoch microseconds; None if not."""
    if text is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ][0-9:.]+(Z|[+-]\d{2}:\d{2})?", text):
        return None
    ts = pd.Timestamp(text)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return int(ts.value // 1000)


# ---------------------------------------------------------------------------------- tools


def ga4_param(params: Any, key: str) -> str | None:
    """The value of ``event_params[key]``: whichever of the typed values is set."""
    items = json.loads(params) if isinstance(params, str) else params or []
    for item in items:
        if item["key"] == key:
            value = item["value"]
            for kind in ("string_value", "int_value", "float_value", "double_value"):
                if value.get(kind) is not None:
                    return str(value[kind])
    return None


def ga4(r: Record) -> Row:
    """GA4 BigQuery: microseconds (a number, or digits as text); ids user_id, user_pseudo_id."""
    ts = _text(r.get("event_timestamp"))
    return Row(
        ids=tuple(i for i in (_text(r.get("user_id")), _text(r.get("user_pseudo_id"))) if i),
        ts_us=int(ts) if ts is not None and ts.isdigit() else None,
        event=_text(r.get("event_name")),
        session=ga4_param(r.get("event_params"), "ga_session_id"),
    )


def amplitude(r: Record) -> Row:
    """Amplitude export: ``event_time`` ``YYYY-MM-DD HH:MM:SS.ffffff`` UTC; ids user_id, device_id."""
    at = _text(r.get("event_time"))
    ts = None
    if at is not None:
        parsed = datetime.strptime(at, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
        ts = int(parsed.timestamp()) * 10**6 + parsed.microsecond
    return Row(
        ids=tuple(i for i in (_text(r.get("user_id")), _text(r.get("device_id"))) if i),
        ts_us=ts,
        event=_text(r.get("event_type")),
        session=_text(r.get("session_id")),
    )


def segment(r: Record) -> Row:
    """Segment: track ``event``; page and screen ``page:<name>``, ``screen:<name>``; identify
    links ids; ``messageId`` is the dedup key."""
    kind = r.get("type")
    event = {
        "track": r.get("event"),
        "page": f"page:{r.get('name')}",
        "screen": f"screen:{r.get('name')}",
    }.get(str(kind))
    return Row(
        ids=tuple(i for i in (_text(r.get("userId")), _text(r.get("anonymousId"))) if i),
        ts_us=iso_us(_text(r.get("timestamp"))),
        event=_text(event),
        dedup=_text(r.get("messageId")),  # the Spec's id "to deduplicate" a message
        identity_only=kind == "identify",
    )


def mixpanel(r: Record) -> Row:
    """Mixpanel raw export: ``properties.time`` epoch seconds, ``distinct_id``, ``$insert_id``."""
    props = _obj(r.get("properties"))
    distinct = _text(props.get("distinct_id"))
    return Row(
        ids=(distinct,) if distinct else (),
        ts_us=int(props["time"]) * 10**6 if isinstance(props.get("time"), int) else None,
        event=_text(r.get("event")),
        dedup=_text(props.get("$insert_id")),
    )


def posthog(r: Record) -> Row:
    """PostHog: ISO ``timestamp``, ``distinct_id``, ``properties`` (an object or JSON text);
    ``uuid`` is the dedup key."""
    distinct = _text(r.get("distinct_id"))
    return Row(
        ids=(distinct,) if distinct else (),
        ts_us=iso_us(_text(r.get("timestamp"))),
        event=_text(r.get("event")),
        session=_text(_obj(r.get("properties")).get("$session_id")),
        dedup=_text(r.get("uuid")),  # the event's unique id
    )


READERS: dict[str, Callable[[Record], Row]] = {
    "ga4": ga4,
    "amplitude": amplitude,
    "segment": segment,
    "mixpanel": mixpanel,
    "posthog": posthog,
}


SESSION_KEYS = {"ga4", "amplitude", "posthog"}
"""The tools whose rows carry a session id (ga_session_id, session_id, $session_id); the others'
sessions are cut by the timeout."""


# ---------------------------------------------------------------------------- persons


def persons(id_lists: list[tuple[str, ...]]) -> dict[str, str]:
    """Each id's person: the smallest id of its connected component (union-find over rows)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ids in id_lists:
        for other in ids[1:]:
            a, b = find(ids[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
        if ids:
            find(ids[0])
    return {x: find(x) for x in parent}


# --------------------------------------------------------------------------------- counts


@dataclass
class Expected:
    """What ``ingest`` must report for an export."""

    rows: int
    events: int
    customers: int
    merged_ids: int
    left_out: dict[str, int]
    identity_rows: int
    touchpoints: dict[str, dict[str, Any]] = field(default_factory=dict)


def name_rules(map_path: Path) -> tuple[dict[str, str], set[str]]:
    """The map's event names (first rule wins) and its goals, read from the YAML itself."""
    doc = yaml.safe_load(map_path.read_text(encoding="utf-8"))
    rules: dict[str, str] = {}
    goals = set()
    for stage in doc["stages"]:
        for tp in stage["touchpoints"]:
            for name in tp.get("events") or [tp["id"]]:
                assert isinstance(name, str), "the reference reads name rules only"
                rules.setdefault(name, tp["id"])
            if tp.get("goal"):
                goals.add(tp["id"])
    return rules, goals


def frame(tool: str, files: list[Path]) -> pd.DataFrame:
    """Every row of the files (sorted path order, then row order) as the tool's reader sees it."""
    read = READERS[tool]
    rows = [
        {**vars(read(r)), "_file": rank, "_row": n}
        for rank, path in enumerate(sorted(files, key=str))
        for n, r in enumerate(records(path))
    ]
    return pd.DataFrame(rows)


def expected(
    tool: str, files: list[Path], map_path: Path, *, lost_after_s: int, timeout_s: int = 1800
) -> Expected:
    """The counts of docs/events.md's pipeline on the export, persons stitched across ids."""
    df = frame(tool, files)
    person_of = persons(list(df["ids"]))
    ids_seen = {i for ids in df["ids"] for i in ids}
    identity = df["identity_only"]
    df = df[~identity].copy()
    rows = len(df)
    df["person"] = [person_of[ids[0]] if ids else None for ids in df["ids"]]
    no_customer = df["person"].isna()
    bad_ts = ~no_customer & df["ts_us"].isna()
    no_event = ~no_customer & ~bad_ts & df["event"].isna()
    usable = df[~(no_customer | bad_ts | no_event)].copy()
    usable["ts_us"] = usable["ts_us"].astype("int64")
    usable = usable.sort_values(["ts_us", "_file", "_row"], kind="stable")
    key = usable["dedup"].where(usable["dedup"].notna(), None)
    exact = usable[["person", "ts_us", "event"]].astype(str).agg("|".join, axis=1)
    usable["_key"] = [k if k is not None else e for k, e in zip(key, exact, strict=True)]
    kept = usable.drop_duplicates("_key", keep="first")
    rules, goals = name_rules(map_path)
    kept = kept.assign(tp=[rules.get(e) for e in kept["event"]])
    unmapped = int(kept["tp"].isna().sum())
    left_out = {
        "no_customer": int(no_customer.sum()),
        "bad_timestamp": int(bad_ts.sum()),
        "no_event": int(no_event.sum()),
        "duplicate": len(usable) - len(kept),
        "unmapped": unmapped,
    }
    by_key = tool in SESSION_KEYS
    counts = _journeys(kept, goals, by_key=by_key, lost_after_s=lost_after_s, timeout_s=timeout_s)
    mapped = kept[kept["tp"].notna()]
    return Expected(
        rows=rows,
        events=len(mapped),
        customers=int(mapped["person"].nunique()),
        merged_ids=len(ids_seen) - len(set(person_of.values())),
        left_out=left_out,
        identity_rows=int(identity.sum()),
        touchpoints=counts,
    )


def _journeys(
    kept: pd.DataFrame, goals: set[str], *, by_key: bool, lost_after_s: int, timeout_s: int
) -> dict[str, dict[str, Any]]:
    """Customer journeys: sessions (a session key that changes, else a gap over the timeout),
    repeats collapsed within a session, exits and in-progress journeys by lost-after."""
    end = int(kept["ts_us"].max())
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: (
            {"entries": 0, "visits": 0, "next": defaultdict(int), "exits": 0}
            | {"in_progress": 0, "conversions": 0, "returns": 0}
        )
    )
    for _, g in kept.groupby("person", sort=True):
        session, last_key, last_ts = 0, None, None
        visits: list[tuple[str, int]] = []
        for ts, key, tp in zip(g["ts_us"], g["session"], g["tp"], strict=True):
            if last_ts is not None and (
                key != last_key if by_key else ts - last_ts > timeout_s * 10**6
            ):
                session += 1
            last_key, last_ts = key, ts
            if tp is not None and not (visits and visits[-1] == (tp, session)):
                visits.append((tp, session))
        if not visits:
            continue
        out[visits[0][0]]["entries"] += 1
        for (tp, s), (nxt, ns) in itertools.pairwise(visits):
            out[tp]["next"][nxt] += 1
            out[tp]["returns"] += ns != s
            out[tp]["conversions"] += nxt in goals
        for tp, _s in visits:
            out[tp]["visits"] += 1
        last_tp = visits[-1][0]
        ended = end - int(g["ts_us"].max()) > lost_after_s * 10**6
        out[last_tp]["exits" if ended else "in_progress"] += 1
    return {tp: {**c, "next": dict(c["next"])} for tp, c in out.items()}
