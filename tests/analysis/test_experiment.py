"""journeymap.analysis.experiment: the readout of an A/B test on a four-touchpoint journey.

Hand-worked numbers in the comments, statsmodels and scipy as the independent cross-check.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from journeymap import stats
from journeymap.analysis.experiment import (
    ArmInput,
    Decision,
    Design,
    Effect,
    ExperimentInputError,
    VisitGrainError,
    read_out,
    require_customer_grain,
)
from journeymap.errors import MapError
from journeymap.graph import build_graph
from journeymap.io import load_map
from journeymap.model import JourneyMap, Overlay, parse_effect
from tests.support import Result

MAP: dict[str, Any] = {
    "journeymap": 1,
    "id": "shop",
    "title": "Shop",
    "period": "2026-Q3",
    "stages": [
        {
            "id": "buy",
            "name": "Buy",
            "touchpoints": [
                {"id": "landing", "name": "Landing", "next": {"cart": None}},
                {"id": "cart", "name": "Cart", "next": {"checkout": None}},
                {"id": "checkout", "name": "Checkout", "next": {"paid": None}},
                {"id": "paid", "name": "Paid", "goal": True},
            ],
        }
    ],
}


def overlay_doc(n: int, cart: int, checkout: int, paid: int) -> dict[str, Any]:
    """A customer-grain overlay: one journey per customer along landing > cart > checkout > paid."""

    def tp(customers: int, nxt: dict[str, int], entries: int = 0) -> dict[str, Any]:
        return {
            "entries": entries,
            "visits": customers,
            "customers": customers,
            "next": nxt,
            "exits": customers - sum(nxt.values()),
            "in_progress": 0,
            "unknown": 0,
        }

    return {
        "journeymap-data": 1,
        "map": "shop",
        "period": "2026-Q3",
        "settings": {"source": "events", "journey": "customer"},
        "touchpoints": {
            "landing": tp(n, {"cart": cart}, entries=n),
            "cart": tp(cart, {"checkout": checkout}),
            "checkout": tp(checkout, {"paid": paid}),
            "paid": tp(paid, {}),
        },
    }


def overlay(n: int, cart: int, checkout: int, paid: int) -> Overlay:
    return Overlay.model_validate(overlay_doc(n, cart, checkout, paid))


def arm(name: str, *counts: int) -> ArmInput:
    jm = JourneyMap.model_validate(MAP)
    o = overlay(*counts)
    require_customer_grain(name, o)
    G: nx.DiGraph[str] = build_graph(jm, o)
    return ArmInput(name, G)


def test_a_small_ab_test_by_hand() -> None:
    # control 100 of 1000 convert, treatment 130 of 1000
    r = read_out(
        [arm("control", 1000, 400, 250, 100), arm("treatment", 1000, 400, 280, 130)],
        "control",
        Design(),
    )
    c, t = r.arms
    assert (c.customers, c.conversions, t.customers, t.conversions) == (1000, 100, 1000, 130)
    assert c.conversion == 0.10 and t.conversion == 0.13
    (cmp,) = r.comparisons
    assert cmp.difference == pytest.approx(0.03)
    assert cmp.relative_lift == pytest.approx(0.30)
    # pooled p = 0.115, se = sqrt(0.115 * 0.885 * 0.002) = 0.0142671, z = 2.10274, p = 2 (1 - Phi(z)) = 0.035488
    assert cmp.test == "z"
    assert cmp.p_value == pytest.approx(0.035488, abs=2e-6)
    assert cmp.p_value == pytest.approx(proportions_ztest([130, 100], [1000, 1000])[1], abs=1e-9)
    assert cmp.p_value_adjusted == cmp.p_value  # one comparison: Holm changes nothing
    assert cmp.difference_interval == pytest.approx(
        confint_proportions_2indep(130, 1000, 100, 1000, method="newcomb"), abs=1e-9
    )
    low, high = confint_proportions_2indep(130, 1000, 100, 1000, method="log", compare="ratio")
    assert cmp.relative_lift_interval == pytest.approx((low - 1, high - 1), abs=1e-9)
    # mixing tau = 10% of 0.10 = 0.01; s^2 = (0.09 + 0.1131) / 1000 = 2.031e-4
    # log L = 0.5 ln(2.031 / 3.031) + 1e-4 * 0.03^2 / (2 * 2.031e-4 * 3.031e-4)
    #       = -0.200182 + 0.730998 = 0.530816
    assert cmp.sequential_p_value == pytest.approx(math.exp(-0.530816), abs=1e-5)
    assert cmp.chance_to_beat_control == pytest.approx(0.98217, abs=1e-5)
    # SRM: 1000 / 1000 against 50:50 is a perfect fit
    assert r.srm.statistic == 0.0 and r.srm.p_value == 1.0 and not r.srm.mismatch
    # 0.10 -> 0.11 needs 14,751 per arm (tests/test_stats_experiment.py): read the sequential p
    assert r.plan.customers_per_arm == 14751 and r.plan.baseline == 0.10
    assert r.decision == Decision.INCONCLUSIVE
    assert "13,751 more customers per arm" in r.reason
    assert "planned 14,751 customers per arm, 1,000 so far: read the sequential figures" in r.notes


def test_touchpoint_drop_off_per_arm() -> None:
    r = read_out(
        [arm("control", 1000, 400, 250, 100), arm("treatment", 1000, 400, 280, 130)],
        "control",
        Design(),
    )
    rows = {t.touchpoint: t for t in r.touchpoints}
    assert list(rows) == ["landing", "cart", "checkout"]  # the goal is not a leak
    # cart: control lost 150 of 400, treatment 120 of 400
    assert rows["cart"].control_drop_off == 0.375 and rows["cart"].drop_off == 0.30
    assert rows["cart"].difference == pytest.approx(-0.075)
    assert rows["landing"].difference == 0.0 and rows["landing"].p_value == 1.0
    ps = [rows[t].p_value for t in ("landing", "cart", "checkout")]
    assert [rows[t].q_value for t in ("landing", "cart", "checkout")] == stats.benjamini_hochberg(
        ps
    )
    assert rows["cart"].p_value == pytest.approx(
        proportions_ztest([120, 150], [400, 400])[1], abs=1e-9
    )
    assert any(
        n.startswith("treatment lost 20% fewer customers at Cart (30.0% against 37.5%)")
        for n in r.notes
    )


def test_ship_and_harm_at_the_planned_size() -> None:
    ship = read_out(
        [arm("a", 20_000, 8000, 5000, 2000), arm("b", 20_000, 8000, 5200, 2400)], "a", Design()
    )
    assert ship.decision == Decision.SHIP and ship.reason.startswith(
        "b converts significantly better"
    )
    assert "fixed-horizon" in ship.reason
    harm = read_out(
        [arm("a", 20_000, 8000, 5200, 2400), arm("b", 20_000, 8000, 5000, 2000)], "a", Design()
    )
    assert harm.decision == Decision.HARM


def test_sample_ratio_mismatch_invalidates() -> None:
    # 1000 / 1200 against 50:50: X^2 = 2 * 100^2 / 1100 = 18.18, p = 2.0e-5 < 0.001
    r = read_out([arm("a", 1000, 400, 250, 100), arm("b", 1200, 480, 300, 120)], "a", Design())
    assert r.srm.statistic == pytest.approx(20000 / 1100)
    assert r.srm.mismatch and r.decision == Decision.INVALID
    assert "sample ratio mismatch" in r.reason
    # the same counts planned 45:55 fit well
    planned = read_out(
        [arm("a", 1000, 400, 250, 100), arm("b", 1200, 480, 300, 120)],
        "a",
        Design(split={"a": 0.45, "b": 0.55}),
    )
    assert not planned.srm.mismatch


def test_fisher_for_small_arms_and_holm_across_three() -> None:
    r = read_out(
        [arm("a", 20, 10, 5, 1), arm("b", 20, 10, 8, 6), arm("c", 20, 10, 6, 2)], "a", Design()
    )
    b, c = r.comparisons
    assert b.test == "fisher" and b.p_value == pytest.approx(stats.fisher_exact(1, 20, 6, 20))
    assert [b.p_value_adjusted, c.p_value_adjusted] == stats.holm([b.p_value, c.p_value])


def test_absolute_effect_sets_the_plan() -> None:
    r = read_out(
        [arm("a", 1000, 400, 250, 100), arm("b", 1000, 400, 250, 100)],
        "a",
        Design(effect=Effect(0.015, relative=False), alpha=0.05, power=0.8),
    )
    assert r.plan.customers_per_arm == stats.two_proportion_sample_size(0.10, 0.115)
    assert r.plan.effect == "1.5pp"


def test_unusable_inputs() -> None:
    with pytest.raises(ExperimentInputError, match="two or more arms"):
        read_out([arm("a", 10, 5, 2, 1)], "a", Design())
    with pytest.raises(ExperimentInputError, match="no arm named 'z'"):
        read_out([arm("a", 10, 5, 2, 1), arm("b", 10, 5, 2, 1)], "z", Design())
    visits = overlay(10, 5, 2, 1).model_copy(update={"settings": {"journey": "session"}})
    with pytest.raises(
        VisitGrainError, match="experiments compare customers; this overlay counts visits"
    ):
        require_customer_grain("b", visits)


def test_the_json_contract_names() -> None:
    doc = read_out(
        [arm("control", 1000, 400, 250, 100), arm("treatment", 1000, 400, 280, 130)],
        "control",
        Design(),
    ).to_dict()
    assert {
        "control",
        "unit",
        "arms",
        "srm",
        "comparisons",
        "touchpoints",
        "guardrails",
        "plan",
        "decision",
    } <= set(doc)
    assert {
        "name",
        "customers",
        "excluded",
        "conversions",
        "conversion",
        "conversion_interval",
    } <= set(doc["arms"][0])
    assert {"p_value", "expected_split", "mismatch"} <= set(doc["srm"])
    assert {
        "arm",
        "metric",
        "control_value",
        "value",
        "difference",
        "difference_interval",
        "relative_lift",
        "relative_lift_interval",
        "p_value",
        "p_value_adjusted",
        "sequential_p_value",
        "confidence_sequence",
        "chance_to_beat_control",
    } <= set(doc["comparisons"][0])
    assert {"arm", "touchpoint", "control_drop_off", "drop_off", "difference", "q_value"} <= set(
        doc["touchpoints"][0]
    )
    assert set(doc["plan"]) == {"customers_per_arm", "baseline", "effect", "alpha", "power", "days"}
    assert doc["unit"] == "customers" and doc["decision"] == "inconclusive"


# ------------------------------------------------------------------ the experiments: block


def test_the_experiments_block_validates_with_positions(tmp_path: Path) -> None:
    import yaml

    doc = dict(
        MAP,
        experiments=[
            {
                "id": "one-page",
                "arms": [{"name": "a"}, {"name": "b", "split": 0.4}],
                "primary": {"metric": "conversion", "touchpoint": "paid"},
                "minimum_detectable_effect": "1.5pp",
                "alpha": 0.1,
            }
        ],
    )
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    (exp,) = load_map(path).map.experiments
    assert exp.effect == (0.015, False) and exp.alpha == 0.1 and exp.power == 0.8
    doc["experiments"][0]["primary"] = {"metric": "conversion", "touchpoint": "cart"}
    doc["experiments"][0]["minimum_detectable_effect"] = "10%"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(MapError) as err:
        load_map(path)
    (d,) = err.value.diagnostics
    assert d.message == "'cart' is not a goal; conversion is measured at a goal"
    assert d.position is not None and d.position.line > 1


@pytest.mark.parametrize(
    "text,value", [("10%", (0.10, True)), ("1.5pp", (0.015, False)), ("0.5%", (0.005, True))]
)
def test_parse_effect(text: str, value: tuple[float, bool]) -> None:
    assert parse_effect(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["10", "pp", "-1%", "10 %"])
def test_parse_effect_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="relative lift such as 10%"):
        parse_effect(text)


# ----------------------------------------------------------------------- the command line


def _files(
    tmp_path: Path, arms: dict[str, tuple[int, int, int, int]], extra: dict[str, Any] | None = None
) -> list[str]:
    import yaml

    (tmp_path / "shop.yaml").write_text(
        yaml.safe_dump({**MAP, **(extra or {})}, sort_keys=False), encoding="utf-8"
    )
    args = [str(tmp_path / "shop.yaml")]
    for name, counts in arms.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(overlay_doc(*counts), sort_keys=False), encoding="utf-8")
        args += ["--arm", f"{name}={path}"]
    return args


def test_cli_json_and_exit_codes(tmp_path: Path, cli: Callable[..., Result]) -> None:
    import json

    args = _files(tmp_path, {"control": (1000, 400, 250, 100), "treatment": (1000, 400, 280, 130)})
    r = cli("experiment", *args, "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["control"] == "control" and doc["decision"] == "inconclusive"
    assert doc["comparisons"][0]["p_value"] == pytest.approx(0.035488, abs=2e-6)
    # the same readout in a table, and as a PR comment
    table = cli("experiment", *args)
    assert table.code == 0 and "decision: INCONCLUSIVE" in table.out
    assert cli("experiment", *args, "--format", "markdown").out.startswith("### Experiment")
    harm = _files(tmp_path, {"a": (20_000, 8000, 5200, 2400), "b": (20_000, 8000, 5000, 2000)})
    r = cli("experiment", *harm)
    assert r.code == 1 and "decision: HARM" in r.out
    srm_args = _files(tmp_path, {"a": (1000, 400, 250, 100), "b": (1200, 480, 300, 120)})
    r = cli("experiment", *srm_args)
    assert r.code == 1 and "sample ratio mismatch" in r.out


def test_cli_unusable_input_exits_2(tmp_path: Path, cli: Callable[..., Result]) -> None:
    args = _files(tmp_path, {"control": (1000, 400, 250, 100)})
    r = cli("experiment", *args)
    assert r.code == 2 and "two or more arms" in r.err and "Traceback" not in r.err
    args = _files(tmp_path, {"control": (1000, 400, 250, 100), "b": (1000, 400, 250, 100)})
    r = cli("experiment", *args, "--control", "contrl")
    assert r.code == 2 and "did you mean 'control'" in r.err
    exp = {"experiments": [{"id": "x", "arms": [{"name": "control"}, {"name": "one-page"}]}]}
    args = _files(
        tmp_path, {"control": (1000, 400, 250, 100), "one-pag": (1000, 400, 250, 100)}, exp
    )
    r = cli("experiment", *args)
    assert r.code == 2 and "has no arm 'one-pag'; did you mean 'one-page'?" in r.err
    # a visit-grain overlay (no customers per touchpoint)
    import yaml

    visits = overlay_doc(1000, 400, 250, 100)
    for tp in visits["touchpoints"].values():
        del tp["customers"]
    (tmp_path / "visits.yaml").write_text(yaml.safe_dump(visits), encoding="utf-8")
    r = cli(
        "experiment",
        str(tmp_path / "shop.yaml"),
        "--arm",
        f"control={tmp_path / 'control.yaml'}",
        "--arm",
        f"one-page={tmp_path / 'visits.yaml'}",
    )
    assert r.code == 2 and "experiments compare customers; this overlay counts visits" in r.err
    other = overlay_doc(1000, 400, 250, 100) | {"map": "another-shop"}
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(other), encoding="utf-8")
    r = cli(
        "experiment",
        str(tmp_path / "shop.yaml"),
        "--arm",
        f"control={tmp_path / 'control.yaml'}",
        "--arm",
        f"one-page={tmp_path / 'other.yaml'}",
    )
    assert r.code == 2 and "this overlay is for map 'another-shop', not 'shop'" in r.err


def test_cli_plan(tmp_path: Path, cli: Callable[..., Result]) -> None:
    import json

    exp = {"experiments": [{"id": "x", "minimum_detectable_effect": "1pp", "power": 0.9}]}
    m = dict(MAP)
    m["stages"] = [
        {
            "id": "buy",
            "name": "Buy",
            "touchpoints": [
                {"id": "landing", "name": "Landing", "entries": 9200, "next": {"paid": 920}},
                {"id": "paid", "name": "Paid", "goal": True},
            ],
        }
    ]
    import yaml

    (tmp_path / "m.yaml").write_text(
        yaml.safe_dump({**m, **exp}, sort_keys=False), encoding="utf-8"
    )
    r = cli("experiment", str(tmp_path / "m.yaml"), "--plan", "--format", "json")
    assert r.code == 0, r.err
    plan = json.loads(r.out)["plan"]
    # baseline 920 / 9200 = 0.10; 0.10 -> 0.11 at alpha 0.05, power 0.9
    n = stats.two_proportion_sample_size(0.10, 0.11, alpha=0.05, power=0.9)
    assert n is not None
    assert plan["customers_per_arm"] == n and plan["baseline"] == 0.1 and plan["effect"] == "1pp"
    # 2026-Q3 has 92 days: 100 journeys a day; two arms
    assert plan["days"] == math.ceil(2 * n / 100)


# ----------------------------------------------------------------- docs/experiments.md


def test_the_worked_example_in_the_docs_runs() -> None:
    from tests.support import ROOT, run_python_examples

    assert run_python_examples(ROOT / "docs" / "experiments.md") == 1


def a_a_simulation(
    seed: int = 2026,
    runs: int = 1000,
    days: int = 28,
    per_day: int = 250,
    p: float = 0.10,
    alpha: float = 0.05,
) -> tuple[int, int, int]:
    """``(fixed-horizon peeking, sequential, one fixed look)``: A/A tests that found a winner."""
    import numpy as np

    rng = np.random.default_rng(seed)
    a = rng.binomial(per_day, p, size=(runs, days)).cumsum(axis=1)
    b = rng.binomial(per_day, p, size=(runs, days)).cumsum(axis=1)
    tau = Effect(0.10).absolute(p)  # the mixing sd from a 10% minimum detectable effect
    peeking = sequential = once = 0
    for r in range(runs):
        hit_fixed = hit_seq = False
        for d in range(days):
            n, x1, x2 = per_day * (d + 1), int(a[r, d]), int(b[r, d])
            hit_fixed |= stats.two_proportion_test(x1, n, x2, n, alternative="two-sided") < alpha
            s = stats.msprt_two_proportions(x1, n, x2, n, tau=tau, alpha=alpha)
            hit_seq |= s is not None and s.p_value < alpha
        peeking += hit_fixed
        sequential += hit_seq
        n = per_day * days
        once += (
            stats.two_proportion_test(int(a[r, -1]), n, int(b[r, -1]), n, alternative="two-sided")
            < alpha
        )
    return peeking, sequential, once


def test_looking_every_day_is_safe_only_with_the_sequential_figures() -> None:
    from tests.support import ROOT

    peeking, sequential, once = a_a_simulation()
    assert sequential / 1000 <= 0.05 < peeking / 1000
    assert 0.03 < once / 1000 < 0.07  # one planned look: about alpha
    text = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    assert f"**{peeking} of 1,000**" in text and f"**{sequential} of 1,000**" in text
    assert f"finds one in {once} " in text


def test_every_json_name_is_documented() -> None:
    import re

    from tests.support import ROOT

    text = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    section = text.split("## The JSON document")[1].split("## ")[0]
    names = set(re.findall(r"`([a-z_]+)(?:\[\])?`", section))
    doc = read_out(
        [arm("control", 1000, 400, 250, 100), arm("treatment", 1000, 400, 280, 130)],
        "control",
        Design(),
    ).to_dict()
    nested = [doc["arms"][0], doc["srm"], doc["comparisons"][0], doc["touchpoints"][0], doc["plan"]]
    for key in [*doc, *(k for d in nested for k in d)]:
        assert key in names, key
