"""`journeymap analyze` on every example map and on bad input (exit codes, messages)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from journeymap.io import is_map_document
from tests.support import MAPS, WriteFile, run_cli

EXAMPLE_MAPS = sorted(p for p in MAPS.rglob("*.yaml") if is_map_document(p))
REQUIRED = {
    "settings": ["unit", "period", "confidence", "samples", "seed", "goal", "scenario", "persona"],
    "summary": [
        "entries",
        "conversions",
        "conversions_by_goal",
        "exits",
        "conversion_probability",
        "unknown_probability",
    ],
}
TOUCHPOINT_KEYS = [
    "id",
    "stage",
    "visits",
    "exits",
    "drop_off",
    "drop_off_interval",
    "conversion_probability",
    "expected_visits",
    "reach_probability",
    "removal_effect",
    "flow_residual",
    "departures",
    "customers",
    "conversions",
    "name",
    "after_goal",
]
LEAK_KEYS = [
    "rank",
    "touchpoint",
    "exits",
    "lost_conversions",
    "lost_conversions_interval",
    "lost_value",
    "what_if",
    "removal_effect",
    "probability_top",
    "best_next",
    "survey",
]
EDGE_KEYS = ["from", "to", "count", "probability", "sensitivity", "declared"]


@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.stem)
def test_example_map_json_has_the_contract(path: Path) -> None:
    r = run_cli("analyze", str(path), "--format", "json", "--samples", "200")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    for section, keys in REQUIRED.items():
        for key in keys:
            assert key in doc[section], (section, key)
    for t in doc["touchpoints"]:
        assert all(k in t for k in TOUCHPOINT_KEYS)
    for lk in doc["leaks"]:
        assert all(k in lk for k in LEAK_KEYS)
        assert {"percent", "extra_conversions", "extra_value"} <= set(lk["what_if"])
    assert [lk["rank"] for lk in doc["leaks"]] == list(range(1, len(doc["leaks"]) + 1))
    for e in doc["edges"]:
        assert all(k in e for k in EDGE_KEYS)
    for s in doc["stages"]:
        assert "id" in s and "reach_probability" in s
    for a in doc["after_goal"]:
        assert {"id", "visits", "exits", "drop_off"} <= set(a)
    for key in ("metrics", "surveys", "warnings"):
        assert key in doc
    assert all(w["code"].startswith("JM5") for w in doc["warnings"])
    assert "NaN" not in r.out and "Infinity" not in r.out


@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.stem)
def test_example_map_table_markdown_csv(path: Path) -> None:
    """The same document the CLI prints, rendered in every format (in-process: fast)."""
    from journeymap.analysis import analyze
    from journeymap.graph import build_graph
    from journeymap.io import load_map
    from journeymap.report.analysis import render_analysis

    loaded = load_map(path)
    result = analyze(build_graph(loaded.map, loaded.overlay), samples=100)
    doc = result.to_dict()
    table = render_analysis(result, "table")
    md = render_analysis(result, "markdown")
    assert md.startswith("## Leak analysis: ")
    assert "### Touchpoints" in md and "nan" not in md.lower().split()
    rows = list(csv.DictReader(io.StringIO(render_analysis(result, "csv"))))
    assert [r["touchpoint"] for r in rows] == [lk["touchpoint"] for lk in doc["leaks"]]
    assert json.loads(render_analysis(result, "json")) == doc
    if doc["leaks"] and doc["leaks"][0]["lost_conversions"] is not None:
        assert "who would otherwise have" in table
        assert "Where customers leave" in table
        top = doc["leaks"][0]
        assert f"{top['name']} lost " in table


@pytest.mark.slow
def test_starter_plain_words_and_period() -> None:
    r = run_cli("analyze", str(MAPS / "starter-shop.yaml"), "--samples", "0")
    assert (
        "Product page lost 267 customers in 2026-Q3 who would otherwise have reached "
        "Order confirmed: about 13,000 EUR." in r.out
    )
    assert "per month" not in r.out


def test_no_period_never_says_in(write: WriteFile) -> None:
    p = write(
        "m.yaml",
        "journeymap: 1\nid: m\ntitle: M\nvalue_per_conversion: 10\nstages:\n"
        "  - id: s\n    name: S\n    touchpoints:\n"
        "      - {id: cart, name: Cart, entries: 100, next: {paid: 60}}\n"
        "      - {id: paid, name: Paid, goal: true}\n",
    )
    r = run_cli("analyze", str(p), "--samples", "0")
    assert r.code == 0, r.err
    assert "Cart lost 40 customers who would otherwise have reached Paid: about 400." in r.out


def test_closed_loop_exits_2_naming_touchpoints(write: WriteFile) -> None:
    p = write(
        "loop.yaml",
        "journeymap: 1\nid: m\ntitle: M\nstages:\n"
        "  - id: s\n    name: S\n    touchpoints:\n"
        "      - {id: start, name: Start, entries: 10, next: {paid: 10}}\n"
        "      - {id: x, name: X, next: {y: 10}}\n"
        "      - {id: y, name: Y, next: {x: 10}}\n"
        "      - {id: paid, name: Paid, goal: true}\n",
    )
    r = run_cli("analyze", str(p))
    assert r.code == 2
    assert "the journey cannot end from 'x', 'y'" in r.err
    assert "Traceback" not in r.err


@pytest.mark.slow
def test_bad_goal_and_target_exit_2() -> None:
    starter = str(MAPS / "starter-shop.yaml")
    r = run_cli("analyze", starter, "--goal", "order-confirmd")
    assert r.code == 2 and "did you mean 'order-confirmed'?" in r.err
    r = run_cli("analyze", starter, "--what-if-target", "cart")
    assert r.code == 2 and "is not FROM=TO" in r.err
    r = run_cli("analyze", starter, "--what-if-target", "cart=order-confirmed")
    assert r.code == 2 and "'order-confirmed' is not a next touchpoint of 'cart'" in r.err


@pytest.mark.slow
def test_output_file_and_refuses_to_overwrite_input(tmp_path: Path) -> None:
    starter = MAPS / "starter-shop.yaml"
    target = tmp_path / "out.md"
    r = run_cli("analyze", str(starter), "--format", "markdown", "-o", str(target), "--quiet")
    assert r.code == 0 and r.out == "" and r.err == ""
    assert target.read_text(encoding="utf-8").startswith("## Leak analysis")
    r = run_cli("analyze", str(starter), "-o", str(starter))
    assert r.code == 2 and "refusing to overwrite the input file" in r.err


def test_same_input_same_bytes() -> None:
    starter = str(MAPS / "starter-shop.yaml")
    one = run_cli("analyze", starter, "--format", "json", "--samples", "300")
    two = run_cli("analyze", starter, "--format", "json", "--samples", "300")
    assert one.out == two.out
