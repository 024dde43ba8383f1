"""Presets (issue 13): each tool's export read with one option, on tiny hand-made files.

Every fixture is written here from the export's published shape; the expected counts are
worked by hand in the comments.
"""

from __future__ import annotations

import gzip
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from journeymap.errors import UsageError
from journeymap.events import IngestOptions, ingest
from journeymap.events.inputs import expand, unpacked
from journeymap.events.presets import PRESETS, preset
from journeymap.events.settings import Columns, SettingError
from journeymap.model import JourneyMap
from tests.events.support import by_id, written
from tests.support import ROOT, run_cli, run_python_examples

T0 = 1767261600  # 2026-01-01T10:00:00Z


def shop(home: Any, cart: Any, paid: Any) -> JourneyMap:
    return JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "shop",
            "title": "Shop",
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "touchpoints": [
                        {"id": "home", "name": "Home", "next": ["cart"], "events": home},
                        {"id": "cart", "name": "Cart", "next": ["paid"], "events": cart},
                        {"id": "paid", "name": "Paid", "goal": True, "events": paid},
                    ],
                }
            ],
        }
    )


def options(name: str, **kw: Any) -> IngestOptions:
    p = preset(name)
    return IngestOptions(
        columns=p.columns, timestamp_unit=p.timestamp_unit, preset=name, lost_after=0, **kw
    )


def jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------ GA4


def ga4_params(page: str, session: int | None) -> list[dict[str, Any]]:
    value = {"string_value": page, "int_value": None, "float_value": None, "double_value": None}
    params = [{"key": "page_location", "value": value}]
    if session is not None:  # BigQuery's JSON export writes INT64 as a string
        params.append({"key": "ga_session_id", "value": {"int_value": str(session)}})
    return params


def ga4_rows() -> list[dict[str, Any]]:
    # p1 browses anonymously, logs in as u1 and pays; p2 sees home in two GA sessions, 60 s apart
    rows = [
        ("p1", None, 0, "page_view", "https://shop/home", 11),
        ("p1", None, 60, "page_view", "https://shop/cart", 11),
        ("p1", "u1", 120, "purchase", "https://shop/paid", 11),
        ("p2", None, 0, "page_view", "https://shop/home", 21),
        ("p2", None, 60, "page_view", "https://shop/home", 22),
    ]
    return [
        {
            "event_date": "20260101",
            "event_timestamp": str((T0 + dt) * 1_000_000),
            "event_name": name,
            "event_params": ga4_params(page, session),
            "user_id": user,
            "user_pseudo_id": pseudo,
        }
        for pseudo, user, dt, name, page, session in rows
    ]


def ga4_map() -> JourneyMap:
    def page(p: str) -> list[Any]:
        return [{"name": "page_view", "where": {"event_params.page_location": f".*/{p}"}}]

    return shop(page("home"), page("cart"), ["purchase"])


def ga4_files(tmp_path: Path) -> dict[str, Path]:
    js = jsonl(tmp_path / "ga4.jsonl", ga4_rows())
    pq = tmp_path / "ga4.parquet"  # Parquet: event_timestamp INT64, event_params a list of structs
    duckdb.sql(
        f"COPY (SELECT * REPLACE (CAST(event_timestamp AS BIGINT) AS event_timestamp) "
        f"FROM read_json('{js}')) TO '{pq}' (FORMAT parquet)"
    )
    csv = tmp_path / "ga4.csv"  # CSV: the repeated records as JSON text
    lines = ["event_timestamp,event_name,event_params,user_id,user_pseudo_id"]
    for r in ga4_rows():
        params = json.dumps(r["event_params"]).replace('"', '""')
        lines.append(
            f'{r["event_timestamp"]},{r["event_name"]},"{params}",{r["user_id"] or ""},'
            f"{r['user_pseudo_id']}"
        )
    csv.write_text("\n".join(lines) + "\n")
    return {"json": js, "parquet": pq, "csv": csv}


def test_ga4_in_json_lines_parquet_and_csv(tmp_path: Path) -> None:
    files = ga4_files(tmp_path)
    assert "[]" in str(duckdb.execute(f"DESCRIBE SELECT * FROM '{files['parquet']}'").fetchall())
    overlays = {}
    for fmt, f in files.items():
        [r] = ingest(ga4_map(), [str(f)], options("ga4"))
        o = written(r.overlay)
        # persons: {p1, u1} and {p2}; the anonymous home -> cart and the login purchase join
        assert (r.totals.customers, o["bad_rows"], o["left_out"]["no_customer"]) == (2, 0, 0), fmt
        tp = by_id(o)
        # p2's second home view is in another GA session, so it is not collapsed: home -> home
        assert tp["home"]["next"] == {"cart": 1, "home": 1}, fmt
        assert tp["home"]["returns"] == {"home": 1}
        assert tp["cart"]["next"] == {"paid": 1} and tp["cart"]["conversions"] == 1
        assert o["settings"]["identity"]["ids_merged"] == 1
        assert o["settings"]["preset"] == "ga4"
        overlays[fmt] = o["touchpoints"]
    assert overlays["json"] == overlays["parquet"] == overlays["csv"]


def test_ga4_sessions_come_from_ga_session_id(tmp_path: Path) -> None:
    f = ga4_files(tmp_path)["json"]
    [r] = ingest(ga4_map(), [str(f)], options("ga4", journey="session"))
    # p2's two page views are 60 s apart (one session by the 30 min gap) but in two GA sessions:
    # two session journeys that each enter at home; p1's three events are one session
    assert by_id(r.overlay)["home"]["entries"] == 3


# ------------------------------------------------------------------------------ Amplitude


def amplitude_rows(hour: int) -> list[dict[str, Any]]:
    base = [
        # d1 browses before login, logs in as u1 (both ids on one event), then pays
        ("d1", None, 0, "view home", 1),
        ("d1", "u1", 60, "add to cart", 1),
        ("d1", "u1", 120, "purchase", 1),
        ("d2", None, 30, "view home", 2),
    ]
    return [
        {
            "event_time": f"2026-01-01 {10 + hour:02d}:{dt // 60:02d}:{dt % 60:02d}.123000",
            "event_type": ev,
            "user_id": user,
            "device_id": device + (f"-h{hour}" if device == "d2" else ""),
            "session_id": (T0 + 3600 * hour) * 1000 + s,
            "event_properties": {"plan": "pro"},
        }
        for device, user, dt, ev, s in base
    ]


def amplitude_map() -> JourneyMap:
    return shop(["view home"], ["add to cart"], ["purchase"])


def test_amplitude_json_gz_and_the_zip_of_them(tmp_path: Path) -> None:
    hours = []
    for h in (0, 1):
        path = tmp_path / f"123_2026-01-01_{10 + h}#0.json.gz"
        data = "".join(json.dumps(r) + "\n" for r in amplitude_rows(h))
        path.write_bytes(gzip.compress(data.encode()))
        hours.append(path)
    [gz] = ingest(amplitude_map(), [str(p) for p in hours], options("amplitude"))
    o = written(gz.overlay)
    # hour 0 and hour 1 each: d1+u1 (one person, the same in both hours) and a new d2
    # -> persons {d1, u1}, d2-h0, d2-h1 = 3; d1's home, cart, paid run twice (home again at 11:00)
    assert (gz.totals.rows, gz.totals.customers, o["bad_rows"]) == (8, 3, 0)
    assert by_id(o)["cart"]["conversions"] == 2
    assert o["settings"]["identity"]["ids_merged"] == 1
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in hours:
            z.write(p, f"123/{p.name}")
        z.writestr("123/README.txt", "not a log")
    [zp] = ingest(amplitude_map(), [str(archive)], options("amplitude"))
    assert written(zp.overlay)["touchpoints"] == o["touchpoints"]
    assert written(zp.overlay)["settings"]["files"] == [f"{archive}/123/{p.name}" for p in hours]
    assert zp.files == (str(archive),)


def test_a_zip_is_unpacked_within_a_bound_and_removed_even_on_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.jsonl", "{}\n" * 1000)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    too_big = pytest.raises(UsageError, match="unpacks to 3,000 bytes, more than 100")
    with too_big, unpacked(expand([str(archive)]), limit=100):
        pass
    with pytest.raises(RuntimeError), unpacked(expand([str(archive)])) as files:
        assert Path(files[0].path).read_text().count("{}") == 1000
        raise RuntimeError("stop")
    assert list(scratch.iterdir()) == []
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("notes.txt", "x")
    nothing = pytest.raises(UsageError, match="the archive holds no event-log file")
    with nothing, unpacked(expand([str(empty)])):
        pass


# -------------------------------------------------------------------------------- Segment


def segment_rows() -> list[dict[str, Any]]:
    def call(
        kind: str, dt: int, anon: str, user: str | None, mid: str, **kw: Any
    ) -> dict[str, Any]:
        when = f"2026-01-01T10:{dt // 60:02d}:{dt % 60:02d}.000Z"
        return {"type": kind, "anonymousId": anon, "userId": user, "messageId": mid} | (
            {"timestamp": when} | kw
        )

    return [
        call("page", 0, "a1", None, "m1", name="Home", properties={"path": "/"}),
        call("identify", 30, "a1", "u1", "m2", traits={"plan": "pro"}),
        call("track", 60, "a1", "u1", "m3", event="Product Added"),
        call("track", 61, "a1", "u1", "m3", event="Product Added"),  # a retry: same messageId
        call("track", 120, "x9", "u1", "m4", event="Order Completed"),  # u1 on another device
        call("screen", 0, "a2", None, "m5", name="Home"),
    ]


def test_segment_names_calls_stitches_ids_and_counts_identify_calls(tmp_path: Path) -> None:
    f = jsonl(tmp_path / "segment.jsonl", segment_rows())
    m = shop(["page:Home", "screen:Home"], ["Product Added"], ["Order Completed"])
    [r] = ingest(m, [str(f)], options("segment"))
    o = written(r.overlay)
    # persons: {a1, u1, x9} and {a2}; the identify call links a1 to u1 and is no journey step
    assert r.totals.customers == 2
    assert o["left_out"] == {
        "identity": 1,
        "no_customer": 0,
        "bad_timestamp": 0,
        "no_event": 0,
        "duplicate": 1,
        "unmapped": 0,
    }
    tp = by_id(o)
    assert (tp["home"]["entries"], tp["home"]["next"]) == (2, {"cart": 1})
    assert tp["cart"]["conversions"] == 1
    assert o["settings"]["identity"] | {"links": ""} == {
        "columns": ["userId", "anonymousId"],
        "ids": 4,
        "persons": 2,
        "ids_merged": 2,
        "links": "",
    }
    assert o["settings"]["event_naming"]["rules"] == {
        "page": "page:<name>",
        "screen": "screen:<name>",
    }
    assert r.totals.rows == r.totals.mapped + sum(r.totals.left_out.values())


def test_a_page_without_a_name_is_named_by_its_kind(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {
            "type": "page",
            "userId": "u",
            "timestamp": "2026-01-01T10:00:00Z",
            "properties": {"path": "/cart"},
        },
        {"type": "track", "userId": "u", "timestamp": "2026-01-01T10:01:00Z", "event": "Paid"},
    ]
    f = jsonl(tmp_path / "s.jsonl", rows)
    m = shop(["nothing"], [{"name": "page", "where": {"properties.path": "/cart"}}], ["Paid"])
    [r] = ingest(m, [str(f)], options("segment"))
    assert by_id(r.overlay)["cart"]["next"] == {"paid": 1}


# ------------------------------------------------------------------------------- Mixpanel


def test_mixpanel_reads_properties_and_dedups_on_insert_id(tmp_path: Path) -> None:
    def ev(name: str, dt: int, user: str, insert: str) -> dict[str, Any]:
        props = {"time": T0 + dt, "distinct_id": user, "$insert_id": insert}
        return {"event": name, "properties": props}

    rows = [
        ev("home", 0, "u1", "i1"),
        ev("home", 5, "u1", "i1"),  # the same $insert_id sent twice: one event
        ev("cart", 60, "u1", "i2"),
        ev("cart", 60, "u1", "i3"),  # another $insert_id at the same time: another event
        ev("paid", 120, "u1", "i4"),
    ]
    f = jsonl(tmp_path / "mixpanel.jsonl", rows)
    [r] = ingest(shop(["home"], ["cart"], ["paid"]), [str(f)], options("mixpanel"))
    assert (r.totals.events, r.totals.duplicates, r.totals.customers) == (4, 1, 1)
    tp = by_id(r.overlay)
    assert tp["home"]["next"] == {"cart": 1} and tp["cart"]["next"] == {"paid": 1}
    # the retry came 5 s later: the first row's time is kept, so home -> cart is 60 s
    assert tp["home"]["median_seconds_to_next"] == {"cart": 60}


# -------------------------------------------------------------------------------- PostHog


def test_posthog_csv_with_properties_as_json_text(tmp_path: Path) -> None:
    def row(uuid: str, dt: int, user: str, event: str, session: str) -> str:
        props = json.dumps({"$session_id": session, "$current_url": "https://x"})
        when = f"2026-01-01T10:{dt // 60:02d}:00.000000+00:00"
        return f'{uuid},{event},{user},"{props.replace(chr(34), 2 * chr(34))}",{when}'

    lines = [
        "uuid,event,distinct_id,properties,timestamp",
        row("e1", 0, "d", "$pageview", "s1"),
        row("e2", 1, "d", "$autocapture", "s1"),
        row("e3", 2, "d", "$pageview", "s2"),  # a new $session_id two minutes later
        row("e3", 2, "d", "$pageview", "s2"),  # the same uuid again
    ]
    f = tmp_path / "posthog.csv"
    f.write_text("\n".join(lines) + "\n")
    m = shop(["$pageview"], ["$autocapture"], ["never"])
    [r] = ingest(m, [str(f)], options("posthog", journey="session"))
    tp = by_id(r.overlay)
    assert (tp["home"]["entries"], tp["home"]["next"]) == (2, {"cart": 1})
    assert written(r.overlay)["left_out"]["duplicate"] == 1


# ------------------------------------------------------------------------------ overrides


def test_explicit_options_override_a_preset(tmp_path: Path) -> None:
    rows = [{"event": "home", "properties": {"time": (T0 + i) * 1000, "who": "u"}} for i in (0, 1)]
    f = jsonl(tmp_path / "m.jsonl", rows)
    (tmp_path / "shop.yaml").write_text(
        json.dumps(
            json.loads(shop(["home"], ["cart"], ["paid"]).model_dump_json(exclude_none=True))
        )
    )
    out = tmp_path / "o.json"
    r = run_cli(
        *("ingest", str(f), "--map", str(tmp_path / "shop.yaml"), "--preset", "mixpanel"),
        *("--customer-column", "properties.who", "--timestamp-unit", "ms", "-o", str(out), "-q"),
    )
    assert r.code == 0, r.err
    o = json.loads(out.read_text())
    assert o["settings"]["columns"]["customer"] == "properties.who"
    assert (o["settings"]["timestamp_unit"], o["settings"]["preset"]) == ("ms", "mixpanel")
    assert o["time_range"]["start"] == "2026-01-01T10:00:00Z"
    bad = run_cli("ingest", str(f), "--map", str(tmp_path / "shop.yaml"), "--preset", "ga5")
    assert bad.code == 2 and "'ga5' is not one of" in bad.err


def test_unknown_preset_in_the_library_suggests_one() -> None:
    with pytest.raises(SettingError, match="unknown preset 'ga5'") as err:
        preset("ga5")
    assert "'ga4'" in str(err.value.diagnostics[0].hint)
    assert set(PRESETS) == {"ga4", "amplitude", "segment", "mixpanel", "posthog"}
    assert PRESETS["segment"].with_columns(customer="uid").identities == ("anonymousId",)
    assert Columns().naming is None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from journeymap.events.spark import local_session

    session = local_session(codegen=False)
    yield session
    session.stop()


@pytest.mark.spark
@pytest.mark.slow
def test_spark_reads_ga4_records_and_segment_calls_like_duckdb(tmp_path: Path, spark: Any) -> None:
    ga = ga4_files(tmp_path)
    seg = jsonl(tmp_path / "segment.jsonl", segment_rows())
    segment_map = shop(["page:Home", "screen:Home"], ["Product Added"], ["Order Completed"])
    for m, files, name in (
        (ga4_map(), [str(ga["json"]), str(ga["parquet"])], "ga4"),
        (segment_map, [str(seg)], "segment"),
    ):
        duck = ingest(m, files, options(name))
        spk = ingest(m, files, options(name), engine="spark", spark=spark)
        assert written(duck[0].overlay) == written(spk[0].overlay), name


def test_the_presets_section_of_the_docs_runs_and_matches_the_presets() -> None:
    assert run_python_examples(ROOT / "docs" / "events.md") >= 1
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    section = text[text.index("## Presets") : text.index("## No row is lost in silence")]
    for name, p in PRESETS.items():
        [line] = [ln for ln in section.splitlines() if ln.startswith(f"| `{name}` |")]
        c = p.columns
        for column in (c.customer, c.timestamp, *c.identities, c.session, c.dedup):
            if column is not None:
                assert f"`{column}`" in line, (name, column)
