"""Each analytics tool's export sample, ingested with its preset, against the pandas reference.

The samples (tests/data/exports/, written by generate.py from the published schemas) tell one
story of four people; GA4's holds the first two. ``reference_exports`` reads them by their schema
and counts them by docs/events.md; here ``journeymap ingest --preset`` must agree on every count,
with no row left out (Mixpanel's re-sent row is the one duplicate).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.data.exports import generate
from tests.events.reference_exports import Expected, expected
from tests.support import ROOT, run_cli

EXPORTS = ROOT / "tests" / "data" / "exports"
MAP = EXPORTS / "shop.yaml"
LOST_AFTER = "3d"
SUMMARY = re.compile(r"(\d+) rows read, (\d+) events of (\d+) customers")

SAMPLES = [
    ("ga4", "ga4/events.parquet"),
    ("ga4", "ga4/events.jsonl"),
    ("ga4", "ga4/events.csv"),
    ("amplitude", "amplitude/hourly/*.json.gz"),
    ("amplitude", "amplitude/export.zip"),
    ("segment", "segment/events.jsonl"),
    ("mixpanel", "mixpanel/export.jsonl"),
    ("posthog", "posthog/events.csv"),
    ("posthog", "posthog/events.jsonl"),
]

FIRST_OF_EACH = [next(s for s in SAMPLES if s[0] == tool) for tool in dict(SAMPLES)]
"""One sample per tool (its first format), for the slower discover round trip."""

_HAS_PRESET: list[bool] = []


def has_preset() -> bool:
    """Whether this checkout's ``ingest`` has ``--preset`` (the presets slice of issue 13)."""
    if not _HAS_PRESET:
        _HAS_PRESET.append("--preset" in run_cli("ingest", "--help").out)
    return _HAS_PRESET[0]


needs_preset = pytest.mark.skipif("not has_preset()", reason="ingest has no --preset yet")


def sample_files(pattern: str) -> list[Path]:
    return sorted(EXPORTS.glob(pattern))


def ingest(tool: str, pattern: str, out: Path, *extra: str) -> tuple[dict[str, Any], list[int]]:
    """Run ``ingest --preset`` on a sample: the JSON overlay and the summary's three numbers."""
    r = run_cli(
        "ingest",
        str(EXPORTS / pattern),
        "--map",
        str(MAP),
        "--preset",
        tool,
        "--lost-after",
        LOST_AFTER,
        "--format",
        "json",
        "-o",
        str(out),
        *extra,
    )
    assert r.code == 0, r.err
    found = SUMMARY.search(r.err)
    assert found, r.err
    return json.loads(out.read_text(encoding="utf-8")), [int(g) for g in found.groups()]


def flow(tp: dict[str, Any]) -> dict[str, Any]:
    """The counts the reference and ingest both give per touchpoint."""
    keys = ("entries", "visits", "next", "exits", "in_progress", "conversions")
    return {k: tp[k] for k in keys}


# ------------------------------------------------------------------ the samples themselves


def test_committed_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    written = generate.write(tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        p.relative_to(EXPORTS).as_posix()
        for p in EXPORTS.rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    }
    for path in written:
        rel = path.relative_to(tmp_path)
        assert (EXPORTS / rel).read_bytes() == path.read_bytes(), f"regenerate {rel}"


def test_samples_follow_the_published_shapes() -> None:
    ga4 = json.loads((EXPORTS / "ga4/events.jsonl").read_text().splitlines()[0])
    assert ga4["event_timestamp"] == "1793610000250000"  # microseconds, as text in JSON
    assert ga4["event_params"][0] == {
        "key": "ga_session_id",
        "value": {
            "string_value": None,
            "int_value": "1793610000",
            "float_value": None,
            "double_value": None,
        },
    }
    segment = [json.loads(s) for s in (EXPORTS / "segment/events.jsonl").read_text().splitlines()]
    assert {c["type"] for c in segment} == {"page", "screen", "track", "identify"}
    assert all(c["userId"] and c["anonymousId"] for c in segment if c["type"] == "identify")
    mixpanel = (EXPORTS / "mixpanel/export.jsonl").read_text().splitlines()
    assert mixpanel[-1] in mixpanel[:-1]  # the re-sent row
    rows = (EXPORTS / "bad/posthog-bad-timestamps.csv").read_text().splitlines()[1:]
    assert sum(bool(re.search(r",\d\d/\d\d/2026 ", r)) for r in rows) / len(rows) == 0.3
    doc = yaml.safe_load(MAP.read_text())
    assert doc["id"] == "export-shop"


def test_reference_counts_the_ga4_story_as_worked_by_hand() -> None:
    """Ada (3 sessions, two devices, logs in at the second) and Ben (4 sessions, never logs in).

    Ada: home, product x3 (one visit) | home, product, cart, checkout, purchase | (phone) home,
    product x2 (one visit; in progress: within 3 days of the end, which is hers).
    Ben: home, product x2 | home, product, cart | product, cart x2 | (8 minutes later, a new
    ga_session_id) cart, checkout: a return cart -> cart, and an exit at the checkout (6 days
    before the end). Visits: home 3+2, product 3+3, cart 1+3, checkout 1+1, purchase 1.
    """
    ref = expected("ga4", sample_files("ga4/events.jsonl"), MAP, lost_after_s=3 * 86400)
    assert (ref.rows, ref.events, ref.customers, ref.merged_ids) == (23, 23, 2, 2)
    assert sum(ref.left_out.values()) == 0
    assert {tp: flow(c) for tp, c in ref.touchpoints.items()} == {
        "home": flow_of(2, 5, {"product": 5}),
        "product": flow_of(0, 6, {"home": 2, "cart": 3}, in_progress=1),
        "cart": flow_of(0, 4, {"checkout": 2, "product": 1, "cart": 1}),
        "checkout": flow_of(0, 2, {"purchase": 1}, exits=1, conversions=1),
        "purchase": flow_of(0, 1, {"home": 1}),
    }


def flow_of(
    entries: int,
    visits: int,
    nxt: dict[str, int],
    *,
    exits: int = 0,
    in_progress: int = 0,
    conversions: int = 0,
) -> dict[str, Any]:
    return {
        "entries": entries,
        "visits": visits,
        "next": nxt,
        "exits": exits,
        "in_progress": in_progress,
        "conversions": conversions,
    }


def test_every_tool_tells_the_same_story_to_the_reference() -> None:
    """The readers agree: each tool's sample of the four people gives the same flow, up to
    Ben's reopened app, a new session only where the rows carry session ids."""
    flows = {
        tool: json.dumps(
            {
                tp: flow(c)
                for tp, c in expected(
                    tool, sample_files(pattern), MAP, lost_after_s=3 * 86400
                ).touchpoints.items()
            },
            sort_keys=True,
        )
        for tool, pattern in SAMPLES
        if tool != "ga4"
    }
    assert flows["amplitude"] == flows["posthog"] != flows["segment"] == flows["mixpanel"]
    by_key = json.loads(flows["amplitude"])
    by_timeout = json.loads(flows["segment"])
    assert by_key["cart"]["next"] == {**by_timeout["cart"]["next"], "cart": 1}
    assert by_key["cart"]["visits"] == by_timeout["cart"]["visits"] + 1


# -------------------------------------------------------------------- ingest --preset


@needs_preset
@pytest.mark.slow
@pytest.mark.parametrize(("tool", "pattern"), SAMPLES)
def test_preset_counts_match_the_reference(tmp_path: Path, tool: str, pattern: str) -> None:
    ref: Expected = expected(tool, sample_files(pattern), MAP, lost_after_s=3 * 86400)
    doc, (rows, events, customers) = ingest(tool, pattern, tmp_path / "o.json")
    assert (events, customers) == (ref.events, ref.customers)
    assert rows == ref.rows + ref.identity_rows  # identify calls are read, and are no events
    left_out = dict(doc["left_out"])
    assert left_out.pop("identity", 0) == ref.identity_rows  # Segment's identify calls
    assert left_out == ref.left_out
    assert doc["bad_rows"] == 0
    identity = doc["settings"].get("identity") or {"ids_merged": 0, "persons": ref.customers}
    assert (identity["ids_merged"], identity["persons"]) == (ref.merged_ids, ref.customers)
    assert {tp: flow(c) for tp, c in doc["touchpoints"].items() if c["visits"]} == {
        tp: flow(c) for tp, c in ref.touchpoints.items()
    }


@needs_preset
@pytest.mark.slow
def test_ga4_has_two_customers_and_no_bad_rows(tmp_path: Path) -> None:
    doc, (rows, events, customers) = ingest("ga4", "ga4/events.parquet", tmp_path / "o.json")
    assert (rows, events, customers, doc["bad_rows"]) == (23, 23, 2, 0)


@needs_preset
@pytest.mark.slow
def test_ga4_event_params_in_where_rules(tmp_path: Path) -> None:
    """``event_params.page_location`` reads whichever typed value is set (string_value here)."""
    doc = yaml.safe_load(MAP.read_text())
    home = doc["stages"][0]["touchpoints"][0]
    home["events"] = [
        {"name": "page_view", "where": {"event_params.page_location": r"https://shop\.example/"}}
    ]
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(doc))
    for pattern in ("ga4/events.parquet", "ga4/events.jsonl", "ga4/events.csv"):
        r = run_cli(
            "ingest",
            str(EXPORTS / pattern),
            "--map",
            str(tmp_path / "m.yaml"),
            "--preset",
            "ga4",
            "--format",
            "json",
        )
        assert r.code == 0, r.err
        assert json.loads(r.out)["touchpoints"]["home"]["visits"] == 5, pattern


BAD_LINES = [3, 6, 9, 12, 15]
"""The first five unreadable rows of the bad log (the header is line 1; rows 1, 4, 7, ... from 0)."""


@pytest.mark.slow
@pytest.mark.parametrize(
    "how",
    [
        ["--preset", "posthog"],
        ["--customer-column", "distinct_id", "--event-column", "event"],
    ],
    ids=["preset", "columns"],
)
def test_a_log_with_30_percent_bad_timestamps_exits_2(tmp_path: Path, how: list[str]) -> None:
    if how[0] == "--preset" and not has_preset():
        pytest.skip("ingest has no --preset yet")
    bad = EXPORTS / "bad" / "posthog-bad-timestamps.csv"
    out = tmp_path / "o.json"
    r = run_cli("ingest", str(bad), "--map", str(MAP), "-q", "-o", str(out), *how)  # -q hides none
    assert r.code == 2, r.err
    assert "Traceback" not in r.err
    assert "6" in r.err and "unreadable timestamp" in r.err, r.err
    for line in BAD_LINES:
        assert f"line {line}" in r.err, r.err
    assert "line 18" not in r.err  # the first five only
    assert not out.exists()


@pytest.mark.slow
def test_posthog_with_columns_named_matches_the_reference(tmp_path: Path) -> None:
    """Without a preset (no stitching needed: one distinct_id per person), on any checkout."""
    ref = expected("posthog", sample_files("posthog/events.csv"), MAP, lost_after_s=3 * 86400)
    out = tmp_path / "o.json"
    r = run_cli(
        "ingest",
        str(EXPORTS / "posthog/events.csv"),
        "--map",
        str(MAP),
        "--customer-column",
        "distinct_id",
        "--session-column",
        "properties.$session_id",
        "--lost-after",
        LOST_AFTER,
        "-o",
        str(out),
    )
    assert r.code == 0, r.err
    doc = json.loads(out.read_text())
    assert doc["left_out"] == ref.left_out
    assert {tp: flow(c) for tp, c in doc["touchpoints"].items()} == {
        tp: flow(c) for tp, c in ref.touchpoints.items()
    }


@needs_preset
@pytest.mark.slow
@pytest.mark.parametrize(("tool", "pattern"), FIRST_OF_EACH)
def test_discover_with_a_preset(tmp_path: Path, tool: str, pattern: str) -> None:
    """A draft from the export, and the export counted onto it, persons stitched."""
    draft = tmp_path / "draft.yaml"
    goal = generate.NAMES[tool]["purchase"]
    r = run_cli(
        "discover", str(EXPORTS / pattern), "--preset", tool, "--goal", goal, "-o", str(draft)
    )
    assert r.code == 0, r.err
    assert run_cli("validate", str(draft)).code == 0
    ref = expected(tool, sample_files(pattern), MAP, lost_after_s=3 * 86400)
    r = run_cli("ingest", str(EXPORTS / pattern), "--map", str(draft), "--preset", tool)
    assert r.code == 0, r.err
    found = SUMMARY.search(r.err)
    assert found and int(found.group(3)) == ref.customers, r.err


DOCS = ROOT / "docs" / "events.md"


def preset_examples() -> list[tuple[str, list[str]]]:
    """Each ``$ journeymap ... --preset`` command of docs/events.md with the lines shown under it."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            if line.startswith("$ journeymap "):
                found.append((line[2:], []))
            elif found and line.strip():
                found[-1][1].append(line)
    return [(command, shown) for command, shown in found if "--preset" in command]


@needs_preset
@pytest.mark.slow
def test_the_tool_sections_of_the_event_docs_run(tmp_path: Path) -> None:
    """Run from the repository's root as the docs say (test_docs_events runs the others)."""
    examples = preset_examples()
    assert len(examples) >= 9
    for command, shown in examples:
        args = [
            str(ROOT / a) if a.startswith(("tests/", "maps/")) else a
            for a in shlex.split(command)[1:]
        ]
        r = run_cli(*args, cwd=tmp_path)
        assert r.code == 0, f"{command}\n{r.err}"
        for line in shown:
            assert line in r.out + r.err, f"{command}\n{r.err}"
    outputs = ["ga4.json", "ga4-json.json", "ga4-csv.json"]
    docs = [json.loads((tmp_path / name).read_text()) for name in outputs]
    assert all(d["touchpoints"] == docs[0]["touchpoints"] for d in docs)
