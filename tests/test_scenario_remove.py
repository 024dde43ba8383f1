"""A scenario that removes a touchpoint or a stage takes its limits and transitions with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from journeymap.io import load_map

MAP = """\
journeymap: 1
id: m
title: M
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        entries: 100
        next: {checkout: 60, wrap: 10}
      - id: checkout
        name: Checkout
        next: {pay: 50}
      - id: pay
        name: Pay
        next: {done: 45}
      - id: done
        name: Done
        goal: true
  - id: extras
    name: Extras
    touchpoints:
      - id: wrap
        name: Gift wrap
        next: {checkout: 8}
checks:
  touchpoints:
    pay: {drop_off: {max: 0.2}}
    checkout: {drop_off: {max: 0.3}}
  stages:
    extras: {reach: {min: 0.01}}
  lint:
    disable: [{code: JM201, touchpoint: pay, reason: test}, {code: JM202, stage: extras, reason: test}]
scenarios:
  one-step:
    remove: [pay, extras]
    touchpoints:
      checkout: {next: {done: 52}}
"""


def test_removed_ids_leave_no_dangling_references(write: Callable[[str, str], Path]) -> None:
    path = write("m.yaml", MAP)
    jm = load_map(path, scenario="one-step").map
    assert list(jm.touchpoints) == ["cart", "checkout", "done"]
    assert [s.id for s in jm.stages] == ["buy"]
    assert jm.touchpoints["cart"].transitions == {"checkout": 60}  # 'wrap' went with its stage
    assert jm.checks is not None
    assert list(jm.checks.touchpoints) == ["checkout"]
    assert jm.checks.stages == {}
    assert jm.checks.lint is not None and jm.checks.lint.disable == []
    # the base map still has everything
    base = load_map(path).map
    assert base.checks is not None and list(base.checks.touchpoints) == ["pay", "checkout"]
