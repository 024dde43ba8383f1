"""``journeymap experiment --events LOG --variant-column COL``: arms straight from an event log."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
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

# a: first variant at cart (control): exposure there, its landing is before exposure
# b: treatment from landing, no purchase; c: treatment then control: excluded (first arm
# treatment); d: no variant at all; e: control from landing, buys
LOG = """user_id,timestamp,event,variant
a,2026-07-01T10:00:00Z,landing,
a,2026-07-01T10:01:00Z,cart,control
a,2026-07-01T10:02:00Z,paid,
b,2026-07-01T10:00:00Z,landing,treatment
b,2026-07-01T10:01:00Z,cart,
c,2026-07-01T10:00:00Z,landing,treatment
c,2026-07-01T10:05:00Z,cart,control
d,2026-07-01T10:00:00Z,landing,
e,2026-07-02T10:00:00Z,landing,control
e,2026-07-02T10:01:00Z,cart,
e,2026-07-02T10:02:00Z,paid,
"""


def files(tmp_path: Path, log: str = LOG) -> list[str]:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    return [str(tmp_path / "m.yaml"), "--events", str(tmp_path / "log.csv")]


def test_first_variant_decides_and_two_arms_are_excluded(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    r = cli("experiment", *files(tmp_path), "--variant-column", "variant", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    arms = {a["name"]: a for a in doc["arms"]}
    assert doc["control"] == "control"  # no experiments: block: the first arm by name
    assert (arms["control"]["customers"], arms["control"]["conversions"]) == (2, 2)  # a, e
    assert (arms["treatment"]["customers"], arms["treatment"]["conversions"]) == (1, 0)  # b
    assert (arms["control"]["excluded"], arms["treatment"]["excluded"]) == (0, 1)  # c
    assert (
        "customers seen in two arms are excluded, counted under their first arm: control 0, treatment 1"
        in doc["notes"]
    )
    # a's landing (before exposure), d's landing (no variant), c's two rows (two arms)
    assert (
        "rows left out: 1 before exposure, 1 of 1 customer with no variant (none, empty or "
        "spaces), 2 of customers seen in two arms"
    ) in doc["notes"]


def test_a_later_exposure_event(tmp_path: Path, cli: Callable[..., Result]) -> None:
    args = [*files(tmp_path), "--variant-column", "variant", "--exposure-event", "cart"]
    doc = json.loads(cli("experiment", *args, "--format", "json").out)
    # every customer is exposed at cart: landing rows of a, b, e are before exposure
    assert (
        "rows left out: 3 before exposure, 1 of 1 customer with no variant (none, empty or "
        "spaces), 2 of customers seen in two arms"
    ) in doc["notes"]
    arms = {a["name"]: a for a in doc["arms"]}
    assert arms["control"]["customers"] == 2 and arms["treatment"]["customers"] == 1
    assert not any(t["touchpoint"] == "landing" and t["drop_off"] for t in doc["touchpoints"])


# a: "" at landing is no variant, so its arm is control (from cart) and landing is before
# exposure; b: only spaces: no variant; c: treatment, then ""; d: no variant key; e: control;
# a row without a customer; g: treatment and control at the same second: the file order
# decides (treatment first), excluded
EMPTY_VARIANTS = [
    ("a", "10:00", "landing", ""),
    ("a", "10:01", "cart", "control"),
    ("a", "10:02", "paid", ""),
    ("b", "10:00", "landing", "  "),
    ("b", "10:01", "cart", "  "),
    ("c", "10:00", "landing", "treatment"),
    ("c", "10:01", "cart", ""),
    ("d", "10:00", "landing", None),
    ("e", "11:00", "landing", "control"),
    ("e", "11:01", "cart", "control"),
    ("e", "11:02", "paid", "control"),
    ("", "11:00", "landing", "control"),
    ("g", "12:00", "landing", "treatment"),
    ("g", "12:00", "cart", "control"),
]


def jsonl(rows: Sequence[tuple[str, str, str, str | None]]) -> str:
    out = []
    for uid, hhmm, event, variant in rows:
        row = {"user_id": uid, "timestamp": f"2026-07-01T{hhmm}:00Z", "event": event}
        if variant is not None:
            row["variant"] = variant
        out.append(json.dumps(row))
    return "\n".join(out) + "\n"


def test_an_empty_variant_is_no_variant(tmp_path: Path, cli: Callable[..., Result]) -> None:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    (tmp_path / "log.jsonl").write_text(jsonl(EMPTY_VARIANTS), encoding="utf-8")
    args = [str(tmp_path / "m.yaml"), "--events", str(tmp_path / "log.jsonl")]
    r = cli("experiment", *args, "--variant-column", "variant", "--max-bad-rows", "1",
            "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    arms = {a["name"]: (a["customers"], a["conversions"], a["excluded"]) for a in doc["arms"]}
    assert arms == {"control": (2, 2, 0), "treatment": (1, 0, 1)}  # a, e; c; g
    # 14 rows: a's landing before exposure; b's two and d's one of 2 customers with no
    # variant; g's two; the row without a customer; the 8 rows of a, c, e from exposure on
    assert (
        "rows left out: 1 before exposure, 3 of 2 customers with no variant (none, empty or "
        "spaces), 2 of customers seen in two arms, 1 without a customer id"
    ) in doc["notes"]
    # the independent count: the log cleaned by hand (the rows of a from exposure on, of c
    # and of e, each with its arm) counted by `ingest --segment-by`, read out with --arm
    arm_of = {"a": "control", "c": "treatment", "e": "control"}
    clean = [(u, t, ev, arm_of[u]) for u, t, ev, _ in EMPTY_VARIANTS[1:] if u in arm_of]
    (tmp_path / "clean.jsonl").write_text(jsonl(clean), encoding="utf-8")
    r = cli("ingest", str(tmp_path / "clean.jsonl"), "--map", str(tmp_path / "m.yaml"),
            "--segment-by", "variant", "-o", str(tmp_path / "arm.yaml"), "-q")  # fmt: skip
    assert r.code == 0, r.err
    [control] = tmp_path.glob("arm.control-*.yaml")
    [treatment] = tmp_path.glob("arm.treatment-*.yaml")
    by_overlays = json.loads(
        cli("experiment", args[0], "--arm", f"control={control}", "--arm",
            f"treatment={treatment}", "--format", "json").out
    )  # fmt: skip
    assert [(a["customers"], a["conversions"]) for a in by_overlays["arms"]] == [(2, 2), (1, 0)]
    assert doc["comparisons"] == by_overlays["comparisons"]
    assert doc["touchpoints"] == by_overlays["touchpoints"]


def test_unknown_variant_column_and_misuse_exit_2(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    r = cli("experiment", *files(tmp_path), "--variant-column", "varaint")
    assert r.code == 2 and "Traceback" not in r.err
    assert "no column 'varaint' (named by --variant-column); did you mean 'variant'?" in r.err
    r = cli("experiment", *files(tmp_path))
    assert r.code == 2 and "--events needs --variant-column" in r.err
    # every customer's events name two or more "arms" (landing, cart): all excluded, one arm
    r = cli("experiment", *files(tmp_path), "--variant-column", "event")
    assert r.code == 2 and "two or more arms" in r.err


def test_against_a_plain_python_count(tmp_path: Path, cli: Callable[..., Result]) -> None:
    rng = random.Random(7)
    rows = ["user_id,timestamp,event,variant"]
    truth: dict[str, list[int]] = {"a": [0, 0], "b": [0, 0]}
    for i in range(400):
        arm = rng.choice("ab")
        p_buy = 0.3 if arm == "a" else 0.45
        steps = ["landing", "cart"] + (["paid"] if rng.random() < p_buy else [])
        for k, step in enumerate(steps):
            rows.append(
                f"u{i},2026-07-01T{10 + k:02d}:{i % 60:02d}:00Z,{step},{arm if k == 0 else ''}"
            )
        truth[arm][0] += 1
        truth[arm][1] += "paid" in steps
    doc = json.loads(
        cli(
            "experiment", *files(tmp_path, "\n".join(rows) + "\n"), "--variant-column", "variant",
            "--format", "json",
        ).out
    )  # fmt: skip
    got = {a["name"]: [a["customers"], a["conversions"]] for a in doc["arms"]}
    assert got == truth
    a, b = truth["a"], truth["b"]
    assert doc["arms"][1]["conversion"] == pytest.approx(b[1] / b[0])
    assert doc["comparisons"][0]["difference"] == pytest.approx(b[1] / b[0] - a[1] / a[0])
