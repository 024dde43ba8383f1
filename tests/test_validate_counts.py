"""`validate` counts touchpoints and transitions without building the graph (issue 14): the
counts it prints are the graph's, for every example map, with and without an overlay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeymap.cli.validate import counts
from journeymap.graph import build_graph
from journeymap.io import load_map
from tests.support import ROOT, WriteFile, run_cli

MAPS = sorted(
    p
    for p in (ROOT / "maps").rglob("*.yaml")
    if re.search(r"^journeymap: 1", p.read_text(encoding="utf-8"), re.MULTILINE)
)

MAP = """journeymap: 1
id: shop
title: Shop
stages:
  - id: s
    name: S
    touchpoints:
      - {id: ad, name: Ad, entries: 100, next: {cart: 50, help: 10}}
      - {id: help, name: Help, next: {cart: 5}}
      - {id: cart, name: Cart, next: {paid: 30}}
      - {id: paid, name: Paid, goal: true}
"""
OVERLAY = """journeymap-data: 1
map: shop
touchpoints:
  ad: {entries: 200, next: {cart: 80, paid: 4}}
  cart: {next: {paid: 40, ad: 6}}
"""


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(ROOT)))
def test_counts_are_the_graphs(path: Path) -> None:
    loaded = load_map(path)
    G = build_graph(loaded.map, loaded.overlay)
    assert counts(loaded) == (G.number_of_nodes(), G.number_of_edges())


def test_an_overlay_with_undeclared_transitions_counts_them(write: WriteFile) -> None:
    """4 declared transitions by hand (ad->cart, ad->help, help->cart, cart->paid); the
    overlay adds ad->paid and cart->ad."""
    m, o = write("shop.yaml", MAP), write("q2.yaml", OVERLAY)
    assert counts(load_map(m)) == (4, 4)
    assert counts(load_map(m, data=o)) == (4, 6)
    out = run_cli("validate", str(m))
    assert out.code == 0 and "4 touchpoints, 4 transitions" in out.out
