"""Write the analytics-tool export samples in this folder, deterministically (generated, never edited).

    python tests/data/exports/generate.py [OUT_DIR]     # default: this folder

One story of four people shopping over ten days (``PEOPLE``) is written in the shape of each tool's
published export schema, as we read the vendors' documentation (written by us, nothing copied):

- **GA4 BigQuery export** (``ga4/events.parquet``, ``.jsonl``, ``.csv``): ``event_timestamp`` in
  microseconds since the epoch (INT64; a string in BigQuery's JSON export), ``event_name``,
  ``user_pseudo_id`` (the browser) and ``user_id`` (set after login), ``event_params`` as a
  REPEATED RECORD of ``{key, value: {string_value, int_value, float_value, double_value}}`` with
  ``ga_session_id`` (the session's start, epoch seconds). BigQuery cannot write nested fields to
  CSV, so the CSV holds ``TO_JSON_STRING(event_params)`` as JSON text.
- **Amplitude Export API** (``amplitude/hourly/*.json.gz`` and ``amplitude/export.zip`` holding
  them under the project id): one gzipped JSON-lines file per hour, ``event_time`` as
  ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC), ``event_type``, ``device_id``, ``user_id`` (null before
  login), ``session_id`` (the session's start, epoch milliseconds), ``event_properties``.
- **Segment Spec** (``segment/events.jsonl``): ``track`` (``event``), ``page`` and ``screen``
  (``name``) and ``identify`` calls with ``anonymousId``, ``userId`` (after login), ISO 8601
  ``timestamp`` and ``messageId``; the ``identify`` at login carries both ids.
- **Mixpanel raw export** (``mixpanel/export.jsonl``): ``{"event", "properties": {"time" (epoch
  seconds), "distinct_id", "$insert_id", ...}}``; one row is sent twice (same ``$insert_id``),
  and two different product views share a second (different ``$insert_id``).
- **PostHog events** (``posthog/events.csv`` with ``properties`` as JSON text, and
  ``posthog/events.jsonl``): ``uuid``, ``event``, ``distinct_id``, ISO 8601 ``timestamp``,
  ``properties`` with ``$session_id`` and ``$current_url``.
- ``bad/posthog-bad-timestamps.csv``: a PostHog CSV whose timestamps are unreadable in 30% of the
  rows (written ``MM/DD/YYYY``).

The map they count onto is ``shop.yaml`` (its rules name every tool's events). GA4 holds only the
first two people, so it has 2 persons after stitching (3 browser ids).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
"""Day 0 of the story, 09:00 UTC."""
STEP = timedelta(minutes=2, seconds=7)
"""Time between two events of a visit."""
AMPLITUDE_PROJECT = "187520"
NAMESPACE = uuid.UUID("6f1d2c3e-8a7b-4c5d-9e0f-112233445566")


@dataclass(frozen=True)
class Visit:
    """One session: its day and minute after 09:00, the device, whether logged in, the steps."""

    day: int
    minute: int
    device: str
    logged_in: bool
    steps: tuple[str, ...]
    app: bool = False


@dataclass(frozen=True)
class Person:
    key: str
    user_id: str
    visits: tuple[Visit, ...]


PEOPLE = (
    Person(
        "ada",
        "u-1001",
        (
            Visit(0, 0, "d-ada-laptop", False, ("home", "product", "product", "product")),
            Visit(1, 95, "d-ada-laptop", True, ("home", "product", "cart", "checkout", "purchase")),
            Visit(8, 30, "d-ada-phone", True, ("home", "product", "product")),
        ),
    ),
    Person(
        "ben",
        "u-1002",
        (
            Visit(0, 40, "d-ben-tablet", False, ("home", "product", "product"), app=True),
            Visit(1, 10, "d-ben-tablet", False, ("home", "product", "cart"), app=True),
            Visit(2, 200, "d-ben-tablet", False, ("product", "cart", "cart"), app=True),
            Visit(2, 212, "d-ben-tablet", False, ("cart", "checkout"), app=True),
        ),
    ),
    Person(
        "cy",
        "u-1003",
        (
            Visit(3, 15, "d-cy-laptop", True, ("home", "product", "cart", "checkout")),
            Visit(9, 60, "d-cy-laptop", True, ("checkout", "purchase")),
        ),
    ),
    Person("dee", "u-1004", (Visit(9, 300, "d-dee-phone", False, ("home", "product")),)),
)
"""Ada browses anonymously, logs in the next day and buys, and comes back on her phone (stitching
joins three ids); Ben never logs in, reopens his tablet app 8 minutes after a visit (a new session
for the tools that keep session ids, the same one for a 30-minute timeout) and leaves at the
checkout; Cy is logged in throughout and buys on the last day; Dee arrives on the last day (in
progress with any --lost-after)."""

NAMES: dict[str, dict[str, str]] = {
    "ga4": {
        "home": "page_view",
        "product": "view_item",
        "cart": "add_to_cart",
        "checkout": "begin_checkout",
        "purchase": "purchase",
    },
    "amplitude": {
        "home": "[Amplitude] Page Viewed",
        "product": "Product Viewed",
        "cart": "Product Added",
        "checkout": "Checkout Started",
        "purchase": "Order Completed",
    },
    "segment": {
        "home": "Home",  # a page (web) or screen (app) call's name
        "product": "Product Viewed",
        "cart": "Product Added",
        "checkout": "Checkout Started",
        "purchase": "Order Completed",
    },
    "mixpanel": {
        "home": "$mp_web_page_view",
        "product": "View Item",
        "cart": "Add To Cart",
        "checkout": "Begin Checkout",
        "purchase": "Purchase",
    },
    "posthog": {
        "home": "$pageview",
        "product": "product viewed",
        "cart": "product added",
        "checkout": "checkout started",
        "purchase": "order completed",
    },
}
URL = {"home": "https://shop.example/", "product": "https://shop.example/p/rain-jacket"}


@dataclass(frozen=True)
class Event:
    """One event of the story, before any tool writes it."""

    person: Person
    visit: Visit
    session: int  # the visit's number for its device, from 1
    step: int  # the event's number in its visit, from 0
    touchpoint: str
    at: datetime

    @property
    def user_id(self) -> str | None:
        return self.person.user_id if self.visit.logged_in else None

    @property
    def session_start(self) -> datetime:
        return START + timedelta(days=self.visit.day, minutes=self.visit.minute)


def events(people: tuple[Person, ...] = PEOPLE) -> list[Event]:
    """Every event of the story in time order (ties cannot happen: steps are 127 s apart)."""
    out: list[Event] = []
    for person in people:
        sessions: dict[str, int] = {}
        for visit in person.visits:
            sessions[visit.device] = sessions.get(visit.device, 0) + 1
            begin = START + timedelta(days=visit.day, minutes=visit.minute)
            for k, tp in enumerate(visit.steps):
                at = begin + k * STEP + timedelta(microseconds=250_000 + 1_000 * k)
                out.append(Event(person, visit, sessions[visit.device], k, tp, at))
    return sorted(out, key=lambda e: e.at)


def epoch_us(at: datetime) -> int:
    return (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def ident(*parts: object) -> str:
    """A stable UUID for the parts (never random: the samples are regenerated byte for byte)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def to_csv(header: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


# ------------------------------------------------------------------------------------- GA4


def ga4_param(key: str, value: str | int | float) -> dict[str, Any]:
    """One ``event_params`` record: exactly one typed value is set, the others are null."""
    typed = {"string_value": None, "int_value": None, "float_value": None, "double_value": None}
    kind = (
        "string_value"
        if isinstance(value, str)
        else "int_value"
        if isinstance(value, int)
        else "double_value"
    )
    return {"key": key, "value": {**typed, kind: value}}


def ga4_rows() -> list[dict[str, Any]]:
    """GA4's BigQuery rows (ints as ints): the first two people only."""
    rows = []
    for e in events(PEOPLE[:2]):
        params = [
            ga4_param("ga_session_id", int(e.session_start.timestamp())),
            ga4_param("ga_session_number", e.session),
            ga4_param("page_location", URL.get(e.touchpoint, "https://shop.example/checkout")),
            ga4_param("engagement_time_msec", 1200 + 10 * e.step),
        ]
        if e.touchpoint == "purchase":
            params += [ga4_param("value", 129.9), ga4_param("currency", "EUR")]
        rows.append(
            {
                "event_date": e.at.strftime("%Y%m%d"),
                "event_timestamp": epoch_us(e.at),
                "event_name": NAMES["ga4"][e.touchpoint],
                "event_params": params,
                "user_id": e.user_id,
                "user_pseudo_id": GA4_PSEUDO[e.visit.device],
                "device": {"category": "tablet" if e.visit.app else "desktop"},
                "platform": "WEB",
            }
        )
    return rows


GA4_PSEUDO = {
    "d-ada-laptop": "1401357922.1793610000",
    "d-ada-phone": "887712093.1794300000",
    "d-ben-tablet": "2093345871.1793612400",
}


def ga4_json(rows: list[dict[str, Any]]) -> str:
    """BigQuery's JSON export: INT64 values are written as strings."""

    def text_ints(v: Any) -> Any:
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, int):
            return str(v)
        if isinstance(v, dict):
            return {k: text_ints(x) for k, x in v.items()}
        if isinstance(v, list):
            return [text_ints(x) for x in v]
        return v

    return jsonl([text_ints(r) for r in rows])


def ga4_csv(rows: list[dict[str, Any]]) -> str:
    """A CSV export of ``SELECT ..., TO_JSON_STRING(event_params) AS event_params``."""
    header = ["event_date", "event_timestamp", "event_name", "event_params", "user_pseudo_id"]
    flat = [
        {
            **{k: r[k] for k in header},
            "event_params": json.dumps(r["event_params"], separators=(",", ":")),
            "user_id": r["user_id"] or "",
        }
        for r in rows
    ]
    return to_csv([*header, "user_id"], flat)


GA4_SCHEMA = (
    "{event_date: 'VARCHAR', event_timestamp: 'BIGINT', event_name: 'VARCHAR', "
    "event_params: 'STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value BIGINT, "
    "float_value DOUBLE, double_value DOUBLE))[]', user_id: 'VARCHAR', "
    "user_pseudo_id: 'VARCHAR', device: 'STRUCT(category VARCHAR)', platform: 'VARCHAR'}"
)
"""The BigQuery table's columns as DuckDB types (RECORD = STRUCT, REPEATED = list)."""


def ga4_parquet(rows: list[dict[str, Any]], out: Path) -> None:
    """The Parquet file of the BigQuery table's schema (nested REPEATED RECORD kept), via DuckDB."""
    import duckdb

    src = out.with_name(out.name + ".tmp.jsonl")
    src.write_text(jsonl(rows), encoding="utf-8")
    try:
        con = duckdb.connect()
        con.execute("SET threads = 1")
        con.execute(
            f"COPY (SELECT * FROM read_ndjson('{src}', columns={GA4_SCHEMA})) "
            f"TO '{out}' (FORMAT parquet)"
        )
        con.close()
    finally:
        src.unlink()


# ------------------------------------------------------------------------------- Amplitude


def amplitude_rows() -> list[dict[str, Any]]:
    """Amplitude's export events; ``user_id`` is null until the person logs in."""
    return [
        {
            "event_time": e.at.strftime("%Y-%m-%d %H:%M:%S.%f"),
            "event_type": NAMES["amplitude"][e.touchpoint],
            "user_id": e.user_id,
            "device_id": e.visit.device,
            "session_id": epoch_us(e.session_start) // 1000,
            "event_properties": {"page": URL.get(e.touchpoint, "/checkout")},
            "user_properties": {},
            "platform": "iOS" if e.visit.app else "Web",
            "$insert_id": ident("amplitude", e.person.key, e.at.isoformat()),
            "amplitude_id": 90000 + PEOPLE.index(e.person),
            "server_upload_time": (e.at + timedelta(seconds=3)).strftime("%Y-%m-%d %H:%M:%S.%f"),
        }
        for e in events()
    ]


def gz(text: str) -> bytes:
    """gzip with no name and time in the header, so the bytes depend on the text only."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    return buf.getvalue()


def amplitude_files() -> dict[str, bytes]:
    """One ``{project}_{date}_{hour}#0.json.gz`` per hour with events, as the Export API names them."""
    hours: dict[str, list[dict[str, Any]]] = {}
    for row in amplitude_rows():
        at = datetime.strptime(row["event_time"], "%Y-%m-%d %H:%M:%S.%f")
        name = f"{AMPLITUDE_PROJECT}_{at:%Y-%m-%d}_{at.hour}#0.json.gz"
        hours.setdefault(name, []).append(row)
    return {name: gz(jsonl(rows)) for name, rows in sorted(hours.items())}


def zipped(files: dict[str, bytes]) -> bytes:
    """The Export API's zip: the hourly files under a folder named by the project id."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{AMPLITUDE_PROJECT}/{name}", date_time=(2026, 11, 12, 0, 0, 0))
            zf.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------------------- Segment


def segment_rows() -> list[dict[str, Any]]:
    """Segment calls: page/screen for home, track for the rest, identify at each login."""
    rows: list[dict[str, Any]] = []
    known: set[str] = set()
    for e in events():
        anon = ident("segment-anon", e.visit.device)
        base = {"anonymousId": anon, "context": {"library": {"name": "analytics.js"}}}
        if e.user_id is not None and e.step == 0 and anon not in known:
            known.add(anon)
            rows.append(
                {
                    **base,
                    "type": "identify",
                    "userId": e.user_id,
                    "traits": {"plan": "member"},
                    "timestamp": stamp(e.at - timedelta(seconds=20)),
                    "messageId": ident("segment-identify", anon),
                }
            )
        call: dict[str, Any] = {**base, "userId": e.user_id}
        if e.touchpoint == "home":
            call |= {"type": "screen" if e.visit.app else "page", "name": NAMES["segment"]["home"]}
            call["properties"] = {"path": "/", "url": URL["home"]}
        else:
            call |= {"type": "track", "event": NAMES["segment"][e.touchpoint]}
            call["properties"] = {"sku": "RJ-200", "price": 129.9}
        call |= {"timestamp": stamp(e.at), "messageId": ident("segment", e.person.key, e.at)}
        rows.append(call)
    return rows


def stamp(at: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as Segment's libraries write it."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


# -------------------------------------------------------------------------------- Mixpanel


def mixpanel_rows() -> list[dict[str, Any]]:
    """Mixpanel's raw export: epoch seconds, one row sent twice, two views in one second."""
    rows = []
    for e in events():
        props = {
            "time": epoch_us(e.at) // 10**6,
            "distinct_id": e.person.user_id,
            "$insert_id": ident("mixpanel", e.person.key, e.at)[:24],
            "$device_id": e.visit.device,
            "$current_url": URL.get(e.touchpoint, "https://shop.example/checkout"),
            "mp_lib": "web",
        }
        rows.append({"event": NAMES["mixpanel"][e.touchpoint], "properties": props})
        if e.person.key == "ben" and e.visit.day == 0 and e.step == 1:
            twin = {**props, "$insert_id": ident("mixpanel-twin", e.at)[:24], "sku": "RB-10"}
            rows.append({"event": NAMES["mixpanel"][e.touchpoint], "properties": twin})
    resent = next(r for r in rows if r["event"] == NAMES["mixpanel"]["purchase"])
    return [*rows, json.loads(json.dumps(resent))]  # the client sent it again


# --------------------------------------------------------------------------------- PostHog


def posthog_rows() -> list[dict[str, Any]]:
    """PostHog events: ``properties`` is an object (JSON) or JSON text (CSV)."""
    return [
        {
            "uuid": ident("posthog", e.person.key, e.at),
            "event": NAMES["posthog"][e.touchpoint],
            "distinct_id": e.person.user_id,
            "timestamp": e.at.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "properties": {
                "$session_id": ident("posthog-session", e.visit.device, e.session),
                "$current_url": URL.get(e.touchpoint, "https://shop.example/checkout"),
                "$browser": "Safari" if e.visit.app else "Firefox",
            },
        }
        for e in events()
    ]


def posthog_csv(rows: list[dict[str, Any]]) -> str:
    flat = [{**r, "properties": json.dumps(r["properties"], separators=(",", ":"))} for r in rows]
    return to_csv(["uuid", "event", "properties", "timestamp", "distinct_id"], flat)


def bad_rows() -> list[dict[str, Any]]:
    """Every third row's timestamp written month first: 30% of 20 rows unreadable."""
    rows = posthog_rows()[:20]
    for k in (1, 4, 7, 10, 13, 16):
        at = datetime.fromisoformat(rows[k]["timestamp"])
        rows[k] = {**rows[k], "timestamp": at.strftime("%m/%d/%Y %H:%M:%S")}
    return rows


# ----------------------------------------------------------------------------------- files


def event_names(touchpoint: str) -> list[str]:
    """Every tool's name for the touchpoint's event; Segment's page and screen calls are
    named ``page:<name>`` and ``screen:<name>``."""
    names = [NAMES[tool][touchpoint] for tool in NAMES if tool != "segment"]
    seg = NAMES["segment"][touchpoint]
    names += [f"page:{seg}", f"screen:{seg}"] if touchpoint == "home" else [seg]
    return list(dict.fromkeys(names))


def shop_map() -> str:
    def events_of(tp: str) -> str:
        return "[" + ", ".join(json.dumps(n) for n in event_names(tp)) + "]"

    return f"""# Generated by tests/data/exports/generate.py: do not edit.
# The shop the export samples count onto; each touchpoint names every tool's event.
journeymap: 1
id: export-shop
title: Rain jacket shop (export samples)
period: 2026-11
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: home
        name: Home page
        events: {events_of("home")}
        next: [product]
      - id: product
        name: Product page
        events: {events_of("product")}
        next: [cart]
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        events: {events_of("cart")}
        next: [checkout, product]
      - id: checkout
        name: Checkout
        events: {events_of("checkout")}
        next: [purchase]
      - id: purchase
        name: Order completed
        goal: true
        events: {events_of("purchase")}
"""


def samples() -> dict[str, bytes]:
    """Every sample but the Parquet file, by path relative to this folder."""
    ga4 = ga4_rows()
    hourly = amplitude_files()
    posthog = posthog_rows()
    text = {
        "shop.yaml": shop_map(),
        "ga4/events.jsonl": ga4_json(ga4),
        "ga4/events.csv": ga4_csv(ga4),
        "segment/events.jsonl": jsonl(segment_rows()),
        "mixpanel/export.jsonl": jsonl(mixpanel_rows()),
        "posthog/events.csv": posthog_csv(posthog),
        "posthog/events.jsonl": jsonl(posthog),
        "bad/posthog-bad-timestamps.csv": posthog_csv(bad_rows()),
    }
    return {
        **{k: v.encode("utf-8") for k, v in text.items()},
        **{f"amplitude/hourly/{name}": data for name, data in hourly.items()},
        "amplitude/export.zip": zipped(hourly),
    }


PARQUET = "ga4/events.parquet"


def write(out: Path) -> list[Path]:
    """Write every sample under ``out``; returns the paths written."""
    written = []
    for rel, data in samples().items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    ga4_parquet(ga4_rows(), out / PARQUET)
    return [*written, out / PARQUET]


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else HERE
    for path in write(out):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
