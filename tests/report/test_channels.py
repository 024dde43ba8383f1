"""`journeymap analyze --by channel|stage`: the JSON `channels[]`, the tables, CSV and Markdown.

The two-channel map is the one of tests/analysis/test_channels.py, worked by hand there: web
(home, cart) and email (mail), 40 orders of 10 EUR; removal effects 1 and 3/8, so the shares
are 8/11 = 72.7% and 3/11 = 27.3%, web is credited 320/11 = 29.1 orders (290.91 EUR) and email
120/11 = 10.9 (109.09 EUR); first touch 41/53 = 77.4% and 12/53 = 22.6%; last touch 100% web.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support import MAPS, WriteFile, run_cli

TWO = """\
journeymap: 1
id: two
title: Two channels
currency: EUR
value_per_conversion: 10
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: home, name: Home, channel: web, entries: 100, next: {cart: 50, mail: 20}}
      - {id: mail, name: Mail, channel: email, entries: 40, next: {cart: 30}}
      - {id: cart, name: Cart, channel: web, next: {paid: 40, mail: 10}}
      - {id: paid, name: Paid, channel: web, goal: true}
"""

FIRST_PURCHASE = str(MAPS / "first-purchase.yaml")


def _json(*args: str) -> dict[str, Any]:
    r = run_cli("analyze", *args, "--samples", "0", "--format", "json")
    assert r.code == 0, r.err
    doc: dict[str, Any] = json.loads(r.out)
    return doc


def test_two_channels_by_hand_in_json(write: WriteFile) -> None:
    doc = _json(str(write("two.yaml", TWO)), "--by", "channel")
    assert doc["by"] == "channel"
    web, email = doc["channels"]
    assert list(web)[:4] == ["channel", "touchpoints", "visits", "exits"]
    assert (web["channel"], web["touchpoints"], web["visits"], web["exits"]) == (
        "web",
        ["home", "cart"],
        180,
        60,
    )
    assert web["attribution_share"] == pytest.approx(8 / 11)
    assert email["attribution_share"] == pytest.approx(3 / 11)
    assert web["attributed_conversions"] == pytest.approx(320 / 11)
    assert email["attributed_value"] == pytest.approx(1200 / 11)
    assert web["first_touch_share"] == pytest.approx(41 / 53)
    assert (web["last_touch_share"], email["last_touch_share"]) == (1.0, 0.0)
    assert email["removal_effect"] == pytest.approx(3 / 8)


def test_two_channels_by_hand_in_the_table(write: WriteFile) -> None:
    r = run_cli("analyze", str(write("two.yaml", TWO)), "--by", "channel", "--samples", "0")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    credited = lines.index(
        "Conversions credited by channel (removal effects; first and last touch for comparison):"
    )
    rows = [line.split() for line in lines[credited + 3 : credited + 6]]
    assert rows == [
        ["web", "100.0%", "72.7%", "29.1", "291", "EUR", "77.4%", "100.0%"],
        ["email", "37.5%", "27.3%", "10.9", "109", "EUR", "22.6%", "0.0%"],
        ["total", "100.0%", "40", "400", "EUR", "100.0%", "100.0%"],
    ]
    assert "add up to 100% of the period's 40 conversions and of their 400 EUR value" in (
        " ".join(lines[credited + 6 :])
    )
    by = lines.index("By channel:")
    # every order passes web (40 reached), 15 pass email; 30.9% = b_home (16.4/53) of web's
    # entries converts, 22.6% = b_mail (12/53) of email's
    assert [line.split() for line in lines[by + 3 : by + 5]] == [
        ["web", "2", "180", "60", "40", "386", "EUR", "30.9%"],
        ["email", "1", "70", "40", "15", "211", "EUR", "22.6%"],
    ]


def test_first_purchase_shares_add_up_to_all_conversions_and_value() -> None:
    """The issue's done-when: the printed attribution shares add up to 100%."""
    doc = _json(FIRST_PURCHASE, "--by", "channel")
    groups = doc["channels"]
    summary = doc["summary"]
    assert [g["channel"] for g in groups] == [
        "social",
        "search",
        "forum",
        "video",
        "web",
        "chat",
        "email",
    ]
    assert sum(g["attribution_share"] for g in groups) == pytest.approx(1.0, abs=1e-9)
    assert summary["conversions"] == 4150
    assert sum(g["attributed_conversions"] for g in groups) == pytest.approx(4150, abs=1e-6)
    # every order is worth the map's 52 EUR: the period's value is 4,150 x 52 = 215,800 EUR
    assert sum(g["attributed_value"] for g in groups) == pytest.approx(215_800, abs=1e-3)
    assert sum(g["first_touch_share"] for g in groups) == pytest.approx(1.0, abs=1e-9)
    assert sum(g["last_touch_share"] for g in groups) == pytest.approx(1.0, abs=1e-9)

    r = run_cli("analyze", FIRST_PURCHASE, "--by", "channel", "--samples", "0")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    head = lines.index(
        "Conversions credited by channel (removal effects; first and last touch for comparison):"
    )
    printed = [line.split() for line in lines[head + 3 : head + 3 + len(groups)]]
    shares = [float(row[2].rstrip("%")) for row in printed]
    # each share rounded to 0.1%: their sum is 100% within half a tenth per channel
    assert sum(shares) == pytest.approx(100.0, abs=0.05 * len(shares))
    total = lines[head + 3 + len(groups)].split()
    assert total == ["total", "100.0%", "4,150", "215,800", "EUR", "100.0%", "100.0%"]


def test_by_stage_groups_by_stage_ids() -> None:
    doc = _json(FIRST_PURCHASE, "--by", "stage")
    assert doc["by"] == "stage"
    groups = doc["channels"]
    stages = doc["map"]["stages"]
    assert [g["channel"] for g in groups] == [
        s for s in stages if s in {g["channel"] for g in groups}
    ]
    # a stage's touchpoints are those of the stage that are in the chain
    touchpoints = {t["id"]: t for t in doc["touchpoints"]}
    for g in groups:
        assert all(touchpoints[t]["stage"] == g["channel"] for t in g["touchpoints"])
        assert g["visits"] == sum(touchpoints[t]["visits"] for t in g["touchpoints"])
    assert sum(g["attributed_conversions"] for g in groups) == pytest.approx(4150, abs=1e-6)


def test_without_by_the_document_has_no_channels() -> None:
    doc = _json(FIRST_PURCHASE)
    assert "by" not in doc
    assert "channels" not in doc
    assert list(doc)[-1] == "warnings"


def test_csv_is_one_row_per_channel(write: WriteFile) -> None:
    r = run_cli(
        "analyze",
        str(write("two.yaml", TWO)),
        "--by",
        "channel",
        "--format",
        "csv",
        "--samples",
        "0",
    )
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert [(row["by"], row["channel"], row["touchpoints"]) for row in rows] == [
        ("channel", "web", "home cart"),
        ("channel", "email", "mail"),
    ]
    assert float(rows[0]["attribution_share"]) == pytest.approx(8 / 11, abs=1e-9)
    assert float(rows[1]["attributed_value"]) == pytest.approx(1200 / 11, abs=1e-6)
    assert rows[0]["currency"] == "EUR"


def test_markdown_has_both_tables(write: WriteFile) -> None:
    r = run_cli(
        "analyze",
        str(write("two.yaml", TWO)),
        "--by",
        "stage",
        "--format",
        "markdown",
        "--samples",
        "0",
    )
    assert r.code == 0, r.err
    assert "### By stage" in r.out
    assert "### Conversions credited by stage" in r.out
    assert "| total |  | 100.0% | 40 | 400 EUR | 100.0% | 100.0% |" in r.out
    assert re.search(r"\| buy \| 100\.0% \| 100\.0% \| 40 \| 400 EUR \|", r.out)


def test_a_map_without_goal_says_why_nothing_is_credited(write: WriteFile) -> None:
    text = TWO.replace(", goal: true", "")
    r = run_cli("analyze", str(write("two.yaml", text)), "--by", "channel", "--samples", "0")
    assert r.code == 0, r.err
    assert "No attribution: it needs a goal that some journey reaches" in r.out


@pytest.mark.parametrize("other", [["--compare-data", "q2.yaml"], ["--compare-scenario", "x"]])
def test_by_with_a_comparison_is_refused(write: WriteFile, other: list[str]) -> None:
    path: Path = write("two.yaml", TWO)
    r = run_cli("analyze", str(path), "--by", "channel", *other)
    assert r.code == 2
    assert "--by cannot be combined with --compare-data or --compare-scenario" in r.err
    assert "Traceback" not in r.err


def test_the_docs_show_what_analyze_prints() -> None:
    """docs/analysis.md, "By channel and by stage": the attribution table as printed."""
    from tests.support import ROOT

    text = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    section = text.split("## By channel and by stage\n")[1]
    shown = section.split("```text\n")[1].split("```")[0]
    r = run_cli("analyze", FIRST_PURCHASE, "--by", "channel", "--samples", "0")
    assert r.code == 0, r.err
    assert r.out.endswith(shown)
