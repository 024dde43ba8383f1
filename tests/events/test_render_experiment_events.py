"""``render MAP --view experiment --events LOG --variant-column COL``: the arms read once.

The arms straight from a log are the overlays ``ingest --segment-by`` writes for a clean
assignment (every row of a customer carries its arm), so the forest plot of the log is the plot
of those overlays byte for byte, and ``experiment --events`` reads out the same numbers.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from tests.events.test_goal_first import MAP
from tests.support import Result

Cli = Callable[..., Result]


def clean_log(path: Path) -> Path:
    rng = random.Random(3)
    rows = ["user_id,timestamp,event,variant"]
    for i in range(200):
        arm = rng.choice(["control", "treatment"])
        buys = rng.random() < (0.3 if arm == "control" else 0.5)
        for k, step in enumerate(["landing", "cart"] + (["paid"] if buys else [])):
            rows.append(f"u{i},2026-07-01T{10 + k:02d}:{i % 60:02d}:00Z,{step},{arm}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_plot_of_the_log_is_the_plot_of_its_overlays(tmp_path: Path, cli: Cli) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(MAP, encoding="utf-8")
    log = clean_log(tmp_path / "log.csv")
    r = cli("ingest", str(log), "--map", str(m), "--segment-by", "variant", "-o",
            str(tmp_path / "arm.yaml"), "-q")  # fmt: skip
    assert r.code == 0, r.err
    [control] = tmp_path.glob("arm.control-*.yaml")
    [treatment] = tmp_path.glob("arm.treatment-*.yaml")
    arms = ["--arm", f"control={control}", "--arm", f"treatment={treatment}"]
    events = ["--events", str(log), "--variant-column", "variant"]
    for name, given in (("ov.svg", arms), ("ev.svg", events)):
        r = cli("render", str(m), "--view", "experiment", *given, "-o", str(tmp_path / name))
        assert r.code == 0, r.err
    svg = (tmp_path / "ev.svg").read_bytes()
    assert svg == (tmp_path / "ov.svg").read_bytes() and b"<svg" in svg
    # the same numbers as the readout of experiment --events
    by_log = json.loads(cli("experiment", str(m), *events, "--format", "json").out)
    by_overlays = json.loads(cli("experiment", str(m), *arms, "--format", "json").out)
    assert by_log["arms"] == by_overlays["arms"]
    assert by_log["comparisons"] == by_overlays["comparisons"]
    assert by_log["touchpoints"] == by_overlays["touchpoints"]


def test_misuse_is_exit_2_with_a_hint(tmp_path: Path, cli: Cli) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(MAP, encoding="utf-8")
    log = str(clean_log(tmp_path / "log.csv"))
    out = str(tmp_path / "x.svg")
    r = cli("render", str(m), "--view", "graph", "--events", log, "--variant-column", "variant",
            "-o", out)  # fmt: skip
    assert (
        r.code == 2 and "--events is read by the experiment view, the report and the deck" in r.err
    )
    r = cli("render", str(m), "--view", "experiment", "--events", log, "-o", out)
    assert r.code == 2 and "--events needs --variant-column, and replaces --arm" in r.err
    r = cli("render", str(m), "--view", "experiment", "-o", out)
    assert r.code == 2 and "or --events LOG --variant-column COL" in r.err
    r = cli("render", str(m), "--view", "experiment", "--events", log, "--variant-column",
            "varaint", "-o", out)  # fmt: skip
    assert r.code == 2 and "did you mean 'variant'?" in r.err and "Traceback" not in r.err
    assert not Path(out).exists()
