"""What goes into DOT is bounded and normalised, and ``dot`` is run with a time limit (issue 17):
blank or control-character names, noncharacters, weights of 1e38, a layout that would run for
minutes, a ``dot`` that fails."""

from __future__ import annotations

import importlib
import random
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from journeymap.io import load_map
from journeymap.render import build_scene
from journeymap.render.dot import SPAN_LIMIT, _columns, _layout, to_dot
from tests.support import ROOT, Result

HOSTILE = r"""journeymap: 1
id: shop
title: " "
stages:
  - id: buy
    name: "\x01\x02"
    touchpoints:
      - id: cart
        name: "\u200b\x7f "
        entries: 1
        next: {pay: 100000000000000000000000000000000000000}
      - id: pay
        name: "Pay\uffff now\ufdd0"
        goal: true
"""


def _dot(path: Path) -> str:
    loaded = load_map(path)
    return to_dot(build_scene(loaded.map, loaded.overlay))


def test_blank_names_get_a_placeholder_and_noncharacters_are_dropped(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    path = write("hostile.yaml", HOSTILE)
    dot = _dot(path)
    assert "<B></B>" not in dot
    assert "<B>(no title)</B>" in dot
    assert "<B>(no name: buy)</B>" in dot
    assert "<B>(no name: cart)</B>" in dot
    assert "<B>Pay now</B>" in dot
    assert "\uffff" not in dot and "\ufdd0" not in dot and "\x7f" not in dot
    out = path.with_suffix(".svg")
    r = cli("render", str(path), "--view", "graph", "-o", str(out))
    assert r.code == 0, r.err
    texts = [t.text for t in ET.parse(out).iter() if t.text and t.text.strip()]  # well formed
    assert "(no name: cart)" in texts and "Pay now" in texts


def test_weights_stay_within_the_documented_range(write: Callable[[str, str], Path]) -> None:
    # 10^38 transitions out of 1 visit: share 10^38, clamped to 1, weight 1 + 10 = 11
    dot = _dot(write("hostile.yaml", HOSTILE))
    weights = [int(w) for w in re.findall(r"weight=(\d+)", dot) if w != "0"]
    assert weights == [11]


def _random_map(n: int, seed: int = 1) -> str:
    """n touchpoints in one stage whose transitions jump anywhere (the slow case for dot)."""
    rng = random.Random(seed)
    ids = [f"t{i}" for i in range(n)]
    lines = ["journeymap: 1", "id: hard", "title: Hard", "stages:", "  - id: s", "    name: S"]
    lines.append("    touchpoints:")
    for i in range(n):
        lines += [f"      - id: {ids[i]}", f"        name: Touchpoint {i}"]
        if i < 5:
            lines.append("        entries: 1000")
        if i == n - 1:
            lines.append("        goal: true")
            continue
        targets = sorted(({ids[rng.randrange(n)] for _ in range(3)} | {ids[i + 1]}) - {ids[i]})
        lines.append(
            "        next: {" + ", ".join(f"{t}: {rng.randint(5, 50)}" for t in targets) + "}"
        )
        lines.append("        exits: 10")
    return "\n".join(lines) + "\n"


def test_a_tangled_large_map_is_laid_out_force_directed(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    path = write("hard.yaml", _random_map(200))
    loaded = load_map(path)
    scene = build_scene(loaded.map, loaded.overlay)
    columns = _columns(scene)
    span = sum(abs(columns[v] - columns[u]) for u, v in scene.graph.edges)
    assert span > SPAN_LIMIT  # 40,483 columns crossed: minutes of ranked layout
    assert _layout(scene, columns).startswith("layout=sfdp")
    out = path.with_suffix(".svg")
    r = cli(
        "render", str(path), "--view", "graph", "-o", str(out), env={"JOURNEYMAP_DOT_TIMEOUT": "30"}
    )
    assert r.code == 0, r.err
    assert len([e for e in ET.parse(out).iter() if e.get("class") == "node"]) == 200


def test_the_benchmark_map_of_300_touchpoints_stays_ranked() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        generated_map = importlib.import_module("bench_render").generated_map
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from journeymap.io import load_map as load

    loaded = load("generated.yaml", text=generated_map(300).encode())
    scene = build_scene(loaded.map, loaded.overlay)
    columns = _columns(scene)
    assert sum(abs(columns[v] - columns[u]) for u, v in scene.graph.edges) == 1167
    assert _layout(scene, columns) == "rankdir=LR, newrank=true, splines=true"


def test_dot_timeout_is_an_error_not_a_hang(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    path = write("hard.yaml", _random_map(40))
    out = path.with_suffix(".png")
    r = cli(
        "render",
        str(path),
        "--view",
        "graph",
        "-o",
        str(out),
        env={"JOURNEYMAP_DOT_TIMEOUT": "0.001"},
    )
    assert r.code == 2
    assert (
        r.err.strip()
        .splitlines()[0]
        .startswith("graphviz's 'dot' did not finish the layout within 0.001 s (40 touchpoints, ")
    )
    assert "Traceback" not in r.err
    assert not out.exists()


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan", "inf"])
def test_a_bad_timeout_setting_is_one_message(
    value: str, cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    path = write("hostile.yaml", HOSTILE)
    r = cli(
        "render",
        str(path),
        "--view",
        "graph",
        "-o",
        str(path.with_suffix(".svg")),
        env={"JOURNEYMAP_DOT_TIMEOUT": value},
    )
    assert r.code == 2
    assert r.err.strip() == (
        f"JOURNEYMAP_DOT_TIMEOUT must be a positive number of seconds, got '{value}'; "
        "unset it for the default of 60 s"
    )


def test_a_failing_dot_is_one_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from journeymap.errors import UsageError
    from journeymap.render.layout_run import run_dot

    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'Error: boom' >&2\nkill -SEGV $$\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError) as info:
        run_dot("digraph journey {\n  t0 [label=<x>];\n}\n", "svg")
    assert str(info.value) == (
        "graphviz's 'dot' was killed by SIGSEGV while laying out the graph "
        "(1 touchpoint, 0 transitions): Error: boom"
    )
