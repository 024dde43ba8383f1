"""Every example in docs/format.md is real: each ```yaml block is a map or a piece of one, and
loads; the figures the text claims are checked on the graph; the error examples print exactly
what the page shows.

Conventions in the page (HTML comments, invisible when rendered):

- ``<!-- base -->`` before a whole map: later fragments are merged into it;
- ``<!-- fragment: top -->``: top-level keys, replacing the base map's keys of the same name;
- ``<!-- fragment: touchpoints -->``: touchpoints appended to the base map's last stage;
- ``<!-- fragment: stages -->``: stages appended to the base map;
- ``<!-- fragment: overlay -->``: an overlay (YAML or JSON) for the base map;
- ``<!-- file: PATH -->``: a file that a later map includes;
- ``<!-- expect: attr[node]=value, ..., scenario=NAME -->`` after a block: graph figures of it;
- ``<!-- invalid -->`` before a ```text map: the ```console block after it is the exact output
  of ``journeymap validate journey.yaml`` (exit code 2).

A ```yaml block without a marker is a whole map.
"""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from journeymap import graph as g
from journeymap.io import load_map
from journeymap.io.loader import LoadedMap
from journeymap.io.yamlsafe import parse_yaml
from journeymap.source import SourceText
from tests.support import ROOT, run_cli

DOC = ROOT / "docs" / "format.md"
TOKEN = re.compile(r"<!--(?P<comment>.*?)-->|^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```$", re.S | re.M)


@dataclass
class Item:
    kind: str  # "comment" or "block"
    text: str
    lang: str = ""
    marker: str | None = None
    line: int = 0


@dataclass
class State:
    tmp: Path
    base: str | None = None
    counter: int = 0
    last: list[tuple[LoadedMap, str | None]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    included: set[Path] = field(default_factory=set)
    blocks: int = 0


def _items() -> list[Item]:
    text = DOC.read_text(encoding="utf-8")
    items: list[Item] = []
    for m in TOKEN.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if m.group("comment") is not None:
            items.append(Item("comment", m.group("comment").strip(), line=line))
        else:
            items.append(Item("block", m.group("body"), lang=m.group("lang"), line=line))
    # a comment directly before a block is its marker
    for prev, cur in itertools.pairwise(items):
        if prev.kind == "comment" and cur.kind == "block" and not prev.text.startswith("expect:"):
            between = text_between(text, prev, cur)
            if not between.strip():
                cur.marker = prev.text
    return items


def text_between(text: str, a: Item, b: Item) -> str:
    lines = text.splitlines()
    return "\n".join(lines[a.line : b.line - 1])


def _top_keys(fragment: str) -> list[str]:
    doc = parse_yaml(fragment, "fragment", SourceText())
    assert isinstance(doc, dict)
    return [str(k) for k in doc]


def _without_top_keys(base: str, keys: list[str]) -> str:
    out: list[str] = []
    skipping = False
    for line in base.splitlines():
        m = re.match(r"^([A-Za-z_][\w-]*):", line)
        if m:
            skipping = m.group(1) in keys
        elif line and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def _indent(text: str, spaces: int) -> str:
    return "".join((" " * spaces + ln if ln.strip() else ln) + "\n" for ln in text.splitlines())


def _compose(state: State, marker: str, body: str) -> str:
    assert state.base is not None, f"'{marker}' before the base map"
    if marker == "fragment: top":
        return _without_top_keys(state.base, _top_keys(body)) + body
    if marker == "fragment: touchpoints":
        return state.base.rstrip("\n") + "\n" + _indent(body, 6)
    if marker == "fragment: stages":
        return state.base.rstrip("\n") + "\n" + _indent(body, 2)
    raise AssertionError(f"unknown marker {marker!r}")


def _load(state: State, text: str, data: str | None = None, suffix: str = ".yaml") -> None:
    state.counter += 1
    folder = state.tmp / "maps"
    path = folder / f"example-{state.counter}.yaml"
    path.write_text(text, encoding="utf-8")
    data_path = None
    if data is not None:
        data_path = folder / f"overlay-{state.counter}{suffix}"
        data_path.write_text(data, encoding="utf-8")
    loaded = load_map(path, data=data_path)
    assert loaded.warnings == [], [str(w) for w in loaded.warnings]
    state.included.update(loaded.files)
    state.last = [(loaded, None)]
    for name in loaded.map.scenarios:
        state.last.append((load_map(path, data=data_path, scenario=name), name))


def _check_expect(state: State, spec: str) -> None:
    assert state.last, "an expectation without a map before it"
    wanted: dict[tuple[str, str], Any] = {}
    scenario = None
    for part in spec.split(","):
        key, value = (s.strip() for s in part.split("="))
        if key == "scenario":
            scenario = value
            continue
        m = re.fullmatch(r"(\w+)\[([\w.-]+)\]", key)
        assert m, f"bad expectation {part!r}"
        wanted[(m.group(1), m.group(2))] = int(value)
    loaded = next(lm for lm, name in state.last if name == scenario)
    G = g.build_graph(loaded.map, loaded.overlay)
    got = {(attr, node): G.nodes[node][attr] for attr, node in wanted}
    assert got == wanted


def _check_invalid(state: State, map_text: str, console: str) -> None:
    lines = console.rstrip("\n").splitlines()
    assert lines[0] == "$ journeymap validate journey.yaml"
    folder = state.tmp / f"invalid-{state.counter}"
    state.counter += 1
    folder.mkdir()
    (folder / "journey.yaml").write_text(map_text, encoding="utf-8")
    r = run_cli("validate", "journey.yaml", cwd=folder)
    assert r.code == 2
    assert "Traceback" not in r.err
    assert (r.err + r.out).rstrip("\n").splitlines() == lines[1:]


def test_every_example_in_format_md(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # the include root
    (tmp_path / "maps").mkdir()
    state = State(tmp_path)
    items = _items()
    yaml_blocks = sum(1 for it in items if it.kind == "block" and it.lang == "yaml")
    pending_invalid: str | None = None
    for item in items:
        where = f"docs/format.md:{item.line}"
        if item.kind == "comment":
            if item.text.startswith("expect:"):
                _check_expect(state, item.text.removeprefix("expect:"))
            continue
        if pending_invalid is not None:
            assert item.lang == "console", f"{where}: an invalid example needs its console output"
            _check_invalid(state, pending_invalid, item.text)
            pending_invalid = None
            continue
        marker = item.marker
        if item.lang == "text" and marker == "invalid":
            pending_invalid = item.text
            continue
        if item.lang not in ("yaml", "json"):
            assert marker is None, f"{where}: marker {marker!r} on a {item.lang} block"
            continue
        state.blocks += 1
        try:
            if marker is None or marker == "base":
                assert item.lang == "yaml", f"{where}: a whole map is written in YAML here"
                _load(state, item.text)
                if marker == "base":
                    state.base = item.text
            elif marker == "fragment: overlay":
                assert state.base is not None
                _load(state, state.base, data=item.text, suffix=f".{item.lang}")
            elif marker.startswith("file: "):
                path = state.tmp / "maps" / marker.removeprefix("file: ").strip()
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(item.text, encoding="utf-8")
                state.written.append(path)
            else:
                _load(state, _compose(state, marker, item.text))
        except Exception as exc:  # pragma: no cover - the message says which example broke
            raise AssertionError(f"{where}: the example does not load: {exc}") from exc
    assert pending_invalid is None
    assert state.blocks >= yaml_blocks >= 20
    for path in state.written:
        assert path in state.included, f"{path.name} is shown but no example includes it"


def test_the_conventions_catch_a_broken_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checker is not a rubber stamp: a wrong figure or a broken fragment fails it."""
    good = DOC.read_text(encoding="utf-8")
    for broken in (
        good.replace("exits[search-ad]=400", "exits[search-ad]=401"),
        good.replace("  optional: true\n", "  optionl: true\n"),
        good.replace(
            "journey.yaml:21:5: unknown stage 'by'", "journey.yaml:21:6: unknown stage 'by'"
        ),
    ):
        assert broken != good
        doc = tmp_path / "format.md"
        doc.write_text(broken, encoding="utf-8")
        monkeypatch.setattr(sys.modules[__name__], "DOC", doc)
        sub = tmp_path / f"run-{abs(hash(broken))}"
        sub.mkdir()
        with pytest.raises(AssertionError):
            test_every_example_in_format_md(sub)


def test_every_field_of_the_model_is_documented() -> None:
    """A key added to the model without a word in docs/format.md fails here."""
    import inspect

    from pydantic import BaseModel

    from journeymap import model

    text = DOC.read_text(encoding="utf-8")
    missing = []
    for name, cls in inspect.getmembers(model, inspect.isclass):
        if not (issubclass(cls, BaseModel) and cls.__module__.startswith(f"{model.__name__}.")):
            continue
        for field_name, info in cls.model_fields.items():
            key = info.alias or field_name
            if f"`{key}`" not in text and not re.search(rf"(?<![\w-]){re.escape(key)}:", text):
                missing.append(f"{name}.{key}")
    assert missing == [], missing
