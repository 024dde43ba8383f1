"""A scenario opportunity that the measured numbers do not fit (``portfolio._overlay_fits``).

The hand-made map: 100 customers enter at the cart, 60 go on to pay, 30 pay (10 EUR each).
Scenario ``direct`` removes ``pay`` and sends 50 of the cart's customers straight to ``done``;
scenario ``wallet`` adds a touchpoint and keeps ``pay``. The overlay measures the cart and
``pay`` (200 enter, 120 go on, 66 pay).

- From the map's own counts ``direct`` gains 50 - 30 = 20 conversions, 200 EUR.
- With the overlay, ``direct`` cannot be priced: the overlay counts ``pay``, which the
  scenario removes. No value at stake, ranked out as "no value", and counted so in the table.
- ``wallet`` fits the overlay (every touchpoint it counts is still there), but the overlay
  replaces the scenario's counts and has none for the wallet: 0 gained, ranked with 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeymap.analysis.portfolio import _overlay_fits, portfolio_of
from journeymap.analysis.run import Options
from journeymap.io import load_map
from journeymap.model import Overlay
from tests.support import WriteFile, run_cli

MAP = """\
journeymap: 1
id: shop
title: Shop
currency: EUR
value_per_conversion: 10
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: cart, name: Cart, entries: 100, next: {pay: 60}}
      - {id: pay, name: Pay, next: {done: 30}}
      - {id: done, name: Done, goal: true}
opportunities:
  - {id: skip-pay, text: Pay in the cart, status: planned, effort: 2, scenario: direct}
  - {id: wallet, text: A wallet, status: planned, effort: 1, scenario: wallet}
scenarios:
  direct:
    remove: [pay]
    touchpoints:
      cart: {next: {done: 50}}
  wallet:
    add:
      buy: [{id: wallet, name: Wallet, next: {done: 5}}]
    touchpoints:
      cart: {next: {pay: 60, wallet: 10}}
"""
OVERLAY = """\
journeymap-data: 1
map: shop
period: 2026-Q3
touchpoints:
  cart: {entries: 200, next: {pay: 120}}
  pay: {next: {done: 66}}
"""


@pytest.fixture
def paths(write: WriteFile) -> tuple[Path, Path]:
    return write("shop.yaml", MAP), write("q3.yaml", OVERLAY)


def test_without_data_the_scenario_is_priced_from_the_maps_counts(
    paths: tuple[Path, Path],
) -> None:
    pf = portfolio_of(load_map(paths[0]), Options(samples=0))
    p = {o.id: o for o in pf.opportunities}["skip-pay"]
    assert (p.value_at_stake.conversions, p.value_at_stake.value) == pytest.approx((20.0, 200.0))
    assert p.rank == 1 and p.value_per_effort == pytest.approx(100.0)  # 200 EUR / effort 2
    assert pf.unranked == {}


def test_a_scenario_the_overlay_does_not_fit_has_no_value_and_no_rank(
    paths: tuple[Path, Path],
) -> None:
    pf = portfolio_of(load_map(paths[0], data=paths[1]), Options(samples=0))
    p = {o.id: o for o in pf.opportunities}
    skip = p["skip-pay"]
    assert skip.basis == "scenario" and skip.rank is None
    assert skip.value_at_stake.conversions is None and skip.value_at_stake.value is None
    assert skip.value_per_effort is None
    assert p["wallet"].rank == 1 and p["wallet"].value_at_stake.value == pytest.approx(0.0)
    assert pf.unranked == {"no value": 1}
    assert [o.id for o in pf.opportunities] == ["wallet", "skip-pay"]  # ranked ones first


@pytest.mark.parametrize(
    ("overlay", "fits"),
    [
        ({"cart": {"next": {"pay": 1}}}, False),  # a transition into the removed touchpoint
        ({"pay": {"next": {"done": 1}}}, False),  # the removed touchpoint itself
        ({"cart": {"entries": 5, "next": {"done": 1}}}, True),
    ],
)
def test_overlay_fits_asks_every_touchpoint_and_transition_it_counts(
    paths: tuple[Path, Path], overlay: dict[str, object], fits: bool
) -> None:
    direct = load_map(paths[0], scenario="direct").map
    o = Overlay.model_validate({"journeymap-data": 1, "map": "shop", "touchpoints": overlay})
    assert _overlay_fits(direct, o) is fits


def test_the_command_counts_it_in_its_table_and_json(paths: tuple[Path, Path]) -> None:
    m, d = (str(p) for p in paths)
    table = run_cli("opportunities", m, "--data", d, "--samples", "0")
    assert table.code == 0, table.err
    assert "1 opportunity has no rank: no value at stake." in table.out
    doc = json.loads(
        run_cli("opportunities", m, "--data", d, "--samples", "0", "--format", "json").out
    )
    assert doc["unranked"] == {"no value": 1}
    [skip] = [o for o in doc["opportunities"] if o["id"] == "skip-pay"]
    assert skip["rank"] is None and skip["value_at_stake"]["value"] is None
