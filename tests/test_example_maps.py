"""The example maps in maps/: valid, flow-conserving, schema-valid, and translated faithfully."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from journeymap import graph as g
from journeymap.io import load_map
from journeymap.io.loader import is_map_document
from journeymap.io.yamlsafe import parse_yaml
from journeymap.model import JourneyMap
from journeymap.source import SourceText
from tests.conftest import MAPS, ROOT

MAP_FILES = sorted(p for p in MAPS.rglob("*.yaml") if is_map_document(p))
MAP_IDS = [str(p.relative_to(MAPS)) for p in MAP_FILES]
SCHEMA = json.loads((ROOT / "docs" / "schema" / "journeymap.schema.json").read_text(encoding="utf-8"))
OVERLAY_SCHEMA = json.loads((ROOT / "docs" / "schema" / "overlay.schema.json").read_text(encoding="utf-8"))


def _scenarios(path: Path) -> list[str | None]:
    return [None, *load_map(path).map.scenarios]


def _as_json(path: Path) -> Any:
    """The file as written, through JSON (as an editor's schema validator sees it)."""
    raw = parse_yaml(path.read_bytes(), str(path), SourceText())
    return json.loads(json.dumps(raw))


def test_the_expected_maps_are_there() -> None:
    names = set(MAP_IDS)
    for expected in ("first-purchase.yaml", "support.yaml", "retention.yaml"):
        assert expected in names


@pytest.mark.parametrize("path", MAP_FILES, ids=MAP_IDS)
def test_map_loads_without_warnings(path: Path) -> None:
    loaded = load_map(path)
    assert loaded.warnings == []
    assert loaded.map.goals, "every example map has a goal"


@pytest.mark.parametrize("path", MAP_FILES, ids=MAP_IDS)
def test_modeline_points_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    depth = len(path.relative_to(ROOT).parts) - 1
    assert first == f"# yaml-language-server: $schema={'../' * depth}docs/schema/journeymap.schema.json"
    assert (path.parent / first.split("=", 1)[1]).resolve() == (ROOT / "docs/schema/journeymap.schema.json")


@pytest.mark.parametrize("path", MAP_FILES, ids=MAP_IDS)
def test_map_is_valid_against_the_published_schema(path: Path) -> None:
    jsonschema.validate(_as_json(path), SCHEMA)


def _independent_exits(jm: JourneyMap) -> dict[str, int]:
    """visits - transitions out, worked out from the model without the graph module."""
    inbound: dict[str, int] = {tp.id: 0 for _, tp in jm.iter_touchpoints()}
    for _, tp in jm.iter_touchpoints():
        for target, count in tp.transitions.items():
            assert count is not None, f"{tp.id} -> {target} has no count"
            inbound[target] += count
    out = {}
    for _, tp in jm.iter_touchpoints():
        visits = (tp.entries or 0) + inbound[tp.id]
        out[tp.id] = visits - sum(c or 0 for c in tp.transitions.values())
    return out


@pytest.mark.parametrize("path", MAP_FILES, ids=MAP_IDS)
def test_flow_is_conserved_exactly_in_every_scenario(path: Path) -> None:
    for scenario in _scenarios(path):
        loaded = load_map(path, scenario=scenario)
        G = g.build_graph(loaded.map)
        residuals = {n: d[g.FLOW_RESIDUAL] for n, d in G.nodes(data=True)}
        assert residuals == dict.fromkeys(residuals, 0), (scenario, residuals)
        exits = _independent_exits(loaded.map)
        assert min(exits.values()) >= 0, (scenario, exits)
        assert {n: G.nodes[n][g.EXITS] for n in G} == exits
        assert G.graph[g.HAS_COUNTS]


@pytest.mark.parametrize("path", MAP_FILES, ids=MAP_IDS)
def test_every_scenario_loads(path: Path) -> None:
    base = load_map(path).map
    for name, scenario in base.scenarios.items():
        patched = load_map(path, scenario=name).map
        ids = set(patched.touchpoints)
        assert not ids & set(scenario.remove)
        for added in scenario.add.values():
            assert {tp["id"] for tp in added} <= ids


def test_first_purchase_numbers() -> None:
    """The figures the other helpers' tests rely on, worked out by hand from the file."""
    G = g.build_graph(load_map(MAPS / "first-purchase.yaml").map)
    assert sum(d[g.ENTRIES] for _, d in G.nodes(data=True)) == 38000 + 15000 + 18000 + 4200 + 3000 + 9000
    assert G.graph[g.GOALS] == ["order-confirmation"]
    assert G.nodes["order-confirmation"][g.VISITS] == 4150
    # product page: arrivals from the five discovery sources, home, reviews, assistant and cart
    assert G.nodes["product-page"][g.VISITS] == 6200 + 7400 + 6100 + 1900 + 700 + 10400 + 2900 + 1100 + 1800
    assert G.nodes["product-page"][g.EXITS] == 38500 - (9100 + 4800 + 1600)
    assert G.nodes["payment"][g.CONVERSIONS] == 4150
    assert G.has_edge("cart", "product-page") and G.has_edge("payment", "checkout")  # loops
    assert G.graph[g.PERIOD] == "2026-Q3" and G.graph[g.CURRENCY] == "EUR"
    to_be = g.build_graph(load_map(MAPS / "first-purchase.yaml", scenario="to-be").map)
    assert "payment" not in to_be and "express-checkout" in to_be
    assert to_be.nodes["order-confirmation"][g.VISITS] == 4600 + 1250


def test_first_purchase_personas_come_from_the_shared_include() -> None:
    loaded = load_map(MAPS / "first-purchase.yaml")
    assert [p.id for p in loaded.map.personas] == ["bargain-hunter", "busy-parent", "gift-buyer"]
    assert MAPS / "shared" / "personas.yaml" in loaded.files
    assert all(p.segment for p in loaded.map.personas)


def test_support_map_has_service_times() -> None:
    jm = load_map(MAPS / "support.yaml").map
    timed = {tp.id for _, tp in jm.iter_touchpoints() if tp.business is not None}
    assert {"live-chat", "phone-hotline", "email-ticket", "first-line-agent", "specialist-team"} <= timed
    chat = jm.touchpoints["live-chat"].business
    assert chat is not None and chat.first_response_time is not None
    assert chat.first_response_time.unit == "minutes" and len(chat.first_response_time.samples or []) == 20
    assert jm.goals == ["issue-resolved"]


def test_retention_map_loops_back_through_the_retargeting_email() -> None:
    import networkx as nx

    jm = load_map(MAPS / "retention.yaml").map
    G = g.build_graph(jm)
    assert jm.goals == ["repeat-purchase"]
    cycles = [c for c in nx.simple_cycles(G) if "retargeting-email" in c]
    assert sorted(map(sorted, cycles)) == [["repeat-cart", "retargeting-email"],
                                           ["repeat-cart", "retargeting-email", "shop-return"],
                                           ["retargeting-email", "shop-return"]]
    b = jm.business
    assert b is not None
    assert (b.customers_start, b.customers_end, b.new_customers) == (18400, 19100, 4150)
    assert b.repeat_customers == 2300 and b.ordering_customers == 6100
