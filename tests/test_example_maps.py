"""The example maps in maps/: valid, flow-conserving, schema-valid, and translated faithfully."""

from __future__ import annotations

import functools
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
from tests.support import MAPS, ROOT

MAP_FILES = sorted(p for p in MAPS.rglob("*.yaml") if is_map_document(p))
MAP_IDS = [str(p.relative_to(MAPS)) for p in MAP_FILES]
SCHEMA = json.loads(
    (ROOT / "docs" / "schema" / "journeymap.schema.json").read_text(encoding="utf-8")
)
OVERLAY_SCHEMA = json.loads(
    (ROOT / "docs" / "schema" / "overlay.schema.json").read_text(encoding="utf-8")
)


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
    assert (
        first
        == f"# yaml-language-server: $schema={'../' * depth}docs/schema/journeymap.schema.json"
    )
    assert (path.parent / first.split("=", 1)[1]).resolve() == (
        ROOT / "docs/schema/journeymap.schema.json"
    )


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
    assert (
        sum(d[g.ENTRIES] for _, d in G.nodes(data=True))
        == 38000 + 15000 + 18000 + 4200 + 3000 + 9000
    )
    assert G.graph[g.GOALS] == ["order-confirmation"]
    assert G.nodes["order-confirmation"][g.VISITS] == 4150
    # product page: arrivals from the five discovery sources, home, reviews, assistant and cart
    assert (
        G.nodes["product-page"][g.VISITS]
        == 6200 + 7400 + 6100 + 1900 + 700 + 10400 + 2900 + 1100 + 1800
    )
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
    assert {
        "live-chat",
        "phone-hotline",
        "email-ticket",
        "first-line-agent",
        "specialist-team",
    } <= timed
    chat = jm.touchpoints["live-chat"].business
    assert chat is not None and chat.first_response_time is not None
    assert (
        chat.first_response_time.unit == "minutes"
        and len(chat.first_response_time.samples or []) == 20
    )
    assert jm.goals == ["issue-resolved"]


def test_retention_map_loops_back_through_the_retargeting_email() -> None:
    import networkx as nx

    jm = load_map(MAPS / "retention.yaml").map
    G = g.build_graph(jm)
    assert jm.goals == ["repeat-purchase"]
    cycles = [c for c in nx.simple_cycles(G) if "retargeting-email" in c]
    assert sorted(map(sorted, cycles)) == [
        ["repeat-cart", "retargeting-email"],
        ["repeat-cart", "retargeting-email", "shop-return"],
        ["retargeting-email", "shop-return"],
    ]
    b = jm.business
    assert b is not None
    assert (b.customers_start, b.customers_end, b.new_customers) == (18400, 19100, 4150)
    assert b.repeat_customers == 2300 and b.ordering_customers == 6100


# --------------------------------------------------------------------------- translations

TEXT_KEYS = {
    "name",
    "title",
    "description",
    "thoughts",
    "actions",
    "pain_points",
    "opportunities",
    "text",
    "owner",
    "source",
    "question",
    "goals",
    "frustrations",
}
TRANSLATIONS = {
    "ru": (MAPS / "ru" / "first-purchase.ru.yaml", r"[А-Яа-яЁё]"),
    "zh": (MAPS / "zh" / "first-purchase.zh.yaml", r"[\u4e00-\u9fff]"),
    "lv": (MAPS / "lv" / "first-purchase.lv.yaml", r"[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]"),
    "zh-Hant": (MAPS / "zh-Hant" / "first-purchase.zh-Hant.yaml", r"[\u4e00-\u9fff]"),
}
LANGUAGE = {"ru": "ru", "zh": "zh-Hans", "lv": "lv", "zh-Hant": "zh-Hant"}
"""The ``language:`` each translation declares (the folder name is the map's, not a BCP 47 tag)."""
OWN_MONEY = {"zh-Hant": (("TWD", 1800.0), 35_000_000)}
"""Translations for a shop elsewhere: their currency, first-order value and lost-value limit
(everything else is the English map's)."""


def _skeleton(value: Any, key: str | None = None) -> Any:
    """Everything but the words people wrote: ids, numbers, rules, and how many texts there are."""
    if key == "events":
        return value  # event names and patterns are data, never translated
    if isinstance(value, dict):
        return {k: _skeleton(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_skeleton(v, key) for v in value]
    if key in TEXT_KEYS and isinstance(value, str):
        return "<text>"
    return value


def _texts(value: Any, key: str | None = None) -> list[str]:
    if key == "events":
        return []
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _texts(v, k)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v, key)]
    return [value] if key in TEXT_KEYS and isinstance(value, str) else []


@functools.cache
def _dump(path: Path, scenario: str | None = None) -> dict[str, Any]:
    data = load_map(path, scenario=scenario).map.model_dump(mode="json", by_alias=True)
    data.pop("id")
    data.pop("include")
    data.pop("language")
    return data


def _same_money(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """`data` with the English map's money, after checking the translation's own."""
    if lang not in OWN_MONEY:
        return data
    (currency, value), limit = OWN_MONEY[lang]
    english = _dump(MAPS / "first-purchase.yaml")
    assert (data["currency"], data["value_per_conversion"]) == (currency, value)
    assert data["checks"]["total_lost_value"]["max"] == limit
    checks = {**data["checks"], "total_lost_value": english["checks"]["total_lost_value"]}
    return {
        **data,
        "currency": english["currency"],
        "value_per_conversion": english["value_per_conversion"],
        "checks": checks,
    }


@pytest.mark.parametrize("lang", sorted(TRANSLATIONS))
@pytest.mark.parametrize("scenario", [None, "as-is", "to-be"])
def test_translation_has_the_same_structure_and_numbers(lang: str, scenario: str | None) -> None:
    path, _ = TRANSLATIONS[lang]
    english = _dump(MAPS / "first-purchase.yaml", scenario)
    translated = _same_money(_dump(path, scenario), lang)
    assert _skeleton(translated) == _skeleton(english)
    assert load_map(path).map.id == f"first-purchase-{lang.lower()}"


@pytest.mark.parametrize("lang", sorted(TRANSLATIONS))
def test_translation_declares_its_language(lang: str) -> None:
    assert load_map(TRANSLATIONS[lang][0]).map.language == LANGUAGE[lang]
    assert load_map(MAPS / "first-purchase.yaml").map.language == "en"


# characters written one way in Traditional and another in Simplified Chinese (the map's words)
_TRADITIONAL = "購車結帳運費網會員務顧點這與們體"
_SIMPLIFIED = "购车结账运费网会员务顾点这与们体"


def test_the_traditional_map_is_written_in_traditional_chinese_for_taiwan() -> None:
    hant = "\n".join(_texts(_dump(TRANSLATIONS["zh-Hant"][0])))
    hans = "\n".join(_texts(_dump(TRANSLATIONS["zh"][0])))
    assert not set(_SIMPLIFIED) & set(hant) - set(_TRADITIONAL)
    assert not set(_TRADITIONAL) - set(_SIMPLIFIED) & set(hans)
    for word in ("購物車", "結帳", "運費", "網站", "會員", "客服", "超商取貨", "LINE Pay"):
        assert word in hant, word
    # Taiwanese usage, not a character conversion of the Simplified map: 尺寸 not 尺碼,
    # 折扣碼 not 優惠碼, 影片 not 視頻, 資訊 not 信息
    for mainland in ("尺码", "尺碼", "優惠碼", "視頻", "信息"):
        assert mainland not in hant, mainland
    assert "尺码" in hans and "优惠码" in hans


@pytest.mark.parametrize("lang", sorted(TRANSLATIONS))
def test_translation_is_really_translated(lang: str) -> None:
    import re

    path, script = TRANSLATIONS[lang]
    english = _texts(_dump(MAPS / "first-purchase.yaml"))
    translated = _texts(_dump(path))
    assert len(english) == len(translated)
    pairs = list(zip(english, translated, strict=True))
    same = [e for e, t in pairs if e == t]
    # only brand and tool names (CRM) may stay as they are
    assert len(same) <= 3, same
    written = [t for t in translated if re.search(script, t)]
    assert len(written) >= 0.8 * len(translated)  # Latvian words need no diacritic
    names = [tp.name for _, tp in load_map(path).map.iter_touchpoints()]
    if lang != "lv":  # "Video apskats" is Latvian without a diacritic
        assert all(re.search(script, n) for n in names if "Instagram" not in n), names


# ------------------------------------------------------------------------------- overlays

OVERLAY_FILES = sorted((MAPS / "overlays").glob("*.yaml"))


@pytest.mark.parametrize("path", OVERLAY_FILES, ids=[p.name for p in OVERLAY_FILES])
def test_overlay_fits_its_map_and_conserves_flow(path: Path) -> None:
    jsonschema.validate(_as_json(path), OVERLAY_SCHEMA)
    assert path.read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../../docs/schema/overlay.schema.json"
    )
    map_id = path.name.split(".")[0]
    loaded = load_map(MAPS / f"{map_id}.yaml", data=path)
    assert loaded.overlay is not None and loaded.warnings == []
    G = g.build_graph(loaded.map, loaded.overlay)
    assert {d[g.FLOW_RESIDUAL] for _, d in G.nodes(data=True)} == {0}
    assert all(d[g.DECLARED] for *_, d in G.edges(data=True))
    assert G.graph[g.PERIOD] == loaded.overlay.period


def test_q2_baseline_numbers() -> None:
    """Worked out from the overlay file: the regression demo relies on these."""
    loaded = load_map(
        MAPS / "first-purchase.yaml", data=MAPS / "overlays" / "first-purchase.2026-Q2.yaml"
    )
    G = g.build_graph(loaded.map, loaded.overlay)
    assert (
        sum(d[g.ENTRIES] for _, d in G.nodes(data=True))
        == 31000 + 14200 + 17100 + 3900 + 2600 + 8700
    )
    assert G.nodes["checkout"][g.VISITS] == 5400 + 280
    assert G.nodes["checkout"][g.EXITS] == 5680 - 4850
    assert G.nodes["order-confirmation"][g.VISITS] == 4420
    assert G.nodes["payment"][g.SCORES] is None  # the overlay replaces every response


@pytest.mark.slow
def test_the_commands_in_maps_readme_run() -> None:
    from tests.support import run_cli

    text = (MAPS / "README.md").read_text(encoding="utf-8")
    block = text.split("```console\n", 1)[1].split("```", 1)[0]
    commands = [line.split()[1:] for line in block.splitlines() if line.startswith("journeymap ")]
    assert len(commands) == 3
    for args in commands:
        r = run_cli(*args, cwd=ROOT)
        assert r.code == 0, (args, r.err)
        assert "0 invalid" in r.out
