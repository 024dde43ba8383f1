"""One definition of a journey that starts at its goal, in every command that reads a log.

docs/analysis.md, "Journeys that start at their goal" (``journeymap.facts.goal_starts``): such a
journey is outside the conversion chain, neither entered nor converted, and counted apart; a
later departure from the goal is a re-entry (a new journey). On the hand-made log below:

- a: landing (control), cart, paid: a journey, converts (2 min from landing);
- b: landing (treatment), cart: a journey, no conversion;
- f: paid (control) only: starts at the goal, nothing else;
- g: paid (treatment), then landing, cart, paid: starts at the goal, then re-enters at landing
  and converts 2 min later (not 7 min: the journey of the chain starts at landing).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import Result

MAP = """journeymap: 1
id: shop
title: Shop
period: 2026-Q3
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: landing, name: Landing, next: [cart]}
      - {id: cart, name: Cart, next: [paid]}
      - {id: paid, name: Paid, goal: true}
"""

LOG = """user_id,timestamp,event,variant
a,2026-07-01T10:00:00Z,landing,control
a,2026-07-01T10:01:00Z,cart,
a,2026-07-01T10:02:00Z,paid,
b,2026-07-01T10:00:00Z,landing,treatment
b,2026-07-01T10:01:00Z,cart,
f,2026-07-01T11:00:00Z,paid,control
g,2026-07-02T11:00:00Z,paid,treatment
g,2026-07-02T11:05:00Z,landing,
g,2026-07-02T11:06:00Z,cart,
g,2026-07-02T11:07:00Z,paid,
"""

Cli = Callable[..., Result]


def files(tmp_path: Path, log: str = LOG) -> tuple[str, str]:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    return str(tmp_path / "m.yaml"), str(tmp_path / "log.csv")


def test_ingest_counts_them_at_the_goal_and_analyze_leaves_them_out(
    tmp_path: Path, cli: Cli
) -> None:
    m, log = files(tmp_path)
    out = str(tmp_path / "o.json")
    r = cli("ingest", log, "--map", m, "-o", out, "-q")
    assert r.code == 0, r.err
    tps = json.loads(Path(out).read_text(encoding="utf-8"))["touchpoints"]
    # f and g start at paid: their entries are counted there, as observed
    assert (tps["paid"]["entries"], tps["landing"]["entries"]) == (2, 2)
    assert tps["paid"]["next"] == {"landing": 1}  # g's re-entry
    # time to convert from the first visit outside the goals: a 120 s, g 120 s (not 420 s)
    ttc = json.loads(Path(out).read_text(encoding="utf-8"))["time_to_convert"]
    assert ttc == {"journeys": 2, "median_seconds": 120.0, "p90_seconds": 120.0}
    r = cli("analyze", m, "--data", out, "--format", "json")
    summary = json.loads(r.out)["summary"]
    # journeys: a, b and g's re-entry; conversions: a and g's second purchase
    assert (summary["entries"], summary["reentries"], summary["conversions"]) == (3, 1, 2)
    r = cli("analyze", m, "--data", out)
    assert "goal 'paid' has 2 entries: journeys that start at a goal are not conversions" in (
        r.out + r.err
    )


def test_trend_from_events_counts_them_apart(tmp_path: Path, cli: Cli) -> None:
    m, log = files(tmp_path)
    r = cli("trend", m, "--events", log, "--every", "week", "--format", "json")
    assert r.code == 0, r.err
    [p] = json.loads(r.out)["periods"]
    assert p["period"] == "2026-W27"
    assert (p["journeys"], p["started_at_goal"], p["conversions"]) == (3, 2, 2)
    assert p["time_to_convert"]["median_seconds"] == 120.0


def test_experiment_from_events_leaves_them_out_of_customers_and_conversions(
    tmp_path: Path, cli: Cli
) -> None:
    m, log = files(tmp_path)
    r = cli("experiment", m, "--events", log, "--variant-column", "variant", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    arms = {a["name"]: a for a in doc["arms"]}
    got = {n: (a["customers"], a["conversions"], a["started_at_goal"]) for n, a in arms.items()}
    # control: a converts, f started at the goal; treatment: b does not, g started at the goal
    # (before this definition g's purchase counted as a conversion of b's arm: 1 of 1)
    assert got == {"control": (1, 1, 1), "treatment": (1, 0, 1)}
    # the split is judged on the customers assigned: 2 and 2
    assert doc["srm"]["statistic"] == 0.0
    assert (
        "customers whose journey started at a goal are neither customers nor conversions of "
        "their arm: control 1, treatment 1" in doc["notes"]
    )


def test_cohorts_count_their_goal_events(tmp_path: Path, cli: Cli) -> None:
    """A cohort is about goal events, not chain conversions: f and g are in their cohort."""
    m, log = files(tmp_path)
    r = cli("cohorts", log, "--map", m, "--by", "week", "--include-partial", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["customers"] == 3  # a, f, g
    assert [(c["cohort"], c["customers"]) for c in doc["cohorts"]] == [("2026-W27", 3)]
    # g: goal events at 11:00 and 11:07, 7 minutes apart
    assert doc["repeat_customers"] == 1
    assert doc["time_to_second"]["median_days"] == pytest.approx(7 / 1440, abs=1e-6)


def test_experiment_against_a_plain_python_count(tmp_path: Path, cli: Cli) -> None:
    """Random customers, a fifth of them starting at the goal: counted by the definition."""
    rng = random.Random(11)
    rows = ["user_id,timestamp,event,variant"]
    truth = {"a": [0, 0, 0], "b": [0, 0, 0]}  # customers, conversions, started at goal
    for i in range(300):
        arm = rng.choice("ab")
        starts_at_goal = rng.random() < 0.2
        buys = rng.random() < (0.3 if arm == "a" else 0.45)
        steps = (["paid"] if starts_at_goal else []) + ["landing", "cart"]
        steps += ["paid"] if buys else []
        for k, step in enumerate(steps):
            rows.append(
                f"u{i},2026-07-01T{10 + k:02d}:{i % 60:02d}:00Z,{step},{arm if k == 0 else ''}"
            )
        if starts_at_goal:
            truth[arm][2] += 1
        else:
            truth[arm][0] += 1
            truth[arm][1] += buys
    m, log = files(tmp_path, "\n".join(rows) + "\n")
    r = cli("experiment", m, "--events", log, "--variant-column", "variant", "--format", "json")
    doc = json.loads(r.out)
    got = {a["name"]: [a["customers"], a["conversions"], a["started_at_goal"]] for a in doc["arms"]}
    assert got == truth
    assert all(t[2] > 10 for t in truth.values())
