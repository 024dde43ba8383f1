"""An independent implementation of the ingest pipeline in pandas and plain Python (tests only).

It shares no code with journeymap.events: timestamps are parsed with pandas, the steps are
loops over each customer's events. Small logs only.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import pandas as pd

_UNIT_BY_DIGITS = {
    **dict.fromkeys(range(1, 12), "s"),
    **dict.fromkeys(range(12, 15), "ms"),
    **dict.fromkeys(range(15, 18), "us"),
    **dict.fromkeys(range(18, 20), "ns"),
}
"""Epoch unit by the number of digits (10^11 has 12): the documented magnitudes, spelled apart."""


def epoch_unit(text: str) -> str | None:
    """The unit an epoch number's digits give, or None for text that is no epoch number."""
    digits = str(text).strip()
    return (
        _UNIT_BY_DIGITS[len(digits.lstrip("0") or "0")]
        if re.fullmatch(r"\d{1,19}", digits)
        else None
    )


def _to_utc_us(value: Any, tz: str, unit: str | None = None) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    found = epoch_unit(text)
    if found is not None:
        try:
            return int(pd.Timestamp(int(text), unit=unit or found).value // 1000)
        except (OverflowError, pd.errors.OutOfBoundsDatetime):
            return None  # beyond pandas' years 1677-2262: far beyond any log
    if not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)?",
        text,
    ):
        return None
    try:
        ts = pd.Timestamp(text.replace(",", "."))
    except (ValueError, TypeError):
        return None
    if ts.tzinfo is None:
        ts = ts.tz_localize(tz)
    ts = ts.tz_convert("UTC")
    return int(ts.value // 1000)


def _text(v: Any) -> str | None:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def _dig(value: Any, keys: list[str]) -> str | None:
    """A field inside JSON text (a CSV column holding JSON), by walking the parsed object."""
    try:
        obj = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    for k in keys:
        obj = obj.get(k) if isinstance(obj, dict) else None
    return _text(obj)


def _read(path: str, wanted: tuple[str, ...]) -> pd.DataFrame:
    if path.endswith((".jsonl", ".ndjson", ".json")):
        with open(path, encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
        df = pd.json_normalize(records)  # nested objects become dotted columns
        df = df.astype(object).where(df.notna(), None).map(_text)
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for name in wanted:
        head = name.split(".")[0]
        if name not in df.columns and head in df.columns:
            df[name] = [_dig(v, name.split(".")[1:]) for v in df[head]]
    return df


def reference_ingest(
    jm: Any,
    files: list[str],
    *,
    tz: str = "UTC",
    timeout: int = 1800,
    journey: str = "customer",
    lost_after: int | None = None,
    goals: list[str] | None = None,
    window: int | None = None,
    where_cols: tuple[str, ...] = (),
    unit: str | None = None,
    columns: tuple[str, str, str] = ("user_id", "timestamp", "event"),
) -> dict[str, Any]:
    frames = []
    for rank, path in enumerate(sorted(files)):
        df = _read(path, (*columns, *where_cols))
        df = df.rename(columns=dict(zip(columns, ("user_id", "timestamp", "event"), strict=True)))
        df["_file"], df["_row"] = rank, range(len(df))
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    rows = len(df)
    df["_ts"] = [_to_utc_us(v, tz, unit) for v in df["timestamp"]]
    no_customer = df["user_id"].isna()
    no_ts = ~no_customer & df["_ts"].isna()
    no_event = ~no_customer & ~no_ts & df["event"].isna()
    ok = ~(no_customer | no_ts | no_event)
    bad = int((~ok).sum())
    df = df[ok].copy()
    df["_ts"] = df["_ts"].astype("int64")
    kept = len(df)
    df = df.sort_values(["_file", "_row"]).drop_duplicates(
        ["user_id", "_ts", "event"], keep="first"
    )
    left_out = {
        "no_customer": int(no_customer.sum()),
        "bad_timestamp": int(no_ts.sum()),
        "no_event": int(no_event.sum()),
        "duplicate": kept - len(df),
    }
    df = df.sort_values(["user_id", "_ts", "_file", "_row"], kind="stable")
    # rules in map order
    rules: list[tuple[str, str | None, str | None, dict[str, str]]] = []
    for _, tp in jm.iter_touchpoints():
        for item in tp.events or [tp.id]:
            if isinstance(item, str):
                rules.append((tp.id, item, None, {}))
            else:
                rules.append((tp.id, item.name, item.pattern, dict(item.where)))

    def tp_of(row: Any) -> str | None:
        for tid, name, pattern, where in rules:
            ev = row["event"]
            hit = ev == name if name is not None else re.fullmatch(pattern or "", ev) is not None
            for col, pat in where.items():
                val = row[col]
                hit = hit and isinstance(val, str) and re.fullmatch(pat, val) is not None
            if hit:
                return str(tid)
        return None

    df["_tp"] = [tp_of(r) for _, r in df.iterrows()]
    end = int(df["_ts"].max())
    lost = (
        lost_after if lost_after is not None else (30 * 86400 if journey == "customer" else timeout)
    )
    goals = goals if goals is not None else jm.goals
    out: dict[str, Any] = defaultdict(
        lambda: {
            "entries": 0,
            "visits": 0,
            "customers": set(),
            "next": defaultdict(int),
            "returns": defaultdict(int),
            "secs": defaultdict(list),
            "exits": 0,
            "in_progress": 0,
            "conversions": 0,
            "late": 0,
        }
    )
    unmapped: dict[str, int] = defaultdict(int)
    df["_tp"] = df["_tp"].astype(object).where(df["_tp"].notna(), None)
    for ev, tp in zip(df["event"], df["_tp"], strict=True):
        if tp is None:
            unmapped[ev] += 1
    for uid, g in df.groupby("user_id", sort=True):
        sess, last_ts = 0, None
        sessions = []
        for ts in g["_ts"]:
            if last_ts is not None and ts - last_ts > timeout * 10**6:
                sess += 1
            sessions.append(sess)
            last_ts = ts
        g = g.assign(_sess=sessions)
        # journeys
        groups = [g] if journey == "customer" else [x for _, x in g.groupby("_sess", sort=True)]
        for jg in groups:
            visits: list[Any] = []
            for ts, tp, s in zip(jg["_ts"], jg["_tp"], jg["_sess"], strict=True):
                if tp is None:
                    continue
                if visits and visits[-1][1] == tp and visits[-1][2] == s:
                    continue
                visits.append((ts, tp, s))
            if not visits:
                continue
            journey_last = int(jg["_ts"].max())
            # docs/analysis.md "Journeys that start at their goal": the journey enters the chain
            # at its first visit outside the goals, so the conversion window runs from there
            start = next((ts for ts, tp, _ in visits if tp not in goals), visits[0][0])
            for k, (ts, tp, s) in enumerate(visits):
                rec = out[tp]
                rec["visits"] += 1
                rec["customers"].add(uid)
                if k == 0:
                    rec["entries"] += 1
                if k + 1 < len(visits):
                    nts, ntp, ns = visits[k + 1]
                    rec["next"][ntp] += 1
                    rec["secs"][ntp].append((nts - ts) // 10**6)
                    if ns != s:
                        rec["returns"][ntp] += 1
                    if ntp in goals:
                        if window is None or nts - start <= window * 10**6:
                            rec["conversions"] += 1
                        else:
                            rec["late"] += 1
                elif end - journey_last <= lost * 10**6:
                    rec["in_progress"] += 1
                else:
                    rec["exits"] += 1
    result = {}
    for tp, rec in out.items():
        result[tp] = {
            "entries": rec["entries"],
            "visits": rec["visits"],
            "customers": len(rec["customers"]),
            "next": dict(rec["next"]),
            "returns": dict(rec["returns"]),
            "median_seconds_to_next": {
                k: sorted(v)[(len(v) - 1) // 2] for k, v in rec["secs"].items()
            },
            "exits": rec["exits"],
            "in_progress": rec["in_progress"],
            "conversions": rec["conversions"],
            "late_conversions": rec["late"],
        }
    left_out["unmapped"] = sum(unmapped.values())
    return {
        "touchpoints": result,
        "unmapped": dict(unmapped),
        "bad_rows": bad,
        "rows": rows,
        "left_out": left_out,
        "customers": int(df["user_id"].nunique()),
        "coverage": round((rows - sum(left_out.values())) / rows, 6) if rows else None,
    }
