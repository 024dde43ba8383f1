"""``journeymap render`` from the command line: formats, errors, atomic writes, --watch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.render.support import DATA
from tests.support import ROOT, run_cli


def test_renders_by_extension(tmp_path: Path) -> None:
    out = tmp_path / "shop.dot"
    r = run_cli("render", str(DATA / "shop.yaml"), "--view", "graph", "-o", str(out))
    assert r.code == 0, r.err
    assert out.read_text(encoding="utf-8").startswith("digraph journey {")
    assert r.err.strip() == f"wrote {out} (graph view)"
    assert not list(tmp_path.glob(".*.tmp"))


def test_unsupported_view_and_extension_exits_2_listing_what_is_supported(tmp_path: Path) -> None:
    r = run_cli(
        "render", str(DATA / "shop.yaml"), "--view", "canvas", "-o", str(tmp_path / "x.mmd")
    )
    assert r.code == 2
    assert r.err.startswith(
        "the canvas view cannot be written as .mmd; it supports .svg, .png, "
        ".pdf; supported pairs: graph: svg, png, pdf, dot; canvas: svg, png, "
        "pdf;"
    )
    assert "report: html" in r.err and "Traceback" not in r.err
    assert not (tmp_path / "x.mmd").exists()


def test_unknown_view_exits_2() -> None:
    r = run_cli("render", str(DATA / "shop.yaml"), "--view", "grpah", "-o", "x.svg")
    assert r.code == 2
    assert "'grpah' is not one of" in r.err


def test_missing_map_exits_2_with_the_file_name(tmp_path: Path) -> None:
    r = run_cli(
        "render", str(tmp_path / "nope.yaml"), "--view", "graph", "-o", str(tmp_path / "g.svg")
    )
    assert r.code == 2
    assert r.err.strip() == f"no such file: {tmp_path / 'nope.yaml'}"


def test_invalid_map_points_at_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "journeymap: 1\nid: x\ntitle: X\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n      - id: a\n        name: A\n        next: {b: 1}\n",
        encoding="utf-8",
    )
    r = run_cli("render", str(bad), "--view", "graph", "-o", str(tmp_path / "g.svg"))
    assert r.code == 2
    assert f"{bad}:10:16: unknown touchpoint 'b'" in r.err
    assert not (tmp_path / "g.svg").exists()


def test_never_overwrites_the_map(tmp_path: Path) -> None:
    m = tmp_path / "shop.mmd"
    text = (DATA / "shop.yaml").read_text(encoding="utf-8")
    m.write_text(text, encoding="utf-8")
    r = run_cli("render", str(m), "--view", "mermaid", "-o", str(m))
    assert r.code == 2
    assert f"refusing to overwrite the input file {m}" in r.err
    assert m.read_text(encoding="utf-8") == text


def test_a_failed_render_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "g.dot"
    out.write_text("previous", encoding="utf-8")
    r = run_cli(
        "render", str(DATA / "shop.yaml"), "--view", "graph", "-o", str(out), "--persona", "nobody"
    )
    assert r.code == 2 and "the map has no persona 'nobody'" in r.err
    assert out.read_text(encoding="utf-8") == "previous"


def _wait_for(predicate: object, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_watch_rerenders_when_the_map_or_an_include_changes(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    inc = tmp_path / "people.yaml"
    inc.write_text("personas:\n  - id: p\n    name: Person One\n", encoding="utf-8")
    m = tmp_path / "m.yaml"
    m.write_text(
        "journeymap: 1\nid: m\ntitle: Watched\ninclude: [people.yaml]\nstages:\n"
        "  - id: s\n    name: S\n    touchpoints:\n"
        "      - id: a\n        name: Alpha\n        emotion: 1\n",
        encoding="utf-8",
    )
    out = tmp_path / "j.mmd"
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    errfile = tmp_path / "stderr.txt"
    errors = errfile.open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "journeymap",
            "render",
            str(m),
            "--view",
            "mermaid",
            "-o",
            str(out),
            "--watch",
        ],
        env=env,
        stderr=errors,
        text=True,
    )
    try:
        assert _wait_for(lambda: out.exists() and "Alpha" in out.read_text(encoding="utf-8"))
        assert "Person One" in out.read_text(encoding="utf-8")
        time.sleep(0.3)  # let the watcher start
        m.write_text(m.read_text(encoding="utf-8").replace("Alpha", "Beta"), encoding="utf-8")
        assert _wait_for(lambda: "Beta" in out.read_text(encoding="utf-8"))
        inc.write_text("personas:\n  - id: p\n    name: Person Two\n", encoding="utf-8")
        assert _wait_for(lambda: "Person Two" in out.read_text(encoding="utf-8"))
        m.write_text("journeymap: 1\nid: m\n", encoding="utf-8")  # broken: keeps the last file
        assert _wait_for(lambda: "not re-rendered" in errfile.read_text(encoding="utf-8"))
        assert "Person Two" in out.read_text(encoding="utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        finally:
            errors.close()
    err = errfile.read_text(encoding="utf-8")
    assert "watching 2 file(s)" in err
    assert "re-rendered" in err
    assert "not re-rendered; fix the map and save again" in err
    assert "Traceback" not in err
    assert proc.returncode == 0


@pytest.mark.parametrize("theme", ["dark"])  # the colours of every theme: test_graph_view.py
def test_themes(tmp_path: Path, theme: str) -> None:
    out = tmp_path / "g.svg"
    r = run_cli(
        "render", str(DATA / "shop.yaml"), "--view", "graph", "--theme", theme, "-o", str(out), "-q"
    )
    assert r.code == 0 and r.err == ""
    assert out.read_bytes().startswith(b"<?xml")
