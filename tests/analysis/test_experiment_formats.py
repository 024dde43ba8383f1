"""``journeymap experiment --format csv|github``: long CSV and annotations on the experiment."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.analysis.test_experiment import _files
from tests.support import Result

EXP = {
    "experiments": [
        {
            "id": "one-page",
            "arms": [{"name": "a"}, {"name": "b"}],
            "guardrails": [{"metric": "reach", "touchpoint": "checkout", "tolerance": "1pp"}],
        }
    ]
}


def test_csv_is_long_and_agrees_with_the_json(tmp_path: Path, cli: Callable[..., Result]) -> None:
    args = _files(tmp_path, {"a": (1000, 400, 250, 100), "b": (1000, 400, 280, 130)}, EXP)
    r = cli("experiment", *args, "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert list(rows[0]) == ["arm", "metric", "subject", "value", "low", "high", "p", "q"]
    doc = json.loads(cli("experiment", *args, "--format", "json").out)
    by = {(x["arm"], x["metric"], x["subject"]): x for x in rows}
    diff = by["b", "difference", "conversion"]
    cmp = doc["comparisons"][0]
    assert float(diff["value"]) == pytest.approx(cmp["difference"], abs=1e-12)
    assert [float(diff["low"]), float(diff["high"])] == cmp["difference_interval"]
    assert float(diff["p"]) == cmp["p_value"] and float(diff["q"]) == cmp["p_value_adjusted"]
    assert by["a", "customers", ""]["value"] == "1000"
    cart = by["b", "drop_off_difference", "cart"]
    assert float(cart["q"]) == next(
        t["q_value"] for t in doc["touchpoints"] if t["touchpoint"] == "cart"
    )
    assert ("b", "guardrail_reach", "checkout") in by
    assert rows[-1]["metric"] == "decision" and rows[-1]["subject"] == doc["decision"]
    assert by["", "srm", ""]["p"] == "1.0"


def test_plan_as_csv(tmp_path: Path, cli: Callable[..., Result]) -> None:
    import yaml

    from tests.analysis.test_experiment_guardrails import COUNTED

    (tmp_path / "m.yaml").write_text(yaml.safe_dump(COUNTED), encoding="utf-8")
    r = cli("experiment", str(tmp_path / "m.yaml"), "--plan", "--format", "csv")
    # 14,751 per arm at 10% (docs/experiments.md); 1,000 journeys in the 92 days of 2026-Q3:
    # ceil(14751 x 2 / (1000 / 92)) = 2715 days
    assert r.out.splitlines() == [
        "arm,metric,subject,value,low,high,p,q",
        ",plan_customers_per_arm,10%,14751,,,,",
        ",plan_baseline,10%,0.1,,,,",
        ",plan_alpha,10%,0.05,,,,",
        ",plan_power,10%,0.8,,,,",
        ",plan_days,10%,2715,,,,",
    ]


def test_github_annotates_the_experiments_entry(tmp_path: Path, cli: Callable[..., Result]) -> None:
    args = _files(tmp_path, {"a": (20_000, 8000, 5000, 2000), "b": (20_000, 8000, 5600, 2000)}, EXP)
    r = cli("experiment", *args, "--format", "github")
    assert r.code == 1  # the guardrail is breached: harm
    lines = r.out.splitlines()
    text = (tmp_path / "shop.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, 1) if t.startswith("- id: one-page"))
    where = f"file={str(tmp_path / 'shop.yaml').replace(':', '%3A')},line={line},col=3"
    assert lines[0] == (
        f"::error {where},title=one-page%3A harm::guardrail breached: b reach at checkout "
        "+3.00 pp (tolerated 1pp)"
    )
    assert lines[1].startswith(
        f"::error {where},title=one-page%3A guardrail reach at checkout::b: breached"
    )
    assert lines[-1] == "journeymap experiment: harm"
    assert all(x.startswith("::notice ") for x in lines[2:-1])
