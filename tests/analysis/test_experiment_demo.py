"""The bundled demo experiment (benchmarks/experiment_demo): reproducible, and read out right."""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from tests.support import ROOT, Result

DEMO = ROOT / "benchmarks" / "experiment_demo"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_generate", DEMO / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_log_is_what_the_generator_writes(tmp_path: Path) -> None:
    generate = generator()
    generate.write(tmp_path / "log.csv.gz")
    assert gzip.decompress((tmp_path / "log.csv.gz").read_bytes()) == gzip.decompress(
        (DEMO / "log.csv.gz").read_bytes()
    )


def test_the_readout_finds_the_planted_touchpoint(cli: Callable[..., Result]) -> None:
    generate = generator()
    args = [
        str(DEMO / "checkout.yaml"), "--events", str(DEMO / "log.csv.gz"),
        "--variant-column", "variant", "--lost-after", "1d",
    ]  # fmt: skip
    r = cli("experiment", *args, "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    rows = sorted(doc["touchpoints"], key=lambda t: t["q_value"])
    planted = generate.PLANTED[0]
    assert rows[0]["touchpoint"] == planted and rows[0]["q_value"] < 0.001
    assert all(t["q_value"] > 0.05 for t in rows[1:])  # nothing else was planted
    # the planted step: 60% of control customers go on from shipping, 75% of the treatment's
    assert abs(rows[0]["control_drop_off"] - 0.40) < 0.04 and abs(rows[0]["drop_off"] - 0.25) < 0.04
    assert doc["decision"] == "ship" and doc["guardrails"][0]["verdict"] == "holds"
    assert sum(a["excluded"] for a in doc["arms"]) > 0  # the leaking assignment is counted
    assert doc["scenario_check"][0]["verdict"] == "consistent"
    table = cli("experiment", *args).out
    assert "lost 42% fewer customers at Shipping details" in table
