"""The fuzz suite's harness: mutate a file, run a command in-process, check the promises.

Every run of :func:`run` keeps the promises of issue 17 or raises ``AssertionError`` naming the
broken one, with the command and what it printed:

- the exit code is 0, 1 or 2 (no crash: an exception that escapes ``journeymap.cli.main`` is
  caught here and reported with its traceback);
- neither output nor error stream holds a Python traceback;
- an exit 2 that names a mutated YAML file names it with ``file:line:col``;
- no input is modified (SHA-256 of every input before and after);
- the output file is absent after an exit 2 and complete after an exit 0 or 1 (JSON parses,
  an SVG ends with ``</svg>``), and no temporary file is left beside it;
- the command ends within its time budget (:data:`BUDGET` seconds, enforced with
  ``signal.setitimer``: the alarm raises inside the command, which counts as a hang).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import yaml
from click.testing import CliRunner

BUDGET = float(os.environ.get("JOURNEYMAP_FUZZ_BUDGET", "20"))
"""Seconds one command may take before it counts as a hang (wall clock, generous for a loaded
2-core machine; the example maps analyse in well under a second)."""


class Hang(Exception):
    """A command ran past its time budget."""


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    code: int
    out: str
    err: str
    seconds: float


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang


@contextlib.contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the running code after ``seconds`` (main thread only)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def invoke(argv: Sequence[str], cwd: Path) -> Run:
    """Run ``journeymap ARGV`` in-process (``journeymap.cli.main``, as the console script does),
    with its streams captured by click's test runner, inside its time budget."""
    import traceback

    from journeymap.cli import main

    runner = CliRunner()
    start = time.perf_counter()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with runner.isolation(env={"NO_COLOR": "1"}) as streams:
            try:
                with budget(BUDGET):
                    main(list(argv))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
            except Hang:
                raise AssertionError(
                    f"journeymap {' '.join(argv)}: no answer in {BUDGET}s"
                ) from None
            except BaseException:
                code = -1
                streams[1].write(traceback.format_exc().encode())
            out = streams[0].getvalue().decode("utf-8", "replace")
            err = streams[1].getvalue().decode("utf-8", "replace")
    finally:
        os.chdir(old)
    return Run(tuple(argv), code, out, err, time.perf_counter() - start)


def digest(paths: Sequence[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def strict_json(path: Path) -> object:
    """An output file's JSON, refused (AssertionError) when it holds ``NaN`` or ``Infinity``:
    Python's reader takes them, every other JSON reader refuses the file."""

    def refuse(word: str) -> None:
        raise AssertionError(f"{path.name} holds {word}, which is not JSON")

    return json.loads(path.read_bytes(), parse_constant=refuse)


def complete(path: Path) -> bool:
    """Whether an output file is whole: JSON parses (and is JSON: :func:`strict_json`), SVG
    closes, text ends with a newline."""
    data = path.read_bytes()
    if path.suffix == ".json":
        strict_json(path)
        return True
    if path.suffix == ".svg":
        return data.rstrip().endswith(b"</svg>")
    return data.endswith(b"\n") or path.suffix in {".pdf", ".png"}


def run(
    argv: Sequence[str],
    cwd: Path,
    inputs: Sequence[Path],
    mutated: Sequence[Path] = (),
    output: Path | None = None,
) -> Run:
    """Run a command and assert every promise of the module docstring."""
    before = digest(inputs)
    listing = set(os.listdir(cwd))
    r = invoke(argv, cwd)
    shown = f"journeymap {' '.join(argv)} -> {r.code}\n--- out\n{r.out[-3000:]}\n--- err\n{r.err[-3000:]}"
    assert r.code in (0, 1, 2), shown
    assert "Traceback (most recent call last)" not in r.out + r.err, shown
    assert digest(inputs) == before, f"an input changed: {shown}"
    if r.code == 2:
        for path in mutated:
            name = re.escape(path.name)
            if re.search(rf"(^|[\s/]){name}(?![:\w])", r.err) and path.suffix in {".yaml", ".yml"}:
                assert re.search(rf"{name}:\d+:\d+", r.err), f"no position: {shown}"
    if output is not None:
        if r.code == 2:
            assert not output.exists(), f"output left after exit 2: {shown}"
        elif output.exists():
            assert complete(output), f"incomplete output: {shown}"
    left = {n for n in set(os.listdir(cwd)) - listing if output is None or n != output.name}
    assert not left, f"files left behind {sorted(left)}: {shown}"
    return r


# ------------------------------------------------------------------------------ the mutations

EXTREMES: tuple[Any, ...] = (
    0, -1, 1, 2**63, -(2**63), 10**40, 1e308, -1e308, 1e-308, 0.5, float("nan"), float("inf"),
    "", " ", "x" * 20_000, "\x00\x07\x1b[31m", "\ufeff\u202e\uffff", "<b>&amp;</b>", "=1+2",
    "line\n# heading\n", "a" * 300, True, None, [], {}, [1, 2], {"a": 1}, "2026-13-45", "🙂" * 50,
)  # fmt: skip
"""Scalars that break naive code: edges of number types, empty/huge/control-character strings,
markup and formula text, wrong types."""


def _paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*at, i))


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


def mutate_tree(doc: Any, rnd: random.Random, steps: int) -> Any:
    """Apply ``steps`` YAML-aware mutations to a parsed document: replace a node by an extreme
    scalar or a wrong type, delete a key or list item, duplicate a list item, swap two values."""
    for _ in range(steps):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            return rnd.choice(EXTREMES)
        path = rnd.choice(paths)
        parent, key = _parent(doc, path), path[-1]
        op = rnd.randrange(5)
        if op <= 1:
            parent[key] = rnd.choice(EXTREMES)
        elif op == 2:
            del parent[key]
        elif op == 3 and isinstance(parent, list):
            parent.insert(key, parent[key])
        else:
            other = rnd.choice(paths)
            with contextlib.suppress(KeyError, IndexError, TypeError):
                op_parent = _parent(doc, other)
                if other[: len(path)] != path and path[: len(other)] != other:
                    parent[key], op_parent[other[-1]] = op_parent[other[-1]], parent[key]
    return doc


def mutate_lines(text: str, rnd: random.Random) -> str:
    """A line-level mutation: duplicate a line (a duplicate key), delete one, or re-indent one."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i = rnd.randrange(len(lines))
    op = rnd.randrange(3)
    if op == 0:
        lines.insert(i, lines[i])
    elif op == 1:
        del lines[i]
    else:
        lines[i] = " " * rnd.randrange(1, 5) + lines[i]
    return "".join(lines)


def mutate_bytes(data: bytes, rnd: random.Random) -> bytes:
    """A byte-level mutation: flip, insert or delete a byte, or cut the file short."""
    if not data:
        return bytes([rnd.randrange(256)])
    i = rnd.randrange(len(data))
    op = rnd.randrange(4)
    if op == 0:
        return data[:i] + bytes([data[i] ^ (1 << rnd.randrange(8))]) + data[i + 1 :]
    if op == 1:
        return data[:i] + bytes([rnd.randrange(256)]) + data[i:]
    if op == 2:
        return data[:i] + data[i + 1 :]
    return data[:i]


def mutate(text: str, rnd: random.Random) -> bytes:
    """One mutant of a YAML file: tree-level (most), line-level or byte-level."""
    kind = rnd.randrange(6)
    if kind <= 3:
        doc = mutate_tree(yaml.safe_load(text), rnd, rnd.randint(1, 3))
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=rnd.random() < 0.5).encode()
    if kind == 4:
        return mutate_lines(text, rnd).encode()
    return mutate_bytes(text.encode(), rnd)
