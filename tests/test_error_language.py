"""Library errors speak the library's language: no message outside cli/ names a command-line flag.

The CLI maps domain errors to its options (``journeymap.cli.OPTION_OF_ERROR``,
``cli/event_options.py``'s setting table); a library caller never typed a flag.
"""

from __future__ import annotations

import ast
import re

from tests.support import ROOT

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def _texts(node: ast.AST) -> list[str]:
    """The literal text of a call's arguments (f-string parts included)."""
    out: list[str] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            out.append(child.value)
    return out


def flagged_raises() -> list[str]:
    found = []
    for path in sorted((ROOT / "journeymap").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("journeymap/cli/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                for text in _texts(node.exc):
                    if FLAG.search(text):
                        found.append(f"{rel}:{node.lineno}: {text!r}")
    return found


def test_the_probe_sees_a_flag() -> None:
    tree = ast.parse("raise UsageError('bad', hint=f'use --data {x}')")
    raise_node = tree.body[0]
    assert isinstance(raise_node, ast.Raise) and raise_node.exc is not None
    assert any(FLAG.search(t) for t in _texts(raise_node.exc))
    assert not FLAG.search("a -- b, x--y, ---")


def test_no_library_error_names_a_flag() -> None:
    assert flagged_raises() == []
