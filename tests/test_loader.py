"""Loader behaviour: includes, scenarios, overlays, personas, positions, round trips."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.errors import MapError, UsageError
from journeymap.graph import (
    CONVERSIONS,
    COUNT,
    DECLARED,
    ENTRIES,
    EXITS,
    EXITS_DECLARED,
    FLOW_RESIDUAL,
    VISITS,
    build_graph,
)
from journeymap.io import dump_map, load_map, parse_yaml
from journeymap.model import JourneyMap
from tests.support import ROOT, run_cli

SHOP = """\
journeymap: 1
id: shop
title: Shop
period: 2026-Q3
personas:
  - id: hunter
    name: Bargain hunter
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: ad
        name: Ad
        entries: 1000
        emotion: {hunter: 1}
        next: {product: 600}
      - id: product
        name: Product
        next: {cart: 300}
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        next: {checkout: 200, product: 50}
      - id: checkout
        name: Checkout
        next: {paid: 150}
      - id: paid
        name: Paid
        goal: true
scenarios:
  to-be:
    description: One-page checkout
    remove: [cart]
    touchpoints:
      product: {next: {checkout: 260}}
    add:
      buy:
        - id: express
          name: Express pay
          entries: 40
          next: {paid: 30}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_graph_numbers_from_map(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(SHOP, encoding="utf-8")
    G = build_graph(load_map(path).map)
    assert G.nodes["product"][VISITS] == 650
    assert G.nodes["product"][EXITS] == 350
    assert G.nodes["cart"][EXITS] == 50
    assert G.nodes["checkout"][CONVERSIONS] == 150
    assert not G.nodes["checkout"][EXITS_DECLARED]
    assert all(G.nodes[n][FLOW_RESIDUAL] == 0 for n in G)


def test_scenario_patches_by_id(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(SHOP, encoding="utf-8")
    loaded = load_map(path, scenario="to-be")
    assert list(loaded.map.touchpoints) == ["ad", "product", "checkout", "paid", "express"]
    assert loaded.map.touchpoints["product"].transitions == {"checkout": 260}
    G = build_graph(loaded.map)
    assert G.nodes["checkout"][VISITS] == 260
    assert G.nodes["paid"][VISITS] == 180
    assert loaded.scenario == "to-be"
    # a position inside a patched value points into the scenario
    pos = loaded.touchpoint_position("product", "next")
    assert (
        pos is not None
        and pos.line == SHOP.splitlines().index("      product: {next: {checkout: 260}}") + 1
    )


def test_unknown_scenario_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(SHOP, encoding="utf-8")
    with pytest.raises(UsageError) as info:
        load_map(path, scenario="tobe")
    assert info.value.diagnostics[0].hint == "did you mean 'to-be'?"
    r = run_cli("validate", str(path), "--scenario", "tobe")
    assert r.code == 2
    assert r.err.splitlines()[0] == f"{path} has no scenario 'tobe'; did you mean 'to-be'?"


def test_scenario_with_bad_patch_points_into_the_scenario(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(SHOP.replace("next: {checkout: 260}", "next: {checkout: -3}"), encoding="utf-8")
    load_map(path)  # the base map is fine
    with pytest.raises(MapError) as info:
        load_map(path, scenario="to-be")
    d = info.value.diagnostics[0]
    assert d.message == "stages[0].touchpoints[1].next.checkout must be at least 0, got -3"
    assert d.position is not None and d.position.line == 37


def test_persona_must_exist(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(SHOP, encoding="utf-8")
    assert load_map(path, persona="hunter").persona == "hunter"
    with pytest.raises(UsageError) as info:
        load_map(path, persona="huntr")
    assert info.value.diagnostics[0].hint == "did you mean 'hunter'?"


def test_overlay_replaces_every_number() -> None:
    loaded = load_map(
        ROOT / "tests/cases/overlay/map.yaml", data=ROOT / "tests/cases/overlay/good.yaml"
    )
    G = build_graph(loaded.map, loaded.overlay)
    assert G.nodes["cart"][ENTRIES] == 200
    assert G.edges["cart", "checkout"][COUNT] == 120
    assert G.edges["cart", "paid"][COUNT] == 5
    assert G.edges["cart", "paid"][DECLARED] is False
    assert G.edges["cart", "checkout"][DECLARED] is True
    assert G.nodes["cart"][EXITS] == 75
    assert G.nodes["checkout"][EXITS] == 25
    assert G.nodes["checkout"][FLOW_RESIDUAL] == 0
    assert G.graph["period"] == "2026-Q3"


def test_overlay_json_list_form(tmp_path: Path) -> None:
    data = tmp_path / "o.json"
    data.write_text(
        '{"journeymap-data": 1, "map": "shop", "touchpoints": '
        '[{"id": "cart", "entries": 10, "next": {"checkout": 4}}]}',
        encoding="utf-8",
    )
    loaded = load_map(ROOT / "tests/cases/overlay/map.yaml", data=data)
    assert loaded.overlay is not None
    assert loaded.overlay.touchpoints["cart"].next == {"checkout": 4}


def test_includes_merge_personas_stages_and_touchpoints(repo: Path) -> None:
    (repo / "shared").mkdir()
    (repo / "shared" / "personas.yaml").write_text(
        "personas:\n  - id: hunter\n    name: Hunter\n", encoding="utf-8"
    )
    (repo / "shared" / "stages.yaml").write_text(
        "stages:\n  - id: awareness\n    name: Awareness\n    touchpoints:\n"
        "      - id: ad\n        name: Ad\n        entries: 10\n        next: {cart: 5}\n"
        "touchpoints:\n  buy:\n    - id: paid\n      name: Paid\n      goal: true\n",
        encoding="utf-8",
    )
    (repo / "maps").mkdir()
    m = repo / "maps" / "m.yaml"
    m.write_text(
        "journeymap: 1\nid: m\ntitle: M\ninclude: [../shared/personas.yaml, ../shared/stages.yaml]\n"
        "stages:\n  - id: awareness\n  - id: buy\n    name: Buy\n    touchpoints:\n"
        "      - id: cart\n        name: Cart\n        next: {paid: 3}\n",
        encoding="utf-8",
    )
    loaded = load_map(m)
    assert [s.id for s in loaded.map.stages] == ["awareness", "buy"]
    assert list(loaded.map.touchpoints) == ["ad", "cart", "paid"]
    assert [p.id for p in loaded.map.personas] == ["hunter"]
    pos = loaded.touchpoint_position("ad")
    assert pos is not None and pos.path.endswith(os.path.join("shared", "stages.yaml"))
    assert len(loaded.files) == 3


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ("../../outside.yaml", "include '../../outside.yaml' leads outside the repository"),
        ("/etc/hostname", "include '/etc/hostname' is an absolute path"),
        ("~/x.yaml", "include '~/x.yaml' starts with '~'"),
        ("link.yaml", "include 'link.yaml' leads outside the repository through a symbolic link"),
        ("self.yaml", "include cycle: self.yaml -> self.yaml"),
        ("missing.yaml", "included file 'missing.yaml' does not exist"),
    ],
)
def test_include_escapes_and_loops(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, include: str, message: str
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.yaml"
    outside.write_text("personas: []\n", encoding="utf-8")
    (repo / "link.yaml").symlink_to(outside)
    body = f"journeymap: 1\nid: m\ntitle: M\ninclude: [{include}]\nstages: []\n"
    target = repo / ("self.yaml" if include == "self.yaml" else "m.yaml")
    target.write_text(body, encoding="utf-8")
    with pytest.raises(MapError) as info:
        load_map(target)
    d = info.value.diagnostics[0]
    assert d.message.startswith(message)
    assert d.position is not None and (d.position.line, d.position.col) == (4, 11)
    r = run_cli("validate", str(target))
    assert r.code == 2 and "Traceback" not in r.err


def test_include_cycle_through_two_files(repo: Path) -> None:
    (repo / "a.yaml").write_text("include: [b.yaml]\n", encoding="utf-8")
    (repo / "b.yaml").write_text("include: [a.yaml]\n", encoding="utf-8")
    m = repo / "m.yaml"
    m.write_text(
        "journeymap: 1\nid: m\ntitle: M\ninclude: [a.yaml]\nstages: []\n", encoding="utf-8"
    )
    with pytest.raises(MapError) as info:
        load_map(m)
    assert (
        info.value.diagnostics[0].message == "include cycle: m.yaml -> a.yaml -> b.yaml -> a.yaml"
    )


@pytest.mark.parametrize(
    "text", ["0E0", "1e3", ".5", "0o17", "0x1F", "~", "null", "true", "<<", "-7", ".inf"]
)
def test_strings_that_look_like_numbers_round_trip(tmp_path: Path, text: str) -> None:
    m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": text, "stages": []})
    path = tmp_path / "m.yaml"
    path.write_text(dump_map(m), encoding="utf-8")
    assert load_map(path).map.title == text


def test_positions_survive_flow_mappings() -> None:
    doc = parse_yaml("a:\n  b: [1, {c: 2}]\n", "x.yaml")
    assert str(doc["a"]["b"][1].val_pos["c"]) == "x.yaml:2:14"


def test_nps_off_scale_loads_with_a_coded_warning(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "journeymap: 1\nid: m\ntitle: M\nstages:\n  - id: s\n    name: S\n    touchpoints:\n"
        "      - id: t\n        name: T\n        scores:\n"
        "          nps: {scale: [1, 5], responses: {1: 2, 5: 7}}\n",
        encoding="utf-8",
    )
    loaded = load_map(path)
    assert [(w.code, w.position.line if w.position else None) for w in loaded.warnings] == [
        ("JM001", 11)
    ]
    r = run_cli("validate", str(path))
    assert r.code == 0
    assert "warning: " in r.err and "JM001" not in r.out


def test_csat_off_scale_needs_top_box(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "journeymap: 1\nid: m\ntitle: M\nstages:\n  - id: s\n    name: S\n    touchpoints:\n"
        "      - id: t\n        name: T\n        scores:\n"
        "          csat: {scale: [1, 7], responses: {1: 2, 7: 7}}\n",
        encoding="utf-8",
    )
    with pytest.raises(MapError) as info:
        load_map(path)
    assert info.value.diagnostics[0].message == (
        "stages[0].touchpoints[0].scores.csat: CSAT on the scale [1, 7] needs 'top_box' (the satisfied answers)"
    )


# ---------------------------------------------------------------------- round trip property

ids = st.from_regex(r"[a-zа-яё一-龥][a-z0-9\-]{0,8}", fullmatch=True)
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)


@st.composite
def maps(draw: st.DrawFn) -> JourneyMap:
    tp_ids = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    stage_ids = [f"stage-{i}" for i in range(draw(st.integers(1, 3)))]
    stages = [{"id": s, "name": draw(names), "touchpoints": []} for s in stage_ids]
    for tid in tp_ids:
        tp: dict[str, object] = {"id": tid, "name": draw(names)}
        if draw(st.booleans()):
            tp["entries"] = draw(st.integers(0, 10**9))
        targets = draw(st.lists(st.sampled_from(tp_ids), unique=True, max_size=3))
        if targets:
            tp["next"] = {t: draw(st.integers(0, 10**6)) for t in targets}
        if draw(st.booleans()):
            tp["emotion"] = draw(st.floats(-2, 2, allow_nan=False))
        if draw(st.booleans()):
            tp["pain_points"] = draw(st.lists(names, max_size=2))
        tp["goal"] = draw(st.booleans())
        stages[draw(st.integers(0, len(stages) - 1))]["touchpoints"].append(tp)  # type: ignore[attr-defined]
    return JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "m",
            "title": draw(names),
            "period": draw(st.sampled_from(["2026", "2026-07", "2026-Q3"])),
            "stages": stages,
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps())
def test_load_dump_round_trip(tmp_path_factory: pytest.TempPathFactory, m: JourneyMap) -> None:
    path = tmp_path_factory.mktemp("rt") / "m.yaml"
    path.write_text(dump_map(m), encoding="utf-8")
    assert load_map(path).map == m


@settings(max_examples=60, deadline=None)
@given(maps())
def test_derived_flow_conserves_when_counts_allow(m: JourneyMap) -> None:
    G = build_graph(m)
    for n in G:
        d = G.nodes[n]
        # exits are derived as the remainder, so the residual is only ever the overdraft
        assert d[FLOW_RESIDUAL] <= 0
        assert d[FLOW_RESIDUAL] == min(0, d[VISITS] - d["transitions_out"])


def test_persona_picks_its_segment_overlay_from_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(
        SHOP.replace(
            "    name: Bargain hunter\n", "    name: Bargain hunter\n    segment: {tier: bargain}\n"
        ),
        encoding="utf-8",
    )
    seg = tmp_path / "segments"
    seg.mkdir()
    (seg / "tier-bargain-1a2b.yaml").write_text(
        "journeymap-data: 1\nmap: shop\nsegment: {tier: bargain}\ntouchpoints:\n  ad: {entries: 7}\n",
        encoding="utf-8",
    )
    (seg / "tier-premium-3c4d.yaml").write_text(
        "journeymap-data: 1\nmap: shop\nsegment: {tier: premium}\ntouchpoints:\n  ad: {entries: 9}\n",
        encoding="utf-8",
    )
    loaded = load_map(path, data=seg, persona="hunter")
    assert loaded.overlay is not None and loaded.overlay.touchpoints["ad"].entries == 7
    with pytest.raises(UsageError) as info:
        load_map(path, data=seg)
    assert "choose one by persona" in info.value.diagnostics[0].message


def test_segment_folder_errors_name_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(
        SHOP.replace(
            "    name: Bargain hunter\n", "    name: Bargain hunter\n    segment: {tier: bargain}\n"
        ),
        encoding="utf-8",
    )
    seg = tmp_path / "segments"
    seg.mkdir()
    (seg / "tier-premium-3c4d.yaml").write_text(
        "journeymap-data: 1\nmap: shop\nsegment: {tier: premium}\ntouchpoints:\n  ad: {entries: 9}\n",
        encoding="utf-8",
    )
    r = run_cli("analyze", str(path), "--data", str(seg), "--persona", "hunter", "--samples", "0")
    assert r.code == 2
    assert r.err.strip() == (
        f"no overlay in {seg} for persona 'hunter' (segment tier=bargain); "
        "segments found: tier=premium"
    )
    assert "Traceback" not in r.err
    bare = tmp_path / "bare.yaml"
    bare.write_text(SHOP, encoding="utf-8")
    r = run_cli("analyze", str(bare), "--data", str(seg), "--persona", "hunter", "--samples", "0")
    assert r.code == 2
    assert r.err.strip() == (
        f"persona 'hunter' declares no 'segment', so no overlay in {seg} is its own; "
        "add 'segment: {column: value}' to the persona, or give an overlay file"
    )
