"""The fuzz suite (issue 17): mutated maps, overlays and event logs through every command.

Each example copies ``maps/`` into a fresh directory, mutates one file (YAML-aware mutations
of scalars, keys and list items, line-level and byte-level ones; see ``harness.py``), runs one
command on it in-process and checks the promises listed in ``harness.py``: exit 0, 1 or 2, no
traceback, a position on an exit 2 about YAML, inputs untouched, output absent or whole, no
hang (a per-command time budget by ``signal.setitimer``).

In ``make test`` every test is derandomized (the same examples on every run) and small; the
``slow`` tests are the long run behind ``make fuzz`` (``JOURNEYMAP_FUZZ_EXAMPLES`` sets how
many examples each tries, random each run; skipped without it).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import mutate, mutate_bytes, mutate_lines, run
from tests.support import MAPS

LONG = int(os.environ.get("JOURNEYMAP_FUZZ_EXAMPLES", "0"))


def quick(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The settings of a test in ``make test``: the same ``examples`` every run, no deadline
    (the harness has its own budget per command)."""
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def long() -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The settings of the long run (``make fuzz``): fresh random examples."""
    return settings(
        max_examples=max(LONG, 1),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


slow_run = pytest.mark.skipif(LONG == 0, reason="the long fuzz run: make fuzz")

MAP_FILES = ["first-purchase.yaml", "retention.yaml", "starter-shop.yaml", "support.yaml"]
MUTATED = [*MAP_FILES, "shared/personas.yaml"]

# {map} is the mutated map (or the map including the mutated file), {orig} an untouched copy
MAP_COMMANDS: list[tuple[str, ...]] = [
    ("validate", "{map}"),
    ("validate", "{map}", "--format", "json"),
    ("analyze", "{map}", "--samples", "20"),
    ("analyze", "{map}", "--samples", "0", "--format", "json", "-o", "out.json"),
    ("analyze", "{map}", "--samples", "0", "--format", "markdown", "-o", "out.md"),
    ("analyze", "{map}", "--samples", "0", "--format", "csv", "-o", "out.csv"),
    ("check", "{map}"),
    ("check", "{map}", "--format", "json", "-o", "out.json"),
    ("check", "{map}", "--format", "markdown"),
    ("check", "{map}", "--format", "github"),
    ("check", "{map}", "--format", "junit", "-o", "out.xml"),
    ("check", "{map}", "--format", "sarif", "-o", "out.json"),
    ("render", "{map}", "--view", "graph", "-o", "out.svg"),
    ("render", "{map}", "--view", "mermaid", "-o", "out.mmd"),
    ("diff", "{orig}", "{map}"),
    ("diff", "{map}", "{orig}", "--format", "markdown"),
    ("opportunities", "{map}", "--samples", "20"),
    ("opportunities", "{map}", "--samples", "0", "--format", "json", "-o", "out.json"),
    ("opportunities", "{map}", "--samples", "0", "--format", "csv", "-o", "out.csv"),
]


def _workspace() -> Path:
    root = Path(tempfile.mkdtemp(prefix="jm-fuzz-"))
    shutil.copytree(MAPS, root / "maps")
    shutil.copytree(MAPS, root / "orig")
    return root


def _fill(argv: tuple[str, ...], **names: str) -> list[str]:
    return [a.format(**names) for a in argv]


def _output(argv: list[str], cwd: Path) -> Path | None:
    return cwd / argv[argv.index("-o") + 1] if "-o" in argv else None


def _map_case(rnd: random.Random, target: str, command: tuple[str, ...]) -> None:
    root = _workspace()
    try:
        maps = root / "maps"
        file = maps / target
        file.write_bytes(mutate(file.read_text(encoding="utf-8"), rnd))
        main = maps / ("first-purchase.yaml" if "/" in target else target)
        orig = root / "orig" / main.name
        argv = _fill(command, map=str(main), orig=str(orig))
        inputs = [*maps.rglob("*.yaml"), *(root / "orig").rglob("*.yaml")]
        run(argv, root, inputs, mutated=[file], output=_output(argv, root))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@quick(40)
@given(st.randoms(use_true_random=False), st.sampled_from(MUTATED), st.sampled_from(MAP_COMMANDS))
def test_mutated_maps(rnd: random.Random, target: str, command: tuple[str, ...]) -> None:
    _map_case(rnd, target, command)


@pytest.mark.slow
@slow_run
@long()
@given(st.randoms(), st.sampled_from(MUTATED), st.sampled_from(MAP_COMMANDS))
def test_mutated_maps_long(rnd: random.Random, target: str, command: tuple[str, ...]) -> None:
    _map_case(rnd, target, command)


# ------------------------------------------------------------------------------- overlays

OVERLAY = "overlays/first-purchase.2026-Q2.yaml"
OVERLAY_COMMANDS: list[tuple[str, ...]] = [
    ("validate", "{map}", "--data", "{overlay}"),
    ("analyze", "{map}", "--data", "{overlay}", "--samples", "0", "--format", "json"),
    ("check", "{map}", "--data", "{overlay}", "--format", "json", "-o", "out.json"),
    ("check", "{map}", "--baseline", "{map}", "--baseline-data", "{overlay}"),
    ("render", "{map}", "--data", "{overlay}", "--view", "mermaid", "-o", "out.mmd"),
    ("trend", "{map}", "{overlay}", "{overlay2}"),
    ("opportunities", "{map}", "--data", "{overlay}", "--samples", "0", "--format", "markdown"),
]


def _overlay_case(rnd: random.Random, command: tuple[str, ...]) -> None:
    root = _workspace()
    try:
        maps = root / "maps"
        file = maps / OVERLAY
        text = file.read_text(encoding="utf-8")
        second = text.replace("period: 2026-Q2", "period: 2026-Q1")
        (maps / "overlays" / "second.yaml").write_text(second, encoding="utf-8")
        file.write_bytes(mutate(text, rnd))
        argv = _fill(
            command,
            map=str(maps / "first-purchase.yaml"),
            overlay=str(file),
            overlay2=str(maps / "overlays" / "second.yaml"),
        )
        inputs = list(maps.rglob("*.yaml"))
        run(argv, root, inputs, mutated=[file], output=_output(argv, root))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@quick(20)
@given(st.randoms(use_true_random=False), st.sampled_from(OVERLAY_COMMANDS))
def test_mutated_overlays(rnd: random.Random, command: tuple[str, ...]) -> None:
    _overlay_case(rnd, command)


@pytest.mark.slow
@slow_run
@long()
@given(st.randoms(), st.sampled_from(OVERLAY_COMMANDS))
def test_mutated_overlays_long(rnd: random.Random, command: tuple[str, ...]) -> None:
    _overlay_case(rnd, command)


# ----------------------------------------------------------------------------- event logs

PATHS = [
    ["search-ad", "product-page", "cart", "checkout", "order-confirmed"],
    ["search-ad", "product-page", "cart"],
    ["product-page", "cart", "product-page", "cart", "checkout"],
    ["search-ad"],
]
CELLS = ["", " ", "\x00", "2026-02-30 10:00:00", "294247-01-10 04:00:54", "-1", "1e308",
         "9" * 40, '"', "a,b", "=cmd", "\u202e", "x" * 5000, "NaN", "1970-01-01"]  # fmt: skip


def event_log(rnd: random.Random) -> str:
    """A small CSV event log of the starter shop: 12 customers along the paths above."""
    rows = ["user_id,timestamp,event"]
    for c in range(12):
        for step, event in enumerate(PATHS[c % len(PATHS)]):
            rows.append(f"u{c},2026-07-{1 + c:02d} 10:{step * 7:02d}:00,{event}")
    if rnd.random() < 0.6:
        i, col = rnd.randrange(1, len(rows)), rnd.randrange(3)
        cells = rows[i].split(",")
        cells[col] = rnd.choice(CELLS)
        rows[i] = ",".join(cells)
    return "\n".join(rows) + "\n"


LOG_COMMANDS: list[tuple[str, ...]] = [
    ("discover", "{log}", "--goal", "order-confirmed", "-o", "draft.yaml"),
    ("ingest", "{log}", "--map", "{map}", "--max-bad-rows", "50%", "-o", "overlay.json"),
    ("ingest", "{log}", "--map", "{map}", "--format", "yaml", "--journey", "session"),
    ("trend", "{map}", "{log}", "--events", "--every", "month", "--max-bad-rows", "50%"),
    ("cohorts", "{log}", "--map", "{map}", "--max-bad-rows", "9"),
]


def _log_case(rnd: random.Random, command: tuple[str, ...]) -> None:
    root = _workspace()
    try:
        log = root / "log.csv"
        data = event_log(rnd).encode()
        kind = rnd.randrange(3)
        if kind == 1:
            data = mutate_lines(data.decode(), rnd).encode()
        elif kind == 2:
            data = mutate_bytes(data, rnd)
        log.write_bytes(data)
        argv = _fill(command, map=str(root / "maps" / "starter-shop.yaml"), log=str(log))
        inputs = [log, *(root / "maps").rglob("*.yaml")]
        run(argv, root, inputs, output=_output(argv, root))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@quick(15)
@given(st.randoms(use_true_random=False), st.sampled_from(LOG_COMMANDS))
def test_mutated_event_logs(rnd: random.Random, command: tuple[str, ...]) -> None:
    _log_case(rnd, command)


@pytest.mark.slow
@slow_run
@long()
@given(st.randoms(), st.sampled_from(LOG_COMMANDS))
def test_mutated_event_logs_long(rnd: random.Random, command: tuple[str, ...]) -> None:
    _log_case(rnd, command)


# ------------------------------------------------------------------------- every command

NOT_FUZZED: dict[str, str] = {
    "schema": "reads no input: it prints the JSON Schema",
    "init": "reads no input: it writes a starter map (refusing to overwrite)",
}
"""Commands the fuzz suite does not run, with the reason; an entry whose command is fuzzed
(or gone) fails the test below, so the list only shrinks."""


def test_every_command_is_fuzzed_or_says_why() -> None:
    from journeymap.cli import COMMANDS
    from tests.fuzz.test_fuzz_inputs import FUZZED  # the exports' commands; it imports this module

    fuzzed = {argv[0] for argv in [*MAP_COMMANDS, *OVERLAY_COMMANDS, *LOG_COMMANDS]} | FUZZED
    assert fuzzed <= set(COMMANDS)
    assert set(COMMANDS) - fuzzed == set(NOT_FUZZED)
