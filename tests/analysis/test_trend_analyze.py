"""Each period of a trend reports what `journeymap analyze` reports for it (docs/trends.md,
"What is counted"): stage reach, the top three leaks with their lost value, the journey's
survey scores and the business figures. Checked against `analyze` of each period and, for the
pooled survey and churn, against the arithmetic written out here."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from journeymap.analysis import analyze
from journeymap.analysis.trend import PeriodInput, trend
from journeymap.figures_cx import cx_label
from journeymap.graph import build_graph
from journeymap.model import JourneyMap
from journeymap.report.trend import to_csv, to_document, to_table

ROOT = Path(__file__).resolve().parents[2]


def _period(label: str, paid: int, lost: int) -> PeriodInput:
    """home (100 entries) -> cart (70) -> paid; NPS answers at home and at the cart."""
    jm = JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "shop",
            "title": "Shop",
            "period": label,
            "value_per_conversion": 50,
            "currency": "EUR",
            "business": {"customers_start": 1000, "customers_lost": lost},
            "stages": [
                {
                    "id": "visit",
                    "name": "Visit",
                    "touchpoints": [
                        {
                            "id": "home",
                            "name": "Home",
                            "entries": 100,
                            "next": {"cart": 70},
                            "scores": {"nps": {"responses": {10: 2, 9: 1, 3: 1}}},
                        }
                    ],
                },
                {
                    "id": "buy",
                    "name": "Buy",
                    "touchpoints": [
                        {
                            "id": "cart",
                            "name": "Cart",
                            "next": {"paid": paid},
                            "scores": {"nps": {"responses": {10: 1, 0: 2}}},
                        },
                        {"id": "paid", "name": "Paid", "goal": True},
                    ],
                },
            ],
        }
    )
    return PeriodInput(label, f"{label}.yaml", build_graph(jm))


INPUTS = [_period("2026-02", 35, 200), _period("2026-01", 42, 150)]


def test_each_period_carries_analyzes_stage_reach_leaks_and_business_figures() -> None:
    t = trend(INPUTS)
    for p, inp in zip(t.periods, sorted(INPUTS, key=lambda i: str(i.period)), strict=True):
        a = analyze(inp.graph, samples=0)
        reach = {s.id: s.reach_probability for s in a.stages if not s.after_goal}
        assert {s.id: s.reach_probability for s in p.stages} == pytest.approx(reach)
        assert [lk.touchpoint for lk in p.leaks] == [lk.touchpoint for lk in a.leaks[:3]]
        assert [lk.lost_value for lk in p.leaks] == pytest.approx(
            [lk.lost_value for lk in a.leaks[:3]]
        )
        assert p.business["churn_rate"].value == a.metrics.figures["churn_rate"].value
    # churn = lost / customers at the start: 150 / 1,000 and 200 / 1,000
    assert [p.business["churn_rate"].value for p in t.periods] == [0.15, 0.2]
    # 2026-01: the cart sends 42 of its 70 on, so 28 leave there: 28 x 50 EUR = 1,400 EUR lost
    # (every cart customer who goes on converts)
    cart = next(lk for lk in t.periods[0].leaks if lk.touchpoint == "cart")
    assert cart.lost_value == pytest.approx(28 * 50)


def test_the_journeys_nps_pools_every_touchpoints_answers() -> None:
    """Home: 3 promoters (10, 10, 9) and 1 detractor (3); cart: 1 promoter and 2 detractors.
    Pooled: 4 promoters, 3 detractors of 7 answers, NPS = 100 x (4 - 3) / 7 = +14.3."""
    t = trend(INPUTS)
    for p in t.periods:
        nps = p.surveys.nps
        assert nps is not None and nps.responses == 7 and nps.value is not None
        assert nps.value == pytest.approx(100 * (4 - 3) / 7)
        assert nps.interval is not None and nps.interval[0] < nps.value < nps.interval[1]


def _doc() -> dict[str, Any]:
    return to_document(trend(INPUTS))


def test_json_has_the_figures_of_every_period() -> None:
    first = _doc()["periods"][0]
    assert [s["id"] for s in first["stages"]] == ["visit", "buy"]
    assert first["leaks"][0]["rank"] == 1 and {"touchpoint", "exits", "lost_value"} <= set(
        first["leaks"][0]
    )
    assert first["surveys"]["nps"]["responses"] == 7
    assert first["surveys"]["nps"]["value"] == pytest.approx(14.28571429)
    assert "csat" not in first["surveys"]  # only what the period has answers for
    assert first["business"]["churn_rate"]["value"] == 0.15
    # as analyze writes it under metrics: the formula's symbols and their inputs
    assert first["business"]["churn_rate"]["inputs"] == {"S": 1000, "lost": 150}


def test_csv_has_a_row_per_figure() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(trend(INPUTS)))))
    mine = {(r["period"], r["metric"], r["subject"]): r for r in rows}
    assert mine[("2026-01", "nps", "")]["n"] == "7"
    assert float(mine[("2026-01", "nps", "")]["value"]) == pytest.approx(100 / 7)
    assert mine[("2026-02", "churn_rate", "")]["value"] == "0.2"
    assert float(mine[("2026-01", "lost_value", "cart")]["value"]) == pytest.approx(1400)
    assert mine[("2026-01", "lost_value", "cart")]["n"] == "28"  # the cart's exits
    assert {r["subject"] for r in rows if r["metric"] == "stage_reach"} == {"visit", "buy"}


def test_the_table_shows_the_top_leak_the_scores_and_the_business_figures() -> None:
    text = to_table(trend(INPUTS))
    detail = text.split("\n\n")[1].splitlines()
    assert detail == [
        f"period   top leak  lost value  NPS   {cx_label('churn_rate')}",
        "2026-01  Cart       1,400 EUR  +14  15.00%",
        "2026-02  Cart       1,750 EUR  +14  20.00%",
    ]


def test_the_worked_example_agrees_with_analyze_period_by_period() -> None:
    from journeymap.cli.trend import overlay_periods

    inputs, _read, _map = overlay_periods(
        str(ROOT / "maps" / "first-purchase.yaml"), (str(ROOT / "tests/analysis/data/trend"),), None
    )
    t = trend(inputs)
    by_period = {str(i.period): i for i in inputs}
    for p in t.periods:
        a = analyze(by_period[p.period].graph, samples=0)
        assert [lk.touchpoint for lk in p.leaks] == [lk.touchpoint for lk in a.leaks[:3]]
        assert p.leaks[0].lost_value == pytest.approx(a.leaks[0].lost_value)
        assert [s.reach_probability for s in p.stages] == pytest.approx(
            [s.reach_probability for s in a.stages if not s.after_goal]
        )
