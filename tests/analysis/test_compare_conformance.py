"""Comparison of two periods or scenarios, and conformance of an overlay from events."""

from __future__ import annotations

import json

import pytest

from journeymap.analysis import analyze, compare
from journeymap.analysis.results import UndeclaredTransition, UnusedTransition
from journeymap.graph import build_graph
from journeymap.io import load_map
from tests.support import MAPS, WriteFile, run_cli

MAP = """journeymap: 1
id: shop
title: Shop
period: 2026-Q3
value_per_conversion: 20
stages:
  - id: s
    name: S
    touchpoints:
      - {id: ad, name: Ad, entries: 100, next: {cart: 50, help: 10}}
      - {id: help, name: Help, next: {cart: 5}}
      - {id: cart, name: Cart, formerly: [basket], next: {paid: 30}}
      - {id: paid, name: Paid, goal: true}
"""
OVERLAY = """journeymap-data: 1
map: shop
period: 2026-Q2
coverage: 0.97
unmapped: {page_view_other: 40}
touchpoints:
  ad: {entries: 200, next: {cart: 80, paid: 4}}
  cart: {next: {paid: 40, ad: 6}}
"""


def test_conformance_lists_undeclared_and_unused(write: WriteFile) -> None:
    m = write("shop.yaml", MAP)
    o = write("q2.yaml", OVERLAY)
    loaded = load_map(m, data=o)
    a = analyze(build_graph(loaded.map, loaded.overlay), samples=0)
    c = a.conformance
    assert c is not None
    assert c.undeclared_transitions == (
        UndeclaredTransition("ad", "paid", 4),
        UndeclaredTransition("cart", "ad", 6),
    )
    assert c.undeclared_share == pytest.approx(10 / 130)
    assert c.unused_transitions == (
        UnusedTransition("ad", "help"),
        UnusedTransition("help", "cart"),
    )
    assert c.unused_touchpoints == ("help",)
    assert c.coverage == 0.97 and c.unmapped == {"page_view_other": 40}
    assert a.to_dict()["conformance"]["undeclared_transitions"][0] == {
        "from": "ad",
        "to": "paid",
        "count": 4,
    }
    assert sum(w.code == "JM512" for w in a.warnings) == 2
    # undeclared transitions still count as flow: 4 + 40 conversions
    assert a.summary.conversions == 44
    assert analyze(build_graph(loaded.map), samples=0).conformance is None


def test_compare_two_periods_by_hand(write: WriteFile) -> None:
    m = write("shop.yaml", MAP)
    o = write("q2.yaml", OVERLAY)
    q3 = analyze(build_graph(load_map(m).map), samples=0)
    loaded = load_map(m, data=o)
    q2 = analyze(build_graph(loaded.map, loaded.overlay), samples=0)
    c = compare(q2, q3)
    assert c.a.period == "2026-Q2" and c.b.period == "2026-Q3"
    conv = c.summary.conversion_probability
    assert conv.a == pytest.approx(44 / 200) and conv.b == pytest.approx(30 / 100)
    assert conv.change == pytest.approx(0.3 - 0.22)
    cart = next(t for t in c.touchpoints if t.id == "cart")
    assert cart.a is not None and cart.b is not None and cart.change is not None
    # Q2 cart: 80 visits + 0 -> 40 paid, 6 back, 34 exits; Q3: 55 visits, 30 paid, 25 exits
    assert cart.a.drop_off == pytest.approx(34 / 80)
    assert cart.b.drop_off == pytest.approx(25 / 55)
    assert cart.change.drop_off == pytest.approx(25 / 55 - 34 / 80)


def test_compare_matches_renamed_touchpoints(write: WriteFile) -> None:
    head = MAP.split("      - {id: ad")[0]
    old = write(
        "old.yaml",
        head
        + """      - {id: ad, name: Ad, entries: 100, next: {basket: 50, help: 10}}
      - {id: help, name: Help, next: {basket: 5}}
      - {id: basket, name: Basket, next: {paid: 30}}
      - {id: paid, name: Paid, goal: true}
""",
    )
    new = write(
        "new.yaml",
        head
        + """      - {id: ad, name: Ad, entries: 100, next: {cart: 50}}
      - {id: cart, name: Cart, formerly: [basket], next: {paid: 30}}
      - {id: paid, name: Paid, goal: true}
""",
    )
    c = compare(
        analyze(build_graph(load_map(old).map), samples=0),
        analyze(build_graph(load_map(new).map), samples=0),
    )
    status = {t.id: t.status for t in c.touchpoints}
    assert status == {"ad": "COMPARED", "help": "REMOVED", "cart": "RENAMED", "paid": "COMPARED"}
    cart = next(t for t in c.touchpoints if t.id == "cart")
    assert cart.formerly == "basket" and cart.change is not None and cart.change.visits == 50 - 55
    # the JSON keeps the row shapes: formerly on matched rows only (null when COMPARED)
    rows = {t["id"]: t for t in c.to_dict()["touchpoints"]}
    assert list(rows["help"]) == ["id", "status", "a", "b", "change"]
    assert list(rows["ad"]) == ["id", "status", "formerly", "a", "b", "change"]
    assert rows["ad"]["formerly"] is None and rows["help"]["b"] is None


def test_cli_compare_with_the_previous_quarter() -> None:
    r = run_cli(
        "analyze",
        str(MAPS / "first-purchase.yaml"),
        "--compare-data",
        str(MAPS / "overlays" / "first-purchase.2026-Q2.yaml"),
        "--format",
        "json",
        "--samples",
        "0",
    )
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["a"]["period"] == "2026-Q2" and doc["b"]["period"] == "2026-Q3"
    checkout = next(t for t in doc["touchpoints"] if t["id"] == "checkout")
    # the overlay's comment: 4850 of 5680 went on to payment in Q2, 4700 of 5900 in Q3
    assert checkout["change"]["drop_off"] > 0.04
    md = run_cli(
        "analyze",
        str(MAPS / "first-purchase.yaml"),
        "--compare-scenario",
        "to-be",
        "--format",
        "markdown",
        "--samples",
        "0",
    )
    assert md.code == 0 and md.out.startswith("## Comparison: as written vs to-be")


def test_the_typed_comparison_is_the_json_the_cli_writes() -> None:
    """``compare(...).to_dict()`` is, key for key and value for value, the document
    ``analyze --compare-data --format json`` writes; and one typed figure, worked by hand: a
    touchpoint's change of drop-off is b - a."""
    q2_overlay = MAPS / "overlays" / "first-purchase.2026-Q2.yaml"
    r = run_cli(
        "analyze",
        str(MAPS / "first-purchase.yaml"),
        "--compare-data",
        str(q2_overlay),
        "--format",
        "json",
        "--samples",
        "0",
    )
    assert r.code == 0, r.err
    path = MAPS / "first-purchase.yaml"
    loaded = load_map(path, data=q2_overlay)
    q2 = analyze(build_graph(loaded.map, loaded.overlay), samples=0)
    q3 = analyze(build_graph(load_map(path).map), samples=0)
    c = compare(q2, q3)
    assert c.to_dict() == json.loads(r.out)
    assert json.dumps(c.to_dict(), ensure_ascii=False, indent=2) + "\n" == r.out
    row = next(t for t in c.touchpoints if t.id == "checkout")
    assert row.status == "COMPARED" and row.change is not None
    # by hand, from the overlay's comment: 4850 of 5680 went on to payment in Q2 (830 exits),
    # 4700 of 5900 in Q3 (1200 exits)
    assert row.change.drop_off == pytest.approx(1200 / 5900 - 830 / 5680, abs=1e-9)
    assert (q2.touchpoint("checkout").departures, q3.touchpoint("checkout").departures) == (
        5680,
        5900,
    )


def test_persona_and_scenario_are_in_settings() -> None:
    path = MAPS / "first-purchase.yaml"
    loaded = load_map(path)
    persona = loaded.map.personas[0].id if loaded.map.personas else None
    if persona is None:
        pytest.skip("the example map has no persona")
    r = run_cli(
        "analyze",
        str(path),
        "--persona",
        persona,
        "--scenario",
        "to-be",
        "--format",
        "json",
        "--samples",
        "0",
    )
    assert r.code == 0, r.err
    s = json.loads(r.out)["settings"]
    assert (s["persona"], s["scenario"]) == (persona, "to-be")


def test_same_period_comparison_uses_file_labels(write: WriteFile) -> None:
    m = write("shop.yaml", MAP)
    o = write("q3b.yaml", OVERLAY.replace("2026-Q2", "2026-Q3"))
    r = run_cli("analyze", str(m), "--compare-data", str(o), "--samples", "0")
    assert r.code == 0, r.err
    assert r.out.startswith(f"Comparison: {o} (a) vs {m} (b)")
