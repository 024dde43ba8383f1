"""The fuzz suite for the commands that read exports (issue 17): ingest-survey, import, conform
and experiment, each on its own kind of input, mutated.

Each example writes the command's inputs into a fresh directory (a survey export and its map, a
funnel report or a path table, an event log, an experiment's arms as overlays or as a log with a
variant column), mutates one of them (a cell replaced by a hostile value, a line duplicated,
deleted or re-indented, a byte flipped, inserted or deleted, the file cut short; a YAML input
by the YAML-aware mutations of ``harness.py``), runs one command in-process and checks the
promises of ``harness.py``. On top of them, an exit 2 that names a mutated CSV file names it
with ``file:line:col`` or a row number, or names the column when the header is at fault; and an
overlay written with exit 0 loads on its map and JSON output holds no NaN or Infinity (never
a silently broken output).

``make test`` runs each test derandomized and small; the ``slow`` twins are ``make fuzz``.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import EXTREMES, Run, mutate, mutate_bytes, mutate_lines, run
from tests.fuzz.harness import strict_json as harness_strict_json
from tests.fuzz.test_fuzz_cli import CELLS, event_log, long, quick, slow_run
from tests.support import MAPS, ROOT

EVENTS = Path(__file__).parent.parent / "events" / "data"
DEMO = ROOT / "benchmarks" / "experiment_demo" / "checkout.yaml"

HOSTILE = [*CELLS, *(v for v in EXTREMES if isinstance(v, str)), "1,000", "10.5", "-0", "1e3"]
"""Cell values that break naive readers: the event log's hostile cells, the harness's hostile
strings, and numbers written as text with separators, fractions and exponents."""


def mutate_csv(text: str, rnd: random.Random) -> bytes:
    """One mutant of a CSV file: a cell replaced by a hostile value (most), or a line-level or
    byte-level mutation (``harness.py``)."""
    kind = rnd.randrange(4)
    if kind <= 1:
        lines = text.splitlines()
        i = rnd.randrange(len(lines))
        cells = lines[i].split(",")
        cells[rnd.randrange(len(cells))] = rnd.choice(HOSTILE)
        lines[i] = ",".join(cells)
        return ("\n".join(lines) + "\n").encode()
    if kind == 2:
        return mutate_lines(text, rnd).encode()
    return mutate_bytes(text.encode(), rnd)


def mutant(path: Path, rnd: random.Random) -> None:
    """Mutate ``path`` in place: YAML-aware for YAML, cell/line/byte-level for CSV."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        path.write_bytes(mutate(text, rnd))
    else:
        path.write_bytes(mutate_csv(text, rnd))


def located_rows(r: Run, mutated: Path) -> None:
    """An exit 2 about a mutated CSV names it with ``file:line:col`` or a row number."""
    name = re.escape(mutated.name)
    if r.code != 2 or mutated.suffix != ".csv" or not re.search(rf"{name}(?![\w.])", r.err):
        return
    shown = f"journeymap {' '.join(r.argv)} -> {r.code}\n--- err\n{r.err[-3000:]}"
    # a message about the header names the column (the whole file's problem, no one row's)
    where = rf"{name}:\d+(:\d+)?|\brows? \d|\bcolumns?\b|\bheader\b"
    assert re.search(where, r.err), f"no row, position or column: {shown}"


OVERLAY_WRITERS = {"ingest-survey", "import"}
"""The commands whose output is an overlay: one they write must load on their map."""


def strict_json(r: Run, output: Path) -> None:
    """JSON output is JSON: no ``NaN`` or ``Infinity`` (:func:`tests.fuzz.harness.strict_json`)."""
    try:
        harness_strict_json(output)
    except AssertionError as exc:
        raise AssertionError(f"journeymap {' '.join(r.argv)}: {exc}") from None


def loads_on_its_map(r: Run, map_path: Path, overlay: Path) -> None:
    """An overlay a command wrote (exit 0) loads on the map it was counted onto: the command
    never writes an overlay that a later ``--data`` would refuse."""
    from journeymap.errors import JourneymapError
    from journeymap.io import load_map

    try:
        load_map(map_path, data=overlay)
    except JourneymapError as exc:
        raise AssertionError(
            f"journeymap {' '.join(r.argv)} wrote an overlay its map refuses: {exc}"
        ) from None


@dataclass(frozen=True)
class Target:
    """A command family: how to lay out its inputs, which of them to mutate, the commands."""

    setup: Callable[[Path], dict[str, Path]]
    mutated: tuple[str, ...]
    commands: tuple[tuple[str, ...], ...]


def _case(rnd: random.Random, target: Target, command: tuple[str, ...]) -> None:
    root = Path(tempfile.mkdtemp(prefix="jm-fuzz-"))
    try:
        files = target.setup(root)
        used = [k for k in target.mutated if "{" + k + "}" in " ".join(command)]
        file = files[rnd.choice(used)]
        mutant(file, rnd)
        argv = [a.format(**{k: str(v) for k, v in files.items()}) for a in command]
        output = root / argv[argv.index("-o") + 1] if "-o" in argv else None
        r = run(argv, root, list(files.values()), mutated=[file], output=output)
        located_rows(r, file)
        if r.code == 0 and output is not None and output.suffix == ".json":
            strict_json(r, output)
        if r.code == 0 and output is not None and command[0] in OVERLAY_WRITERS:
            loads_on_its_map(r, files["map"], output)
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------ the inputs


def _survey(root: Path) -> dict[str, Path]:
    shutil.copy(EVENTS / "survey-map.yaml", root / "survey-map.yaml")
    rows = (EVENTS / "survey-example.csv").read_text(encoding="utf-8").splitlines()
    rows[0] += ",submitted"
    rows[1:] = [f"{row},2026-07-{1 + i:02d}T10:00:00Z" for i, row in enumerate(rows[1:])]
    (root / "answers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return {"map": root / "survey-map.yaml", "csv": root / "answers.csv"}


def _imports(root: Path) -> dict[str, Path]:
    shutil.copy(MAPS / "first-purchase.yaml", root / "shop.yaml")
    shutil.copytree(MAPS / "shared", root / "shared")
    names = ["ga4-funnel.csv", "amplitude-funnel.csv", "posthog-funnel.csv", "paths.csv"]
    for name in names:
        shutil.copy(EVENTS / "imports" / name, root / name)
    return {"map": root / "shop.yaml", **{n.split(".")[0]: root / n for n in names}}


def _conform(root: Path) -> dict[str, Path]:
    shutil.copy(MAPS / "starter-shop.yaml", root / "shop.yaml")
    (root / "log.csv").write_text(event_log(random.Random(0)), encoding="utf-8")
    return {"map": root / "shop.yaml", "log": root / "log.csv"}


DEMO_PATH = ["landing", "product", "cart", "shipping", "payment", "paid"]


def experiment_log() -> str:
    """A small log of the demo experiment: 24 customers, alternately control and treatment,
    each going a seeded number of steps down the checkout."""
    rnd = random.Random(7)
    rows = ["user_id,timestamp,event,variant"]
    for c in range(24):
        arm = "control" if c % 2 else "short-shipping"
        for step, event in enumerate(DEMO_PATH[: rnd.randint(1, len(DEMO_PATH))]):
            rows.append(f"u{c},2026-09-{1 + c % 28:02d}T10:{step * 5:02d}:00Z,{event},{arm}")
    return "\n".join(rows) + "\n"


def arm_overlay(reached: list[int]) -> dict[str, Any]:
    """A customer-grain overlay of the demo map: ``reached[i]`` customers reach step i."""
    tps: dict[str, Any] = {}
    for i, tp in enumerate(DEMO_PATH):
        nxt = {DEMO_PATH[i + 1]: reached[i + 1]} if i + 1 < len(DEMO_PATH) else {}
        tps[tp] = {
            "entries": reached[0] if i == 0 else 0,
            "visits": reached[i],
            "customers": reached[i],
            "next": nxt,
            "exits": reached[i] - sum(nxt.values()),
            "in_progress": 0,
            "unknown": 0,
        }
    return {
        "journeymap-data": 1,
        "map": "demo-checkout",
        "period": "2026-09",
        "settings": {"source": "events", "journey": "customer"},
        "touchpoints": tps,
    }


def _experiment(root: Path) -> dict[str, Path]:
    shutil.copy(DEMO, root / "checkout.yaml")
    (root / "log.csv").write_text(experiment_log(), encoding="utf-8")
    for name, reached in [
        ("a", [600, 420, 210, 168, 100, 90]),
        ("b", [600, 430, 215, 170, 128, 115]),
    ]:
        text = yaml.safe_dump(arm_overlay(reached), sort_keys=False)
        (root / f"{name}.yaml").write_text(text, encoding="utf-8")
    return {
        "map": root / "checkout.yaml",
        "log": root / "log.csv",
        "a": root / "a.yaml",
        "b": root / "b.yaml",
    }


STEPS = "product-page,cart,checkout,order-confirmation"

TARGETS: dict[str, Target] = {
    "ingest-survey": Target(
        _survey,
        ("csv", "map"),
        (
            ("ingest-survey", "{csv}", "--map", "{map}", "-o", "out.json"),
            ("ingest-survey", "{csv}", "--map", "{map}", "--customer-column", "respondent",
             "--time-column", "submitted", "--format", "yaml"),
        ),
    ),
    "import": Target(
        _imports,
        ("ga4-funnel", "amplitude-funnel", "posthog-funnel", "paths"),
        (
            ("import", "funnel", "{ga4-funnel}", "--map", "{map}", "--steps", STEPS, "-o", "out.yaml"),
            ("import", "funnel", "{amplitude-funnel}", "--map", "{map}", "--steps", STEPS),
            ("import", "funnel", "{posthog-funnel}", "--map", "{map}", "--steps", STEPS,
             "--format", "json", "-o", "out.json"),
            ("import", "paths", "{paths}", "--map", "{map}", "--channel", "Social ad=social-ad",
             "--channel", "Organic search=organic-search", "-o", "out.json"),
        ),
    ),
    "conform": Target(
        _conform,
        ("log", "map"),
        (
            ("conform", "{map}", "{log}", "--max-bad-rows", "50%"),
            ("conform", "{map}", "{log}", "--format", "json", "-o", "out.json"),
            ("conform", "{map}", "{log}", "--format", "sarif", "--journey", "session"),
        ),
    ),
    "experiment": Target(
        _experiment,
        ("log", "a", "b", "map"),
        (
            ("experiment", "{map}", "--events", "{log}", "--variant-column", "variant",
             "--max-bad-rows", "50%", "--format", "json", "-o", "out.json"),
            ("experiment", "{map}", "--arm", "control={a}", "--arm", "short-shipping={b}"),
            ("experiment", "{map}", "--arm", "control={a}", "--arm", "short-shipping={b}",
             "--format", "csv", "-o", "out.csv"),
            ("experiment", "{map}", "--plan", "--format", "markdown"),
        ),
    ),
}  # fmt: skip
"""The four command families; the map of each is mutated too, where the command reads one."""

CASES = [(name, command) for name, t in TARGETS.items() for command in t.commands]
FUZZED = {command[0] for _, command in CASES}


@quick(48)
@given(st.randoms(use_true_random=False), st.sampled_from(CASES))
def test_mutated_exports(rnd: random.Random, case: tuple[str, tuple[str, ...]]) -> None:
    _case(rnd, TARGETS[case[0]], case[1])


@pytest.mark.slow
@slow_run
@long()
@given(st.randoms(), st.sampled_from(CASES))
def test_mutated_exports_long(rnd: random.Random, case: tuple[str, tuple[str, ...]]) -> None:
    _case(rnd, TARGETS[case[0]], case[1])


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c[1][:2]) for c in CASES])
def test_unmutated_inputs_succeed(case: tuple[str, tuple[str, ...]]) -> None:
    """The inputs before mutation are good: every command exits 0 or 1 on them (else the fuzz
    would only ever test one refusal)."""
    target, command = TARGETS[case[0]], case[1]
    root = Path(tempfile.mkdtemp(prefix="jm-fuzz-"))
    try:
        files = target.setup(root)
        argv = [a.format(**{k: str(v) for k, v in files.items()}) for a in command]
        output = root / argv[argv.index("-o") + 1] if "-o" in argv else None
        r = run(argv, root, list(files.values()), output=output)
        assert r.code in (0, 1), r.err
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_an_output_with_nan_is_not_whole(tmp_path: Path) -> None:
    """Every fuzz target's output check (``harness.complete``) refuses NaN and Infinity, which
    Python's ``json`` would read."""
    from tests.fuzz.harness import complete

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('{"a": 1.5}', encoding="utf-8")
    bad.write_text('{"a": NaN}', encoding="utf-8")
    assert complete(good)
    with pytest.raises(AssertionError, match=r"bad\.json holds NaN"):
        complete(bad)
