"""Chain facts (journeymap.facts): one definition that analyze, check and the CLI all use."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from journeymap import facts
from journeymap.analysis import NonAbsorbingChainError, analyze
from journeymap.checks.context import make_context
from journeymap.graph import build_graph
from journeymap.io import is_map_document, load_map
from tests.checks.helpers import run_text
from tests.support import MAPS, Result

# Disagreement 1 of issue 9: `help` cannot reach the goal, is reachable from the goal
# (paid -> delivery -> ad -> help) but is met before converting (ad -> help): it is a leak.
HELP_LEAK = """\
journeymap: 1
id: shop
title: Shop
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: ad, name: Ad, entries: 1000, next: {cart: 600, help: 300}, exits: 100}
      - {id: cart, name: Cart, next: {paid: 400}, exits: 200}
      - {id: help, name: Help, exits: 300}
      - {id: paid, name: Paid, goal: true, next: {delivery: 400}}
  - id: after
    name: After
    touchpoints:
      - {id: delivery, name: Delivery, next: {review: 100, ad: 50}, exits: 250}
      - {id: review, name: Review, exits: 100}
checks:
  drop_off: {max: 0.9}
"""


def test_help_is_a_leak_in_analyze_and_in_check() -> None:
    loaded = load_map("shop.yaml", text=HELP_LEAK.encode())
    doc = analyze(build_graph(loaded.map, loaded.overlay)).to_dict()
    leaks = {leak["touchpoint"]: leak for leak in doc["leaks"]}
    assert leaks["help"]["drop_off"] == 1.0
    assert [a["id"] for a in doc["after_goal"]] == ["review"]
    result = run_text(HELP_LEAK, name="shop.yaml")
    jm111 = [f for f in result.findings if f.code == "JM111"]
    assert [(f.code, f.position and f.position.line) for f in jm111] == [("JM111", 10)]
    assert "'help'" in jm111[0].message


def test_context_facts_are_the_analysis_facts() -> None:
    loaded = load_map("shop.yaml", text=HELP_LEAK.encode())
    ctx = make_context(loaded)
    assert ctx.after_goal == {"review"}
    assert ctx.entry_points == {"ad"}
    assert ctx.can_reach_goal == {"ad", "cart", "delivery"}
    assert ctx.closed_loops == []


def _graph(edges: list[tuple[str, str, int]], **nodes: dict[str, int]) -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph(goals=[n for n, d in nodes.items() if d.get("goal")])
    for i, (n, d) in enumerate(nodes.items()):
        G.add_node(
            n,
            order=i,
            entries=d.get("entries", 0),
            exits=d.get("exits", 0),
            unknown=d.get("unknown", 0),
            flow_residual=d.get("residual", 0),
        )
    for u, v, c in edges:
        G.add_edge(u, v, count=c)
    return G


def test_entry_points_fall_back_to_touchpoints_with_no_way_in() -> None:
    G = _graph([("a", "b", 0), ("b", "paid", 0), ("paid", "a", 0)], a={}, b={}, paid={"goal": 1})
    assert facts.entry_points(G, ["paid"]) == {"a"}  # the way in from the goal does not count
    G = _graph([("a", "b", 0), ("b", "a", 0)], a={}, b={})
    assert facts.entry_points(G) == {"a"}  # every touchpoint has a way in: the first


def test_closed_loops_hand_worked() -> None:
    # a <-> b with no way out; c only leads into the loop; d ends (exits)
    G = _graph(
        [("ad", "a", 10), ("a", "b", 5), ("b", "a", 5), ("c", "a", 3), ("ad", "d", 1)],
        ad={"entries": 20, "exits": 9},
        a={},
        b={},
        c={"entries": 3},
        d={"exits": 1},
    )
    assert facts.closed_loops(G, []) == ["a", "b", "c"]
    # a positive flow residual is unobserved outflow: the loop ends there
    G.nodes["b"]["flow_residual"] = 1
    assert facts.closed_loops(G, []) == []


@pytest.mark.parametrize(
    "path", sorted(p for p in MAPS.rglob("*.yaml") if is_map_document(p)), ids=lambda p: p.name
)
def test_closed_loops_agree_with_the_solver_on_every_example(path: Path) -> None:
    """The solver's own guard (check_absorbing) and JM209's structural fact give one answer."""
    G = build_graph(load_map(path).map)
    goals = facts.selected_goals(G)
    try:
        analyze(G, samples=0)
        solver: list[str] = []
    except NonAbsorbingChainError as exc:
        solver = exc.touchpoints
    assert facts.closed_loops(G, goals) == solver


CLOSED = """\
journeymap: 1
id: shop
title: Shop
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: ad, name: Ad, entries: 100, next: {paid: 20}, exits: 80}
      - {id: a, name: A, next: {b: 50}, exits: 0}
      - {id: b, name: B, next: {a: 50}, exits: 0}
      - {id: paid, name: Paid, goal: true}
"""


def test_jm209_does_not_run_the_analysis() -> None:
    loaded = load_map("shop.yaml", text=CLOSED.encode())
    ctx = make_context(loaded)
    from journeymap.checks.lint import non_absorbing

    outcomes = list(non_absorbing(ctx))
    assert "_analysis_run" not in vars(ctx)  # the cached analysis never ran
    assert [o.data["touchpoints"] for o in outcomes if not o.passed] == [["a", "b"]]
    with pytest.raises(NonAbsorbingChainError) as err:
        analyze(ctx.G)
    assert err.value.touchpoints == ["a", "b"]


def test_unknown_goal_is_one_message_on_every_command(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    path = write("shop.yaml", HELP_LEAK)
    for command in ("analyze", "check"):
        r = cli(command, str(path), "--goal", "payd")
        assert r.code == 2, r.err
        assert r.err.strip() == "--goal: the map has no goal 'payd'; did you mean 'paid'?"
        assert "Traceback" not in r.err
    r = cli("analyze", str(path), "--goal", "cart")
    assert (
        r.err.strip()
        == "--goal: the map has no goal 'cart'; 'cart' is a touchpoint but not a goal; goals: paid"
    )


def test_json_of_help_leak_is_stable(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    path = write("shop.yaml", HELP_LEAK)
    r = cli("analyze", str(path), "--format", "json", "--samples", "0")
    assert r.code == 0, r.err
    assert [t["id"] for t in json.loads(r.out)["after_goal"]] == ["review"]
