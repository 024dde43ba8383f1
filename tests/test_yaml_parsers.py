"""libyaml reads maps; the pure-Python parser is the fallback. Both give the same documents,
the same positions and the same errors, on every case file, every example map and random text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.errors import MapError
from journeymap.io import yamlsafe
from journeymap.io.yamlsafe import PosDict, PosList, parse_yaml
from tests.support import ROOT

pytestmark = pytest.mark.skipif(
    not yaml.__with_libyaml__, reason="PyYAML was built without libyaml here"
)


def _shape(node: Any) -> Any:
    """The document with every position, so two parses compare value by value and place by place."""
    if isinstance(node, PosDict):
        return (
            "map",
            node.pos,
            [(k, node.key_pos.get(k), node.val_pos.get(k), _shape(v)) for k, v in node.items()],
        )
    if isinstance(node, PosList):
        return ("seq", node.pos, list(zip(node.item_pos, map(_shape, node), strict=True)))
    return (type(node).__name__, node)


def _read(text: bytes | str, monkeypatch: pytest.MonkeyPatch, parser: str) -> Any:
    if parser == "python":
        monkeypatch.setenv("JOURNEYMAP_YAML_PARSER", "python")
    else:
        monkeypatch.delenv("JOURNEYMAP_YAML_PARSER", raising=False)
    assert yamlsafe.parser() == parser
    try:
        return _shape(parse_yaml(text, "m.yaml"))
    except MapError as err:
        return ("error", str(err))


def _both(text: bytes | str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    return _read(text, monkeypatch, "libyaml"), _read(text, monkeypatch, "python")


FILES = sorted(
    [*(ROOT / "tests" / "cases").rglob("*.yaml"), *(ROOT / "maps").rglob("*.yaml")],
    key=str,
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_every_case_and_example_reads_the_same_through_both_parsers(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, pure = _both(path.read_bytes(), monkeypatch)
    assert fast == pure


def test_libyaml_is_the_default_and_the_environment_forces_the_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JOURNEYMAP_YAML_PARSER", raising=False)
    assert yamlsafe.parser() == "libyaml"
    monkeypatch.setenv("JOURNEYMAP_YAML_PARSER", "python")
    assert yamlsafe.parser() == "python"


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\nb: 3\n",  # unclosed flow sequence: PyYAML's wording, at its position
        "a:\n\t- 1\n",  # a tab
        "a: 'x\n",  # unclosed quote
        "a: b: c\n",
        "a: \x07\n",  # a control character
        "- a\nb: 1\n",
        "a: &x [1]\nb: *y\n",  # unknown alias (our builder)
        "a: 1\na: 2\n",  # duplicate key (our builder)
        "[" * 70 + "]" * 70,  # deeper than our bound
        "[" * 5000,  # deeper than libyaml's own bound
    ],
)
def test_errors_read_the_same_through_both_parsers(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, pure = _both(text, monkeypatch)
    assert fast[0] == "error"
    assert fast == pure


TOKENS = [
    "a", "b", "ключ", "键", ":", ": ", "- ", "\n", "\n  ", "\n    ", "[", "]", "{", "}", ", ",
    "'", '"', "#", "&x ", "*x", "!!str ", "!!int ", "<<: ", "|", ">", "1", "1.5", "no", "~",
    "null", "---", "...", "\t", " ", "?", "%", "@", "`", "\\", "0x1F", "1e3", ".inf",
    "? ", ": |", ": >-", "  # c", "#c", "\r\n", "'it''s'", '"\\u0041"', '"\\x"', "|2", "- - ",
    "é", "😀", "\u2028", "\x85", "!local ", "!", "&a", "*a ", "<<", "=",
]  # fmt: skip


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_random_text_reads_the_same_through_both_parsers(text: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        fast, pure = _both(text, mp)
    assert fast == pure
