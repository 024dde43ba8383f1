"""`document.encode` writes what `json.dumps(doc, ensure_ascii=False, indent=2)` writes, character
for character (the JSON of `journeymap analyze` is a contract), and leaves anything else to it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.analysis import analyze
from journeymap.analysis.document import encode
from journeymap.graph import build_graph
from journeymap.io import load_map
from tests.support import ROOT


def _reference(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


MAPS = ["first-purchase.yaml", "support.yaml", "retention.yaml", "zh/first-purchase.zh.yaml"]


@pytest.mark.parametrize("name", MAPS)
def test_every_example_analysis_is_written_as_json_dumps_writes_it(name: str) -> None:
    loaded = load_map(ROOT / "maps" / name)
    doc = analyze(build_graph(loaded.map, loaded.overlay), samples=50, seed=1).to_dict()
    assert encode(doc) == _reference(doc)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)


@given(documents)
@settings(max_examples=400, deadline=None)
def test_any_json_document_is_written_as_json_dumps_writes_it(doc: Any) -> None:
    assert encode(doc) == _reference(doc)


@pytest.mark.parametrize(
    "doc",
    [
        {"a": {1: "x"}},  # a number as a key: json.dumps makes it text
        {"a": [math.nan, 1]},  # NaN: json.dumps writes NaN
        {"a": {"b": math.inf}},  # in a flat container too
        {"a": [{"b": None, 2: 3}]},
        "plain text \u2028",
        [],
        {},
    ],
)
def test_what_it_does_not_write_itself_is_left_to_json_dumps(doc: Any) -> None:
    assert encode(doc) == _reference(doc)


def test_a_value_that_is_not_json_raises_as_json_dumps_does(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode({"a": [tmp_path]})
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode({"a": [[tmp_path]]})
