"""Guardrails of an experiment readout: hand-worked numbers, statsmodels/scipy cross-checks."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from scipy import stats as sst
from statsmodels.stats.proportion import confint_proportions_2indep

from journeymap import stats
from journeymap.analysis.experiment import (
    ArmInput,
    Decision,
    Design,
    Effect,
    GuardrailSpec,
    read_out,
)
from journeymap.analysis.experiment_guardrails import verdict
from journeymap.graph import build_graph
from journeymap.model import JourneyMap, Overlay
from tests.analysis.test_experiment import MAP, _files, overlay_doc
from tests.support import ROOT, Result

CES_A = {1: 2, 3: 10, 5: 20, 7: 8}
CES_B = {1: 6, 3: 14, 5: 15, 7: 5}


def arm(name: str, *counts: int, scores: dict[str, Any] | None = None) -> ArmInput:
    doc = overlay_doc(*counts)
    if scores is not None:
        doc["touchpoints"]["paid"]["scores"] = scores
    G: nx.DiGraph[str] = build_graph(JourneyMap.model_validate(MAP), Overlay.model_validate(doc))
    return ArmInput(name, G)


def test_reach_of_a_touchpoint_that_is_not_a_goal_worsens_upward() -> None:
    # 5,000 of 20,000 control customers reach checkout, 5,600 of 20,000 treatment: +3 pp
    arms = [arm("a", 20_000, 8000, 5000, 2000), arm("b", 20_000, 8000, 5600, 2000)]
    specs = (
        GuardrailSpec("reach", "checkout", Effect(0.01, relative=False)),
        GuardrailSpec("reach", "checkout", Effect(0.05, relative=False)),
        GuardrailSpec("reach", "checkout", Effect(0.20)),  # 20% of 25% = 5 pp
    )
    r = read_out(arms, "a", Design(guardrails=specs))
    tight, loose, relative = r.guardrails
    assert tight.worse_when == "higher" and tight.difference == pytest.approx(0.03)
    ref = confint_proportions_2indep(5600, 20_000, 5000, 20_000, method="newcomb")
    assert tight.difference_interval == pytest.approx(ref, abs=1e-9)
    assert ref[0] > 0  # significantly worse, by more than 1 pp tolerated
    assert tight.verdict == "breached" and tight.tolerated == 0.01
    assert loose.verdict == "holds"  # the interval's upper end (about 3.9 pp) is within 5 pp
    assert relative.tolerated == pytest.approx(0.05) and relative.verdict == "holds"
    assert r.decision == Decision.HARM
    assert r.reason == "guardrail breached: b reach at checkout +3.00 pp (tolerated 1pp)"
    doc = r.to_dict()["guardrails"][0]
    assert (
        doc["metric"] == "reach" and doc["subject"] == "checkout" and doc["verdict"] == "breached"
    )


def test_conversion_guardrail_and_unclear() -> None:
    # 100 -> 90 of 1000: -1 pp, interval crosses 0: neither breached nor shown within 0.5 pp
    r = read_out(
        [arm("a", 1000, 400, 250, 100), arm("b", 1000, 400, 250, 90)],
        "a",
        Design(guardrails=(GuardrailSpec("conversion", None, Effect(0.005, relative=False)),)),
    )
    (g,) = r.guardrails
    assert (g.subject, g.worse_when, g.verdict) == ("goals", "lower", "unclear")
    assert g.difference == pytest.approx(-0.01)


def test_survey_guardrails_against_scipy_and_by_hand() -> None:
    scores_a = {
        "csat": {"responses": {5: 60, 4: 20, 2: 20}},
        "nps": {"responses": {10: 50, 8: 30, 3: 20}},
        "ces": {"scale": [1, 7], "direction": "higher_is_better", "responses": CES_A},
    }
    scores_b = {
        "csat": {"responses": {5: 40, 4: 20, 2: 40}},
        "nps": {"responses": {10: 40, 8: 30, 3: 30}},
        "ces": {"scale": [1, 7], "direction": "higher_is_better", "responses": CES_B},
    }
    specs = tuple(GuardrailSpec(m, "paid", Effect(0.05)) for m in ("csat", "nps", "ces"))
    r = read_out(
        [
            arm("a", 1000, 400, 250, 100, scores=scores_a),
            arm("b", 1000, 400, 250, 100, scores=scores_b),
        ],
        "a",
        Design(guardrails=specs),
    )
    csat, nps, ces = r.guardrails
    # CSAT top box 80/100 -> 60/100, a proportion
    assert (csat.control_value, csat.value) == (0.8, 0.6)
    assert csat.difference_interval == pytest.approx(
        confint_proportions_2indep(60, 100, 80, 100, method="newcomb"), abs=1e-9
    )
    assert csat.verdict == "breached"  # -20 pp, 5% of 0.8 = 4 pp tolerated
    # NPS 30 -> 10; SE^2 = (0.7 - 0.09) / 100 * 1e4 + (0.7 - 0.01) / 100 * 1e4 = 61 + 69
    assert (nps.control_value, nps.value) == pytest.approx((30.0, 10.0))
    half = stats.z_value() * math.sqrt(130)
    assert nps.difference_interval == pytest.approx((-20 - half, -20 + half), abs=1e-9)
    # -20 +/- 22.3 crosses 0: not significantly worse, nor shown within 1.5 points (5% of 30)
    assert nps.tolerated == pytest.approx(1.5) and nps.verdict == "unclear"
    # CES: Welch against scipy on the same answers
    xa = np.repeat(list(CES_A), list(CES_A.values())).astype(float)
    xb = np.repeat(list(CES_B), list(CES_B.values())).astype(float)
    ci = sst.ttest_ind(xb, xa, equal_var=False).confidence_interval()
    assert ces.difference == pytest.approx(xb.mean() - xa.mean(), abs=1e-12)
    assert ces.difference_interval == pytest.approx((ci.low, ci.high), abs=1e-9)
    assert ces.worse_when == "lower"


def test_no_data_and_verdict_rules() -> None:
    r = read_out(
        [arm("a", 1000, 400, 250, 100), arm("b", 1000, 400, 250, 100)],
        "a",
        Design(guardrails=(GuardrailSpec("csat", "paid"),)),
    )
    (g,) = r.guardrails
    assert g.verdict == "no data" and g.tolerance == "none" and r.decision != Decision.HARM
    assert verdict(0.0, (-0.01, 0.01), 0.0, True) == "unclear"
    assert verdict(0.0, (0.0, 0.0), 0.0, True) == "holds"


def test_cli_reads_guardrails_from_the_experiments_block(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    exp = {
        "experiments": [
            {
                "id": "x",
                "arms": [{"name": "a"}, {"name": "b"}],
                "guardrails": [{"metric": "reach", "touchpoint": "checkout", "tolerance": "1pp"}],
            }
        ]
    }
    args = _files(tmp_path, {"a": (20_000, 8000, 5000, 2000), "b": (20_000, 8000, 5600, 2000)}, exp)
    r = cli("experiment", *args, "--format", "json")
    assert r.code == 1, r.err
    doc = json.loads(r.out)
    assert doc["decision"] == "harm" and doc["guardrails"][0]["verdict"] == "breached"
    table = cli("experiment", *args)
    assert "b            reach at checkout" in table.out and ": BREACHED" in table.out
    assert (
        "| b | reach at checkout | higher |" in cli("experiment", *args, "--format", "markdown").out
    )


def test_every_guardrail_json_name_is_documented() -> None:
    text = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    section = text.split("## The JSON document")[1].split("## ")[0]
    names = set(re.findall(r"`([a-z_]+)(?:\[\])?`", section))
    r = read_out(
        [arm("a", 1000, 400, 250, 100), arm("b", 1000, 400, 250, 90)],
        "a",
        Design(guardrails=(GuardrailSpec("conversion"),)),
    )
    for key in r.to_dict()["guardrails"][0]:
        assert key in names, key


# ------------------------------------------------------------------------- the scenario check

COUNTED: dict[str, Any] = {
    **MAP,
    "stages": [
        {
            "id": "buy",
            "name": "Buy",
            "touchpoints": [
                {"id": "landing", "name": "Landing", "entries": 1000, "next": {"cart": 400}},
                {"id": "cart", "name": "Cart", "next": {"checkout": 250}},
                {"id": "checkout", "name": "Checkout", "next": {"paid": 100}},
                {"id": "paid", "name": "Paid", "goal": True},
            ],
        }
    ],
    "scenarios": {"to-be": {"touchpoints": {"checkout": {"next": {"paid": 118}}}}},
}


def test_scenario_check_puts_the_prediction_beside_the_observed_lift(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    import yaml

    from journeymap.analysis import analyze

    exp = {
        "experiments": [{"id": "x", "arms": [{"name": "a"}, {"name": "b"}], "scenario": "to-be"}]
    }
    args = _files(tmp_path, {"a": (1000, 400, 250, 100), "b": (1000, 400, 250, 112)}, exp)
    (tmp_path / "shop.yaml").write_text(
        yaml.safe_dump({**COUNTED, **exp}, sort_keys=False), encoding="utf-8"
    )
    r = cli("experiment", *args, "--format", "json")
    assert r.code == 0, r.err
    (check,) = json.loads(r.out)["scenario_check"]
    # as written: 100 of 1000 convert; to-be: 118 of 1000, so +1.8 pp predicted (the same
    # figures analyze --compare-scenario gives); observed 100 -> 112 of 1000: +1.2 pp
    as_is = analyze(build_graph(JourneyMap.model_validate(COUNTED)), samples=0)
    assert as_is.summary.conversion_probability == pytest.approx(0.10)
    assert check["predicted"] == pytest.approx(0.018)
    assert check["observed"] == pytest.approx(0.012)
    ci = confint_proportions_2indep(112, 1000, 100, 1000, method="newcomb")
    assert check["observed_interval"] == pytest.approx(list(ci), abs=1e-6)
    assert check["verdict"] == "consistent" and check["scenario"] == "to-be"
    table = cli("experiment", *args).out
    assert "b: to-be predicted +1.8 pp, observed +1.2 pp (-1.5 to 3.9): consistent" in table
