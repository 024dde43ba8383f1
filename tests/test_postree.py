"""Positions kept as marks and made when asked (io/postree.py, io/yamlbuild.py, issue 14).

The reader stores the parser's marks and makes a ``Position`` only when one is read. These
tests hold every position to an independent reading (PyYAML's own composer, whose nodes carry
their start marks), and check that copies and edits of a tree that has not been asked for its
positions yet (scenarios deep-copy the tree, includes edit it) keep them right.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap.io.yamlsafe import PosDict, PosList, parse_yaml
from journeymap.source import Position
from tests.support import ROOT

MAPS = sorted((ROOT / "maps").rglob("*.yaml"))


def _walk(node: yaml.Node, ours: Any, path: str, seen: list[tuple[Position, Position]]) -> None:
    """Pair every position of `ours` with the start mark of PyYAML's node for it."""

    def at(n: yaml.Node) -> Position:
        return Position(path, n.start_mark.line + 1, n.start_mark.column + 1)

    if isinstance(node, yaml.MappingNode):
        assert isinstance(ours, PosDict)
        seen.append((ours.pos, at(node)))
        for key_node, value_node in node.value:
            key = next(k for k in ours if str(k) == key_node.value)
            seen.append((ours.key_pos[key], at(key_node)))
            seen.append((ours.val_pos[key], at(value_node)))
            _walk(value_node, ours[key], path, seen)
    elif isinstance(node, yaml.SequenceNode):
        assert isinstance(ours, PosList)
        seen.append((ours.pos, at(node)))
        for i, item in enumerate(node.value):
            seen.append((ours.item_pos[i], at(item)))
            _walk(item, ours[i], path, seen)


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_position_is_the_composers(path: Path) -> None:
    """Every key, value, mapping and list of every example map sits where PyYAML's composer
    (a second, independent reading of the same text) places its node."""
    text = path.read_text(encoding="utf-8")
    ours = parse_yaml(text, "m.yaml")
    seen: list[tuple[Position, Position]] = []
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    _walk(node, ours, "m.yaml", seen)
    assert len(seen) > 50
    assert [a for a, _ in seen] == [b for _, b in seen]


TEXT = """\
stages:
  - id: a
    next: {b: 5, c: 7}
  - id: b
"""


def test_hand_worked_positions() -> None:
    doc = parse_yaml(TEXT, "m.yaml")
    stages = doc["stages"]
    assert str(doc.pos) == "m.yaml:1:1"
    assert str(doc.key_pos["stages"]) == "m.yaml:1:1"
    assert str(doc.val_pos["stages"]) == str(stages.pos) == "m.yaml:2:3"
    assert [str(p) for p in stages.item_pos] == ["m.yaml:2:5", "m.yaml:4:5"]
    nxt = stages[0]["next"]
    assert [str(p) for p in nxt.key_pos.values()] == ["m.yaml:3:12", "m.yaml:3:18"]
    assert [str(p) for p in nxt.val_pos.values()] == ["m.yaml:3:15", "m.yaml:3:21"]


def test_positions_are_made_only_when_asked() -> None:
    """The fast path itself: reading a document makes no position; asking one container for
    its positions leaves its children as marks."""
    doc = parse_yaml(TEXT, "m.yaml")
    assert "_marks" in doc.__dict__ and "_marks" in doc["stages"][0].__dict__
    assert str(doc.val_pos["stages"]) == "m.yaml:2:3"
    assert "_marks" not in doc.__dict__
    assert "_marks" in doc["stages"].__dict__ and "_marks" in doc["stages"][0].__dict__


def test_a_copy_before_the_positions_are_asked_keeps_them() -> None:
    """A scenario deep-copies the tree as read: the copy has the same positions, and edits of
    the copy's positions leave the original alone."""
    doc = parse_yaml(TEXT, "m.yaml")
    out = copy.deepcopy(doc)
    first = out["stages"][0]
    assert str(first.val_pos["next"]) == "m.yaml:3:11"
    first.val_pos["next"] = Position("scenario.yaml", 9, 9)
    out["stages"].item_pos = out["stages"].item_pos[:1]
    assert str(doc["stages"][0].val_pos["next"]) == "m.yaml:3:11"
    assert len(doc["stages"].item_pos) == 2
    assert out == doc  # the values are the same; only positions were edited


def test_containers_made_in_memory_have_their_own_positions() -> None:
    made = PosDict({"a": 1}, pos=Position("x.yaml", 4, 2))
    assert str(made.pos) == "x.yaml:4:2" and made.key_pos == {} and made.val_pos == {}
    items = PosList()
    assert str(items.pos) == "<memory>:1:1" and items.item_pos == []
    made.pos = Position("y.yaml", 1, 1)
    assert str(made.pos) == "y.yaml:1:1"
