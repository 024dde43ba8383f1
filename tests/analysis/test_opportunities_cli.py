"""``journeymap opportunities`` end to end, and the format's errors with their positions."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.support import ROOT, run_cli

MAP = str(ROOT / "maps" / "first-purchase.yaml")

SMALL = """\
journeymap: 1
id: m
title: M
value_per_conversion: 50
stages:
  - id: s
    name: S
    touchpoints:
      - id: home
        name: Home
        entries: 1000
        next: {cart: 400}
      - id: cart
        name: Cart
        next: {paid: 100, home: 100}
        opportunities:
          - Bigger buttons
          - {id: codes, text: Explain codes, owner: Checkout, effort: 2,
             expected: {close_exits: 50%}}
      - id: paid
        name: Paid
        goal: true
"""


def test_json_has_the_contract_keys_and_the_hand_worked_gain(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(SMALL, encoding="utf-8")
    r = run_cli("opportunities", str(path), "--format", "json", "--samples", "0")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["journeymap-opportunities"] == 1
    (o,) = doc["opportunities"]
    for key in ("id", "text", "owner", "status", "effort", "addresses", "basis"):
        assert key in o
    assert (o["id"], o["basis"], o["rank"], o["addresses"]) == ("codes", "what-if", 1, ["cart"])
    # tests/analysis/test_opportunities.py: 1000 (12/76 - 1/10) conversions, x 50 in value
    assert o["value_at_stake"]["conversions"] == pytest.approx(57.89473684)
    assert o["value_at_stake"]["value"] == pytest.approx(2894.736842)
    assert o["value_at_stake"]["value_interval"] is None
    assert o["value_per_effort"] == pytest.approx(2894.736842 / 2)
    assert doc["texts"] == [{"touchpoint": "cart", "text": "Bigger buttons"}]


def test_table_markdown_and_csv_of_the_example_map(tmp_path: Path) -> None:
    table = run_cli("opportunities", MAP, "--samples", "0")
    assert table.code == 0, table.err
    assert "leak bound" in table.out and "what-if" in table.out
    assert "1 opportunity has no rank: done." in table.out
    md = run_cli("opportunities", MAP, "--samples", "0", "--format", "markdown")
    assert md.out.startswith("## Opportunities of first-purchase")
    assert "| 1 | Show the delivery cost and date next to the price |" in md.out
    out = tmp_path / "p.csv"
    r = run_cli("opportunities", MAP, "--samples", "0", "--format", "csv", "-o", str(out))
    assert r.code == 0 and f"wrote {out}" in r.err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows[:2]] == ["delivery-cost-upfront", "deep-link-ads"]
    assert rows[0]["rank"] == "1" and rows[-1]["rank"] == ""


def test_the_same_input_gives_the_same_bytes() -> None:
    a = run_cli("opportunities", MAP, "--format", "json", "--samples", "50")
    b = run_cli("opportunities", MAP, "--format", "json", "--samples", "50")
    assert a.code == 0 and a.out == b.out


def test_a_scenario_prices_on_the_applied_map() -> None:
    r = run_cli("opportunities", MAP, "--scenario", "to-be", "--format", "json", "--samples", "0")
    assert r.code == 0, r.err
    doc = {o["id"]: o for o in json.loads(r.out)["opportunities"]}
    # the to-be scenario removes the payment page: nothing left to price there
    assert doc["wallet-payments"]["left_out"] == [{"touchpoint": "payment", "reason": "removed"}]
    # the scenario's own gain is against the map as written either way
    plain = run_cli("opportunities", MAP, "--format", "json", "--samples", "0")
    same = {o["id"]: o for o in json.loads(plain.out)["opportunities"]}
    key = "express-and-one-page-checkout"
    assert doc[key]["value_at_stake"] == same[key]["value_at_stake"]


@pytest.mark.parametrize(
    ("opportunity", "message"),
    [
        (
            "{id: o, text: T, expected: {close_exits: 10%, drop_off: -5pp}}",
            "expected is one of close_exits, drop_off or transition, not close_exits and drop_off",
        ),
        ("{id: o, text: T, expected: {drop_off: 5pp}}", "is not a fall of the drop-off"),
        ("{id: o, text: T, expected: {close_exits: 0%}}", "is not a share of the exits"),
        ("{id: o, text: T, effort: 6}", "effort"),
        ("{id: o, text: T, status: doing}", "status"),
        ("{id: o, text: T, scenario: x, expected: {close_exits: 1%}}", "not both"),
    ],
)
def test_shape_errors_are_one_message_with_a_position(
    tmp_path: Path, opportunity: str, message: str
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        SMALL.replace("          - Bigger buttons\n", f"          - {opportunity}\n"),
        encoding="utf-8",
    )
    r = run_cli("opportunities", str(path))
    assert r.code == 2
    assert "Traceback" not in r.err
    assert f"{path}:17:" in r.err and message in r.err


def test_an_unknown_transition_target_is_a_reference_error(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    text = SMALL.replace(
        "expected: {close_exits: 50%}", "expected: {transition: {to: hom, share: 5%}}"
    )
    path.write_text(text, encoding="utf-8")
    r = run_cli("validate", str(path))
    assert r.code == 2
    assert "unknown touchpoint 'hom'" in r.err and "did you mean 'home'?" in r.err
